package requirement

import (
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golive/internal/apperr"
	"golive/internal/discuss"
	"golive/internal/project"
	"golive/internal/web"
)

// Web serves the module's pages.
type Web struct{ svc *Service }

func NewWeb(s *Service) *Web { return &Web{svc: s} }

func pid(id int64) string { return strconv.FormatInt(id, 10) }

func reqBase(id int64) string { return "/projects/" + pid(id) + "/requirements" }

// head is what every page of the module shows above its content.
type head struct {
	web.Base
	P          project.Project
	Tab        string
	Perms      Perms
	Priorities []string
	Statuses   []string
	Sources    []string
	Types      []string
}

func (h *Web) head(c *web.Ctx, id int64, tab, titleKey string) (head, error) {
	pm, err := h.svc.Perms(c.Context(), c.P, id)
	if err != nil {
		return head{}, err
	}
	pr, _, err := h.svc.projects.Get(c.Context(), c.P, id)
	if err != nil {
		return head{}, err
	}
	b := project.ProjectBase(c, pr, "requirements", titleKey)
	if tab != "pool" {
		b.Crumbs = append(b.Crumbs[:len(b.Crumbs)-1], web.Crumb{Label: c.T("requirement.title"), Href: reqBase(id)}, web.Crumb{Label: c.T(titleKey)})
	}
	return head{Base: b, P: pr, Tab: tab, Perms: pm, Priorities: Priorities, Statuses: Statuses, Sources: SourceKinds, Types: FunctionTypes}, nil
}

// ----- pool -----

type listPage struct {
	head
	Filter  Filter
	Items   []Requirement
	Modules []string
	Errors  map[string]string
	Review  ReviewInput
	Import  *ImportResult
	Issues  []issueView
	Counts  map[string]int
}

type issueView struct {
	Row     int
	Field   string
	Message string
}

func filterOf(c *web.Ctx) Filter {
	q := c.R.URL.Query()
	return Filter{Status: q.Get("status"), Priority: q.Get("priority"), Module: q.Get("module"), Source: q.Get("source"), Text: q.Get("q")}
}

func (h *Web) listPage(c *web.Ctx, id int64, f Filter) (listPage, error) {
	hd, err := h.head(c, id, "pool", "requirement.title")
	if err != nil {
		return listPage{}, err
	}
	items, _, err := h.svc.List(c.Context(), c.P, id, f)
	if err != nil {
		return listPage{}, err
	}
	mods, err := h.svc.Modules(c.Context(), c.P, id)
	if err != nil {
		return listPage{}, err
	}
	counts := map[string]int{}
	for _, r := range items {
		counts[r.Status]++
	}
	return listPage{head: hd, Filter: f, Items: items, Modules: mods, Counts: counts}, nil
}

// List shows the requirement pool with its filters.
func (h *Web) List(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	vm, err := h.listPage(c, id, filterOf(c))
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "requirement/list.html", vm)
}

func yesNo(c *web.Ctx, b bool) string {
	if b {
		return c.T("requirement.yes")
	}
	return c.T("requirement.no")
}

// Export writes the (filtered) pool as .xlsx; the file imports back.
func (h *Web) Export(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	items, _, err := h.svc.List(c.Context(), c.P, id, filterOf(c))
	if err != nil {
		return err
	}
	widths := []float64{10, 36, 14, 10, 8, 8, 10, 12, 20, 12, 48, 40, 10, 24}
	cols := make([]web.Column, len(listColumns))
	for i, k := range listColumns {
		cols[i] = web.Column{Header: c.T(k), Kind: web.ColText, Width: widths[i]}
	}
	cols[4].Kind, cols[5].Kind = web.ColInt, web.ColInt
	i := 0
	return web.ServeXLSX(c.W, "requirements-"+pid(id)+".xlsx", c.T("requirement.title"), cols, func() ([]any, bool, error) {
		if i >= len(items) {
			return nil, false, nil
		}
		r := items[i]
		i++
		src := ""
		if r.SourceKind != "" {
			src = c.T("requirement.source." + r.SourceKind)
		}
		var fs []string
		for _, f := range r.Functions {
			fs = append(fs, f.Ref()+" "+f.Title)
		}
		return []any{r.Ref(), r.Title, r.Module, c.T("requirement.priority." + r.Priority), r.Value, r.Effort,
			c.T("requirement.status." + r.Status), src, r.SourceRef, r.RaisedBy, r.Description, r.Acceptance,
			yesNo(c, r.CustomerVisible), strings.Join(fs, "\n")}, true, nil
	})
}

