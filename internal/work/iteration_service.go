package work

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/web"
)

// Customers never see iterations: an iteration's totals and burndown sum
// internal tasks too, and filtering them would show customers a different
// plan from the team's. Iterations therefore need InternalView.
func (s *Service) iterAccess(ctx context.Context, p *access.Principal, projectID int64, a access.Action) error {
	m, internal, err := s.access(ctx, p, projectID)
	if err != nil {
		return err
	}
	if !internal {
		return apperr.NotFoundErr()
	}
	if a != "" && !p.Can(m, a) {
		return apperr.ForbiddenErr()
	}
	return nil
}

const iterSelect = `SELECT i.id, i.project_id, i.name, i.start_date, i.end_date, i.goal, i.status, i.focus_pct, i.version,
	COUNT(t.id), COALESCE(SUM(t.estimate_min), 0),
	COALESCE(SUM(CASE WHEN t.done_ms IS NULL THEN t.remaining_min ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN t.done_ms IS NOT NULL THEN t.estimate_min ELSE 0 END), 0)
	FROM iterations i LEFT JOIN tasks t ON t.iteration_id = i.id AND t.deleted_ms IS NULL
	WHERE i.project_id = ? AND i.deleted_ms IS NULL`

const iterGroup = ` GROUP BY i.id, i.project_id, i.name, i.start_date, i.end_date, i.goal, i.status, i.focus_pct, i.version`

func scanIters(rows *sql.Rows) ([]Iteration, error) {
	defer rows.Close()
	out := []Iteration{}
	for rows.Next() {
		var it Iteration
		if err := rows.Scan(&it.ID, &it.ProjectID, &it.Name, &it.StartDate, &it.EndDate, &it.Goal, &it.Status, &it.FocusPct, &it.Version,
			&it.TaskCount, &it.CommittedMin, &it.RemainingMin, &it.DoneMin); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

type querier interface {
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func loadIteration(ctx context.Context, q querier, projectID, id int64) (Iteration, error) {
	rows, err := q.Query(ctx, iterSelect+` AND i.id = ?`+iterGroup, projectID, id)
	if err != nil {
		return Iteration{}, err
	}
	its, err := scanIters(rows)
	if err != nil {
		return Iteration{}, err
	}
	if len(its) == 0 {
		return Iteration{}, apperr.NotFoundErr()
	}
	return its[0], nil
}

func initialIterStatus(in IterationInput) string {
	if d := todayStr(); in.StartDate <= d && d <= in.EndDate {
		return IterActive
	}
	return IterPlanned
}

// ListIterations lists a project's iterations with totals, by start date.
func (s *Service) ListIterations(ctx context.Context, p *access.Principal, projectID int64) ([]Iteration, error) {
	if err := s.iterAccess(ctx, p, projectID, ""); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, iterSelect+iterGroup+` ORDER BY i.start_date, i.id`, projectID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	its, err := scanIters(rows)
	return its, apperr.Wrap(err)
}

// Iteration returns one iteration with its totals.
func (s *Service) Iteration(ctx context.Context, p *access.Principal, projectID, id int64) (Iteration, error) {
	if err := s.iterAccess(ctx, p, projectID, ""); err != nil {
		return Iteration{}, err
	}
	it, err := loadIteration(ctx, s.db, projectID, id)
	return it, apperr.Wrap(err)
}

// CreateIteration adds an iteration (PM).
func (s *Service) CreateIteration(ctx context.Context, p *access.Principal, projectID int64, in IterationInput) (Iteration, error) {
	if err := s.iterAccess(ctx, p, projectID, access.WorkflowManage); err != nil {
		return Iteration{}, err
	}
	if err := in.Validate(false); err != nil {
		return Iteration{}, err
	}
	var out Iteration
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID, true); err != nil {
			return err
		}
		now := db.Now()
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO iterations (project_id, name, start_date, end_date, goal, status, focus_pct, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			projectID, in.Name, in.StartDate, in.EndDate, in.Goal, initialIterStatus(in), in.FocusPct, now, now).Scan(&id); err != nil {
			return err
		}
		var err error
		if out, err = loadIteration(ctx, tx, projectID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "iteration", EntityID: id, Action: "create", Summary: in.Name,
			After: map[string]any{"name": in.Name, "start_date": in.StartDate, "end_date": in.EndDate, "goal": in.Goal}})
	})
	if err != nil {
		return Iteration{}, apperr.Wrap(err)
	}
	return out, nil
}

