package work

import (
	"context"
	"errors"
	"strings"
	"time"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/calendar"
	"golive/internal/db"
	"golive/internal/schedule"
	"golive/internal/web"
)

// ganttToday is the calendar date in China, where plans are made.
func ganttToday() calendar.Date { return calendar.Of(time.Now().In(web.China)) }

// analysis is the plan with its critical-path figures.
type analysis struct {
	pd       planData
	sp       schedule.Plan
	res      schedule.Result
	pos      map[int64]int // task id → index in sp.Tasks (scheduled tasks only)
	cycle    []int64       // when the stored graph has a cycle
	progress map[int64]float64
}

func analyse(pd planData) analysis {
	a := analysis{pd: pd, sp: pd.schedulePlan()}
	res, err := schedule.Compute(a.sp)
	var ce *schedule.CycleError
	if errors.As(err, &ce) {
		a.cycle = ce.IDs
	} else if err == nil {
		a.res = res
		a.pos = make(map[int64]int, len(a.sp.Tasks))
		for i, t := range a.sp.Tasks {
			a.pos[t.ID] = i
		}
	}
	nodes := make([]schedule.Node, 0, len(pd.Tasks))
	for _, t := range pd.Tasks {
		if t.Category == CatCancelled {
			continue
		}
		n := schedule.Node{ID: t.ID, Progress: float64(t.Progress), Effort: t.EstimateMin}
		if t.ParentID != nil {
			n.Parent = *t.ParentID
		}
		if t.Category == CatDone {
			n.Progress = 100
		}
		nodes = append(nodes, n)
	}
	a.progress = schedule.Rollup(nodes)
	return a
}

// cycleText names the tasks of a cycle: "#3 A → #5 B → #3 A".
func (a analysis) cycleText() string {
	if len(a.cycle) == 0 {
		return ""
	}
	byID := make(map[int64]planTask, len(a.pd.Tasks))
	for _, t := range a.pd.Tasks {
		byID[t.ID] = t
	}
	parts := make([]string, 0, len(a.cycle)+1)
	for _, id := range append(append([]int64{}, a.cycle...), a.cycle[0]) {
		parts = append(parts, byID[id].Ref())
	}
	return strings.Join(parts, " → ")
}

// times returns a task's figures, false when it was not scheduled
// (cancelled, or no analysis because of a cycle).
func (a analysis) times(id int64) (schedule.Times, bool) {
	i, ok := a.pos[id]
	if !ok {
		return schedule.Times{}, false
	}
	return a.res.Tasks[i], true
}

// slip is how many working days later than the baseline a task finishes
// (negative: earlier); false without both dates.
func slip(cal *calendar.Calendar, baseDue, due string) (int, bool) {
	b, err1 := calendar.Parse(baseDue)
	d, err2 := calendar.Parse(due)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return cal.WorkdaysBetween(b, d), true
}

