package costcentre

import (
	"net/http"

	"golive/internal/web"
)

// API holds the JSON handlers (the same service methods as the pages).
type API struct{ svc *Service }

func NewAPI(svc *Service) *API { return &API{svc: svc} }

// Dashboard: GET /api/v1/projects/{id}/costcentre.
func (a *API) Dashboard(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	d, err := a.svc.Dashboard(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// SaveSettings: PUT /api/v1/projects/{id}/costcentre/settings.
func (a *API) SaveSettings(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	var in SettingsInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	st, err := a.svc.SaveSettings(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}

// Portfolio: GET /api/v1/finance/portfolio?q=&status=&sort=.
func (a *API) Portfolio(c *web.Ctx) error {
	rows, err := a.svc.Portfolio(c.Context(), c.P, portfolioFilter(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rows)
}
