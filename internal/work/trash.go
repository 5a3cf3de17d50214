package work

import (
	"context"
	"strconv"

	"golive/internal/access"
	"golive/internal/trash"
)

// TrashSource lets the trash list and restore tasks.
type TrashSource struct{ S *Service }

func (t TrashSource) Deleted(ctx context.Context, p *access.Principal) ([]trash.Item, error) {
	ts, err := t.S.Deleted(ctx, p)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	out := make([]trash.Item, 0, len(ts))
	for _, task := range ts {
		if _, ok := names[task.ProjectID]; !ok {
			var code, name string
			if err := t.S.db.QueryRow(ctx, `SELECT code, name FROM projects WHERE id = ?`, task.ProjectID).Scan(&code, &name); err == nil {
				names[task.ProjectID] = code + " · " + name
			}
		}
		var at int64
		if task.DeletedMS != nil {
			at = *task.DeletedMS
		}
		out = append(out, trash.Item{ID: task.ID, Title: "#" + strconv.FormatInt(task.Number, 10) + " " + task.Title, Context: names[task.ProjectID], DeletedMS: at})
	}
	return out, nil
}

func (t TrashSource) Restore(ctx context.Context, p *access.Principal, id int64) error {
	return t.S.Restore(ctx, p, id)
}
