package costcentre_test

import (
	"context"
	"testing"
	"time"

	"golive/internal/app/apptest"
	"golive/internal/apperr"
	"golive/internal/costcentre"
	"golive/internal/db"
)

var ctx = context.Background()

func exec(t *testing.T, d *db.DB, q string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := d.Tx(ctx, func(tx *db.Tx) error { return tx.QueryRow(ctx, q+` RETURNING id`, args...).Scan(&id) }); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return id
}

func run(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.Exec(ctx, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// seed lays the worked example of the evm package's tests on project A:
// a baseline of two tasks (T1 2–6 March 2026, 5 person-days, done on the
// 6th; T2 9–13 March, 10 person-days, 40 %), an approved budget of
// labor ¥8,000 + travel ¥2,000, a contract of ¥15,000 before tax, and
// actuals of ¥6,500 by Tuesday 10 March: 4.5 approved hours at ¥1,000/h
// and ¥2,000 of travel. The clock stands at noon on 10 March.
func seed(t *testing.T, e *apptest.Env) (travelID int64) {
	d := e.App.DB
	a := e.ProjectA.ID
	now := db.Now()
	dev := e.Users[apptest.Developer].ID
	done := time.Date(2026, 3, 6, 17, 0, 0, 0, time.FixedZone("CST", 8*3600)).UnixMilli()
	t1 := exec(t, d, `INSERT INTO tasks (project_id, number, title, status, start_date, due_date, estimate_min, progress, created_ms, updated_ms, done_ms)
		VALUES (?, 901, '蓝图设计', 'done', '2026-03-02', '2026-03-06', 2400, 100, ?, ?, ?)`, a, now, now, done)
	t2 := exec(t, d, `INSERT INTO tasks (project_id, number, title, status, start_date, due_date, estimate_min, progress, created_ms, updated_ms)
		VALUES (?, 902, '系统配置', 'doing', '2026-03-09', '2026-03-20', 4800, 40, ?, ?)`, a, now, now)
	// Not in the baseline, so not in PV (added after it was frozen).
	exec(t, d, `INSERT INTO tasks (project_id, number, title, status, start_date, due_date, estimate_min, progress, created_ms, updated_ms)
		VALUES (?, 903, '额外报表', 'doing', '2026-03-09', '2026-03-10', 9600, 50, ?, ?)`, a, now, now)
	b := exec(t, d, `INSERT INTO baselines (project_id, name, created_ms) VALUES (?, '基线一', ?)`, a, now)
	run(t, d, `INSERT INTO baseline_tasks (baseline_id, task_id, start_date, due_date) VALUES (?, ?, '2026-03-02', '2026-03-06'), (?, ?, '2026-03-09', '2026-03-13')`, b, t1, b, t2)
	bv := exec(t, d, `INSERT INTO budget_versions (project_id, seq, kind, status, contingency_pct, created_ms, updated_ms) VALUES (?, 1, 'original', 'approved', 10, ?, ?)`, a, now, now)
	run(t, d, `INSERT INTO budget_lines (budget_version_id, category, amount_minor) VALUES (?, 'labor', 800000), (?, 'travel', 200000)`, bv, bv)
	run(t, d, `INSERT INTO rate_cards (user_id, cost_hour_minor, valid_from_date, created_ms) VALUES (?, 100000, '2026-01-01', ?)`, dev, now)
	for _, l := range []struct {
		day string
		h   int64
	}{{"2026-03-02", 150}, {"2026-03-09", 300}} {
		run(t, d, `INSERT INTO labor_records (project_id, work_date, user_id, unit, qty_centi, hours_centi, status, created_ms, updated_ms) VALUES (?, ?, ?, 'hour', ?, ?, 'approved', ?, ?)`,
			a, l.day, dev, l.h, l.h, now, now)
	}
	// A submitted record is not a cost yet.
	run(t, d, `INSERT INTO labor_records (project_id, work_date, user_id, unit, qty_centi, hours_centi, status, created_ms, updated_ms) VALUES (?, '2026-03-10', ?, 'hour', 800, 800, 'submitted', ?, ?)`, a, dev, now, now)
	travelID = exec(t, d, `INSERT INTO expenses (project_id, expense_date, category, amount_minor, status, created_ms, updated_ms) VALUES (?, '2026-03-10', 'travel', 200000, 'approved', ?, ?)`, a, now, now)
	run(t, d, `INSERT INTO fund_contracts (project_id, number, customer_company_id, amount_minor, tax_rate_bp, tax_minor, created_ms, updated_ms) VALUES (?, 'HT-CC-1', ?, 1500000, 600, 90000, ?, ?)`,
		a, e.CompanyA.ID, now, now)
	e.App.CostCentre.SetClock(func() time.Time { return time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC) })
	return travelID
}

func TestDashboardFromPlanBudgetAndActuals(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		seed(t, e)
		svc := e.App.CostCentre
		d, err := svc.Dashboard(ctx, e.Users[apptest.Finance].P, e.ProjectA.ID)
		if err != nil {
			t.Fatal(err)
		}
		m := d.Money
		if !d.HasBaseline || !d.HasBudget || !d.HasContract {
			t.Fatalf("flags: %+v", d)
		}
		if m.BAC != 1_000_000 || m.PV != 600_000 || m.EV != 600_000 || m.AC != 650_000 {
			t.Fatalf("BAC/PV/EV/AC = %d/%d/%d/%d", m.BAC, m.PV, m.EV, m.AC)
		}
		if m.EAC.Value != 1_083_333 || m.VAC.Value != -83_333 || d.ForecastMinor.Value != 1_083_333 {
			t.Errorf("EAC %+v VAC %+v forecast %+v", m.EAC, m.VAC, d.ForecastMinor)
		}
		// Effort: 15 person-days planned, 4.5 hours spent.
		if d.Effort.BAC != 7200 || d.Effort.AC != 270 || d.Effort.EV != 4320 {
			t.Errorf("effort %+v", d.Effort)
		}
		if d.ContingencyMinor != 100_000 || d.ContractMinor != 1_500_000 || d.MarginMinor != 850_000 || d.MarginEACMinor.Value != 416_667 {
			t.Errorf("contingency %d contract %d margin %d at completion %+v", d.ContingencyMinor, d.ContractMinor, d.MarginMinor, d.MarginEACMinor)
		}
		cats := map[string]costcentre.Line{}
		for _, l := range d.Categories {
			cats[l.Key] = l
		}
		if l := cats["labor"]; l.BudgetMinor != 800_000 || l.ActualMinor != 450_000 {
			t.Errorf("labor %+v", l)
		}
		if l := cats["travel"]; l.ActualMinor != 200_000 || l.Used.Value != 1 {
			t.Errorf("travel %+v", l)
		}
		// Burn: this week (9–15 March) ¥5,000, the one before ¥1,500.
		if len(d.Burn) != 4 || d.Burn[3].From != "2026-03-09" || d.Burn[3].CostMinor != 500_000 || d.Burn[2].CostMinor != 150_000 || d.BurnAvgMinor != 162_500 {
			t.Errorf("burn %+v avg %d", d.Burn, d.BurnAvgMinor)
		}
		// The S-curve runs 2–13 March; EV and AC stop on the 10th.
		if n := len(d.Curve); n != 12 || d.Curve[n-1].PV != 1_000_000 || d.Curve[8].AC == nil || *d.Curve[8].AC != 650_000 || d.Curve[9].AC != nil {
			t.Errorf("curve %+v", d.Curve)
		}
		keys := map[string]bool{}
		for _, a := range d.Alerts {
			keys[a.Key] = true
		}
		if !keys["cat:travel:80"] || !keys["cat:travel:100"] || keys["cpi"] || keys["ahead"] || len(keys) != 2 {
			t.Errorf("alerts %+v", d.Alerts)
		}
	})
}

