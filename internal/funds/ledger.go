package funds

import (
	"context"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
)

// Invoices and receipts are not edited in place: a wrong one is deleted
// (to the trash, restorable) and entered again, so the ledger's history
// is in the audit log.

const invoiceSelect = `SELECT i.id, i.project_id, i.contract_id, i.milestone_id, fm.name, i.number, i.kind, i.amount_minor, i.tax_minor,
	i.issue_date, i.notes, i.deleted_ms, i.version FROM fund_invoices i JOIN fund_milestones fm ON fm.id = i.milestone_id
	JOIN fund_contracts c ON c.id = i.contract_id `

func scanInvoice(r rowScanner) (Invoice, error) {
	var i Invoice
	err := r.Scan(&i.ID, &i.ProjectID, &i.ContractID, &i.MilestoneID, &i.Milestone, &i.Number, &i.Kind, &i.AmountMinor, &i.TaxMinor,
		&i.IssueDate, &i.Notes, &i.DeletedMS, &i.Version)
	i.TotalMinor = i.AmountMinor + i.TaxMinor
	return i, err
}

const receiptSelect = `SELECT r.id, r.project_id, r.contract_id, r.milestone_id, fm.name, r.amount_minor, r.receipt_date, r.method, r.prepayment,
	r.reference, r.notes, r.deleted_ms, r.version FROM fund_receipts r JOIN fund_milestones fm ON fm.id = r.milestone_id
	JOIN fund_contracts c ON c.id = r.contract_id `

func scanReceipt(r rowScanner) (Receipt, error) {
	var x Receipt
	err := r.Scan(&x.ID, &x.ProjectID, &x.ContractID, &x.MilestoneID, &x.Milestone, &x.AmountMinor, &x.ReceiptDate, &x.Method, &x.Prepayment,
		&x.Reference, &x.Notes, &x.DeletedMS, &x.Version)
	return x, err
}

// liveMilestone returns the contract and amount of a live milestone of a
// live contract of the project, locking it for the transaction.
func liveMilestone(ctx context.Context, tx *db.Tx, projectID, id int64) (contractID, amountMinor int64, name string, err error) {
	// Touching the row takes PostgreSQL's row lock, so two receipts for one
	// milestone are checked one after the other.
	if _, err = tx.Exec(ctx, `UPDATE fund_milestones SET version = version WHERE id = ?`, id); err != nil {
		return
	}
	err = tx.QueryRow(ctx, `SELECT fm.contract_id, fm.amount_minor, fm.name FROM fund_milestones fm JOIN fund_contracts c ON c.id = fm.contract_id
		WHERE fm.id = ? AND fm.project_id = ? AND fm.deleted_ms IS NULL AND c.deleted_ms IS NULL`, id, projectID).Scan(&contractID, &amountMinor, &name)
	if err != nil {
		err = apperr.InvalidField("milestone_id", "error.not_found")
	}
	return
}

// Invoices lists the project's invoices (of live contracts).
func (s *Service) Invoices(ctx context.Context, p *access.Principal, projectID int64) ([]Invoice, View, error) {
	_, v, err := s.can(ctx, p, projectID, false)
	if err != nil {
		return nil, v, err
	}
	rows, err := s.db.Query(ctx, invoiceSelect+`WHERE i.project_id = ? AND i.deleted_ms IS NULL AND fm.deleted_ms IS NULL AND c.deleted_ms IS NULL
		ORDER BY i.issue_date, i.id`, projectID)
	if err != nil {
		return nil, v, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []Invoice{}
	for rows.Next() {
		i, err := scanInvoice(rows)
		if err != nil {
			return nil, v, apperr.Wrap(err)
		}
		if v != ViewFull {
			i.Notes = ""
		}
		out = append(out, i)
	}
	return out, v, apperr.Wrap(rows.Err())
}

// Receipts lists the project's receipts (vendor staff only: customers see
// what is due and paid per milestone, not the bank references).
func (s *Service) Receipts(ctx context.Context, p *access.Principal, projectID int64) ([]Receipt, error) {
	_, v, err := s.can(ctx, p, projectID, false)
	if err != nil {
		return nil, err
	}
	if v != ViewFull {
		return nil, apperr.NotFoundErr()
	}
	rows, err := s.db.Query(ctx, receiptSelect+`WHERE r.project_id = ? AND r.deleted_ms IS NULL AND fm.deleted_ms IS NULL AND c.deleted_ms IS NULL
		ORDER BY r.receipt_date, r.id`, projectID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []Receipt{}
	for rows.Next() {
		x, err := scanReceipt(rows)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		out = append(out, x)
	}
	return out, apperr.Wrap(rows.Err())
}

// CreateInvoice records an invoice issued against a milestone; its number
// is unique among live invoices.
func (s *Service) CreateInvoice(ctx context.Context, p *access.Principal, projectID int64, in InvoiceInput) (Invoice, error) {
	if _, _, err := s.can(ctx, p, projectID, true); err != nil {
		return Invoice{}, err
	}
	if err := in.Validate(); err != nil {
		return Invoice{}, err
	}
	var out Invoice
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		contractID, _, name, err := liveMilestone(ctx, tx, projectID, in.MilestoneID)
		if err != nil {
			return err
		}
		now := db.Now()
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO fund_invoices (project_id, contract_id, milestone_id, number, kind, amount_minor, tax_minor, issue_date, notes,
			created_by, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			projectID, contractID, in.MilestoneID, in.Number, in.Kind, in.AmountMinor, in.TaxMinor, in.IssueDate, in.Notes, p.UserID, now, now).Scan(&id)
		if err != nil {
			if db.IsUnique(err) {
				return apperr.InvalidField("number", "funds.err_invoice_taken")
			}
			return err
		}
		if out, err = scanInvoice(tx.QueryRow(ctx, invoiceSelect+`WHERE i.id = ?`, id)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{Internal: true, ProjectID: projectID, Entity: "fund_invoice", EntityID: id, Action: "create",
			Summary: in.Number + " · " + name, After: map[string]any{"number": in.Number, "kind": in.Kind, "amount_minor": in.AmountMinor,
				"tax_minor": in.TaxMinor, "issue_date": in.IssueDate, "milestone_id": in.MilestoneID}})
	})
	return out, apperr.Wrap(err)
}

