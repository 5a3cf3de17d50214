package finance

import (
	"context"
	"strconv"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/calendar"
	"golive/internal/db"
	"golive/internal/discuss"
)

// ExpenseKind is the discuss kind of an expense: receipts are its
// attachments.
const ExpenseKind = "expense"

// ExpenseInput is an expense as entered. Amount excludes tax; both typed
// in yuan.
type ExpenseInput struct {
	Date        string `json:"date"`
	Category    string `json:"category"`
	PhaseID     int64  `json:"phase_id,omitempty"`
	Amount      string `json:"amount"`
	Tax         string `json:"tax,omitempty"`
	Payee       string `json:"payee,omitempty"`
	Description string `json:"description"`
	Version     int64  `json:"version,omitempty"`
}

// Expense is a stored expense; the money fields are for CostView only.
type Expense struct {
	ID           int64  `json:"id"`
	ProjectID    int64  `json:"project_id"`
	Date         string `json:"date"`
	Category     string `json:"category"`
	PhaseID      int64  `json:"phase_id,omitempty"`
	PhaseName    string `json:"phase_name,omitempty"`
	AmountMinor  int64  `json:"amount_minor"`
	TaxMinor     int64  `json:"tax_minor"`
	Payee        string `json:"payee"`
	Description  string `json:"description"`
	Status       string `json:"status"`
	RejectReason string `json:"reject_reason,omitempty"`
	CreatedBy    int64  `json:"created_by"`
	CreatorName  string `json:"creator_name"`
	Receipts     int    `json:"receipts"`
	Version      int64  `json:"version"`
}

func (in *ExpenseInput) parse() (amount, tax int64, err error) {
	var f apperr.Fields
	in.Payee, in.Description = strings.TrimSpace(in.Payee), strings.TrimSpace(in.Description)
	if _, err := calendar.Parse(in.Date); err != nil {
		f.Add("date", "finance.date_invalid")
	}
	if !ValidCategory(in.Category) {
		f.Add("category", "finance.category_invalid")
	}
	a := parseMoney(&f, "amount", in.Amount)
	if a == nil && !f.Has("amount") {
		f.Add("amount", "finance.amount_required")
	} else if a != nil && *a == 0 {
		f.Add("amount", "finance.amount_required")
	}
	t := parseMoney(&f, "tax", in.Tax)
	textField(&f, "description", &in.Description, 500, true, "finance.description_required")
	textField(&f, "payee", &in.Payee, 100, false, "")
	if err := f.Err(); err != nil {
		return 0, 0, err
	}
	if t != nil {
		tax = *t
	}
	return *a, tax, nil
}

// Expenses are vendor-internal and carry money: entering needs
// labor.enter (own expenses), reading all and deciding needs CostView.
func (s *Service) expenseAccess(ctx context.Context, p *access.Principal, projectID int64) (laborRights, error) {
	return s.laborAccess(ctx, p, projectID)
}

const expenseCols = `e.id, e.project_id, e.expense_date, e.category, COALESCE(e.phase_id, 0), COALESCE(ph.name, ''), e.amount_minor, e.tax_minor, e.payee, e.description,
	e.status, e.reject_reason, COALESCE(e.created_by, 0), COALESCE(u.name, ''),
	(SELECT COUNT(*) FROM attachments a WHERE a.kind = 'expense' AND a.object_id = e.id AND a.deleted_ms IS NULL), e.version
	FROM expenses e LEFT JOIN phases ph ON ph.id = e.phase_id LEFT JOIN users u ON u.id = e.created_by`

func scanExpense(sc interface{ Scan(...any) error }) (Expense, error) {
	var e Expense
	err := sc.Scan(&e.ID, &e.ProjectID, &e.Date, &e.Category, &e.PhaseID, &e.PhaseName, &e.AmountMinor, &e.TaxMinor, &e.Payee, &e.Description,
		&e.Status, &e.RejectReason, &e.CreatedBy, &e.CreatorName, &e.Receipts, &e.Version)
	return e, err
}

