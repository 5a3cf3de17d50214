package project

import (
	"net/http"

	"golive/internal/audit"
	"golive/internal/web"
)

// API holds the JSON handlers; they call the same service methods as the
// pages, so the permission checks are the same.
type API struct{ svc *Service }

func NewAPI(svc *Service) *API { return &API{svc: svc} }

func (a *API) List(c *web.Ctx) error {
	q := c.R.URL.Query()
	f := ListFilter{Q: q.Get("q"), Status: q.Get("status"), Sort: q.Get("sort")}
	if f.Status != "" && f.Status != StatusActive && f.Status != StatusArchived {
		return invalidStatus()
	}
	page := c.PageParam(50, 200)
	items, total, err := a.svc.List(c.Context(), c.P, f, page)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, web.NewPaged(items, total, page))
}

func (a *API) Get(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	pr, _, err := a.svc.Get(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pr)
}

func (a *API) Create(c *web.Ctx) error {
	var in Input
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	pr, err := a.svc.Create(c.Context(), c.P, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, pr)
}

func (a *API) Update(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	var in Input
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	pr, err := a.svc.Update(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pr)
}

// ArchiveInput sets the archived state.
type ArchiveInput struct {
	Archived bool `json:"archived"`
}

func (a *API) Archive(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	var in ArchiveInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	pr, err := a.svc.SetArchived(c.Context(), c.P, id, in.Archived)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pr)
}

func (a *API) Delete(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := a.svc.Delete(c.Context(), c.P, id); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) Restore(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := a.svc.Restore(c.Context(), c.P, id); err != nil {
		return err
	}
	pr, _, err := a.svc.Get(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pr)
}

func (a *API) Members(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	ms, err := a.svc.Members(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ms)
}

func (a *API) AddMember(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	var in MemberInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	m, err := a.svc.AddMember(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, m)
}

func (a *API) RemoveMember(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	mid, err := c.PathID("mid")
	if err != nil {
		return err
	}
	if err := a.svc.RemoveMember(c.Context(), c.P, id, mid); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) Activity(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	page := c.PageParam(50, 200)
	rows, total, err := a.svc.Activity(c.Context(), c.P, id, page)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, web.NewPaged[audit.Row](rows, total, page))
}
