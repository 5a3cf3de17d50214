package research

import (
	"context"

	"golive/internal/access"
	"golive/internal/trash"
)

func (s *Service) projectLabel(ctx context.Context, id int64, cache map[int64]string) string {
	if l, ok := cache[id]; ok {
		return l
	}
	var code, name string
	if err := s.db.QueryRow(ctx, `SELECT code, name FROM projects WHERE id = ?`, id).Scan(&code, &name); err == nil {
		cache[id] = code + " · " + name
	}
	return cache[id]
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// TemplateTrash lists and restores library templates.
type TemplateTrash struct{ S *Service }

func (t TemplateTrash) Deleted(ctx context.Context, p *access.Principal) ([]trash.Item, error) {
	ts, err := t.S.DeletedTemplates(ctx, p)
	if err != nil {
		return nil, err
	}
	out := make([]trash.Item, 0, len(ts))
	for _, x := range ts {
		out = append(out, trash.Item{ID: x.ID, Title: x.Name, DeletedMS: deref(x.DeletedMS)})
	}
	return out, nil
}

func (t TemplateTrash) Restore(ctx context.Context, p *access.Principal, id int64) error {
	return t.S.RestoreTemplate(ctx, p, id)
}

// QuestionnaireTrash lists and restores project questionnaires.
type QuestionnaireTrash struct{ S *Service }

func (t QuestionnaireTrash) Deleted(ctx context.Context, p *access.Principal) ([]trash.Item, error) {
	qs, err := t.S.DeletedQuestionnaires(ctx, p)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	out := make([]trash.Item, 0, len(qs))
	for _, x := range qs {
		out = append(out, trash.Item{ID: x.ID, Title: x.Title, Context: t.S.projectLabel(ctx, x.ProjectID, names), DeletedMS: deref(x.DeletedMS)})
	}
	return out, nil
}

func (t QuestionnaireTrash) Restore(ctx context.Context, p *access.Principal, id int64) error {
	return t.S.RestoreQuestionnaire(ctx, p, id)
}

// RecordTrash lists and restores interview and observation records.
type RecordTrash struct{ S *Service }

func (t RecordTrash) Deleted(ctx context.Context, p *access.Principal) ([]trash.Item, error) {
	rs, err := t.S.DeletedRecords(ctx, p)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	out := make([]trash.Item, 0, len(rs))
	for _, x := range rs {
		out = append(out, trash.Item{ID: x.ID, Title: x.HeldDate + " " + x.Title, Context: t.S.projectLabel(ctx, x.ProjectID, names), DeletedMS: deref(x.DeletedMS)})
	}
	return out, nil
}

func (t RecordTrash) Restore(ctx context.Context, p *access.Principal, id int64) error {
	_, err := t.S.RestoreRecord(ctx, p, 0, id)
	return err
}
