package app

import (
	"golive/internal/access"
	"golive/internal/discuss"
	"golive/internal/research"
	"golive/internal/web"
)

// researchRoutes registers the research module (需求调研): the
// questionnaire template library, project questionnaires with their
// answers and aggregates, interview and observation records with their
// comments and attachments. Called from routes.
func (a *App) researchRoutes() {
	s := a.Server
	dw := discuss.NewWeb(a.Discuss)
	w := research.NewWeb(a.Research, dw.Panel)
	api := research.NewAPI(a.Research)
	rec := dw.For(research.DiscussKind, "rid")
	upload := web.BodyLimit(a.Discuss.MaxUpload + 1<<20)

	s.AddProjectNav("research.nav", "/research", "research", access.ResearchView)
	s.AddOverviewNotices(w.Notices)

	s.Page("GET /research/templates", w.Library)
	s.Page("GET /research/templates.xlsx", w.ExportTemplates)
	s.Page("POST /research/templates", w.CreateTemplate)
	s.Page("GET /research/templates/{tid}", w.ShowTemplate)
	s.Page("POST /research/templates/{tid}/edit", w.UpdateTemplate)
	s.Page("POST /research/templates/{tid}/delete", w.DeleteTemplate)

	s.Page("GET /projects/{id}/research", w.Index)
	s.Page("GET /projects/{id}/research/questionnaires.xlsx", w.ExportQuestionnaires)
	s.Page("GET /projects/{id}/research/records.xlsx", w.ExportRecords)
	s.Page("POST /projects/{id}/research/questionnaires", w.CreateQuestionnaire)
	s.Page("GET /projects/{id}/research/questionnaires/{qid}", w.ShowQuestionnaire)
	s.Page("POST /projects/{id}/research/questionnaires/{qid}/edit", w.UpdateQuestionnaire)
	s.Page("POST /projects/{id}/research/questionnaires/{qid}/send", w.Send)
	s.Page("POST /projects/{id}/research/questionnaires/{qid}/delete", w.DeleteQuestionnaire)
	s.Page("POST /projects/{id}/research/questionnaires/{qid}/answer", w.Answer)
	s.Page("GET /projects/{id}/research/questionnaires/{qid}/responses.xlsx", w.ExportResponses)
	s.Page("GET /projects/{id}/research/questionnaires/{qid}/responses/{rid}", w.ShowResponse)
	s.Page("POST /projects/{id}/research/questionnaires/{qid}/responses/{rid}/reopen", w.Reopen)
	s.Page("POST /projects/{id}/research/questionnaires/{qid}/responses/{rid}/candidates", w.AnswerToRequirement)
	s.Page("POST /projects/{id}/research/records", w.CreateRecord)
	s.Page("GET /projects/{id}/research/records/{rid}", w.ShowRecord)
	s.Page("POST /projects/{id}/research/records/{rid}/edit", w.UpdateRecord)
	s.Page("POST /projects/{id}/research/records/{rid}/delete", w.DeleteRecord)
	s.Page("POST /projects/{id}/research/records/{rid}/candidates", w.SentenceToRequirement)
	s.Page("GET /projects/{id}/research/records/{rid}/comments.xlsx", rec.Export)
	s.Page("POST /projects/{id}/research/records/{rid}/comments", rec.Post)
	s.Page("POST /projects/{id}/research/records/{rid}/attachments", rec.Upload, upload)

	type D = web.Doc
	doc := web.WithDoc
	const tag = "research"
	s.API("GET /api/v1/research/templates", api.Templates, doc(D{Tag: tag, Summary: "The questionnaire template library (vendor staff)", Out: []research.Template{}}))
	s.API("POST /api/v1/research/templates", api.CreateTemplate, doc(D{Tag: tag, Summary: "Add a questionnaire template (vendor PM, consultants, administrators); body as structure or body_text in the editing format", In: research.TemplateInput{}, Out: research.Template{}, Status: 201}))
	s.API("GET /api/v1/research/templates/{tid}", api.Template, doc(D{Tag: tag, Summary: "One questionnaire template", Out: research.Template{}}))
	s.API("GET /api/v1/projects/{id}/research/questionnaires", api.Questionnaires, doc(D{Tag: tag, Summary: "The project's questionnaires (customers: those sent to them, with their own response)", Out: []research.Questionnaire{}}))
	s.API("POST /api/v1/projects/{id}/research/questionnaires", api.CreateQuestionnaire, doc(D{Tag: tag, Summary: "Copy a template into the project (template_id) or start from a body, as a draft", In: research.QuestionnaireInput{}, Out: research.Questionnaire{}, Status: 201}))
	s.API("GET /api/v1/projects/{id}/research/questionnaires/{qid}", api.Questionnaire, doc(D{Tag: tag, Summary: "One questionnaire with the caller's own response", Out: research.Questionnaire{}}))
	s.API("POST /api/v1/projects/{id}/research/questionnaires/{qid}/send", api.Send, doc(D{Tag: tag, Summary: "Send to customer PM / key users of the project (notified); freezes the questions; stale version: 409", In: research.SendInput{}, Out: research.Questionnaire{}}))
	s.API("PUT /api/v1/projects/{id}/research/questionnaires/{qid}/answer", api.Answer, doc(D{Tag: tag, Summary: "Save the caller's answers (submit: true submits and locks them; each answer checked against its question)", In: research.AnswerInput{}, Out: research.Response{}}))
	s.API("GET /api/v1/projects/{id}/research/questionnaires/{qid}/responses", api.Responses, doc(D{Tag: tag, Summary: "Every recipient's response (vendor staff; answers of submitted ones only)", Out: []research.Response{}}))
	s.API("GET /api/v1/projects/{id}/research/questionnaires/{qid}/aggregate", api.Aggregate, doc(D{Tag: tag, Summary: "Submitted answers counted per question: per option, 1–5 averages, text answers (vendor staff)", Out: research.Aggregate{}}))
	s.API("GET /api/v1/projects/{id}/research/records", api.Records, doc(D{Tag: tag, Summary: "Interview and observation records (customers: those not internal)", Out: []research.Record{}}))
	s.API("POST /api/v1/projects/{id}/research/records", api.CreateRecord, doc(D{Tag: tag, Summary: "Add an interview or observation record (internal unless internal: false)", In: research.RecordInput{}, Out: research.Record{}, Status: 201}))
	s.API("GET /api/v1/projects/{id}/research/records/{rid}", api.Record, doc(D{Tag: tag, Summary: "One record", Out: research.Record{}}))
	s.API("PATCH /api/v1/projects/{id}/research/records/{rid}", api.UpdateRecord, doc(D{Tag: tag, Summary: "Change a record; send the version you read (stale: 409)", In: research.RecordInput{}, Out: research.Record{}}))
	s.API("DELETE /api/v1/projects/{id}/research/records/{rid}", api.DeleteRecord, doc(D{Tag: tag, Summary: "Move a record to the trash", Status: 204}))
	s.API("POST /api/v1/projects/{id}/research/records/{rid}/restore", api.RestoreRecord, doc(D{Tag: tag, Summary: "Restore a record from the trash", Out: research.Record{}}))
}
