package methodology

import (
	"context"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
)

// Templates are instance-wide. Vendor accounts read them (a PM picks one
// for a project, a consultant reads the standard manual); administrators
// create, copy, edit and delete them. For customers they do not exist.

func canReadTemplates(p *access.Principal) bool { return p != nil && p.Vendor }

const templateCols = `id, name, description, body, builtin, created_ms, updated_ms, version`

func scanTemplate(r interface{ Scan(...any) error }) (Template, error) {
	var t Template
	var body string
	if err := r.Scan(&t.ID, &t.Name, &t.Description, &body, &t.Builtin, &t.CreatedMS, &t.UpdatedMS, &t.Version); err != nil {
		return t, err
	}
	b, err := ParseBody(body)
	if err != nil {
		return t, err
	}
	t.Body = b
	t.count()
	return t, nil
}

func getTemplate(ctx context.Context, q db.Q, id int64) (Template, error) {
	t, err := scanTemplate(q.QueryRow(ctx, `SELECT `+templateCols+` FROM templates WHERE id = ? AND deleted_ms IS NULL`, id))
	return t, db.NotFound(err)
}

// ListTemplates returns the live templates, the built-in one first.
func (s *Service) ListTemplates(ctx context.Context, p *access.Principal) ([]Template, error) {
	if !canReadTemplates(p) {
		return nil, apperr.NotFoundErr()
	}
	rows, err := s.db.Query(ctx, `SELECT `+templateCols+` FROM templates WHERE deleted_ms IS NULL ORDER BY builtin DESC, name, id`)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []Template{}
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		out = append(out, t)
	}
	return out, apperr.Wrap(rows.Err())
}

// GetTemplate returns one live template.
func (s *Service) GetTemplate(ctx context.Context, p *access.Principal, id int64) (Template, error) {
	if !canReadTemplates(p) {
		return Template{}, apperr.NotFoundErr()
	}
	return getTemplate(ctx, s.db, id)
}

func templateAudit(t Template) map[string]any {
	return map[string]any{"name": t.Name, "description": t.Description, "phases": t.PhaseCount, "tasks": t.TaskCount, "version": t.Version}
}

// CreateTemplate stores a new template (administrators).
func (s *Service) CreateTemplate(ctx context.Context, p *access.Principal, in TemplateInput) (Template, []Problem, error) {
	if !p.CanAdminister() {
		return Template{}, nil, apperr.NotFoundErr()
	}
	if probs, err := in.Validate(false); err != nil {
		return Template{}, probs, err
	}
	var out Template
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO templates (name, description, body, builtin, created_by, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.Name, in.Description, in.Body.JSON(), false, p.UserID, now, now).Scan(&id); err != nil {
			return err
		}
		var err error
		if out, err = getTemplate(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{Entity: "template", EntityID: id, Action: "create", Summary: out.Name, After: templateAudit(out)})
	})
	return out, nil, apperr.Wrap(err)
}

// UpdateTemplate edits a template. The built-in one is read-only (copy it
// to tailor it); a stale version is a conflict.
func (s *Service) UpdateTemplate(ctx context.Context, p *access.Principal, id int64, in TemplateInput) (Template, []Problem, error) {
	if !p.CanAdminister() {
		return Template{}, nil, apperr.NotFoundErr()
	}
	before, err := getTemplate(ctx, s.db, id)
	if err != nil {
		return Template{}, nil, err
	}
	if before.Builtin {
		return Template{}, nil, apperr.New(apperr.Conflict, "meth.tpl.builtin_readonly")
	}
	if probs, err := in.Validate(true); err != nil {
		return Template{}, probs, err
	}
	var out Template
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE templates SET name = ?, description = ?, body = ?, updated_ms = ?, version = version + 1
			WHERE id = ? AND version = ? AND deleted_ms IS NULL AND builtin = ?`, in.Name, in.Description, in.Body.JSON(), db.Now(), id, in.Version, false)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		if out, err = getTemplate(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{Entity: "template", EntityID: id, Action: "update", Summary: out.Name, Before: templateAudit(before), After: templateAudit(out)})
	})
	return out, nil, apperr.Wrap(err)
}

// CopyTemplate makes an editable copy named name (or "<name>（副本）").
func (s *Service) CopyTemplate(ctx context.Context, p *access.Principal, id int64, name string) (Template, error) {
	if !p.CanAdminister() {
		return Template{}, apperr.NotFoundErr()
	}
	src, err := getTemplate(ctx, s.db, id)
	if err != nil {
		return Template{}, err
	}
	if name == "" {
		name = src.Name + "（副本）"
	}
	in := TemplateInput{Name: name, Description: src.Description, Body: src.Body}
	if _, err := in.Validate(false); err != nil {
		return Template{}, err
	}
	var out Template
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		var nid int64
		if err := tx.QueryRow(ctx, `INSERT INTO templates (name, description, body, builtin, created_by, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.Name, in.Description, in.Body.JSON(), false, p.UserID, now, now).Scan(&nid); err != nil {
			return err
		}
		if out, err = getTemplate(ctx, tx, nid); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{Entity: "template", EntityID: nid, Action: "copy", Summary: out.Name,
			Before: map[string]any{"source_id": src.ID, "source": src.Name}, After: templateAudit(out)})
	})
	return out, apperr.Wrap(err)
}

// DeleteTemplate moves a template to the trash; projects made from it keep
// their plan (a plan is a copy, never a reference).
func (s *Service) DeleteTemplate(ctx context.Context, p *access.Principal, id int64) error {
	if !p.CanAdminister() {
		return apperr.NotFoundErr()
	}
	t, err := getTemplate(ctx, s.db, id)
	if err != nil {
		return err
	}
	if t.Builtin {
		return apperr.New(apperr.Conflict, "meth.tpl.builtin_undeletable")
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE templates SET deleted_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND deleted_ms IS NULL`, db.Now(), db.Now(), id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{Entity: "template", EntityID: id, Action: "delete", Summary: t.Name, Before: templateAudit(t)})
	}))
}