// ListExpenses lists a project's expenses: all of them for CostView, the
// caller's own otherwise.
func (s *Service) ListExpenses(ctx context.Context, p *access.Principal, projectID int64) ([]Expense, error) {
	rt, err := s.expenseAccess(ctx, p, projectID)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + expenseCols + ` WHERE e.project_id = ? AND e.deleted_ms IS NULL`
	args := []any{projectID}
	if !rt.cost {
		q += ` AND e.created_by = ?`
		args = append(args, p.UserID)
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY e.expense_date DESC, e.id DESC LIMIT 2000`, args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []Expense{}
	for rows.Next() {
		e, err := scanExpense(rows)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		out = append(out, e)
	}
	return out, apperr.Wrap(rows.Err())
}

// GetExpense reads one expense the caller may see.
func (s *Service) GetExpense(ctx context.Context, p *access.Principal, projectID, id int64) (Expense, laborRights, error) {
	rt, err := s.expenseAccess(ctx, p, projectID)
	if err != nil {
		return Expense{}, rt, err
	}
	e, err := scanExpense(s.db.QueryRow(ctx, `SELECT `+expenseCols+` WHERE e.id = ? AND e.project_id = ? AND e.deleted_ms IS NULL`, id, projectID))
	if err != nil {
		return e, rt, db.NotFound(err)
	}
	if !rt.cost && e.CreatedBy != p.UserID {
		return Expense{}, rt, apperr.NotFoundErr()
	}
	return e, rt, nil
}

func checkExpenseRefs(ctx context.Context, tx *db.Tx, projectID int64, in ExpenseInput) error {
	if in.PhaseID != 0 {
		var c int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM phases WHERE id = ? AND project_id = ? AND deleted_ms IS NULL`, in.PhaseID, projectID).Scan(&c); err != nil {
			return err
		}
		if c == 0 {
			return apperr.InvalidField("phase_id", "finance.phase_invalid")
		}
	}
	closed, err := monthClosed(ctx, tx, projectID, in.Date)
	if err != nil {
		return err
	}
	if closed {
		return apperr.InvalidField("date", "finance.month_closed", in.Date[:7])
	}
	return nil
}

// CreateExpense adds a draft expense.
func (s *Service) CreateExpense(ctx context.Context, p *access.Principal, projectID int64, in ExpenseInput) (Expense, error) {
	rt, err := s.expenseAccess(ctx, p, projectID)
	if err != nil {
		return Expense{}, err
	}
	if !rt.enter && !rt.others {
		return Expense{}, apperr.ForbiddenErr()
	}
	amt, tax, err := in.parse()
	if err != nil {
		return Expense{}, err
	}
	var id int64
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID); err != nil {
			return err
		}
		if err := checkExpenseRefs(ctx, tx, projectID, in); err != nil {
			return err
		}
		now := db.Now()
		if err := tx.QueryRow(ctx, `INSERT INTO expenses (project_id, expense_date, category, phase_id, amount_minor, tax_minor, payee, description, status, created_by, created_ms, updated_ms)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?) RETURNING id`,
			projectID, in.Date, in.Category, nullID(in.PhaseID), amt, tax, in.Payee, in.Description, p.UserID, now, now).Scan(&id); err != nil {
			return err
		}
		return auditRecord(ctx, tx, p, projectID, "expense", id, "create", in.Description, in)
	})
	if err != nil {
		return Expense{}, apperr.Wrap(err)
	}
	e, _, err := s.GetExpense(ctx, p, projectID, id)
	return e, err
}

