package change_test

import (
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/change"
	"golive/internal/work"
)

// The schedule impact is measured on the critical path: delaying a task
// on it moves the project finish by the effort in working days (over a
// weekend, counted in working days); a task with enough float moves
// nothing; no linked task, no impact.
func TestScheduleImpact(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Users[apptest.PM].P
		a := e.ProjectA.ID
		mk := func(title, start, due string) int64 {
			tk, err := e.App.Work.Create(ctx, pm, a, work.Input{Title: title, StartDate: start, DueDate: due})
			if err != nil {
				t.Fatal(err)
			}
			return tk.ID
		}
		// Mon 2026-03-02 … Fri 03-06, then Mon 03-09 … Fri 03-13 (critical);
		// a side task of two days in the first week (float).
		design := mk("方案设计", "2026-03-02", "2026-03-06")
		build := mk("开发", "2026-03-09", "2026-03-13")
		side := mk("培训准备", "2026-03-02", "2026-03-03")
		if _, err := e.App.Work.AddDependency(ctx, pm, a, work.DepInput{PredID: design, SuccID: build, Type: "FS"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name   string
			tasks  []int64
			effort int64
			days   int
			after  string
		}{
			{"critical task, 2.5 person-days → 3 working days", []int64{build}, 25, 3, "2026-03-18"},
			{"predecessor on the path pushes its successor", []int64{design}, 10, 1, "2026-03-16"},
			{"side task absorbs it in its float", []int64{side}, 20, 0, "2026-03-13"},
			{"nothing linked", nil, 50, 0, "2026-03-13"},
		} {
			imp, err := change.ScheduleImpact(ctx, e.App.DB, a, c.tasks, c.effort)
			if err != nil {
				t.Fatal(err)
			}
			if imp.Days != c.days || imp.EndBefore != "2026-03-13" || imp.EndAfter != c.after {
				t.Errorf("%s: %+v, want %d days to %s", c.name, imp, c.days, c.after)
			}
		}
	})
}