// Import reads an uploaded requirement list: all rows or, with any issue,
// none (the page lists every issue by row).
func (h *Web) Import(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	vm, err := h.listPage(c, id, Filter{})
	if err != nil {
		return err
	}
	if !vm.Perms.Edit {
		return apperr.ForbiddenErr()
	}
	fail := func(msg string) error {
		vm.Errors = map[string]string{"file": msg}
		return c.Render(http.StatusBadRequest, "requirement/list.html", vm)
	}
	if err := c.R.ParseMultipartForm(1 << 20); err != nil {
		return fail(c.T("requirement.err_not_xlsx"))
	}
	file, _, err := c.R.FormFile("file")
	if err != nil {
		return fail(c.T("requirement.err_file_empty"))
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, ImportMaxBytes+1))
	if err != nil {
		return fail(c.T("requirement.err_not_xlsx"))
	}
	res, err := h.svc.Import(c.Context(), c.P, id, data)
	if err != nil {
		if e := apperr.As(err); e != nil && e.Code == apperr.Invalid {
			return fail(c.FieldErrors(err)["file"])
		}
		return err
	}
	if len(res.Issues) > 0 {
		vm.Import = &res
		for _, is := range res.Issues {
			vm.Issues = append(vm.Issues, issueView{Row: is.Row, Field: c.T("field." + is.Field), Message: c.T(is.Key, is.Args...)})
		}
		return c.Render(http.StatusUnprocessableEntity, "requirement/list.html", vm)
	}
	c.Flash("requirement.imported", res.Created)
	return c.Redirect(reqBase(id))
}

// ----- form -----

type formPage struct {
	head
	In       Input
	Req      *Requirement
	Errors   map[string]string
	Conflict bool
	Modules  []string
}

func formInput(c *web.Ctx) Input {
	in := Input{Title: c.FormValue("title"), Description: c.FormValue("description"), Module: c.FormValue("module"),
		SourceKind: c.FormValue("source_kind"), SourceRef: c.FormValue("source_ref"), SourceURL: c.FormValue("source_url"),
		RaisedBy: c.FormValue("raised_by"), Acceptance: c.FormValue("acceptance"), Priority: c.FormValue("priority"),
		CustomerVisible: c.FormValue("customer_visible") == "1"}
	in.Number, _ = ParseRef(c.FormValue("number"), "REQ-")
	if v := strings.TrimSpace(c.FormValue("number")); v != "" && in.Number == 0 {
		in.Number = -1 // reported as a bad number
	}
	in.SourceID, _ = strconv.ParseInt(c.FormValue("source_id"), 10, 64)
	in.Value, _ = strconv.Atoi(c.FormValue("value"))
	in.Effort, _ = strconv.Atoi(c.FormValue("effort"))
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	return in
}

func (h *Web) formPage(c *web.Ctx, id int64, r *Requirement) (formPage, error) {
	key := "requirement.new"
	if r != nil {
		key = "requirement.edit"
	}
	hd, err := h.head(c, id, "form", key)
	if err != nil {
		return formPage{}, err
	}
	mods, err := h.svc.Modules(c.Context(), c.P, id)
	if err != nil {
		return formPage{}, err
	}
	return formPage{head: hd, Req: r, Modules: mods}, nil
}