// UpdateExpense changes a draft or rejected expense of the caller's.
func (s *Service) UpdateExpense(ctx context.Context, p *access.Principal, projectID, id int64, in ExpenseInput) (Expense, error) {
	cur, _, err := s.GetExpense(ctx, p, projectID, id)
	if err != nil {
		return Expense{}, err
	}
	amt, tax, err := in.parse()
	if err != nil {
		return Expense{}, err
	}
	if cur.Status != LaborDraft && cur.Status != LaborRejected {
		return Expense{}, apperr.New(apperr.Conflict, "finance.expense_locked")
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID); err != nil {
			return err
		}
		if err := checkExpenseRefs(ctx, tx, projectID, in); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE expenses SET expense_date = ?, category = ?, phase_id = ?, amount_minor = ?, tax_minor = ?, payee = ?, description = ?,
			status = 'draft', reject_reason = '', updated_ms = ?, version = version + 1 WHERE id = ? AND version = ? AND status IN ('draft','rejected')`,
			in.Date, in.Category, nullID(in.PhaseID), amt, tax, in.Payee, in.Description, db.Now(), id, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.ConflictErr()
		}
		return auditRecord(ctx, tx, p, projectID, "expense", id, "update", in.Description, in)
	})
	if err != nil {
		return Expense{}, apperr.Wrap(err)
	}
	e, _, err := s.GetExpense(ctx, p, projectID, id)
	return e, err
}

// ExpenseAction is submit (the creator), approve or reject (PM, with a
// reason to reject).
type ExpenseAction struct {
	Action  string `json:"action"` // submit | approve | reject
	Reason  string `json:"reason,omitempty"`
	Version int64  `json:"version"`
}

// ActOnExpense moves an expense through its approval.
func (s *Service) ActOnExpense(ctx context.Context, p *access.Principal, projectID, id int64, in ExpenseAction) (Expense, error) {
	cur, rt, err := s.GetExpense(ctx, p, projectID, id)
	if err != nil {
		return Expense{}, err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	var from []string
	var to string
	switch in.Action {
	case "submit":
		if cur.CreatedBy != p.UserID && !rt.others {
			return Expense{}, apperr.ForbiddenErr()
		}
		from, to = []string{LaborDraft, LaborRejected}, LaborSubmitted
	case "approve", "reject":
		if !rt.approve {
			return Expense{}, apperr.ForbiddenErr()
		}
		if in.Action == "reject" && in.Reason == "" {
			return Expense{}, apperr.InvalidField("reason", "finance.reason_required")
		}
		from, to = []string{LaborSubmitted}, map[string]string{"approve": LaborApproved, "reject": LaborRejected}[in.Action]
	default:
		return Expense{}, apperr.InvalidField("action", "finance.action_invalid")
	}
	var rf apperr.Fields
	if textField(&rf, "reason", &in.Reason, 500, true, ""); rf.Err() != nil {
		return Expense{}, rf.Err()
	}
	ok := false
	for _, f := range from {
		ok = ok || cur.Status == f
	}
	if !ok {
		return Expense{}, apperr.New(apperr.Conflict, "finance.expense_status", cur.Status)
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		tx.AfterCommit(func() { s.costChanged(projectID) })
		if closed, err := monthClosed(ctx, tx, projectID, cur.Date); err != nil || closed {
			if err != nil {
				return err
			}
			return apperr.InvalidField("date", "finance.month_closed", cur.Date[:7])
		}
		now := db.Now()
		q := `UPDATE expenses SET status = ?, reject_reason = ?, updated_ms = ?, version = version + 1`
		args := []any{to, map[bool]string{true: in.Reason, false: ""}[to == LaborRejected], now}
		if to == LaborSubmitted {
			q += `, submitted_ms = ?`
		} else {
			q += `, decided_ms = ?, decided_by = ` + strconv.FormatInt(p.UserID, 10)
		}
		args = append(args, now, id, in.Version, cur.Status)
		res, err := tx.Exec(ctx, q+` WHERE id = ? AND version = ? AND status = ?`, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.ConflictErr()
		}
		return auditRecord(ctx, tx, p, projectID, "expense", id, in.Action, cur.Description+" "+in.Reason, nil)
	})
	if err != nil {
		return Expense{}, apperr.Wrap(err)
	}
	e, _, err := s.GetExpense(ctx, p, projectID, id)
	return e, err
}

// DiscussTarget resolves an expense for its receipts (discuss attachments):
// those who see the expense see and add receipts while it is not approved.
func (s *Service) DiscussTarget(ctx context.Context, p *access.Principal, id int64) (discuss.Target, error) {
	var projectID int64
	if err := s.db.QueryRow(ctx, `SELECT project_id FROM expenses WHERE id = ? AND deleted_ms IS NULL`, id).Scan(&projectID); err != nil {
		return discuss.Target{}, db.NotFound(err)
	}
	e, rt, err := s.GetExpense(ctx, p, projectID, id)
	if err != nil {
		return discuss.Target{}, err
	}
	return discuss.Target{ProjectID: projectID, Title: e.Date + " " + e.Description, Link: "/projects/" + strconv.FormatInt(projectID, 10) + "/expenses/" + strconv.FormatInt(id, 10),
		SeesInternal: true, CanComment: e.Status != LaborApproved, CanModerate: rt.approve}, nil
}
