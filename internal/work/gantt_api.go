package work

import (
	"net/http"

	"golive/internal/web"
)

// GanttAPI holds the JSON handlers of the Gantt.
type GanttAPI struct{ svc *Service }

func NewGanttAPI(svc *Service) *GanttAPI { return &GanttAPI{svc: svc} }

// Schedule is GET /api/v1/projects/{id}/schedule[?baseline=ID].
func (a *GanttAPI) Schedule(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	baselineID, _, _, err := ganttQuery(c)
	if err != nil {
		return err
	}
	s, err := a.svc.Schedule(c.Context(), c.P, id, baselineID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s)
}

// Reschedule is POST /api/v1/projects/{id}/tasks/{tid}/reschedule.
func (a *GanttAPI) Reschedule(c *web.Ctx) error {
	id, tid, err := c.ProjectPathID("tid")
	if err != nil {
		return err
	}
	var in RescheduleInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	res, err := a.svc.Reschedule(c.Context(), c.P, id, tid, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// Baselines is GET /api/v1/projects/{id}/baselines.
func (a *GanttAPI) Baselines(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	bs, err := a.svc.Baselines(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, bs)
}

// CreateBaseline is POST /api/v1/projects/{id}/baselines.
func (a *GanttAPI) CreateBaseline(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	var in BaselineInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	b, err := a.svc.CreateBaseline(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, b)
}