func TestDashboardPermissions(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		svc := e.App.CostCentre
		for who, want := range map[apptest.Who]apperr.Code{
			apptest.CustomerPM: apperr.Forbidden, apptest.KeyUser: apperr.Forbidden, apptest.Executive: apperr.Forbidden,
			apptest.Developer: apperr.Forbidden, apptest.Consultant: apperr.Forbidden, apptest.OtherCust: apperr.NotFound, apptest.Outsider: apperr.NotFound,
		} {
			if _, err := svc.Dashboard(ctx, e.Users[who].P, e.ProjectA.ID); apperr.CodeOf(err) != want {
				t.Errorf("%s: %v, want %s", who, err, want)
			}
		}
		if _, err := svc.Portfolio(ctx, e.Users[apptest.CustomerPM].P, costcentre.PortfolioFilter{}); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("customer portfolio: %v", err)
		}
		if _, err := svc.SaveSettings(ctx, e.Users[apptest.Finance].P, e.ProjectA.ID, costcentre.SettingsInput{CPIThresholdPct: 80, AheadPoints: 10}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("finance changes thresholds: %v", err)
		}
	})
}

func TestAlertsOncePerCrossing(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		travel := seed(t, e)
		svc, d, a := e.App.CostCentre, e.App.DB, e.ProjectA.ID
		count := func() (pm, fin, cust int) {
			for who, n := range map[apptest.Who]*int{apptest.PM: &pm, apptest.Finance: &fin, apptest.CustomerPM: &cust} {
				if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind = 'costcentre_alert'`, e.Users[who].ID).Scan(n); err != nil {
					t.Fatal(err)
				}
			}
			return
		}
		raised, err := svc.CheckAlerts(ctx, a)
		if err != nil || len(raised) != 2 {
			t.Fatalf("first check: %+v %v", raised, err)
		}
		// One notice each (the 100 % alert stands for the 80 % one), none to the customer.
		if pm, fin, cust := count(); pm != 1 || fin != 1 || cust != 0 {
			t.Fatalf("notified pm %d finance %d customer %d", pm, fin, cust)
		}
		var key string
		if err := d.QueryRow(ctx, `SELECT msg_key FROM notifications WHERE user_id = ? AND kind = 'costcentre_alert'`, e.Users[apptest.PM].ID).Scan(&key); err != nil || key != "costcentre.alert.cat100_travel" {
			t.Errorf("message %q %v", key, err)
		}
		if raised, _ := svc.CheckAlerts(ctx, a); len(raised) != 0 {
			t.Errorf("second check raised again: %+v", raised)
		}
		if pm, _, _ := count(); pm != 1 {
			t.Errorf("notified twice: %d", pm)
		}
		open, err := svc.OpenAlerts(ctx, e.Users[apptest.PM].P, a)
		if err != nil || len(open) != 1 || open[0].Key != "cat:travel:100" {
			t.Errorf("open alerts %+v %v", open, err)
		}
		if as, _ := svc.OpenAlerts(ctx, e.Users[apptest.CustomerPM].P, a); len(as) != 0 {
			t.Errorf("customer sees alerts %+v", as)
		}
		// The expense is withdrawn: the alerts clear; approved again: a new crossing, a new notice.
		run(t, d, `UPDATE expenses SET status = 'rejected' WHERE id = ?`, travel)
		if _, err := svc.CheckAlerts(ctx, a); err != nil {
			t.Fatal(err)
		}
		if as, _ := svc.OpenAlerts(ctx, e.Users[apptest.PM].P, a); len(as) != 0 {
			t.Errorf("cleared alerts still open %+v", as)
		}
		run(t, d, `UPDATE expenses SET status = 'approved' WHERE id = ?`, travel)
		if raised, _ := svc.CheckAlerts(ctx, a); len(raised) != 2 {
			t.Errorf("new crossing: %+v", raised)
		}
		if pm, fin, cust := count(); pm != 2 || fin != 2 || cust != 0 {
			t.Errorf("after the second crossing pm %d finance %d customer %d", pm, fin, cust)
		}
		// A stricter CPI threshold raises the CPI alert (CPI 0.92 < 0.95).
		if _, err := svc.SaveSettings(ctx, e.Users[apptest.PM].P, a, costcentre.SettingsInput{CPIThresholdPct: 95, AheadPoints: 10}); err != nil {
			t.Fatal(err)
		}
		if raised, _ := svc.CheckAlerts(ctx, a); len(raised) != 1 || raised[0].Key != "cpi" {
			t.Errorf("cpi alert: %+v", raised)
		}
	})
}

func TestSettingsValidateAndConflict(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		svc, pm, a := e.App.CostCentre, e.Users[apptest.PM].P, e.ProjectA.ID
		if _, err := svc.SaveSettings(ctx, pm, a, costcentre.SettingsInput{CPIThresholdPct: 120, AheadPoints: 10}); !apperr.As(err).HasField("cpi_threshold_pct") {
			t.Errorf("threshold 120: %v", err)
		}
		if _, err := svc.SaveSettings(ctx, pm, a, costcentre.SettingsInput{CPIThresholdPct: 90, AheadPoints: 0}); !apperr.As(err).HasField("ahead_points") {
			t.Errorf("ahead 0: %v", err)
		}
		st, err := svc.SaveSettings(ctx, pm, a, costcentre.SettingsInput{CPIThresholdPct: 85, AheadPoints: 15})
		if err != nil || st.Version != 1 {
			t.Fatalf("%+v %v", st, err)
		}
		if _, err := svc.SaveSettings(ctx, pm, a, costcentre.SettingsInput{CPIThresholdPct: 80, AheadPoints: 15}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("stale save: %v", err)
		}
		if st, err := svc.SaveSettings(ctx, pm, a, costcentre.SettingsInput{CPIThresholdPct: 80, AheadPoints: 15, Version: 1}); err != nil || st.Version != 2 {
			t.Errorf("second save %+v %v", st, err)
		}
		var n int
		if err := e.App.DB.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'costcentre_settings' AND project_id = ?`, a).Scan(&n); err != nil || n != 2 {
			t.Errorf("audit rows %d %v", n, err)
		}
		// The audit log names the project, not an English label.
		var summary string
		if err := e.App.DB.QueryRow(ctx, `SELECT summary FROM audit_log WHERE entity = 'costcentre_settings' AND project_id = ? ORDER BY id DESC LIMIT 1`, a).Scan(&summary); err != nil || summary != e.ProjectA.Name {
			t.Errorf("audit summary %q, want %q (%v)", summary, e.ProjectA.Name, err)
		}
	})
}

