package work

import (
	"net/http"
	"strconv"
	"time"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/web"
)

// API holds the JSON handlers; they call the same service methods as the
// pages, so the permission checks are the same.
type API struct{ svc *Service }

func NewAPI(svc *Service) *API { return &API{svc: svc} }

// filterOf reads list filters from the query string; a malformed id is a
// field error naming the parameter.
func filterOf(c *web.Ctx) (Filter, error) {
	q := c.R.URL.Query()
	f := Filter{Status: q.Get("status"), Label: q.Get("label"), Q: q.Get("q")}
	var fe apperr.Fields
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"assignee", &f.AssigneeID}, {"phase", &f.PhaseID}, {"iteration", &f.Iteration}} {
		v := q.Get(p.name)
		switch v {
		case "":
		case "none":
			*p.dst = -1
		default:
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				fe.Add(p.name, "work.filter_id")
				continue
			}
			*p.dst = n
		}
	}
	if len([]rune(f.Q)) > 200 {
		fe.Add("q", "validate.too_long", 200)
	}
	if len([]rune(f.Label)) > maxLabelLen {
		fe.Add("label", "validate.too_long", maxLabelLen)
	}
	return f, fe.Err()
}

func (a *API) List(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if _, _, err := a.svc.access(c.Context(), c.P, id); err != nil {
		return err
	}
	f, err := filterOf(c)
	if err != nil {
		return err
	}
	if f.Status != "" {
		ss, err := a.svc.workflow(c.Context(), id)
		if err != nil {
			return err
		}
		if _, ok := findStatus(ss, f.Status); !ok {
			return apperr.InvalidField("status", "work.status_unknown")
		}
	}
	page := c.PageParam(50, 200)
	items, total, err := a.svc.List(c.Context(), c.P, id, f, page)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, web.NewPaged(items, total, page))
}

func ids(c *web.Ctx) (int64, int64, error) {
	id, err := c.PathID("id")
	if err != nil {
		return 0, 0, err
	}
	tid, err := c.PathID("tid")
	return id, tid, err
}

func (a *API) Get(c *web.Ctx) error {
	id, tid, err := ids(c)
	if err != nil {
		return err
	}
	t, _, err := a.svc.Get(c.Context(), c.P, id, tid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

func (a *API) Create(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusCreated, a.may(c, id, access.TaskCreate), func(in Input) (Task, error) {
		return a.svc.Create(c.Context(), c.P, id, in)
	})
}

func (a *API) Update(c *web.Ctx) error {
	id, tid, err := ids(c)
	if err != nil {
		return err
	}
	if _, _, err := a.svc.can(c.Context(), c.P, id, access.TaskEdit); err != nil {
		return err
	}
	var p Patch
	if err := c.DecodeJSON(&p); err != nil {
		return err
	}
	if p.Version <= 0 {
		return apperr.InvalidField("version", "validate.required")
	}
	t, err := a.svc.Patch(c.Context(), c.P, id, tid, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

func (a *API) Delete(c *web.Ctx) error {
	id, tid, err := ids(c)
	if err != nil {
		return err
	}
	if err := a.svc.Delete(c.Context(), c.P, id, tid); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) Restore(c *web.Ctx) error {
	id, tid, err := ids(c)
	if err != nil {
		return err
	}
	// The task must be one of this project's: the row touched, not the URL.
	var pid int64
	if err := a.svc.db.QueryRow(c.Context(), `SELECT project_id FROM tasks WHERE id = ?`, tid).Scan(&pid); err != nil || pid != id {
		return apperr.NotFoundErr()
	}
	if err := a.svc.Restore(c.Context(), c.P, tid); err != nil {
		return err
	}
	t, _, err := a.svc.Get(c.Context(), c.P, id, tid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

func (a *API) Move(c *web.Ctx) error {
	id, tid, err := ids(c)
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, a.may(c, id, access.TaskEdit), func(in MoveInput) (Task, error) {
		return a.svc.Move(c.Context(), c.P, id, tid, in)
	})
}

func (a *API) Dependencies(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	var task int64
	if v := c.R.URL.Query().Get("task"); v != "" {
		if task, err = strconv.ParseInt(v, 10, 64); err != nil || task <= 0 {
			if _, _, aerr := a.svc.access(c.Context(), c.P, id); aerr != nil {
				return aerr
			}
			return apperr.InvalidField("task", "work.filter_id")
		}
	}
	ds, err := a.svc.Dependencies(c.Context(), c.P, id, task)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ds)
}

func (a *API) AddDependency(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusCreated, a.may(c, id, access.TaskEdit), func(in DepInput) (Dependency, error) {
		return a.svc.AddDependency(c.Context(), c.P, id, in)
	})
}

func (a *API) RemoveDependency(c *web.Ctx) error {
	id, did, err := c.ProjectPathID("did")
	if err != nil {
		return err
	}
	if err := a.svc.RemoveDependency(c.Context(), c.P, id, did); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) Workflow(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	ss, err := a.svc.Workflow(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	for i := range ss {
		ss[i].Name = ss[i].Label(func(k string) string { return c.T(k) })
	}
	return c.JSON(http.StatusOK, ss)
}

// may is the check a JSON change makes before its body is read: may the
// caller do act in project id? A caller who may not learns nothing from
// how their input would have been judged.
func (a *API) may(c *web.Ctx, id int64, act access.Action) func() error {
	return func() error {
		_, _, err := a.svc.can(c.Context(), c.P, id, act)
		return err
	}
}

func (a *API) UpdateStatus(c *web.Ctx) error {
	id, sid, err := c.ProjectPathID("sid")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, a.may(c, id, access.WorkflowManage), func(in StatusInput) (Status, error) {
		st, err := a.svc.UpdateStatus(c.Context(), c.P, id, sid, in)
		st.Name = st.Label(func(k string) string { return c.T(k) })
		return st, err
	})
}

// MyGroupsJSON is "my work" in the API.
type MyGroupsJSON struct {
	Overdue  []MyTask `json:"overdue"`
	Today    []MyTask `json:"today"`
	ThisWeek []MyTask `json:"this_week"`
	Later    []MyTask `json:"later"`
}

func (a *API) MyWork(c *web.Ctx) error {
	g, err := a.svc.MyWork(c.Context(), c.P, time.Now().In(web.China), func(s Status) string { return s.Label(func(k string) string { return c.T(k) }) })
	if err != nil {
		return err
	}
	nz := func(x []MyTask) []MyTask {
		if x == nil {
			return []MyTask{}
		}
		return x
	}
	return c.JSON(http.StatusOK, MyGroupsJSON{Overdue: nz(g.Overdue), Today: nz(g.Today), ThisWeek: nz(g.ThisWeek), Later: nz(g.Later)})
}
