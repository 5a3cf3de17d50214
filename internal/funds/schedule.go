package funds

import (
	"context"
	"database/sql"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
)

const milestoneSelect = `SELECT fm.id, fm.project_id, fm.contract_id, fm.seq, fm.kind, fm.name, fm.share_bp, fm.amount_minor, fm.trigger_kind,
	COALESCE(fm.trigger_id, 0), COALESCE(fm.planned_date, ''), fm.warranty_months, fm.notes, fm.version,
	COALESCE(pm.name, d.name, ''), CASE WHEN pm.id IS NOT NULL THEN pm.customer_visible WHEN d.id IS NOT NULL THEN d.customer_visible ELSE TRUE END,
	CASE WHEN pm.status = 'done' THEN COALESCE(pm.done_date, '') ELSE '' END,
	CASE WHEN d.status = 'accepted' THEN d.reviewed_ms END
	FROM fund_milestones fm
	JOIN fund_contracts c ON c.id = fm.contract_id AND c.deleted_ms IS NULL
	LEFT JOIN milestones pm ON fm.trigger_kind = 'milestone' AND pm.id = fm.trigger_id AND pm.deleted_ms IS NULL
	LEFT JOIN deliverables d ON fm.trigger_kind = 'document' AND d.id = fm.trigger_id AND d.deleted_ms IS NULL
	WHERE fm.deleted_ms IS NULL AND `

// queryMilestones reads the live milestones of live contracts matching
// where (on alias fm), with what was invoiced and received up to asOf
// (every receipt when asOf is ""), aged as of asOf (today when "").
func queryMilestones(ctx context.Context, q db.Q, where string, args []any, asOf string) ([]Milestone, error) {
	rows, err := q.Query(ctx, milestoneSelect+where+` ORDER BY fm.project_id, fm.contract_id, fm.seq, fm.id`, args...)
	if err != nil {
		return nil, err
	}
	out := []Milestone{}
	idx := map[int64]int{}
	for rows.Next() {
		var m Milestone
		var visible any
		var reviewed sql.NullInt64
		if err := rows.Scan(&m.ID, &m.ProjectID, &m.ContractID, &m.Seq, &m.Kind, &m.Name, &m.ShareBP, &m.AmountMinor, &m.Trigger,
			&m.TriggerID, &m.PlannedDate, &m.WarrantyMonths, &m.Notes, &m.Version, &m.TriggerName, &visible, &m.TriggerDate, &reviewed); err != nil {
			rows.Close()
			return nil, err
		}
		if reviewed.Valid {
			m.TriggerDate = dateOfMS(reviewed.Int64)
		}
		m.triggerInternal = !truthy(visible)
		m.DueDate = DueDate(m.Trigger, m.PlannedDate, m.TriggerDate, m.WarrantyMonths)
		idx[m.ID] = len(out)
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	sub := `SELECT fm.id FROM fund_milestones fm JOIN fund_contracts c ON c.id = fm.contract_id AND c.deleted_ms IS NULL WHERE fm.deleted_ms IS NULL AND ` + where
	sums := func(sel, table, dateCol string, add func(m *Milestone, v int64)) error {
		cond, a := "", []any{}
		if asOf != "" {
			cond, a = " AND x."+dateCol+" <= ?", []any{asOf}
		}
		a = append(a, args...)
		r, err := q.Query(ctx, `SELECT x.milestone_id, SUM(`+sel+`) FROM `+table+` x WHERE x.deleted_ms IS NULL`+cond+
			` AND x.milestone_id IN (`+sub+`) GROUP BY x.milestone_id`, a...)
		if err != nil {
			return err
		}
		defer r.Close()
		for r.Next() {
			var id, v int64
			if err := r.Scan(&id, &v); err != nil {
				return err
			}
			if i, ok := idx[id]; ok {
				add(&out[i], v)
			}
		}
		return r.Err()
	}
	if err := sums("x.amount_minor + x.tax_minor", "fund_invoices", "issue_date", func(m *Milestone, v int64) { m.InvoicedMinor = v }); err != nil {
		return nil, err
	}
	if err := sums("x.amount_minor", "fund_receipts", "receipt_date", func(m *Milestone, v int64) { m.ReceivedMinor = v }); err != nil {
		return nil, err
	}
	day := asOf
	if day == "" {
		day = Today()
	}
	for i := range out {
		out[i].Age(day)
	}
	return out, nil
}

func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case int64:
		return x != 0
	case int:
		return x != 0
	case []byte:
		return string(x) == "1" || string(x) == "t" || string(x) == "true"
	case string:
		return x == "1" || x == "t" || x == "true"
	}
	return true
}

