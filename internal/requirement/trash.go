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

// TrashSource lets the trash list and restore requirements.
type TrashSource struct{ S *Service }

func (t TrashSource) Deleted(ctx context.Context, p *access.Principal) ([]trash.Item, error) {
	rs, err := t.S.Deleted(ctx, p)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ProjectID
	}
	names := t.S.projectNames(ctx, ids)
	out := make([]trash.Item, 0, len(rs))
	for _, r := range rs {
		var at int64
		if r.DeletedMS != nil {
			at = *r.DeletedMS
		}
		out = append(out, trash.Item{ID: r.ID, Title: r.Ref() + " " + r.Title, Context: names[r.ProjectID], DeletedMS: at})
	}
	return out, nil
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
	ids := make([]int64, len(fs))
	for i, f := range fs {
		ids[i] = f.ProjectID
	}
	names := t.S.projectNames(ctx, ids)
	out := make([]trash.Item, 0, len(fs))
	for _, f := range fs {
		var at int64
		if f.DeletedMS != nil {
			at = *f.DeletedMS
		}
		out = append(out, trash.Item{ID: f.ID, Title: f.Ref() + " " + f.Title, Context: names[f.ProjectID], DeletedMS: at})
	}
	return out, nil
}

func (t FunctionTrashSource) Restore(ctx context.Context, p *access.Principal, id int64) error {
	return t.S.RestoreFunction(ctx, p, id)
}
