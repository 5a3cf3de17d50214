package demo_test

import (
	"context"
	"testing"
	"time"

	"golive/internal/app/apptest"
	"golive/internal/db"
	"golive/internal/demo"
	"golive/internal/project"
	"golive/internal/work"
)

// The demo's plans look alive: hundreds of tasks in a WBS with
// dependencies, assignees, work done, in progress and overdue, some of it
// visible to the customer, and something in everyone's "my work".
func TestLoadWork(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		pm := e.Users[apptest.PM].P
		// Project A has phases (as the methodology's template makes them);
		// project B has none.
		now := db.Now()
		err := e.App.DB.Tx(ctx, func(tx *db.Tx) error {
			for i, ph := range [][3]string{{"requirements", "需求调研", "2026-09-01"}, {"design", "方案设计", "2026-10-01"}, {"configuration", "系统配置", "2026-11-01"}, {"testing", "测试验证", "2026-12-01"}} {
				start, _ := time.Parse("2006-01-02", ph[2])
				if _, err := tx.Exec(ctx, `INSERT INTO phases (project_id, seq, key, name, start_date, end_date, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
					e.ProjectA.ID, i+1, ph[0], ph[1], ph[2], start.AddDate(0, 1, -1).Format("2006-01-02"), now, now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		b := e.ProjectB
		in := project.Input{Code: b.Code, Name: b.Name, CustomerCompanyID: b.CustomerCompanyID, Product: b.Product, BudgetMinor: *b.BudgetMinor,
			StartDate: "2026-08-03", GoLiveDate: "2027-02-26", Version: b.Version}
		if _, err := e.App.Projects.Update(ctx, pm, e.ProjectB.ID, in); err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadWork(ctx, e.App, []int64{e.ProjectA.ID, e.ProjectB.ID}); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{e.ProjectA.ID, e.ProjectB.ID} {
			all, _, err := e.App.Work.All(ctx, pm, id, work.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			count := map[string]int{}
			today := time.Now().Format("2006-01-02")
			for _, tk := range all {
				count[tk.Status]++
				if tk.CustomerVisible {
					count["visible"]++
				}
				if len(tk.Assignees) > 0 {
					count["assigned"]++
				}
				if tk.ParentID != nil {
					count["sub"]++
				}
				if tk.PhaseID != nil {
					count["phased"]++
				}
				if tk.Status != "done" && tk.DueDate != "" && tk.DueDate < today {
					count["overdue"]++
				}
			}
			deps, _ := e.App.Work.Dependencies(ctx, pm, id, 0)
			t.Logf("project %d: %d tasks %v, %d dependencies", id, len(all), count, len(deps))
			if len(all) < 30 || count["done"] == 0 || count["doing"] == 0 || count["todo"] == 0 || count["overdue"] == 0 ||
				count["visible"] == 0 || count["visible"] == len(all) || count["assigned"] != len(all) || count["sub"] < len(all)/2 || len(deps) < len(all)/3 {
				t.Errorf("project %d does not look alive: %d tasks %v, %d dependencies", id, len(all), count, len(deps))
			}
			if id == e.ProjectA.ID && count["phased"] != len(all) {
				t.Errorf("tasks without their phase: %v", count)
			}
		}
		g, err := e.App.Work.MyWork(ctx, e.Users[apptest.Developer].P, time.Now(), func(s work.Status) string { return s.Key })
		if err != nil || g.Count() == 0 {
			t.Errorf("the developer has nothing to do: %v %+v", err, g)
		}
		g, _ = e.App.Work.MyWork(ctx, e.Users[apptest.KeyUser].P, time.Now(), func(s work.Status) string { return s.Key })
		if g.Count() == 0 {
			t.Errorf("the key user has nothing to do")
		}
	})
}
