package methodology

import (
	"net/http"
	"strconv"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/auth"
	"golive/internal/i18n"
	"golive/internal/project"
	"golive/internal/web"
)

// Web holds the module's HTML handlers.
type Web struct {
	svc      *Service
	projects *project.Service
	accounts *auth.Service
}

func NewWeb(svc *Service, projects *project.Service, accounts *auth.Service) *Web {
	return &Web{svc: svc, projects: projects, accounts: accounts}
}

// tplName shows the built-in template's name in the reader's language.
func tplName(c *web.Ctx, t Template) string {
	if t.Builtin {
		return c.T("meth.tpl.builtin_name")
	}
	return t.Name
}

type tplListRow struct {
	T    Template
	Name string
}

type tplListPage struct {
	web.Base
	Items []tplListRow
}

func adminBase(c *web.Ctx, titleKey string, crumbs ...web.Crumb) web.Base {
	b := c.Base(titleKey)
	b.Section = "templates"
	b.Crumbs = append([]web.Crumb{{Label: c.T("nav.admin")}, {Label: c.T("nav.templates"), Href: "/admin/templates"}}, crumbs...)
	return b
}

// Templates lists the templates (administrators).
func (h *Web) Templates(c *web.Ctx) error {
	if !c.P.CanAdminister() {
		return apperr.NotFoundErr()
	}
	ts, err := h.svc.ListTemplates(c.Context(), c.P)
	if err != nil {
		return err
	}
	vm := tplListPage{Base: adminBase(c, "meth.tpl.title")}
	vm.Crumbs = vm.Crumbs[:2]
	vm.Crumbs[1].Href = ""
	for _, t := range ts {
		vm.Items = append(vm.Items, tplListRow{T: t, Name: tplName(c, t)})
	}
	return c.Render(http.StatusOK, "methodology/templates.html", vm)
}

// The structured editor: a template's body flattened into tables of rows
// (modules, phases, gate items, deliverables, tasks, milestones, RACI).
// Rows name their phase by key; blank rows are ignored, so the page always
// offers a few empty rows to fill in, and methodology.js adds more.

type modRow struct {
	Key, ZH, EN, Err string
}

type phRow struct {
	Key, ZH, EN, Days, Err string
	GoLive                 bool
}

type gateRow struct {
	Phase, ZH, EN, Err string
}

type dlRow struct {
	Phase, Key, ZH, EN, Err string
	CV                      bool
}

type taskRow struct {
	Phase, Key, ZH, EN, Offset, Days, Deps, Err string
	PerModule, CV                               bool
}

type msRow struct {
	Key, ZH, EN, Phase, At, Err string
}

type raciRow struct {
	ZH, EN, Err string
	Cells       []raciCell
}

type raciCell struct {
	Role   access.Role
	Letter string
}

type tplEditPage struct {
	web.Base
	ID          int64
	Name        string
	Description string
	Version     int64
	Builtin     bool
	ReadOnly    bool
	Conflict    bool
	Errors      map[string]string
	Problems    []string
	Modules     []modRow
	Phases      []phRow
	Gates       []gateRow
	Delivs      []dlRow
	Tasks       []taskRow
	Milestones  []msRow
	RACI        []raciRow
	Roles       []access.Role
	Letters     []string
	JSON        string
}

const blankRows = 2

func rowsOf(t Template) tplEditPage {
	vm := tplEditPage{ID: t.ID, Name: t.Name, Description: t.Description, Version: t.Version, Builtin: t.Builtin, Roles: RACIRoles, Letters: RACILetters}
	b := t.Body
	for _, m := range b.Modules {
		vm.Modules = append(vm.Modules, modRow{Key: m.Key, ZH: m.Name.ZH, EN: m.Name.EN})
	}
	for _, ph := range b.Phases {
		vm.Phases = append(vm.Phases, phRow{Key: ph.Key, ZH: ph.Name.ZH, EN: ph.Name.EN, Days: strconv.Itoa(ph.Days), GoLive: ph.GoLive})
		for _, g := range ph.Gate {
			vm.Gates = append(vm.Gates, gateRow{Phase: ph.Key, ZH: g.ZH, EN: g.EN})
		}
		for _, d := range ph.Deliverables {
			vm.Delivs = append(vm.Delivs, dlRow{Phase: ph.Key, Key: d.Key, ZH: d.Name.ZH, EN: d.Name.EN, CV: d.CustomerVisible})
		}
		for _, tk := range ph.Tasks {
			vm.Tasks = append(vm.Tasks, taskRow{Phase: ph.Key, Key: tk.Key, ZH: tk.Name.ZH, EN: tk.Name.EN, Offset: strconv.Itoa(tk.Offset),
				Days: strconv.Itoa(tk.Days), Deps: strings.Join(tk.Deps, ", "), PerModule: tk.PerModule, CV: tk.CustomerVisible})
		}
	}
	for _, m := range b.Milestones {
		vm.Milestones = append(vm.Milestones, msRow{Key: m.Key, ZH: m.Name.ZH, EN: m.Name.EN, Phase: m.Phase, At: m.At})
	}
	for _, r := range b.RACI {
		row := raciRow{ZH: r.Activity.ZH, EN: r.Activity.EN}
		for _, role := range RACIRoles {
			row.Cells = append(row.Cells, raciCell{Role: role, Letter: r.Cells["role:"+string(role)]})
		}
		vm.RACI = append(vm.RACI, row)
	}
	return vm
}

