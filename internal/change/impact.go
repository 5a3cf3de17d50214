package change

import (
	"context"
	"slices"

	"golive/internal/calendar"
	"golive/internal/db"
	"golive/internal/schedule"
)

// Impact is a change's effect on the project end, on the critical path of
// the work module's plan.
type Impact struct {
	EndBefore string `json:"end_before"` // the plan's finish today
	EndAfter  string `json:"end_after"`  // with the linked tasks delayed
	Days      int    `json:"days"`       // working days the finish moves
}

// ScheduleImpact delays each linked task by the change's effort (whole
// working days, rounded up: one person does the extra work inside the
// task) and measures how far the plan's finish moves on the project's
// working calendar. Tasks off the critical path absorb the delay in their
// float; unlinked changes move nothing. The plan is read as the Gantt
// reads it: live tasks and their dependencies, durations from the dates.
func ScheduleImpact(ctx context.Context, q db.Q, projectID int64, taskIDs []int64, effortTenths int64) (Impact, error) {
	var out Impact
	cal, err := calendar.Load(ctx, q, projectID)
	if err != nil {
		return out, err
	}
	var start *string
	if err := q.QueryRow(ctx, `SELECT start_date FROM projects WHERE id = ?`, projectID).Scan(&start); err != nil {
		return out, err
	}
	rows, err := q.Query(ctx, `SELECT t.id, COALESCE(t.start_date, ''), COALESCE(t.due_date, ''), t.duration_days, t.milestone
		FROM tasks t LEFT JOIN workflow_statuses ws ON ws.project_id = t.project_id AND ws.key = t.status AND ws.deleted_ms IS NULL
		WHERE t.project_id = ? AND t.deleted_ms IS NULL AND COALESCE(ws.category, t.status) <> 'cancelled' ORDER BY t.id`, projectID)
	if err != nil {
		return out, err
	}
	plan := schedule.Plan{Calendar: cal}
	if start != nil {
		if d, err := calendar.Parse(*start); err == nil {
			plan.Start = d
		}
	}
	in := map[int64]bool{}
	first := plan.Start == 0
	for rows.Next() {
		var id int64
		var s, d string
		var dur int
		var ms bool
		if err := rows.Scan(&id, &s, &d, &dur, &ms); err != nil {
			rows.Close()
			return out, err
		}
		t := schedule.Task{ID: id, Duration: max(dur, 1)}
		if ms {
			t.Duration = 0
		}
		sd, e1 := calendar.Parse(s)
		dd, e2 := calendar.Parse(d)
		if !ms && e1 == nil && e2 == nil && dd >= sd {
			t.Duration = max(cal.WorkdaysBetween(sd, dd+1), 1)
		}
		if e1 == nil {
			t.Fixed, t.Start = true, sd
		} else if e2 == nil && t.Duration <= 1 {
			t.Fixed, t.Start = true, dd
		}
		if t.Fixed && first && (plan.Start == 0 || t.Start < plan.Start) {
			plan.Start = t.Start
		}
		plan.Tasks = append(plan.Tasks, t)
		in[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	if len(plan.Tasks) == 0 {
		return out, nil
	}
	rows, err = q.Query(ctx, `SELECT pred_id, succ_id, type, lag_days FROM task_deps WHERE project_id = ? ORDER BY id`, projectID)
	if err != nil {
		return out, err
	}
	for rows.Next() {
		var d schedule.Dep
		var typ string
		if err := rows.Scan(&d.Pred, &d.Succ, &typ, &d.Lag); err != nil {
			rows.Close()
			return out, err
		}
		t, ok := schedule.ParseDepType(typ)
		if !ok || !in[d.Pred] || !in[d.Succ] {
			continue
		}
		d.Type = t
		plan.Deps = append(plan.Deps, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	before, err := schedule.Compute(plan)
	if err != nil {
		return out, nil // a cyclic plan has no finish to compare; the Gantt reports it
	}
	out.EndBefore, out.EndAfter = before.Finish.String(), before.Finish.String()
	delay := int((effortTenths + 9) / 10)
	if delay == 0 || len(taskIDs) == 0 {
		return out, nil
	}
	for i := range plan.Tasks {
		if slices.Contains(taskIDs, plan.Tasks[i].ID) {
			plan.Tasks[i].Duration += delay
		}
	}
	after, err := schedule.Compute(plan)
	if err != nil {
		return out, nil
	}
	out.EndAfter = after.Finish.String()
	out.Days = cal.Ordinal(after.Finish) - cal.Ordinal(before.Finish)
	return out, nil
}
