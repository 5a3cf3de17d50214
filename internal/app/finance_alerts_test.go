package app_test

import (
	"context"
	"testing"
	"time"

	"golive/internal/app/apptest"
	"golive/internal/finance"
)

// Approving an expense that takes a category past 80 % of its budget
// raises the cost centre's alert at once (finance's OnCostChange, wired in
// app.go), not at the next periodic pass.
func TestApprovedExpenseRaisesCostAlertAtOnce(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		a := e.ProjectA.ID
		pm, con := e.Users[apptest.PM].P, e.Users[apptest.Consultant].P
		if _, err := e.App.DB.Exec(ctx, `INSERT INTO budget_versions (project_id, seq, kind, status, contingency_pct, created_ms, updated_ms) VALUES (?, 1, 'original', 'approved', 10, ?, ?)`,
			a, time.Now().UnixMilli(), time.Now().UnixMilli()); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.DB.Exec(ctx, `INSERT INTO budget_lines (budget_version_id, category, amount_minor)
			SELECT id, 'travel', 200000 FROM budget_versions WHERE project_id = ?`, a); err != nil {
			t.Fatal(err)
		}
		day := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
		x, err := e.App.Finance.CreateExpense(ctx, con, a, finance.ExpenseInput{Date: day, Category: "travel", Amount: "1,700.00", Description: "上线支持差旅"})
		if err != nil {
			t.Fatal(err)
		}
		if x, err = e.App.Finance.ActOnExpense(ctx, con, a, x.ID, finance.ExpenseAction{Action: "submit", Version: x.Version}); err != nil {
			t.Fatal(err)
		}
		if as, _ := e.App.CostCentre.OpenAlerts(ctx, pm, a); len(as) != 0 {
			t.Fatalf("alerts before approval: %+v", as)
		}
		if _, err := e.App.Finance.ActOnExpense(ctx, pm, a, x.ID, finance.ExpenseAction{Action: "approve", Version: x.Version}); err != nil {
			t.Fatal(err)
		}
		as, err := e.App.CostCentre.OpenAlerts(ctx, pm, a)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, al := range as {
			found = found || al.Key == "cat:travel:80"
		}
		if !found {
			t.Fatalf("no travel alert after the approval: %+v", as)
		}
	})
}