func (vm *tplEditPage) addBlanks() {
	for range blankRows {
		vm.Modules = append(vm.Modules, modRow{})
		vm.Phases = append(vm.Phases, phRow{})
		vm.Gates = append(vm.Gates, gateRow{})
		vm.Delivs = append(vm.Delivs, dlRow{CV: true})
		vm.Tasks = append(vm.Tasks, taskRow{})
		vm.Milestones = append(vm.Milestones, msRow{At: "end"})
		row := raciRow{}
		for _, role := range RACIRoles {
			row.Cells = append(row.Cells, raciCell{Role: role})
		}
		vm.RACI = append(vm.RACI, row)
	}
}

// TemplateEdit shows the editor (read-only for the built-in template).
func (h *Web) TemplateEdit(c *web.Ctx) error {
	if !c.P.CanAdminister() {
		return apperr.NotFoundErr()
	}
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	t, err := h.svc.GetTemplate(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	vm := rowsOf(t)
	vm.Base = adminBase(c, "meth.tpl.edit", web.Crumb{Label: tplName(c, t)})
	vm.ReadOnly = t.Builtin
	if !vm.ReadOnly {
		vm.addBlanks()
	}
	return c.Render(http.StatusOK, "methodology/template_edit.html", vm)
}

// formRows reads the editor's tables back, in row order.
func formRows(c *web.Ctx) tplEditPage {
	f := c.R.PostForm
	at := func(name string, i int) string {
		if v := f[name]; i < len(v) {
			return strings.TrimSpace(v[i])
		}
		return ""
	}
	vm := tplEditPage{Name: c.FormValue("name"), Description: c.FormValue("description"), Roles: RACIRoles, Letters: RACILetters}
	vm.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	for i := range f["mod_key"] {
		vm.Modules = append(vm.Modules, modRow{Key: at("mod_key", i), ZH: at("mod_zh", i), EN: at("mod_en", i)})
	}
	for i := range f["ph_key"] {
		vm.Phases = append(vm.Phases, phRow{Key: at("ph_key", i), ZH: at("ph_zh", i), EN: at("ph_en", i), Days: at("ph_days", i), GoLive: at("ph_golive", i) == "1"})
	}
	for i := range f["gate_phase"] {
		vm.Gates = append(vm.Gates, gateRow{Phase: at("gate_phase", i), ZH: at("gate_zh", i), EN: at("gate_en", i)})
	}
	for i := range f["dl_key"] {
		vm.Delivs = append(vm.Delivs, dlRow{Phase: at("dl_phase", i), Key: at("dl_key", i), ZH: at("dl_zh", i), EN: at("dl_en", i), CV: at("dl_cv", i) == "1"})
	}
	for i := range f["t_key"] {
		vm.Tasks = append(vm.Tasks, taskRow{Phase: at("t_phase", i), Key: at("t_key", i), ZH: at("t_zh", i), EN: at("t_en", i), Offset: at("t_offset", i),
			Days: at("t_days", i), Deps: at("t_deps", i), PerModule: at("t_pm", i) == "1", CV: at("t_cv", i) == "1"})
	}
	for i := range f["ms_key"] {
		vm.Milestones = append(vm.Milestones, msRow{Key: at("ms_key", i), ZH: at("ms_zh", i), EN: at("ms_en", i), Phase: at("ms_phase", i), At: at("ms_at", i)})
	}
	for i := range f["r_zh"] {
		row := raciRow{ZH: at("r_zh", i), EN: at("r_en", i)}
		for _, role := range RACIRoles {
			row.Cells = append(row.Cells, raciCell{Role: role, Letter: at("r_"+string(role), i)})
		}
		vm.RACI = append(vm.RACI, row)
	}
	return vm
}

func num(s string) int {
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// rowRef locates an editor row for a body element, so its problem can be
// shown on it.
type rowRef struct {
	table string
	row   int
}

// toBody groups the rows into a Body. Rows naming a phase key that is not
// in the phases table are problems of their own (they would otherwise
// vanish). refs maps a body position to its editor row.
func (vm *tplEditPage) toBody() (Body, []Problem, map[[3]int]rowRef) {
	var b Body
	var probs []Problem
	refs := map[[3]int]rowRef{}
	for _, m := range vm.Modules {
		if m.Key == "" && m.ZH == "" && m.EN == "" {
			continue
		}
		b.Modules = append(b.Modules, TplModule{Key: m.Key, Name: Text{m.ZH, m.EN}})
	}
	phaseAt := map[string]int{}
	for i, ph := range vm.Phases {
		if ph.Key == "" && ph.ZH == "" && ph.EN == "" && ph.Days == "" {
			continue
		}
		if _, dup := phaseAt[ph.Key]; !dup && ph.Key != "" {
			phaseAt[ph.Key] = len(b.Phases)
		}
		refs[[3]int{len(b.Phases) + 1, 0, 0}] = rowRef{"phase", i}
		b.Phases = append(b.Phases, TplPhase{Key: ph.Key, Name: Text{ph.ZH, ph.EN}, Days: num(ph.Days), GoLive: ph.GoLive})
	}
	find := func(key, table string, row int) int {
		i, ok := phaseAt[key]
		if !ok {
			probs = append(probs, Problem{Section: "phases", Key: "meth.tpl.row_phase", Args: []any{row + 1, key}, Row: table, Index: row + 1})
			return -1
		}
		return i
	}
	for r, g := range vm.Gates {
		if g.ZH == "" && g.EN == "" {
			continue
		}
		if i := find(g.Phase, "gate", r); i >= 0 {
			refs[[3]int{i + 1, 1, len(b.Phases[i].Gate) + 1}] = rowRef{"gate", r}
			b.Phases[i].Gate = append(b.Phases[i].Gate, Text{g.ZH, g.EN})
		}
	}
	for r, d := range vm.Delivs {
		if d.Key == "" && d.ZH == "" && d.EN == "" {
			continue
		}
		if i := find(d.Phase, "deliverable", r); i >= 0 {
			refs[[3]int{i + 1, 2, len(b.Phases[i].Deliverables) + 1}] = rowRef{"deliverable", r}
			b.Phases[i].Deliverables = append(b.Phases[i].Deliverables, TplDeliverable{Key: d.Key, Name: Text{d.ZH, d.EN}, CustomerVisible: d.CV})
		}
	}
	for r, t := range vm.Tasks {
		if t.Key == "" && t.ZH == "" && t.EN == "" && t.Days == "" {
			continue
		}
		if i := find(t.Phase, "task", r); i >= 0 {
			var deps []string
			for _, d := range strings.FieldsFunc(t.Deps, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '、' }) {
				deps = append(deps, d)
			}
			refs[[3]int{i + 1, 3, len(b.Phases[i].Tasks) + 1}] = rowRef{"task", r}
			b.Phases[i].Tasks = append(b.Phases[i].Tasks, TplTask{Key: t.Key, Name: Text{t.ZH, t.EN}, Offset: num(t.Offset), Days: num(t.Days), Deps: deps,
				PerModule: t.PerModule, CustomerVisible: t.CV})
		}
	}
	for r, m := range vm.Milestones {
		if m.Key == "" && m.ZH == "" && m.EN == "" {
			continue
		}
		refs[[3]int{0, 4, len(b.Milestones) + 1}] = rowRef{"milestone", r}
		b.Milestones = append(b.Milestones, TplMilestone{Key: m.Key, Name: Text{m.ZH, m.EN}, Phase: m.Phase, At: m.At})
	}
	for r, row := range vm.RACI {
		cells := map[string]string{}
		for _, cell := range row.Cells {
			if cell.Letter != "" {
				cells["role:"+string(cell.Role)] = cell.Letter
			}
		}
		if row.ZH == "" && row.EN == "" && len(cells) == 0 {
			continue
		}
		refs[[3]int{0, 5, len(b.RACI) + 1}] = rowRef{"raci", r}
		b.RACI = append(b.RACI, TplRACI{Activity: Text{row.ZH, row.EN}, Cells: cells})
	}
	return b, probs, refs
}

// mark puts each problem's message on its editor row and lists them all.
func (vm *tplEditPage) mark(c *web.Ctx, probs []Problem, refs map[[3]int]rowRef) {
	kinds := map[string]int{"gate": 1, "deliverable": 2, "task": 3, "milestone": 4, "raci": 5}
	for _, p := range probs {
		msg := c.T(p.Key, p.Args...)
		vm.Problems = append(vm.Problems, msg)
		var ref rowRef
		ok := false
		switch {
		case p.Section == "phases" && p.Index > 0 && p.Phase == 0:
			ref, ok = rowRef{p.Row, p.Index - 1}, true // a row whose phase key is unknown
		case p.Row == "" && p.Phase > 0:
			ref, ok = refs[[3]int{p.Phase, 0, 0}]
		case p.Row == "module":
			ref, ok = rowRef{"module", p.Index - 1}, true
		case p.Row != "":
			ref, ok = refs[[3]int{p.Phase, kinds[p.Row], p.Index}]
		}
		if !ok {
			continue
		}
		setErr := func(s *string) {
			if *s == "" {
				*s = msg
			}
		}
		switch i := ref.row; ref.table {
		case "module":
			if i < len(vm.Modules) {
				setErr(&vm.Modules[i].Err)
			}
		case "phase":
			setErr(&vm.Phases[i].Err)
		case "gate":
			setErr(&vm.Gates[i].Err)
		case "deliverable":
			setErr(&vm.Delivs[i].Err)
		case "task":
			setErr(&vm.Tasks[i].Err)
		case "milestone":
			setErr(&vm.Milestones[i].Err)
		case "raci":
			setErr(&vm.RACI[i].Err)
		}
	}
}

// TemplateSave validates the whole editor; on any problem nothing is
// saved and every problem is listed and marked on its row.
func (h *Web) TemplateSave(c *web.Ctx) error {
	if !c.P.CanAdminister() {
		return apperr.NotFoundErr()
	}
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	cur, err := h.svc.GetTemplate(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	vm := formRows(c)
	body, rowProbs, refs := vm.toBody()
	in := TemplateInput{Name: vm.Name, Description: vm.Description, Body: body, Version: vm.Version}
	var probs []Problem
	if len(rowProbs) > 0 {
		var f []Problem
		f, _ = in.Validate(true)
		probs = append(rowProbs, f...)
		err = problemsErr(probs)
	} else {
		var t Template
		t, probs, err = h.svc.UpdateTemplate(c.Context(), c.P, id, in)
		if err == nil {
			c.Flash("meth.tpl.saved", t.Name)
			return c.Redirect("/admin/templates/" + itoa(id))
		}
	}
	fe := c.FieldErrors(err)
	conflict := apperr.CodeOf(err) == apperr.Conflict
	if fe == nil && !conflict {
		return err
	}
	vm.ID, vm.Builtin = id, cur.Builtin
	vm.Base = adminBase(c, "meth.tpl.edit", web.Crumb{Label: tplName(c, cur)})
	vm.Errors, vm.Conflict = fe, conflict
	if conflict {
		vm.Problems = append(vm.Problems, c.T(apperr.As(err).Key))
	}
	vm.mark(c, probs, refs)
	if vm.Errors != nil {
		// Body problems are listed one by one; keep only the header fields here.
		for _, k := range []string{"phases", "modules", "milestones", "raci"} {
			delete(vm.Errors, k)
		}
	}
	vm.addBlanks()
	status := http.StatusBadRequest
	if conflict {
		status = http.StatusConflict
	}
	return c.Render(status, "methodology/template_edit.html", vm)
}

// TemplateCopy makes an editable copy and opens it.
func (h *Web) TemplateCopy(c *web.Ctx) error {
	if !c.P.CanAdminister() {
		return apperr.NotFoundErr()
	}
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	src, err := h.svc.GetTemplate(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	t, err := h.svc.CopyTemplate(c.Context(), c.P, id, c.T("meth.tpl.copy_of", tplName(c, src)))
	if err != nil {
		return err
	}
	c.Flash("meth.tpl.copied", t.Name)
	return c.Redirect("/admin/templates/" + itoa(t.ID))
}

// TemplateDelete moves a template to the trash.
func (h *Web) TemplateDelete(c *web.Ctx) error {
	if !c.P.CanAdminister() {
		return apperr.NotFoundErr()
	}
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := h.svc.DeleteTemplate(c.Context(), c.P, id); err != nil {
		return err
	}
	c.Flash("meth.tpl.deleted")
	return c.Redirect("/admin/templates")
}

// roleLabel is a role's name in a language.
func roleLabel(l i18n.Lang, r access.Role) string { return i18n.T(l, "role."+string(r)) }
