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

// sees is the check before a day change reads its body: does the caller
// read the calendar of project id (0: the instance's)?
func (a *API) sees(c *web.Ctx, id int64) func() error {
	return func() error {
		_, err := a.svc.access(c.Context(), c.P, id)
		return err
	}
}

func (a *API) SetDay(c *web.Ctx) error {
	id, err := a.projectID(c)
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, a.sees(c, id), func(in DayInput) (Cell, error) {
		in.Day = c.R.PathValue("day")
		return a.svc.SetDay(c.Context(), c.P, id, in)
	})
}

func (a *API) ResetDay(c *web.Ctx) error {
	id, err := a.projectID(c)
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, a.sees(c, id), func(in ResetInput) (Cell, error) {
		return a.svc.ResetDay(c.Context(), c.P, id, c.R.PathValue("day"), in)
	})
}

// projectYear reads a project's {id} from the path, then ?year=.
func projectYear(c *web.Ctx) (id int64, year int, err error) {
	if id, err = c.PathID("id"); err != nil {
		return 0, 0, err
	}
	year, err = ParseYear(c.R.URL.Query().Get("year"))
	return id, year, err
}

// OffCalendar lists a project's open tasks dated on days off in a year.
func (a *API) OffCalendar(c *web.Ctx) error {
	id, year, err := projectYear(c)
	if err != nil {
		return err
	}
	ts, err := a.svc.OffCalendar(c.Context(), c.P, id, year)
	return web.Reply(c, http.StatusOK, ts, err)
}

// OffDayDoc documents the items of the off-calendar list.
type OffDayDoc = work.OffDay

// RescheduleOffDays moves every open task of the year that starts on a day
// off to the next working day (the Gantt's reschedule, successors pushed).
func (a *API) RescheduleOffDays(c *web.Ctx) error {
	id, year, err := projectYear(c)
	if err != nil {
		return err
	}
	res, err := a.svc.RescheduleOffDays(c.Context(), c.P, id, year)
	return web.Reply(c, http.StatusOK, res, err)
}
