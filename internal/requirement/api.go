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

// change answers a JSON change in project id the caller may manage the
// requirements of (web.JSONChange).
func change[In, Out any](a *API, c *web.Ctx, id int64, status int, do func(in In) (Out, error)) error {
	return web.JSONChange(c, status, func() error {
		_, err := a.svc.can(c.Context(), c.P, id, "")
		return err
	}, do)
}

// deleteVersion reads ?version= of a delete; without it the answer names
// the field, once the caller is known to be allowed to manage project id.
func (a *API) deleteVersion(c *web.Ctx, id int64) (int64, error) {
	v, err := strconv.ParseInt(c.R.URL.Query().Get("version"), 10, 64)
	if err != nil {
		if _, aerr := a.svc.can(c.Context(), c.P, id, ""); aerr != nil {
			return 0, aerr
		}
		return 0, apperr.InvalidField("version", "validate.required")
	}
	return v, nil
}

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
	return web.Reply(c, http.StatusOK, rs, err)
}

func (a *API) Create(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	return change(a, c, id, http.StatusCreated, func(in Input) (Requirement, error) {
		return a.svc.Create(c.Context(), c.P, id, in)
	})
}

func (a *API) Get(c *web.Ctx) error {
	id, rid, err := c.ProjectPathID("rid")
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
	id, rid, err := c.ProjectPathID("rid")
	if err != nil {
		return err
	}
	return change(a, c, id, http.StatusOK, func(in Input) (Requirement, error) {
		return a.svc.Update(c.Context(), c.P, id, rid, in)
	})
}

func (a *API) Delete(c *web.Ctx) error {
	id, rid, err := c.ProjectPathID("rid")
	if err != nil {
		return err
	}
	v, err := a.deleteVersion(c, id)
	if err != nil {
		return err
	}
	if err := a.svc.Delete(c.Context(), c.P, id, rid, v); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) Restore(c *web.Ctx) error {
	id, rid, err := c.ProjectPathID("rid")
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
	return web.Reply(c, http.StatusOK, r, err)
}

func (a *API) Review(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	return change(a, c, id, http.StatusOK, func(in ReviewInput) ([]Requirement, error) {
		return a.svc.Review(c.Context(), c.P, id, in)
	})
}

func (a *API) Move(c *web.Ctx) error {
	id, rid, err := c.ProjectPathID("rid")
	if err != nil {
		return err
	}
	return change(a, c, id, http.StatusOK, func(in MoveInput) (Requirement, error) {
		return a.svc.Move(c.Context(), c.P, id, rid, in)
	})
}

func (a *API) Functions(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	fs, _, err := a.svc.Functions(c.Context(), c.P, id)
	return web.Reply(c, http.StatusOK, fs, err)
}

func (a *API) CreateFunction(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	return change(a, c, id, http.StatusCreated, func(in FunctionInput) (Function, error) {
		f, err := a.svc.CreateFunction(c.Context(), c.P, id, in)
		if err != nil {
			return Function{}, err
		}
		out, _, err := a.svc.Function(c.Context(), c.P, id, f.ID)
		return out, err
	})
}

func (a *API) UpdateFunction(c *web.Ctx) error {
	id, fid, err := c.ProjectPathID("fid")
	if err != nil {
		return err
	}
	return change(a, c, id, http.StatusOK, func(in FunctionInput) (Function, error) {
		if _, err := a.svc.UpdateFunction(c.Context(), c.P, id, fid, in); err != nil {
			return Function{}, err
		}
		out, _, err := a.svc.Function(c.Context(), c.P, id, fid)
		return out, err
	})
}

func (a *API) DeleteFunction(c *web.Ctx) error {
	id, fid, err := c.ProjectPathID("fid")
	if err != nil {
		return err
	}
	v, err := a.deleteVersion(c, id)
	if err != nil {
		return err
	}
	if err := a.svc.DeleteFunction(c.Context(), c.P, id, fid, v); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) GenerateTasks(c *web.Ctx) error {
	id, fid, err := c.ProjectPathID("fid")
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
	return web.Reply(c, http.StatusOK, t, err)
}
