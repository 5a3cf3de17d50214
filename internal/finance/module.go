package finance

import (
	"context"
	"embed"
	"io/fs"
	"time"

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
	// onCostChange runs after a decision that changes actual cost or the
	// budget has committed (the cost centre re-checks its overrun alerts).
	onCostChange func(ctx context.Context, projectID int64)
}

// OnCostChange registers fn to run after labor or an expense is approved
// or reversed and after a budget version is decided, once committed, in
// the deciding request's goroutine with a context of its own.
func (s *Service) OnCostChange(fn func(ctx context.Context, projectID int64)) { s.onCostChange = fn }

func (s *Service) costChanged(projectID int64) {
	if s.onCostChange == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s.onCostChange(ctx, projectID)
}

// SetNotify turns on notifications: the project's PMs hear of submitted
// labor, the people whose records were decided hear the decision. Notes
// carry counts and dates, never a cost.
func (s *Service) SetNotify(n *notify.Service) { s.notify = n }

func NewService(d *db.DB, a *audit.Service, projects *project.Service) *Service {
	return &Service{db: d, audit: a, projects: projects}
}
