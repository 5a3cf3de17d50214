package work

import (
	"net/http"
	"strconv"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/project"
	"golive/internal/web"
)

// The iteration's edit form (name, dates, goal, focus factor) and the
// capacity form of the iteration page. Both carry the iteration's version:
// a stale save answers 409 with the form as the user filled it, now
// holding the current version, so saving again is a deliberate choice.

type iterationFormPage struct {
	web.Base
	P        project.Project
	It       Iteration
	In       IterationInput
	Errors   map[string]string
	Conflict bool
}

func (h *IterationWeb) formPage(c *web.Ctx, id, iid int64) (iterationFormPage, error) {
	pr, m, err := h.svc.Project(c.Context(), c.P, id)
	if err != nil {
		return iterationFormPage{}, err
	}
	it, err := h.svc.Iteration(c.Context(), c.P, id, iid)
	if err != nil {
		return iterationFormPage{}, err
	}
	if !c.P.Can(m, access.WorkflowManage) {
		return iterationFormPage{}, apperr.ForbiddenErr()
	}
	if it.Status == IterClosed {
		return iterationFormPage{}, apperr.New(apperr.Conflict, "iterations.closed")
	}
	vm := iterationFormPage{Base: project.ProjectBase(c, pr, "iterations", "iterations.edit"), P: pr, It: it,
		In: IterationInput{Name: it.Name, StartDate: it.StartDate, EndDate: it.EndDate, Goal: it.Goal, FocusPct: it.FocusPct, Version: it.Version}}
	return vm, nil
}

func (h *IterationWeb) ids(c *web.Ctx) (int64, int64, error) {
	id, err := c.PathID("id")
	if err != nil {
		return 0, 0, err
	}
	iid, err := c.PathID("iid")
	return id, iid, err
}

// Edit shows the iteration's edit form.
func (h *IterationWeb) Edit(c *web.Ctx) error {
	id, iid, err := h.ids(c)
	if err != nil {
		return err
	}
	vm, err := h.formPage(c, id, iid)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "work/iteration_form.html", vm)
}

// Update saves the edit form.
func (h *IterationWeb) Update(c *web.Ctx) error {
	id, iid, err := h.ids(c)
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := IterationInput{Name: c.FormValue("name"), StartDate: c.FormValue("start_date"), EndDate: c.FormValue("end_date"), Goal: c.FormValue("goal")}
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	focus := strings.TrimSpace(c.FormValue("focus_pct"))
	if focus != "" {
		if in.FocusPct, err = strconv.Atoi(focus); err != nil || in.FocusPct == 0 {
			in.FocusPct = -1 // out of range: the service names the field
		}
	}
	it, err := h.svc.UpdateIteration(c.Context(), c.P, id, iid, in)
	if err != nil {
		fe, conflict, status, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		vm, perr := h.formPage(c, id, iid)
		if perr != nil {
			return perr
		}
		typed := in
		if in.FocusPct < 0 {
			typed.FocusPct = 0
		}
		if conflict {
			typed.Version = vm.It.Version // the current one: saving again overrides knowingly
		}
		vm.In, vm.Errors, vm.Conflict = typed, fe, conflict
		return c.Render(status, "work/iteration_form.html", vm)
	}
	c.Flash("iterations.saved", it.Name)
	return c.Redirect("/projects/" + pid(id) + "/iterations/" + pid(iid))
}

// Capacity saves the members' available hours from the iteration page
// (field "avail_<user id>", hours; empty = the default).
func (h *IterationWeb) Capacity(c *web.Ctx) error {
	id, iid, err := h.ids(c)
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	var in CapacityInput
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	var f apperr.Fields
	for k, vs := range c.R.PostForm {
		uid, ok := strings.CutPrefix(k, "avail_")
		if !ok || len(vs) == 0 {
			continue
		}
		u, err := strconv.ParseInt(uid, 10, 64)
		if err != nil {
			continue
		}
		if strings.TrimSpace(vs[0]) == "" {
			continue
		}
		if m := parseHours(&f, "available_min", vs[0]); !f.Has("available_min") {
			in.Members = append(in.Members, MemberHours{UserID: u, AvailableMin: m})
		}
	}
	if err := f.Err(); err != nil {
		return h.showWith(c, id, iid, err)
	}
	if _, err := h.svc.SetCapacity(c.Context(), c.P, id, iid, in); err != nil {
		return h.showWith(c, id, iid, err)
	}
	c.Flash("iterations.capacity_saved")
	return c.Redirect("/projects/" + pid(id) + "/iterations/" + pid(iid))
}

// showWith answers a failed capacity save with the iteration page and the
// message (400 for a bad number, 409 for a stale version).
func (h *IterationWeb) showWith(c *web.Ctx, id, iid int64, err error) error {
	fe, conflict, status, ok := c.FormFailure(err)
	if !ok {
		return err
	}
	vm, perr := h.show(c, id, iid)
	if perr != nil {
		return perr
	}
	vm.CapConflict = conflict
	vm.CapError = fe["available_min"]
	return c.Render(status, "work/iteration.html", vm)
}
