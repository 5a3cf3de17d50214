package costcentre

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/calendar"
	"golive/internal/costcentre/evm"
	"golive/internal/db"
	"golive/internal/validate"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// PortfolioRow is one project of the finance view.
type PortfolioRow struct {
	ProjectID        int64     `json:"project_id"`
	Code             string    `json:"code"`
	Name             string    `json:"name"`
	Status           string    `json:"status"`
	ContractMinor    int64     `json:"contract_minor"`
	BudgetMinor      int64     `json:"budget_minor"`
	ActualMinor      int64     `json:"actual_minor"`
	MarginMinor      int64     `json:"margin_minor"`
	MarginPct        evm.Ratio `json:"margin_pct"`
	CPI              evm.Ratio `json:"cpi"`
	SPI              evm.Ratio `json:"spi"`
	OutstandingMinor int64     `json:"outstanding_minor"`
	OverdueMinor     int64     `json:"overdue_minor"`
}

// PortfolioFilter narrows and orders the view.
type PortfolioFilter struct {
	Q      string // code or name contains
	Status string // active, archived or "" (both)
	Sort   string // a PortfolioSorts key; "-" prefix for descending
}

// PortfolioSorts are the columns the view sorts by.
var PortfolioSorts = []string{"code", "contract", "budget", "actual", "margin_pct", "cpi", "spi", "outstanding", "overdue"}

// Validate refuses unknown values.
func (f *PortfolioFilter) Validate() error {
	f.Q = strings.TrimSpace(f.Q)
	if len([]rune(f.Q)) > 100 {
		return apperr.InvalidField("q", "costcentre.err.q_long", 100)
	}
	// NUL bytes and invalid UTF-8 would reach PostgreSQL's LIKE as a 500.
	var fs apperr.Fields
	validate.Line(&fs, "q", &f.Q, 0, 100)
	if err := fs.Err(); err != nil {
		return err
	}
	switch f.Status {
	case "", "active", "archived":
	default:
		return apperr.InvalidField("status", "costcentre.err.status")
	}
	// An unknown sort key (an old bookmark) falls back to the code order.
	key := strings.TrimPrefix(f.Sort, "-")
	ok := false
	for _, s := range PortfolioSorts {
		ok = ok || s == key
	}
	if !ok {
		f.Sort = ""
	}
	return nil
}

// CanPortfolio reports whether the caller may open the finance view at
// all: administrators, and vendor accounts whose role is PM or finance.
// Customers are told it does not exist.
func CanPortfolio(p *access.Principal) error {
	if p == nil || !p.Vendor {
		return apperr.NotFoundErr()
	}
	if p.CanAdminister() || p.Role == access.RolePM || p.Role == access.RoleFinance {
		return nil
	}
	return apperr.New(apperr.Forbidden, "costcentre.forbidden")
}

