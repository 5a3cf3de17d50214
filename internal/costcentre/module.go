// Package costcentre is the project cost centre (成本中心): budget against
// actual cost by category and phase, burn rate, forecast and margin,
// earned value in money and effort with its S-curve, overrun alerts, and
// the portfolio finance view across projects. Every figure here is a
// cost figure: only callers with access.CostView (vendor PM, finance,
// administrators) ever receive one.
//
// The module reads the work plan (baselines, tasks) and the working
// calendar itself; costs, budgets, contract values and receivables come
// from the finance and funds modules through the functions in Sources,
// which app.go fills at start-up (this package imports neither).
package costcentre

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

// Categories are the budget and cost categories, in display order.
var Categories = []string{"labor", "travel", "outsourcing", "software_hardware", "other"}

// ActualDay is the approved cost of one day, category and phase.
type ActualDay struct {
	Day       string // YYYY-MM-DD
	Category  string
	PhaseID   int64 // 0: no phase
	CostMinor int64 // fen
	LaborMin  int64 // approved labor minutes (effort AC)
}

// BudgetLine is one line of the current approved budget.
type BudgetLine struct {
	Category    string
	PhaseID     int64
	AmountMinor int64
}

// Budget is the current approved budget. BAC is the sum of its lines;
// the contingency reserve is kept apart (management reserve, not earned).
type Budget struct {
	Lines            []BudgetLine
	ContingencyMinor int64
}

// Receivable is what a customer owes on a project.
type Receivable struct {
	OutstandingMinor int64
	OverdueMinor     int64
}

// Sources are the other modules' figures. Any nil function reads as
// "nothing recorded yet".
type Sources struct {
	Actuals       func(ctx context.Context, projectID int64, from, to string) ([]ActualDay, error)
	Budget        func(ctx context.Context, projectID int64) (Budget, bool, error)
	ContractValue func(ctx context.Context, projectID int64) (int64, bool, error)
	Receivables   func(ctx context.Context, projectIDs []int64, asOf string) (map[int64]Receivable, error)
	// Pricer loads the rate book once and returns the finance module's
	// pricing of one labor record (the portfolio prices groups of
	// identical records in bulk; see bulk.go).
	Pricer func(ctx context.Context) (Pricer, error)
}

// Service holds the cost-centre use cases.
type Service struct {
	db       *db.DB
	audit    *audit.Service
	projects *project.Service
	notify   *notify.Service
	src      Sources
	now      func() time.Time
}

func NewService(d *db.DB, a *audit.Service, projects *project.Service, n *notify.Service) *Service {
	return &Service{db: d, audit: a, projects: projects, notify: n, now: time.Now}
}

// SetSources installs the finance and funds modules' readers (app.go).
func (s *Service) SetSources(src Sources) { s.src = src }

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }
