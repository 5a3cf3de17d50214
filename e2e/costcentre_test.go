package e2e

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"golive/internal/app/apptest"
	"golive/internal/calendar"
	"golive/internal/db"
)

// TestCostCentrePage: project A has a baseline plan around today, an
// approved budget, a contract and a rate card for its developer. The
// finance user opens the cost centre: nothing spent, the S-curve shows
// PV only. The developer enters a week of labor on the labor module's
// weekly grid and submits it, the PM approves it; the page now shows the
// week's cost as AC,
// the S-curve's AC line climbs over those five days, the labor category
// has actuals, and the EVM table has a CPI. A customer PM is refused
// without a figure; the portfolio view lists A with its actual cost.
func TestCostCentrePage(t *testing.T) {
	b := newBrowser(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		d, a := e.App.DB, e.ProjectA.ID
		dev := e.Users[apptest.Developer].ID
		now := db.Now()
		today := calendar.Of(time.Now().In(time.FixedZone("CST", 8*3600)))
		// Monday to Friday of last week.
		mon := today.AddDays(-((int(today.Weekday()) + 6) % 7) - 7)
		week := []calendar.Date{mon, mon + 1, mon + 2, mon + 3, mon + 4}
		exec := func(q string, args ...any) int64 {
			t.Helper()
			var id int64
			if err := d.Tx(ctx, func(tx *db.Tx) error { return tx.QueryRow(ctx, q+" RETURNING id", args...).Scan(&id) }); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return id
		}
		t1 := exec(`INSERT INTO tasks (project_id, number, title, status, start_date, due_date, estimate_min, progress, created_ms, updated_ms) VALUES (?, 801, '方案设计', 'doing', ?, ?, 9600, 60, ?, ?)`,
			a, week[0].AddDays(-14).String(), today.AddDays(7).String(), now, now)
		t2 := exec(`INSERT INTO tasks (project_id, number, title, status, start_date, due_date, estimate_min, progress, created_ms, updated_ms) VALUES (?, 802, '系统配置', 'todo', ?, ?, 9600, 0, ?, ?)`,
			a, today.AddDays(8).String(), today.AddDays(30).String(), now, now)
		bl := exec(`INSERT INTO baselines (project_id, name, created_ms) VALUES (?, '计划基线 v1', ?)`, a, now)
		for _, id := range []int64{t1, t2} {
			if _, err := d.Exec(ctx, `INSERT INTO baseline_tasks (baseline_id, task_id, start_date, due_date) SELECT ?, id, start_date, due_date FROM tasks WHERE id = ?`, bl, id); err != nil {
				t.Fatal(err)
			}
		}
		bv := exec(`INSERT INTO budget_versions (project_id, seq, kind, status, contingency_pct, created_ms, updated_ms) VALUES (?, 1, 'original', 'approved', 10, ?, ?)`, a, now, now)
		if _, err := d.Exec(ctx, `INSERT INTO budget_lines (budget_version_id, category, amount_minor) VALUES (?, 'labor', 6000000), (?, 'travel', 500000)`, bv, bv); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, `INSERT INTO rate_cards (user_id, cost_hour_minor, valid_from_date, created_ms) VALUES (?, 20000, '2025-01-01', ?)`, dev, now); err != nil {
			t.Fatal(err)
		}
		exec(`INSERT INTO fund_contracts (project_id, number, customer_company_id, amount_minor, tax_rate_bp, tax_minor, created_ms, updated_ms) VALUES (?, 'HT-E2E', ?, 9000000, 600, 540000, ?, ?)`, a, e.CompanyA.ID, now, now)

		base := "/projects/" + strconv.FormatInt(a, 10) + "/costcentre"
		fin := b.session(t, e)
		fin.loginAs(apptest.Finance)
		if st := fin.open(base); st != 200 {
			t.Fatalf("cost centre: %d", st)
		}
		mustContain(t, "before", fin.bodyText(), "成本中心", "挣值分析", "¥65,000.00", "¥90,000.00")
		if got := fin.text("#cc-ac"); got != "¥0.00" {
			t.Errorf("AC before the week: %q", got)
		}
		lastAC := `(function(){var c=Chart.getChart(document.getElementById('cc-scurve'));var d=c.data.datasets[2].data.filter(function(v){return v!==null});return d.length?d[d.length-1]:-1})()`
		if v := eval[float64](fin, lastAC); v != 0 {
			t.Errorf("S-curve AC before the week: %v", v)
		}
		fin.shot("costcentre-before")

		// The developer enters a week of labor on the weekly grid (8 hours
		// a day) and submits it; the PM approves it.
		labor := "/projects/" + strconv.FormatInt(a, 10) + "/labor?week=" + week[0].String()
		dv := b.session(t, e)
		dv.loginAs(apptest.Developer)
		if st := dv.open(labor); st != 200 {
			t.Fatalf("labor week: %d", st)
		}
		for _, day := range week {
			dv.fill("cell_u"+strconv.FormatInt(dev, 10)+"_"+day.String(), "8")
		}
		if st := dv.submit(chromedp.Click(chromedp.ID("fin-save"))); st != 200 {
			t.Fatalf("save the week: %d", st)
		}
		if st := dv.submit(chromedp.Click(chromedp.CSS("#fin-submit button"))); st != 200 {
			t.Fatalf("submit the week: %d", st)
		}
		pm := b.session(t, e)
		pm.loginAs(apptest.PM)
		pm.open(labor)
		if st := pm.submit(chromedp.Click(chromedp.CSS("#fin-approve button"))); st != 200 {
			t.Fatalf("approve: %d", st)
		}
		mustContain(t, "approved", pm.bodyText(), "已批准 5 条记录")
		fin.open(base)
		// 5 days × 8 h × ¥200 = ¥8,000.00
		if got := fin.text("#cc-ac"); got != "¥8,000.00" {
			t.Errorf("AC after the week: %q", got)
		}
		if v := eval[float64](fin, lastAC); v != 8000 {
			t.Errorf("S-curve AC after the week: %v", v)
		}
		climb := eval[int](fin, `(function(){var c=Chart.getChart(document.getElementById('cc-scurve'));var d=c.data.datasets[2].data;var n=0;for(var i=1;i<d.length;i++){if(d[i]!==null&&d[i]>d[i-1])n++}return n})()`)
		if climb != 5 {
			t.Errorf("the AC line rises on %d days, want 5", climb)
		}
		mustContain(t, "after", fin.text("#cc-categories"), "人工", "¥60,000.00", "¥8,000.00", "13.3%")
		if cpi := fin.text("#cc-evm tbody tr:nth-child(8) td"); cpi == "—" || cpi == "" {
			t.Errorf("CPI after the week: %q", cpi)
		}
		mustContain(t, "burn", fin.text("#cc-burn"), "¥2,000.00")
		fin.shot("costcentre-after")

		// The portfolio view.
		if st := fin.open("/finance"); st != 200 {
			t.Fatalf("finance: %d", st)
		}
		mustContain(t, "portfolio", fin.text("#finance"), e.ProjectA.Code, "¥8,000.00", "¥90,000.00")
		fin.shot("finance-portfolio")

		// Travel reaches 90 % of its budget: after the alert check the
		// overview shows the alert to finance, not to the customer.
		exec(`INSERT INTO expenses (project_id, expense_date, category, amount_minor, status, created_ms, updated_ms) VALUES (?, ?, 'travel', 450000, 'approved', ?, ?)`, a, today.String(), now, now)
		if _, err := e.App.CostCentre.CheckAlerts(ctx, a); err != nil {
			t.Fatal(err)
		}
		fin.open("/projects/" + strconv.FormatInt(a, 10))
		mustContain(t, "overview", fin.text("#overview-notices"), "差旅", "90%", "80%")
		fin.shot("overview-alert")

		// A customer PM of A is refused, and sees no figure.
		cust := b.session(t, e)
		cust.loginAs(apptest.CustomerPM)
		if st := cust.open(base); st != 403 {
			t.Errorf("customer PM: %d", st)
		}
		mustNotContain(t, "customer", cust.html(), "¥8,000.00", "8000", "cc-scurve")
		cust.open("/projects/" + strconv.FormatInt(a, 10))
		mustNotContain(t, "customer overview", cust.bodyText(), "差旅", "成本中心")
		if n := eval[int](cust, fmt.Sprintf(`document.querySelectorAll('a[href="%s"]').length`, base)); n != 0 {
			t.Errorf("customer PM is offered the cost centre in the navigation")
		}
	})
}