// Schedule is the critical-path analysis of the project's plan for the
// caller (customers: customer-visible tasks only). With baselineID, each
// task carries its baseline dates and slippage.
func (s *Service) Schedule(ctx context.Context, p *access.Principal, projectID, baselineID int64) (Schedule, error) {
	_, internal, err := s.access(ctx, p, projectID)
	if err != nil {
		return Schedule{}, err
	}
	pd, err := loadPlan(ctx, s.db, projectID)
	if err != nil {
		return Schedule{}, apperr.Wrap(err)
	}
	var base map[int64][2]string
	if baselineID > 0 {
		if base, err = baselineDates(ctx, s.db, projectID, baselineID); err != nil {
			return Schedule{}, apperr.Wrap(err)
		}
	}
	a := analyse(pd)
	out := Schedule{ProjectID: projectID, Start: a.sp.Start.String(), Finish: a.res.Finish.String(), BaselineID: baselineID,
		Critical: []int64{}, Tasks: []ScheduledTask{}, Deps: []ScheduledDep{}, Cycle: a.cycleText()}
	if a.cycle != nil {
		out.Finish = ""
	}
	seen := make(map[int64]bool, len(pd.Tasks))
	for _, t := range pd.Tasks {
		if !internal && !t.CustomerVisible {
			continue
		}
		seen[t.ID] = true
		st := ScheduledTask{ID: t.ID, Number: t.Number, Title: t.Title, ParentID: t.ParentID, PhaseID: t.PhaseID, Status: t.Status,
			Milestone: t.Milestone, CustomerVisible: t.CustomerVisible, StartDate: t.Start, DueDate: t.Due,
			DurationDays: t.duration(pd.Cal), Progress: a.progress[t.ID], Version: t.Version}
		if x, ok := a.times(t.ID); ok {
			st.Scheduled = true
			st.ES, st.EF, st.LS, st.LF = x.ES.String(), x.EF.String(), x.LS.String(), x.LF.String()
			st.TotalFloat, st.Critical = x.Float, x.Critical
		}
		if b, ok := base[t.ID]; ok {
			st.BaselineStart, st.BaselineDue = b[0], b[1]
			if n, ok := slip(pd.Cal, b[1], t.Due); ok {
				st.SlipDays = &n
			}
		}
		out.Tasks = append(out.Tasks, st)
	}
	for _, id := range a.res.Critical {
		if seen[id] {
			out.Critical = append(out.Critical, id)
		}
	}
	for i, d := range a.sp.Deps {
		if seen[d.Pred] && seen[d.Succ] {
			out.Deps = append(out.Deps, ScheduledDep{PredID: d.Pred, SuccID: d.Succ, Type: d.Type.String(), LagDays: d.Lag,
				Critical: a.cycle == nil && a.res.DepCritical[i]})
		}
	}
	return out, nil
}

// Reschedule moves a task to a new start and pushes its successors on the
// project's working calendar (see gantt.go). in.Version is the version of
// the moved task the caller saw.
func (s *Service) Reschedule(ctx context.Context, p *access.Principal, projectID, taskID int64, in RescheduleInput) (Rescheduled, error) {
	_, internal, err := s.can(ctx, p, projectID, access.TaskEdit)
	if err != nil {
		return Rescheduled{}, err
	}
	if err := in.Validate(); err != nil {
		return Rescheduled{}, err
	}
	target := calendar.MustParse(in.StartDate)
	out := Rescheduled{Moved: []MovedTask{}}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		// The project row lock serialises schedule changes of one project
		// on PostgreSQL, so two pushes never interleave their reads.
		if err := writable(ctx, tx, projectID, true); err != nil {
			return err
		}
		pd, err := loadPlan(ctx, tx, projectID)
		if err != nil {
			return err
		}
		byID := make(map[int64]planTask, len(pd.Tasks))
		for _, t := range pd.Tasks {
			byID[t.ID] = t
		}
		task, ok := byID[taskID]
		if !ok || (!internal && !task.CustomerVisible) {
			return apperr.NotFoundErr()
		}
		if task.Version != in.Version {
			return apperr.New(apperr.Conflict, "error.conflict")
		}
		if task.Category == CatCancelled {
			return apperr.InvalidField("start_date", "gantt.cancelled", task.Ref())
		}
		moves, err := schedule.Push(pd.schedulePlan(), taskID, target)
		var early *schedule.TooEarlyError
		var cyc *schedule.CycleError
		switch {
		case errors.As(err, &early):
			return apperr.InvalidField("start_date", "gantt.too_early", byID[early.Pred].Ref(), early.Type.String(), early.Lag, early.Earliest.String())
		case errors.As(err, &cyc):
			return apperr.New(apperr.Conflict, "gantt.cycle", analysis{pd: pd, cycle: cyc.IDs}.cycleText())
		case err != nil:
			return err
		}
		phases := make(map[int64]planPhase, len(pd.Phases))
		for _, ph := range pd.Phases {
			phases[ph.ID] = ph
		}
		now := db.Now()
		for _, mv := range moves {
			t := byID[mv.ID]
			start, due := mv.Start.String(), mv.Finish.String()
			if t.PhaseID != nil {
				if ph, ok := phases[*t.PhaseID]; ok && (ph.Start != "" && start < ph.Start || ph.End != "" && due > ph.End) {
					return apperr.InvalidField("start_date", "gantt.outside_phase", t.Ref(), ph.Name, ph.Start, ph.End)
				}
			}
			res, err := tx.Exec(ctx, `UPDATE tasks SET start_date = ?, due_date = ?, updated_ms = ?, version = version + 1
				WHERE id = ? AND project_id = ? AND version = ? AND deleted_ms IS NULL`, start, due, now, t.ID, projectID, t.Version)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return apperr.New(apperr.Conflict, "error.conflict")
			}
			out.Moved = append(out.Moved, MovedTask{ID: t.ID, Number: t.Number, Title: t.Title, StartDate: start, DueDate: due, Version: t.Version + 1})
			summary := t.Ref()
			if t.ID != taskID {
				summary += " ← " + task.Ref()
			}
			if err := audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "task", EntityID: t.ID, Action: "reschedule", Summary: summary,
				Before:   map[string]any{"start_date": t.Start, "due_date": t.Due, "version": t.Version},
				After:    map[string]any{"start_date": start, "due_date": due, "version": t.Version + 1},
				Internal: !t.CustomerVisible}); err != nil {
				return err
			}
			s.notify(tx, projectID, Notice{Kind: NoticeTask, TaskID: t.ID, Version: t.Version + 1, Visible: t.CustomerVisible, WasVisible: t.CustomerVisible})
		}
		return nil
	})
	if err != nil {
		return Rescheduled{}, apperr.Wrap(err)
	}
	return out, nil
}