// UpdateIteration changes an iteration's name, dates and goal (PM); a
// closed iteration stays as it was.
func (s *Service) UpdateIteration(ctx context.Context, p *access.Principal, projectID, id int64, in IterationInput) (Iteration, error) {
	if err := s.iterAccess(ctx, p, projectID, access.WorkflowManage); err != nil {
		return Iteration{}, err
	}
	if err := in.Validate(true); err != nil {
		return Iteration{}, err
	}
	var out Iteration
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := changeableIteration(ctx, tx, projectID, id, in.Version)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE iterations SET name = ?, start_date = ?, end_date = ?, goal = ?, focus_pct = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND version = ?`,
			in.Name, in.StartDate, in.EndDate, in.Goal, in.FocusPct, db.Now(), id, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		if out, err = loadIteration(ctx, tx, projectID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "iteration", EntityID: id, Action: "update", Summary: in.Name,
			Before: map[string]any{"name": before.Name, "start_date": before.StartDate, "end_date": before.EndDate, "goal": before.Goal, "focus_pct": before.FocusPct},
			After:  map[string]any{"name": in.Name, "start_date": in.StartDate, "end_date": in.EndDate, "goal": in.Goal, "focus_pct": in.FocusPct}})
	})
	if err != nil {
		return Iteration{}, apperr.Wrap(err)
	}
	return out, nil
}

// openIteration checks id names a live, not closed iteration of the
// project (the target of an assignment or a close).
func openIteration(ctx context.Context, tx *db.Tx, projectID, id int64, field string) error {
	var status string
	err := tx.QueryRow(ctx, `SELECT status FROM iterations WHERE id = ? AND project_id = ? AND deleted_ms IS NULL`, id, projectID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && status == IterClosed) {
		return apperr.InvalidField(field, "iterations.not_open")
	}
	return err
}

// AssignTasks plans tasks into an open iteration or returns them to the
// backlog (iteration_id 0). Tasks of other projects are refused whole.
func (s *Service) AssignTasks(ctx context.Context, p *access.Principal, projectID int64, in AssignInput) (int, error) {
	if err := s.iterAccess(ctx, p, projectID, access.TaskEdit); err != nil {
		return 0, err
	}
	if len(in.TaskIDs) == 0 || len(in.TaskIDs) > 500 {
		return 0, apperr.InvalidField("task_ids", "validate.required")
	}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID, true); err != nil {
			return err
		}
		var target any
		if in.IterationID != 0 {
			if err := openIteration(ctx, tx, projectID, in.IterationID, "iteration_id"); err != nil {
				return err
			}
			target = in.IterationID
		}
		now := db.Now()
		for _, tid := range in.TaskIDs {
			res, err := tx.Exec(ctx, `UPDATE tasks SET iteration_id = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND project_id = ? AND deleted_ms IS NULL`,
				target, now, tid, projectID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return apperr.InvalidField("task_ids", "iterations.task_unknown")
			}
		}
		s.notify(tx, projectID, Notice{Kind: "iteration"})
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "iteration", EntityID: in.IterationID, Action: "assign",
			After: map[string]any{"task_ids": in.TaskIDs, "iteration_id": in.IterationID}})
	})
	if err != nil {
		return 0, apperr.Wrap(err)
	}
	return len(in.TaskIDs), nil
}

// CloseIteration closes an iteration (PM): unfinished tasks move to the
// backlog or to another open iteration; the final snapshot is written.
func (s *Service) CloseIteration(ctx context.Context, p *access.Principal, projectID, id int64, in CloseInput) (Iteration, error) {
	if err := s.iterAccess(ctx, p, projectID, access.WorkflowManage); err != nil {
		return Iteration{}, err
	}
	if in.Version <= 0 {
		return Iteration{}, apperr.InvalidField("version", "validate.required")
	}
	if in.MoveTo == id {
		return Iteration{}, apperr.InvalidField("move_to", "iterations.not_open")
	}
	var out Iteration
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := changeableIteration(ctx, tx, projectID, id, in.Version)
		if err != nil {
			return err
		}
		var target any
		if in.MoveTo != 0 {
			if err := openIteration(ctx, tx, projectID, in.MoveTo, "move_to"); err != nil {
				return err
			}
			target = in.MoveTo
		}
		if err := writeSnapshot(ctx, tx, id, todayStr()); err != nil {
			return err
		}
		now := db.Now()
		if _, err := tx.Exec(ctx, `UPDATE tasks SET iteration_id = ?, updated_ms = ?, version = version + 1 WHERE iteration_id = ? AND done_ms IS NULL AND deleted_ms IS NULL`,
			target, now, id); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE iterations SET status = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND version = ?`, IterClosed, now, id, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		if out, err = loadIteration(ctx, tx, projectID, id); err != nil {
			return err
		}
		s.notify(tx, projectID, Notice{Kind: "iteration"})
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "iteration", EntityID: id, Action: "close", Summary: before.Name,
			After: map[string]any{"move_to": in.MoveTo, "done_min": before.DoneMin, "remaining_min": before.RemainingMin}})
	})
	if err != nil {
		return Iteration{}, apperr.Wrap(err)
	}
	return out, nil
}

