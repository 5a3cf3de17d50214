package work

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/project"
	"golive/internal/web"
)

//go:embed views/*.html
var viewFS embed.FS

// Views returns the module's templates for registration (the Gantt pages
// of this package included).
func Views() fs.FS { v, _ := fs.Sub(viewFS, "views"); return v }

// Web holds the HTML handlers.
type Web struct{ svc *Service }

func NewWeb(svc *Service) *Web { return &Web{svc: svc} }

func today() time.Time { return time.Now().In(web.China) }

func todayStr() string { return today().Format("2006-01-02") }

func pid(id int64) string { return strconv.FormatInt(id, 10) }

// labels translates the workflow and priorities once per page.
type labels struct {
	status   map[string]string
	category map[string]string
	priority map[string]string
}

func newLabels(c *web.Ctx, ss []Status) labels {
	l := labels{status: map[string]string{}, category: map[string]string{}, priority: map[string]string{}}
	for _, s := range ss {
		l.status[s.Key] = s.Label(func(k string) string { return c.T(k) })
		l.category[s.Key] = s.Category
	}
	for _, p := range Priorities {
		l.priority[p] = c.T("work.priority." + p)
	}
	return l
}

func (l labels) statusName(key string) string {
	if n, ok := l.status[key]; ok {
		return n
	}
	return key
}

// ----- task list (WBS) -----

type treeRow struct {
	TreeRow
	StatusLabel   string
	Category      string
	PriorityLabel string
	People        string
	Estimate      string
	Overdue       bool
}

type filterOpts struct {
	Statuses   []statusOpt
	Members    []project.Member
	Phases     []Option
	Iterations []Option
}

type statusOpt struct {
	Key, Label string
}

type tasksPage struct {
	web.Base
	P          project.Project
	Rows       []treeRow
	Flat       bool
	Filter     Filter
	Opts       filterOpts
	CanCreate  bool
	Truncated  bool
	Query      string // the filter as a query string, for the export link
	Count      int
	FilterForm filtersView
}

// filtersView is the model of the filter form fragment.
type filtersView struct {
	B      web.Base
	F      Filter
	O      filterOpts
	Action string
}

func (h *Web) filterOpts(c *web.Ctx, id int64, ss []Status, l labels) (filterOpts, error) {
	o := filterOpts{}
	for _, s := range ss {
		o.Statuses = append(o.Statuses, statusOpt{Key: s.Key, Label: l.statusName(s.Key)})
	}
	var err error
	if o.Members, err = h.svc.Members(c.Context(), c.P, id); err != nil {
		return o, err
	}
	if o.Phases, err = h.svc.Phases(c.Context(), id); err != nil {
		return o, err
	}
	o.Iterations, err = h.svc.Iterations(c.Context(), id)
	return o, err
}