// New shows the empty form.
func (h *Web) New(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	vm, err := h.formPage(c, id, nil)
	if err != nil {
		return err
	}
	if !vm.Perms.Edit {
		return apperr.ForbiddenErr()
	}
	vm.In = Input{Priority: PriorityShould, Value: 3, Effort: 3, CustomerVisible: true}
	return c.Render(http.StatusOK, "requirement/form.html", vm)
}

// Create saves the new-requirement form.
func (h *Web) Create(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := formInput(c)
	r, err := h.svc.Create(c.Context(), c.P, id, in)
	if err != nil {
		return h.formFailed(c, id, nil, in, err)
	}
	c.Flash("requirement.created", r.Ref())
	return c.Redirect(reqBase(id) + "/" + pid(r.ID))
}

func (h *Web) formFailed(c *web.Ctx, id int64, r *Requirement, in Input, err error) error {
	fields, conflict, status, ok := c.FormFailure(err)
	if !ok {
		return err
	}
	vm, verr := h.formPage(c, id, r)
	if verr != nil {
		return verr
	}
	vm.In, vm.Errors, vm.Conflict = in, fields, conflict
	if conflict && r != nil {
		// Keep what was typed; the next save is against the current version.
		if cur, _, _, gerr := h.svc.Get(c.Context(), c.P, id, r.ID); gerr == nil {
			vm.In.Version = cur.Version
			vm.Req = &cur
		}
	}
	return c.Render(status, "requirement/form.html", vm)
}

// Edit shows the form of one requirement.
func (h *Web) Edit(c *web.Ctx) error {
	id, rid, err := c.ProjectPathID("rid")
	if err != nil {
		return err
	}
	r, _, pm, err := h.svc.Get(c.Context(), c.P, id, rid)
	if err != nil {
		return err
	}
	if !pm.Edit {
		return apperr.ForbiddenErr()
	}
	vm, err := h.formPage(c, id, &r)
	if err != nil {
		return err
	}
	vm.In = Input{Number: r.Number, Title: r.Title, Description: r.Description, Module: r.Module, SourceKind: r.SourceKind, SourceID: r.SourceID,
		SourceRef: r.SourceRef, SourceURL: r.SourceURL, RaisedBy: r.RaisedBy, Acceptance: r.Acceptance, Priority: r.Priority,
		Value: r.Value, Effort: r.Effort, CustomerVisible: r.CustomerVisible, Version: r.Version}
	return c.Render(http.StatusOK, "requirement/form.html", vm)
}

// Update saves the edit form.
func (h *Web) Update(c *web.Ctx) error {
	id, rid, err := c.ProjectPathID("rid")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := formInput(c)
	r, err := h.svc.Update(c.Context(), c.P, id, rid, in)
	if err != nil {
		cur, _, _, gerr := h.svc.Get(c.Context(), c.P, id, rid)
		if gerr != nil {
			return err
		}
		return h.formFailed(c, id, &cur, in, err)
	}
	c.Flash("requirement.saved", r.Ref())
	return c.Redirect(reqBase(id) + "/" + pid(r.ID))
}

// Delete moves a requirement to the trash.
func (h *Web) Delete(c *web.Ctx) error {
	id, rid, err := c.ProjectPathID("rid")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	v, _ := strconv.ParseInt(c.FormValue("version"), 10, 64)
	if err := h.svc.Delete(c.Context(), c.P, id, rid, v); err != nil {
		return err
	}
	c.Flash("requirement.deleted")
	return c.Redirect(reqBase(id))
}

// ----- one requirement -----

type showPage struct {
	head
	R        Requirement
	Log      []ReviewEntry
	Errors   map[string]string
	Comment  string
	Conflict bool
	// Functions (with their tasks) and the registered kinds naming it.
	Functions  []Function
	Traces     []TraceGroup
	Discussion template.HTML
}

// Show renders one requirement with its functions and review log.
func (h *Web) Show(c *web.Ctx) error {
	id, rid, err := c.ProjectPathID("rid")
	if err != nil {
		return err
	}
	return h.show(c, id, rid, http.StatusOK, nil, "")
}

