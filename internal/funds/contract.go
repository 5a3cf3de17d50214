package funds

import (
	"context"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
)

const contractCols = `c.id, c.project_id, c.number, c.title, c.customer_company_id, co.name, c.amount_minor, c.tax_rate_bp, c.tax_minor,
	c.currency, COALESCE(c.signed_date, ''), c.notes, c.created_ms, c.updated_ms, c.deleted_ms, c.version`

const contractFrom = ` FROM fund_contracts c JOIN companies co ON co.id = c.customer_company_id `

type rowScanner interface{ Scan(dest ...any) error }

func scanContract(r rowScanner) (Contract, error) {
	var c Contract
	err := r.Scan(&c.ID, &c.ProjectID, &c.Number, &c.Title, &c.CustomerCompanyID, &c.CustomerName, &c.AmountMinor, &c.TaxRateBP, &c.TaxMinor,
		&c.Currency, &c.SignedDate, &c.Notes, &c.CreatedMS, &c.UpdatedMS, &c.DeletedMS, &c.Version)
	c.TotalMinor = c.AmountMinor + c.TaxMinor
	return c, err
}

func loadContract(ctx context.Context, q db.Q, projectID, id int64) (Contract, error) {
	c, err := scanContract(q.QueryRow(ctx, `SELECT `+contractCols+contractFrom+`WHERE c.id = ? AND c.project_id = ? AND c.deleted_ms IS NULL`, id, projectID))
	if err != nil {
		return c, db.NotFound(err)
	}
	return c, nil
}

func redactContract(v View, c *Contract) {
	if v != ViewFull {
		c.Notes = ""
	}
}

func contractAudit(c Contract) map[string]any {
	return map[string]any{"number": c.Number, "title": c.Title, "amount_minor": c.AmountMinor, "tax_rate_bp": c.TaxRateBP,
		"tax_minor": c.TaxMinor, "currency": c.Currency, "signed_date": c.SignedDate, "contract_notes": c.Notes}
}

// Contracts lists a project's live contracts.
func (s *Service) Contracts(ctx context.Context, p *access.Principal, projectID int64) ([]Contract, View, error) {
	_, v, err := s.can(ctx, p, projectID, false)
	if err != nil {
		return nil, v, err
	}
	out, err := s.contracts(ctx, projectID)
	for i := range out {
		redactContract(v, &out[i])
	}
	return out, v, err
}

func (s *Service) contracts(ctx context.Context, projectID int64) ([]Contract, error) {
	rows, err := s.db.Query(ctx, `SELECT `+contractCols+contractFrom+`WHERE c.project_id = ? AND c.deleted_ms IS NULL ORDER BY c.id`, projectID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []Contract{}
	for rows.Next() {
		c, err := scanContract(rows)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		out = append(out, c)
	}
	return out, apperr.Wrap(rows.Err())
}

// Contract returns one live contract of the project.
func (s *Service) Contract(ctx context.Context, p *access.Principal, projectID, id int64) (Contract, View, error) {
	_, v, err := s.can(ctx, p, projectID, false)
	if err != nil {
		return Contract{}, v, err
	}
	c, err := loadContract(ctx, s.db, projectID, id)
	redactContract(v, &c)
	return c, v, err
}

// CreateContract adds a contract; the customer is the project's customer
// company and the tax is computed from the rate.
func (s *Service) CreateContract(ctx context.Context, p *access.Principal, projectID int64, in ContractInput) (Contract, error) {
	if _, _, err := s.can(ctx, p, projectID, true); err != nil {
		return Contract{}, err
	}
	if err := in.Validate(); err != nil {
		return Contract{}, err
	}
	var c Contract
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO fund_contracts (project_id, number, title, customer_company_id, amount_minor, tax_rate_bp, tax_minor,
			currency, signed_date, notes, created_by, created_ms, updated_ms)
			SELECT id, ?, ?, customer_company_id, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM projects WHERE id = ? RETURNING id`,
			in.Number, in.Title, in.AmountMinor, in.TaxRateBP, RoundTax(in.AmountMinor, in.TaxRateBP), in.Currency, nullStr(in.SignedDate),
			in.Notes, p.UserID, now, now, projectID).Scan(&id)
		if err != nil {
			if db.IsUnique(err) {
				return apperr.InvalidField("number", "funds.err_number_taken")
			}
			return err
		}
		if c, err = loadContract(ctx, tx, projectID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{Internal: true, ProjectID: projectID, Entity: "fund_contract", EntityID: id, Action: "create",
			Summary: c.Number + " " + c.Title, After: contractAudit(c)})
	})
	return c, apperr.Wrap(err)
}

// UpdateContract edits a contract; a stale version is a conflict. Share-
// based milestones follow a changed total (their fen are recomputed).
func (s *Service) UpdateContract(ctx context.Context, p *access.Principal, projectID, id int64, in ContractInput) (Contract, error) {
	if _, _, err := s.can(ctx, p, projectID, true); err != nil {
		return Contract{}, err
	}
	if err := in.Validate(); err != nil {
		return Contract{}, err
	}
	if in.Version <= 0 {
		return Contract{}, apperr.InvalidField("version", "validate.required")
	}
	var c Contract
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := loadContract(ctx, tx, projectID, id)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE fund_contracts SET number = ?, title = ?, amount_minor = ?, tax_rate_bp = ?, tax_minor = ?, currency = ?,
			signed_date = ?, notes = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND version = ? AND deleted_ms IS NULL`,
			in.Number, in.Title, in.AmountMinor, in.TaxRateBP, RoundTax(in.AmountMinor, in.TaxRateBP), in.Currency, nullStr(in.SignedDate),
			in.Notes, db.Now(), id, in.Version)
		if err != nil {
			if db.IsUnique(err) {
				return apperr.InvalidField("number", "funds.err_number_taken")
			}
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		if c, err = loadContract(ctx, tx, projectID, id); err != nil {
			return err
		}
		if c.TotalMinor != before.TotalMinor {
			if err := resplit(ctx, tx, c); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, p, audit.Entry{Internal: true, ProjectID: projectID, Entity: "fund_contract", EntityID: id, Action: "update",
			Summary: c.Number + " " + c.Title, Before: contractAudit(before), After: contractAudit(c)})
	})
	return c, apperr.Wrap(err)
}