// filterQuery writes a filter back as a query string.
func filterQuery(f Filter, extra ...string) string {
	q := url.Values{}
	set := func(k string, v int64) {
		switch {
		case v > 0:
			q.Set(k, pid(v))
		case v < 0:
			q.Set(k, "none")
		}
	}
	if f.Status != "" {
		q.Set("status", f.Status)
	}
	set("assignee", f.AssigneeID)
	set("phase", f.PhaseID)
	set("iteration", f.Iteration)
	if f.Label != "" {
		q.Set("label", f.Label)
	}
	if f.Q != "" {
		q.Set("q", f.Q)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] != "" {
			q.Set(extra[i], extra[i+1])
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

func (h *Web) List(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	pr, m, err := h.svc.Project(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	f, err := filterOf(c)
	if err != nil {
		return err
	}
	ss, err := h.svc.workflow(c.Context(), id)
	if err != nil {
		return err
	}
	ts, truncated, err := h.svc.All(c.Context(), c.P, id, f)
	if err != nil {
		return err
	}
	l := newLabels(c, ss)
	vm := tasksPage{Base: project.ProjectBase(c, pr, "tasks", "work.tasks"), P: pr, Flat: !f.Empty(), Filter: f,
		CanCreate: c.P.Can(m, access.TaskCreate), Truncated: truncated, Query: filterQuery(f), Count: len(ts)}
	if vm.Opts, err = h.filterOpts(c, id, ss, l); err != nil {
		return err
	}
	vm.FilterForm = filtersView{B: vm.Base, F: f, O: vm.Opts, Action: "/projects/" + pid(id) + "/tasks"}
	var rows []TreeRow
	if vm.Flat {
		rows = make([]TreeRow, len(ts))
		for i, t := range ts {
			rows[i] = TreeRow{Task: t, Code: ""}
		}
	} else {
		rows = Tree(ts)
	}
	day := todayStr()
	vm.Rows = make([]treeRow, len(rows))
	for i, r := range rows {
		cat := l.category[r.Task.Status]
		vm.Rows[i] = treeRow{TreeRow: r, StatusLabel: l.statusName(r.Task.Status), Category: cat, PriorityLabel: l.priority[r.Task.Priority],
			People: names(r.Task.Assignees), Estimate: FormatHours(r.Task.EstimateMin),
			Overdue: r.Task.DueDate != "" && r.Task.DueDate < day && cat != CatDone && cat != CatCancelled}
	}
	return c.Render(http.StatusOK, "work/tasks.html", vm)
}

func names(ps []Person) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.Name
	}
	return strings.Join(s, "、")
}

// Export streams the (filtered) task list as .xlsx in WBS order.
func (h *Web) Export(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	pr, m, err := h.svc.Project(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	f, err := filterOf(c)
	if err != nil {
		return err
	}
	ss, err := h.svc.workflow(c.Context(), id)
	if err != nil {
		return err
	}
	ts, _, err := h.svc.All(c.Context(), c.P, id, f)
	if err != nil {
		return err
	}
	l := newLabels(c, ss)
	rows := Tree(ts)
	if !f.Empty() {
		rows = make([]TreeRow, len(ts))
		for i, t := range ts {
			rows[i] = TreeRow{Task: t}
		}
	}
	cols := []web.Column{
		{Header: c.T("work.col.wbs"), Kind: web.ColText}, {Header: c.T("field.number"), Kind: web.ColInt},
		{Header: c.T("field.title"), Kind: web.ColText, Width: 40}, {Header: c.T("field.status"), Kind: web.ColText},
		{Header: c.T("field.assignees"), Kind: web.ColText, Width: 20}, {Header: c.T("field.start_date"), Kind: web.ColDate},
		{Header: c.T("field.due_date"), Kind: web.ColDate}, {Header: c.T("field.estimate_hours"), Kind: web.ColText},
		{Header: c.T("field.remaining_hours"), Kind: web.ColText}, {Header: c.T("field.priority"), Kind: web.ColText},
		{Header: c.T("field.phase_id"), Kind: web.ColText}, {Header: c.T("field.iteration_id"), Kind: web.ColText},
		{Header: c.T("field.labels"), Kind: web.ColText},
	}
	internal := c.P.Can(m, access.InternalView)
	if internal {
		cols = append(cols, web.Column{Header: c.T("field.customer_visible"), Kind: web.ColText})
	}
	i := 0
	next := func() ([]any, bool, error) {
		if i >= len(rows) {
			return nil, false, nil
		}
		r := rows[i]
		i++
		t := r.Task
		row := []any{r.Code, t.Number, t.Title, l.statusName(t.Status), names(t.Assignees), t.StartDate, t.DueDate,
			FormatHours(t.EstimateMin), FormatHours(t.RemainingMin), l.priority[t.Priority], t.PhaseName, t.IterationName, strings.Join(t.Labels, ", ")}
		if internal {
			row = append(row, yesNo(c, t.CustomerVisible))
		}
		return row, true, nil
	}
	name := pr.Code + "-" + c.T("work.tasks") + "-" + today().Format("2006-01-02") + ".xlsx"
	return web.ServeXLSX(c.W, name, c.T("work.tasks"), cols, next)
}

func yesNo(c *web.Ctx, b bool) string {
	if b {
		return c.T("work.yes")
	}
	return c.T("work.no")
}

// ----- task detail -----

type taskPage struct {
	web.Base
	P             project.Project
	Task          Task
	StatusLabel   string
	Category      string
	PriorityLabel string
	Estimate      string
	Remaining     string
	Parent        *Task
	Subtasks      []treeRow
	Preds, Succs  []Dependency
	CanEdit       bool
	CanDelete     bool
	ShowVisible   bool
	LinkOptions   []Option
	DepTypes      []string
	DepIn         DepInput
	DepErrors     map[string]string
	Overdue       bool
	CheckDone     int
	// Comments, attachments and watchers (comments_web.go).
	Discussion template.HTML
	Watch      watchView
}

func (h *Web) taskPage(c *web.Ctx, id, tid int64, depIn DepInput, depErrs map[string]string) (taskPage, error) {
	pr, m, err := h.svc.Project(c.Context(), c.P, id)
	if err != nil {
		return taskPage{}, err
	}
	t, _, err := h.svc.Get(c.Context(), c.P, id, tid)
	if err != nil {
		return taskPage{}, err
	}
	ss, err := h.svc.workflow(c.Context(), id)
	if err != nil {
		return taskPage{}, err
	}
	l := newLabels(c, ss)
	vm := taskPage{Base: project.ProjectBase(c, pr, "tasks", "work.task"), P: pr, Task: t, StatusLabel: l.statusName(t.Status), Category: l.category[t.Status],
		PriorityLabel: l.priority[t.Priority], Estimate: FormatHours(t.EstimateMin), Remaining: FormatHours(t.RemainingMin),
		CanEdit: c.P.Can(m, access.TaskEdit), CanDelete: c.P.Can(m, access.TaskDelete), ShowVisible: c.P.Can(m, access.InternalView),
		DepTypes: DepTypes, DepIn: depIn, DepErrors: depErrs}
	vm.Title = t.Ref() + " · " + pr.Name
	vm.Crumbs = []web.Crumb{{Label: c.T("nav.projects"), Href: "/projects"}, {Label: pr.Name, Href: "/projects/" + pid(pr.ID)},
		{Label: c.T("work.tasks"), Href: "/projects/" + pid(pr.ID) + "/tasks"}, {Label: "#" + strconv.FormatInt(t.Number, 10)}}
	day := todayStr()
	vm.Overdue = t.DueDate != "" && t.DueDate < day && vm.Category != CatDone && vm.Category != CatCancelled
	for _, ci := range t.Checklist {
		if ci.Done {
			vm.CheckDone++
		}
	}
	if t.ParentID != nil {
		if par, _, err := h.svc.Get(c.Context(), c.P, id, *t.ParentID); err == nil {
			vm.Parent = &par
		}
	}
	all, _, err := h.svc.All(c.Context(), c.P, id, Filter{})
	if err != nil {
		return vm, err
	}
	for _, r := range Tree(all) {
		if r.Task.ParentID != nil && *r.Task.ParentID == t.ID {
			vm.Subtasks = append(vm.Subtasks, treeRow{TreeRow: r, StatusLabel: l.statusName(r.Task.Status), Category: l.category[r.Task.Status], People: names(r.Task.Assignees)})
		}
	}
	deps, err := h.svc.Dependencies(c.Context(), c.P, id, t.ID)
	if err != nil {
		return vm, err
	}
	for _, d := range deps {
		if d.SuccID == t.ID {
			vm.Preds = append(vm.Preds, d)
		} else {
			vm.Succs = append(vm.Succs, d)
		}
	}
	if vm.CanEdit {
		for _, o := range all {
			if o.ID != t.ID {
				vm.LinkOptions = append(vm.LinkOptions, Option{ID: o.ID, Name: o.Ref()})
			}
		}
	}
	return vm, h.taskExtras(c, &vm, m)
}

func (h *Web) Show(c *web.Ctx) error {
	id, tid, err := ids(c)
	if err != nil {
		return err
	}
	vm, err := h.taskPage(c, id, tid, DepInput{Type: "FS"}, nil)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "work/task.html", vm)
}

// AddDependency adds a predecessor from the task page.
func (h *Web) AddDependency(c *web.Ctx) error {
	id, tid, err := ids(c)
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := DepInput{SuccID: tid, Type: c.FormValue("type")}
	var fe apperr.Fields
	if v := strings.TrimSpace(c.FormValue("pred_id")); v != "" {
		if in.PredID, err = strconv.ParseInt(v, 10, 64); err != nil {
			fe.Add("pred_id", "validate.required")
		}
	}
	if v := strings.TrimSpace(c.FormValue("lag_days")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			fe.Add("lag_days", "work.lag_range", 365, 365)
		}
		in.LagDays = n
	}
	err = fe.Err()
	if err == nil {
		_, err = h.svc.AddDependency(c.Context(), c.P, id, in)
	}
	if err != nil {
		errs := c.FieldErrors(err)
		if errs == nil {
			return err
		}
		vm, verr := h.taskPage(c, id, tid, in, errs)
		if verr != nil {
			return verr
		}
		return c.Render(http.StatusBadRequest, "work/task.html", vm)
	}
	c.Flash("work.dep_added")
	return c.Redirect("/projects/" + pid(id) + "/tasks/" + pid(tid))
}

