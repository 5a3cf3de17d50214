package work

import (
	"context"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/calendar"
)

// OffDay is an open task whose start or due date is not a working day of
// the project's calendar: after the calendar changed, the plan needs a
// look (the Gantt's reschedule moves it onto working days).
type OffDay struct {
	ID        int64  `json:"id"`
	Number    int64  `json:"number"`
	Title     string `json:"title"`
	StartDate string `json:"start_date"`
	DueDate   string `json:"due_date"`
	StartOff  bool   `json:"start_off"`
	DueOff    bool   `json:"due_off"`
	NextStart string `json:"next_start"` // the first working day from start_date
	Version   int64  `json:"version"`
}

// maxOffDays bounds the list: a calendar change that strands more tasks
// is a replanning job for the Gantt, not a list.
const maxOffDays = 200

// OffCalendar lists the open tasks the viewer may see whose dates between
// from and to (inclusive) fall on non-working days of the project's
// current calendar.
func (s *Service) OffCalendar(ctx context.Context, p *access.Principal, projectID int64, from, to string) ([]OffDay, error) {
	_, internal, err := s.access(ctx, p, projectID)
	if err != nil {
		return nil, err
	}
	cal, err := calendar.Load(ctx, s.db, projectID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	q := `SELECT t.id, t.number, t.title, COALESCE(t.start_date, ''), COALESCE(t.due_date, ''), t.version FROM tasks t
		WHERE t.project_id = ? AND t.deleted_ms IS NULL AND t.done_ms IS NULL
		AND ((t.start_date >= ? AND t.start_date <= ?) OR (t.due_date >= ? AND t.due_date <= ?))`
	args := []any{projectID, from, to, from, to}
	if !internal {
		q += ` AND t.customer_visible = ?`
		args = append(args, true)
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY COALESCE(t.start_date, t.due_date), t.number`, args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	off := func(s string) bool {
		d, err := calendar.Parse(s)
		return err == nil && !cal.IsWorkday(d)
	}
	out := []OffDay{}
	for rows.Next() && len(out) < maxOffDays {
		var o OffDay
		if err := rows.Scan(&o.ID, &o.Number, &o.Title, &o.StartDate, &o.DueDate, &o.Version); err != nil {
			return nil, apperr.Wrap(err)
		}
		o.StartOff, o.DueOff = off(o.StartDate), off(o.DueDate)
		if !o.StartOff && !o.DueOff {
			continue
		}
		if d, err := calendar.Parse(o.StartDate); err == nil {
			o.NextStart = cal.Next(d).String()
		}
		out = append(out, o)
	}
	return out, apperr.Wrap(rows.Err())
}
