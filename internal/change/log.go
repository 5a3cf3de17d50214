package change

import (
	"time"

	"context"
	"golive/internal/web"

	"golive/internal/access"
	"golive/internal/apperr"
)

// LogEntry is one event of the project's change log (变更记录): every
// request opened, vote, decision, baseline and signature, archived as it
// happened.
type LogEntry struct {
	ID         int64  `json:"id"`
	CRID       *int64 `json:"cr_id,omitempty"`
	CRCode     string `json:"cr_code,omitempty"`
	BaselineID *int64 `json:"baseline_id,omitempty"`
	Event      string `json:"event"`
	Summary    string `json:"summary"`
	Actor      string `json:"actor"`
	CreatedMS  int64  `json:"created_ms"`
}

// Log reads the project's change log, newest first.
func (s *Service) Log(ctx context.Context, p *access.Principal, projectID int64) ([]LogEntry, error) {
	if _, err := s.access(ctx, p, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT l.id, l.cr_id, COALESCE(c.number, 0), l.baseline_id, l.event, l.summary, COALESCE(u.name, ''), l.created_ms
		FROM change_log l LEFT JOIN change_requests c ON c.id = l.cr_id LEFT JOIN users u ON u.id = l.actor_id
		WHERE l.project_id = ? ORDER BY l.created_ms DESC, l.id DESC`, projectID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []LogEntry{}
	for rows.Next() {
		var e LogEntry
		var n int
		if err := rows.Scan(&e.ID, &e.CRID, &n, &e.BaselineID, &e.Event, &e.Summary, &e.Actor, &e.CreatedMS); err != nil {
			return nil, apperr.Wrap(err)
		}
		if n > 0 {
			e.CRCode = CodeOf(n)
		}
		out = append(out, e)
	}
	return out, apperr.Wrap(rows.Err())
}

// CreepPoint is the cumulative approved change effort after one decision.
type CreepPoint struct {
	Day          string  `json:"day"` // YYYY-MM-DD, China time
	CRCode       string  `json:"cr_code"`
	EffortTenths int64   `json:"effort_tenths"` // cumulative
	Percent      float64 `json:"percent"`       // of the first signed baseline's effort
}

// SourceRow counts the changes raised by one side.
type SourceRow struct {
	Source       string `json:"source"`
	Total        int    `json:"total"`
	Approved     int    `json:"approved"`
	EffortTenths int64  `json:"effort_tenths"` // approved
}

// Creep is scope creep over time: approved change effort as a share of
// the first signed baseline's effort.
type Creep struct {
	BaseLabel        string       `json:"base_label"` // "" when nothing is signed yet
	BaseEffortTenths int64        `json:"base_effort_tenths"`
	Points           []CreepPoint `json:"points"`
	Percent          float64      `json:"percent"` // now
	BySource         []SourceRow  `json:"by_source"`
}

// ScopeCreep computes the chart and the table by source.
func (s *Service) ScopeCreep(ctx context.Context, p *access.Principal, projectID int64) (Creep, error) {
	out := Creep{Points: []CreepPoint{}, BySource: []SourceRow{}}
	if _, err := s.access(ctx, p, projectID); err != nil {
		return out, err
	}
	var major, minor int
	var signed int64
	err := s.db.QueryRow(ctx, `SELECT major, minor, effort_tenths, COALESCE(signed_ms, 0) FROM req_baselines WHERE project_id = ? AND status = 'signed' ORDER BY major, minor LIMIT 1`, projectID).
		Scan(&major, &minor, &out.BaseEffortTenths, &signed)
	if err == nil {
		out.BaseLabel = label(major, minor)
		// The line starts at 0 % on the day the first baseline was signed.
		out.Points = append(out.Points, CreepPoint{Day: dayOf(signed), CRCode: out.BaseLabel})
	}
	rows, err := s.db.Query(ctx, `SELECT number, source, status, effort_tenths, COALESCE(decided_ms, 0) FROM change_requests WHERE project_id = ? AND deleted_ms IS NULL
		ORDER BY COALESCE(decided_ms, 0), number`, projectID)
	if err != nil {
		return out, apperr.Wrap(err)
	}
	defer rows.Close()
	by := map[string]*SourceRow{}
	var order []string
	var cum int64
	for rows.Next() {
		var n int
		var src, st string
		var eff, decided int64
		if err := rows.Scan(&n, &src, &st, &eff, &decided); err != nil {
			return out, apperr.Wrap(err)
		}
		r := by[src]
		if r == nil {
			r = &SourceRow{Source: src}
			by[src] = r
			order = append(order, src)
		}
		r.Total++
		if st != string(OutApproved) {
			continue
		}
		r.Approved++
		r.EffortTenths += eff
		cum += eff
		pt := CreepPoint{Day: dayOf(decided), CRCode: CodeOf(n), EffortTenths: cum}
		if out.BaseEffortTenths > 0 {
			pt.Percent = float64(cum) * 100 / float64(out.BaseEffortTenths)
		}
		out.Points = append(out.Points, pt)
	}
	if out.BaseEffortTenths > 0 {
		out.Percent = float64(cum) * 100 / float64(out.BaseEffortTenths)
	}
	for _, s := range Sources {
		if r := by[s]; r != nil {
			out.BySource = append(out.BySource, *r)
		}
	}
	for _, s := range order {
		if s != "customer" && s != "vendor" {
			out.BySource = append(out.BySource, *by[s])
		}
	}
	return out, apperr.Wrap(rows.Err())
}

func dayOf(ms int64) string {
	return time.UnixMilli(ms).In(web.China).Format("2006-01-02")
}