func TestPortfolioAndPlannedCosts(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		seed(t, e)
		svc := e.App.CostCentre
		rows, err := svc.Portfolio(ctx, e.Users[apptest.Finance].P, costcentre.PortfolioFilter{})
		if err != nil || len(rows) != 1 || rows[0].ProjectID != e.ProjectA.ID {
			t.Fatalf("finance sees %+v %v", rows, err)
		}
		r := rows[0]
		if r.ContractMinor != 1_500_000 || r.BudgetMinor != 1_000_000 || r.ActualMinor != 650_000 || r.MarginMinor != 850_000 || !r.CPI.OK || !r.SPI.OK || r.SPI.Value != 1 {
			t.Errorf("row %+v", r)
		}
		all, err := svc.Portfolio(ctx, e.Users[apptest.Admin].P, costcentre.PortfolioFilter{Sort: "-actual"})
		if err != nil || len(all) < 2 || all[0].ProjectID != e.ProjectA.ID {
			t.Fatalf("admin sorted by actual: %+v %v", all, err)
		}
		if rs, _ := svc.Portfolio(ctx, e.Users[apptest.Admin].P, costcentre.PortfolioFilter{Q: "pb"}); len(rs) != 1 || rs[0].ProjectID != e.ProjectB.ID {
			t.Errorf("filter pb: %+v", rs)
		}
		if _, err := svc.Portfolio(ctx, e.Users[apptest.Admin].P, costcentre.PortfolioFilter{Status: "closed"}); !apperr.As(err).HasField("status") {
			t.Errorf("bad status: %v", err)
		}
		for _, q := range []string{"a\x00b", "\xff\xfe"} {
			if _, err := svc.Portfolio(ctx, e.Users[apptest.Admin].P, costcentre.PortfolioFilter{Q: q}); !apperr.As(err).HasField("q") {
				t.Errorf("search %q: %v", q, err)
			}
		}
		if _, err := svc.Portfolio(ctx, e.Users[apptest.Developer].P, costcentre.PortfolioFilter{}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("developer: %v", err)
		}
		pc, err := svc.PlannedCosts(ctx, e.ProjectA.ID, "2026-02", "2026-04")
		if err != nil || pc["2026-02"] != 0 || pc["2026-03"] != 1_000_000 || pc["2026-04"] != 0 || len(pc) != 3 {
			t.Errorf("planned costs %+v %v", pc, err)
		}
		if _, err := svc.PlannedCosts(ctx, e.ProjectA.ID, "2026-13", "2026-04"); !apperr.As(err).HasField("from") {
			t.Errorf("bad month: %v", err)
		}
	})
}

