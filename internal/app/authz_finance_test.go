package app_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golive/internal/access"
	"golive/internal/app/apptest"
	"golive/internal/calendar"
	"golive/internal/finance"

	"github.com/xuri/excelize/v2"
)

// Finance (labor, expenses, budgets, rates) rows of the authorization
// matrix. Vendor staff on A enter their own labor and expenses; the PM
// approves, reverses and decides budgets; the PM and finance see costs,
// budgets and summaries (cost.view) and manage budgets, closed months and
// the rate book; customers never reach any of it (404). Placeholders,
// fresh per request:
//
//	{finrec}  an approved labor record of the developer on A
//	{finbud}  a proposed budget version of A
//	{finexp}  a draft expense of the developer on A
//	{finsub}  the fixture subcontractor

func init() {
	authzModuleRows = append(authzModuleRows, authzFinanceRows)
	authzExpanders = append(authzExpanders, authzFinanceExpand)
}

// authzFinDay is a weekday nobody else uses (a fresh one per request).
func authzFinDay(x *authzFix) string {
	d := calendar.FromYMD(2030, time.January, 7).AddDays(x.next() * 7)
	return d.String()
}

func authzFinSub(t *testing.T, x *authzFix) int64 {
	subs, err := x.e.App.Finance.Subcontractors(x.ctx, x.p(apptest.PM))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range subs {
		if s.Name == "授权分包" {
			return s.ID
		}
	}
	s, err := x.e.App.Finance.CreateSubcontractor(x.ctx, x.p(apptest.PM), finance.SubcontractorInput{Name: "授权分包"})
	if err != nil {
		t.Fatal(err)
	}
	return s.ID
}

// authzFinRecord is a record of the developer on A, taken to status.
func authzFinRecord(t *testing.T, x *authzFix, status string) int64 {
	svc, dev, pm := x.e.App.Finance, x.p(apptest.Developer), x.p(apptest.PM)
	r, err := svc.CreateLabor(x.ctx, dev, x.e.ProjectA.ID, finance.LaborInput{Date: authzFinDay(x), UserID: dev.UserID, Unit: "hour", Qty: 50})
	if err != nil {
		t.Fatal(err)
	}
	if status == finance.LaborDraft {
		return r.ID
	}
	if _, err := svc.SubmitLabor(x.ctx, dev, x.e.ProjectA.ID, []int64{r.ID}); err != nil {
		t.Fatal(err)
	}
	if status == finance.LaborApproved {
		if _, err := svc.DecideLabor(x.ctx, pm, x.e.ProjectA.ID, []int64{r.ID}, true, ""); err != nil {
			t.Fatal(err)
		}
	}
	return r.ID
}

func authzFinanceExpand(t *testing.T, x *authzFix, path string, _ apptest.Who) string {
	svc := x.e.App.Finance
	if strings.Contains(path, "{finrec}") {
		path = strings.ReplaceAll(path, "{finrec}", itoa(authzFinRecord(t, x, finance.LaborApproved)))
	}
	if strings.Contains(path, "{finbud}") {
		b, err := svc.ProposeBudget(x.ctx, x.p(apptest.Finance), x.e.ProjectA.ID, finance.BudgetInput{Reason: "授权修订", Lines: []finance.BudgetLineInput{{Category: "labor", Amount: "1000"}}})
		if err != nil {
			t.Fatal(err)
		}
		path = strings.ReplaceAll(path, "{finbud}", itoa(b.ID))
	}
	if strings.Contains(path, "{finexp}") {
		e, err := svc.CreateExpense(x.ctx, x.p(apptest.Developer), x.e.ProjectA.ID, finance.ExpenseInput{Date: "2030-01-02", Category: "travel", Amount: "10", Description: "授权费用"})
		if err != nil {
			t.Fatal(err)
		}
		path = strings.ReplaceAll(path, "{finexp}", itoa(e.ID))
	}
	if strings.Contains(path, "{finsub}") {
		path = strings.ReplaceAll(path, "{finsub}", itoa(authzFinSub(t, x)))
	}
	return path
}

