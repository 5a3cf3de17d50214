package work

import (
	"net/http"

	"golive/internal/web"
)

// IterationAPI holds the JSON handlers of iterations.
type IterationAPI struct{ svc *Service }

func NewIterationAPI(svc *Service) *IterationAPI { return &IterationAPI{svc: svc} }

// Assigned is the answer of a planning request.
type Assigned struct {
	Count int `json:"count"`
}

// seesProject is the check before a change to the project's iterations
// reads its body: does the caller see them?
func (a *IterationAPI) seesProject(c *web.Ctx, id int64) func() error {
	return func() error {
		_, err := a.svc.ListIterations(c.Context(), c.P, id)
		return err
	}
}

// seesIteration is the check before a change to iteration iid reads its
// body: does the caller see it?
func (a *IterationAPI) seesIteration(c *web.Ctx, id, iid int64) func() error {
	return func() error {
		_, err := a.svc.Iteration(c.Context(), c.P, id, iid)
		return err
	}
}

func (a *IterationAPI) List(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	its, err := a.svc.ListIterations(c.Context(), c.P, id)
	return web.Reply(c, http.StatusOK, its, err)
}

func (a *IterationAPI) Get(c *web.Ctx) error {
	id, iid, err := c.ProjectPathID("iid")
	if err != nil {
		return err
	}
	it, err := a.svc.Iteration(c.Context(), c.P, id, iid)
	return web.Reply(c, http.StatusOK, it, err)
}

func (a *IterationAPI) Create(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusCreated, a.seesProject(c, id), func(in IterationInput) (Iteration, error) {
		return a.svc.CreateIteration(c.Context(), c.P, id, in)
	})
}

func (a *IterationAPI) Update(c *web.Ctx) error {
	id, iid, err := c.ProjectPathID("iid")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, a.seesIteration(c, id, iid), func(in IterationInput) (Iteration, error) {
		return a.svc.UpdateIteration(c.Context(), c.P, id, iid, in)
	})
}

func (a *IterationAPI) Close(c *web.Ctx) error {
	id, iid, err := c.ProjectPathID("iid")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, a.seesIteration(c, id, iid), func(in CloseInput) (Iteration, error) {
		return a.svc.CloseIteration(c.Context(), c.P, id, iid, in)
	})
}

func (a *IterationAPI) Assign(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, a.seesProject(c, id), func(in AssignInput) (Assigned, error) {
		n, err := a.svc.AssignTasks(c.Context(), c.P, id, in)
		return Assigned{Count: n}, err
	})
}

func (a *IterationAPI) Burndown(c *web.Ctx) error {
	id, iid, err := c.ProjectPathID("iid")
	if err != nil {
		return err
	}
	b, err := a.svc.IterationBurndown(c.Context(), c.P, id, iid)
	return web.Reply(c, http.StatusOK, b, err)
}

func (a *IterationAPI) Velocity(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	v, err := a.svc.Velocity(c.Context(), c.P, id)
	return web.Reply(c, http.StatusOK, v, err)
}

// Capacity answers GET …/iterations/{iid}/capacity.
func (a *IterationAPI) Capacity(c *web.Ctx) error {
	id, iid, err := c.ProjectPathID("iid")
	if err != nil {
		return err
	}
	capa, err := a.svc.IterationCapacity(c.Context(), c.P, id, iid)
	return web.Reply(c, http.StatusOK, capa, err)
}

// SetCapacity answers PUT …/iterations/{iid}/capacity with the new table.
func (a *IterationAPI) SetCapacity(c *web.Ctx) error {
	id, iid, err := c.ProjectPathID("iid")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, a.seesIteration(c, id, iid), func(in CapacityInput) (Capacity, error) {
		if _, err := a.svc.SetCapacity(c.Context(), c.P, id, iid, in); err != nil {
			return Capacity{}, err
		}
		return a.svc.IterationCapacity(c.Context(), c.P, id, iid)
	})
}