func (h *Web) RemoveDependency(c *web.Ctx) error {
	id, tid, err := ids(c)
	if err != nil {
		return err
	}
	did, err := c.PathID("did")
	if err != nil {
		return err
	}
	if err := h.svc.RemoveDependency(c.Context(), c.P, id, did); err != nil {
		return err
	}
	c.Flash("work.dep_removed")
	return c.Redirect("/projects/" + pid(id) + "/tasks/" + pid(tid))
}

func (h *Web) Delete(c *web.Ctx) error {
	id, tid, err := ids(c)
	if err != nil {
		return err
	}
	if err := h.svc.Delete(c.Context(), c.P, id, tid); err != nil {
		return err
	}
	c.Flash("work.deleted")
	return c.Redirect("/projects/" + pid(id) + "/tasks")
}

// ----- task form -----

type formPage struct {
	web.Base
	P           project.Project
	In          Input
	Estimate    string
	Remaining   string
	Labels      string
	Checklist   string
	Errors      map[string]string
	Conflict    bool
	Edit        bool
	ID          int64
	Statuses    []statusOpt
	Members     []project.Member
	Phases      []Option
	Iterations  []Option
	Parents     []Option
	Priorities  []statusOpt
	Assigned    map[int64]bool
	Watching    map[int64]bool
	ShowVisible bool
}

