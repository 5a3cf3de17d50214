package demo_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"golive/internal/app/apptest"
	"golive/internal/db"
	"golive/internal/demo"
)

// chain writes n one-week tasks linked finish-to-start into a project,
// optionally inside one phase that ends with the last task (no room to
// push anything).
func chain(t *testing.T, e *apptest.Env, projectID int64, n int, tightPhase bool) {
	t.Helper()
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	err := e.App.DB.Tx(ctx, func(tx *db.Tx) error {
		var phase any
		if tightPhase {
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO phases (project_id, seq, name, start_date, end_date, created_ms, updated_ms) VALUES (?, 1, '系统配置', ?, ?, 0, 0) RETURNING id`,
				projectID, start.Format("2006-01-02"), start.AddDate(0, 0, 7*(n-1)+4).Format("2006-01-02")).Scan(&id); err != nil {
				return err
			}
			phase = id
		}
		var prev int64
		for i := 0; i < n; i++ {
			s := start.AddDate(0, 0, 7*i)
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO tasks (project_id, number, title, status, start_date, due_date, phase_id, created_ms, updated_ms)
				VALUES (?, ?, ?, 'todo', ?, ?, ?, 0, 0) RETURNING id`, projectID, i+1, fmt.Sprintf("任务%d", i+1),
				s.Format("2006-01-02"), s.AddDate(0, 0, 4).Format("2006-01-02"), phase).Scan(&id); err != nil {
				return err
			}
			if prev != 0 {
				if _, err := tx.Exec(ctx, `INSERT INTO task_deps (project_id, pred_id, succ_id, type, lag_days, created_ms) VALUES (?, ?, ?, 'FS', 0, 0)`, projectID, prev, id); err != nil {
					return err
				}
			}
			prev = id
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLoadBaselines(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		chain(t, e, e.ProjectA.ID, 9, false) // room to push: tasks move
		chain(t, e, e.ProjectB.ID, 9, true)  // none: the baseline remembers earlier dates
		if err := demo.LoadBaselines(ctx, e.App, []int64{e.ProjectA.ID, e.ProjectB.ID}); err != nil {
			t.Fatal(err)
		}
		for _, pid := range []int64{e.ProjectA.ID, e.ProjectB.ID} {
			var bid int64
			if err := e.App.DB.QueryRow(ctx, `SELECT id FROM baselines WHERE project_id = ? AND name = '计划基线 v1'`, pid).Scan(&bid); err != nil {
				t.Fatal(err)
			}
			s, err := e.App.Work.Schedule(ctx, e.Users[apptest.PM].P, pid, bid)
			if err != nil {
				t.Fatal(err)
			}
			late := 0
			for _, x := range s.Tasks {
				if x.SlipDays != nil && *x.SlipDays > 0 {
					late++
				}
			}
			if late < 3 {
				t.Errorf("project %d: only %d tasks slipped against the baseline", pid, late)
			}
		}
		var moved int
		if err := e.App.DB.QueryRow(ctx, `SELECT count(*) FROM tasks WHERE project_id = ? AND version > 1`, e.ProjectB.ID).Scan(&moved); err != nil || moved != 0 {
			t.Errorf("tasks of the tight phase were moved: %d %v", moved, err)
		}
	})
}
