package workcal

import (
	"net/http"

	"golive/internal/web"
	"golive/internal/work"
)

// API holds the JSON handlers.
type API struct{ svc *Service }

func NewAPI(svc *Service) *API { return &API{svc: svc} }

func (a *API) projectID(c *web.Ctx) (int64, error) {
	if c.R.PathValue("id") == "" {
		return 0, nil
	}
	return c.PathID("id")
}

func (a *API) Year(c *web.Ctx) error {
	id, err := a.projectID(c)
	if err != nil {
		return err
	}
	year, err := ParseYear(c.R.URL.Query().Get("year"))
	if err != nil {
		return err
	}
	y, err := a.svc.Year(c.Context(), c.P, id, year)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, y)
}

func (a *API) SetDay(c *web.Ctx) error {
	id, err := a.projectID(c)
	if err != nil {
		return err
	}
	if _, err := a.svc.access(c.Context(), c.P, id); err != nil {
		return err
	}
	var in DayInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	in.Day = c.R.PathValue("day")
	cell, err := a.svc.SetDay(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cell)
}

func (a *API) ResetDay(c *web.Ctx) error {
	id, err := a.projectID(c)
	if err != nil {
		return err
	}
	if _, err := a.svc.access(c.Context(), c.P, id); err != nil {
		return err
	}
	var in ResetInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	cell, err := a.svc.ResetDay(c.Context(), c.P, id, c.R.PathValue("day"), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cell)
}

// OffCalendar lists a project's open tasks dated on days off in a year.
func (a *API) OffCalendar(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	year, err := ParseYear(c.R.URL.Query().Get("year"))
	if err != nil {
		return err
	}
	ts, err := a.svc.OffCalendar(c.Context(), c.P, id, year)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ts)
}

// OffDayDoc documents the items of the off-calendar list.
type OffDayDoc = work.OffDay

// RescheduleOffDays moves every open task of the year that starts on a day
// off to the next working day (the Gantt's reschedule, successors pushed).
func (a *API) RescheduleOffDays(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	year, err := ParseYear(c.R.URL.Query().Get("year"))
	if err != nil {
		return err
	}
	res, err := a.svc.RescheduleOffDays(c.Context(), c.P, id, year)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}
