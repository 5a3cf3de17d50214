package datamigration

import (
	"context"

	"golive/internal/access"
	"golive/internal/trash"
)

// TrashSource lets the trash list and restore migration objects.
type TrashSource struct{ S *Service }

func (t TrashSource) Deleted(ctx context.Context, p *access.Principal) ([]trash.Item, error) {
	os, err := t.S.DeletedObjects(ctx, p)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	out := make([]trash.Item, 0, len(os))
	for _, o := range os {
		if _, ok := names[o.ProjectID]; !ok {
			var code, name string
			if err := t.S.db.QueryRow(ctx, `SELECT code, name FROM projects WHERE id = ?`, o.ProjectID).Scan(&code, &name); err == nil {
				names[o.ProjectID] = code + " · " + name
			}
		}
		var at int64
		if o.DeletedMS != nil {
			at = *o.DeletedMS
		}
		out = append(out, trash.Item{ID: o.ID, Title: o.Code + " " + o.Name, Context: names[o.ProjectID], DeletedMS: at})
	}
	return out, nil
}

func (t TrashSource) Restore(ctx context.Context, p *access.Principal, id int64) error {
	return t.S.RestoreObject(ctx, p, id)
}
