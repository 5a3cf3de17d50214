package workcal

import (
	"embed"
	"io/fs"

	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/project"
	"golive/internal/work"
)

//go:embed views/*.html
var viewFS embed.FS

// Views returns the module's templates for registration.
func Views() fs.FS { v, _ := fs.Sub(viewFS, "views"); return v }

// Service holds the calendar use cases.
type Service struct {
	db       *db.DB
	audit    *audit.Service
	projects *project.Service
	work     *work.Service
}

func NewService(d *db.DB, a *audit.Service, projects *project.Service, w *work.Service) *Service {
	return &Service{db: d, audit: a, projects: projects, work: w}
}