func (h *Web) show(c *web.Ctx, id, rid int64, status int, errs map[string]string, comment string) error {
	r, log, _, err := h.svc.Get(c.Context(), c.P, id, rid)
	if err != nil {
		return err
	}
	hd, err := h.head(c, id, "show", "requirement.title")
	if err != nil {
		return err
	}
	fs, groups, err := h.svc.Links(c.Context(), c.P, id, rid)
	if err != nil {
		return err
	}
	var panel template.HTML
	if h.svc.discussion != nil {
		if panel, err = h.svc.discussion(c, discuss.Ref{Kind: DiscussKind, ID: rid, ProjectID: id}); err != nil {
			return err
		}
	}
	hd.Title = r.Ref() + " " + r.Title
	hd.Crumbs[len(hd.Crumbs)-1] = web.Crumb{Label: r.Ref()}
	return c.Render(status, "requirement/show.html", showPage{head: hd, R: r, Log: log, Errors: errs, Comment: comment, Conflict: status == http.StatusConflict,
		Functions: fs, Traces: groups, Discussion: panel})
}

// Review moves the selected requirements one step (bulk from the pool,
// single from a requirement's page: rid names it).
func (h *Web) Review(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := ReviewInput{Action: c.FormValue("action"), Comment: c.FormValue("comment")}
	for _, v := range c.R.PostForm["ids"] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return apperr.InvalidField("ids", "requirement.err_none_selected")
		}
		in.IDs = append(in.IDs, n)
	}
	single, _ := strconv.ParseInt(c.FormValue("rid"), 10, 64)
	if single > 0 {
		in.IDs = []int64{single}
		if v, err := strconv.ParseInt(c.FormValue("version"), 10, 64); err == nil && v > 0 {
			in.Versions = []int64{v}
		}
	}
	done, err := h.svc.Review(c.Context(), c.P, id, in)
	if err != nil {
		fields, _, status, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		if single > 0 {
			return h.show(c, id, single, status, fields, in.Comment)
		}
		vm, verr := h.listPage(c, id, Filter{})
		if verr != nil {
			return verr
		}
		vm.Errors, vm.Review = fields, in
		return c.Render(status, "requirement/list.html", vm)
	}
	c.Flash("requirement.reviewed."+in.Action, len(done))
	if single > 0 {
		return c.Redirect(reqBase(id) + "/" + pid(single))
	}
	return c.Redirect(reqBase(id))
}

// ToFunction creates a function from a confirmed requirement.
func (h *Web) ToFunction(c *web.Ctx) error {
	id, rid, err := c.ProjectPathID("rid")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	f, err := h.svc.FromRequirement(c.Context(), c.P, id, rid, c.FormValue("type"))
	if err != nil {
		return err
	}
	c.Flash("requirement.function_created", f.Ref())
	return c.Redirect("/projects/" + pid(id) + "/functions#f-" + pid(f.ID))
}

// ----- matrix -----

type matrixColumn struct {
	Priority string
	Items    []Requirement
}

type matrixPage struct {
	head
	Columns []matrixColumn
	Labels  map[string]string
}

