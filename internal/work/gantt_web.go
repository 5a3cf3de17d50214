package work

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/project"
	"golive/internal/web"
)

// GanttWeb holds the Gantt page and its forms (the keyboard and no-script
// way to reschedule and to freeze a baseline).
type GanttWeb struct{ svc *Service }

func NewGanttWeb(svc *Service) *GanttWeb { return &GanttWeb{svc: svc} }

// ganttView is what the page reads from the service.
type ganttView struct {
	a         analysis
	internal  bool
	canEdit   bool
	canBase   bool
	base      map[int64][2]string
	baselines []Baseline
}

// ganttView reads the plan, its analysis and the baselines for the page.
func (s *Service) ganttView(ctx context.Context, p *access.Principal, projectID, baselineID int64) (ganttView, error) {
	m, internal, err := s.access(ctx, p, projectID)
	if err != nil {
		return ganttView{}, err
	}
	v := ganttView{internal: internal, canEdit: p.Can(m, access.TaskEdit), canBase: p.Can(m, access.BaselineManage)}
	pd, err := loadPlan(ctx, s.db, projectID)
	if err != nil {
		return v, apperr.Wrap(err)
	}
	if baselineID > 0 {
		if v.base, err = baselineDates(ctx, s.db, projectID, baselineID); err != nil {
			return v, apperr.Wrap(err)
		}
	}
	if v.baselines, err = listBaselines(ctx, s.db, projectID, internal); err != nil {
		return v, apperr.Wrap(err)
	}
	v.a = analyse(pd)
	return v, nil
}

type ganttPage struct {
	web.Base
	P           project.Project
	Chart       ganttChart
	Baselines   []Baseline
	BaselineID  int64
	Zoom        string
	Zooms       []string
	Query       string // baseline and zoom, to keep them across links and forms
	CanEdit     bool
	CanBaseline bool
	ShowVisible bool
	Cycle       string
	// The reschedule form, for the task chosen with ?task=.
	Sel        *ganttRow
	SelStart   string
	SelVersion int64
	Errors     map[string]string
	Conflict   bool
	// The baseline form.
	BaselineName   string
	BaselineErrors map[string]string
}

// ganttQuery reads ?baseline, ?zoom and ?task; a malformed baseline id is
// a 400 naming the parameter.
func ganttQuery(c *web.Ctx) (baseline int64, zoom string, task int64, err error) {
	q := c.R.URL.Query()
	if s := q.Get("baseline"); s != "" {
		if baseline, err = strconv.ParseInt(s, 10, 64); err != nil || baseline < 0 {
			return 0, "", 0, apperr.InvalidField("baseline", "validate.type")
		}
	}
	zoom = q.Get("zoom")
	if _, ok := ganttZooms[zoom]; !ok {
		zoom = ""
	}
	task, _ = strconv.ParseInt(q.Get("task"), 10, 64)
	return baseline, zoom, task, nil
}

func keepQuery(baseline int64, zoom string) string {
	v := url.Values{}
	if baseline > 0 {
		v.Set("baseline", strconv.FormatInt(baseline, 10))
	}
	if zoom != "" {
		v.Set("zoom", zoom)
	}
	if len(v) == 0 {
		return ""
	}
	return v.Encode()
}

// page builds the view model; task selects the row the reschedule form is
// about.
func (h *GanttWeb) page(c *web.Ctx, id, baselineID int64, zoom string, task int64) (ganttPage, error) {
	pr, m, err := h.svc.Project(c.Context(), c.P, id)
	if err != nil {
		return ganttPage{}, err
	}
	v, err := h.svc.ganttView(c.Context(), c.P, id, baselineID)
	if err != nil {
		return ganttPage{}, err
	}
	vm := ganttPage{Base: project.ProjectBase(c, pr, "gantt", "gantt.title"), P: pr, Baselines: v.baselines, BaselineID: baselineID,
		Zoom: zoom, Zooms: []string{"day", "week", "month"}, Query: keepQuery(baselineID, zoom),
		CanEdit: v.canEdit, CanBaseline: v.canBase, ShowVisible: c.P.Can(m, access.InternalView), Cycle: v.a.cycleText()}
	vm.Chart = buildChart(chartInput{a: v.a, internal: v.internal, base: v.base, zoom: zoom, today: ganttToday(), t: c.T})
	if task > 0 {
		for i := range vm.Chart.Rows {
			if r := &vm.Chart.Rows[i]; r.IsTask && r.ID == task {
				vm.Sel, vm.SelStart, vm.SelVersion = r, r.Start, r.Version
			}
		}
	}
	return vm, nil
}

func (h *GanttWeb) render(c *web.Ctx, status int, vm ganttPage) error {
	if c.HTMX() {
		return c.Render(status, "work/_gantt_chart.html", vm)
	}
	return c.Render(status, "work/gantt.html", vm)
}

// Page is GET /projects/{id}/gantt; for htmx (and gantt.js after a drag)
// it answers with the chart alone.
func (h *GanttWeb) Page(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	baselineID, zoom, task, err := ganttQuery(c)
	if err != nil {
		return err
	}
	vm, err := h.page(c, id, baselineID, zoom, task)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, vm)
}

// Reschedule is the form behind the chart: task_id, start_date, version.
func (h *GanttWeb) Reschedule(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	tid, _ := strconv.ParseInt(c.FormValue("task_id"), 10, 64)
	if tid <= 0 {
		return apperr.NotFoundErr()
	}
	in := RescheduleInput{StartDate: c.FormValue("start_date")}
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	baselineID, _ := strconv.ParseInt(c.FormValue("baseline"), 10, 64)
	zoom := c.FormValue("zoom")
	if _, ok := ganttZooms[zoom]; !ok {
		zoom = ""
	}
	res, err := h.svc.Reschedule(c.Context(), c.P, id, tid, in)
	if err != nil {
		fe, conflict, status, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		vm, perr := h.page(c, id, baselineID, zoom, tid)
		if perr != nil {
			return perr
		}
		if conflict {
			// Keep what was typed; the form now carries the current version,
			// so saving again is a deliberate choice over the other change.
			vm.Conflict = true
		} else {
			vm.SelVersion = in.Version
		}
		vm.SelStart, vm.Errors = in.StartDate, fe
		return c.Render(status, "work/gantt.html", vm)
	}
	c.Flash("gantt.moved", len(res.Moved))
	q := keepQuery(baselineID, zoom)
	to := "/projects/" + pid(id) + "/gantt?task=" + pid(tid)
	if q != "" {
		to += "&" + q
	}
	return c.Redirect(to)
}

// CreateBaseline is the page form that freezes the plan.
func (h *GanttWeb) CreateBaseline(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := BaselineInput{Name: c.FormValue("name")}
	b, err := h.svc.CreateBaseline(c.Context(), c.P, id, in)
	if err != nil {
		fe := c.FieldErrors(err)
		if fe == nil {
			return err
		}
		vm, perr := h.page(c, id, 0, "", 0)
		if perr != nil {
			return perr
		}
		vm.BaselineName, vm.BaselineErrors = in.Name, fe
		return c.Render(http.StatusBadRequest, "work/gantt.html", vm)
	}
	c.Flash("gantt.baseline_created", b.Name)
	return c.Redirect("/projects/" + pid(id) + "/gantt?baseline=" + pid(b.ID))
}
