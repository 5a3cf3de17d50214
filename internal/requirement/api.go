package requirement

import (
	"net/http"
	"strconv"

	"golive/internal/apperr"
	"golive/internal/web"
)

// API holds the JSON handlers; they call the same service methods as the
// pages.
type API struct{ svc *Service }

func NewAPI(s *Service) *API { return &API{svc: s} }

// RequirementDetail is one requirement with its review log.
type RequirementDetail struct {
	Requirement
	Reviews []ReviewEntry `json:"reviews"`
}

// GenerateResult is what generating a function's tasks did.
type GenerateResult struct {
	Created bool      `json:"created"`
	Tasks   []TaskRef `json:"tasks"`
}

// DeleteInput carries the version a delete was decided on.
type DeleteInput struct {
	Version int64 `json:"version"`
}

func (a *API) List(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	rs, _, err := a.svc.List(c.Context(), c.P, id, filterOf(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rs)
}

func (a *API) Create(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if _, err := a.svc.can(c.Context(), c.P, id, ""); err != nil {
		return err
	}
	var in Input
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	r, err := a.svc.Create(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, r)
}

func (a *API) ids(c *web.Ctx) (int64, int64, error) {
	id, err := c.PathID("id")
	if err != nil {
		return 0, 0, err
	}
	rid, err := c.PathID("rid")
	return id, rid, err
}

func (a *API) Get(c *web.Ctx) error {
	id, rid, err := a.ids(c)
	if err != nil {
		return err
	}
	r, log, _, err := a.svc.Get(c.Context(), c.P, id, rid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, RequirementDetail{Requirement: r, Reviews: log})
}

func (a *API) Update(c *web.Ctx) error {
	id, rid, err := a.ids(c)
	if err != nil {
		return err
	}
	if _, err := a.svc.can(c.Context(), c.P, id, ""); err != nil {
		return err
	}
	var in Input
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	r, err := a.svc.Update(c.Context(), c.P, id, rid, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

func (a *API) Delete(c *web.Ctx) error {
	id, rid, err := a.ids(c)
	if err != nil {
		return err
	}
	v, err := strconv.ParseInt(c.R.URL.Query().Get("version"), 10, 64)
	if err != nil {
		if _, aerr := a.svc.can(c.Context(), c.P, id, ""); aerr != nil {
			return aerr
		}
		return apperr.InvalidField("version", "validate.required")
	}
	if err := a.svc.Delete(c.Context(), c.P, id, rid, v); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) Restore(c *web.Ctx) error {
	id, rid, err := a.ids(c)
	if err != nil {
		return err
	}
	// The trashed requirement must belong to the project in the URL.
	var pidOf int64
	if err := a.svc.db.QueryRow(c.Context(), `SELECT project_id FROM requirements WHERE id = ?`, rid).Scan(&pidOf); err != nil || pidOf != id {
		return apperr.NotFoundErr()
	}
	if err := a.svc.Restore(c.Context(), c.P, rid); err != nil {
		return err
	}
	r, _, _, err := a.svc.Get(c.Context(), c.P, id, rid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

func (a *API) Review(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if _, err := a.svc.can(c.Context(), c.P, id, ""); err != nil {
		return err
	}
	var in ReviewInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	rs, err := a.svc.Review(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rs)
}

func (a *API) Move(c *web.Ctx) error {
	id, rid, err := a.ids(c)
	if err != nil {
		return err
	}
	if _, err := a.svc.can(c.Context(), c.P, id, ""); err != nil {
		return err
	}
	var in MoveInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	r, err := a.svc.Move(c.Context(), c.P, id, rid, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

func (a *API) Functions(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	fs, _, err := a.svc.Functions(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, fs)
}

func (a *API) CreateFunction(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if _, err := a.svc.can(c.Context(), c.P, id, ""); err != nil {
		return err
	}
	var in FunctionInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	f, err := a.svc.CreateFunction(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	out, _, err := a.svc.Function(c.Context(), c.P, id, f.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

func (a *API) fids(c *web.Ctx) (int64, int64, error) {
	id, err := c.PathID("id")
	if err != nil {
		return 0, 0, err
	}
	fid, err := c.PathID("fid")
	return id, fid, err
}

func (a *API) UpdateFunction(c *web.Ctx) error {
	id, fid, err := a.fids(c)
	if err != nil {
		return err
	}
	if _, err := a.svc.can(c.Context(), c.P, id, ""); err != nil {
		return err
	}
	var in FunctionInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	if _, err := a.svc.UpdateFunction(c.Context(), c.P, id, fid, in); err != nil {
		return err
	}
	out, _, err := a.svc.Function(c.Context(), c.P, id, fid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (a *API) DeleteFunction(c *web.Ctx) error {
	id, fid, err := a.fids(c)
	if err != nil {
		return err
	}
	v, err := strconv.ParseInt(c.R.URL.Query().Get("version"), 10, 64)
	if err != nil {
		if _, aerr := a.svc.can(c.Context(), c.P, id, ""); aerr != nil {
			return aerr
		}
		return apperr.InvalidField("version", "validate.required")
	}
	if err := a.svc.DeleteFunction(c.Context(), c.P, id, fid, v); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) GenerateTasks(c *web.Ctx) error {
	id, fid, err := a.fids(c)
	if err != nil {
		return err
	}
	ts, created, err := a.svc.GenerateTasks(c.Context(), c.P, id, fid)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return c.JSON(status, GenerateResult{Created: created, Tasks: ts})
}

func (a *API) Trace(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	t, _, err := a.svc.Trace(c.Context(), c.P, id, c.R.URL.Query().Get("filter"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}
