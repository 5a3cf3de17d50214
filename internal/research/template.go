package research

import (
	"context"
	"embed"
	"encoding/json"
	"io/fs"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/validate"
)

// Template is a questionnaire of the instance-wide library, copied into
// projects.
type Template struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Body        Body   `json:"body"`
	BuiltinKey  string `json:"builtin_key,omitempty"`
	Questions   int    `json:"question_count"`
	CreatedMS   int64  `json:"created_ms"`
	UpdatedMS   int64  `json:"updated_ms"`
	DeletedMS   *int64 `json:"deleted_ms,omitempty"`
	Version     int64  `json:"version"`
}

// TemplateInput creates or changes a template. The body comes either as
// structure (Body, the API) or in the editing format (BodyText, the page).
type TemplateInput struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Body        *Body  `json:"body,omitempty"`
	BodyText    string `json:"body_text,omitempty"`
	Version     int64  `json:"version,omitempty"` // updates: the version read
}

// body validates the input's body in whichever form it came.
func inputBody(b *Body, text string) (Body, error) {
	if b != nil {
		out := *b
		if err := out.Normalize("body"); err != nil {
			return Body{}, err
		}
		return out, nil
	}
	if strings.TrimSpace(text) == "" {
		return Body{}, apperr.InvalidField("body", "validate.required")
	}
	return ParseText(text)
}

// Validate checks the input and returns its body.
func (in *TemplateInput) Validate() (Body, error) {
	var f apperr.Fields
	validate.Line(&f, "name", &in.Name, 1, 80)
	validate.Text(&f, "description", &in.Description, 0, 2000)
	if err := f.Err(); err != nil {
		return Body{}, err
	}
	return inputBody(in.Body, in.BodyText)
}

const templateCols = `id, name, description, body_json, builtin_key, created_ms, updated_ms, deleted_ms, version`

func scanTemplate(r interface{ Scan(...any) error }) (Template, error) {
	var t Template
	var body string
	if err := r.Scan(&t.ID, &t.Name, &t.Description, &body, &t.BuiltinKey, &t.CreatedMS, &t.UpdatedMS, &t.DeletedMS, &t.Version); err != nil {
		return t, err
	}
	t.Body = decodeBody(body)
	t.Questions = len(t.Body.Questions())
	return t, nil
}

func loadTemplate(ctx context.Context, q db.Q, id int64) (Template, error) {
	t, err := scanTemplate(q.QueryRow(ctx, `SELECT `+templateCols+` FROM rs_templates WHERE id = ? AND deleted_ms IS NULL`, id))
	if err != nil {
		return t, db.NotFound(err)
	}
	return t, nil
}

// libraryRead: vendor accounts read the library; customers never see it.
func libraryRead(p *access.Principal) error {
	if p == nil || !p.Vendor {
		return apperr.NotFoundErr()
	}
	return nil
}

func libraryManage(p *access.Principal) error {
	if err := libraryRead(p); err != nil {
		return err
	}
	if !CanManageLibrary(p) {
		return apperr.ForbiddenErr()
	}
	return nil
}

// Templates lists the library.
func (s *Service) Templates(ctx context.Context, p *access.Principal) ([]Template, error) {
	if err := libraryRead(p); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT `+templateCols+` FROM rs_templates WHERE deleted_ms IS NULL ORDER BY name, id`)
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

// Template returns one template of the library.
func (s *Service) Template(ctx context.Context, p *access.Principal, id int64) (Template, error) {
	if err := libraryRead(p); err != nil {
		return Template{}, err
	}
	return loadTemplate(ctx, s.db, id)
}

// CreateTemplate adds a template to the library.
func (s *Service) CreateTemplate(ctx context.Context, p *access.Principal, in TemplateInput) (Template, error) {
	if err := libraryManage(p); err != nil {
		return Template{}, err
	}
	body, err := in.Validate()
	if err != nil {
		return Template{}, err
	}
	var t Template
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO rs_templates (name, description, body_json, created_by, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			in.Name, in.Description, mustJSON(body), p.UserID, now, now).Scan(&id); err != nil {
			return err
		}
		if t, err = loadTemplate(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{Entity: "rs_template", EntityID: id, Action: "create", Summary: t.Name,
			After: map[string]any{"name": t.Name, "questions": t.Questions}})
	})
	return t, apperr.Wrap(err)
}

// UpdateTemplate changes a template; projects' copies are not touched.
func (s *Service) UpdateTemplate(ctx context.Context, p *access.Principal, id int64, in TemplateInput) (Template, error) {
	if err := libraryManage(p); err != nil {
		return Template{}, err
	}
	body, err := in.Validate()
	if err != nil {
		return Template{}, err
	}
	var t Template
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := loadTemplate(ctx, tx, id)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE rs_templates SET name = ?, description = ?, body_json = ?, updated_ms = ?, version = version + 1
			WHERE id = ? AND version = ? AND deleted_ms IS NULL`, in.Name, in.Description, mustJSON(body), db.Now(), id, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		if t, err = loadTemplate(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{Entity: "rs_template", EntityID: id, Action: "update", Summary: t.Name,
			Before: map[string]any{"name": before.Name, "description": before.Description, "body": before.Body.Text()},
			After:  map[string]any{"name": t.Name, "description": t.Description, "body": t.Body.Text()}})
	})
	return t, apperr.Wrap(err)
}

