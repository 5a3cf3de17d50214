package app

import (
	"golive/internal/access"
	"golive/internal/funds"
	"golive/internal/web"
)

// fundsRoutes: the fund centre (合同与回款) of a project: contracts,
// payment schedule, invoices, receipts, receivables with ageing, overdue
// alerts and the cash-flow forecast, as pages, Excel and API.
func (a *App) fundsRoutes() {
	s := a.Server
	w := funds.NewWeb(a.Funds)
	api := funds.NewAPI(a.Funds)

	s.AddProjectNav("funds.nav", "/funds", "funds", access.FundsViewCustomer)

	s.Page("GET /projects/{id}/funds", w.Show)
	s.Page("GET /projects/{id}/funds/print", w.Print)
	s.Page("GET /projects/{id}/funds/forecast", w.ForecastPage)
	s.Page("GET /projects/{id}/funds/forecast.xlsx", w.ExportForecast)
	s.Page("GET /projects/{id}/funds/contracts.xlsx", w.ExportContracts)
	s.Page("GET /projects/{id}/funds/milestones.xlsx", w.ExportMilestones)
	s.Page("GET /projects/{id}/funds/invoices.xlsx", w.ExportInvoices)
	s.Page("GET /projects/{id}/funds/receipts.xlsx", w.ExportReceipts)
	s.Page("GET /projects/{id}/funds/contracts/new", w.NewContract)
	s.Page("POST /projects/{id}/funds/contracts", w.SaveContract)
	s.Page("GET /projects/{id}/funds/contracts/{cid}/edit", w.EditContract)
	s.Page("POST /projects/{id}/funds/contracts/{cid}", w.SaveContract)
	s.Page("POST /projects/{id}/funds/contracts/{cid}/delete", w.DeleteContract)
	s.Page("GET /projects/{id}/funds/contracts/{cid}/schedule", w.ScheduleForm)
	s.Page("POST /projects/{id}/funds/contracts/{cid}/schedule", w.SaveSchedule)
	s.Page("POST /projects/{id}/funds/invoices", w.CreateInvoice)
	s.Page("POST /projects/{id}/funds/invoices/{iid}/delete", w.DeleteInvoice)
	s.Page("POST /projects/{id}/funds/receipts", w.CreateReceipt)
	s.Page("POST /projects/{id}/funds/receipts/{rid}/delete", w.DeleteReceipt)
	s.Page("POST /projects/{id}/funds/alerts", w.Alerts)

	type D = web.Doc
	doc := web.WithDoc
	const tag = "funds"
	s.API("GET /api/v1/projects/{id}/funds/contracts", api.Contracts, doc(D{Tag: tag, Summary: "The project's contracts: amount before tax, tax rate in basis points (600 = 6 %), tax (half-up to the fen), total, currency, customer (PM, finance; the customer's PM and executive without internal notes)", Out: []funds.Contract{}}))
	s.API("POST /api/v1/projects/{id}/funds/contracts", api.CreateContract, doc(D{Tag: tag, Summary: "Add a contract (PM, finance); the number is unique; the customer is the project's customer company", In: funds.ContractInput{}, Out: funds.Contract{}, Status: 201}))
	s.API("GET /api/v1/projects/{id}/funds/contracts/{cid}", api.Contract, doc(D{Tag: tag, Summary: "One contract", Out: funds.Contract{}}))
	s.API("PUT /api/v1/projects/{id}/funds/contracts/{cid}", api.UpdateContract, doc(D{Tag: tag, Summary: "Edit a contract (PM, finance); send the version read (stale: 409); share-based milestones follow a changed total", In: funds.ContractInput{}, Out: funds.Contract{}}))
	s.API("DELETE /api/v1/projects/{id}/funds/contracts/{cid}", api.DeleteContract, doc(D{Tag: tag, Summary: "Move a contract with its schedule, invoices and receipts to the trash (PM, finance)"}))
	s.API("PUT /api/v1/projects/{id}/funds/contracts/{cid}/schedule", api.SetSchedule, doc(D{Tag: tag, Summary: "Replace the payment schedule (PM, finance): rows with id are kept, without are added, missing ones removed (not when invoiced or paid); shares must add up to 100 % (or amounts to the total); trigger date, milestone (project milestone accepted) or document (deliverable accepted); the contract's version guards it (409)", In: funds.ScheduleInput{}, Out: []funds.Milestone{}}))
	s.API("GET /api/v1/projects/{id}/funds/milestones", api.Milestones, doc(D{Tag: tag, Summary: "Payment milestones with due date, invoiced, received, outstanding, days overdue and ageing bucket as of a day (as_of, default today)", Out: []funds.Milestone{}, Query: []string{"as_of"}}))
	s.API("GET /api/v1/projects/{id}/funds/receivable", api.Receivable, doc(D{Tag: tag, Summary: "The project's receivable as of a day: contract total, invoiced, received, outstanding, overdue, not yet due and ageing buckets 0–30, 31–60, 61–90, over 90 days", Out: funds.ProjectReceivable{}, Query: []string{"as_of"}}))
	s.API("GET /api/v1/projects/{id}/funds/invoices", api.Invoices, doc(D{Tag: tag, Summary: "Invoices issued", Out: []funds.Invoice{}}))
	s.API("POST /api/v1/projects/{id}/funds/invoices", api.CreateInvoice, doc(D{Tag: tag, Summary: "Record an invoice against a milestone (PM, finance); kind special, ordinary or electronic; the number is unique", In: funds.InvoiceInput{}, Out: funds.Invoice{}, Status: 201}))
	s.API("DELETE /api/v1/projects/{id}/funds/invoices/{iid}", api.DeleteInvoice, doc(D{Tag: tag, Summary: "Move an invoice to the trash (PM, finance)"}))
	s.API("GET /api/v1/projects/{id}/funds/receipts", api.Receipts, doc(D{Tag: tag, Summary: "Receipts (vendor PM and finance)", Out: []funds.Receipt{}}))
	s.API("POST /api/v1/projects/{id}/funds/receipts", api.CreateReceipt, doc(D{Tag: tag, Summary: "Record a receipt against a milestone (PM, finance); more than is outstanding is refused unless prepayment is set", In: funds.ReceiptInput{}, Out: funds.Receipt{}, Status: 201}))
	s.API("DELETE /api/v1/projects/{id}/funds/receipts/{rid}", api.DeleteReceipt, doc(D{Tag: tag, Summary: "Move a receipt to the trash (PM, finance)"}))
	s.API("GET /api/v1/projects/{id}/funds/forecast", api.Forecast, doc(D{Tag: tag, Summary: "Monthly cash-flow forecast from a month (from=YYYY-MM, months ≤ 36): expected receipts, receipts booked, planned costs when the cost centre provides them (costs_available), net and cumulative", Out: funds.Forecast{}, Query: []string{"from", "months"}}))
	s.API("POST /api/v1/projects/{id}/funds/alerts", api.Alerts, doc(D{Tag: tag, Summary: "Send today's overdue alerts to the project's PM and finance now (PM, finance); once per milestone per day, like the daily run", Out: funds.AlertResult{}}))
}
