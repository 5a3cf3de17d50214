package methodology

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"io/fs"

	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/project"
)

//go:embed views/*.html
var viewFS embed.FS

// Views returns the module's templates for registration.
func Views() fs.FS { v, _ := fs.Sub(viewFS, "views"); return v }

//go:embed template_default.json
var defaultBody string

// BuiltinName is the stored name of the built-in template; pages show it
// translated (meth.tpl.builtin_name).
const BuiltinName = "标准实施模板"

// DefaultBody is the built-in template's content.
func DefaultBody() Body {
	b, err := ParseBody(defaultBody)
	if err != nil {
		panic("methodology: template_default.json: " + err.Error())
	}
	return b
}

// Service holds the methodology use cases. Every project-scoped method
// asks the project service for the caller's membership first.
type Service struct {
	db       *db.DB
	audit    *audit.Service
	projects *project.Service
}

func NewService(d *db.DB, a *audit.Service, p *project.Service) *Service {
	return &Service{db: d, audit: a, projects: p}
}

// EnsureBuiltin inserts the built-in template on first start and keeps its
// body equal to the embedded one afterwards (it is read-only, so a new
// release's version replaces the old without losing anyone's work; people
// tailor copies).
func (s *Service) EnsureBuiltin(ctx context.Context) error {
	body := DefaultBody()
	if probs := body.Validate(); len(probs) > 0 {
		return errors.New("methodology: built-in template invalid: " + probs[0].String())
	}
	js := body.JSON()
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		var id int64
		var stored string
		err := tx.QueryRow(ctx, `SELECT id, body FROM templates WHERE builtin = ? ORDER BY id LIMIT 1`, true).Scan(&id, &stored)
		now := db.Now()
		if errors.Is(err, sql.ErrNoRows) {
			_, err = tx.Exec(ctx, `INSERT INTO templates (name, description, body, builtin, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?)`,
				BuiltinName, "", js, true, now, now)
			return err
		}
		if err != nil || stored == js {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE templates SET body = ?, updated_ms = ?, version = version + 1, deleted_ms = NULL WHERE id = ?`, js, now, id)
		return err
	})
}
