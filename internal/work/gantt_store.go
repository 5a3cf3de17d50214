package work

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"golive/internal/apperr"
	"golive/internal/calendar"
	"golive/internal/db"
	"golive/internal/schedule"
)

// planTask is a task as the chart and the scheduler need it.
type planTask struct {
	ID              int64
	ParentID        *int64
	Number          int64
	Title           string
	Status          string
	Category        string // of the status: todo, doing, review, done, cancelled
	Start, Due      string // "" when not set
	DurationDays    int
	Milestone       bool
	EstimateMin     int64
	Progress        int
	PhaseID         *int64
	CustomerVisible bool
	Version         int64
}

// Ref is "#12 标题".
func (t planTask) Ref() string { return Task{Number: t.Number, Title: t.Title}.Ref() }

type planDep struct {
	Pred, Succ int64
	Type       string
	Lag        int
}

type planPhase struct {
	ID         int64
	Seq        int
	Name       string
	Start, End string
}

type planMilestone struct {
	ID              int64
	PhaseID         *int64
	Name            string
	Due             string
	Status          string
	CustomerVisible bool
}

// planData is everything a project's chart or schedule change reads.
type planData struct {
	ProjectStart string
	Cal          *calendar.Calendar
	Tasks        []planTask
	Deps         []planDep
	Phases       []planPhase
	Milestones   []planMilestone
}

// loadPlanCalendar is the project's working calendar, loaded where every
// module loads it (internal/calendar), so the Gantt and generated plans agree.
func loadPlanCalendar(ctx context.Context, q db.Q, projectID int64) (*calendar.Calendar, error) {
	return calendar.Load(ctx, q, projectID)
}

// loadPlan reads the whole plan of a project: every live task (customer
// filtering happens after scheduling, which needs the whole network), the
// dependencies between live tasks, phases and milestones.
func loadPlan(ctx context.Context, q db.Q, projectID int64) (planData, error) {
	var pd planData
	var start *string
	if err := q.QueryRow(ctx, `SELECT start_date FROM projects WHERE id = ?`, projectID).Scan(&start); err != nil {
		return pd, db.NotFound(err)
	}
	if start != nil {
		pd.ProjectStart = *start
	}
	var err error
	if pd.Cal, err = loadPlanCalendar(ctx, q, projectID); err != nil {
		return pd, err
	}
	rows, err := q.Query(ctx, `SELECT t.id, t.parent_id, t.number, t.title, t.status, COALESCE(ws.category, ''), COALESCE(t.start_date, ''), COALESCE(t.due_date, ''),
		t.duration_days, t.milestone, t.estimate_min, t.progress, t.phase_id, t.customer_visible, t.version
		FROM tasks t LEFT JOIN workflow_statuses ws ON ws.project_id = t.project_id AND ws.key = t.status
		WHERE t.project_id = ? AND t.deleted_ms IS NULL ORDER BY t.number`, projectID)
	if err != nil {
		return pd, err
	}
	defer rows.Close()
	for rows.Next() {
		var t planTask
		if err := rows.Scan(&t.ID, &t.ParentID, &t.Number, &t.Title, &t.Status, &t.Category, &t.Start, &t.Due,
			&t.DurationDays, &t.Milestone, &t.EstimateMin, &t.Progress, &t.PhaseID, &t.CustomerVisible, &t.Version); err != nil {
			return pd, err
		}
		if t.Category == "" && slices.Contains(Categories, t.Status) {
			t.Category = t.Status // the default workflow, before its rows exist
		}
		pd.Tasks = append(pd.Tasks, t)
	}
	if err := rows.Err(); err != nil {
		return pd, err
	}
	rows.Close()
	rows, err = q.Query(ctx, `SELECT d.pred_id, d.succ_id, d.type, d.lag_days FROM task_deps d
		JOIN tasks a ON a.id = d.pred_id JOIN tasks b ON b.id = d.succ_id
		WHERE d.project_id = ? AND a.deleted_ms IS NULL AND b.deleted_ms IS NULL ORDER BY d.id`, projectID)
	if err != nil {
		return pd, err
	}
	defer rows.Close()
	for rows.Next() {
		var d planDep
		if err := rows.Scan(&d.Pred, &d.Succ, &d.Type, &d.Lag); err != nil {
			return pd, err
		}
		pd.Deps = append(pd.Deps, d)
	}
	if err := rows.Err(); err != nil {
		return pd, err
	}
	rows.Close()
	rows, err = q.Query(ctx, `SELECT id, seq, name, COALESCE(start_date, ''), COALESCE(end_date, '') FROM phases
		WHERE project_id = ? AND deleted_ms IS NULL ORDER BY seq, id`, projectID)
	if err != nil {
		return pd, err
	}
	defer rows.Close()
	for rows.Next() {
		var ph planPhase
		if err := rows.Scan(&ph.ID, &ph.Seq, &ph.Name, &ph.Start, &ph.End); err != nil {
			return pd, err
		}
		pd.Phases = append(pd.Phases, ph)
	}
	if err := rows.Err(); err != nil {
		return pd, err
	}
	rows.Close()
	rows, err = q.Query(ctx, `SELECT id, phase_id, name, COALESCE(due_date, ''), status, customer_visible FROM milestones
		WHERE project_id = ? AND deleted_ms IS NULL AND due_date IS NOT NULL ORDER BY due_date, id`, projectID)
	if err != nil {
		return pd, err
	}
	defer rows.Close()
	for rows.Next() {
		var m planMilestone
		if err := rows.Scan(&m.ID, &m.PhaseID, &m.Name, &m.Due, &m.Status, &m.CustomerVisible); err != nil {
			return pd, err
		}
		pd.Milestones = append(pd.Milestones, m)
	}
	return pd, rows.Err()
}

