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

func (a *IterationAPI) List(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	its, err := a.svc.ListIterations(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, its)
}

func (a *IterationAPI) Get(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	iid, err := c.PathID("iid")
	if err != nil {
		return err
	}
	it, err := a.svc.Iteration(c.Context(), c.P, id, iid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, it)
}

func (a *IterationAPI) Create(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if _, err := a.svc.ListIterations(c.Context(), c.P, id); err != nil {
		return err
	}
	var in IterationInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	it, err := a.svc.CreateIteration(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, it)
}

func (a *IterationAPI) Update(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	iid, err := c.PathID("iid")
	if err != nil {
		return err
	}
	if _, err := a.svc.Iteration(c.Context(), c.P, id, iid); err != nil {
		return err
	}
	var in IterationInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	it, err := a.svc.UpdateIteration(c.Context(), c.P, id, iid, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, it)
}

func (a *IterationAPI) Close(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	iid, err := c.PathID("iid")
	if err != nil {
		return err
	}
	if _, err := a.svc.Iteration(c.Context(), c.P, id, iid); err != nil {
		return err
	}
	var in CloseInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	it, err := a.svc.CloseIteration(c.Context(), c.P, id, iid, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, it)
}

func (a *IterationAPI) Assign(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if _, err := a.svc.ListIterations(c.Context(), c.P, id); err != nil {
		return err
	}
	var in AssignInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	n, err := a.svc.AssignTasks(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, Assigned{Count: n})
}

func (a *IterationAPI) Burndown(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	iid, err := c.PathID("iid")
	if err != nil {
		return err
	}
	b, err := a.svc.IterationBurndown(c.Context(), c.P, id, iid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, b)
}

func (a *IterationAPI) Velocity(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	v, err := a.svc.Velocity(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// Capacity answers GET …/iterations/{iid}/capacity.
func (a *IterationAPI) Capacity(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	iid, err := c.PathID("iid")
	if err != nil {
		return err
	}
	capa, err := a.svc.IterationCapacity(c.Context(), c.P, id, iid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, capa)
}

// SetCapacity answers PUT …/iterations/{iid}/capacity with the new table.
func (a *IterationAPI) SetCapacity(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	iid, err := c.PathID("iid")
	if err != nil {
		return err
	}
	if _, err := a.svc.Iteration(c.Context(), c.P, id, iid); err != nil {
		return err
	}
	var in CapacityInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	if _, err := a.svc.SetCapacity(c.Context(), c.P, id, iid, in); err != nil {
		return err
	}
	capa, err := a.svc.IterationCapacity(c.Context(), c.P, id, iid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, capa)
}
