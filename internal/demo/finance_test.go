package demo_test

import (
	"context"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/demo"
	"golive/internal/finance"
)

func TestLoadFinance(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		if _, err := e.App.DB.Exec(ctx, `UPDATE users SET email = 'consultant@demo.golive' WHERE id = ?`, e.Users[apptest.Consultant].ID); err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadFinance(ctx, e.App, []int64{e.ProjectA.ID}); err != nil {
			t.Fatal(err)
		}
		pm := e.Users[apptest.PM].P
		acts, err := e.App.Finance.Actuals(ctx, e.ProjectA.ID, "", "")
		if err != nil || len(acts) == 0 {
			t.Fatalf("actuals: %v %v", acts, err)
		}
		cats := map[string]int64{}
		for _, a := range acts {
			cats[a.Category] += a.CostMinor
			if a.Unrated != 0 {
				t.Errorf("unrated labor on %s", a.Date)
			}
		}
		if cats["labor"] == 0 || cats["travel"] != 386000 || cats["software_hardware"] != 1280000 || cats["outsourcing"] != 0 {
			t.Errorf("actual cost by category: %v", cats)
		}
		b, ok, err := e.App.Finance.BudgetCurrent(ctx, e.ProjectA.ID)
		if !ok || err != nil || b.ContingencyPct != 12 || b.BaseMinor != 164000000 {
			t.Errorf("budget: %+v %v %v", b, ok, err)
		}
		vs, _ := e.App.Finance.Budgets(ctx, pm, e.ProjectA.ID)
		if len(vs) != 2 || vs[0].Status != finance.StatusProposed {
			t.Errorf("versions: %+v", vs)
		}
		subs, _ := e.App.Finance.Subcontractors(ctx, pm)
		if len(subs) != 1 || len(subs[0].Workers) != 4 {
			t.Errorf("subcontractors: %+v", subs)
		}
	})
}