// duration is a task's length in working days: start to due inclusive
// when both are set, else duration_days; 0 for a milestone.
func (t planTask) duration(cal *calendar.Calendar) int {
	if t.Milestone {
		return 0
	}
	if t.Start != "" && t.Due != "" {
		s, err1 := calendar.Parse(t.Start)
		d, err2 := calendar.Parse(t.Due)
		if err1 == nil && err2 == nil && d >= s {
			return max(cal.WorkdaysBetween(s, d+1), 1)
		}
	}
	return max(t.DurationDays, 1)
}

// schedulePlan turns plan data into the scheduler's input. Cancelled tasks
// and their dependencies stay out.
func (pd planData) schedulePlan() schedule.Plan {
	sp := schedule.Plan{Calendar: pd.Cal}
	if d, err := calendar.Parse(pd.ProjectStart); err == nil {
		sp.Start = d
	}
	first := true
	in := make(map[int64]bool, len(pd.Tasks))
	for _, t := range pd.Tasks {
		if t.Category == CatCancelled {
			continue
		}
		st := schedule.Task{ID: t.ID, Duration: t.duration(pd.Cal)}
		if d, err := calendar.Parse(t.Start); err == nil {
			st.Fixed, st.Start = true, d
		} else if d, err := calendar.Parse(t.Due); err == nil && st.Duration <= 1 {
			st.Fixed, st.Start = true, d // a milestone or one-day task known only by its due date
		}
		if st.Fixed && pd.ProjectStart == "" && (first || st.Start < sp.Start) {
			sp.Start, first = st.Start, false
		}
		sp.Tasks = append(sp.Tasks, st)
		in[t.ID] = true
	}
	for _, d := range pd.Deps {
		typ, ok := schedule.ParseDepType(d.Type)
		if !ok || !in[d.Pred] || !in[d.Succ] {
			continue
		}
		sp.Deps = append(sp.Deps, schedule.Dep{Pred: d.Pred, Succ: d.Succ, Type: typ, Lag: d.Lag})
	}
	if first && pd.ProjectStart == "" {
		sp.Start = ganttToday()
	}
	return sp
}

// baselineDates reads a baseline's frozen dates by task, checking it
// belongs to the project (not found otherwise).
func baselineDates(ctx context.Context, q db.Q, projectID, baselineID int64) (map[int64][2]string, error) {
	var one int
	err := q.QueryRow(ctx, `SELECT 1 FROM baselines WHERE id = ? AND project_id = ? AND deleted_ms IS NULL`, baselineID, projectID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFoundErr()
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT task_id, COALESCE(start_date, ''), COALESCE(due_date, '') FROM baseline_tasks WHERE baseline_id = ?`, baselineID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][2]string{}
	for rows.Next() {
		var id int64
		var s, d string
		if err := rows.Scan(&id, &s, &d); err != nil {
			return nil, err
		}
		out[id] = [2]string{s, d}
	}
	return out, rows.Err()
}

const baselineCols = `b.id, b.project_id, b.name, b.created_by, COALESCE(u.name, ''), b.created_ms`

func scanBaseline(r interface{ Scan(...any) error }) (Baseline, error) {
	var b Baseline
	err := r.Scan(&b.ID, &b.ProjectID, &b.Name, &b.CreatedBy, &b.CreatedByName, &b.CreatedMS)
	return b, err
}

// listBaselines returns a project's baselines, newest first, with the
// number of tasks each holds that the caller may see.
func listBaselines(ctx context.Context, q db.Q, projectID int64, seesInternal bool) ([]Baseline, error) {
	vis := ""
	args := []any{}
	if !seesInternal {
		vis = " AND t.customer_visible = ?"
		args = append(args, true)
	}
	args = append(args, projectID)
	rows, err := q.Query(ctx, `SELECT `+baselineCols+`, (SELECT count(*) FROM baseline_tasks bt JOIN tasks t ON t.id = bt.task_id
			WHERE bt.baseline_id = b.id AND t.deleted_ms IS NULL`+vis+`)
		FROM baselines b LEFT JOIN users u ON u.id = b.created_by
		WHERE b.project_id = ? AND b.deleted_ms IS NULL ORDER BY b.created_ms DESC, b.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Baseline{}
	for rows.Next() {
		var b Baseline
		if err := rows.Scan(&b.ID, &b.ProjectID, &b.Name, &b.CreatedBy, &b.CreatedByName, &b.CreatedMS, &b.TaskCount); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}
