package costcentre

import (
	"context"
	"time"

	"golive/internal/apperr"
	"golive/internal/calendar"
	"golive/internal/costcentre/evm"
)

// PlannedCosts returns the project's planned cost per month ("YYYY-MM" →
// fen) from fromMonth to toMonth inclusive: the growth of PV over each
// month, so the months of the whole plan add up to BAC exactly. It is
// the fund centre's source for the cash-flow forecast (funds.SetPlannedCosts)
// and checks no permission: the fund centre checked its caller.
func (s *Service) PlannedCosts(ctx context.Context, projectID int64, fromMonth, toMonth string) (map[string]int64, error) {
	from, to, err := months(fromMonth, toMonth)
	if err != nil {
		return nil, err
	}
	plan, err := s.plan(ctx, projectID)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for m := from; !m.After(to); m = m.AddDate(0, 1, 0) {
		prevEnd := calendar.Of(m).AddDays(-1)
		end := calendar.Of(m.AddDate(0, 1, 0)).AddDays(-1)
		out[m.Format("2006-01")] = plan.PV(end) - plan.PV(prevEnd)
	}
	return out, nil
}

// plan builds the project's EVM plan (BAC from the current budget, or the
// charter's budget without one).
func (s *Service) plan(ctx context.Context, projectID int64) (*evm.Plan, error) {
	tasks, _, err := planTasks(ctx, s.db, projectID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	cal, err := calendar.Load(ctx, s.db, projectID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	bac, err := s.bac(ctx, projectID)
	if err != nil {
		return nil, err
	}
	return evm.NewPlan(bac, tasks, cal), nil
}

func (s *Service) bac(ctx context.Context, projectID int64) (int64, error) {
	if s.src.Budget != nil {
		b, ok, err := s.src.Budget(ctx, projectID)
		if err != nil {
			return 0, apperr.Wrap(err)
		}
		if ok {
			var sum int64
			for _, l := range b.Lines {
				sum += l.AmountMinor
			}
			return sum, nil
		}
	}
	var v int64
	if err := s.db.QueryRow(ctx, `SELECT budget_minor FROM projects WHERE id = ?`, projectID).Scan(&v); err != nil {
		return 0, apperr.Wrap(err)
	}
	return v, nil
}

// months parses a range of at most 20 years of YYYY-MM.
func months(fromMonth, toMonth string) (time.Time, time.Time, error) {
	from, err := time.Parse("2006-01", fromMonth)
	if err != nil {
		return from, from, apperr.InvalidField("from", "costcentre.err.month")
	}
	to, err := time.Parse("2006-01", toMonth)
	if err != nil || to.Before(from) || to.Sub(from) > 20*366*24*time.Hour {
		return from, to, apperr.InvalidField("to", "costcentre.err.month")
	}
	return from, to, nil
}

func validMonths(fromMonth, toMonth string) bool {
	_, _, err := months(fromMonth, toMonth)
	return err == nil
}