func loadMilestones(ctx context.Context, q db.Q, projectID, contractID int64) ([]Milestone, error) {
	return queryMilestones(ctx, q, `fm.project_id = ? AND fm.contract_id = ?`, []any{projectID, contractID}, "")
}

// redactMilestones removes what only vendor staff see: internal notes and
// the name of a trigger that is not customer-visible.
func redactMilestones(v View, ms []Milestone) {
	if v == ViewFull {
		return
	}
	for i := range ms {
		ms[i].Notes = ""
		if ms[i].triggerInternal {
			ms[i].TriggerName = ""
		}
	}
}

// Milestones lists a contract's payment milestones with invoiced, received,
// outstanding and ageing as of today.
func (s *Service) Milestones(ctx context.Context, p *access.Principal, projectID, contractID int64) ([]Milestone, View, error) {
	_, v, err := s.can(ctx, p, projectID, false)
	if err != nil {
		return nil, v, err
	}
	if _, err := loadContract(ctx, s.db, projectID, contractID); err != nil {
		return nil, v, err
	}
	ms, err := loadMilestones(ctx, s.db, projectID, contractID)
	if err != nil {
		return nil, v, apperr.Wrap(err)
	}
	redactMilestones(v, ms)
	return ms, v, nil
}

// ProjectMilestones lists every payment milestone of the project's live
// contracts, aged as of asOf ("" = today).
func (s *Service) ProjectMilestones(ctx context.Context, p *access.Principal, projectID int64, asOf string) ([]Milestone, View, error) {
	_, v, err := s.can(ctx, p, projectID, false)
	if err != nil {
		return nil, v, err
	}
	ms, err := queryMilestones(ctx, s.db, `fm.project_id = ?`, []any{projectID}, asOf)
	if err != nil {
		return nil, v, apperr.Wrap(err)
	}
	redactMilestones(v, ms)
	return ms, v, nil
}

// TriggerOption is a project milestone or deliverable a payment milestone
// can wait for.
type TriggerOption struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// TriggerOptions lists the project's milestones and deliverables (for the
// schedule form).
func (s *Service) TriggerOptions(ctx context.Context, p *access.Principal, projectID int64) (milestones, documents []TriggerOption, err error) {
	if _, _, err := s.can(ctx, p, projectID, true); err != nil {
		return nil, nil, err
	}
	read := func(table string) ([]TriggerOption, error) {
		rows, err := s.db.Query(ctx, `SELECT id, name FROM `+table+` WHERE project_id = ? AND deleted_ms IS NULL ORDER BY due_date, id`, projectID)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		defer rows.Close()
		out := []TriggerOption{}
		for rows.Next() {
			var o TriggerOption
			if err := rows.Scan(&o.ID, &o.Name); err != nil {
				return nil, apperr.Wrap(err)
			}
			out = append(out, o)
		}
		return out, apperr.Wrap(rows.Err())
	}
	if milestones, err = read("milestones"); err != nil {
		return nil, nil, err
	}
	documents, err = read("deliverables")
	return milestones, documents, err
}

func milestoneAudit(ms []Milestone) []map[string]any {
	out := make([]map[string]any, len(ms))
	for i, m := range ms {
		out[i] = map[string]any{"id": m.ID, "kind": m.Kind, "name": m.Name, "share_bp": m.ShareBP, "amount_minor": m.AmountMinor,
			"trigger": m.Trigger, "trigger_id": m.TriggerID, "planned_date": m.PlannedDate, "warranty_months": m.WarrantyMonths}
	}
	return out
}