func isID(p *int64, id int64) bool { return p != nil && *p == id }

// IsParent, IsPhase and IsIteration mark the selected options.
func (f formPage) IsParent(id int64) bool    { return isID(f.In.ParentID, id) }
func (f formPage) IsPhase(id int64) bool     { return isID(f.In.PhaseID, id) }
func (f formPage) IsIteration(id int64) bool { return isID(f.In.IterationID, id) }

func (h *Web) formPage(c *web.Ctx, id, tid int64, in Input) (formPage, error) {
	pr, m, err := h.svc.Project(c.Context(), c.P, id)
	if err != nil {
		return formPage{}, err
	}
	ss, err := h.svc.workflow(c.Context(), id)
	if err != nil {
		return formPage{}, err
	}
	l := newLabels(c, ss)
	opts, err := h.filterOpts(c, id, ss, l)
	if err != nil {
		return formPage{}, err
	}
	parents, err := h.svc.ParentOptions(c.Context(), c.P, id, tid)
	if err != nil {
		return formPage{}, err
	}
	titleKey := "work.new_task"
	if tid != 0 {
		titleKey = "work.edit_task"
	}
	vm := formPage{Base: project.ProjectBase(c, pr, "tasks", titleKey), P: pr, In: in, Edit: tid != 0, ID: tid, Statuses: opts.Statuses,
		Members: opts.Members, Phases: opts.Phases, Iterations: opts.Iterations, Parents: parents,
		Estimate: FormatHours(in.EstimateMin), Remaining: FormatHours(in.RemainingMin), Labels: strings.Join(in.Labels, ", "),
		Assigned: map[int64]bool{}, Watching: map[int64]bool{}, ShowVisible: c.P.Can(m, access.InternalView)}
	for _, p := range Priorities {
		vm.Priorities = append(vm.Priorities, statusOpt{Key: p, Label: l.priority[p]})
	}
	for _, a := range in.AssigneeIDs {
		vm.Assigned[a] = true
	}
	for _, w := range in.WatcherIDs {
		vm.Watching[w] = true
	}
	var b strings.Builder
	for _, ci := range in.Checklist {
		if ci.Done {
			b.WriteString("[x] ")
		}
		b.WriteString(ci.Text)
		b.WriteString("\n")
	}
	vm.Checklist = b.String()
	vm.Title = c.T(titleKey)
	return vm, nil
}

func (h *Web) New(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if _, _, err := h.svc.can(c.Context(), c.P, id, access.TaskCreate); err != nil {
		return err
	}
	in := Input{Priority: "normal"}
	if v, err := strconv.ParseInt(c.R.URL.Query().Get("parent"), 10, 64); err == nil && v > 0 {
		if par, _, err := h.svc.Get(c.Context(), c.P, id, v); err == nil {
			in.ParentID = &par.ID
			in.PhaseID, in.IterationID, in.CustomerVisible = par.PhaseID, par.IterationID, par.CustomerVisible
		}
	}
	if v := c.R.URL.Query().Get("status"); v != "" {
		in.Status = v
	}
	vm, err := h.formPage(c, id, 0, in)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "work/task_form.html", vm)
}

