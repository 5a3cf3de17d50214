package work

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/project"
	"golive/internal/web"
)

// ----- workflow page: rename, WIP limits, add, reorder, remove, restore -----

type workflowRow struct {
	S        Status
	Label    string
	Category string // translated
	Errs     map[string]string
	Name     string
	Limit    string
	Count    int    // live tasks in the status
	Blocked  string // why it cannot be removed (translated), "" when it can
	Targets  []Status
	Target   int64 // the target chosen when a removal failed
	RemErrs  map[string]string
	Conflict bool
}

type workflowPage struct {
	web.Base
	P          project.Project
	Rows       []workflowRow
	Removed    []workflowRow
	CanManage  bool
	Categories []workflowOpt
	New        NewStatusInput
	NewLimit   string
	NewErrs    map[string]string
}

type workflowOpt struct{ Key, Label string }

func (h *Web) workflowPage(c *web.Ctx, id int64) (workflowPage, error) {
	pr, m, err := h.svc.Project(c.Context(), c.P, id)
	if err != nil {
		return workflowPage{}, err
	}
	ss, err := h.svc.workflow(c.Context(), id)
	if err != nil {
		return workflowPage{}, err
	}
	_, internal, err := h.svc.access(c.Context(), c.P, id)
	if err != nil {
		return workflowPage{}, err
	}
	counts, err := h.svc.columnCounts(c.Context(), id, internal, Filter{})
	if err != nil {
		return workflowPage{}, err
	}
	t := func(k string) string { return c.T(k) }
	vm := workflowPage{Base: project.ProjectBase(c, pr, "board", "work.workflow"), P: pr, CanManage: c.P.Can(m, access.WorkflowManage),
		New: NewStatusInput{Category: CatDoing}}
	for _, k := range Categories {
		vm.Categories = append(vm.Categories, workflowOpt{k, c.T("workflow.category." + k)})
	}
	for _, s := range ss {
		row := workflowRow{S: s, Label: s.Label(t), Category: c.T("workflow.category." + s.Category), Name: s.Custom,
			Limit: strconv.Itoa(s.WIPLimit), Count: counts[s.Key]}
		if why := removable(ss, s); why != "" {
			row.Blocked = c.T(why)
		}
		for _, o := range ss {
			if o.ID != s.ID {
				o.Name = o.Label(t)
				row.Targets = append(row.Targets, o)
			}
		}
		vm.Rows = append(vm.Rows, row)
	}
	if vm.CanManage {
		removed, err := h.svc.RemovedStatuses(c.Context(), c.P, id)
		if err != nil {
			return workflowPage{}, err
		}
		for _, s := range removed {
			vm.Removed = append(vm.Removed, workflowRow{S: s, Label: s.Label(t), Category: c.T("workflow.category." + s.Category)})
		}
	}
	return vm, nil
}

func (h *Web) Workflow(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	vm, err := h.workflowPage(c, id)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "work/workflow.html", vm)
}

// formInt reads an optional whole number; text that is not one becomes -1
// so that validation names the field.
func formInt(c *web.Ctx, name string) (int, string) {
	v := strings.TrimSpace(c.FormValue(name))
	if v == "" {
		return 0, v
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return -1, v
	}
	return n, v
}

func (h *Web) UpdateStatus(c *web.Ctx) error {
	id, sid, err := h.statusForm(c)
	if err != nil {
		return err
	}
	in := StatusInput{Name: c.FormValue("name")}
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	var limit string
	in.WIPLimit, limit = formInt(c, "wip_limit")
	if _, err := h.svc.UpdateStatus(c.Context(), c.P, id, sid, in); err != nil {
		return h.workflowFailed(c, id, sid, err, func(r *workflowRow, fe map[string]string) {
			r.Errs, r.Name, r.Limit = fe, c.FormValue("name"), limit
		})
	}
	c.Flash("work.workflow_saved")
	return c.Redirect("/projects/" + pid(id) + "/workflow")
}

func (h *Web) AddStatus(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if _, _, err := h.svc.can(c.Context(), c.P, id, access.WorkflowManage); err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := NewStatusInput{Name: c.FormValue("name"), Category: c.FormValue("category")}
	var limit string
	in.WIPLimit, limit = formInt(c, "wip_limit")
	st, err := h.svc.AddStatus(c.Context(), c.P, id, in)
	if err != nil {
		fe, _, status, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		vm, verr := h.workflowPage(c, id)
		if verr != nil {
			return verr
		}
		vm.New, vm.NewLimit, vm.NewErrs = in, limit, fe
		return c.Render(status, "work/workflow.html", vm)
	}
	c.Flash("workflow.added", st.Custom)
	return c.Redirect("/projects/" + pid(id) + "/workflow")
}

func (h *Web) RemoveStatus(c *web.Ctx) error {
	id, sid, err := h.statusForm(c)
	if err != nil {
		return err
	}
	var in RemoveStatusInput
	in.TargetID, _ = strconv.ParseInt(c.FormValue("target_id"), 10, 64)
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	res, err := h.svc.RemoveStatus(c.Context(), c.P, id, sid, in)
	if err != nil {
		return h.workflowFailed(c, id, sid, err, func(r *workflowRow, fe map[string]string) {
			r.RemErrs, r.Target = fe, in.TargetID
		})
	}
	c.Flash("workflow.removed", res.Moved)
	return c.Redirect("/projects/" + pid(id) + "/workflow")
}

