package demo_test

import (
	"context"
	"fmt"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/demo"
	"golive/internal/work"
)

func TestLoadIterations(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		pm := e.Users[apptest.PM].P
		for i := 0; i < 8; i++ {
			tk, err := e.App.Work.Create(ctx, pm, e.ProjectA.ID, work.Input{Title: fmt.Sprintf("演示任务%d", i), EstimateMin: 240, RemainingMin: 240})
			if err != nil {
				t.Fatal(err)
			}
			if i < 3 {
				if _, err := e.App.DB.Exec(ctx, `UPDATE tasks SET done_ms = ? WHERE id = ?`, tk.CreatedMS, tk.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := demo.LoadIterations(ctx, e.App, []int64{e.ProjectA.ID}); err != nil {
			t.Fatal(err)
		}
		its, err := e.App.Work.ListIterations(ctx, pm, e.ProjectA.ID)
		if err != nil || len(its) != 2 {
			t.Fatal(its, err)
		}
		if its[0].Status != work.IterClosed || its[0].DoneMin != 720 || its[0].TaskCount != 3 {
			t.Errorf("closed sprint %+v", its[0])
		}
		if its[1].Status != work.IterActive || its[1].TaskCount != 5 {
			t.Errorf("active sprint %+v", its[1])
		}
	})
}
