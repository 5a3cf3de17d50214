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

type (
	nullString = sql.NullString
	nullInt    = sql.NullInt64
)

// taskRow is a task as read for the plan.
type taskRow struct {
	project   int64
	t         evm.Task
	parent    int64
	milestone bool
	cat       string
	doneMS    int64
	dated     bool
}

func (r *taskRow) setDates(start, due nullString) {
	s, e1 := calendar.Parse(start.String)
	e, e2 := calendar.Parse(due.String)
	if start.Valid && due.Valid && e1 == nil && e2 == nil {
		if e < s {
			s, e = e, s
		}
		r.t.Start, r.t.End, r.dated = s, e, true
	}
}

// leaves keeps the tasks that carry value, per project: leaves of the
// set (a task that is some task's parent rolls its children up), not
// cancelled, not milestones, dated. Done tasks count 100 % from the day
// they were finished.
func leaves(rows []taskRow) map[int64][]evm.Task {
	parents := map[int64]bool{}
	for _, r := range rows {
		if r.parent != 0 {
			parents[r.parent] = true
		}
	}
	out := map[int64][]evm.Task{}
	for _, r := range rows {
		if parents[r.t.ID] || r.milestone || !r.dated || r.cat == "cancelled" {
			continue
		}
		if r.cat == "done" {
			r.t.Progress = 100
			if r.doneMS > 0 {
				r.t.DoneDay = calendar.Of(time.UnixMilli(r.doneMS).In(china))
			}
		}
		out[r.project] = append(out[r.project], r.t)
	}
	return out
}

// planTasks reads the leaf tasks of the project's latest baseline (their
// baseline dates, today's estimate and progress). Without a baseline the
// current plan's dates stand in, and the second result is false.
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
	var all []taskRow
	for rows.Next() {
		r := taskRow{project: projectID}
		var start, due nullString
		if err := rows.Scan(&r.t.ID, &r.parent, &start, &due, &r.milestone, &r.t.EstimateMin, &r.t.Progress, &r.cat, &r.doneMS); err != nil {
			return nil, false, err
		}
		r.setDates(start, due)
		all = append(all, r)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	return leaves(all)[projectID], baseline != 0, nil
}

// calendars returns each project's working calendar: the instance's for
// projects without rows of their own, loaded once.
func calendars(ctx context.Context, q db.Q, ids []int64) (map[int64]*calendar.Calendar, error) {
	in, args := db.In(ids)
	rows, err := q.Query(ctx, `SELECT DISTINCT project_id FROM calendar_days WHERE project_id IN (`+in+`) AND deleted_ms IS NULL`, args...)
	if err != nil {
		return nil, err
	}
	var own []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		own = append(own, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	inst, err := calendar.Load(ctx, q, 0)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*calendar.Calendar, len(ids))
	for _, id := range ids {
		out[id] = inst
	}
	for _, id := range own {
		if out[id], err = calendar.Load(ctx, q, id); err != nil {
			return nil, err
		}
	}
	return out, nil
}
