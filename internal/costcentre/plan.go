package costcentre

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"golive/internal/calendar"
	"golive/internal/costcentre/evm"
	"golive/internal/db"
)

// china is the fixed +08:00 zone every date here is read in.
var china = time.FixedZone("CST", 8*3600)

// planTasks reads the leaf tasks of the project's latest baseline (their
// baseline dates, today's estimate and progress). Without a baseline the
// current plan's dates stand in, and the second result is false.
// Cancelled tasks, milestones and undated tasks carry no value.
func planTasks(ctx context.Context, q db.Q, projectID int64) ([]evm.Task, bool, error) {
	var baseline int64
	err := q.QueryRow(ctx, `SELECT id FROM baselines WHERE project_id = ? AND deleted_ms IS NULL ORDER BY created_ms DESC, id DESC LIMIT 1`, projectID).Scan(&baseline)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, false, err
	}
	dates := `t.start_date, t.due_date`
	join := ``
	args := []any{projectID}
	if baseline != 0 {
		dates = `bt.start_date, bt.due_date`
		join = `JOIN baseline_tasks bt ON bt.task_id = t.id AND bt.baseline_id = ?`
		args = []any{baseline, projectID}
	}
	rows, err := q.Query(ctx, `SELECT t.id, COALESCE(t.parent_id, 0), `+dates+`, t.milestone, t.estimate_min, t.progress,
		COALESCE(ws.category, t.status), COALESCE(t.done_ms, 0)
		FROM tasks t `+join+`
		LEFT JOIN workflow_statuses ws ON ws.project_id = t.project_id AND ws.key = t.status
		WHERE t.project_id = ? AND t.deleted_ms IS NULL`, args...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	type row struct {
		t         evm.Task
		parent    int64
		milestone bool
		cat       string
		dated     bool
	}
	var all []row
	parents := map[int64]bool{}
	for rows.Next() {
		var r row
		var start, due sql.NullString
		var doneMS int64
		if err := rows.Scan(&r.t.ID, &r.parent, &start, &due, &r.milestone, &r.t.EstimateMin, &r.t.Progress, &r.cat, &doneMS); err != nil {
			return nil, false, err
		}
		s, e1 := calendar.Parse(start.String)
		e, e2 := calendar.Parse(due.String)
		if start.Valid && due.Valid && e1 == nil && e2 == nil {
			if e < s {
				s, e = e, s
			}
			r.t.Start, r.t.End, r.dated = s, e, true
		}
		if r.cat == "done" {
			r.t.Progress = 100
			if doneMS > 0 {
				r.t.DoneDay = calendar.Of(time.UnixMilli(doneMS).In(china))
			}
		}
		if r.parent != 0 {
			parents[r.parent] = true
		}
		all = append(all, r)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	out := make([]evm.Task, 0, len(all))
	for _, r := range all {
		if parents[r.t.ID] || r.milestone || !r.dated || r.cat == "cancelled" {
			continue
		}
		out = append(out, r.t)
	}
	return out, baseline != 0, nil
}
