// Package work is module 3 of the product map: tasks in a WBS, the status
// workflow, the kanban board with live updates, dependencies, baselines,
// iterations, and "my work". (Being built; see doc.go once it exists.)
package work

import (
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/project"
)

// Service holds the work use cases.
type Service struct {
	db       *db.DB
	audit    *audit.Service
	projects *project.Service
}

func NewService(d *db.DB, a *audit.Service, p *project.Service) *Service {
	return &Service{db: d, audit: a, projects: p}
}
