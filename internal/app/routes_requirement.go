package app

import (
	"golive/internal/access"
	"golive/internal/discuss"
	"golive/internal/requirement"
	"golive/internal/web"
)

// requirementRoutes registers the requirements module: the pool with its
// review, the priority matrix, the function list and the traceability
// matrix, as pages, Excel and API.
func (a *App) requirementRoutes() {
	s := a.Server
	w := requirement.NewWeb(a.Requirements)
	api := requirement.NewAPI(a.Requirements)

	s.AddProjectNav("requirement.nav", "/requirements", "requirements", access.RequirementView)

	s.Page("GET /projects/{id}/requirements", w.List)
	s.Page("GET /projects/{id}/requirements.xlsx", w.Export)
	s.Page("POST /projects/{id}/requirements/import", w.Import, web.BodyLimit(requirement.ImportMaxBytes+1<<20))
	s.Page("GET /projects/{id}/requirements/new", w.New)
	s.Page("POST /projects/{id}/requirements", w.Create)
	s.Page("POST /projects/{id}/requirements/review", w.Review)
	s.Page("GET /projects/{id}/requirements/matrix", w.Matrix)
	s.Page("GET /projects/{id}/requirements/{rid}", w.Show)
	s.Page("GET /projects/{id}/requirements/{rid}/edit", w.Edit)
	s.Page("POST /projects/{id}/requirements/{rid}/edit", w.Update)
	s.Page("POST /projects/{id}/requirements/{rid}/delete", w.Delete)
	s.Page("POST /projects/{id}/requirements/{rid}/function", w.ToFunction)
	s.Page("GET /projects/{id}/functions", w.Functions)
	s.Page("GET /projects/{id}/functions.xlsx", w.FunctionsExport)
	s.Page("POST /projects/{id}/functions", w.CreateFunction)
	s.Page("GET /projects/{id}/functions/{fid}/edit", w.EditFunction)
	s.Page("POST /projects/{id}/functions/{fid}/edit", w.UpdateFunction)
	s.Page("POST /projects/{id}/functions/{fid}/delete", w.DeleteFunction)
	s.Page("POST /projects/{id}/functions/{fid}/tasks", w.GenerateTasks)
	s.Page("GET /projects/{id}/trace", w.TracePage)
	s.Page("GET /projects/{id}/trace.xlsx", w.TraceExport)
	// Comments and attachments on a requirement (the discuss service).
	dw := discuss.NewWeb(a.Discuss)
	rq := dw.For(requirement.DiscussKind, "rid")
	a.Requirements.SetDiscussion(dw.Panel)
	upload := web.BodyLimit(a.Discuss.MaxUpload + 1<<20)
	s.Page("GET /projects/{id}/requirements/{rid}/comments.xlsx", rq.Export)
	s.Page("POST /projects/{id}/requirements/{rid}/comments", rq.Post)
	s.Page("POST /projects/{id}/requirements/{rid}/attachments", rq.Upload, upload)

	type D = web.Doc
	doc := web.WithDoc
	const tag = "requirements"
	filters := []string{"status", "priority", "module", "source", "q"}
	s.API("GET /api/v1/projects/{id}/requirements", api.List, doc(D{Tag: tag, Summary: "The requirement pool (customers: customer-visible requirements only), filtered by status, priority, module, source (a kind or direct) and text", Out: []requirement.Requirement{}, Query: filters}))
	s.API("POST /api/v1/projects/{id}/requirements", api.Create, doc(D{Tag: tag, Summary: "Add a draft requirement (PM, consultants); number is optional and is refused when the project ever used it", In: requirement.Input{}, Out: requirement.Requirement{}, Status: 201}))
	s.API("POST /api/v1/projects/{id}/requirements/review", api.Review, doc(D{Tag: tag, Summary: "Move requirements one step, all or none: submit (draft→review), implement, reopen (PM, consultants); confirm, clarify (back to draft, comment required), reject (comment required), accept (customer PM)", In: requirement.ReviewInput{}, Out: []requirement.Requirement{}}))
	s.API("GET /api/v1/projects/{id}/requirements/{rid}", api.Get, doc(D{Tag: tag, Summary: "One requirement with its functions and review log", Out: requirement.RequirementDetail{}}))
	s.API("PUT /api/v1/projects/{id}/requirements/{rid}", api.Update, doc(D{Tag: tag, Summary: "Edit a requirement that is not agreed scope (confirmed ones change through change control: 409); stale version: 409", In: requirement.Input{}, Out: requirement.Requirement{}}))
	s.API("DELETE /api/v1/projects/{id}/requirements/{rid}", api.Delete, doc(D{Tag: tag, Summary: "Move a requirement that is not agreed scope to the trash (its number stays used); version in the query", Status: 204, Query: []string{"version"}}))
	s.API("POST /api/v1/projects/{id}/requirements/{rid}/restore", api.Restore, doc(D{Tag: tag, Summary: "Restore a requirement from the trash", Out: requirement.Requirement{}}))
	s.API("POST /api/v1/projects/{id}/requirements/{rid}/move", api.Move, doc(D{Tag: tag, Summary: "Drop in the priority matrix: set the MoSCoW priority and the column's order (ids); version of the moved requirement (stale: 409)", In: requirement.MoveInput{}, Out: requirement.Requirement{}}))
	s.API("GET /api/v1/projects/{id}/functions", api.Functions, doc(D{Tag: tag, Summary: "The function list with requirements served and tasks (effort in tenths of a person-day)", Out: []requirement.Function{}}))
	s.API("POST /api/v1/projects/{id}/functions", api.CreateFunction, doc(D{Tag: tag, Summary: "Add a function mapped to requirements (PM, consultants)", In: requirement.FunctionInput{}, Out: requirement.Function{}, Status: 201}))
	s.API("PUT /api/v1/projects/{id}/functions/{fid}", api.UpdateFunction, doc(D{Tag: tag, Summary: "Edit a function and replace its requirement mapping; stale version: 409", In: requirement.FunctionInput{}, Out: requirement.Function{}}))
	s.API("DELETE /api/v1/projects/{id}/functions/{fid}", api.DeleteFunction, doc(D{Tag: tag, Summary: "Move a function to the trash; version in the query", Status: 204, Query: []string{"version"}}))
	s.API("POST /api/v1/projects/{id}/functions/{fid}/tasks", api.GenerateTasks, doc(D{Tag: tag, Summary: "Create the function's task in the work module, once (201); later calls return the linked tasks (200)", Out: requirement.GenerateResult{}, Status: 201}))
	s.API("GET /api/v1/projects/{id}/requirements/{rid}/comments", rq.APIComments, doc(D{Tag: tag, Summary: "A requirement's comments, oldest first (customers never see internal ones)", Out: []discuss.Comment{}}))
	s.API("POST /api/v1/projects/{id}/requirements/{rid}/comments", rq.APIPost, doc(D{Tag: tag, Summary: "Comment on a requirement (Markdown, @mentions; internal: vendor staff only)", In: discuss.CommentInput{}, Out: discuss.Comment{}, Status: 201}))
	s.API("GET /api/v1/projects/{id}/requirements/{rid}/attachments", rq.APIAttachments, doc(D{Tag: tag, Summary: "A requirement's attachments, newest first", Out: []discuss.Attachment{}}))
	s.API("POST /api/v1/projects/{id}/requirements/{rid}/attachments", rq.APIUpload, upload, doc(D{Tag: tag, Summary: "Attach a file to a requirement: multipart/form-data with an optional \"internal\" field (1, vendor staff only) before the \"file\" part", Upload: []string{"internal"}, Out: discuss.Attachment{}, Status: 201}))
	s.API("GET /api/v1/projects/{id}/trace", api.Trace, doc(D{Tag: tag, Summary: "Traceability matrix: requirement → functions → tasks, plus registered kinds (change requests…); filter no_function, no_task or must_open", Out: requirement.Trace{}, Query: []string{"filter"}}))
}