func (h *Web) RestoreStatus(c *web.Ctx) error {
	id, sid, err := c.ProjectPathID("sid")
	if err != nil {
		return err
	}
	if _, err := h.svc.RestoreStatus(c.Context(), c.P, id, sid); err != nil {
		return err
	}
	c.Flash("workflow.restored")
	return c.Redirect("/projects/" + pid(id) + "/workflow")
}

// MoveStatus moves one status up or down by one place: the keyboard and
// no-script way to reorder (the page's drag sends the whole order to the
// API). The form carries the status's version; a stale one is a conflict.
func (h *Web) MoveStatus(c *web.Ctx) error {
	id, sid, err := h.statusForm(c)
	if err != nil {
		return err
	}
	version, _ := strconv.ParseInt(c.FormValue("version"), 10, 64)
	ss, err := h.svc.workflow(c.Context(), id)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(ss, func(s Status) bool { return s.ID == sid })
	if i < 0 {
		return apperr.NotFoundErr()
	}
	j := i - 1
	if c.FormValue("dir") == "down" {
		j = i + 1
	}
	if j >= 0 && j < len(ss) {
		if ss[i].Version != version {
			return h.workflowFailed(c, id, sid, apperr.ConflictErr(), rowErrs)
		}
		ss[i], ss[j] = ss[j], ss[i]
		var in ReorderInput
		for _, s := range ss {
			in.Order = append(in.Order, StatusRef{ID: s.ID, Version: s.Version})
		}
		if _, err := h.svc.ReorderStatuses(c.Context(), c.P, id, in); err != nil {
			return h.workflowFailed(c, id, sid, err, rowErrs)
		}
	}
	c.Flash("workflow.reordered")
	return c.Redirect("/projects/" + pid(id) + "/workflow")
}

// statusForm reads a status form's project {id} and {sid}, checks that the
// caller may manage the workflow, then parses the form.
func (h *Web) statusForm(c *web.Ctx) (id, sid int64, err error) {
	if id, sid, err = c.ProjectPathID("sid"); err != nil {
		return 0, 0, err
	}
	if _, _, err := h.svc.can(c.Context(), c.P, id, access.WorkflowManage); err != nil {
		return 0, 0, err
	}
	return id, sid, c.Form()
}

// rowErrs puts field errors on the row's edit form.
func rowErrs(r *workflowRow, fe map[string]string) { r.Errs = fe }

// workflowFailed re-renders the workflow page with a row's conflict and,
// through set, its field errors and what was typed.
func (h *Web) workflowFailed(c *web.Ctx, id, sid int64, err error, set func(r *workflowRow, fe map[string]string)) error {
	fe, conflict, status, ok := c.FormFailure(err)
	if !ok {
		return err
	}
	vm, verr := h.workflowPage(c, id)
	if verr != nil {
		return verr
	}
	for i := range vm.Rows {
		if vm.Rows[i].S.ID == sid {
			set(&vm.Rows[i], fe)
			vm.Rows[i].Conflict = conflict
		}
	}
	return c.Render(status, "work/workflow.html", vm)
}

// ----- JSON -----

func (a *API) AddStatus(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusCreated, a.may(c, id, access.WorkflowManage), func(in NewStatusInput) (Status, error) {
		st, err := a.svc.AddStatus(c.Context(), c.P, id, in)
		st.Name = st.Label(func(k string) string { return c.T(k) })
		return st, err
	})
}

func (a *API) ReorderStatuses(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, a.may(c, id, access.WorkflowManage), func(in ReorderInput) ([]Status, error) {
		ss, err := a.svc.ReorderStatuses(c.Context(), c.P, id, in)
		for i := range ss {
			ss[i].Name = ss[i].Label(func(k string) string { return c.T(k) })
		}
		return ss, err
	})
}

func (a *API) RemoveStatus(c *web.Ctx) error {
	id, sid, err := c.ProjectPathID("sid")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, a.may(c, id, access.WorkflowManage), func(in RemoveStatusInput) (Removal, error) {
		res, err := a.svc.RemoveStatus(c.Context(), c.P, id, sid, in)
		res.Status.Name = res.Status.Label(func(k string) string { return c.T(k) })
		return res, err
	})
}

func (a *API) RemovedStatuses(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	ss, err := a.svc.RemovedStatuses(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	for i := range ss {
		ss[i].Name = ss[i].Label(func(k string) string { return c.T(k) })
	}
	return c.JSON(http.StatusOK, ss)
}

func (a *API) RestoreStatus(c *web.Ctx) error {
	id, sid, err := c.ProjectPathID("sid")
	if err != nil {
		return err
	}
	st, err := a.svc.RestoreStatus(c.Context(), c.P, id, sid)
	if err != nil {
		return err
	}
	st.Name = st.Label(func(k string) string { return c.T(k) })
	return c.JSON(http.StatusOK, st)
}
