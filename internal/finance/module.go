package finance

import (
	"embed"
	"io/fs"

	"golive/internal/audit"
	"golive/internal/db"
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
	ext      Extras
}

// Extras are optional collaborators wired after construction (receipts,
// notifications); nil fields switch the feature off.
type Extras struct{}

func NewService(d *db.DB, a *audit.Service, projects *project.Service) *Service {
	return &Service{db: d, audit: a, projects: projects}
}