// authzFinSelf is the caller as a labor person (anonymous and customers:
// the developer, whom they may not touch anyway).
func authzFinSelf(x *authzFix, who apptest.Who) int64 {
	if u := x.e.Users[who]; u != nil && !authzIsCustomer(who) {
		return u.ID
	}
	return x.e.Users[apptest.Developer].ID
}

// authzFinOwnDraft: a draft of the caller's own (vendor) or the developer's.
func authzFinOwnDraft(t *testing.T, x *authzFix, who apptest.Who) int64 {
	self := authzFinSelf(x, who)
	p := x.p(apptest.Developer)
	if self != p.UserID {
		p = x.p(who)
	}
	r, err := x.e.App.Finance.CreateLabor(x.ctx, p, x.e.ProjectA.ID, finance.LaborInput{Date: authzFinDay(x), UserID: self, Unit: "hour", Qty: 50})
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

func authzFinanceRows() []authzRow {
	weekForm := authzForm("week=2030-01-07")
	submitForm := func(t *testing.T, x *authzFix, who apptest.Who) any {
		return url.Values{"id": {itoa(authzFinOwnDraft(t, x, who))}}.Encode()
	}
	submitJSON := func(t *testing.T, x *authzFix, who apptest.Who) any {
		return finance.IDsInput{IDs: []int64{authzFinOwnDraft(t, x, who)}}
	}
	decideForm := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"id": {itoa(authzFinRecord(t, x, finance.LaborSubmitted))}, "decision": {"approve"}}.Encode()
	}
	decideJSON := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return finance.IDsInput{IDs: []int64{authzFinRecord(t, x, finance.LaborSubmitted)}, Approve: true}
	}
	recordForm := func(_ *testing.T, x *authzFix, who apptest.Who) any {
		return url.Values{"date": {authzFinDay(x)}, "person": {"u" + itoa(authzFinSelf(x, who))}, "qty": {"0.5"}, "unit": {"hour"}}.Encode()
	}
	recordJSON := func(_ *testing.T, x *authzFix, who apptest.Who) any {
		return finance.LaborInput{Date: authzFinDay(x), UserID: authzFinSelf(x, who), Unit: "hour", Qty: 50}
	}
	reverseForm := authzForm("reason=填错")
	reverseJSON := authzJSON(finance.IDsInput{Reason: "填错"})
	closeForm := authzForm("month=2031-05&close=0")
	budgetForm := authzForm("reason=授权&contingency_pct=10&category=labor&phase_id=0&amount=100")
	pct := int64(10)
	budgetJSON := authzJSON(finance.BudgetInput{Reason: "授权", ContingencyPct: &pct, Lines: []finance.BudgetLineInput{{Category: "labor", Amount: "100"}}})
	decideBudForm := authzForm("decision=approve&version=1")
	decideBudJSON := authzJSON(finance.BudgetDecision{Approve: true, Version: 1})
	expForm := authzForm("date=2030-01-03&category=travel&amount=12.50&description=授权出差")
	expJSON := authzJSON(finance.ExpenseInput{Date: "2030-01-03", Category: "travel", Amount: "12.50", Description: "授权出差"})
	expAct := authzForm("action=submit&version=1")
	expActJSON := authzJSON(finance.ExpenseAction{Action: "submit", Version: 1})
	rateForm := func(_ *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"role": {"consultant"}, "cost_day": {"800"}, "valid_from": {authzFinDay(x)}}.Encode()
	}
	rateJSON := func(_ *testing.T, x *authzFix, _ apptest.Who) any {
		return finance.RateCardInput{Role: "consultant", CostDay: "800", ValidFrom: authzFinDay(x)}
	}
	tradeForm := authzForm("trade=电工&unit=day&cost=400&valid_from=2030-01-01")
	tradeJSON := authzJSON(finance.TradeRateInput{Trade: "电工", Unit: "day", Cost: "400", ValidFrom: "2030-01-01"})
	subForm := func(_ *testing.T, x *authzFix, _ apptest.Who) any { return "name=分包" + itoa(int64(x.next())) }
	subJSON := func(_ *testing.T, x *authzFix, _ apptest.Who) any {
		return finance.SubcontractorInput{Name: "分包" + itoa(int64(x.next()))}
	}
	workerForm := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"subcontractor_id": {itoa(authzFinSub(t, x))}, "name": {"点工" + itoa(int64(x.next()))}}.Encode()
	}
	workerJSON := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return finance.WorkerInput{SubcontractorID: authzFinSub(t, x), Name: "点工" + itoa(int64(x.next()))}
	}
	m := "?month=2030-01"
	sq := "?from=2030-01-01&to=2030-03-31&group_by=person&period=month"
	return []authzRow{
		//                                                                                                                          anon  oc   ku   ex   cpm  dev  con  fin  pm   admin
		{pattern: "GET /projects/{id}/labor", path: "/projects/{A}/labor?week=2030-01-07", want: authzWant{303, 404, 404, 404, 404, 200, 200, 200, 200, 200}},
		{pattern: "POST /projects/{id}/labor/week", path: "/projects/{A}/labor/week", body: weekForm, want: authzWant{303, 404, 404, 404, 404, 303, 303, 303, 303, 303}},
		{pattern: "POST /projects/{id}/labor/submit", path: "/projects/{A}/labor/submit", body: submitForm, want: authzWant{303, 404, 404, 404, 404, 303, 303, 303, 303, 303}},
		{pattern: "POST /projects/{id}/labor/decide", path: "/projects/{A}/labor/decide", body: decideForm, want: authzWant{303, 404, 404, 404, 404, 403, 403, 403, 303, 303}},
		{pattern: "POST /projects/{id}/labor/records", path: "/projects/{A}/labor/records", body: recordForm, want: authzWant{303, 404, 404, 404, 404, 303, 303, 303, 303, 303}},
		{pattern: "GET /projects/{id}/labor/records", path: "/projects/{A}/labor/records" + m, want: authzWant{303, 404, 404, 404, 404, 200, 200, 200, 200, 200}},
		{pattern: "GET /projects/{id}/labor/records.xlsx", path: "/projects/{A}/labor/records.xlsx" + m, want: authzWant{303, 404, 404, 404, 404, 200, 200, 200, 200, 200}},
		{pattern: "POST /projects/{id}/labor/records/{rid}/reverse", path: "/projects/{A}/labor/records/{finrec}/reverse", body: reverseForm, want: authzWant{303, 404, 404, 404, 404, 403, 403, 403, 303, 303}},
		{pattern: "POST /projects/{id}/labor/close-month", path: "/projects/{A}/labor/close-month", body: closeForm, want: authzWant{303, 404, 404, 404, 404, 403, 403, 303, 303, 303}},
		{pattern: "GET /projects/{id}/labor/import", path: "/projects/{A}/labor/import", want: authzWant{303, 404, 404, 404, 404, 403, 403, 200, 200, 200}},
		{pattern: "GET /projects/{id}/labor/import-template.xlsx", path: "/projects/{A}/labor/import-template.xlsx", want: authzWant{303, 404, 404, 404, 404, 403, 403, 200, 200, 200}},
		{pattern: "POST /projects/{id}/labor/import", path: "/projects/{A}/labor/import", body: authzForm("subcontractor_id=1"), want: authzWant{303, 404, 404, 404, 404, 403, 403, 400, 400, 400}},
		{pattern: "GET /projects/{id}/labor/summary", path: "/projects/{A}/labor/summary" + sq, want: authzWant{303, 404, 404, 404, 404, 404, 404, 200, 200, 200}},
		{pattern: "GET /projects/{id}/labor/summary.xlsx", path: "/projects/{A}/labor/summary.xlsx" + sq, want: authzWant{303, 404, 404, 404, 404, 404, 404, 200, 200, 200}},
		{pattern: "GET /projects/{id}/labor/sheet", path: "/projects/{A}/labor/sheet?month=2030-01&subcontractor_id={finsub}", want: authzWant{303, 404, 404, 404, 404, 404, 404, 200, 200, 200}},
		{pattern: "GET /projects/{id}/cost-plan", path: "/projects/{A}/cost-plan", want: authzWant{303, 404, 404, 404, 404, 404, 404, 200, 200, 200}},
		{pattern: "POST /projects/{id}/cost-plan", path: "/projects/{A}/cost-plan", body: budgetForm, want: authzWant{303, 404, 404, 404, 404, 404, 404, 303, 303, 303}},
		{pattern: "POST /projects/{id}/cost-plan/{bid}/decide", path: "/projects/{A}/cost-plan/{finbud}/decide", body: decideBudForm, want: authzWant{303, 404, 404, 404, 404, 404, 404, 403, 303, 303}},
		{pattern: "GET /projects/{id}/expenses", path: "/projects/{A}/expenses", want: authzWant{303, 404, 404, 404, 404, 200, 200, 200, 200, 200}},
		{pattern: "GET /projects/{id}/expenses.xlsx", path: "/projects/{A}/expenses.xlsx", want: authzWant{303, 404, 404, 404, 404, 200, 200, 200, 200, 200}},
		{pattern: "POST /projects/{id}/expenses", path: "/projects/{A}/expenses", body: expForm, want: authzWant{303, 404, 404, 404, 404, 303, 303, 303, 303, 303}},
		{pattern: "GET /projects/{id}/expenses/{eid}", path: "/projects/{A}/expenses/{finexp}", want: authzWant{303, 404, 404, 404, 404, 200, 404, 200, 200, 200}},
		{pattern: "POST /projects/{id}/expenses/{eid}/action", path: "/projects/{A}/expenses/{finexp}/action", body: expAct, want: authzWant{303, 404, 404, 404, 404, 303, 404, 303, 303, 303}},
		{pattern: "POST /projects/{id}/expenses/{eid}/attachments", path: "/projects/{A}/expenses/{finexp}/attachments", body: authzForm("x=1"), want: authzWant{303, 404, 404, 404, 404, 400, 404, 400, 400, 400}},
		{pattern: "GET /finance/rates", path: "/finance/rates", want: authzWant{303, 404, 404, 404, 404, 404, 404, 200, 200, 200}},
		{pattern: "POST /finance/rates", path: "/finance/rates", body: rateForm, want: authzWant{303, 404, 404, 404, 404, 404, 404, 303, 303, 303}},
		{pattern: "POST /finance/trade-rates", path: "/finance/trade-rates", body: tradeForm, want: authzWant{303, 404, 404, 404, 404, 404, 404, 303, 303, 303}},
		{pattern: "POST /finance/subcontractors", path: "/finance/subcontractors", body: subForm, want: authzWant{303, 404, 404, 404, 404, 404, 404, 303, 303, 303}},
		{pattern: "POST /finance/workers", path: "/finance/workers", body: workerForm, want: authzWant{303, 404, 404, 404, 404, 404, 404, 303, 303, 303}},
		{pattern: "GET /finance/labor-summary", path: "/finance/labor-summary" + sq, want: authzWant{303, 404, 404, 404, 404, 404, 404, 200, 200, 200}},
		{pattern: "GET /finance/labor-summary.xlsx", path: "/finance/labor-summary.xlsx" + sq, want: authzWant{303, 404, 404, 404, 404, 404, 404, 200, 200, 200}},

		{pattern: "GET /api/v1/projects/{id}/labor", path: "/api/v1/projects/{A}/labor", want: authzWant{401, 404, 404, 404, 404, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/labor", path: "/api/v1/projects/{A}/labor", body: recordJSON, want: authzWant{401, 404, 404, 404, 404, 201, 201, 201, 201, 201}},
		{pattern: "PATCH /api/v1/projects/{id}/labor/{rid}", path: "/api/v1/projects/{A}/labor/{finrec}", body: recordJSON, want: authzWant{401, 404, 404, 404, 404, 409, 404, 409, 409, 409}},
		{pattern: "DELETE /api/v1/projects/{id}/labor/{rid}", path: "/api/v1/projects/{A}/labor/{finrec}?version=3", want: authzWant{401, 404, 404, 404, 404, 409, 404, 409, 409, 409}},
		{pattern: "POST /api/v1/projects/{id}/labor/submit", path: "/api/v1/projects/{A}/labor/submit", body: submitJSON, want: authzWant{401, 404, 404, 404, 404, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/labor/decide", path: "/api/v1/projects/{A}/labor/decide", body: decideJSON, want: authzWant{401, 404, 404, 404, 404, 403, 403, 403, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/labor/{rid}/reverse", path: "/api/v1/projects/{A}/labor/{finrec}/reverse", body: reverseJSON, want: authzWant{401, 404, 404, 404, 404, 403, 403, 403, 201, 201}},
		{pattern: "GET /api/v1/projects/{id}/labor/week", path: "/api/v1/projects/{A}/labor/week?week=2030-01-07", want: authzWant{401, 404, 404, 404, 404, 200, 200, 200, 200, 200}},
		{pattern: "PUT /api/v1/projects/{id}/labor/week", path: "/api/v1/projects/{A}/labor/week", body: authzJSON(finance.GridInput{Week: "2030-01-07"}), want: authzWant{401, 404, 404, 404, 404, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/labor/import", path: "/api/v1/projects/{A}/labor/import?subcontractor_id={finsub}", body: authzForm("not a workbook"), want: authzWant{401, 404, 404, 404, 404, 403, 403, 400, 400, 400}},
		{pattern: "GET /api/v1/projects/{id}/labor/summary", path: "/api/v1/projects/{A}/labor/summary" + sq, want: authzWant{401, 404, 404, 404, 404, 404, 404, 200, 200, 200}},
		{pattern: "GET /api/v1/finance/labor-summary", path: "/api/v1/finance/labor-summary" + sq, want: authzWant{401, 404, 404, 404, 404, 404, 404, 200, 200, 200}},
		{pattern: "GET /api/v1/projects/{id}/actuals", path: "/api/v1/projects/{A}/actuals?from=2030-01-01&to=2030-12-31", want: authzWant{401, 404, 404, 404, 404, 404, 404, 200, 200, 200}},
		{pattern: "GET /api/v1/projects/{id}/budget", path: "/api/v1/projects/{A}/budget", want: authzWant{401, 404, 404, 404, 404, 404, 404, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/budget", path: "/api/v1/projects/{A}/budget", body: budgetJSON, want: authzWant{401, 404, 404, 404, 404, 404, 404, 201, 201, 201}},
		{pattern: "POST /api/v1/projects/{id}/budget/{bid}/decide", path: "/api/v1/projects/{A}/budget/{finbud}/decide", body: decideBudJSON, want: authzWant{401, 404, 404, 404, 404, 404, 404, 403, 200, 200}},
		{pattern: "GET /api/v1/projects/{id}/expenses", path: "/api/v1/projects/{A}/expenses", want: authzWant{401, 404, 404, 404, 404, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/expenses", path: "/api/v1/projects/{A}/expenses", body: expJSON, want: authzWant{401, 404, 404, 404, 404, 201, 201, 201, 201, 201}},
		{pattern: "POST /api/v1/projects/{id}/expenses/{eid}/action", path: "/api/v1/projects/{A}/expenses/{finexp}/action", body: expActJSON, want: authzWant{401, 404, 404, 404, 404, 200, 404, 200, 200, 200}},
		{pattern: "GET /api/v1/projects/{id}/expenses/{eid}/attachments", path: "/api/v1/projects/{A}/expenses/{finexp}/attachments", want: authzWant{401, 404, 404, 404, 404, 200, 404, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/expenses/{eid}/attachments", path: "/api/v1/projects/{A}/expenses/{finexp}/attachments", body: authzForm("x"), want: authzWant{401, 404, 404, 404, 404, 400, 404, 400, 400, 400}},
		{pattern: "GET /api/v1/finance/rates", path: "/api/v1/finance/rates", want: authzWant{401, 404, 404, 404, 404, 404, 404, 200, 200, 200}},
		{pattern: "POST /api/v1/finance/rates", path: "/api/v1/finance/rates", body: rateJSON, want: authzWant{401, 404, 404, 404, 404, 404, 404, 201, 201, 201}},
		{pattern: "POST /api/v1/finance/trade-rates", path: "/api/v1/finance/trade-rates", body: tradeJSON, want: authzWant{401, 404, 404, 404, 404, 404, 404, 201, 201, 201}},
		{pattern: "GET /api/v1/finance/subcontractors", path: "/api/v1/finance/subcontractors", want: authzWant{401, 404, 404, 404, 404, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/finance/subcontractors", path: "/api/v1/finance/subcontractors", body: subJSON, want: authzWant{401, 404, 404, 404, 404, 404, 404, 201, 201, 201}},
		{pattern: "POST /api/v1/finance/workers", path: "/api/v1/finance/workers", body: workerJSON, want: authzWant{401, 404, 404, 404, 404, 404, 404, 201, 201, 201}},
	}
}

// A distinctive rate and expense on A: callers without cost.view (vendor
// staff who are not PM or finance, customers) never receive the figures
// or a cost field in any finance page, export or API answer; callers with
// it do (so the check is not vacuous).
func TestFinanceCostFieldsStayWithCostView(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := newAuthzFix(t, e)
		svc, pm, fin, dev := e.App.Finance, x.p(apptest.PM), x.p(apptest.Finance), x.p(apptest.Developer)
		a := e.ProjectA.ID
		if _, err := svc.AddRateCard(x.ctx, fin, finance.RateCardInput{UserID: dev.UserID, CostHour: "7,777.77", ValidFrom: "2030-01-01"}); err != nil {
			t.Fatal(err)
		}
		r, err := svc.CreateLabor(x.ctx, dev, a, finance.LaborInput{Date: "2030-01-07", UserID: dev.UserID, Unit: "hour", Qty: 100, Description: "授权工时"})
		if err != nil {
			t.Fatal(err)
		}
		svc.SubmitLabor(x.ctx, dev, a, []int64{r.ID})
		if _, err := svc.DecideLabor(x.ctx, pm, a, []int64{r.ID}, true, ""); err != nil {
			t.Fatal(err)
		}
		figures := []string{"777777", "7,777.77", "7777.77", "cost_minor"}
		paths := []string{"/projects/{A}/labor?week=2030-01-07", "/projects/{A}/labor/records?month=2030-01", "/projects/{A}/labor/records.xlsx?month=2030-01",
			"/api/v1/projects/{A}/labor?from=2030-01-01&to=2030-01-31", "/api/v1/projects/{A}/labor/week?week=2030-01-07",
			"/projects/{A}/labor/summary?from=2030-01-01&to=2030-01-31", "/api/v1/projects/{A}/labor/summary?from=2030-01-01&to=2030-01-31",
			"/api/v1/projects/{A}/actuals", "/finance/rates", "/api/v1/finance/rates", "/projects/{A}/activity", "/api/v1/projects/{A}/activity"}
		for _, who := range []apptest.Who{apptest.Developer, apptest.Consultant, apptest.CustomerPM, apptest.KeyUser, apptest.Executive, apptest.OtherCust, apptest.PM, apptest.Finance} {
			seen := false
			for _, p := range paths {
				path := strings.ReplaceAll(p, "{A}", itoa(a))
				res := e.Do(t, who, "GET", path, nil)
				body := res.Body
				if strings.HasSuffix(strings.Split(path, "?")[0], ".xlsx") && res.Status == 200 {
					body = xlsxText(t, body)
				}
				for _, f := range figures {
					if strings.Contains(body, f) {
						if who != apptest.PM && who != apptest.Finance {
							t.Errorf("%s as %s (%d): contains %q", path, who, res.Status, f)
						}
						seen = true
					}
				}
			}
			if (who == apptest.PM || who == apptest.Finance) && !seen {
				t.Errorf("%s never saw the cost: the check would be vacuous", who)
			}
		}
		_ = access.CostView
	})
}

// xlsxText is every cell of a workbook, raw and formatted, as one string.
func xlsxText(t *testing.T, body string) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer f.Close()
	var b strings.Builder
	for _, sh := range f.GetSheetList() {
		raw, _ := f.GetRows(sh, excelize.Options{RawCellValue: true})
		shown, _ := f.GetRows(sh)
		fmt.Fprint(&b, raw, shown)
	}
	return b.String()
}

// Bad labor input over HTTP: 4xx naming the field in the caller's
// language, nothing written; a locked record is a conflict.
func TestFinanceBadInputHTTP(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := newAuthzFix(t, e)
		a := itoa(e.ProjectA.ID)
		dev := e.Users[apptest.Developer].ID
		if err := e.App.Finance.CloseMonth(x.ctx, x.p(apptest.Finance), e.ProjectA.ID, "2026-02", true); err != nil {
			t.Fatal(err)
		}
		rec := func(date, qty string) string {
			return `{"date":"` + date + `","user_id":` + itoa(dev) + `,"unit":"hour","qty":` + qty + `}`
		}
		for _, c := range []struct {
			body   string
			status int
			says   string
		}{
			{rec("2026-03-02", "-2"), 400, "工时不能为负数"},
			{rec("2026-03-02", "25"), 400, "一人一天最多 24 小时"},
			{rec("2026-03-02", `"7.555"`), 400, "qty"},
			{rec("2026-02-27", "8"), 400, "2026-02 已关账"},
			{rec("2026-02-30", "8"), 400, "请输入有效日期"},
			{`{"date":"2026-03-02","unit":"hour","qty":8}`, 400, "请选择一位人员"},
		} {
			r := e.Do(t, apptest.Developer, "POST", "/api/v1/projects/"+a+"/labor", c.body)
			if r.Status != c.status || !strings.Contains(r.Body, c.says) {
				t.Errorf("%s: %d %s", c.body, r.Status, r.Body)
			}
		}
		if n, _ := e.App.Finance.ListLabor(x.ctx, x.p(apptest.PM), e.ProjectA.ID, finance.LaborFilter{}); len(n) != 0 {
			t.Fatalf("refused input wrote %d records", len(n))
		}
		// 20 h on A today, then 5 h more is refused across projects.
		if r := e.Do(t, apptest.Developer, "POST", "/api/v1/projects/"+a+"/labor", rec("2026-03-03", "20")); r.Status != 201 {
			t.Fatalf("20 h: %d %s", r.Status, r.Body)
		}
		if r := e.Do(t, apptest.Developer, "POST", "/api/v1/projects/"+a+"/labor", rec("2026-03-03", "5")); r.Status != 400 || !strings.Contains(r.Body, "已记 20 小时") {
			t.Errorf("over 24 h: %d %s", r.Status, r.Body)
		}
		id := authzFinRecord(t, x, finance.LaborApproved)
		r := e.Do(t, apptest.PM, "PATCH", "/api/v1/projects/"+a+"/labor/"+itoa(id), rec("2030-02-04", "1")+"")
		if r.Status != 409 || !strings.Contains(r.Body, "已批准并锁定") {
			t.Errorf("edit approved: %d %s", r.Status, r.Body)
		}
		// The grid names each bad cell.
		r = e.Do(t, apptest.Developer, "PUT", "/api/v1/projects/"+a+"/labor/week", `{"week":"2026-03-09","cells":[{"person":"u`+itoa(dev)+`","date":"2026-03-10","qty":"-1"},{"person":"u`+itoa(dev)+`","date":"2026-03-11","qty":"abc"}]}`)
		if r.Status != 400 || !strings.Contains(r.Body, "cell_u"+itoa(dev)+"_2026-03-10") || !strings.Contains(r.Body, "cell_u"+itoa(dev)+"_2026-03-11") {
			t.Errorf("grid: %d %s", r.Status, r.Body)
		}
	})
}

// A receipt attached to an expense: its author uploads it through the API,
// the expense page lists it, the count shows in the list; a consultant who
// is not the author cannot attach to it.
func TestExpenseReceipts(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := newAuthzFix(t, e)
		a := e.ProjectA.ID
		ex, err := e.App.Finance.CreateExpense(x.ctx, x.p(apptest.Developer), a, finance.ExpenseInput{Date: "2026-03-03", Category: "travel", Amount: "880", Description: "出差高铁票"})
		if err != nil {
			t.Fatal(err)
		}
		post := func(who apptest.Who) apptest.Response {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			fw, _ := mw.CreateFormFile("file", "高铁票.pdf")
			fw.Write([]byte("%PDF-1.4 receipt"))
			mw.Close()
			req, _ := http.NewRequest("POST", e.URL+"/api/v1/projects/"+itoa(a)+"/expenses/"+itoa(ex.ID)+"/attachments", &b)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Authorization", "Bearer "+e.Users[who].Token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return apptest.Response{Status: resp.StatusCode, Body: string(body)}
		}
		if r := post(apptest.Consultant); r.Status != 404 {
			t.Errorf("a consultant attached to someone else's expense: %d", r.Status)
		}
		if r := post(apptest.Developer); r.Status != 201 || !strings.Contains(r.Body, "高铁票.pdf") {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		page := e.Do(t, apptest.PM, "GET", "/projects/"+itoa(a)+"/expenses/"+itoa(ex.ID), nil)
		if page.Status != 200 || !strings.Contains(page.Body, "高铁票.pdf") {
			t.Errorf("expense page: %d", page.Status)
		}
		list, err := e.App.Finance.ListExpenses(x.ctx, x.p(apptest.PM), a)
		if err != nil || len(list) != 1 || list[0].Receipts != 1 {
			t.Errorf("receipts count: %+v %v", list, err)
		}
	})
}

// The import page: a real foreman's workbook, one bad row → 422 with the
// row and field in the report and nothing written; fixed → drafts.
func TestLaborImportPage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := newAuthzFix(t, e)
		a := e.ProjectA.ID
		sub := authzFinSub(t, x)
		if _, err := e.App.Finance.CreateWorker(x.ctx, x.p(apptest.PM), finance.WorkerInput{SubcontractorID: sub, Name: "赵大勇", Trade: "电工"}); err != nil {
			t.Fatal(err)
		}
		book := func(rows ...[]any) []byte {
			f := excelize.NewFile()
			for i, r := range append([][]any{{"日期", "姓名", "数量", "单位", "说明"}}, rows...) {
				cell, _ := excelize.CoordinatesToCellName(1, i+1)
				f.SetSheetRow("Sheet1", cell, &r)
			}
			var b bytes.Buffer
			f.Write(&b)
			return b.Bytes()
		}
		post := func(data []byte) apptest.Response {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			mw.WriteField("subcontractor_id", itoa(sub))
			fw, _ := mw.CreateFormFile("file", "班组工时.xlsx")
			fw.Write(data)
			mw.Close()
			req, _ := http.NewRequest("POST", e.URL+"/projects/"+itoa(a)+"/labor/import", &b)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.AddCookie(&http.Cookie{Name: "golive_session", Value: e.Users[apptest.PM].Session})
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return apptest.Response{Status: resp.StatusCode, Header: resp.Header, Body: string(body)}
		}
		r := post(book([]any{"2026-03-02", "赵大勇", "1", "工日", "布线"}, []any{"2026-03-03", "赵大勇", "-1", "工日", ""}))
		if r.Status != 422 || !strings.Contains(r.Body, "工时不能为负数") || !strings.Contains(r.Body, "<td class=\"num\">3</td>") {
			t.Fatalf("bad sheet: %d %s", r.Status, authzSnippet(r.Body, "fin-import-report"))
		}
		if l, _ := e.App.Finance.ListLabor(x.ctx, x.p(apptest.PM), a, finance.LaborFilter{}); len(l) != 0 {
			t.Fatalf("a refused import wrote %d records", len(l))
		}
		if r := post([]byte("not a workbook")); r.Status != 400 || !strings.Contains(r.Body, "请上传 Excel") {
			t.Errorf("garbage: %d", r.Status)
		}
		r = post(book([]any{"2026-03-02", "赵大勇", "1", "工日", "布线"}, []any{"2026-03-03", "赵大勇", "0.5", "工日", ""}))
		if r.Status != 303 {
			t.Fatalf("good sheet: %d %s", r.Status, authzSnippet(r.Body, ""))
		}
		if l, _ := e.App.Finance.ListLabor(x.ctx, x.p(apptest.PM), a, finance.LaborFilter{Status: finance.LaborDraft}); len(l) != 2 || l[0].Description != "布线" {
			t.Fatalf("imported: %+v", l)
		}
	})
}
