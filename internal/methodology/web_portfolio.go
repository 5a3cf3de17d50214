package methodology

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"golive/internal/project"
	"golive/internal/web"
)

type portfolioRow struct {
	I           PortfolioItem
	HealthLabel string
	ProgressPct int
}

// Timeline is the go-live chart: one dot per project on a month axis,
// drawn server-side as SVG (no script, nothing to load).
type Timeline struct {
	Width, Height int
	Months        []tlMonth
	Dots          []tlDot
	Today         float64
	HasToday      bool
}

type tlMonth struct {
	X     float64
	Label string
}

type tlDot struct {
	X, Y   float64
	LabelX float64
	Health string
	Label  string
	Href   string
	Title  string
}

type portfolioPage struct {
	web.Base
	Rows     []portfolioRow
	Filter   PortfolioFilter
	Products []string
	TL       Timeline
	Counts   map[string]int
	Colors   []string
	// StatusParam is the status filter as the URL spells it ("all" for none).
	StatusParam string
}

func portfolioFilter(c *web.Ctx) PortfolioFilter {
	q := c.R.URL.Query()
	f := PortfolioFilter{Q: q.Get("q"), Status: q.Get("status"), Health: q.Get("health"), Product: q.Get("product")}
	if f.Status == "" {
		f.Status = project.StatusActive
	}
	if f.Status == "all" {
		f.Status = ""
	}
	return f
}

// Portfolio is every visible project at a glance.
func (h *Web) Portfolio(c *web.Ctx) error {
	f := portfolioFilter(c)
	items, err := h.svc.Portfolio(c.Context(), c.P, f)
	if err != nil {
		return err
	}
	vm := portfolioPage{Base: c.Base("meth.portfolio.title"), Filter: f, Products: project.Products, Counts: map[string]int{}, Colors: healthColors, StatusParam: f.Status}
	if f.Status == "" {
		vm.StatusParam = "all"
	}
	vm.Section = "portfolio"
	vm.Crumbs = []web.Crumb{{Label: c.T("nav.workspace")}, {Label: vm.Title}}
	for _, it := range items {
		reasonTexts(c, &it.Health)
		vm.Rows = append(vm.Rows, portfolioRow{I: it, HealthLabel: c.T("meth.health." + it.Health.Effective), ProgressPct: int(it.Progress*100 + 0.5)})
		vm.Counts[it.Health.Effective]++
	}
	vm.TL = timeline(vm.Rows, string(c.Lang))
	return c.Render(http.StatusOK, "methodology/portfolio.html", vm)
}

func timeline(rows []portfolioRow, lang string) Timeline {
	const width, left, right, rowH, top = 960, 16, 200, 26, 34
	tl := Timeline{Width: width}
	var first, last time.Time
	var dated []portfolioRow
	for _, r := range rows {
		d, err := time.Parse("2006-01-02", r.I.GoLiveDate)
		if err != nil {
			continue
		}
		if first.IsZero() || d.Before(first) {
			first = d
		}
		if d.After(last) {
			last = d
		}
		dated = append(dated, r)
	}
	if len(dated) == 0 {
		return tl
	}
	now := time.Now().In(china)
	nowDay := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if nowDay.Before(first) {
		first = nowDay
	}
	if nowDay.After(last) {
		last = nowDay
	}
	start := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(last.Year(), last.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	span := end.Sub(start).Hours()
	x := func(t time.Time) float64 { return left + (width-left-right)*t.Sub(start).Hours()/span }
	months := int(end.Sub(start).Hours()/24/30.4) + 1
	step := max(1, months/12)
	for m, i := start, 0; m.Before(end); m, i = m.AddDate(0, 1, 0), i+1 {
		if i%step != 0 {
			continue
		}
		label := m.Format("2006-01")
		if lang != "en" && m.Month() != 1 && i != 0 {
			label = fmt.Sprintf("%d月", m.Month())
		}
		tl.Months = append(tl.Months, tlMonth{X: x(m), Label: label})
	}
	tl.Today, tl.HasToday = x(nowDay), true
	for i, r := range dated {
		d, _ := time.Parse("2006-01-02", r.I.GoLiveDate)
		dx := x(d)
		label := r.I.Code + " " + r.I.GoLiveDate
		tl.Dots = append(tl.Dots, tlDot{X: dx, Y: float64(top + i*rowH), LabelX: dx + 10, Health: r.I.Health.Effective, Label: label,
			Href: "/projects/" + itoa(r.I.ID), Title: strings.TrimSpace(r.I.Name + " · " + r.HealthLabel)})
	}
	tl.Height = top + len(dated)*rowH
	return tl
}

// ExportPortfolio streams the portfolio as .xlsx with the page's filters.
func (h *Web) ExportPortfolio(c *web.Ctx) error {
	items, err := h.svc.Portfolio(c.Context(), c.P, portfolioFilter(c))
	if err != nil {
		return err
	}
	cols := []web.Column{
		{Header: c.T("field.code"), Kind: web.ColText}, {Header: c.T("field.name"), Kind: web.ColText, Width: 30},
		{Header: c.T("field.customer_company_id"), Kind: web.ColText, Width: 24}, {Header: c.T("field.product"), Kind: web.ColText},
		{Header: c.T("meth.portfolio.phase"), Kind: web.ColText}, {Header: c.T("meth.portfolio.health"), Kind: web.ColText},
		{Header: c.T("meth.portfolio.reasons"), Kind: web.ColText, Width: 50}, {Header: c.T("meth.portfolio.progress"), Kind: web.ColPercent},
		{Header: c.T("meth.portfolio.next_milestone"), Kind: web.ColText, Width: 24}, {Header: c.T("field.due_date"), Kind: web.ColDate},
		{Header: c.T("field.golive_date"), Kind: web.ColDate},
	}
	i := 0
	next := func() ([]any, bool, error) {
		if i >= len(items) {
			return nil, false, nil
		}
		it := items[i]
		i++
		reasonTexts(c, &it.Health)
		var rs []string
		for _, r := range it.Health.Reasons {
			rs = append(rs, r.Message)
		}
		health := c.T("meth.health." + it.Health.Effective)
		if it.Health.Override != "" {
			health += " (" + c.T("meth.health.overridden") + ")"
		}
		return []any{it.Code, it.Name, it.CustomerName, it.Product, it.Phase, health, strings.Join(rs, "；"), it.Progress,
			it.NextMilestone, it.NextMilestoneDue, it.GoLiveDate}, true, nil
	}
	name := c.T("meth.portfolio.title") + "-" + time.Now().In(china).Format("2006-01-02") + ".xlsx"
	return web.ServeXLSX(c.W, name, c.T("meth.portfolio.title"), cols, next)
}
