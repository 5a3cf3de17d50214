package app_test

import (
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/funds"
)

// The fund centre's rows of the authorization matrix. Contract data is
// for the vendor PM, finance and administrators; the customer's PM and
// executive see their own contract's schedule, invoices and dues (pages,
// exports, API) but nothing internal: the fixture's contract notes,
// milestone notes and receipt reference carry authzInternalMark, which the
// matrix's must-not-contain check looks for in every customer's response
// body and workbook (and the internal flag makes PM and finance find it,
// so the check is not vacuous). Key users, developers and consultants get
// 404; the customer of another company gets 404.
//
// Placeholders, per fixture: {fcid} the fixture contract, {fmid} its
// overdue milestone; fresh per request: {fcnew} a contract, {finew} an
// invoice, {frnew} a receipt.

type authzFundsFix struct{ contract, milestone int64 }

var authzFunds sync.Map // *authzFix → *authzFundsFix

func init() {
	authzModuleRows = append(authzModuleRows, authzFundsRows)
	authzExpanders = append(authzExpanders, func(t *testing.T, x *authzFix, path string, _ apptest.Who) string {
		if !strings.Contains(path, "{f") {
			return path
		}
		f := authzFundsFixture(t, x)
		path = strings.NewReplacer("{fcid}", itoa(f.contract), "{fmid}", itoa(f.milestone)).Replace(path)
		if strings.Contains(path, "{fcnew}") {
			path = strings.ReplaceAll(path, "{fcnew}", itoa(authzFundsContract(t, x)))
		}
		if strings.Contains(path, "{finew}") {
			in := funds.InvoiceInput{MilestoneID: f.milestone, Number: "AZ-INV-" + strconv.Itoa(x.next()), Kind: funds.InvoiceOrdinary, AmountMinor: 100, IssueDate: "2026-02-01"}
			inv, err := x.e.App.Funds.CreateInvoice(x.ctx, x.p(apptest.Finance), x.e.ProjectA.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			path = strings.ReplaceAll(path, "{finew}", itoa(inv.ID))
		}
		if strings.Contains(path, "{frnew}") {
			in := funds.ReceiptInput{MilestoneID: f.milestone, AmountMinor: 100, ReceiptDate: "2026-02-01", Method: "transfer", Prepayment: true}
			r, err := x.e.App.Funds.CreateReceipt(x.ctx, x.p(apptest.Finance), x.e.ProjectA.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			path = strings.ReplaceAll(path, "{frnew}", itoa(r.ID))
		}
		return path
	})
}

func authzFundsContract(t *testing.T, x *authzFix) int64 {
	t.Helper()
	c, err := x.e.App.Funds.CreateContract(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID, funds.ContractInput{Number: "AZ-HT-" + strconv.Itoa(x.next()),
		AmountMinor: 50_000_00, TaxRateBP: 600, Notes: authzInternalMark})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// authzFundsFixture: a contract of A with 30/40/25/5, the advance overdue
// since 2026-01-15 and partly paid, an invoice; internal notes everywhere.
func authzFundsFixture(t *testing.T, x *authzFix) *authzFundsFix {
	t.Helper()
	if f, ok := authzFunds.Load(x); ok {
		return f.(*authzFundsFix)
	}
	svc, pm, a := x.e.App.Funds, x.p(apptest.PM), x.e.ProjectA.ID
	c, err := svc.CreateContract(x.ctx, pm, a, funds.ContractInput{Number: "AZ-HT-0", Title: "授权测试合同", AmountMinor: 800_000_00, TaxRateBP: 600, Notes: authzInternalMark})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := svc.SetSchedule(x.ctx, pm, a, c.ID, funds.ScheduleInput{Version: c.Version, Milestones: []funds.MilestoneInput{
		{Kind: funds.KindAdvance, ShareBP: 3000, Trigger: funds.TriggerDate, PlannedDate: "2026-01-15", Notes: authzInternalMark},
		{Kind: funds.KindProgress, ShareBP: 4000, Trigger: funds.TriggerDate, PlannedDate: "2026-05-15"},
		{Kind: funds.KindAcceptance, ShareBP: 2500, Trigger: funds.TriggerDate, PlannedDate: "2026-09-15"},
		{Kind: funds.KindRetention, ShareBP: 500, Trigger: funds.TriggerDate, PlannedDate: "2026-09-15", WarrantyMonths: 12},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateInvoice(x.ctx, pm, a, funds.InvoiceInput{MilestoneID: ms[0].ID, Number: "AZ-INV-0", Kind: funds.InvoiceSpecial,
		AmountMinor: 240_000_00, TaxMinor: 14_400_00, IssueDate: "2026-01-10", Notes: authzInternalMark}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateReceipt(x.ctx, pm, a, funds.ReceiptInput{MilestoneID: ms[0].ID, AmountMinor: 100_000_00, ReceiptDate: "2026-01-20",
		Method: "transfer", Reference: authzInternalMark, Notes: authzInternalMark}); err != nil {
		t.Fatal(err)
	}
	f := &authzFundsFix{contract: c.ID, milestone: ms[0].ID}
	authzFunds.Store(x, f)
	return f
}

func authzFundsPrep(t *testing.T, x *authzFix, _ apptest.Who) { authzFundsFixture(t, x) }

func authzFundsVersion(t *testing.T, x *authzFix) int64 {
	t.Helper()
	f := authzFundsFixture(t, x)
	c, _, err := x.e.App.Funds.Contract(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID, f.contract)
	if err != nil {
		t.Fatal(err)
	}
	return c.Version
}

func authzFundsRows() []authzRow {
	contractForm := func(_ *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"number": {"AZ-F-" + strconv.Itoa(x.next())}, "amount_minor": {"10,000.00"}, "tax_rate_bp": {"6"}, "currency": {"CNY"}}.Encode()
	}
	editForm := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"number": {"AZ-HT-0"}, "title": {"授权测试合同"}, "amount_minor": {"800,000.00"}, "tax_rate_bp": {"6"}, "currency": {"CNY"},
			"notes": {authzInternalMark}, "version": {itoa(authzFundsVersion(t, x))}}.Encode()
	}
	scheduleForm := authzForm(url.Values{"version": {"1"}, "rows": {"2"},
		"m0_kind": {"advance"}, "m0_share": {"50"}, "m0_trigger": {"date"}, "m0_planned": {"2026-03-01"},
		"m1_kind": {"acceptance"}, "m1_share": {"50"}, "m1_trigger": {"date"}, "m1_planned": {"2026-08-01"}}.Encode())
	invoiceForm := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"milestone_id": {itoa(authzFundsFixture(t, x).milestone)}, "number": {"AZ-FI-" + strconv.Itoa(x.next())}, "kind": {"electronic"},
			"amount_minor": {"1.00"}, "tax_minor": {"0.06"}, "issue_date": {"2026-02-02"}}.Encode()
	}
	receiptForm := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"milestone_id": {itoa(authzFundsFixture(t, x).milestone)}, "amount_minor": {"1.00"}, "receipt_date": {"2026-02-02"},
			"method": {"transfer"}, "prepayment": {"1"}}.Encode()
	}
	contractJSON := func(_ *testing.T, x *authzFix, _ apptest.Who) any {
		return funds.ContractInput{Number: "AZ-J-" + strconv.Itoa(x.next()), AmountMinor: 10_000_00, TaxRateBP: 600}
	}
	editJSON := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return funds.ContractInput{Number: "AZ-HT-0", Title: "授权测试合同", AmountMinor: 800_000_00, TaxRateBP: 600, Notes: authzInternalMark, Version: authzFundsVersion(t, x)}
	}
	scheduleJSON := authzJSON(funds.ScheduleInput{Version: 1, Milestones: []funds.MilestoneInput{
		{Kind: funds.KindAdvance, ShareBP: 10000, Trigger: funds.TriggerDate, PlannedDate: "2026-03-01"}}})
	invoiceJSON := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return funds.InvoiceInput{MilestoneID: authzFundsFixture(t, x).milestone, Number: "AZ-JI-" + strconv.Itoa(x.next()), Kind: funds.InvoiceElectronic, AmountMinor: 100, IssueDate: "2026-02-02"}
	}
	receiptJSON := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return funds.ReceiptInput{MilestoneID: authzFundsFixture(t, x).milestone, AmountMinor: 100, ReceiptDate: "2026-02-02", Method: "cash", Prepayment: true}
	}
	prep := authzFundsPrep
	read := authzWant{303, 404, 404, 200, 200, 404, 404, 200, 200, 200}
	vendorRead := authzWant{303, 404, 404, 404, 404, 404, 404, 200, 200, 200}
	form := authzWant{303, 404, 404, 403, 403, 404, 404, 200, 200, 200}
	write := authzWant{303, 404, 404, 403, 403, 404, 404, 303, 303, 303}
	apiRead := authzWant{401, 404, 404, 200, 200, 404, 404, 200, 200, 200}
	apiVendor := authzWant{401, 404, 404, 404, 404, 404, 404, 200, 200, 200}
	apiWrite := func(ok int) authzWant { return authzWant{401, 404, 404, 403, 403, 404, 404, ok, ok, ok} }
	return []authzRow{
		{pattern: "GET /projects/{id}/funds", path: "/projects/{A}/funds", want: read, prep: prep, internal: true},
		{pattern: "GET /projects/{id}/funds/print", path: "/projects/{A}/funds/print", want: read, prep: prep},
		{pattern: "GET /projects/{id}/funds/forecast", path: "/projects/{A}/funds/forecast?from=2026-01", want: vendorRead, prep: prep},
		{pattern: "GET /projects/{id}/funds/forecast.xlsx", path: "/projects/{A}/funds/forecast.xlsx?from=2026-01", want: vendorRead, prep: prep},
		{pattern: "GET /projects/{id}/funds/contracts.xlsx", path: "/projects/{A}/funds/contracts.xlsx", want: read, prep: prep},
		{pattern: "GET /projects/{id}/funds/milestones.xlsx", path: "/projects/{A}/funds/milestones.xlsx", want: read, prep: prep},
		{pattern: "GET /projects/{id}/funds/invoices.xlsx", path: "/projects/{A}/funds/invoices.xlsx", want: read, prep: prep},
		{pattern: "GET /projects/{id}/funds/receipts.xlsx", path: "/projects/{A}/funds/receipts.xlsx", want: vendorRead, prep: prep},
		{pattern: "GET /projects/{id}/funds/contracts/new", path: "/projects/{A}/funds/contracts/new", want: form},
		{pattern: "POST /projects/{id}/funds/contracts", path: "/projects/{A}/funds/contracts", body: contractForm, want: write},
		{pattern: "GET /projects/{id}/funds/contracts/{cid}/edit", path: "/projects/{A}/funds/contracts/{fcid}/edit", want: form, internal: true},
		{pattern: "POST /projects/{id}/funds/contracts/{cid}", path: "/projects/{A}/funds/contracts/{fcid}", body: editForm, want: write},
		{pattern: "POST /projects/{id}/funds/contracts/{cid}/delete", path: "/projects/{A}/funds/contracts/{fcnew}/delete", want: write},
		{pattern: "GET /projects/{id}/funds/contracts/{cid}/schedule", path: "/projects/{A}/funds/contracts/{fcid}/schedule", want: form},
		{pattern: "POST /projects/{id}/funds/contracts/{cid}/schedule", path: "/projects/{A}/funds/contracts/{fcnew}/schedule", body: scheduleForm, want: write},
		{pattern: "POST /projects/{id}/funds/invoices", path: "/projects/{A}/funds/invoices", body: invoiceForm, want: write},
		{pattern: "POST /projects/{id}/funds/invoices/{iid}/delete", path: "/projects/{A}/funds/invoices/{finew}/delete", want: write},
		{pattern: "POST /projects/{id}/funds/receipts", path: "/projects/{A}/funds/receipts", body: receiptForm, want: write},
		{pattern: "POST /projects/{id}/funds/receipts/{rid}/delete", path: "/projects/{A}/funds/receipts/{frnew}/delete", want: write},
		{pattern: "POST /projects/{id}/funds/alerts", path: "/projects/{A}/funds/alerts", want: write, prep: prep},

		{pattern: "GET /api/v1/projects/{id}/funds/contracts", path: "/api/v1/projects/{A}/funds/contracts", want: apiRead, prep: prep, internal: true},
		{pattern: "POST /api/v1/projects/{id}/funds/contracts", path: "/api/v1/projects/{A}/funds/contracts", body: contractJSON, want: apiWrite(201)},
		{pattern: "GET /api/v1/projects/{id}/funds/contracts/{cid}", path: "/api/v1/projects/{A}/funds/contracts/{fcid}", want: apiRead, internal: true},
		{pattern: "PUT /api/v1/projects/{id}/funds/contracts/{cid}", path: "/api/v1/projects/{A}/funds/contracts/{fcid}", body: editJSON, want: apiWrite(200)},
		{pattern: "DELETE /api/v1/projects/{id}/funds/contracts/{cid}", path: "/api/v1/projects/{A}/funds/contracts/{fcnew}", want: apiWrite(204)},
		{pattern: "PUT /api/v1/projects/{id}/funds/contracts/{cid}/schedule", path: "/api/v1/projects/{A}/funds/contracts/{fcnew}/schedule", body: scheduleJSON, want: apiWrite(200)},
		{pattern: "GET /api/v1/projects/{id}/funds/milestones", path: "/api/v1/projects/{A}/funds/milestones?as_of=2026-03-01", want: apiRead, prep: prep, internal: true},
		{pattern: "GET /api/v1/projects/{id}/funds/receivable", path: "/api/v1/projects/{A}/funds/receivable?as_of=2026-03-01", want: apiRead, prep: prep},
		{pattern: "GET /api/v1/projects/{id}/funds/invoices", path: "/api/v1/projects/{A}/funds/invoices", want: apiRead, prep: prep, internal: true},
		{pattern: "POST /api/v1/projects/{id}/funds/invoices", path: "/api/v1/projects/{A}/funds/invoices", body: invoiceJSON, want: apiWrite(201)},
		{pattern: "DELETE /api/v1/projects/{id}/funds/invoices/{iid}", path: "/api/v1/projects/{A}/funds/invoices/{finew}", want: apiWrite(204)},
		{pattern: "GET /api/v1/projects/{id}/funds/receipts", path: "/api/v1/projects/{A}/funds/receipts", want: apiVendor, prep: prep, internal: true},
		{pattern: "POST /api/v1/projects/{id}/funds/receipts", path: "/api/v1/projects/{A}/funds/receipts", body: receiptJSON, want: apiWrite(201)},
		{pattern: "DELETE /api/v1/projects/{id}/funds/receipts/{rid}", path: "/api/v1/projects/{A}/funds/receipts/{frnew}", want: apiWrite(204)},
		{pattern: "GET /api/v1/projects/{id}/funds/forecast", path: "/api/v1/projects/{A}/funds/forecast?from=2026-01&months=6", want: apiVendor, prep: prep},
		{pattern: "POST /api/v1/projects/{id}/funds/alerts", path: "/api/v1/projects/{A}/funds/alerts", want: apiWrite(200), prep: prep},
	}
}
