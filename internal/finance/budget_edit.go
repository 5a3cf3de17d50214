package finance

import (
	"context"
	"fmt"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
)

// BudgetInput proposes a budget version: the first is the original, each
// later one a revision that needs a reason. Lines are typed amounts.
type BudgetInput struct {
	Reason         string            `json:"reason"`
	ContingencyPct *int64            `json:"contingency_pct,omitempty"` // default 10, 0–30
	Lines          []BudgetLineInput `json:"lines"`
}

// BudgetLineInput is one line as typed.
type BudgetLineInput struct {
	Category string `json:"category"`
	PhaseID  int64  `json:"phase_id,omitempty"`
	Amount   string `json:"amount"` // yuan, e.g. "120,000.00"
}

// BudgetDecision approves or rejects a proposed version.
type BudgetDecision struct {
	Approve bool   `json:"approve"`
	Note    string `json:"note"`
	Version int64  `json:"version"`
}

func (s *Service) budgetAccess(ctx context.Context, p *access.Principal, projectID int64, a access.Action) error {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return err
	}
	if !p.Can(m, access.CostView) {
		return apperr.NotFoundErr()
	}
	if a != access.CostView && !p.Can(m, a) {
		return apperr.ForbiddenErr()
	}
	return nil
}

// Budgets lists every version of a project's budget, newest first.
func (s *Service) Budgets(ctx context.Context, p *access.Principal, projectID int64) ([]Budget, error) {
	if err := s.budgetAccess(ctx, p, projectID, access.CostView); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT `+budgetCols+` FROM budget_versions WHERE project_id = ? ORDER BY seq DESC`, projectID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	var out []Budget
	for rows.Next() {
		b, err := scanBudget(rows)
		if err != nil {
			rows.Close()
			return nil, apperr.Wrap(err)
		}
		out = append(out, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, apperr.Wrap(err)
	}
	for i := range out {
		if err := loadLines(ctx, s.db, &out[i]); err != nil {
			return nil, apperr.Wrap(err)
		}
	}
	if out == nil {
		out = []Budget{}
	}
	return out, nil
}

// ProposeBudget adds a proposed version (finance.manage).
func (s *Service) ProposeBudget(ctx context.Context, p *access.Principal, projectID int64, in BudgetInput) (Budget, error) {
	if err := s.budgetAccess(ctx, p, projectID, access.FinanceManage); err != nil {
		return Budget{}, err
	}
	var f apperr.Fields
	textField(&f, "reason", &in.Reason, 500, true, "")
	pct := int64(DefaultContingencyPct)
	if in.ContingencyPct != nil {
		pct = *in.ContingencyPct
	}
	if pct < 0 || pct > MaxContingencyPct {
		f.Add("contingency_pct", "finance.contingency_range", MaxContingencyPct)
	}
	b := Budget{ProjectID: projectID, Status: StatusProposed, Reason: in.Reason, ContingencyPct: pct}
	seen := map[string]bool{}
	for i, l := range in.Lines {
		field := fmt.Sprintf("lines[%d]", i)
		if strings.TrimSpace(l.Amount) == "" {
			continue
		}
		if !ValidCategory(l.Category) {
			f.Add(field+".category", "finance.category_invalid")
			continue
		}
		k := fmt.Sprint(l.Category, l.PhaseID)
		if seen[k] {
			f.Add(field+".category", "finance.line_duplicate")
		}
		seen[k] = true
		amt := parseMoney(&f, field+".amount", l.Amount)
		if amt != nil {
			b.Lines = append(b.Lines, BudgetLine{Category: l.Category, PhaseID: l.PhaseID, AmountMinor: *amt})
		}
	}
	if len(b.Lines) == 0 && len(in.Lines) > 0 && f.Err() == nil {
		f.Add("lines", "finance.lines_required")
	}
	if err := f.Err(); err != nil {
		return Budget{}, err
	}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM budget_versions WHERE project_id = ?`, projectID).Scan(&n); err != nil {
			return err
		}
		if n > 0 && b.Reason == "" {
			return apperr.InvalidField("reason", "finance.reason_required")
		}
		for i, l := range b.Lines {
			if l.PhaseID == 0 {
				continue
			}
			var c int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM phases WHERE id = ? AND project_id = ? AND deleted_ms IS NULL`, l.PhaseID, projectID).Scan(&c); err != nil {
				return err
			}
			if c == 0 {
				return apperr.InvalidField(fmt.Sprintf("lines[%d].phase_id", i), "finance.phase_invalid")
			}
		}
		return insertBudget(ctx, tx, p, &b)
	})
	if err != nil {
		return Budget{}, apperr.Wrap(err)
	}
	return b, nil
}

// DecideBudget approves or rejects a proposed version (budget.approve);
// an approved version becomes the current budget.
func (s *Service) DecideBudget(ctx context.Context, p *access.Principal, projectID, id int64, in BudgetDecision) (Budget, error) {
	if err := s.budgetAccess(ctx, p, projectID, access.BudgetApprove); err != nil {
		return Budget{}, err
	}
	var nf apperr.Fields
	required := "finance.reason_required"
	if in.Approve {
		required = ""
	}
	if textField(&nf, "note", &in.Note, 500, true, required); nf.Err() != nil {
		return Budget{}, nf.Err()
	}
	status := StatusApproved
	if !in.Approve {
		status = StatusRejected
	}
	var b Budget
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		tx.AfterCommit(func() { s.costChanged(projectID) })
		cur, err := scanBudget(tx.QueryRow(ctx, `SELECT `+budgetCols+` FROM budget_versions WHERE id = ? AND project_id = ?`, id, projectID))
		if err != nil {
			return db.NotFound(err)
		}
		if cur.Status != StatusProposed {
			return apperr.New(apperr.Conflict, "finance.budget_decided")
		}
		if cur.Version != in.Version {
			return apperr.ConflictErr()
		}
		now := db.Now()
		res, err := tx.Exec(ctx, `UPDATE budget_versions SET status = ?, decision_note = ?, decided_by = ?, decided_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND version = ?`,
			status, in.Note, p.UserID, now, now, id, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.ConflictErr()
		}
		b = cur
		b.Status, b.DecisionNote, b.DecidedMs, b.Version = status, in.Note, now, cur.Version+1
		if err := loadLines(ctx, tx, &b); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "budget_version", EntityID: id, Action: map[bool]string{true: "approve", false: "reject"}[in.Approve],
			Summary: fmt.Sprintf("v%d %s", cur.Seq, in.Note), Internal: true})
	})
	return b, apperr.Wrap(err)
}