// Baselines lists the project's baselines.
func (s *Service) Baselines(ctx context.Context, p *access.Principal, projectID int64) ([]Baseline, error) {
	_, internal, err := s.access(ctx, p, projectID)
	if err != nil {
		return nil, err
	}
	out, err := listBaselines(ctx, s.db, projectID, internal)
	return out, apperr.Wrap(err)
}

// CreateBaseline freezes every live task's start and due date under a
// name unique in the project.
func (s *Service) CreateBaseline(ctx context.Context, p *access.Principal, projectID int64, in BaselineInput) (Baseline, error) {
	m, internal, err := s.access(ctx, p, projectID)
	if err != nil {
		return Baseline{}, err
	}
	if !p.Can(m, access.BaselineManage) {
		return Baseline{}, apperr.ForbiddenErr()
	}
	if err := in.Validate(); err != nil {
		return Baseline{}, err
	}
	var out Baseline
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID, true); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM baselines WHERE project_id = ? AND name = ? AND deleted_ms IS NULL`, projectID, in.Name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return apperr.InvalidField("name", "gantt.baseline_taken")
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO baselines (project_id, name, created_by, created_ms) VALUES (?, ?, ?, ?) RETURNING id`,
			projectID, in.Name, creator(p), db.Now()).Scan(&id); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `INSERT INTO baseline_tasks (baseline_id, task_id, start_date, due_date)
			SELECT ?, id, start_date, due_date FROM tasks WHERE project_id = ? AND deleted_ms IS NULL`, id, projectID)
		if err != nil {
			return err
		}
		frozen, _ := res.RowsAffected()
		if out, err = scanBaseline(tx.QueryRow(ctx, `SELECT `+baselineCols+` FROM baselines b LEFT JOIN users u ON u.id = b.created_by WHERE b.id = ?`, id)); err != nil {
			return err
		}
		out.TaskCount = int(frozen)
		if !internal {
			bs, err := listBaselines(ctx, tx, projectID, false)
			if err != nil {
				return err
			}
			for _, b := range bs {
				if b.ID == id {
					out.TaskCount = b.TaskCount
				}
			}
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "baseline", EntityID: id, Action: "create", Summary: out.Name,
			After: map[string]any{"name": out.Name, "tasks": frozen}})
	})
	if err != nil {
		return Baseline{}, apperr.Wrap(err)
	}
	return out, nil
}
