package finance

import (
	"context"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/db"
	"golive/internal/trash"
)

// LaborTrash lists and restores deleted draft labor records: the caller's
// own (administrators: all) on projects where they may still enter labor.
type LaborTrash struct{ S *Service }

func (t LaborTrash) Deleted(ctx context.Context, p *access.Principal) ([]trash.Item, error) {
	q := `SELECT l.id, l.project_id, l.work_date, COALESCE(u.name, w.name, ''), l.qty_centi, l.unit, pr.name, l.deleted_ms
		FROM labor_records l JOIN projects pr ON pr.id = l.project_id
		LEFT JOIN users u ON u.id = l.user_id LEFT JOIN workers w ON w.id = l.worker_id
		WHERE l.deleted_ms IS NOT NULL AND pr.deleted_ms IS NULL`
	var args []any
	if !p.CanAdminister() {
		q += ` AND (l.created_by = ? OR l.user_id = ?)`
		args = append(args, p.UserID, p.UserID)
	}
	rows, err := t.S.db.Query(ctx, q+` ORDER BY l.deleted_ms DESC LIMIT 500`, args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	type row struct {
		item trash.Item
		pid  int64
	}
	var rs []row
	for rows.Next() {
		var r row
		var date, name, unit string
		var qty int64
		if err := rows.Scan(&r.item.ID, &r.pid, &date, &name, &qty, &unit, &r.item.Context, &r.item.DeletedMS); err != nil {
			rows.Close()
			return nil, apperr.Wrap(err)
		}
		r.item.Title = date + " " + name + " " + Qty(qty).String() + map[string]string{UnitHour: " h", UnitDay: " 工日"}[unit]
		rs = append(rs, r)
	}
	rows.Close()
	out := []trash.Item{}
	for _, r := range rs {
		if _, err := t.S.laborAccess(ctx, p, r.pid); err != nil {
			continue
		}
		out = append(out, r.item)
	}
	return out, apperr.Wrap(rows.Err())
}

func (t LaborTrash) Restore(ctx context.Context, p *access.Principal, id int64) error {
	return t.S.RestoreLabor(ctx, p, id)
}

// RestoreLabor brings back a deleted draft, if it still fits: the month
// must be open and the person's day must stay within 24 hours.
func (s *Service) RestoreLabor(ctx context.Context, p *access.Principal, id int64) error {
	var projectID int64
	if err := s.db.QueryRow(ctx, `SELECT project_id FROM labor_records WHERE id = ? AND deleted_ms IS NOT NULL`, id).Scan(&projectID); err != nil {
		return db.NotFound(err)
	}
	rt, err := s.laborAccess(ctx, p, projectID)
	if err != nil {
		return err
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID); err != nil {
			return err
		}
		var in LaborInput
		var uid, wid, qty int64
		if err := tx.QueryRow(ctx, `SELECT work_date, COALESCE(user_id, 0), COALESCE(worker_id, 0), unit, qty_centi, COALESCE(task_id, 0) FROM labor_records WHERE id = ? AND deleted_ms IS NOT NULL`, id).
			Scan(&in.Date, &uid, &wid, &in.Unit, &qty, &in.TaskID); err != nil {
			return db.NotFound(err)
		}
		in.UserID, in.WorkerID, in.Qty = uid, wid, Qty(qty)
		if !rt.mayTouch(p, uid) || (wid != 0 && !rt.others) {
			return apperr.NotFoundErr()
		}
		if _, err := checkRecord(ctx, tx, projectID, id, &in); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE labor_records SET deleted_ms = NULL, updated_ms = ?, version = version + 1 WHERE id = ?`, db.Now(), id); err != nil {
			return err
		}
		return auditRecord(ctx, tx, p, projectID, "labor_record", id, "restore", in.Date, in)
	}))
}
