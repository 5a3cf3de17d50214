package app

import (
	"context"

	"golive/internal/costcentre"
	"golive/internal/costcentre/evm"
	"golive/internal/finance"
)

// costCentreSources connects the cost centre to the finance module
// (actuals, the current budget) and the fund centre (contract value,
// receivables). Neither is imported by internal/costcentre.
func costCentreSources(a *App) costcentre.Sources {
	src := costcentre.Sources{}
	if a.Finance != nil {
		src.Actuals = func(ctx context.Context, projectID int64, from, to string) ([]costcentre.ActualDay, error) {
			as, err := a.Finance.Actuals(ctx, projectID, from, to)
			if err != nil {
				return nil, err
			}
			out := make([]costcentre.ActualDay, len(as))
			for i, x := range as {
				minutes, _ := evm.MulDiv(x.HoursCenti, 60, 100)
				out[i] = costcentre.ActualDay{Day: x.Date, Category: x.Category, PhaseID: x.PhaseID, CostMinor: x.CostMinor, LaborMin: minutes}
			}
			return out, nil
		}
		src.Pricer = func(ctx context.Context) (costcentre.Pricer, error) {
			rates, err := a.Finance.LoadRates(ctx)
			if err != nil {
				return nil, err
			}
			return func(day string, userID, workerID int64, role, trade, unit string, qtyCenti int64) int64 {
				c, _ := rates.Cost(finance.LaborLine{Date: day, UserID: userID, WorkerID: workerID, Role: role, Trade: trade, Unit: unit, QtyCenti: qtyCenti})
				return c
			}, nil
		}
		src.Budget = func(ctx context.Context, projectID int64) (costcentre.Budget, bool, error) {
			b, ok, err := a.Finance.BudgetCurrent(ctx, projectID)
			if err != nil || !ok {
				return costcentre.Budget{}, false, err
			}
			out := costcentre.Budget{ContingencyMinor: b.ContingencyMinor}
			for _, l := range b.Lines {
				out.Lines = append(out.Lines, costcentre.BudgetLine{Category: l.Category, PhaseID: l.PhaseID, AmountMinor: l.AmountMinor})
			}
			return out, true, nil
		}
	}
	if a.Funds != nil {
		src.ContractValue = func(ctx context.Context, projectID int64) (int64, bool, error) {
			amount, _, _, err := a.Funds.ContractValue(ctx, projectID)
			return amount, amount != 0, err
		}
		src.Receivables = func(ctx context.Context, ids []int64, asOf string) (map[int64]costcentre.Receivable, error) {
			rs, err := a.Funds.Receivables(ctx, ids, asOf)
			if err != nil {
				return nil, err
			}
			out := make(map[int64]costcentre.Receivable, len(rs))
			for _, r := range rs {
				out[r.ProjectID] = costcentre.Receivable{OutstandingMinor: r.OutstandingMinor, OverdueMinor: r.OverdueMinor}
			}
			return out, nil
		}
	}
	return src
}