// SetSchedule replaces a contract's payment milestones. Shares must add up
// to 100 % (or amounts to the contract total); a milestone that carries
// invoices or receipts cannot be removed; the contract's version guards the
// whole schedule (409 when stale).
func (s *Service) SetSchedule(ctx context.Context, p *access.Principal, projectID, contractID int64, in ScheduleInput) ([]Milestone, error) {
	if _, _, err := s.can(ctx, p, projectID, true); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out []Milestone
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		c, err := loadContract(ctx, tx, projectID, contractID)
		if err != nil {
			return err
		}
		amounts, err := SplitShares(c.TotalMinor, in.Milestones)
		if err != nil {
			return err
		}
		before, err := loadMilestones(ctx, tx, projectID, contractID)
		if err != nil {
			return err
		}
		existing := map[int64]Milestone{}
		for _, m := range before {
			existing[m.ID] = m
		}
		kept := map[int64]bool{}
		for i, r := range in.Milestones {
			if r.ID != 0 {
				if _, ok := existing[r.ID]; !ok || kept[r.ID] {
					return apperr.InvalidField("milestones."+itoa(i)+".id", "error.not_found")
				}
				kept[r.ID] = true
			}
			if r.Trigger != TriggerDate {
				table := "milestones"
				if r.Trigger == TriggerDocument {
					table = "deliverables"
				}
				var one int
				if err := tx.QueryRow(ctx, `SELECT 1 FROM `+table+` WHERE id = ? AND project_id = ? AND deleted_ms IS NULL`, r.TriggerID, projectID).Scan(&one); err != nil {
					return apperr.InvalidField("milestones."+itoa(i)+".trigger_id", "funds.err_trigger")
				}
			}
		}
		now := db.Now()
		for _, m := range before {
			if kept[m.ID] {
				continue
			}
			var n int64
			if err := tx.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM fund_invoices WHERE milestone_id = ? AND deleted_ms IS NULL) +
				(SELECT COUNT(*) FROM fund_receipts WHERE milestone_id = ? AND deleted_ms IS NULL)`, m.ID, m.ID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return apperr.InvalidField("milestones", "funds.err_remove_used", m.Name)
			}
			if _, err := tx.Exec(ctx, `UPDATE fund_milestones SET deleted_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ?`, now, now, m.ID); err != nil {
				return err
			}
		}
		for i, r := range in.Milestones {
			name := r.Name
			if name == "" {
				name = defaultName(r.Kind)
			}
			var trig any
			if r.TriggerID > 0 {
				trig = r.TriggerID
			}
			if r.ID != 0 {
				_, err = tx.Exec(ctx, `UPDATE fund_milestones SET seq = ?, kind = ?, name = ?, share_bp = ?, amount_minor = ?, trigger_kind = ?, trigger_id = ?,
					planned_date = ?, warranty_months = ?, notes = ?, updated_ms = ?, version = version + 1 WHERE id = ?`,
					i+1, r.Kind, name, r.ShareBP, amounts[i], r.Trigger, trig, nullStr(r.PlannedDate), r.WarrantyMonths, r.Notes, now, r.ID)
			} else {
				_, err = tx.Exec(ctx, `INSERT INTO fund_milestones (project_id, contract_id, seq, kind, name, share_bp, amount_minor, trigger_kind, trigger_id,
					planned_date, warranty_months, notes, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					projectID, contractID, i+1, r.Kind, name, r.ShareBP, amounts[i], r.Trigger, trig, nullStr(r.PlannedDate), r.WarrantyMonths, r.Notes, now, now)
			}
			if err != nil {
				return err
			}
		}
		res, err := tx.Exec(ctx, `UPDATE fund_contracts SET updated_ms = ?, version = version + 1 WHERE id = ? AND version = ?`, now, contractID, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		if out, err = loadMilestones(ctx, tx, projectID, contractID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{Internal: true, ProjectID: projectID, Entity: "fund_contract", EntityID: contractID, Action: "schedule",
			Summary: c.Number, Before: map[string]any{"payment_milestones": milestoneAudit(before)}, After: map[string]any{"payment_milestones": milestoneAudit(out)}})
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	return out, nil
}

// defaultName is the Chinese name of a milestone kind (the stored name is
// what the contract says; the page translates kinds, not names).
func defaultName(kind string) string {
	switch kind {
	case KindAdvance:
		return "首付款"
	case KindProgress:
		return "进度款"
	case KindAcceptance:
		return "验收款"
	case KindRetention:
		return "质保金"
	}
	return "其他款项"
}
