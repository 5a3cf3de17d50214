package funds

import (
	"context"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/trash"
)

// ContractTrash lets the trash list and restore contracts.
type ContractTrash struct{ S *Service }

func (t ContractTrash) Deleted(ctx context.Context, p *access.Principal) ([]trash.Item, error) {
	cs, err := t.S.DeletedContracts(ctx, p)
	if err != nil {
		return nil, err
	}
	out := make([]trash.Item, 0, len(cs))
	for _, c := range cs {
		var at int64
		if c.DeletedMS != nil {
			at = *c.DeletedMS
		}
		out = append(out, trash.Item{ID: c.ID, Title: c.Number + " " + c.Title, Context: t.S.projectName(ctx, c.ProjectID), DeletedMS: at})
	}
	return out, nil
}

func (t ContractTrash) Restore(ctx context.Context, p *access.Principal, id int64) error {
	return t.S.RestoreContract(ctx, p, id)
}

// InvoiceTrash lets the trash list and restore invoices.
type InvoiceTrash struct{ S *Service }

func (t InvoiceTrash) Deleted(ctx context.Context, p *access.Principal) ([]trash.Item, error) {
	return t.S.deletedEntries(ctx, p, invoiceLedger)
}

func (t InvoiceTrash) Restore(ctx context.Context, p *access.Principal, id int64) error {
	return t.S.RestoreInvoice(ctx, p, id)
}

// ReceiptTrash lets the trash list and restore receipts.
type ReceiptTrash struct{ S *Service }

func (t ReceiptTrash) Deleted(ctx context.Context, p *access.Principal) ([]trash.Item, error) {
	return t.S.deletedEntries(ctx, p, receiptLedger)
}

func (t ReceiptTrash) Restore(ctx context.Context, p *access.Principal, id int64) error {
	return t.S.RestoreReceipt(ctx, p, id)
}

func (s *Service) projectName(ctx context.Context, id int64) string {
	var code, name string
	_ = s.db.QueryRow(ctx, `SELECT code, name FROM projects WHERE id = ?`, id).Scan(&code, &name)
	return code + " · " + name
}

// deletedEntries lists trashed invoices or receipts of live contracts on
// projects where the caller manages funds.
func (s *Service) deletedEntries(ctx context.Context, p *access.Principal, k ledgerKind) ([]trash.Item, error) {
	cond, args := p.Scope().ProjectFilter("pr")
	rows, err := s.db.Query(ctx, `SELECT x.id, x.project_id, x.deleted_ms FROM `+k.table+` x JOIN projects pr ON pr.id = x.project_id
		JOIN fund_contracts c ON c.id = x.contract_id
		WHERE x.deleted_ms IS NOT NULL AND c.deleted_ms IS NULL AND pr.deleted_ms IS NULL AND `+cond+` ORDER BY x.deleted_ms DESC LIMIT 200`, args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	type row struct{ id, project, at int64 }
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.project, &r.at); err != nil {
			rows.Close()
			return nil, apperr.Wrap(err)
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, apperr.Wrap(err)
	}
	out := []trash.Item{}
	for _, r := range all {
		if _, _, err := s.can(ctx, p, r.project, true); err != nil {
			continue
		}
		out = append(out, trash.Item{ID: r.id, Title: entrySummary(ctx, s.db, k, r.id), Context: s.projectName(ctx, r.project), DeletedMS: r.at})
	}
	return out, nil
}
