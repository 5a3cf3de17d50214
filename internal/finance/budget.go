package finance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
)

// Budget version kinds and statuses.
const (
	KindOriginal = "original"
	KindRevision = "revision"

	StatusProposed = "proposed"
	StatusApproved = "approved"
	StatusRejected = "rejected"

	DefaultContingencyPct = 10
	MaxContingencyPct     = 30
)

// BudgetLine is an amount for a category, optionally for one phase
// (PhaseID 0: the whole project).
type BudgetLine struct {
	Category    string `json:"category"`
	PhaseID     int64  `json:"phase_id,omitempty"`
	PhaseName   string `json:"phase_name,omitempty"`
	AmountMinor int64  `json:"amount_minor"`
}

// Budget is one version of a project's budget.
type Budget struct {
	ID               int64        `json:"id"`
	ProjectID        int64        `json:"project_id"`
	Seq              int64        `json:"seq"`
	Kind             string       `json:"kind"`
	Reason           string       `json:"reason"`
	Status           string       `json:"status"`
	ContingencyPct   int64        `json:"contingency_pct"`
	ChangeRequestID  int64        `json:"change_request_id,omitempty"`
	ChangeNumber     string       `json:"change_number,omitempty"`
	ChangeCostMinor  int64        `json:"change_cost_minor,omitempty"`
	DecisionNote     string       `json:"decision_note,omitempty"`
	CreatedMs        int64        `json:"created_ms"`
	DecidedMs        int64        `json:"decided_ms,omitempty"`
	Version          int64        `json:"version"`
	Lines            []BudgetLine `json:"lines"`
	BaseMinor        int64        `json:"base_minor"`        // sum of the lines
	ContingencyMinor int64        `json:"contingency_minor"` // base × pct / 100, half away from zero
	TotalMinor       int64        `json:"total_minor"`       // base + contingency
}

// ByCategory sums the lines of each category over the phases.
func (b Budget) ByCategory() map[string]int64 {
	m := map[string]int64{}
	for _, l := range b.Lines {
		m[l.Category] += l.AmountMinor
	}
	return m
}

func (b *Budget) total() {
	b.BaseMinor = 0
	for _, l := range b.Lines {
		b.BaseMinor += l.AmountMinor
	}
	b.ContingencyMinor = divRound(b.BaseMinor*b.ContingencyPct, 100)
	b.TotalMinor = b.BaseMinor + b.ContingencyMinor
}

// costAccess: the caller must see the project and hold CostView; anyone
// else learns nothing (not found).
func (s *Service) costAccess(ctx context.Context, p *access.Principal, projectID int64) error {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return err
	}
	if !p.Can(m, access.CostView) {
		return apperr.NotFoundErr()
	}
	return nil
}

