package work

import (
	"encoding/json"
	"net/http"
	"strconv"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/db"
	"golive/internal/project"
	"golive/internal/web"
)

// IterationWeb holds the iterations pages: the list with planning of the
// backlog and velocity, and one iteration with its tasks and burndown.
type IterationWeb struct{ svc *Service }

func NewIterationWeb(svc *Service) *IterationWeb { return &IterationWeb{svc: svc} }

type iterationsPage struct {
	web.Base
	P          project.Project
	Iterations []Iteration
	Open       []Iteration
	Backlog    []Task
	More       bool
	CanManage  bool
	CanPlan    bool
	Velocity   string // chart data as JSON for iterations.js
	In         IterationInput
	Errors     map[string]string
	Over       map[int64]int // open iteration → members over capacity
}

type iterationPage struct {
	web.Base
	P         project.Project
	It        Iteration
	Columns   []iterColumn
	Open      []Iteration
	CanManage bool
	Burndown  string // chart data as JSON for iterations.js
	// Capacity (iteration_capacity.go, iteration_edit_web.go).
	Capacity    Capacity
	CapConflict bool
	CapError    string
}

type iterColumn struct {
	Status Status
	Label  string
	Tasks  []Task
}

func (h *IterationWeb) list(c *web.Ctx, id int64) (iterationsPage, error) {
	pr, m, err := h.svc.Project(c.Context(), c.P, id)
	if err != nil {
		return iterationsPage{}, err
	}
	its, err := h.svc.ListIterations(c.Context(), c.P, id)
	if err != nil {
		return iterationsPage{}, err
	}
	backlog, total, err := h.svc.List(c.Context(), c.P, id, Filter{Iteration: -1}, db.Page{Number: 1, Size: 200})
	if err != nil {
		return iterationsPage{}, err
	}
	v, err := h.svc.Velocity(c.Context(), c.P, id)
	if err != nil {
		return iterationsPage{}, err
	}
	vb, _ := json.Marshal(v)
	vm := iterationsPage{Base: project.ProjectBase(c, pr, "iterations", "iterations.title"), P: pr, Iterations: its, Backlog: backlog,
		More: total > len(backlog), CanManage: c.P.Can(m, access.WorkflowManage), CanPlan: c.P.Can(m, access.TaskEdit), Velocity: string(vb),
		In: IterationInput{StartDate: todayStr()}}
	vm.Over = map[int64]int{}
	for _, it := range its {
		if it.Status != IterClosed {
			vm.Open = append(vm.Open, it)
			// Planning happens here: say who is over-committed already.
			capa, err := h.svc.IterationCapacity(c.Context(), c.P, id, it.ID)
			if err != nil {
				return iterationsPage{}, err
			}
			vm.Over[it.ID] = capa.OverCount
		}
	}
	return vm, nil
}

// List is the iterations page.
func (h *IterationWeb) List(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	vm, err := h.list(c, id)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "work/iterations.html", vm)
}

// Create is the page form that adds an iteration.
func (h *IterationWeb) Create(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := IterationInput{Name: c.FormValue("name"), StartDate: c.FormValue("start_date"), EndDate: c.FormValue("end_date"), Goal: c.FormValue("goal")}
	it, err := h.svc.CreateIteration(c.Context(), c.P, id, in)
	if err != nil {
		fe := c.FieldErrors(err)
		if fe == nil {
			return err
		}
		vm, perr := h.list(c, id)
		if perr != nil {
			return perr
		}
		vm.In, vm.Errors = in, fe
		return c.Render(http.StatusBadRequest, "work/iterations.html", vm)
	}
	c.Flash("iterations.created", it.Name)
	return c.Redirect("/projects/" + pid(id) + "/iterations/" + pid(it.ID))
}