// formInput reads the task form. Optional ids arrive as "" (none).
func formInput(c *web.Ctx) Input {
	in := Input{Title: c.FormValue("title"), Description: c.FormValue("description"), Status: c.FormValue("status"),
		Priority: c.FormValue("priority"), StartDate: c.FormValue("start_date"), DueDate: c.FormValue("due_date"),
		Labels: SplitLabels(c.FormValue("labels")), CustomerVisible: c.FormValue("customer_visible") != "",
		Checklist: ParseChecklist(c.FormValue("checklist"))}
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	optID := func(name string) *int64 {
		v := strings.TrimSpace(c.FormValue(name))
		if v == "" {
			return nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			n = -1 // named as not found by Validate
		}
		return &n
	}
	in.ParentID, in.PhaseID, in.IterationID = optID("parent_id"), optID("phase_id"), optID("iteration_id")
	for _, field := range []struct {
		name string
		dst  *[]int64
	}{{"assignee_ids", &in.AssigneeIDs}, {"watcher_ids", &in.WatcherIDs}} {
		for _, v := range c.R.PostForm[field.name] {
			if v == "" {
				continue
			}
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				n = -1
			}
			*field.dst = append(*field.dst, n)
		}
	}
	in.SetHours(c.FormValue("estimate_hours"), c.FormValue("remaining_hours"))
	return in
}

func (h *Web) Create(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if _, _, err := h.svc.can(c.Context(), c.P, id, access.TaskCreate); err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := formInput(c)
	t, err := h.svc.Create(c.Context(), c.P, id, in)
	if err != nil {
		fe := c.FieldErrors(err)
		if fe == nil {
			return err
		}
		vm, verr := h.formPage(c, id, 0, in)
		if verr != nil {
			return verr
		}
		vm.Errors, vm.Estimate, vm.Remaining = fe, c.FormValue("estimate_hours"), c.FormValue("remaining_hours")
		vm.Labels, vm.Checklist = c.FormValue("labels"), c.FormValue("checklist")
		return c.Render(http.StatusBadRequest, "work/task_form.html", vm)
	}
	c.Flash("work.created", t.Ref())
	return c.Redirect("/projects/" + pid(id) + "/tasks/" + pid(t.ID))
}

func (h *Web) Edit(c *web.Ctx) error {
	id, tid, err := ids(c)
	if err != nil {
		return err
	}
	if _, _, err := h.svc.can(c.Context(), c.P, id, access.TaskEdit); err != nil {
		return err
	}
	t, _, err := h.svc.Get(c.Context(), c.P, id, tid)
	if err != nil {
		return err
	}
	vm, err := h.formPage(c, id, tid, InputOf(t))
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "work/task_form.html", vm)
}

func (h *Web) Update(c *web.Ctx) error {
	id, tid, err := ids(c)
	if err != nil {
		return err
	}
	if _, _, err := h.svc.can(c.Context(), c.P, id, access.TaskEdit); err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := formInput(c)
	t, err := h.svc.Update(c.Context(), c.P, id, tid, in)
	if err != nil {
		fe, conflict, status, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		// What the user typed stays on the page: a conflict must not lose it.
		vm, verr := h.formPage(c, id, tid, in)
		if verr != nil {
			return verr
		}
		vm.Errors, vm.Conflict = fe, conflict
		vm.Estimate, vm.Remaining = c.FormValue("estimate_hours"), c.FormValue("remaining_hours")
		vm.Labels, vm.Checklist = c.FormValue("labels"), c.FormValue("checklist")
		return c.Render(status, "work/task_form.html", vm)
	}
	c.Flash("work.saved", t.Ref())
	return c.Redirect("/projects/" + pid(id) + "/tasks/" + pid(tid))
}

// ----- my work -----

type myPage struct {
	web.Base
	G      MyGroups
	Today  string
	Groups []myGroup
}

type myGroup struct {
	Key, Title, Class string
	Items             []MyTask
}

func (h *Web) My(c *web.Ctx) error {
	g, err := h.svc.MyWork(c.Context(), c.P, today(), func(s Status) string { return s.Label(func(k string) string { return c.T(k) }) })
	if err != nil {
		return err
	}
	vm := myPage{Base: c.Base("work.my"), G: g, Today: todayStr(), Groups: []myGroup{
		{Key: "overdue", Title: c.T("work.my_overdue"), Class: "red", Items: g.Overdue},
		{Key: "today", Title: c.T("work.my_today"), Class: "amber", Items: g.Today},
		{Key: "week", Title: c.T("work.my_week"), Class: "blue", Items: g.ThisWeek},
		{Key: "later", Title: c.T("work.my_later"), Items: g.Later},
	}}
	vm.Section = "my"
	vm.Crumbs = []web.Crumb{{Label: vm.Title}}
	return c.Render(http.StatusOK, "work/my.html", vm)
}
