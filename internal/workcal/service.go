package workcal

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/calendar"
	"golive/internal/db"
	"golive/internal/project"
	"golive/internal/work"
)

// access checks that the caller may read the calendar of projectID (0:
// the instance's, administrators only) and reports whether they may
// change it.
func (s *Service) access(ctx context.Context, p *access.Principal, projectID int64) (bool, error) {
	if projectID == 0 {
		// Like every admin page: nobody else learns it exists.
		if !p.CanAdminister() {
			return false, apperr.NotFoundErr()
		}
		return true, nil
	}
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return false, err
	}
	if !p.Can(m, access.ProjectView) {
		return false, apperr.NotFoundErr()
	}
	return p.Can(m, access.CalendarEdit), nil
}

// CanEdit reports whether the caller may change the calendar.
func (s *Service) CanEdit(ctx context.Context, p *access.Principal, projectID int64) (bool, error) {
	return s.access(ctx, p, projectID)
}

// Year reads a year of a project's calendar (projectID 0: the instance's).
func (s *Service) Year(ctx context.Context, p *access.Principal, projectID int64, year int) (Year, error) {
	if _, err := s.access(ctx, p, projectID); err != nil {
		return Year{}, err
	}
	if year < MinYear || year > MaxYear {
		return Year{}, apperr.InvalidField("year", "workcal.year_range", MinYear, MaxYear)
	}
	from, to := calendar.YearBounds(year)
	os, err := calendar.Overrides(ctx, s.db, projectID, from, to)
	if err != nil {
		return Year{}, apperr.Wrap(err)
	}
	return build(year, projectID, calendar.China(year), os), nil
}

// build lays the layers over each other for one year.
func build(year int, projectID int64, china []calendar.Day, os []calendar.Override) Year {
	type layer struct {
		day    calendar.Day
		source string
	}
	top := map[calendar.Date]layer{}
	own := map[calendar.Date]int64{}
	days := append([]calendar.Day{}, china...)
	for _, d := range china {
		top[d.Date] = layer{d, SourceChina}
	}
	for _, o := range os {
		src := SourceInstance
		if o.ProjectID != 0 {
			src = SourceProject
		}
		top[o.Day.Date] = layer{o.Day, src}
		days = append(days, o.Day)
		if o.ProjectID == projectID {
			own[o.Day.Date] = o.Version
		}
	}
	cal := calendar.New(calendar.Weekends, days)
	y := Year{Year: year, ProjectID: projectID, Provisional: calendar.Provisional(year), Overrides: len(own)}
	first := calendar.FromYMD(year, time.January, 1)
	last := calendar.FromYMD(year, time.December, 31)
	for d := first; d <= last; d++ {
		t := d.Time()
		c := Cell{Date: d.String(), Day: t.Day(), Weekday: int(d.Weekday()), Working: cal.IsWorkday(d), Override: own[d]}
		if l, ok := top[d]; ok {
			c.Kind, c.Name, c.Source = l.day.Kind.String(), l.day.Name, l.source
			c.Estimate = l.source == SourceChina && y.Provisional
		}
		m := int(t.Month())
		if len(y.Months) < m {
			lead := (int(d.Weekday()) + 6) % 7 // blanks before day 1, Monday first
			y.Months = append(y.Months, Month{Month: m, Lead: make([]int, lead)})
		}
		y.Months[m-1].Cells = append(y.Months[m-1].Cells, c)
		switch {
		case c.Working:
			y.Workdays++
			if c.Weekend() {
				y.Makeups++
			}
		case !c.Weekend():
			y.Holidays++
		}
		if c.Kind != "" {
			y.Exceptions = append(y.Exceptions, c)
		}
	}
	if y.Exceptions == nil {
		y.Exceptions = []Cell{}
	}
	return y
}

// row is a stored override of one layer, live or reset.
type row struct {
	id, version int64
	kind, name  string
	deleted     bool
}