type querier interface {
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

const budgetCols = `id, project_id, seq, kind, reason, status, contingency_pct, COALESCE(change_request_id, 0), change_number, change_cost_minor, decision_note, created_ms, COALESCE(decided_ms, 0), version`

func scanBudget(sc interface{ Scan(...any) error }) (Budget, error) {
	var b Budget
	err := sc.Scan(&b.ID, &b.ProjectID, &b.Seq, &b.Kind, &b.Reason, &b.Status, &b.ContingencyPct, &b.ChangeRequestID, &b.ChangeNumber, &b.ChangeCostMinor, &b.DecisionNote, &b.CreatedMs, &b.DecidedMs, &b.Version)
	return b, err
}

func loadLines(ctx context.Context, q querier, b *Budget) error {
	rows, err := q.Query(ctx, `SELECT l.category, COALESCE(l.phase_id, 0), COALESCE(ph.name, ''), l.amount_minor
		FROM budget_lines l LEFT JOIN phases ph ON ph.id = l.phase_id
		WHERE l.budget_version_id = ? ORDER BY l.id`, b.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	b.Lines = []BudgetLine{}
	for rows.Next() {
		var l BudgetLine
		if err := rows.Scan(&l.Category, &l.PhaseID, &l.PhaseName, &l.AmountMinor); err != nil {
			return err
		}
		b.Lines = append(b.Lines, l)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	b.total()
	return nil
}

// currentBudget reads the approved version with the greatest seq.
func currentBudget(ctx context.Context, q querier, projectID int64) (Budget, bool, error) {
	b, err := scanBudget(q.QueryRow(ctx, `SELECT `+budgetCols+` FROM budget_versions
		WHERE project_id = ? AND status = 'approved' ORDER BY seq DESC LIMIT 1`, projectID))
	if errors.Is(err, sql.ErrNoRows) {
		return Budget{Lines: []BudgetLine{}, ProjectID: projectID, ContingencyPct: DefaultContingencyPct}, false, nil
	}
	if err != nil {
		return Budget{}, false, err
	}
	if err := loadLines(ctx, q, &b); err != nil {
		return Budget{}, false, err
	}
	return b, true, nil
}

// BudgetCurrent returns the project's current budget: the latest approved
// version, its lines by category and phase and its contingency. ok is
// false when no version is approved yet. It checks no permission (for the
// cost centre); BudgetCurrentFor is the caller-checked variant.
func (s *Service) BudgetCurrent(ctx context.Context, projectID int64) (Budget, bool, error) {
	b, ok, err := currentBudget(ctx, s.db, projectID)
	return b, ok, apperr.Wrap(err)
}

// BudgetCurrentFor is BudgetCurrent for a caller holding CostView.
func (s *Service) BudgetCurrentFor(ctx context.Context, p *access.Principal, projectID int64) (Budget, bool, error) {
	if err := s.costAccess(ctx, p, projectID); err != nil {
		return Budget{}, false, err
	}
	return s.BudgetCurrent(ctx, projectID)
}

// ProposeRevisionFromChange is the hook for change control: an approved
// change request (crID, its number and its cost impact in fen) proposes a
// budget revision — the current approved lines with costMinor added to
// the labor line without phase — which the PM then approves or rejects.
// Calling it again for the same change request does nothing. It checks no
// permission: the change module calls it after its own approval.
func (s *Service) ProposeRevisionFromChange(ctx context.Context, projectID, crID int64, crNumber string, costMinor int64) error {
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM budget_versions WHERE project_id = ? AND change_request_id = ?`, projectID, crID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		cur, _, err := currentBudget(ctx, tx, projectID)
		if err != nil {
			return err
		}
		lines := append([]BudgetLine{}, cur.Lines...)
		added := false
		for i := range lines {
			if lines[i].Category == CatLabor && lines[i].PhaseID == 0 {
				lines[i].AmountMinor += costMinor
				added = true
				break
			}
		}
		if !added {
			lines = append(lines, BudgetLine{Category: CatLabor, AmountMinor: costMinor})
		}
		b := Budget{ProjectID: projectID, Kind: KindRevision, Status: StatusProposed, ContingencyPct: cur.ContingencyPct,
			Reason: fmt.Sprintf("%s", crNumber), ChangeRequestID: crID, ChangeNumber: crNumber, ChangeCostMinor: costMinor, Lines: lines}
		return insertBudget(ctx, tx, nil, &b)
	})
	return apperr.Wrap(err)
}

// insertBudget writes a new version (next seq) with its lines and audit.
func insertBudget(ctx context.Context, tx *db.Tx, p *access.Principal, b *Budget) error {
	if b.Kind == "" {
		b.Kind = KindRevision
	}
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM budget_versions WHERE project_id = ?`, b.ProjectID).Scan(&b.Seq); err != nil {
		return err
	}
	if b.Seq == 1 {
		b.Kind = KindOriginal
	}
	now := db.Now()
	var by any
	if p != nil {
		by = p.UserID
	}
	var cr any
	if b.ChangeRequestID != 0 {
		cr = b.ChangeRequestID
	}
	b.CreatedMs, b.Version = now, 1
	if err := tx.QueryRow(ctx, `INSERT INTO budget_versions (project_id, seq, kind, reason, status, contingency_pct, change_request_id, change_number, change_cost_minor, created_by, created_ms, updated_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		b.ProjectID, b.Seq, b.Kind, b.Reason, b.Status, b.ContingencyPct, cr, b.ChangeNumber, b.ChangeCostMinor, by, now, now).Scan(&b.ID); err != nil {
		return err
	}
	if err := writeLines(ctx, tx, b.ID, b.Lines); err != nil {
		return err
	}
	b.total()
	return audit.Record(ctx, tx, p, audit.Entry{ProjectID: b.ProjectID, Entity: "budget_version", EntityID: b.ID, Action: "create",
		Summary: fmt.Sprintf("v%d", b.Seq), After: b, Internal: true})
}

func writeLines(ctx context.Context, tx *db.Tx, versionID int64, lines []BudgetLine) error {
	if _, err := tx.Exec(ctx, `DELETE FROM budget_lines WHERE budget_version_id = ?`, versionID); err != nil {
		return err
	}
	for _, l := range lines {
		var ph any
		if l.PhaseID != 0 {
			ph = l.PhaseID
		}
		if _, err := tx.Exec(ctx, `INSERT INTO budget_lines (budget_version_id, category, phase_id, amount_minor) VALUES (?, ?, ?, ?)`,
			versionID, l.Category, ph, l.AmountMinor); err != nil {
			return err
		}
	}
	return nil
}