// Assign is the planning form of the backlog (and the "back to backlog"
// button of an iteration page).
func (h *IterationWeb) Assign(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	var in AssignInput
	for _, v := range c.R.PostForm["task_ids"] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return apperr.InvalidField("task_ids", "iterations.task_unknown")
		}
		in.TaskIDs = append(in.TaskIDs, n)
	}
	if v := c.FormValue("iteration_id"); v != "" {
		if in.IterationID, err = strconv.ParseInt(v, 10, 64); err != nil {
			return apperr.InvalidField("iteration_id", "iterations.not_open")
		}
	}
	n, err := h.svc.AssignTasks(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	c.Flash("iterations.assigned", n)
	if back := c.FormValue("back"); back != "" {
		if b, err := strconv.ParseInt(back, 10, 64); err == nil {
			return c.Redirect("/projects/" + pid(id) + "/iterations/" + pid(b))
		}
	}
	return c.Redirect("/projects/" + pid(id) + "/iterations")
}

// Show is one iteration: tasks by status, burndown, capacity, close form.
func (h *IterationWeb) Show(c *web.Ctx) error {
	id, iid, err := c.ProjectPathID("iid")
	if err != nil {
		return err
	}
	vm, err := h.show(c, id, iid)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "work/iteration.html", vm)
}

func (h *IterationWeb) show(c *web.Ctx, id, iid int64) (iterationPage, error) {
	pr, m, err := h.svc.Project(c.Context(), c.P, id)
	if err != nil {
		return iterationPage{}, err
	}
	b, err := h.svc.IterationBurndown(c.Context(), c.P, id, iid)
	if err != nil {
		return iterationPage{}, err
	}
	its, err := h.svc.ListIterations(c.Context(), c.P, id)
	if err != nil {
		return iterationPage{}, err
	}
	ss, err := h.svc.Workflow(c.Context(), c.P, id)
	if err != nil {
		return iterationPage{}, err
	}
	tasks, _, err := h.svc.List(c.Context(), c.P, id, Filter{Iteration: iid}, db.Page{Number: 1, Size: 200})
	if err != nil {
		return iterationPage{}, err
	}
	capa, err := h.svc.IterationCapacity(c.Context(), c.P, id, iid)
	if err != nil {
		return iterationPage{}, err
	}
	bb, _ := json.Marshal(b.Points)
	vm := iterationPage{Base: project.ProjectBase(c, pr, "iterations", "iterations.title"), P: pr, It: b.Iteration,
		CanManage: c.P.Can(m, access.WorkflowManage), Burndown: string(bb), Capacity: capa}
	vm.Title = b.Iteration.Name
	for _, it := range its {
		if it.Status != IterClosed && it.ID != iid {
			vm.Open = append(vm.Open, it)
		}
	}
	for _, st := range ss {
		col := iterColumn{Status: st, Label: st.Label(func(k string) string { return c.T(k) })}
		for _, t := range tasks {
			if t.Status == st.Key {
				col.Tasks = append(col.Tasks, t)
			}
		}
		vm.Columns = append(vm.Columns, col)
	}
	return vm, nil
}

// Close is the page form that closes an iteration.
func (h *IterationWeb) Close(c *web.Ctx) error {
	id, iid, err := c.ProjectPathID("iid")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := CloseInput{}
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	if v := c.FormValue("move_to"); v != "" {
		if in.MoveTo, err = strconv.ParseInt(v, 10, 64); err != nil {
			return apperr.InvalidField("move_to", "iterations.not_open")
		}
	}
	it, err := h.svc.CloseIteration(c.Context(), c.P, id, iid, in)
	if err != nil {
		return err
	}
	c.Flash("iterations.closed_flash", it.Name)
	return c.Redirect("/projects/" + pid(id) + "/iterations/" + pid(iid))
}

func (iterationsPage) H(min int64) string { return Iteration{}.H(min) }
func (iterationPage) H(min int64) string  { return Iteration{}.H(min) }

// AvailH is a member's available hours as the capacity form shows them
// (empty: the default applies).
func (iterationPage) AvailH(m MemberCapacity) string {
	if !m.Override {
		return ""
	}
	return strconv.FormatFloat(float64(m.AvailableMin)/60, 'f', -1, 64)
}
