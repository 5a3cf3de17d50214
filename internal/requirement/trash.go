package requirement

import (
	"context"

	"golive/internal/access"
	"golive/internal/trash"
)

func (s *Service) projectNames(ctx context.Context, ids []int64) map[int64]string {
	names := map[int64]string{}
	for _, id := range ids {
		if _, ok := names[id]; ok {
			continue
		}
		var code, name string
		if err := s.db.QueryRow(ctx, `SELECT code, name FROM projects WHERE id = ?`, id).Scan(&code, &name); err == nil {
			names[id] = code + " · " + name
		}
	}
	return names
}

// trashItems lists trashed rows for the trash page, each named with its
// project; of names a row's id, project, title and when it was deleted.
func trashItems[T any](ctx context.Context, s *Service, rows []T, of func(T) (id, projectID int64, title string, deletedMS *int64)) []trash.Item {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		_, ids[i], _, _ = of(r)
	}
	names := s.projectNames(ctx, ids)
	out := make([]trash.Item, 0, len(rows))
	for _, r := range rows {
		id, projectID, title, deleted := of(r)
		var at int64
		if deleted != nil {
			at = *deleted
		}
		out = append(out, trash.Item{ID: id, Title: title, Context: names[projectID], DeletedMS: at})
	}
	return out
}

// TrashSource lets the trash list and restore requirements.
type TrashSource struct{ S *Service }

func (t TrashSource) Deleted(ctx context.Context, p *access.Principal) ([]trash.Item, error) {
	rs, err := t.S.Deleted(ctx, p)
	if err != nil {
		return nil, err
	}
	return trashItems(ctx, t.S, rs, func(r Requirement) (int64, int64, string, *int64) {
		return r.ID, r.ProjectID, r.Ref() + " " + r.Title, r.DeletedMS
	}), nil
}

func (t TrashSource) Restore(ctx context.Context, p *access.Principal, id int64) error {
	return t.S.Restore(ctx, p, id)
}

// FunctionTrashSource lets the trash list and restore functions.
type FunctionTrashSource struct{ S *Service }

func (t FunctionTrashSource) Deleted(ctx context.Context, p *access.Principal) ([]trash.Item, error) {
	fs, err := t.S.DeletedFunctions(ctx, p)
	if err != nil {
		return nil, err
	}
	return trashItems(ctx, t.S, fs, func(f Function) (int64, int64, string, *int64) {
		return f.ID, f.ProjectID, f.Ref() + " " + f.Title, f.DeletedMS
	}), nil
}

func (t FunctionTrashSource) Restore(ctx context.Context, p *access.Principal, id int64) error {
	return t.S.RestoreFunction(ctx, p, id)
}
