package finance

import (
	"embed"
	"io/fs"

	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/notify"
	"golive/internal/project"
)

//go:embed views/*.html
var viewFS embed.FS

// Views returns the module's templates for registration.
func Views() fs.FS { v, _ := fs.Sub(viewFS, "views"); return v }

// Service holds the finance use cases.
type Service struct {
	db       *db.DB
	audit    *audit.Service
	projects *project.Service
	notify   *notify.Service // nil: no notifications
}

// SetNotify turns on notifications: the project's PMs hear of submitted
// labor, the people whose records were decided hear the decision. Notes
// carry counts and dates, never a cost.
func (s *Service) SetNotify(n *notify.Service) { s.notify = n }

func NewService(d *db.DB, a *audit.Service, projects *project.Service) *Service {
	return &Service{db: d, audit: a, projects: projects}
}