// DeleteTemplate moves a template to the trash.
func (s *Service) DeleteTemplate(ctx context.Context, p *access.Principal, id int64) error {
	if err := libraryManage(p); err != nil {
		return err
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		t, err := loadTemplate(ctx, tx, id)
		if err != nil {
			return err
		}
		now := db.Now()
		if _, err := tx.Exec(ctx, `UPDATE rs_templates SET deleted_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ?`, now, now, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{Entity: "rs_template", EntityID: id, Action: "delete", Summary: t.Name})
	}))
}

// RestoreTemplate brings a template back from the trash.
func (s *Service) RestoreTemplate(ctx context.Context, p *access.Principal, id int64) error {
	if err := libraryManage(p); err != nil {
		return err
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE rs_templates SET deleted_ms = NULL, updated_ms = ?, version = version + 1 WHERE id = ? AND deleted_ms IS NOT NULL`, db.Now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.NotFoundErr()
		}
		t, err := loadTemplate(ctx, tx, id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{Entity: "rs_template", EntityID: id, Action: "restore", Summary: t.Name})
	}))
}

// DeletedTemplates lists trashed templates for the people who keep the library.
func (s *Service) DeletedTemplates(ctx context.Context, p *access.Principal) ([]Template, error) {
	if !CanManageLibrary(p) {
		return nil, nil
	}
	rows, err := s.db.Query(ctx, `SELECT `+templateCols+` FROM rs_templates WHERE deleted_ms IS NOT NULL ORDER BY deleted_ms DESC LIMIT 200`)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	var out []Template
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		out = append(out, t)
	}
	return out, apperr.Wrap(rows.Err())
}

//go:embed builtin/*.json
var builtinFS embed.FS

type builtinTemplate struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Body        string `json:"body"` // editing format
}

// Builtin returns the standard templates shipped as data.
func Builtin() ([]TemplateInput, []string, error) {
	names, err := fs.Glob(builtinFS, "builtin/*.json")
	if err != nil {
		return nil, nil, err
	}
	var ins []TemplateInput
	var keys []string
	for _, n := range names {
		raw, err := builtinFS.ReadFile(n)
		if err != nil {
			return nil, nil, err
		}
		var b builtinTemplate
		if err := json.Unmarshal(raw, &b); err != nil {
			return nil, nil, err
		}
		ins = append(ins, TemplateInput{Name: b.Name, Description: b.Description, BodyText: b.Body})
		keys = append(keys, b.Key)
	}
	return ins, keys, nil
}

// EnsureBuiltin inserts the standard templates missing from the library
// (once: a template someone deleted or edited is left as they left it).
func (s *Service) EnsureBuiltin(ctx context.Context) error {
	ins, keys, err := Builtin()
	if err != nil {
		return err
	}
	for i, in := range ins {
		body, err := in.Validate()
		if err != nil {
			return err
		}
		now := db.Now()
		if _, err := s.db.Exec(ctx, `INSERT INTO rs_templates (name, description, body_json, builtin_key, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (builtin_key) WHERE builtin_key <> '' DO NOTHING`, in.Name, in.Description, mustJSON(body), keys[i], now, now); err != nil {
			return err
		}
	}
	return nil
}
