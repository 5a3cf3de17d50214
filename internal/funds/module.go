package funds

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"strconv"
	"sync"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/money"
	"golive/internal/notify"
	"golive/internal/project"
)

//go:embed views/*.html
var viewsFS embed.FS

// Views returns the module's templates.
func Views() fs.FS { v, _ := fs.Sub(viewsFS, "views"); return v }

// PlannedCostsFunc returns a project's planned costs per month ("YYYY-MM" →
// fen) between two months inclusive.
type PlannedCostsFunc func(ctx context.Context, projectID int64, fromMonth, toMonth string) (map[string]int64, error)

// Service holds the fund-centre use cases. Every method taking a Principal
// checks permission first; changes run in one transaction with their audit
// row.
type Service struct {
	db       *db.DB
	audit    *audit.Service
	projects *project.Service
	notify   *notify.Service
	log      *slog.Logger

	mu           sync.RWMutex
	plannedCosts PlannedCostsFunc
}

// NewService builds the service. notify may be nil (no alerts are sent).
func NewService(d *db.DB, a *audit.Service, p *project.Service, n *notify.Service, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{db: d, audit: a, projects: p, notify: n, log: log}
}

// SetPlannedCosts wires the source of planned costs for the cash-flow
// forecast (the cost centre). Until it is set the forecast shows expected
// receipts only and says planned costs are not available.
func (s *Service) SetPlannedCosts(fn func(ctx context.Context, projectID int64, fromMonth, toMonth string) (map[string]int64, error)) {
	s.mu.Lock()
	s.plannedCosts = fn
	s.mu.Unlock()
}

func (s *Service) costsFn() PlannedCostsFunc {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.plannedCosts
}

// View is how much of the fund data a caller sees on a project.
type View int

const (
	ViewNone     View = iota
	ViewCustomer      // the payment schedule, invoices and what is due
	ViewFull          // everything, including internal notes
)

// can resolves the caller's view of a project's funds: not found when they
// may see neither; forbidden when they need manage and lack it.
func (s *Service) can(ctx context.Context, p *access.Principal, projectID int64, manage bool) (access.Membership, View, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return m, ViewNone, err
	}
	v := ViewNone
	switch {
	case p.Vendor && p.Can(m, access.FundsView):
		v = ViewFull
	case !p.Vendor && p.Can(m, access.FundsViewCustomer):
		v = ViewCustomer
	}
	if v == ViewNone {
		return m, v, apperr.NotFoundErr()
	}
	if manage && !(p.Vendor && p.Can(m, access.FundsManage)) {
		return m, v, apperr.ForbiddenErr()
	}
	return m, v, nil
}

// Access tells a handler how much the caller sees (and whether they may
// change anything) on a project's funds.
func (s *Service) Access(ctx context.Context, p *access.Principal, projectID int64) (View, bool, error) {
	m, v, err := s.can(ctx, p, projectID, false)
	if err != nil {
		return v, false, err
	}
	return v, p.Vendor && p.Can(m, access.FundsManage), nil
}

func itoa(i int) string { return strconv.Itoa(i) }

func fen(v int64) string { return money.Format(v) }

// percentText shows basis points as "30.00%".
func percentText(bp int64) string { return money.Plain(bp) + "%" }

// Percent shows basis points as "30%" or "6.5%" for templates.
func Percent(bp int64) string {
	s := money.Plain(bp)
	if len(s) > 3 && s[len(s)-3:] == ".00" {
		s = s[:len(s)-3]
	} else if s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	return s + "%"
}