// CreateReceipt records money received against a milestone. More than is
// outstanding on the milestone is refused unless marked as a prepayment.
func (s *Service) CreateReceipt(ctx context.Context, p *access.Principal, projectID int64, in ReceiptInput) (Receipt, error) {
	if _, _, err := s.can(ctx, p, projectID, true); err != nil {
		return Receipt{}, err
	}
	if err := in.Validate(); err != nil {
		return Receipt{}, err
	}
	var out Receipt
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		contractID, amount, name, err := liveMilestone(ctx, tx, projectID, in.MilestoneID)
		if err != nil {
			return err
		}
		var received int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(SUM(amount_minor), 0) FROM fund_receipts WHERE milestone_id = ? AND deleted_ms IS NULL`, in.MilestoneID).Scan(&received); err != nil {
			return err
		}
		outstanding := amount - received
		if outstanding < 0 {
			outstanding = 0
		}
		if in.AmountMinor > outstanding && !in.Prepayment {
			return apperr.InvalidField("amount_minor", "funds.err_over_receipt", fen(outstanding))
		}
		now := db.Now()
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO fund_receipts (project_id, contract_id, milestone_id, amount_minor, receipt_date, method, prepayment, reference, notes,
			created_by, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			projectID, contractID, in.MilestoneID, in.AmountMinor, in.ReceiptDate, in.Method, in.Prepayment, in.Reference, in.Notes, p.UserID, now, now).Scan(&id)
		if err != nil {
			return err
		}
		if out, err = scanReceipt(tx.QueryRow(ctx, receiptSelect+`WHERE r.id = ?`, id)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{Internal: true, ProjectID: projectID, Entity: "fund_receipt", EntityID: id, Action: "create",
			Summary: name + " " + in.ReceiptDate, After: map[string]any{"amount_minor": in.AmountMinor, "receipt_date": in.ReceiptDate,
				"method": in.Method, "prepayment": in.Prepayment, "milestone_id": in.MilestoneID}})
	})
	return out, apperr.Wrap(err)
}

// ledgerKind names the two ledgers for delete and restore.
type ledgerKind struct{ table, entity string }

var (
	invoiceLedger = ledgerKind{"fund_invoices", "fund_invoice"}
	receiptLedger = ledgerKind{"fund_receipts", "fund_receipt"}
)

func (s *Service) deleteEntry(ctx context.Context, p *access.Principal, projectID, id int64, k ledgerKind) error {
	if _, _, err := s.can(ctx, p, projectID, true); err != nil {
		return err
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		res, err := tx.Exec(ctx, `UPDATE `+k.table+` SET deleted_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND project_id = ? AND deleted_ms IS NULL`, now, now, id, projectID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.NotFoundErr()
		}
		return audit.Record(ctx, tx, p, audit.Entry{Internal: true, ProjectID: projectID, Entity: k.entity, EntityID: id, Action: "delete", Summary: entrySummary(ctx, tx, k, id)})
	}))
}

func entrySummary(ctx context.Context, q db.Q, k ledgerKind, id int64) string {
	var s string
	if k == invoiceLedger {
		_ = q.QueryRow(ctx, `SELECT number FROM fund_invoices WHERE id = ?`, id).Scan(&s)
		return s
	}
	var name, day string
	_ = q.QueryRow(ctx, `SELECT fm.name, r.receipt_date FROM fund_receipts r JOIN fund_milestones fm ON fm.id = r.milestone_id WHERE r.id = ?`, id).Scan(&name, &day)
	return name + " " + day
}

func (s *Service) restoreEntry(ctx context.Context, p *access.Principal, id int64, k ledgerKind) error {
	var projectID int64
	if err := s.db.QueryRow(ctx, `SELECT project_id FROM `+k.table+` WHERE id = ? AND deleted_ms IS NOT NULL`, id).Scan(&projectID); err != nil {
		return db.NotFound(err)
	}
	if _, _, err := s.can(ctx, p, projectID, true); err != nil {
		return err
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE `+k.table+` SET deleted_ms = NULL, updated_ms = ?, version = version + 1 WHERE id = ? AND deleted_ms IS NOT NULL`, db.Now(), id)
		if err != nil {
			if db.IsUnique(err) {
				return apperr.New(apperr.Conflict, "funds.err_restore_number")
			}
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{Internal: true, ProjectID: projectID, Entity: k.entity, EntityID: id, Action: "restore", Summary: entrySummary(ctx, tx, k, id)})
	}))
}

// DeleteInvoice moves an invoice to the trash.
func (s *Service) DeleteInvoice(ctx context.Context, p *access.Principal, projectID, id int64) error {
	return s.deleteEntry(ctx, p, projectID, id, invoiceLedger)
}

// DeleteReceipt moves a receipt to the trash.
func (s *Service) DeleteReceipt(ctx context.Context, p *access.Principal, projectID, id int64) error {
	return s.deleteEntry(ctx, p, projectID, id, receiptLedger)
}

// RestoreInvoice brings an invoice back; its number must still be free.
func (s *Service) RestoreInvoice(ctx context.Context, p *access.Principal, id int64) error {
	return s.restoreEntry(ctx, p, id, invoiceLedger)
}

// RestoreReceipt brings a receipt back.
func (s *Service) RestoreReceipt(ctx context.Context, p *access.Principal, id int64) error {
	return s.restoreEntry(ctx, p, id, receiptLedger)
}