// Matrix shows the MoSCoW columns (drag to reprioritise) and the value ×
// effort chart.
func (h *Web) Matrix(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	hd, err := h.head(c, id, "matrix", "requirement.matrix")
	if err != nil {
		return err
	}
	mx, _, err := h.svc.Matrix(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	vm := matrixPage{head: hd, Labels: map[string]string{}}
	for _, p := range Priorities {
		vm.Columns = append(vm.Columns, matrixColumn{Priority: p, Items: mx[p]})
		vm.Labels[p] = c.T("requirement.priority." + p)
	}
	return c.Render(http.StatusOK, "requirement/matrix.html", vm)
}

// ----- functions -----

type functionsPage struct {
	head
	Items     []Function
	Reqs      []Requirement
	In        FunctionInput
	Effort    string
	Errors    map[string]string
	Conflict  bool
	Edit      *Function
	Selected  map[int64]bool
	TotalDays string
	ByType    map[string]string
}

func (h *Web) functionsPage(c *web.Ctx, id int64, tab, key string) (functionsPage, error) {
	hd, err := h.head(c, id, tab, key)
	if err != nil {
		return functionsPage{}, err
	}
	fs, _, err := h.svc.Functions(c.Context(), c.P, id)
	if err != nil {
		return functionsPage{}, err
	}
	rs, _, err := h.svc.List(c.Context(), c.P, id, Filter{})
	if err != nil {
		return functionsPage{}, err
	}
	var total int64
	by := map[string]int64{}
	for _, f := range fs {
		total += f.EffortTenths
		by[f.Type] += f.EffortTenths
	}
	bt := map[string]string{}
	for k, v := range by {
		bt[k] = Days(v)
	}
	return functionsPage{head: hd, Items: fs, Reqs: rs, Selected: map[int64]bool{}, TotalDays: Days(total), ByType: bt,
		In: FunctionInput{Type: TypeStandard}}, nil
}

// Functions shows the function list.
func (h *Web) Functions(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	vm, err := h.functionsPage(c, id, "functions", "requirement.functions")
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "requirement/functions.html", vm)
}

// FunctionsExport writes the function list as .xlsx.
func (h *Web) FunctionsExport(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	fs, _, err := h.svc.Functions(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	cols := []web.Column{
		{Header: c.T("requirement.fcol.number"), Kind: web.ColText, Width: 8}, {Header: c.T("requirement.fcol.title"), Kind: web.ColText, Width: 36},
		{Header: c.T("requirement.fcol.type"), Kind: web.ColText, Width: 12}, {Header: c.T("requirement.fcol.effort"), Kind: web.ColText, Width: 12},
		{Header: c.T("requirement.fcol.requirements"), Kind: web.ColText, Width: 40}, {Header: c.T("requirement.fcol.tasks"), Kind: web.ColText, Width: 30},
		{Header: c.T("requirement.fcol.description"), Kind: web.ColText, Width: 48},
	}
	i := 0
	return web.ServeXLSX(c.W, "functions-"+pid(id)+".xlsx", c.T("requirement.functions"), cols, func() ([]any, bool, error) {
		if i >= len(fs) {
			return nil, false, nil
		}
		f := fs[i]
		i++
		var rs, ts []string
		for _, r := range f.Requirements {
			rs = append(rs, r.Ref()+" "+r.Title)
		}
		for _, t := range f.Tasks {
			ts = append(ts, "#"+strconv.FormatInt(t.Number, 10)+" "+t.Title)
		}
		return []any{f.Ref(), f.Title, c.T("requirement.type." + f.Type), f.EffortText(), strings.Join(rs, "\n"), strings.Join(ts, "\n"), f.Description}, true, nil
	})
}

func functionInput(c *web.Ctx) (FunctionInput, string, *apperr.Error) {
	in := FunctionInput{Title: c.FormValue("title"), Description: c.FormValue("description"), Type: c.FormValue("type"), RequirementIDs: []int64{}}
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	effort := c.FormValue("effort")
	t, ok := ParseDays(effort)
	if !ok {
		return in, effort, apperr.InvalidField("effort_tenths", "requirement.err_effort")
	}
	in.EffortTenths = t
	for _, v := range c.R.PostForm["requirement_ids"] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return in, effort, apperr.InvalidField("requirement_ids", "requirement.err_unknown_req")
		}
		in.RequirementIDs = append(in.RequirementIDs, n)
	}
	return in, effort, nil
}

