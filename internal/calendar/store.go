package calendar

import (
	"context"
	"database/sql"
	"strconv"
)

// The stored side of the calendar: rows of calendar_days override China's
// defaults, instance-wide (project_id NULL, kept by administrators) and
// per project (kept by its PM). This is the one place that reads them;
// every module that schedules loads its calendar here, so a plan, the
// Gantt and the health check agree on which days are worked.

// Querier is what loading needs of a database handle; both the database
// and a transaction satisfy it, so a loader may run inside a write.
type Querier interface {
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Override is one live row of calendar_days.
type Override struct {
	ID        int64 `json:"id"`
	ProjectID int64 `json:"project_id"` // 0: instance-wide
	Day       Day   `json:"-"`
	Version   int64 `json:"version"`
	UpdatedMS int64 `json:"updated_ms"`
}

// Overrides reads the live rows that apply to a project (projectID 0: the
// instance's alone), instance rows first, each group in date order; from
// and to (inclusive, "" for open) bound the dates. Rows whose stored day
// or kind cannot be read are skipped, as the calendar cannot use them.
func Overrides(ctx context.Context, q Querier, projectID int64, from, to string) ([]Override, error) {
	query := `SELECT id, COALESCE(project_id, 0), day, kind, name, version, updated_ms FROM calendar_days
		WHERE deleted_ms IS NULL AND (project_id IS NULL OR project_id = ?)`
	args := []any{projectID}
	if from != "" {
		query += ` AND day >= ?`
		args = append(args, from)
	}
	if to != "" {
		query += ` AND day <= ?`
		args = append(args, to)
	}
	rows, err := q.Query(ctx, query+` ORDER BY CASE WHEN project_id IS NULL THEN 0 ELSE 1 END, day`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Override
	for rows.Next() {
		var o Override
		var day, kind string
		if err := rows.Scan(&o.ID, &o.ProjectID, &day, &kind, &o.Day.Name, &o.Version, &o.UpdatedMS); err != nil {
			return nil, err
		}
		d, err := Parse(day)
		k, ok := ParseKind(kind)
		if err != nil || !ok {
			continue
		}
		o.Day.Date, o.Day.Kind = d, k
		out = append(out, o)
	}
	return out, rows.Err()
}

// Load builds a project's working calendar: Saturday and Sunday off,
// China's published holidays and make-up days, then the instance's rows,
// then the project's own (later entries win in New). projectID 0 gives
// the instance calendar.
func Load(ctx context.Context, q Querier, projectID int64) (*Calendar, error) {
	os, err := Overrides(ctx, q, projectID, "", "")
	if err != nil {
		return nil, err
	}
	days := China()
	for _, o := range os {
		days = append(days, o.Day)
	}
	return New(Weekends, days), nil
}

// Provisional reports whether a year's shipped holidays are an estimate
// (the State Council had not published them when the table was written).
func Provisional(year int) bool { return year == 2027 }

// YearBounds is the first and last day of a year as stored text.
func YearBounds(year int) (string, string) {
	y := strconv.Itoa(year)
	return y + "-01-01", y + "-12-31"
}
