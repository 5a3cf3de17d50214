package finance

import (
	"context"
	"database/sql"
	"sort"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/calendar"
)

// ActualDay is the actual cost of one day, category and phase of a
// project: approved labor priced at the rate valid on the day (category
// labor, phase of the record's task) plus approved expenses (their own
// category and phase). PhaseID 0: no phase.
type ActualDay struct {
	Date       string `json:"date"`
	Category   string `json:"category"`
	PhaseID    int64  `json:"phase_id,omitempty"`
	CostMinor  int64  `json:"cost_minor"`
	HoursCenti int64  `json:"hours_centi"` // labor hours (hundredths), 0 for expenses
	Unrated    int    `json:"unrated"`     // labor records without any rate (costed 0)
}

// validRange checks the optional bounds of a period ("" = open).
func validRange(from, to string) error {
	for _, f := range []struct{ name, v string }{{"from", from}, {"to", to}} {
		if f.v == "" {
			continue
		}
		if _, err := calendar.Parse(f.v); err != nil {
			return apperr.InvalidField(f.name, "finance.date_invalid")
		}
	}
	if from != "" && to != "" && from > to {
		return apperr.InvalidField("to", "finance.range_reversed")
	}
	return nil
}

// ActualsFor is Actuals for a caller, who needs access.CostView.
func (s *Service) ActualsFor(ctx context.Context, p *access.Principal, projectID int64, from, to string) ([]ActualDay, error) {
	if err := s.costAccess(ctx, p, projectID); err != nil {
		return nil, err
	}
	return s.Actuals(ctx, projectID, from, to)
}

// Actuals returns the actual cost of a project per day, category and
// phase between from and to inclusive ('YYYY-MM-DD', "" = open). It checks
// no permission: it is for the cost centre, which checks CostView itself.
func (s *Service) Actuals(ctx context.Context, projectID int64, from, to string) ([]ActualDay, error) {
	if err := validRange(from, to); err != nil {
		return nil, err
	}
	if to == "" {
		to = "9999-12-31"
	}
	rates, err := s.LoadRates(ctx)
	if err != nil {
		return nil, err
	}
	type key struct {
		date, cat string
		phase     int64
	}
	acc := map[key]*ActualDay{}
	get := func(k key) *ActualDay {
		a := acc[k]
		if a == nil {
			a = &ActualDay{Date: k.date, Category: k.cat, PhaseID: k.phase}
			acc[k] = a
		}
		return a
	}
	rows, err := s.db.Query(ctx, `SELECT l.work_date, COALESCE(l.user_id, 0), COALESCE(l.worker_id, 0), COALESCE(pm.role, u.role, ''),
			l.trade, l.unit, l.qty_centi, l.hours_centi, COALESCE(t.phase_id, 0)
		FROM labor_records l
		LEFT JOIN users u ON u.id = l.user_id
		LEFT JOIN project_members pm ON pm.project_id = l.project_id AND pm.user_id = l.user_id AND pm.deleted_ms IS NULL
		LEFT JOIN tasks t ON t.id = l.task_id
		WHERE l.project_id = ? AND l.status = 'approved' AND l.deleted_ms IS NULL AND l.work_date >= ? AND l.work_date <= ?`,
		projectID, from, to)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var l LaborLine
		var hours, phase int64
		if err := rows.Scan(&l.Date, &l.UserID, &l.WorkerID, &l.Role, &l.Trade, &l.Unit, &l.QtyCenti, &hours, &phase); err != nil {
			return nil, apperr.Wrap(err)
		}
		a := get(key{l.Date, CatLabor, phase})
		c, ok := rates.Cost(l)
		if !ok {
			a.Unrated++
		}
		a.CostMinor += c
		a.HoursCenti += hours
	}
	if err := rows.Err(); err != nil {
		return nil, apperr.Wrap(err)
	}
	rows.Close()
	erows, err := s.db.Query(ctx, `SELECT expense_date, category, COALESCE(phase_id, 0), SUM(amount_minor)
		FROM expenses WHERE project_id = ? AND status = 'approved' AND deleted_ms IS NULL AND expense_date >= ? AND expense_date <= ?
		GROUP BY expense_date, category, phase_id`, projectID, from, to)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer erows.Close()
	for erows.Next() {
		var k key
		var amt int64
		if err := erows.Scan(&k.date, &k.cat, &k.phase, &amt); err != nil {
			return nil, apperr.Wrap(err)
		}
		get(k).CostMinor += amt
	}
	if err := erows.Err(); err != nil {
		return nil, apperr.Wrap(err)
	}
	out := make([]ActualDay, 0, len(acc))
	for _, a := range acc {
		out = append(out, *a)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Date != b.Date {
			return a.Date < b.Date
		}
		if a.Category != b.Category {
			return catIndex(a.Category) < catIndex(b.Category)
		}
		return a.PhaseID < b.PhaseID
	})
	return out, nil
}

func catIndex(c string) int {
	for i, k := range Categories {
		if k == c {
			return i
		}
	}
	return len(Categories)
}

// LoadRates reads the whole rate book (rate cards and trade rates).
func (s *Service) LoadRates(ctx context.Context) (*Rates, error) {
	rs := &Rates{User: map[int64]History{}, Worker: map[int64]History{}, Role: map[string]History{}, Trade: map[string]History{}}
	rows, err := s.db.Query(ctx, `SELECT role, COALESCE(user_id, 0), COALESCE(worker_id, 0), cost_day_minor, cost_hour_minor, valid_from_date
		FROM rate_cards WHERE deleted_ms IS NULL ORDER BY valid_from_date, id`)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var role string
		var uid, wid int64
		var day, hour sql.NullInt64
		var r Rate
		if err := rows.Scan(&role, &uid, &wid, &day, &hour, &r.From); err != nil {
			return nil, apperr.Wrap(err)
		}
		r.DayMinor, r.HourMinor = orNone(day), orNone(hour)
		switch {
		case uid != 0:
			rs.User[uid] = appendRate(rs.User[uid], r)
		case wid != 0:
			rs.Worker[wid] = appendRate(rs.Worker[wid], r)
		default:
			rs.Role[role] = appendRate(rs.Role[role], r)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, apperr.Wrap(err)
	}
	rows.Close()
	trows, err := s.db.Query(ctx, `SELECT trade, unit, cost_minor, valid_from_date FROM trade_rates WHERE deleted_ms IS NULL ORDER BY valid_from_date, id`)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer trows.Close()
	for trows.Next() {
		var trade, unit string
		var cost int64
		r := Rate{DayMinor: -1, HourMinor: -1}
		if err := trows.Scan(&trade, &unit, &cost, &r.From); err != nil {
			return nil, apperr.Wrap(err)
		}
		if unit == UnitDay {
			r.DayMinor = cost
		} else {
			r.HourMinor = cost
		}
		k := TradeKey(trade, unit)
		rs.Trade[k] = appendRate(rs.Trade[k], r)
	}
	return rs, apperr.Wrap(trows.Err())
}

func orNone(v sql.NullInt64) int64 {
	if !v.Valid {
		return -1
	}
	return v.Int64
}

// appendRate adds a row read in valid_from order; a later row with the
// same date (added later) replaces the earlier one.
func appendRate(h History, r Rate) History {
	if n := len(h); n > 0 && h[n-1].From == r.From {
		h[n-1] = r
		return h
	}
	return append(h, r)
}
