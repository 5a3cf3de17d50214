package e2e

import (
	"context"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"golive/internal/app/apptest"
	"golive/internal/finance"
)

// TestLaborWeekGridApproval: the developer opens 工时与费用, types a week
// into the grid (one negative cell is refused under that cell and nothing
// is saved), saves it and submits it; the PM sees the week to approve,
// approves it, and the cells turn approved and read-only with their cost
// on the records below. The developer never sees a cost or the budget tab.
func TestLaborWeekGridApproval(t *testing.T) {
	b := newBrowser(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		a := e.ProjectA.ID
		dev := e.Users[apptest.Developer]
		if _, err := e.App.Finance.AddRateCard(ctx, e.Users[apptest.Finance].P, finance.RateCardInput{Role: "developer", CostDay: "1,000", ValidFrom: "2026-01-01"}); err != nil {
			t.Fatal(err)
		}
		base := "/projects/" + strconv.FormatInt(a, 10) + "/labor"
		week := "2026-03-02"
		key := "u" + strconv.FormatInt(dev.ID, 10)
		cell := func(day string) string { return "cell_" + key + "_" + day }

		tb := b.session(t, e)
		tb.loginAs(apptest.Developer)
		if st := tb.open(base + "?week=" + week); st != 200 {
			t.Fatalf("labor page: %d", st)
		}
		mustContain(t, "developer's week", tb.bodyText(), "工时与费用", "工时周表", "2026-03-02 起的一周")
		mustNotContain(t, "developer's week", tb.bodyText(), "预算", "成本")
		days := []string{"2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"}
		for i, d := range days {
			v := "8"
			if i == 2 {
				v = "-4"
			}
			tb.fill(cell(d), v)
		}
		if st := tb.submit(chromedp.Click(chromedp.ID("fin-save"))); st != 400 {
			t.Fatalf("save with a negative cell: %d", st)
		}
		mustContain(t, "refused cell", tb.text("td.invalid"), "工时不能为负数")
		if v := tb.value("#" + cell("2026-03-02")); v != "8" {
			t.Errorf("what was typed is lost: %q", v)
		}
		if recs, _ := e.App.Finance.ListLabor(ctx, dev.P, a, finance.LaborFilter{}); len(recs) != 0 {
			t.Fatalf("a refused save wrote %d records", len(recs))
		}
		tb.fill(cell("2026-03-04"), "7.5")
		if st := tb.submit(chromedp.Click(chromedp.ID("fin-save"))); st != 200 {
			t.Fatalf("save: %d", st)
		}
		mustContain(t, "saved", tb.bodyText(), "已保存 5 个单元格", "39.5")
		if st := tb.submit(chromedp.Click(chromedp.CSS("#fin-submit button"))); st != 200 {
			t.Fatalf("submit: %d", st)
		}
		mustContain(t, "submitted", tb.bodyText(), "已提交 5 条记录", "待审批")
		if n := eval[int](tb, `document.querySelectorAll('#fin-grid input.fin-qty[name^="`+"cell_"+key+`"]').length`); n != 2 {
			t.Errorf("%d of the developer's cells still editable after submit (want the weekend's 2)", n)
		}
		tb.shot("labor-week-submitted")

		pm := b.session(t, e)
		pm.loginAs(apptest.PM)
		pm.open(base + "?week=" + week)
		mustContain(t, "PM's week", pm.bodyText(), "批准（5 条）", "预算")
		if st := pm.submit(chromedp.Click(chromedp.CSS("#fin-approve button"))); st != 200 {
			t.Fatalf("approve: %d", st)
		}
		mustContain(t, "approved", pm.bodyText(), "已批准 5 条记录", "¥1,000.00", "¥937.50")
		if n := eval[int](pm, `document.querySelectorAll('#fin-grid td.fin-approved').length`); n != 5 {
			t.Errorf("%d approved cells", n)
		}
		pm.shot("labor-week-approved")

		// The summary, the subcontractor's printable sheet, the budget and
		// the rate book render for the PM.
		fin := e.Users[apptest.Finance].P
		sc, err := e.App.Finance.CreateSubcontractor(ctx, fin, finance.SubcontractorInput{Name: "昆山华建机电安装队", Contact: "钱建华"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Finance.CreateWorker(ctx, fin, finance.WorkerInput{SubcontractorID: sc.ID, Name: "赵大勇", Trade: "电工"}); err != nil {
			t.Fatal(err)
		}
		pm.open(base + "/summary?from=2026-03-01&to=2026-03-31&group_by=person&period=week")
		mustContain(t, "summary", pm.bodyText(), "工时汇总", "developer", "39.5", "¥4,937.50")
		pm.open(base + "/summary?from=2026-03-01&to=2026-03-31&group_by=person&period=day")
		pm.do(chromedp.WaitVisible(chromedp.ID("fin-summary-chart")))
		if h := eval[int](pm, `document.getElementById('fin-summary-chart').height`); h < 100 {
			t.Errorf("summary chart not drawn: height %d", h)
		}
		pm.shot("labor-summary")
		pm.open(base + "/sheet?month=2026-03&subcontractor_id=" + strconv.FormatInt(sc.ID, 10))
		mustContain(t, "sheet", pm.bodyText(), "昆山华建机电安装队 · 2026-03 点工工时确认单", "赵大勇", "分包单位签字")
		pm.shot("labor-sheet")
		pm.open("/projects/" + strconv.FormatInt(a, 10) + "/cost-plan")
		pm.fill("fb-pct", "15")
		pm.do(chromedp.SetValue(chromedp.CSS(`#fin-budget-form input[name=amount]`), "100,000"))
		if st := pm.submit(chromedp.Click(chromedp.CSS("#fin-budget-form button"))); st != 200 {
			t.Fatalf("propose budget: %d", st)
		}
		if st := pm.submit(chromedp.Click(chromedp.CSS(`#fin-budget-versions button[value=approve]`))); st != 200 {
			t.Fatalf("approve budget: %d", st)
		}
		mustContain(t, "budget", pm.bodyText(), "预算版本已批准", "¥100,000.00", "不可预见费（15%）", "¥115,000.00")
		pm.shot("labor-budget")
		pm.open("/finance/rates")
		mustContain(t, "rates", pm.bodyText(), "角色：developer", "¥1,000.00", "昆山华建机电安装队")
		pm.shot("labor-rates")
		acts, err := e.App.Finance.Actuals(ctx, a, "2026-03-01", "2026-03-31")
		var sum int64
		for _, x := range acts {
			sum += x.CostMinor
		}
		if err != nil || sum != 493750 { // 4 × 8 h + 7.5 h at ¥1,000 / 8 h
			t.Errorf("actual cost %d %v", sum, err)
		}
	})
}
