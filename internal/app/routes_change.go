package app

import (
	"golive/internal/change"
	"golive/internal/discuss"
	"golive/internal/web"
)

// changeRoutes: the Requirements Confirmation baselines (需求确认书) and
// change control (CCB): change requests with impact analysis, the board,
// votes and decisions, the change log and scope creep, as pages, Excel
// and API. Comments and attachments of a request go through discuss.
func (a *App) changeRoutes() {
	s := a.Server
	dw := discuss.NewWeb(a.Discuss)
	w := change.NewWeb(a.Change, dw.Panel)
	api := change.NewAPI(a.Change)
	cr := dw.For(change.DiscussKind, "cid")
	upload := web.BodyLimit(a.Discuss.MaxUpload + 1<<20)

	s.AddProjectNav("change.nav_baselines", "/confirmations", "baselines")
	s.AddProjectNav("change.nav", "/changes", "changes")

	s.Page("GET /projects/{id}/changes", w.List)
	s.Page("GET /projects/{id}/changes.xlsx", w.Export)
	s.Page("GET /projects/{id}/changes/new", w.New)
	s.Page("POST /projects/{id}/changes", w.Create)
	s.Page("GET /projects/{id}/changes/{cid}", w.Show)
	s.Page("POST /projects/{id}/changes/{cid}/vote", w.Vote)
	s.Page("POST /projects/{id}/changes/{cid}/close", w.Close)
	s.Page("POST /projects/{id}/changes/{cid}/approve", w.Approve)
	s.Page("POST /projects/{id}/changes/{cid}/withdraw", w.Withdraw)
	s.Page("POST /projects/{id}/changes/{cid}/comments", cr.Post)
	s.Page("POST /projects/{id}/changes/{cid}/attachments", cr.Upload, upload)
	s.Page("GET /projects/{id}/changes/board", w.Board)
	s.Page("POST /projects/{id}/changes/board", w.SaveBoard)
	s.Page("GET /projects/{id}/changes/log", w.Log)
	s.Page("GET /projects/{id}/changes/log.xlsx", w.LogExport)
	s.Page("GET /projects/{id}/confirmations", w.Baselines)
	s.Page("POST /projects/{id}/confirmations", w.CreateBaseline)
	s.Page("GET /projects/{id}/confirmations/diff", w.Diff)
	s.Page("GET /projects/{id}/confirmations/{bid}", w.Baseline)
	s.Page("GET /projects/{id}/confirmations/{bid}/export.xlsx", w.BaselineExport)
	s.Page("POST /projects/{id}/confirmations/{bid}/edit", w.UpdateBaseline)
	s.Page("POST /projects/{id}/confirmations/{bid}/sign", w.Sign)

	type D = web.Doc
	doc := web.WithDoc
	s.API("GET /api/v1/projects/{id}/changes", api.List, doc(D{Tag: "change", Summary: "The project's change requests, newest first (cost_minor only for PM, finance, admin)", Out: []change.CR{}}))
	s.API("POST /api/v1/projects/{id}/changes", api.Create, doc(D{Tag: "change", Summary: "Open a change request (CR-001…): affected requirements and functions (add/change/remove with the proposed values), effort in tenths of a person-day, cost in fen, linked plan tasks; the schedule impact on the critical path is computed. Needs a configured board unless standard (PM only)", In: change.CRInput{}, Out: change.CR{}, Status: 201}))
	s.API("GET /api/v1/projects/{id}/changes/{cid}", api.Get, doc(D{Tag: "change", Summary: "One change request with its items, linked tasks, board and votes", Out: change.CR{}}))
	s.API("POST /api/v1/projects/{id}/changes/{cid}/votes", api.Vote, doc(D{Tag: "change", Summary: "Vote approve, reject (with a reason) or defer — members of the request's board, once, while it is open; the decision is computed from the board's rule", In: change.VoteInput{}, Out: change.CR{}}))
	s.API("POST /api/v1/projects/{id}/changes/{cid}/close", api.Close, doc(D{Tag: "change", Summary: "Close the vote (PM or chair): absentees abstain and the rule decides; refused without quorum", In: change.DecideInput{}, Out: change.CR{}}))
	s.API("POST /api/v1/projects/{id}/changes/{cid}/approve", api.Approve, doc(D{Tag: "change", Summary: "Approve a standard change by the PM alone", In: change.DecideInput{}, Out: change.CR{}}))
	s.API("POST /api/v1/projects/{id}/changes/{cid}/withdraw", api.Withdraw, doc(D{Tag: "change", Summary: "Withdraw an open request (its requester or the PM)", In: change.DecideInput{}, Out: change.CR{}}))
	s.API("GET /api/v1/projects/{id}/changes/{cid}/attachments", cr.APIAttachments, doc(D{Tag: "change", Summary: "A change request's attachments, newest first", Out: []discuss.Attachment{}}))
	s.API("POST /api/v1/projects/{id}/changes/{cid}/attachments", cr.APIUpload, upload, doc(D{Tag: "change", Summary: "Attach a file to a change request: multipart/form-data with an optional \"internal\" field (1, vendor staff only) before the \"file\" part", Upload: []string{"internal"}, Out: discuss.Attachment{}, Status: 201}))
	s.API("GET /api/v1/projects/{id}/ccb", api.Board, doc(D{Tag: "change", Summary: "The project's change control board (members, chair, rule, quorum) and named baseline signers", Out: change.BoardView{}}))
	s.API("PUT /api/v1/projects/{id}/ccb", api.SaveBoard, doc(D{Tag: "change", Summary: "Configure the board and signers (PM); version 0 the first time, stale: 409", In: change.BoardInput{}, Out: change.BoardView{}}))
	s.API("GET /api/v1/projects/{id}/changes/log", api.Log, doc(D{Tag: "change", Summary: "The project's change log: every request, vote, decision, baseline and signature", Out: []change.LogEntry{}}))
	s.API("GET /api/v1/projects/{id}/changes/scope-creep", api.Creep, doc(D{Tag: "change", Summary: "Approved change effort over time as a percentage of the first signed baseline's effort, and changes by source", Out: change.Creep{}}))
	s.API("GET /api/v1/projects/{id}/confirmations", api.Baselines, doc(D{Tag: "change", Summary: "The Requirements Confirmation versions (V1.0, V1.1…) with content, SHA-256 and signatures", Out: []change.Baseline{}}))
	s.API("POST /api/v1/projects/{id}/confirmations", api.CreateBaseline, doc(D{Tag: "change", Summary: "Assemble the next baseline from the confirmed requirements and the function list (PM)", In: change.BaselineInput{}, Out: change.Baseline{}, Status: 201}))
	s.API("GET /api/v1/projects/{id}/confirmations/diff", api.Diff, doc(D{Tag: "change", Summary: "What changed between two versions: requirements and functions added, removed or changed, field by field", Out: change.DiffOut{}, Query: []string{"from", "to"}}))
	s.API("GET /api/v1/projects/{id}/confirmations/{bid}", api.Baseline, doc(D{Tag: "change", Summary: "One baseline", Out: change.Baseline{}}))
	s.API("PATCH /api/v1/projects/{id}/confirmations/{bid}", api.UpdateBaseline, doc(D{Tag: "change", Summary: "Edit a draft baseline (title, note, refresh from the pool); a signed one is frozen (409)", In: change.BaselineInput{}, Out: change.Baseline{}}))
	s.API("POST /api/v1/projects/{id}/confirmations/{bid}/sign", api.Sign, doc(D{Tag: "change", Summary: "Sign a baseline (its named signers, once): time, address and the SHA-256 of the canonical content shown are recorded", In: change.SignInput{}, Out: change.Baseline{}}))
}
