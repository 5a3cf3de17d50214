package funds

import (
	"context"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/db"
)

// ProjectReceivable is one project's receivables as of a day. All amounts
// are fen, tax included (what the customer pays).
type ProjectReceivable struct {
	ProjectID     int64  `json:"project_id"`
	Currency      string `json:"currency"`
	ContractMinor int64  `json:"contract_minor"` // live contracts' total with tax (价税合计)
	InvoicedMinor int64  `json:"invoiced_minor"` // invoices issued up to the day
	ReceivedMinor int64  `json:"received_minor"` // receipts up to the day
	// OutstandingMinor is what has fallen due and is not paid (应收账款);
	// NotDueMinor what is still to fall due.
	OutstandingMinor int64 `json:"outstanding_minor"`
	NotDueMinor      int64 `json:"not_due_minor"`
	// OverdueMinor is the outstanding amount past its due date.
	OverdueMinor int64 `json:"overdue_minor"`
	OverdueCount int   `json:"overdue_count"`
	// Ageing by days past the due date: 0–30, 31–60, 61–90, over 90.
	Age0to30  int64 `json:"age_0_30_minor"`
	Age31to60 int64 `json:"age_31_60_minor"`
	Age61to90 int64 `json:"age_61_90_minor"`
	AgeOver90 int64 `json:"age_over_90_minor"`
}

// Add counts one aged milestone in the summary.
func (r *ProjectReceivable) Add(m Milestone) {
	r.ContractMinor += m.AmountMinor
	r.InvoicedMinor += m.InvoicedMinor
	r.ReceivedMinor += m.ReceivedMinor
	if m.Bucket == "" {
		r.NotDueMinor += m.OutstandingMinor
		return
	}
	r.OutstandingMinor += m.OutstandingMinor
	if m.Overdue() {
		r.OverdueMinor += m.OutstandingMinor
		r.OverdueCount++
	}
	switch m.Bucket {
	case Bucket0to30:
		r.Age0to30 += m.OutstandingMinor
	case Bucket31to60:
		r.Age31to60 += m.OutstandingMinor
	case Bucket61to90:
		r.Age61to90 += m.OutstandingMinor
	default:
		r.AgeOver90 += m.OutstandingMinor
	}
}

// Summarise folds aged milestones into one receivable per project, in the
// order of projectIDs (a project without contracts gets a zero row);
// ContractMinor is the milestones' sum here, which Receivables replaces by
// the contracts' totals.
func Summarise(projectIDs []int64, ms []Milestone) []ProjectReceivable {
	idx := map[int64]int{}
	out := make([]ProjectReceivable, 0, len(projectIDs))
	for _, id := range projectIDs {
		if _, ok := idx[id]; ok {
			continue
		}
		idx[id] = len(out)
		out = append(out, ProjectReceivable{ProjectID: id, Currency: "CNY"})
	}
	for _, m := range ms {
		if i, ok := idx[m.ProjectID]; ok {
			out[i].Add(m)
		}
	}
	return out
}

// Receivables returns, per project, invoiced, received, outstanding,
// overdue and the ageing buckets as of asOf (YYYY-MM-DD; "" = today).
// Invoices and receipts dated after asOf are not counted. No permission
// check: for internal callers (the portfolio finance view) that checked
// their own.
func (s *Service) Receivables(ctx context.Context, projectIDs []int64, asOf string) ([]ProjectReceivable, error) {
	if asOf == "" {
		asOf = Today()
	}
	if len(projectIDs) == 0 {
		return []ProjectReceivable{}, nil
	}
	var ms []Milestone
	for start := 0; start < len(projectIDs); start += 500 {
		end := min(start+500, len(projectIDs))
		in, args := db.In(projectIDs[start:end])
		part, err := queryMilestones(ctx, s.db, `fm.project_id IN (`+in+`)`, args, asOf)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		ms = append(ms, part...)
	}
	out := Summarise(projectIDs, ms)
	if err := s.contractTotals(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// contractTotals sets each receivable's currency and contract total from
// the live contracts (a contract without a schedule still counts), in one
// query per 500 projects; like ContractValue, contracts in another
// currency than the project's first are left out.
func (s *Service) contractTotals(ctx context.Context, out []ProjectReceivable) error {
	idx := map[int64]int{}
	ids := make([]int64, 0, len(out))
	for i := range out {
		idx[out[i].ProjectID] = i
		ids = append(ids, out[i].ProjectID)
		out[i].ContractMinor = 0
	}
	seen := map[int64]bool{}
	for start := 0; start < len(ids); start += 500 {
		end := min(start+500, len(ids))
		in, args := db.In(ids[start:end])
		rows, err := s.db.Query(ctx, `SELECT project_id, currency, amount_minor + tax_minor FROM fund_contracts
			WHERE deleted_ms IS NULL AND project_id IN (`+in+`) ORDER BY project_id, id`, args...)
		if err != nil {
			return apperr.Wrap(err)
		}
		for rows.Next() {
			var pid, total int64
			var cur string
			if err := rows.Scan(&pid, &cur, &total); err != nil {
				rows.Close()
				return apperr.Wrap(err)
			}
			r := &out[idx[pid]]
			if !seen[pid] {
				seen[pid], r.Currency = true, cur
			}
			if cur == r.Currency {
				r.ContractMinor += total
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return apperr.Wrap(err)
		}
	}
	return nil
}

// ProjectReceivable is one project's receivable for a caller who may see
// its funds (customers see their own contract's dues).
func (s *Service) ProjectReceivable(ctx context.Context, p *access.Principal, projectID int64, asOf string) (ProjectReceivable, []Milestone, View, error) {
	ms, v, err := s.ProjectMilestones(ctx, p, projectID, asOf)
	if err != nil {
		return ProjectReceivable{}, nil, v, err
	}
	rs := Summarise([]int64{projectID}, ms)
	if err := s.contractTotals(ctx, rs); err != nil {
		return ProjectReceivable{}, nil, v, err
	}
	return rs[0], ms, v, nil
}