// CreateFunction saves the new-function form.
func (h *Web) CreateFunction(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in, effort, perr := functionInput(c)
	var f Function
	if perr != nil {
		err = perr
	} else {
		f, err = h.svc.CreateFunction(c.Context(), c.P, id, in)
	}
	if err != nil {
		return h.functionFailed(c, id, nil, in, effort, err)
	}
	c.Flash("requirement.function_created", f.Ref())
	return c.Redirect("/projects/" + pid(id) + "/functions#f-" + pid(f.ID))
}

// functionFailed answers a function form whose save failed: an error that
// is not about the form goes on as it is; otherwise the form comes back
// with what was typed, the errors and the requirements checked (400, or
// 409 for a stale version, then against the current version). edit is
// the function being edited, nil for the new-function form of the list.
func (h *Web) functionFailed(c *web.Ctx, id int64, edit *Function, in FunctionInput, effort string, err error) error {
	fields, conflict, status, ok := c.FormFailure(err)
	if !ok {
		return err
	}
	tab, key, view := "functions", "requirement.functions", "requirement/functions.html"
	if edit != nil {
		tab, key, view = "function_edit", "requirement.function_edit", "requirement/function_form.html"
	}
	vm, verr := h.functionsPage(c, id, tab, key)
	if verr != nil {
		return verr
	}
	vm.Edit = edit
	vm.In, vm.Effort, vm.Errors, vm.Conflict = in, effort, fields, conflict
	if conflict && edit != nil {
		vm.In.Version = edit.Version
	}
	for _, r := range in.RequirementIDs {
		vm.Selected[r] = true
	}
	return c.Render(status, view, vm)
}

// EditFunction shows a function's form with its requirement mapping.
func (h *Web) EditFunction(c *web.Ctx) error {
	id, fid, err := c.ProjectPathID("fid")
	if err != nil {
		return err
	}
	f, pm, err := h.svc.Function(c.Context(), c.P, id, fid)
	if err != nil {
		return err
	}
	if !pm.Edit {
		return apperr.ForbiddenErr()
	}
	vm, err := h.functionsPage(c, id, "function_edit", "requirement.function_edit")
	if err != nil {
		return err
	}
	vm.Edit = &f
	vm.In = FunctionInput{Title: f.Title, Description: f.Description, Type: f.Type, EffortTenths: f.EffortTenths, Version: f.Version}
	vm.Effort = f.EffortText()
	for _, r := range f.Requirements {
		vm.Selected[r.ID] = true
	}
	return c.Render(http.StatusOK, "requirement/function_form.html", vm)
}

// UpdateFunction saves a function's form.
func (h *Web) UpdateFunction(c *web.Ctx) error {
	id, fid, err := c.ProjectPathID("fid")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in, effort, perr := functionInput(c)
	var f Function
	if perr != nil {
		err = perr
	} else {
		f, err = h.svc.UpdateFunction(c.Context(), c.P, id, fid, in)
	}
	if err != nil {
		if _, _, _, ok := c.FormFailure(err); !ok {
			return err
		}
		cur, _, gerr := h.svc.Function(c.Context(), c.P, id, fid)
		if gerr != nil {
			return err
		}
		return h.functionFailed(c, id, &cur, in, effort, err)
	}
	c.Flash("requirement.function_saved", f.Ref())
	return c.Redirect("/projects/" + pid(id) + "/functions#f-" + pid(f.ID))
}

// DeleteFunction moves a function to the trash.
func (h *Web) DeleteFunction(c *web.Ctx) error {
	id, fid, err := c.ProjectPathID("fid")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	v, _ := strconv.ParseInt(c.FormValue("version"), 10, 64)
	if err := h.svc.DeleteFunction(c.Context(), c.P, id, fid, v); err != nil {
		return err
	}
	c.Flash("requirement.function_deleted")
	return c.Redirect("/projects/" + pid(id) + "/functions")
}