func readRow(ctx context.Context, tx *db.Tx, projectID int64, day string) (row, bool, error) {
	var r row
	var deleted *int64
	err := tx.QueryRow(ctx, `SELECT id, version, kind, name, deleted_ms FROM calendar_days WHERE COALESCE(project_id, 0) = ? AND day = ?`, projectID, day).
		Scan(&r.id, &r.version, &r.kind, &r.name, &deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	r.deleted = deleted != nil
	return r, err == nil, err
}

// writable refuses changes to an archived (or deleted) project.
func writable(ctx context.Context, tx *db.Tx, projectID int64) error {
	if projectID == 0 {
		return nil
	}
	var st string
	err := tx.QueryRow(ctx, `SELECT status FROM projects WHERE id = ? AND deleted_ms IS NULL`, projectID).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFoundErr()
	}
	if err != nil {
		return err
	}
	if st == project.StatusArchived {
		return apperr.New(apperr.Conflict, "project.archived_readonly")
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// SetDay makes a day a holiday or a make-up working day in this layer.
// in.Version is the version of the layer's override the caller saw (0
// when it had none): an override added, changed or reset meanwhile is a
// conflict, never overwritten.
func (s *Service) SetDay(ctx context.Context, p *access.Principal, projectID int64, in DayInput) (Cell, error) {
	edit, err := s.access(ctx, p, projectID)
	if err != nil {
		return Cell{}, err
	}
	if !edit {
		return Cell{}, apperr.ForbiddenErr()
	}
	if err := in.Validate(); err != nil {
		return Cell{}, err
	}
	var version int64
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID); err != nil {
			return err
		}
		r, found, err := readRow(ctx, tx, projectID, in.Day)
		if err != nil {
			return err
		}
		live := found && !r.deleted
		if (live && r.version != in.Version) || (!live && in.Version != 0) {
			return apperr.ConflictErr()
		}
		now := db.Now()
		action := "update"
		var before any
		switch {
		case !found:
			action = "create"
			if err := tx.QueryRow(ctx, `INSERT INTO calendar_days (project_id, day, kind, name, created_ms, updated_ms, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				nullID(projectID), in.Day, in.Kind, in.Name, now, now, p.UserID).Scan(&r.id); err != nil {
				return err
			}
			version = 1
		default:
			if live {
				before = map[string]any{"kind": r.kind, "name": r.name}
			} else {
				action = "create"
			}
			res, err := tx.Exec(ctx, `UPDATE calendar_days SET kind = ?, name = ?, deleted_ms = NULL, updated_ms = ?, updated_by = ?, version = version + 1 WHERE id = ? AND version = ?`,
				in.Kind, in.Name, now, p.UserID, r.id, r.version)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return apperr.ConflictErr()
			}
			version = r.version + 1
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "calendar_day", EntityID: r.id, Action: action, Summary: in.Day + " " + in.Name,
			Before: before, After: map[string]any{"day": in.Day, "kind": in.Kind, "name": in.Name}})
	})
	if err != nil {
		return Cell{}, apperr.Wrap(err)
	}
	return s.cell(ctx, p, projectID, in.Day, version)
}

// ResetDay removes this layer's override of a day (a soft delete), so the
// layer below decides again.
func (s *Service) ResetDay(ctx context.Context, p *access.Principal, projectID int64, day string, in ResetInput) (Cell, error) {
	edit, err := s.access(ctx, p, projectID)
	if err != nil {
		return Cell{}, err
	}
	if !edit {
		return Cell{}, apperr.ForbiddenErr()
	}
	if _, err := calendar.Parse(day); err != nil {
		return Cell{}, apperr.InvalidField("day", "validate.date")
	}
	if in.Version <= 0 {
		return Cell{}, apperr.InvalidField("version", "validate.required")
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID); err != nil {
			return err
		}
		r, found, err := readRow(ctx, tx, projectID, day)
		if err != nil {
			return err
		}
		if !found || r.deleted {
			return apperr.NotFoundErr()
		}
		if r.version != in.Version {
			return apperr.ConflictErr()
		}
		now := db.Now()
		res, err := tx.Exec(ctx, `UPDATE calendar_days SET deleted_ms = ?, updated_ms = ?, updated_by = ?, version = version + 1 WHERE id = ? AND version = ?`,
			now, now, p.UserID, r.id, r.version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "calendar_day", EntityID: r.id, Action: "reset", Summary: day + " " + r.name,
			Before: map[string]any{"day": day, "kind": r.kind, "name": r.name}})
	})
	if err != nil {
		return Cell{}, apperr.Wrap(err)
	}
	return s.cell(ctx, p, projectID, day, 0)
}

// cell reads one day as the calendar now shows it.
func (s *Service) cell(ctx context.Context, p *access.Principal, projectID int64, day string, version int64) (Cell, error) {
	d, _ := calendar.Parse(day)
	y, err := s.Year(ctx, p, projectID, d.Time().Year())
	if err != nil {
		return Cell{}, err
	}
	c := y.Months[int(d.Time().Month())-1].Cells[d.Time().Day()-1]
	c.Override = version
	return c, nil
}

// OffCalendar lists the project's open tasks that start or end on a
// non-working day of the year, for the "reschedule" prompt after a change.
func (s *Service) OffCalendar(ctx context.Context, p *access.Principal, projectID int64, year int) ([]work.OffDay, error) {
	if projectID == 0 {
		return nil, nil
	}
	from, to := calendar.YearBounds(year)
	return s.work.OffCalendar(ctx, p, projectID, from, to)
}

// Rescheduled is what a bulk reschedule did.
type Rescheduled struct {
	Tasks int `json:"tasks"` // tasks whose start moved to the next working day
	Moved int `json:"moved"` // tasks whose dates changed, pushed successors included
}

// RescheduleOffDays moves the start of every open task of the year that
// now starts on a day off to the next working day, through the Gantt's
// reschedule, so successors are pushed on the new calendar by the same
// code as a drag. Each task is its own transaction (and audit row): a
// task refused (a conflict, a phase window) is left for the Gantt and the
// others still move. The list is re-read after each move, because a push
// may have moved (or fixed) the next one.
func (s *Service) RescheduleOffDays(ctx context.Context, p *access.Principal, projectID int64, year int) (Rescheduled, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return Rescheduled{}, err
	}
	if !p.Can(m, access.TaskEdit) {
		return Rescheduled{}, apperr.ForbiddenErr()
	}
	if year < MinYear || year > MaxYear {
		return Rescheduled{}, apperr.InvalidField("year", "workcal.year_range", MinYear, MaxYear)
	}
	var out Rescheduled
	tried := map[int64]bool{}
	for range 200 {
		off, err := s.OffCalendar(ctx, p, projectID, year)
		if err != nil {
			return out, err
		}
		var next *work.OffDay
		for i := range off {
			if off[i].StartOff && off[i].NextStart != "" && !tried[off[i].ID] {
				next = &off[i]
				break
			}
		}
		if next == nil {
			break
		}
		tried[next.ID] = true
		res, err := s.work.Reschedule(ctx, p, projectID, next.ID, work.RescheduleInput{StartDate: next.NextStart, Version: next.Version})
		switch {
		case err == nil:
			out.Tasks++
			out.Moved += len(res.Moved)
		case apperr.CodeOf(err) == apperr.Invalid || apperr.CodeOf(err) == apperr.Conflict:
			// Left in the list for the Gantt.
		default:
			return out, err
		}
	}
	return out, nil
}
