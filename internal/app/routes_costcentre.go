package app

import (
	"strconv"

	"golive/internal/access"
	"golive/internal/costcentre"
	"golive/internal/web"
)

// costCentreRoutes: a project's cost centre (CostView: vendor PM, finance,
// administrators), its alert thresholds (the PM), and the portfolio
// finance view across projects. The overview page shows the project's
// open overrun alerts to CostView members only.
func (a *App) costCentreRoutes() {
	s := a.Server
	w := costcentre.NewWeb(a.CostCentre)
	api := costcentre.NewAPI(a.CostCentre)

	s.AddProjectNav("costcentre.nav", "/costcentre", "costcentre", access.CostView)
	s.AddOverviewNotices(func(c *web.Ctx, projectID int64) []web.Notice {
		as, err := a.CostCentre.OpenAlerts(c.Context(), c.P, projectID)
		if err != nil {
			return nil
		}
		var out []web.Notice
		for _, al := range as {
			out = append(out, web.Notice{Level: al.Level, Text: costcentre.AlertText(c.Lang, al),
				Href: "/projects/" + strconv.FormatInt(projectID, 10) + "/costcentre", Link: c.T("costcentre.overview_link")})
		}
		return out
	})

	s.Page("GET /projects/{id}/costcentre", w.Show)
	s.Page("GET /projects/{id}/costcentre.xlsx", w.Export)
	s.Page("POST /projects/{id}/costcentre/settings", w.SaveSettings)
	s.Page("GET /finance", w.Portfolio)
	s.Page("GET /finance.xlsx", w.PortfolioExport)

	type D = web.Doc
	doc := web.WithDoc
	s.API("GET /api/v1/projects/{id}/costcentre", api.Dashboard, doc(D{Tag: "costcentre", Summary: "The project's cost centre at today (PM, finance, administrators): budget against actual by category and phase, burn rate of the last 4 weeks, forecast, margin, earned value in money (fen) and effort (minutes), S-curve points and the alerts that hold; a ratio or amount that needs a zero denominator has ok false (shown as —)", Out: costcentre.Dashboard{}}))
	s.API("PUT /api/v1/projects/{id}/costcentre/settings", api.SaveSettings, doc(D{Tag: "costcentre", Summary: "Set the project's alert thresholds (PM): CPI below cpi_threshold_pct/100, spend ahead of progress by more than ahead_points; version as read (0 before the first save; stale: 409)", In: costcentre.SettingsInput{}, Out: costcentre.Settings{}}))
	s.API("GET /api/v1/finance/portfolio", api.Portfolio, doc(D{Tag: "costcentre", Summary: "Portfolio finance view (vendor PM and finance: the projects where they hold that role; administrators: all): contract, budget, actual, margin, CPI/SPI, receivables outstanding and overdue", Out: []costcentre.PortfolioRow{}, Query: []string{"q", "status", "sort"}}))
}
