package change

import (
	"context"
	"embed"
	"io/fs"
	"sync"

	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/notify"
	"golive/internal/project"
)

//go:embed views/*.html
var viewFS embed.FS

// Views returns the module's templates for registration.
func Views() fs.FS { v, _ := fs.Sub(viewFS, "views"); return v }

// Approved is what an approved change request tells the modules that
// follow it (after commit). The finance module proposes a budget revision
// from CostMinor; nothing here depends on it.
type Approved struct {
	ProjectID    int64
	CRID         int64
	Number       string // "CR-003"
	Title        string
	CostMinor    int64 // money, fen (the amount entered on the request)
	EffortTenths int64 // person-days × 10
	ScheduleDays int   // working days the project end moves (critical path)
	BaselineID   int64 // the next baseline created by the approval, 0 when none
	DecidedBy    int64
	DecidedMS    int64
}

// Service holds the change-control and baseline use cases.
type Service struct {
	db       *db.DB
	audit    *audit.Service
	projects *project.Service
	notify   *notify.Service
	pool     Pool

	mu         sync.RWMutex
	onApproved []func(ctx context.Context, ev Approved)
}

// NewService builds the service; pool is the requirement pool's adapter
// (nil: change requests name items but approval applies nothing to them).
func NewService(d *db.DB, a *audit.Service, projects *project.Service, n *notify.Service, pool Pool) *Service {
	return &Service{db: d, audit: a, projects: projects, notify: n, pool: pool}
}

// OnApproved registers fn to run after a change request's approval has
// committed (never for a rolled-back one), in the approving request's
// goroutine, with a context that is not cancelled with the request. It is
// the link point for finance (a budget revision proposed from CostMinor).
func (s *Service) OnApproved(fn func(ctx context.Context, ev Approved)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onApproved = append(s.onApproved, fn)
}

func (s *Service) approvedHooks() []func(ctx context.Context, ev Approved) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]func(ctx context.Context, ev Approved){}, s.onApproved...)
}
