package work

import (
	"context"
	"database/sql"
	"errors"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/trash"
)

// StatusTrashSource lets the trash list and restore removed workflow
// statuses, next to the workflow page's own restore list: a PM sees those
// of the projects they lead, an administrator all.
type StatusTrashSource struct{ S *Service }

func (t StatusTrashSource) Deleted(ctx context.Context, p *access.Principal) ([]trash.Item, error) {
	if !p.Vendor {
		return nil, nil
	}
	cond := "1=1"
	var args []any
	if !p.CanAdminister() {
		cond = "ws.project_id IN (SELECT project_id FROM project_members WHERE user_id = ? AND role = ? AND deleted_ms IS NULL)"
		args = append(args, p.UserID, string(access.RolePM))
	}
	rows, err := t.S.db.Query(ctx, `SELECT ws.id, ws.key, ws.name, ws.deleted_ms, pr.code, pr.name FROM workflow_statuses ws JOIN projects pr ON pr.id = ws.project_id
		WHERE ws.deleted_ms IS NOT NULL AND pr.deleted_ms IS NULL AND `+cond+` ORDER BY ws.deleted_ms DESC LIMIT 500`, args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	var out []trash.Item
	for rows.Next() {
		var it trash.Item
		var key, name, code, pname string
		if err := rows.Scan(&it.ID, &key, &name, &it.DeletedMS, &code, &pname); err != nil {
			return nil, apperr.Wrap(err)
		}
		it.Title = key
		if name != "" {
			it.Title = name + " (" + key + ")"
		}
		it.Context = code + " · " + pname
		out = append(out, it)
	}
	return out, apperr.Wrap(rows.Err())
}

func (t StatusTrashSource) Restore(ctx context.Context, p *access.Principal, id int64) error {
	var projectID int64
	err := t.S.db.QueryRow(ctx, `SELECT project_id FROM workflow_statuses WHERE id = ?`, id).Scan(&projectID)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFoundErr()
	}
	if err != nil {
		return apperr.Wrap(err)
	}
	_, err = t.S.RestoreStatus(ctx, p, projectID, id)
	return err
}
