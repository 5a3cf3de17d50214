package app

import (
	"golive/internal/access"
	"golive/internal/discuss"
	"golive/internal/finance"
	"golive/internal/web"
)

// financeRoutes: labor records (weekly grid, single records, a foreman's
// sheet import, approval, reversal, closed months), summaries and the
// subcontractor's monthly sheet, expenses with receipts, budget versions,
// and the instance-wide rate book (rate cards, trade rates,
// subcontractors and their day workers).
func (a *App) financeRoutes() {
	s := a.Server
	a.Discuss.Register(finance.ExpenseKind, a.Finance.DiscussTarget)
	a.Trash.Register("labor_record", finance.LaborTrash{S: a.Finance})
	a.Finance.SetNotify(a.Notify)
	dw := discuss.NewWeb(a.Discuss)
	receipts := dw.For(finance.ExpenseKind, "eid")
	w := finance.NewWeb(a.Finance, dw.Panel)
	api := finance.NewAPI(a.Finance)
	upload := web.BodyLimit(a.Discuss.MaxUpload + 1<<20)
	sheet := web.BodyLimit(finance.ImportMaxBytes + 1<<20)

	s.AddProjectNav("finance.nav", "/labor", "labor", access.LaborEnter)

	s.Page("GET /projects/{id}/labor", w.Week)
	s.Page("POST /projects/{id}/labor/week", w.SaveWeek)
	s.Page("POST /projects/{id}/labor/submit", w.Submit)
	s.Page("POST /projects/{id}/labor/decide", w.Decide)
	s.Page("POST /projects/{id}/labor/records", w.CreateRecord)
	s.Page("GET /projects/{id}/labor/records", w.Records)
	s.Page("GET /projects/{id}/labor/records.xlsx", w.RecordsExport)
	s.Page("POST /projects/{id}/labor/records/{rid}/reverse", w.Reverse)
	s.Page("POST /projects/{id}/labor/close-month", w.CloseMonth)
	s.Page("GET /projects/{id}/labor/import", w.ImportForm)
	s.Page("GET /projects/{id}/labor/import-template.xlsx", w.ImportTemplate)
	s.Page("POST /projects/{id}/labor/import", w.Import, sheet)
	s.Page("GET /projects/{id}/labor/summary", w.Summary)
	s.Page("GET /projects/{id}/labor/summary.xlsx", w.SummaryExport)
	s.Page("GET /projects/{id}/labor/sheet", w.Sheet)
	s.Page("GET /projects/{id}/cost-plan", w.Budget)
	s.Page("POST /projects/{id}/cost-plan", w.ProposeBudget)
	s.Page("POST /projects/{id}/cost-plan/{bid}/decide", w.DecideBudget)
	s.Page("GET /projects/{id}/expenses", w.Expenses)
	s.Page("GET /projects/{id}/expenses.xlsx", w.ExpensesExport)
	s.Page("POST /projects/{id}/expenses", w.CreateExpense)
	s.Page("GET /projects/{id}/expenses/{eid}", w.Expense)
	s.Page("POST /projects/{id}/expenses/{eid}/action", w.ActOnExpense)
	s.Page("POST /projects/{id}/expenses/{eid}/attachments", receipts.Upload, upload)
	s.Page("GET /finance/rates", w.Rates)
	s.Page("POST /finance/rates", w.AddRateCard)
	s.Page("POST /finance/trade-rates", w.AddTradeRate)
	s.Page("POST /finance/subcontractors", w.AddSubcontractor)
	s.Page("POST /finance/workers", w.AddWorker)
	s.Page("GET /finance/labor-summary", w.Summary)
	s.Page("GET /finance/labor-summary.xlsx", w.SummaryExport)

	type D = web.Doc
	doc := web.WithDoc
	q := []string{"from", "to", "group_by", "period", "subcontractor_id"}
	s.API("GET /api/v1/projects/{id}/labor", api.Labor, doc(D{Tag: "finance", Summary: "Labor records of the project (vendor staff without labor.approve see their own); cost_minor only with cost.view", Out: []finance.LaborRecord{}, Query: []string{"from", "to", "status", "person"}}))
	s.API("POST /api/v1/projects/{id}/labor", api.CreateLabor, doc(D{Tag: "finance", Summary: "Add a draft labor record (your own; the PM and finance for anyone, day workers included). qty: hours or days, two decimals; refused: negative, over 24 h for the person that day across all projects, a closed month", In: finance.LaborInput{}, Out: finance.LaborRecord{}, Status: 201}))
	s.API("PATCH /api/v1/projects/{id}/labor/{rid}", api.UpdateLabor, doc(D{Tag: "finance", Summary: "Change a draft or rejected record (send its version; stale: 409; approved records are locked: 409)", In: finance.LaborInput{}, Out: finance.LaborRecord{}}))
	s.API("DELETE /api/v1/projects/{id}/labor/{rid}", api.DeleteLabor, doc(D{Tag: "finance", Summary: "Delete a draft or rejected record (?version=)", Status: 204, Query: []string{"version"}}))
	s.API("POST /api/v1/projects/{id}/labor/submit", api.Submit, doc(D{Tag: "finance", Summary: "Submit draft or rejected records for approval (all or nothing)", In: finance.IDsInput{}, Out: finance.Count{}}))
	s.API("POST /api/v1/projects/{id}/labor/decide", api.Decide, doc(D{Tag: "finance", Summary: "Approve (locks) or reject with a reason submitted records (PM; all or nothing)", In: finance.IDsInput{}, Out: finance.Count{}}))
	s.API("POST /api/v1/projects/{id}/labor/{rid}/reverse", api.Reverse, doc(D{Tag: "finance", Summary: "Correct an approved record: adds its reversal (negative copy, approved and locked) with a reason (PM); then enter the right record anew", In: finance.IDsInput{}, Out: finance.LaborRecord{}, Status: 201}))
	s.API("GET /api/v1/projects/{id}/labor/week", api.Week, doc(D{Tag: "finance", Summary: "The weekly grid (people × days) of the week holding ?week=", Out: finance.Week{}, Query: []string{"week"}}))
	s.API("PUT /api/v1/projects/{id}/labor/week", api.SaveWeek, doc(D{Tag: "finance", Summary: "Save grid cells in one transaction; a bad cell fails all, each named cell_<person>_<date>", In: finance.GridInput{}, Out: finance.Count{}}))
	s.API("POST /api/v1/projects/{id}/labor/import", api.Import, sheet, doc(D{Tag: "finance", Summary: "Import a foreman's .xlsx (the body) for the day workers of ?subcontractor_id= as drafts: all or nothing, 422 with a per-row report", Out: finance.ImportReport{}, Query: []string{"subcontractor_id"}}))
	s.API("GET /api/v1/projects/{id}/labor/summary", api.Summary, doc(D{Tag: "finance", Summary: "Approved labor totals (records, days, hours, cost) by person, project, trade or subcontractor per day, week or month (cost.view)", Out: finance.SummaryResult{}, Query: q}))
	s.API("GET /api/v1/finance/labor-summary", api.Summary, doc(D{Tag: "finance", Summary: "The same summary across every project whose costs the caller sees", Out: finance.SummaryResult{}, Query: q}))
	s.API("GET /api/v1/projects/{id}/actuals", api.Actuals, doc(D{Tag: "finance", Summary: "Actual cost per day, category and phase: approved labor at the rate valid that day plus approved expenses (cost.view)", Out: []finance.ActualDay{}, Query: []string{"from", "to"}}))
	s.API("GET /api/v1/projects/{id}/budget", api.Budgets, doc(D{Tag: "finance", Summary: "Budget versions, newest first, with lines by category and phase and the contingency (cost.view)", Out: []finance.Budget{}}))
	s.API("POST /api/v1/projects/{id}/budget", api.ProposeBudget, doc(D{Tag: "finance", Summary: "Propose a budget version (the first is the original; revisions need a reason); contingency 0–30 %, default 10 (PM, finance)", In: finance.BudgetInput{}, Out: finance.Budget{}, Status: 201}))
	s.API("POST /api/v1/projects/{id}/budget/{bid}/decide", api.DecideBudget, doc(D{Tag: "finance", Summary: "Approve or reject (with a note) a proposed budget version (PM; send its version)", In: finance.BudgetDecision{}, Out: finance.Budget{}}))
	s.API("GET /api/v1/projects/{id}/expenses", api.Expenses, doc(D{Tag: "finance", Summary: "Expenses (all with cost.view, your own otherwise)", Out: []finance.Expense{}}))
	s.API("POST /api/v1/projects/{id}/expenses", api.CreateExpense, doc(D{Tag: "finance", Summary: "Add a draft expense (amount and tax in yuan, e.g. \"1,234.56\")", In: finance.ExpenseInput{}, Out: finance.Expense{}, Status: 201}))
	s.API("POST /api/v1/projects/{id}/expenses/{eid}/action", api.ActOnExpense, doc(D{Tag: "finance", Summary: "submit (its author), approve or reject with a reason (PM) an expense; send its version", In: finance.ExpenseAction{}, Out: finance.Expense{}}))
	s.API("GET /api/v1/projects/{id}/expenses/{eid}/attachments", receipts.APIAttachments, doc(D{Tag: "finance", Summary: "An expense's receipts", Out: []discuss.Attachment{}}))
	s.API("POST /api/v1/projects/{id}/expenses/{eid}/attachments", receipts.APIUpload, upload, doc(D{Tag: "finance", Summary: "Attach a receipt to an expense (multipart \"file\"; at most 20 MiB)", Upload: []string{"internal"}, Out: discuss.Attachment{}, Status: 201}))
	s.API("GET /api/v1/finance/rates", api.Rates, doc(D{Tag: "finance", Summary: "Rate cards and trade rates with their history (vendor admin, PM, finance)", Out: finance.RateBook{}}))
	s.API("POST /api/v1/finance/rates", api.AddRateCard, doc(D{Tag: "finance", Summary: "Add a rate card row for a role, a user or a day worker, valid from a date (history is never rewritten)", In: finance.RateCardInput{}, Out: finance.RateCard{}, Status: 201}))
	s.API("POST /api/v1/finance/trade-rates", api.AddTradeRate, doc(D{Tag: "finance", Summary: "Add a day-labor rate for a trade (工种) and unit (day 工日 or hour), valid from a date", In: finance.TradeRateInput{}, Out: finance.TradeRate{}, Status: 201}))
	s.API("GET /api/v1/finance/subcontractors", api.Subcontractors, doc(D{Tag: "finance", Summary: "Subcontractors and their day workers (vendor accounts)", Out: []finance.Subcontractor{}}))
	s.API("POST /api/v1/finance/subcontractors", api.AddSubcontractor, doc(D{Tag: "finance", Summary: "Add a subcontractor", In: finance.SubcontractorInput{}, Out: finance.Subcontractor{}, Status: 201}))
	s.API("POST /api/v1/finance/workers", api.AddWorker, doc(D{Tag: "finance", Summary: "Add a day worker (no login) to a subcontractor", In: finance.WorkerInput{}, Out: finance.Worker{}, Status: 201}))
}