// writeSnapshot records (or refreshes) the iteration's totals for day.
func writeSnapshot(ctx context.Context, tx *db.Tx, id int64, day string) error {
	_, err := tx.Exec(ctx, `INSERT INTO iteration_snapshots (iteration_id, day, remaining_min, open_count, done_count)
		SELECT ?, ?, COALESCE(SUM(CASE WHEN done_ms IS NULL THEN remaining_min ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN done_ms IS NULL THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN done_ms IS NOT NULL THEN 1 ELSE 0 END), 0)
		FROM tasks WHERE iteration_id = ? AND deleted_ms IS NULL
		ON CONFLICT (iteration_id, day) DO UPDATE SET remaining_min = excluded.remaining_min, open_count = excluded.open_count, done_count = excluded.done_count`,
		id, day, id)
	return err
}

// IterationBurndown returns the burndown of an iteration from the daily
// snapshots task changes write (iteration_snapshot.go). Days before the
// first snapshot are backfilled from when tasks were done (remaining =
// committed estimate less the estimate of tasks done by that day); a later
// day without one carries the last snapshot forward (nothing changed).
func (s *Service) IterationBurndown(ctx context.Context, p *access.Principal, projectID, id int64) (Burndown, error) {
	if err := s.iterAccess(ctx, p, projectID, ""); err != nil {
		return Burndown{}, err
	}
	it, err := loadIteration(ctx, s.db, projectID, id)
	if err != nil {
		return Burndown{}, apperr.Wrap(err)
	}
	cal, err := loadPlanCalendar(ctx, s.db, projectID)
	if err != nil {
		return Burndown{}, apperr.Wrap(err)
	}
	now := todayStr()
	snaps := map[string]int64{}
	first := ""
	rows, err := s.db.Query(ctx, `SELECT day, remaining_min FROM iteration_snapshots WHERE iteration_id = ?`, id)
	if err != nil {
		return Burndown{}, apperr.Wrap(err)
	}
	for rows.Next() {
		var day string
		var r int64
		if err := rows.Scan(&day, &r); err != nil {
			rows.Close()
			return Burndown{}, apperr.Wrap(err)
		}
		snaps[day] = r
		if first == "" || day < first {
			first = day
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Burndown{}, apperr.Wrap(err)
	}
	if first == "" || it.Status != IterClosed && now < first {
		first = now // no snapshot yet: backfill up to today
	}
	rows, err = s.db.Query(ctx, `SELECT estimate_min, done_ms FROM tasks WHERE iteration_id = ? AND deleted_ms IS NULL AND done_ms IS NOT NULL`, id)
	if err != nil {
		return Burndown{}, apperr.Wrap(err)
	}
	type done struct {
		est int64
		day string
	}
	var dones []done
	for rows.Next() {
		var d done
		var ms int64
		if err := rows.Scan(&d.est, &ms); err != nil {
			rows.Close()
			return Burndown{}, apperr.Wrap(err)
		}
		d.day = time.UnixMilli(ms).In(web.China).Format(time.DateOnly)
		dones = append(dones, d)
	}
	rows.Close()
	remaining := map[string]int64{}
	if st, err := time.Parse(time.DateOnly, it.StartDate); err == nil {
		for d := st; d.Format(time.DateOnly) <= first && d.Format(time.DateOnly) <= it.EndDate; d = d.AddDate(0, 0, 1) {
			day := d.Format(time.DateOnly)
			r := it.CommittedMin
			for _, x := range dones {
				if x.day <= day {
					r -= x.est
				}
			}
			remaining[day] = max(r, 0)
		}
	}
	for day, r := range snaps {
		remaining[day] = r
	}
	return Burndown{Iteration: it, Points: BurnLine(cal, it.StartDate, it.EndDate, now, it.CommittedMin, remaining)}, nil
}

// Velocity lists the completed estimate of each closed iteration, oldest
// first.
func (s *Service) Velocity(ctx context.Context, p *access.Principal, projectID int64) ([]Velocity, error) {
	its, err := s.ListIterations(ctx, p, projectID)
	if err != nil {
		return nil, err
	}
	out := []Velocity{}
	for _, it := range its {
		if it.Status == IterClosed {
			out = append(out, Velocity{IterationID: it.ID, Name: it.Name, DoneMin: it.DoneMin})
		}
	}
	return out, nil
}

// changeableIteration loads iteration id for a change at version: the project
// must be writable, the version current (else 409) and the iteration not
// closed.
func changeableIteration(ctx context.Context, tx *db.Tx, projectID, id, version int64) (Iteration, error) {
	if err := writable(ctx, tx, projectID, true); err != nil {
		return Iteration{}, err
	}
	before, err := loadIteration(ctx, tx, projectID, id)
	if err != nil {
		return Iteration{}, err
	}
	if before.Version != version {
		return Iteration{}, apperr.ConflictErr()
	}
	if before.Status == IterClosed {
		return Iteration{}, apperr.New(apperr.Conflict, "iterations.closed")
	}
	return before, nil
}
