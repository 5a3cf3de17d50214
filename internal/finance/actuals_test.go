package finance_test

import (
	"context"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/apperr"
	"golive/internal/db"
	"golive/internal/finance"
)

var ctx = context.Background()

func exec(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.Exec(ctx, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func TestActualsAndBudgetHook(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		d, svc := e.App.DB, e.App.Finance
		a := e.ProjectA.ID
		dev := e.Users[apptest.Developer].ID
		now := db.Now()
		exec(t, d, `INSERT INTO rate_cards (user_id, cost_hour_minor, valid_from_date, created_ms) VALUES (?, 10000, '2026-01-01', ?)`, dev, now)
		exec(t, d, `INSERT INTO rate_cards (user_id, cost_hour_minor, valid_from_date, created_ms) VALUES (?, 12000, '2026-03-02', ?)`, dev, now)
		ins := func(date string, qty int64, status string) {
			exec(t, d, `INSERT INTO labor_records (project_id, work_date, user_id, unit, qty_centi, hours_centi, status, created_ms, updated_ms) VALUES (?, ?, ?, 'hour', ?, ?, ?, ?, ?)`,
				a, date, dev, qty, qty, status, now, now)
		}
		ins("2026-03-01", 800, "approved")  // 8 h × ¥100
		ins("2026-03-02", 750, "approved")  // 7.5 h × ¥120
		ins("2026-03-02", 800, "submitted") // not approved: not a cost
		exec(t, d, `INSERT INTO expenses (project_id, expense_date, category, amount_minor, tax_minor, status, created_ms, updated_ms) VALUES (?, '2026-03-02', 'travel', 45678, 2740, 'approved', ?, ?)`, a, now, now)
		exec(t, d, `INSERT INTO expenses (project_id, expense_date, category, amount_minor, status, created_ms, updated_ms) VALUES (?, '2026-03-02', 'travel', 99999, 'draft', ?, ?)`, a, now, now)
		got, err := svc.Actuals(ctx, a, "2026-03-01", "2026-03-31")
		if err != nil {
			t.Fatal(err)
		}
		want := []finance.ActualDay{
			{Date: "2026-03-01", Category: "labor", CostMinor: 80000, HoursCenti: 800},
			{Date: "2026-03-02", Category: "labor", CostMinor: 90000, HoursCenti: 750},
			{Date: "2026-03-02", Category: "travel", CostMinor: 45678},
		}
		if len(got) != len(want) {
			t.Fatalf("actuals: %+v", got)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("actual %d: %+v, want %+v", i, got[i], want[i])
			}
		}
		if got, _ := svc.Actuals(ctx, a, "2026-03-02", "2026-03-02"); len(got) != 2 {
			t.Errorf("one day: %+v", got)
		}
		if _, err := svc.Actuals(ctx, a, "2026-03-31", "2026-03-01"); !apperr.As(err).HasField("to") {
			t.Errorf("reversed range: %v", err)
		}
		if _, err := svc.ActualsFor(ctx, e.Users[apptest.CustomerPM].P, a, "", ""); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("customer reads actuals: %v", err)
		}
		if _, err := svc.ActualsFor(ctx, e.Users[apptest.Finance].P, a, "", ""); err != nil {
			t.Errorf("finance reads actuals: %v", err)
		}

		// The change-control hook proposes a revision; it does not count
		// until approved, and a second call for the same change is a no-op.
		if err := svc.ProposeRevisionFromChange(ctx, a, 77, "CR-007", 500000); err != nil {
			t.Fatal(err)
		}
		if err := svc.ProposeRevisionFromChange(ctx, a, 77, "CR-007", 500000); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := svc.BudgetCurrent(ctx, a); ok || err != nil {
			t.Fatalf("a proposed revision is not the current budget: %v %v", ok, err)
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM budget_versions WHERE project_id = ? AND status = 'proposed' AND change_number = 'CR-007'`, a).Scan(&n); err != nil || n != 1 {
			t.Fatalf("proposed revisions: %d %v", n, err)
		}
	})
}