// Portfolio lists the projects whose costs the caller may see (every
// project for administrators; otherwise those where the caller is a PM or
// finance member) with contract, budget, actual, margin, CPI/SPI and
// receivables.
func (s *Service) Portfolio(ctx context.Context, p *access.Principal, f PortfolioFilter) ([]PortfolioRow, error) {
	if err := CanPortfolio(p); err != nil {
		return nil, err
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	cond, args := p.Scope().ProjectFilter("p")
	q := `SELECT p.id, p.code, p.name, p.status, p.budget_minor FROM projects p WHERE p.deleted_ms IS NULL AND ` + cond
	if !p.CanAdminister() {
		q += ` AND p.id IN (SELECT project_id FROM project_members WHERE user_id = ? AND deleted_ms IS NULL AND role IN ('pm', 'finance'))`
		args = append(args, p.UserID)
	}
	if f.Status != "" {
		q += ` AND p.status = ?`
		args = append(args, f.Status)
	}
	if f.Q != "" {
		q += ` AND (LOWER(p.code) LIKE ? OR LOWER(p.name) LIKE ?)`
		like := "%" + strings.ToLower(f.Q) + "%"
		args = append(args, like, like)
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY p.code, p.id`, args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	var out []PortfolioRow
	var ids []int64
	for rows.Next() {
		var r PortfolioRow
		if err := rows.Scan(&r.ProjectID, &r.Code, &r.Name, &r.Status, &r.BudgetMinor); err != nil {
			rows.Close()
			return nil, apperr.Wrap(err)
		}
		out = append(out, r)
		ids = append(ids, r.ProjectID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, apperr.Wrap(err)
	}
	if out == nil {
		return []PortfolioRow{}, nil
	}
	today := s.today()
	figs, err := s.projectFigures(ctx, ids, today)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	var recv map[int64]Receivable
	if s.src.Receivables != nil {
		if recv, err = s.src.Receivables(ctx, ids, today.String()); err != nil {
			return nil, apperr.Wrap(err)
		}
	}
	for i := range out {
		r := &out[i]
		fg := figs[r.ProjectID]
		if fg.hasBudget {
			r.BudgetMinor = fg.bac
		}
		r.ActualMinor, r.ContractMinor = fg.ac, fg.contract
		r.MarginMinor = r.ContractMinor - r.ActualMinor
		r.MarginPct = ratio(r.MarginMinor, r.ContractMinor)
		r.CPI, r.SPI = fg.cpi, fg.spi
		if rv, ok := recv[r.ProjectID]; ok {
			r.OutstandingMinor, r.OverdueMinor = rv.OutstandingMinor, rv.OverdueMinor
		}
	}
	sortRows(out, f.Sort)
	return out, nil
}

type figures struct {
	bac, ac, contract int64
	hasBudget         bool
	cpi, spi          evm.Ratio
}

// projectFigures computes each project's BAC, AC, contract and CPI/SPI
// with a fixed number of queries (see bulk.go).
func (s *Service) projectFigures(ctx context.Context, ids []int64, today calendar.Date) (map[int64]figures, error) {
	out := make(map[int64]figures, len(ids))
	charter := map[int64]int64{}
	in, args := db.In(ids)
	rows, err := s.db.Query(ctx, `SELECT id, budget_minor FROM projects WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, b int64
		if err := rows.Scan(&id, &b); err != nil {
			rows.Close()
			return nil, err
		}
		charter[id] = b
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	budgets, err := s.bulkBudgets(ctx, ids)
	if err != nil {
		return nil, err
	}
	contracts, err := s.bulkContracts(ctx, ids)
	if err != nil {
		return nil, err
	}
	actuals, err := s.bulkActuals(ctx, ids, today.String())
	if err != nil {
		return nil, err
	}
	plans, err := bulkPlanTasks(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	cals, err := calendars(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		fg := figures{bac: charter[id], ac: actuals[id], contract: contracts[id]}
		if b, ok := budgets[id]; ok {
			fg.bac, fg.hasBudget = b, true
		}
		plan := evm.NewPlan(fg.bac, plans[id], cals[id])
		ev := plan.EV(today, today)
		fg.cpi = ratio(ev, fg.ac)
		fg.spi = ratio(ev, plan.PV(today))
		out[id] = fg
	}
	return out, nil
}

func sortRows(rs []PortfolioRow, key string) {
	desc := strings.HasPrefix(key, "-")
	key = strings.TrimPrefix(key, "-")
	r := func(x evm.Ratio) float64 {
		if !x.OK {
			return -1e18
		}
		return x.Value
	}
	less := func(a, b PortfolioRow) bool {
		switch key {
		case "contract":
			return a.ContractMinor < b.ContractMinor
		case "budget":
			return a.BudgetMinor < b.BudgetMinor
		case "actual":
			return a.ActualMinor < b.ActualMinor
		case "margin_pct":
			return r(a.MarginPct) < r(b.MarginPct)
		case "cpi":
			return r(a.CPI) < r(b.CPI)
		case "spi":
			return r(a.SPI) < r(b.SPI)
		case "outstanding":
			return a.OutstandingMinor < b.OutstandingMinor
		case "overdue":
			return a.OverdueMinor < b.OverdueMinor
		}
		return a.Code < b.Code
	}
	sort.SliceStable(rs, func(i, j int) bool {
		if desc {
			return less(rs[j], rs[i])
		}
		return less(rs[i], rs[j])
	})
}
