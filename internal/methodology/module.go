// Package methodology is module 2 of the product map beyond the project
// core: templates (实施标准手册), the working calendar, phases and gates,
// milestones and deliverables, the charter, stakeholders with A/B roles
// and the RACI matrix. (Being built; see doc.go once it exists.)
package methodology

import (
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/project"
)

// Service holds the methodology use cases.
type Service struct {
	db       *db.DB
	audit    *audit.Service
	projects *project.Service
}

func NewService(d *db.DB, a *audit.Service, p *project.Service) *Service {
	return &Service{db: d, audit: a, projects: p}
}
