package costcentre

import (
	"html/template"
	"net/http"
	"net/url"

	"golive/internal/money"
	"golive/internal/web"
)

type portfolioRowView struct {
	PortfolioRow
	Contract, Budget, Actual, Margin, MarginPct, CPI, SPI, Outstanding, Overdue string
	CPILow, SPILow, MarginLow                                                   bool
}

type portfolioPage struct {
	web.Base
	F      PortfolioFilter
	Rows   []portfolioRowView
	Sorts  []string
	Errs   map[string]string
	Totals portfolioRowView
	// SortHref is each column's link: ascending, or descending when the
	// view is already sorted by it ascending.
	SortHref map[string]template.URL
}

func portfolioFilter(c *web.Ctx) PortfolioFilter {
	q := c.R.URL.Query()
	return PortfolioFilter{Q: q.Get("q"), Status: q.Get("status"), Sort: q.Get("sort")}
}

// Portfolio renders GET /finance.
func (h *Web) Portfolio(c *web.Ctx) error {
	if err := CanPortfolio(c.P); err != nil {
		return err
	}
	f := portfolioFilter(c)
	vm := portfolioPage{Base: c.Base("costcentre.portfolio_title"), F: f, Sorts: PortfolioSorts}
	vm.Section = "finance"
	vm.SortHref = map[string]template.URL{}
	for _, k := range PortfolioSorts {
		s := k
		if f.Sort == k {
			s = "-" + k
		}
		q := url.Values{"sort": {s}}
		if f.Q != "" {
			q.Set("q", f.Q)
		}
		if f.Status != "" {
			q.Set("status", f.Status)
		}
		vm.SortHref[k] = template.URL("/finance?" + q.Encode())
	}
	vm.Crumbs = []web.Crumb{{Label: c.T("costcentre.portfolio_title")}}
	rows, err := h.svc.Portfolio(c.Context(), c.P, f)
	status := http.StatusOK
	if err != nil {
		fields, _, st, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		vm.Errs, status = fields, st
	}
	var tot PortfolioRow
	for _, r := range rows {
		vm.Rows = append(vm.Rows, rowView(r))
		tot.ContractMinor += r.ContractMinor
		tot.BudgetMinor += r.BudgetMinor
		tot.ActualMinor += r.ActualMinor
		tot.MarginMinor += r.MarginMinor
		tot.OutstandingMinor += r.OutstandingMinor
		tot.OverdueMinor += r.OverdueMinor
	}
	tot.MarginPct = ratio(tot.MarginMinor, tot.ContractMinor)
	vm.Totals = rowView(tot)
	return c.Render(status, "costcentre/portfolio.html", vm)
}

func rowView(r PortfolioRow) portfolioRowView {
	return portfolioRowView{PortfolioRow: r, Contract: money.Format(r.ContractMinor), Budget: money.Format(r.BudgetMinor),
		Actual: money.Format(r.ActualMinor), Margin: money.Format(r.MarginMinor), MarginPct: percent(r.MarginPct),
		CPI: rat(r.CPI), SPI: rat(r.SPI), Outstanding: money.Format(r.OutstandingMinor), Overdue: money.Format(r.OverdueMinor),
		CPILow: r.CPI.OK && r.CPI.Value < 1, SPILow: r.SPI.OK && r.SPI.Value < 1, MarginLow: r.MarginPct.OK && r.MarginPct.Value < 0}
}

// PortfolioExport writes GET /finance.xlsx with the same filter.
func (h *Web) PortfolioExport(c *web.Ctx) error {
	rows, err := h.svc.Portfolio(c.Context(), c.P, portfolioFilter(c))
	if err != nil {
		return err
	}
	T := c.T
	cols := []web.Column{
		{Header: T("costcentre.p.code"), Kind: web.ColText}, {Header: T("costcentre.p.name"), Kind: web.ColText},
		{Header: T("costcentre.p.status"), Kind: web.ColText},
		{Header: T("costcentre.contract"), Kind: web.ColMoney}, {Header: T("costcentre.budget"), Kind: web.ColMoney},
		{Header: T("costcentre.actual"), Kind: web.ColMoney}, {Header: T("costcentre.margin"), Kind: web.ColMoney},
		{Header: T("costcentre.margin_pct"), Kind: web.ColPercent}, {Header: "CPI", Kind: web.ColText}, {Header: "SPI", Kind: web.ColText},
		{Header: T("costcentre.outstanding"), Kind: web.ColMoney}, {Header: T("costcentre.overdue"), Kind: web.ColMoney},
	}
	i := 0
	return web.ServeXLSX(c.W, T("costcentre.portfolio_title")+".xlsx", T("costcentre.portfolio_title"), cols, func() ([]any, bool, error) {
		if i >= len(rows) {
			return nil, false, nil
		}
		r := rows[i]
		i++
		var mp any
		if r.MarginPct.OK {
			mp = r.MarginPct.Value
		}
		return []any{r.Code, r.Name, T("costcentre.status." + r.Status), r.ContractMinor, r.BudgetMinor, r.ActualMinor, r.MarginMinor, mp,
			rat(r.CPI), rat(r.SPI), r.OutstandingMinor, r.OverdueMinor}, true, nil
	})
}