// The portfolio prices groups of identical labor records in bulk; it must
// agree to the fen with the finance module's per-record pricing (odd
// rates that round on every record, a rate change mid-month, a role
// rate, a subcontractor's day worker on a trade rate).
func TestPortfolioAgreesWithDashboard(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d, a := e.App.DB, e.ProjectA.ID
		now := db.Now()
		dev, con := e.Users[apptest.Developer].ID, e.Users[apptest.Consultant].ID
		run(t, d, `INSERT INTO rate_cards (user_id, cost_hour_minor, valid_from_date, created_ms) VALUES (?, 12345, '2026-01-01', ?), (?, 13579, '2026-03-05', ?)`, dev, now, dev, now)
		run(t, d, `INSERT INTO rate_cards (role, cost_day_minor, valid_from_date, created_ms) VALUES ('consultant', 99999, '2026-02-01', ?)`, now)
		run(t, d, `INSERT INTO trade_rates (trade, unit, cost_minor, valid_from_date, created_ms) VALUES ('电工', 'day', 33333, '2026-01-15', ?)`, now)
		sub := exec(t, d, `INSERT INTO subcontractors (name, created_ms, updated_ms) VALUES ('华东安装', ?, ?)`, now, now)
		w := exec(t, d, `INSERT INTO workers (subcontractor_id, name, trade, created_ms, updated_ms) VALUES (?, '王师傅', '电工', ?, ?)`, sub, now, now)
		// January has a rate starting inside it (read record by record),
		// February is read from the monthly counts, March is the current month.
		for i, day := range []string{"2026-01-12", "2026-01-20", "2026-02-10", "2026-02-11", "2026-02-27", "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-09"} {
			for _, qty := range []int64{33, 33, 517} {
				run(t, d, `INSERT INTO labor_records (project_id, work_date, user_id, unit, qty_centi, hours_centi, status, created_ms, updated_ms) VALUES (?, ?, ?, 'hour', ?, ?, 'approved', ?, ?)`, a, day, dev, qty, qty, now, now)
			}
			run(t, d, `INSERT INTO labor_records (project_id, work_date, user_id, unit, qty_centi, hours_centi, status, created_ms, updated_ms) VALUES (?, ?, ?, 'hour', 333, 333, 'approved', ?, ?)`, a, day, con, now, now)
			run(t, d, `INSERT INTO labor_records (project_id, work_date, worker_id, subcontractor_id, trade, unit, qty_centi, hours_centi, status, created_ms, updated_ms) VALUES (?, ?, ?, ?, '电工', 'day', ?, ?, 'approved', ?, ?)`,
				a, day, w, sub, 50+int64(i%2)*25, 400, now, now)
		}
		// After the status date: neither path counts it.
		run(t, d, `INSERT INTO labor_records (project_id, work_date, user_id, unit, qty_centi, hours_centi, status, created_ms, updated_ms) VALUES (?, '2026-03-11', ?, 'hour', 800, 800, 'approved', ?, ?)`, a, dev, now, now)
		// Changes after approval keep the monthly counts exact: a record
		// rejected, one deleted, one corrected, one re-dated into March.
		var ids []int64
		lrows, err := d.Query(ctx, `SELECT id FROM labor_records WHERE project_id = ? AND work_date LIKE '2026-02-%' AND user_id = ? ORDER BY id`, a, dev)
		if err != nil {
			t.Fatal(err)
		}
		for lrows.Next() {
			var id int64
			if err := lrows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		lrows.Close()
		run(t, d, `UPDATE labor_records SET status = 'rejected' WHERE id = ?`, ids[0])
		run(t, d, `UPDATE labor_records SET deleted_ms = ? WHERE id = ?`, now, ids[1])
		run(t, d, `UPDATE labor_records SET qty_centi = 271, hours_centi = 271 WHERE id = ?`, ids[2])
		run(t, d, `UPDATE labor_records SET work_date = '2026-03-03' WHERE id = ?`, ids[3])
		run(t, d, `DELETE FROM labor_records WHERE id = ?`, ids[4])
		e.App.CostCentre.SetClock(func() time.Time { return time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC) })
		var want int64
		as, err := e.App.Finance.Actuals(ctx, a, "", "2026-03-10")
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range as {
			want += x.CostMinor
		}
		dash, err := e.App.CostCentre.Dashboard(ctx, e.Users[apptest.PM].P, a)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := e.App.CostCentre.Portfolio(ctx, e.Users[apptest.PM].P, costcentre.PortfolioFilter{Q: "PA"})
		if err != nil || len(rows) != 1 {
			t.Fatalf("%+v %v", rows, err)
		}
		if want == 0 || dash.ActualMinor != want || rows[0].ActualMinor != want {
			t.Errorf("finance %d, dashboard %d, portfolio %d", want, dash.ActualMinor, rows[0].ActualMinor)
		}
	})
}