// resplit recomputes the fen of a contract's milestones after its total
// changed; when fixed amounts no longer add up, the edit is refused.
func resplit(ctx context.Context, tx *db.Tx, c Contract) error {
	ms, err := loadMilestones(ctx, tx, c.ProjectID, c.ID)
	if err != nil || len(ms) == 0 {
		return err
	}
	rows := make([]MilestoneInput, len(ms))
	for i, m := range ms {
		rows[i] = MilestoneInput{ShareBP: m.ShareBP}
		if m.ShareBP == 0 {
			rows[i].AmountMinor = m.AmountMinor
		}
	}
	amounts, err := SplitShares(c.TotalMinor, rows)
	if err != nil {
		return apperr.InvalidField("amount_minor", "funds.err_schedule_total")
	}
	for i, m := range ms {
		if amounts[i] != m.AmountMinor {
			if _, err := tx.Exec(ctx, `UPDATE fund_milestones SET amount_minor = ?, updated_ms = ?, version = version + 1 WHERE id = ?`, amounts[i], db.Now(), m.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// DeleteContract moves a contract (with its schedule, invoices and
// receipts) to the trash.
func (s *Service) DeleteContract(ctx context.Context, p *access.Principal, projectID, id int64) error {
	if _, _, err := s.can(ctx, p, projectID, true); err != nil {
		return err
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		c, err := loadContract(ctx, tx, projectID, id)
		if err != nil {
			return err
		}
		now := db.Now()
		if _, err := tx.Exec(ctx, `UPDATE fund_contracts SET deleted_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ?`, now, now, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{Internal: true, ProjectID: projectID, Entity: "fund_contract", EntityID: id, Action: "delete", Summary: c.Number + " " + c.Title})
	}))
}

// RestoreContract brings a contract back from the trash; its number must
// still be free.
func (s *Service) RestoreContract(ctx context.Context, p *access.Principal, id int64) error {
	var projectID int64
	if err := s.db.QueryRow(ctx, `SELECT project_id FROM fund_contracts WHERE id = ? AND deleted_ms IS NOT NULL`, id).Scan(&projectID); err != nil {
		return db.NotFound(err)
	}
	if _, _, err := s.can(ctx, p, projectID, true); err != nil {
		return err
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE fund_contracts SET deleted_ms = NULL, updated_ms = ?, version = version + 1 WHERE id = ? AND deleted_ms IS NOT NULL`, db.Now(), id)
		if err != nil {
			if db.IsUnique(err) {
				return apperr.New(apperr.Conflict, "funds.err_restore_number")
			}
			return err
		}
		c, err := loadContract(ctx, tx, projectID, id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{Internal: true, ProjectID: projectID, Entity: "fund_contract", EntityID: id, Action: "restore", Summary: c.Number + " " + c.Title})
	}))
}

// DeletedContracts lists the trashed contracts the caller may restore.
func (s *Service) DeletedContracts(ctx context.Context, p *access.Principal) ([]Contract, error) {
	cond, args := p.Scope().ProjectFilter("pr")
	rows, err := s.db.Query(ctx, `SELECT `+contractCols+contractFrom+` JOIN projects pr ON pr.id = c.project_id
		WHERE c.deleted_ms IS NOT NULL AND pr.deleted_ms IS NULL AND `+cond+` ORDER BY c.deleted_ms DESC LIMIT 200`, args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	var all []Contract
	for rows.Next() {
		c, err := scanContract(rows)
		if err != nil {
			rows.Close()
			return nil, apperr.Wrap(err)
		}
		all = append(all, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, apperr.Wrap(err)
	}
	var out []Contract
	for _, c := range all {
		if _, _, err := s.can(ctx, p, c.ProjectID, true); err == nil {
			out = append(out, c)
		}
	}
	return out, nil
}

// ContractValue is the project's contract value: the sum of its live
// contracts' amounts before tax and their tax, in the first contract's
// currency (contracts in another currency are left out). No contract: 0,
// 0, "CNY". No permission check: for internal callers (the cost centre's
// margin) that checked their own.
func (s *Service) ContractValue(ctx context.Context, projectID int64) (amountMinor, taxMinor int64, currency string, err error) {
	cs, err := s.contracts(ctx, projectID)
	if err != nil {
		return 0, 0, "", err
	}
	currency = "CNY"
	for i, c := range cs {
		if i == 0 {
			currency = c.Currency
		}
		if c.Currency != currency {
			continue
		}
		amountMinor += c.AmountMinor
		taxMinor += c.TaxMinor
	}
	return amountMinor, taxMinor, currency, nil
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}
