package funds

import (
	"context"
	"time"

	"golive/internal/access"
	"golive/internal/apperr"
)

// ForecastMonth is one month of the cash-flow forecast (fen).
type ForecastMonth struct {
	Month         string `json:"month"`          // YYYY-MM
	ExpectedMinor int64  `json:"expected_minor"` // outstanding milestone amounts expected this month
	ReceivedMinor int64  `json:"received_minor"` // receipts already booked this month
	CostMinor     int64  `json:"cost_minor"`     // planned costs (0 when not available)
	NetMinor      int64  `json:"net_minor"`      // expected + received − cost
	CumulMinor    int64  `json:"cumulative_minor"`
}

// Forecast is a project's monthly cash flow from a month on.
type Forecast struct {
	From           string          `json:"from"`
	To             string          `json:"to"`
	Months         []ForecastMonth `json:"months"`
	CostsAvailable bool            `json:"costs_available"`
}

// MaxForecastMonths bounds the horizon.
const MaxForecastMonths = 36

// ParseMonth reads "YYYY-MM"; "" is the current month.
func ParseMonth(s string) (string, error) {
	if s == "" {
		return Today()[:7], nil
	}
	t, err := time.Parse("2006-01", s)
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		return "", apperr.InvalidField("from", "funds.err_month")
	}
	return s, nil
}

func addMonth(m string, n int) string {
	t, _ := time.Parse("2006-01", m)
	return t.AddDate(0, n, 0).Format("2006-01")
}

// BuildForecast spreads outstanding milestones over months: a milestone is
// expected on its due date, or its planned date while its trigger has not
// happened; what is already late is expected in the first month.
func BuildForecast(from string, months int, ms []Milestone, received, costs map[string]int64) Forecast {
	f := Forecast{From: from, To: addMonth(from, months-1), CostsAvailable: costs != nil}
	idx := map[string]int{}
	for i := 0; i < months; i++ {
		m := addMonth(from, i)
		idx[m] = i
		f.Months = append(f.Months, ForecastMonth{Month: m, ReceivedMinor: received[m], CostMinor: costs[m]})
	}
	for _, m := range ms {
		if m.OutstandingMinor <= 0 {
			continue
		}
		d := m.DueDate
		if d == "" {
			d = m.PlannedDate
		}
		if d == "" {
			continue
		}
		mo := d[:7]
		if mo < from {
			mo = from
		}
		if i, ok := idx[mo]; ok {
			f.Months[i].ExpectedMinor += m.OutstandingMinor
		}
	}
	var cum int64
	for i := range f.Months {
		x := &f.Months[i]
		x.NetMinor = x.ExpectedMinor + x.ReceivedMinor - x.CostMinor
		cum += x.NetMinor
		x.CumulMinor = cum
	}
	return f
}

// Forecast returns the project's cash-flow forecast for months from a
// month (vendor PM, finance, admin: it carries planned costs). Planned
// costs come from the hook set by SetPlannedCosts; without it (or when it
// fails) CostsAvailable is false and costs are 0.
func (s *Service) Forecast(ctx context.Context, p *access.Principal, projectID int64, from string, months int) (Forecast, error) {
	_, v, err := s.can(ctx, p, projectID, false)
	if err != nil {
		return Forecast{}, err
	}
	if v != ViewFull {
		return Forecast{}, apperr.NotFoundErr()
	}
	if from, err = ParseMonth(from); err != nil {
		return Forecast{}, err
	}
	if months <= 0 {
		months = 12
	}
	if months > MaxForecastMonths {
		return Forecast{}, apperr.InvalidField("months", "funds.err_months", MaxForecastMonths)
	}
	ms, err := queryMilestones(ctx, s.db, `fm.project_id = ?`, []any{projectID}, "")
	if err != nil {
		return Forecast{}, apperr.Wrap(err)
	}
	to := addMonth(from, months-1)
	received := map[string]int64{}
	rows, err := s.db.Query(ctx, `SELECT SUBSTR(r.receipt_date, 1, 7), SUM(r.amount_minor) FROM fund_receipts r
		JOIN fund_contracts c ON c.id = r.contract_id AND c.deleted_ms IS NULL
		WHERE r.project_id = ? AND r.deleted_ms IS NULL AND r.receipt_date >= ? AND r.receipt_date <= ? GROUP BY SUBSTR(r.receipt_date, 1, 7)`,
		projectID, from+"-01", to+"-31")
	if err != nil {
		return Forecast{}, apperr.Wrap(err)
	}
	for rows.Next() {
		var m string
		var v int64
		if err := rows.Scan(&m, &v); err != nil {
			rows.Close()
			return Forecast{}, apperr.Wrap(err)
		}
		received[m] = v
	}
	rows.Close()
	var costs map[string]int64
	if fn := s.costsFn(); fn != nil {
		c, err := fn(ctx, projectID, from, to)
		if err != nil {
			s.log.Warn("funds: planned costs unavailable", "project", projectID, "err", err)
		} else {
			costs = c
			if costs == nil {
				costs = map[string]int64{}
			}
		}
	}
	return BuildForecast(from, months, ms, received, costs), nil
}