// GenerateTasks creates a function's task in the work module (once).
func (h *Web) GenerateTasks(c *web.Ctx) error {
	id, fid, err := c.ProjectPathID("fid")
	if err != nil {
		return err
	}
	ts, created, err := h.svc.GenerateTasks(c.Context(), c.P, id, fid)
	if err != nil {
		return err
	}
	if created {
		c.Flash("requirement.tasks_created", len(ts))
	} else {
		c.Flash("requirement.tasks_exist", len(ts))
	}
	return c.Redirect("/projects/" + pid(id) + "/functions#f-" + pid(fid))
}

// ----- traceability -----

type tracePage struct {
	head
	Tr      Trace
	Filter  string
	Filters []string
}

// TracePage shows the traceability matrix.
func (h *Web) TracePage(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	hd, err := h.head(c, id, "trace", "requirement.trace")
	if err != nil {
		return err
	}
	f := c.R.URL.Query().Get("filter")
	t, _, err := h.svc.Trace(c.Context(), c.P, id, f)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "requirement/trace.html", tracePage{head: hd, Tr: t, Filter: f, Filters: TraceFilters})
}

// TraceExport writes the matrix as .xlsx: one line per requirement ×
// function, with the function's tasks and the requirement's other links.
func (h *Web) TraceExport(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	t, _, err := h.svc.Trace(c.Context(), c.P, id, c.R.URL.Query().Get("filter"))
	if err != nil {
		return err
	}
	cols := []web.Column{
		{Header: c.T("requirement.col.number"), Kind: web.ColText, Width: 10}, {Header: c.T("requirement.col.title"), Kind: web.ColText, Width: 32},
		{Header: c.T("requirement.col.priority"), Kind: web.ColText, Width: 10}, {Header: c.T("requirement.col.status"), Kind: web.ColText, Width: 10},
		{Header: c.T("requirement.fcol.number"), Kind: web.ColText, Width: 8}, {Header: c.T("requirement.fcol.title"), Kind: web.ColText, Width: 30},
		{Header: c.T("requirement.fcol.type"), Kind: web.ColText, Width: 10}, {Header: c.T("requirement.fcol.tasks"), Kind: web.ColText, Width: 36},
	}
	for _, k := range t.Columns {
		cols = append(cols, web.Column{Header: c.T(k.LabelKey), Kind: web.ColText, Width: 30})
	}
	type line struct {
		r Requirement
		f *Function
		x map[string][]TraceRef
	}
	var lines []line
	for _, row := range t.Rows {
		if len(row.Functions) == 0 {
			lines = append(lines, line{r: row.Requirement, x: row.Extra})
		}
		for i := range row.Functions {
			lines = append(lines, line{r: row.Requirement, f: &row.Functions[i], x: row.Extra})
		}
	}
	i := 0
	return web.ServeXLSX(c.W, "traceability-"+pid(id)+".xlsx", c.T("requirement.trace"), cols, func() ([]any, bool, error) {
		if i >= len(lines) {
			return nil, false, nil
		}
		l := lines[i]
		i++
		out := []any{l.r.Ref(), l.r.Title, c.T("requirement.priority." + l.r.Priority), c.T("requirement.status." + l.r.Status), "", "", "", ""}
		if l.f != nil {
			var ts []string
			for _, t := range l.f.Tasks {
				ts = append(ts, "#"+strconv.FormatInt(t.Number, 10)+" "+t.Title)
			}
			out[4], out[5], out[6], out[7] = l.f.Ref(), l.f.Title, c.T("requirement.type."+l.f.Type), strings.Join(ts, "\n")
		}
		for _, k := range t.Columns {
			var xs []string
			for _, x := range l.x[k.Kind] {
				xs = append(xs, strings.TrimSpace(x.Label+" "+x.Status))
			}
			out = append(out, strings.Join(xs, "\n"))
		}
		return out, true, nil
	})
}

// queryOf rebuilds a filter's query string for export links.
func (f Filter) Query() template.URL {
	q := url.Values{}
	for k, v := range map[string]string{"status": f.Status, "priority": f.Priority, "module": f.Module, "source": f.Source, "q": f.Text} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		return ""
	}
	return template.URL("?" + q.Encode())
}
