package datamigration

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/datamigration/engine"
	"golive/internal/i18n"
	"golive/internal/live"
	"golive/internal/project"
	"golive/internal/web"
)

// Web serves the module's pages.
type Web struct{ svc *Service }

func NewWeb(s *Service) *Web { return &Web{svc: s} }

// Project returns the project a migration page belongs to.
func (s *Service) Project(ctx context.Context, p *access.Principal, projectID int64) (project.Project, access.Membership, error) {
	if _, err := s.can(ctx, p, projectID, ""); err != nil {
		return project.Project{}, access.Membership{}, err
	}
	return s.projects.Get(ctx, p, projectID)
}

func pid(id int64) string { return strconv.FormatInt(id, 10) }

func base(pr project.Project) string { return "/projects/" + pid(pr.ID) + "/migration" }

// rights are what the page offers the viewer.
type rights struct {
	CanEdit, CanRun, CanSign bool
}

func rightsOf(p *access.Principal, m access.Membership) rights {
	return rights{CanEdit: p.Can(m, access.MigrationEdit), CanRun: p.Can(m, access.MigrationRun), CanSign: p.Can(m, access.MigrationSignSample)}
}

// subBase is the layout data of a page below the objects list.
func subBase(c *web.Ctx, pr project.Project, title string, crumbs ...web.Crumb) web.Base {
	b := project.ProjectBase(c, pr, "migration", "dm.title")
	b.Crumbs = append(b.Crumbs[:len(b.Crumbs)-1], web.Crumb{Label: c.T("dm.title"), Href: base(pr)})
	b.Crumbs = append(b.Crumbs, crumbs...)
	b.Title = title + " · " + pr.Name
	return b
}

// ----- objects list -----

type listPage struct {
	web.Base
	rights
	P       project.Project
	Objects []Object
	Library []engine.Spec
	In      ObjectInput
	Errors  map[string]string
}

func (h *Web) listPage(c *web.Ctx, id int64) (listPage, error) {
	pr, _, err := h.svc.Project(c.Context(), c.P, id)
	if err != nil {
		return listPage{}, err
	}
	os, m, err := h.svc.Objects(c.Context(), c.P, id)
	if err != nil {
		return listPage{}, err
	}
	return listPage{Base: project.ProjectBase(c, pr, "migration", "dm.title"), rights: rightsOf(c.P, m), P: pr, Objects: os, Library: engine.Library()}, nil
}

// List shows the project's migration objects.
func (h *Web) List(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	vm, err := h.listPage(c, id)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "datamigration/list.html", vm)
}

// Create adds an object (blank or from the library).
func (h *Web) Create(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := ObjectInput{Code: c.FormValue("code"), Name: c.FormValue("name"), LibraryKey: c.FormValue("library_key")}
	o, err := h.svc.CreateObject(c.Context(), c.P, id, in)
	if err != nil {
		fields, _, status, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		vm, verr := h.listPage(c, id)
		if verr != nil {
			return verr
		}
		vm.In, vm.Errors = in, fields
		return c.Render(status, "datamigration/list.html", vm)
	}
	c.Flash("dm.created", o.Name)
	return c.Redirect(objectURL(o))
}

func objectURL(o Object) string {
	return "/projects/" + pid(o.ProjectID) + "/migration/objects/" + pid(o.ID)
}

func runURL(r Run) string {
	return "/projects/" + pid(r.ProjectID) + "/migration/runs/" + pid(r.ID)
}

// Export downloads the objects list.
func (h *Web) Export(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	pr, _, err := h.svc.Project(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	os, _, err := h.svc.Objects(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	cols := []web.Column{{Header: c.T("dm.col.code"), Kind: web.ColText}, {Header: c.T("dm.col.name"), Kind: web.ColText, Width: 24},
		{Header: c.T("dm.col.fields"), Kind: web.ColInt}, {Header: c.T("dm.col.last_run"), Kind: web.ColDateTime},
		{Header: c.T("dm.col.status"), Kind: web.ColText}, {Header: c.T("dm.col.read"), Kind: web.ColInt},
		{Header: c.T("dm.col.rejected"), Kind: web.ColInt}, {Header: c.T("dm.col.quality"), Kind: web.ColPercent}}
	i := 0
	return web.ServeXLSX(c.W, pr.Code+"-"+c.T("dm.title")+".xlsx", c.T("dm.title"), cols, func() ([]any, bool, error) {
		if i >= len(os) {
			return nil, false, nil
		}
		o := os[i]
		i++
		row := []any{o.Code, o.Name, o.FieldCount(), nil, "", nil, nil, nil}
		if l := o.Latest; l != nil {
			row[3], row[4], row[5], row[6], row[7] = l.At, c.T("dm.status."+l.Status), l.Read, l.Rejected, float64(l.Quality)/1000
		}
		return row, true, nil
	})
}

// FieldCount is the number of fields of the object's specification.
func (o Object) FieldCount() int {
	sp, err := parseSpec(o.Spec)
	if err != nil {
		return 0
	}
	return len(sp.Fields)
}

// ----- one object -----

type objectPage struct {
	web.Base
	rights
	P         project.Project
	O         Object
	Spec      engine.Spec
	Rows      []fieldRow
	Rules     []engine.Rule
	Keys      string
	Runs      []Run
	Trend     template.JSStr
	Maps      []CodeMap
	Types     []engine.FieldType
	Errors    map[string]string
	SpecErr   string
	Conflict  bool
	UploadErr string
	MapErr    string
	MaxMB     int
}

// fieldRow is one row of the field table: the field and its index.
type fieldRow struct {
	I               int
	F               engine.Field
	Allowed, Lookup string
}

func (h *Web) objectPage(c *web.Ctx) (objectPage, error) {
	id, oid, err := c.ProjectPathID("oid")
	if err != nil {
		return objectPage{}, err
	}
	pr, _, err := h.svc.Project(c.Context(), c.P, id)
	if err != nil {
		return objectPage{}, err
	}
	o, m, err := h.svc.Object(c.Context(), c.P, id, oid)
	if err != nil {
		return objectPage{}, err
	}
	runs, err := h.svc.Runs(c.Context(), c.P, id, oid)
	if err != nil {
		return objectPage{}, err
	}
	maps, err := h.svc.CodeMaps(c.Context(), c.P, id, oid)
	if err != nil {
		return objectPage{}, err
	}
	sp, _ := parseSpec(o.Spec)
	vm := objectPage{Base: subBase(c, pr, o.Name, web.Crumb{Label: o.Name}), rights: rightsOf(c.P, m), P: pr, O: o, Runs: runs, Maps: maps,
		Types: []engine.FieldType{engine.TypeText, engine.TypeInt, engine.TypeDecimal, engine.TypeDate, engine.TypeBool, engine.TypeCode}, MaxMB: int(h.svc.MaxUpload >> 20)}
	vm.setSpec(sp)
	type point struct {
		Label   string  `json:"label"`
		Quality float64 `json:"quality"`
	}
	var pts []point
	for i := len(runs) - 1; i >= 0; i-- {
		if r := runs[i]; r.Status == RunDone {
			pts = append(pts, point{Label: "#" + pid(r.ID) + " " + time.UnixMilli(r.CreatedMS).In(web.China).Format("01-02 15:04"), Quality: float64(r.Quality) / 10})
		}
	}
	b, _ := json.Marshal(pts)
	vm.Trend = template.JSStr(b)
	return vm, nil
}

// blankRows are offered under the fields and rules so one save can add some.
const blankRows = 3

func (vm *objectPage) setSpec(sp engine.Spec) {
	vm.Spec = sp
	vm.Rows = nil
	for i, f := range sp.Fields {
		vm.Rows = append(vm.Rows, fieldRow{I: i, F: f, Allowed: strings.Join(f.Allowed, ", "), Lookup: lookupText(f.Lookup)})
	}
	for i := 0; i < blankRows; i++ {
		vm.Rows = append(vm.Rows, fieldRow{I: len(sp.Fields) + i, F: engine.Field{Type: engine.TypeText}})
	}
	vm.Rules = append(append([]engine.Rule(nil), sp.Rules...), make([]engine.Rule, blankRows)...)
	var keys []string
	for _, k := range sp.Keys {
		keys = append(keys, k.Name+": "+strings.Join(k.Fields, ", "))
	}
	vm.Keys = strings.Join(keys, "\n")
}

func lookupText(l *engine.Lookup) string {
	if l == nil {
		return ""
	}
	if l.List != "" {
		return l.List
	}
	return l.Object + "." + l.Field
}

// Show is the object page: downloads, upload, run history, code maps and
// the specification editor.
func (h *Web) Show(c *web.Ctx) error {
	vm, err := h.objectPage(c)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "datamigration/object.html", vm)
}

// SaveSpec saves the field table and rules.
func (h *Web) SaveSpec(c *web.Ctx) error {
	vm, err := h.objectPage(c)
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	sp := specFromForm(c.R.PostForm, vm.Spec)
	version, _ := strconv.ParseInt(c.FormValue("version"), 10, 64)
	in := SpecInput{Name: c.FormValue("name"), Spec: mustJSON(sp), Version: version}
	o, err := h.svc.UpdateSpec(c.Context(), c.P, vm.P.ID, vm.O.ID, in)
	if err != nil {
		fields, conflict, status, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		vm.Errors, vm.Conflict = fields, conflict
		vm.SpecErr = fields["spec"]
		if vm.SpecErr == "" && len(fields) == 0 && !conflict {
			vm.SpecErr = c.T(apperr.As(err).Key, apperr.As(err).Args...)
		}
		vm.O.Name = in.Name
		vm.setSpec(sp)
		// Keep the version the user read: saving again after a conflict
		// must be a deliberate reload, not an overwrite.
		vm.O.Version = version
		return c.Render(status, "datamigration/object.html", vm)
	}
	c.Flash("dm.saved", o.Name)
	return c.Redirect(objectURL(o) + "#spec")
}

// specFromForm reads the field table ("f.N.code" …), the rules ("r.N.…"),
// the keys (one "name: a, b" per line) and de-duplication. A row without
// a code is left out, which is how a field is removed.
func specFromForm(v url.Values, cur engine.Spec) engine.Spec {
	sp := engine.Spec{Object: cur.Object, Label: cur.Label, Note: strings.TrimSpace(v.Get("note"))}
	for i := 0; i < engine.MaxFields+blankRows; i++ {
		k := "f." + strconv.Itoa(i) + "."
		if _, ok := v[k+"code"]; !ok {
			break
		}
		code := strings.TrimSpace(v.Get(k + "code"))
		if code == "" {
			continue
		}
		f := engine.Field{Code: code, Label: strings.TrimSpace(v.Get(k + "label")), Type: engine.FieldType(v.Get(k + "type")),
			Required: v.Get(k+"required") != "", Unique: v.Get(k+"unique") != "", Sum: v.Get(k+"sum") != "",
			Pattern: strings.TrimSpace(v.Get(k + "pattern")), Default: strings.TrimSpace(v.Get(k + "default")),
			Note: strings.TrimSpace(v.Get(k + "note")), Sample: strings.TrimSpace(v.Get(k + "sample")),
			Cleanse: engine.Cleanse{Trim: v.Get(k+"trim") != "", HalfWidth: v.Get(k+"half_width") != "", Case: v.Get(k + "case"), CodeMap: strings.TrimSpace(v.Get(k + "code_map"))}}
		f.Scale, _ = strconv.Atoi(strings.TrimSpace(v.Get(k + "scale")))
		f.MaxLength, _ = strconv.Atoi(strings.TrimSpace(v.Get(k + "max_length")))
		for _, a := range strings.FieldsFunc(v.Get(k+"allowed"), func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == '\n' }) {
			if a = strings.TrimSpace(a); a != "" {
				f.Allowed = append(f.Allowed, a)
			}
		}
		if l := strings.TrimSpace(v.Get(k + "lookup")); l != "" {
			if obj, fld, ok := strings.Cut(l, "."); ok {
				f.Lookup = &engine.Lookup{Object: strings.TrimSpace(obj), Field: strings.TrimSpace(fld)}
			} else {
				f.Lookup = &engine.Lookup{List: l}
			}
		}
		sp.Fields = append(sp.Fields, f)
	}
	for i := 0; i < engine.MaxRules+blankRows; i++ {
		k := "r." + strconv.Itoa(i) + "."
		if _, ok := v[k+"name"]; !ok {
			break
		}
		r := engine.Rule{Name: strings.TrimSpace(v.Get(k + "name")), Expr: strings.TrimSpace(v.Get(k + "expr")), Message: strings.TrimSpace(v.Get(k + "message")),
			MessageEN: strings.TrimSpace(v.Get(k + "message_en"))}
		if r.Name == "" && r.Expr == "" && r.Message == "" {
			continue
		}
		sp.Rules = append(sp.Rules, r)
	}
	for _, line := range strings.Split(v.Get("keys"), "\n") {
		name, list, ok := strings.Cut(line, ":")
		if !ok {
			name, list, ok = strings.Cut(line, "：")
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		k := engine.Key{Name: strings.TrimSpace(name)}
		if !ok {
			k.Name, list = "", line
		}
		for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' }) {
			k.Fields = append(k.Fields, strings.TrimSpace(f))
		}
		sp.Keys = append(sp.Keys, k)
	}
	if v.Get("dedup") != "" {
		d := &engine.Dedup{Survivor: engine.Survivor(v.Get("dedup_survivor"))}
		for _, f := range strings.FieldsFunc(v.Get("dedup_fields"), func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' }) {
			d.Fields = append(d.Fields, f)
		}
		sp.Dedup = d
	}
	return sp
}

// Delete moves the object to the trash.
func (h *Web) Delete(c *web.Ctx) error {
	vm, err := h.objectPage(c)
	if err != nil {
		return err
	}
	if err := h.svc.DeleteObject(c.Context(), c.P, vm.P.ID, vm.O.ID); err != nil {
		return err
	}
	c.Flash("dm.deleted", vm.O.Name)
	return c.Redirect(base(vm.P))
}

// SpecJSON downloads the specification for `golive data validate --spec`.
func (h *Web) SpecJSON(c *web.Ctx) error {
	vm, err := h.objectPage(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(vm.Spec); err != nil {
		return apperr.Wrap(err)
	}
	return download(c, vm.O.Code+"-spec.json", "application/json", &buf)
}

// MappingJSON downloads the remembered column mapping, the file
// `golive data validate --map` reads (code maps go with --codemap, see
// CodeMapCSV).
func (h *Web) MappingJSON(c *web.Ctx) error {
	vm, err := h.objectPage(c)
	if err != nil {
		return err
	}
	m := vm.O.Mapping
	if m.Columns == nil {
		// No run yet: the template's own header maps itself.
		var header []string
		for _, f := range vm.Spec.Fields {
			header = append(header, f.Label)
		}
		m = engine.AutoMap(header, vm.Spec)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return apperr.Wrap(err)
	}
	return download(c, vm.O.Code+"-mapping.json", "application/json", &buf)
}

// CodeMapCSV downloads one code-mapping table as CSV (old, new), for
// `golive data validate --codemap NAME=FILE`.
func (h *Web) CodeMapCSV(c *web.Ctx) error {
	vm, err := h.objectPage(c)
	if err != nil {
		return err
	}
	mid, err := c.PathID("mid")
	if err != nil {
		return err
	}
	for _, m := range vm.Maps {
		if m.ID != mid {
			continue
		}
		var buf bytes.Buffer
		buf.WriteString("\ufeff")
		w := csv.NewWriter(&buf)
		w.Write([]string{c.T("dm.codemap_old"), c.T("dm.codemap_new")})
		for _, e := range m.Entries {
			w.Write([]string{e.Old, e.New})
		}
		w.Flush()
		return download(c, m.Name+".csv", "text/csv; charset=utf-8", &buf)
	}
	return apperr.NotFoundErr()
}

// TemplateXLSX downloads the Excel template of the object.
func (h *Web) TemplateXLSX(c *web.Ctx) error {
	vm, err := h.objectPage(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := engine.WriteTemplateXLSX(&buf, vm.Spec); err != nil {
		return apperr.Wrap(err)
	}
	return download(c, vm.O.Name+"-模板.xlsx", xlsxType, &buf)
}

// TemplateCSV downloads the CSV template of the object.
func (h *Web) TemplateCSV(c *web.Ctx) error {
	vm, err := h.objectPage(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := engine.WriteTemplateCSV(&buf, vm.Spec); err != nil {
		return apperr.Wrap(err)
	}
	return download(c, vm.O.Name+"-模板.csv", "text/csv; charset=utf-8", &buf)
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func download(c *web.Ctx, name, ctype string, r io.Reader) error {
	h := c.W.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", contentDisposition(name))
	h.Set("Cache-Control", "private, no-store")
	_, err := io.Copy(c.W, r)
	return err
}

// contentDisposition names an attachment for old clients (ASCII) and
// current ones (RFC 5987 UTF-8).
func contentDisposition(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' || r == '/' {
			return '_'
		}
		return r
	}, name)
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + url.PathEscape(name)
}

// RunsExport downloads the object's run history.
func (h *Web) RunsExport(c *web.Ctx) error {
	vm, err := h.objectPage(c)
	if err != nil {
		return err
	}
	cols := []web.Column{{Header: "#", Kind: web.ColInt}, {Header: c.T("dm.col.started"), Kind: web.ColDateTime}, {Header: c.T("dm.col.file"), Kind: web.ColText, Width: 30},
		{Header: c.T("dm.col.status"), Kind: web.ColText}, {Header: c.T("dm.col.read"), Kind: web.ColInt}, {Header: c.T("dm.col.clean"), Kind: web.ColInt},
		{Header: c.T("dm.col.fixed"), Kind: web.ColInt}, {Header: c.T("dm.col.rejected"), Kind: web.ColInt}, {Header: c.T("dm.col.quality"), Kind: web.ColPercent}}
	i := 0
	return web.ServeXLSX(c.W, vm.O.Name+"-"+c.T("dm.runs")+".xlsx", c.T("dm.runs"), cols, func() ([]any, bool, error) {
		if i >= len(vm.Runs) {
			return nil, false, nil
		}
		r := vm.Runs[i]
		i++
		return []any{r.ID, r.CreatedMS, r.FileName, c.T("dm.status." + r.Status), r.Read, r.Clean, r.Fixed, r.Rejected, float64(r.Quality) / 1000}, true, nil
	})
}

// UploadCodeMap stores a code-mapping table uploaded as .xlsx.
func (h *Web) UploadCodeMap(c *web.Ctx) error {
	vm, err := h.objectPage(c)
	if err != nil {
		return err
	}
	if !vm.CanEdit {
		return apperr.ForbiddenErr()
	}
	fail := func(err error) error {
		e := apperr.As(err)
		if e.Code != apperr.Invalid {
			return err
		}
		msg := c.FieldErrors(err)["file"]
		if msg == "" {
			for _, m := range c.FieldErrors(err) {
				msg = m
			}
		}
		if msg == "" {
			msg = c.T(e.Key, e.Args...)
		}
		vm.MapErr = msg
		return c.Render(http.StatusBadRequest, "datamigration/object.html", vm)
	}
	if err := c.R.ParseMultipartForm(1 << 20); err != nil {
		return fail(uploadErr(err, "file"))
	}
	file, _, err := c.R.FormFile("file")
	if err != nil {
		return fail(apperr.InvalidField("file", "dm.err_no_file"))
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, codeMapMaxBytes+1))
	if err != nil {
		return fail(uploadErr(err, "file"))
	}
	entries, err := ParseCodeMapXLSX(data)
	if err != nil {
		return fail(err)
	}
	m, err := h.svc.SaveCodeMap(c.Context(), c.P, vm.P.ID, vm.O.ID, CodeMapInput{Name: c.R.PostFormValue("name"), Entries: entries})
	if err != nil {
		return fail(err)
	}
	c.Flash("dm.codemap_saved", m.Name, m.Count)
	return c.Redirect(objectURL(vm.O) + "#codemaps")
}

// Upload spools a file and shows the column mapping for it.
func (h *Web) Upload(c *web.Ctx) error {
	vm, err := h.objectPage(c)
	if err != nil {
		return err
	}
	if !vm.CanRun {
		return apperr.ForbiddenErr()
	}
	sp, err := h.svc.Spool(c.R, "file")
	if err == nil {
		defer sp.Remove()
		var r Run
		r, err = h.svc.Upload(c.Context(), c.P, vm.P.ID, vm.O.ID, sp)
		if err == nil {
			return c.Redirect(runURL(r))
		}
	}
	e := apperr.As(err)
	if e.Code != apperr.Invalid {
		return err
	}
	msg := c.FieldErrors(err)["file"]
	if msg == "" {
		msg = c.T(e.Key, e.Args...)
	}
	vm.UploadErr = msg
	return c.Render(http.StatusBadRequest, "datamigration/object.html", vm)
}

// ----- one run -----

type runPage struct {
	web.Base
	rights
	P         project.Project
	O         Object
	R         Run
	Spec      engine.Spec
	Columns   []mapRow
	Check     engine.HeaderCheck
	MapErr    string
	ErrorMsg  string
	ByRule    template.JSStr
	ByField   template.JSStr
	Fixes     []countRow
	Rules     []countRow
	Examples  []exampleGroup
	Samples   []Sample
	Recon     *Reconciliation
	SumFields []sumField
	ReconErr  string
	Errors    map[string]string
	Files     map[string]bool
	Lang      i18n.Lang
	// Sign: what a refused sign-off form held, so the page shows it again
	// beside its sample with the messages.
	Sign struct {
		Sample          int64
		Result, Comment string
		Errors          map[string]string
	}
}

// SignErrors are the messages of a refused sign-off, for its own sample's
// form only.
func (v runPage) SignErrors(sampleID int64) map[string]string {
	if v.Sign.Sample == sampleID {
		return v.Sign.Errors
	}
	return nil
}

type mapRow struct {
	I      int
	Column string
	Field  string
}

type countRow struct {
	Name, Label string
	N           int64
}

type exampleGroup struct {
	Rule, Label string
	N           int64
	Rows        []engine.RowError
}

func (h *Web) runPage(c *web.Ctx) (runPage, error) {
	id, rid, err := c.ProjectPathID("rid")
	if err != nil {
		return runPage{}, err
	}
	return h.runPageFor(c, id, rid)
}

// runPageFor builds the run page for routes that reach a run through
// another object (a sample's sign form).
func (h *Web) runPageFor(c *web.Ctx, id, rid int64) (runPage, error) {
	pr, _, err := h.svc.Project(c.Context(), c.P, id)
	if err != nil {
		return runPage{}, err
	}
	r, m, err := h.svc.Run(c.Context(), c.P, id, rid)
	if err != nil {
		return runPage{}, err
	}
	o, _, err := h.svc.Object(c.Context(), c.P, id, r.ObjectID)
	if err != nil {
		return runPage{}, err
	}
	sp, _ := parseSpec(h.svc.runSpec(c.Context(), r.ID, o))
	vm := runPage{Base: subBase(c, pr, o.Name+" · "+c.T("dm.run_title", r.ID), web.Crumb{Label: o.Name, Href: objectURL(o)}, web.Crumb{Label: c.T("dm.run_title", r.ID)}), rights: rightsOf(c.P, m), P: pr, O: o, R: r, Spec: sp, Lang: c.Lang}
	for i, col := range r.Mapping.Columns {
		vm.Columns = append(vm.Columns, mapRow{I: i, Column: col.Column, Field: col.Field})
	}
	if prog, err := engine.Compile(sp); err == nil && r.Status == RunUploaded {
		vm.Check = r.Mapping.Check(r.Headers, prog)
	}
	if r.ErrorKey != "" {
		vm.ErrorMsg = c.T(r.ErrorKey, r.ErrorArgs...)
	}
	labels := map[string]string{}
	for _, f := range sp.Fields {
		labels[f.Code] = f.Label
		if f.Sum {
			vm.SumFields = append(vm.SumFields, sumField{Code: f.Code, Label: f.Label})
		}
	}
	if res := r.Result; res != nil {
		vm.Rules = sortedCounts(res.ByRule, func(k string) string { return ruleLabel(c, k, labels) })
		fields := sortedCounts(res.ByField, func(k string) string { return orDefault(labels[k], k) })
		for _, k := range engine.FixKinds {
			if n := res.Fixes[k]; n > 0 {
				vm.Fixes = append(vm.Fixes, countRow{Name: string(k), Label: c.T("dm.fix." + string(k)), N: n})
			}
		}
		vm.ByRule, vm.ByField = chartJSON(vm.Rules), chartJSON(fields)
		for _, cr := range vm.Rules {
			vm.Examples = append(vm.Examples, exampleGroup{Rule: cr.Name, Label: cr.Label, N: cr.N, Rows: res.Samples[cr.Name]})
		}
	}
	if r.Status == RunDone {
		if vm.Samples, err = h.svc.Samples(c.Context(), c.P, id, rid); err != nil {
			return runPage{}, err
		}
		if vm.Recon, err = h.svc.Reconciliation(c.Context(), c.P, id, rid); err != nil {
			return runPage{}, err
		}
		vm.Files = map[string]bool{}
		for _, k := range []string{FileErrors, FileCleanXLSX, FileCleanCSV} {
			vm.Files[k] = h.svc.hasFile(c.Context(), rid, k)
		}
	}
	return vm, nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// ruleLabel names a rule id for people: "客户编码 · 必填", "规则 dates_ordered".
func ruleLabel(c *web.Ctx, id string, labels map[string]string) string {
	a, b, _ := strings.Cut(id, ".")
	switch a {
	case "key":
		return c.T("dm.rule.key", b)
	case "rule":
		return c.T("dm.rule.rule", b)
	}
	return orDefault(labels[a], a) + " · " + c.T("dm.check."+b)
}

func sortedCounts(m map[string]int64, label func(string) string) []countRow {
	out := make([]countRow, 0, len(m))
	for k, n := range m {
		out = append(out, countRow{Name: k, Label: label(k), N: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func chartJSON(rows []countRow) template.JSStr {
	type pt struct {
		Label string `json:"label"`
		N     int64  `json:"n"`
	}
	pts := make([]pt, 0, len(rows))
	for _, r := range rows {
		pts = append(pts, pt{r.Label, r.N})
	}
	b, _ := json.Marshal(pts)
	return template.JSStr(b)
}

// ShowRun is the run page: its column mapping before it starts, its
// progress while it runs, its results when it is done.
func (h *Web) ShowRun(c *web.Ctx) error {
	vm, err := h.runPage(c)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "datamigration/run.html", vm)
}

// StartRun takes the adjusted column mapping ("col.N" = field code) and
// starts the run.
func (h *Web) StartRun(c *web.Ctx) error {
	vm, err := h.runPage(c)
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	var m engine.Mapping
	for i, col := range vm.R.Headers {
		m.Columns = append(m.Columns, engine.ColumnMap{Column: col, Field: strings.TrimSpace(c.FormValue("col." + strconv.Itoa(i)))})
	}
	r, err := h.svc.Start(c.Context(), c.P, vm.P.ID, vm.R.ID, m)
	if err != nil {
		e := apperr.As(err)
		if e.Code != apperr.Invalid {
			return err
		}
		vm.MapErr = c.T(e.Key, e.Args...)
		for _, msg := range c.FieldErrors(err) {
			vm.MapErr = msg
		}
		vm.Columns = nil
		for i, col := range m.Columns {
			vm.Columns = append(vm.Columns, mapRow{I: i, Column: col.Column, Field: col.Field})
		}
		if prog, cerr := engine.Compile(vm.Spec); cerr == nil {
			vm.Check = m.Check(vm.R.Headers, prog)
		}
		return c.Render(http.StatusBadRequest, "datamigration/run.html", vm)
	}
	return c.Redirect(runURL(r))
}

// CancelRun stops a run (or drops an upload waiting for its mapping).
func (h *Web) CancelRun(c *web.Ctx) error {
	vm, err := h.runPage(c)
	if err != nil {
		return err
	}
	r, err := h.svc.CancelRun(c.Context(), c.P, vm.P.ID, vm.R.ID)
	if err != nil {
		return err
	}
	return c.Redirect(runURL(r))
}

// progressMsg is what the event stream sends.
type progressMsg struct {
	Status   string `json:"status"`
	Percent  int    `json:"percent"`
	Read     int64  `json:"read"`
	Rejected int64  `json:"rejected"`
	Text     string `json:"text"`
}

// Events streams a run's progress. Notices say only "the row changed";
// the stream re-reads the row (with the viewer's rights) and sends the
// figures, and ends with "end" when the run has.
func (h *Web) Events(c *web.Ctx) error {
	id, rid, err := c.ProjectPathID("rid")
	if err != nil {
		return err
	}
	if _, _, err := h.svc.Run(c.Context(), c.P, id, rid); err != nil {
		return err
	}
	if !live.WantsStream(c.R) {
		_, err := live.StartStream(c.W, 2000)
		return err
	}
	ctx := c.Context()
	events := h.svc.live.Subscribe(ctx, RunTopic(rid))
	st, err := live.StartStream(c.W, 2000)
	if err != nil {
		return nil
	}
	// Notices can be missed (another process, a lost connection): a slow
	// tick re-reads the row as well.
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var last progressMsg
	send := func() bool {
		r, _, err := h.svc.Run(ctx, c.P, id, rid)
		if err != nil {
			_ = st.Send("denied", nil)
			return false
		}
		msg := progressMsg{Status: r.Status, Percent: r.Percent(), Read: r.Read, Rejected: r.Rejected,
			Text: c.T("dm.progress_text", r.Read, r.Percent())}
		if msg != last {
			b, _ := json.Marshal(msg)
			if st.Send("progress", b) != nil {
				return false
			}
			last = msg
		}
		if r.Terminal() {
			_ = st.Send("end", nil)
			return false
		}
		return true
	}
	if !send() {
		return nil
	}
	pings := 0
	for {
		select {
		case <-ctx.Done():
			return nil
		case _, ok := <-events:
			if !ok {
				return nil
			}
			if !send() {
				return nil
			}
		case <-tick.C:
			if !send() {
				return nil
			}
			if pings++; pings%15 == 0 && st.Ping() != nil {
				return nil
			}
		}
	}
}

// File downloads one of a finished run's files.
func (h *Web) File(c *web.Ctx) error {
	vm, err := h.runPage(c)
	if err != nil {
		return err
	}
	kind := c.R.PathValue("name")
	var ctype, name string
	stem := strings.TrimSuffix(strings.TrimSuffix(vm.R.FileName, ".xlsx"), ".csv")
	switch kind {
	case FileErrors:
		ctype, name = xlsxType, stem+"-错误报告.xlsx"
	case FileCleanXLSX:
		ctype, name = xlsxType, stem+"-清洗结果.xlsx"
	case FileCleanCSV:
		ctype, name = "text/csv; charset=utf-8", stem+"-清洗结果.csv"
	default:
		return apperr.NotFoundErr()
	}
	if vm.R.Status != RunDone || !vm.Files[kind] {
		return apperr.NotFoundErr()
	}
	c.W.Header().Set("Content-Type", ctype)
	c.W.Header().Set("Content-Disposition", contentDisposition(name))
	c.W.Header().Set("Cache-Control", "private, no-store")
	_, err = h.svc.copyFile(c.Context(), vm.R.ID, kind, c.W)
	return err
}

// DrawSample draws a random sample of the cleaned rows.
func (h *Web) DrawSample(c *web.Ctx) error {
	vm, err := h.runPage(c)
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	n, err := strconv.Atoi(strings.TrimSpace(c.FormValue("size")))
	if err != nil {
		n = 0
	}
	if _, err := h.svc.DrawSample(c.Context(), c.P, vm.P.ID, vm.R.ID, SampleInput{Size: n}); err != nil {
		fields, _, status, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		vm.Errors = fields
		return c.Render(status, "datamigration/run.html", vm)
	}
	return c.Redirect(runURL(vm.R) + "#samples")
}

// SignSample records a key user's verdict.
func (h *Web) SignSample(c *web.Ctx) error {
	id, sid, err := c.ProjectPathID("sid")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	version, _ := strconv.ParseInt(c.FormValue("version"), 10, 64)
	in := SignInput{Result: c.FormValue("result"), Comment: c.FormValue("comment"), Version: version}
	sm, err := h.svc.SignSample(c.Context(), c.P, id, sid, in)
	if err != nil {
		fields, _, status, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		cur, err := h.svc.Sample(c.Context(), c.P, id, sid)
		if err != nil {
			return err
		}
		vm, err := h.runPageFor(c, id, cur.RunID)
		if err != nil {
			return err
		}
		vm.Sign.Sample, vm.Sign.Result, vm.Sign.Comment, vm.Sign.Errors = sid, in.Result, in.Comment, fields
		return c.Render(status, "datamigration/run.html", vm)
	}
	c.Flash("dm.sample_signed")
	return c.Redirect("/projects/" + pid(id) + "/migration/runs/" + pid(sm.RunID) + "#samples")
}

// SampleExport downloads a sample's rows with its verdict.
func (h *Web) SampleExport(c *web.Ctx) error {
	id, sid, err := c.ProjectPathID("sid")
	if err != nil {
		return err
	}
	sm, err := h.svc.Sample(c.Context(), c.P, id, sid)
	if err != nil {
		return err
	}
	cols := []web.Column{{Header: c.T("dm.col.line"), Kind: web.ColInt}}
	for _, hd := range sm.Headers {
		cols = append(cols, web.Column{Header: hd, Kind: web.ColText})
	}
	i := 0
	return web.ServeXLSX(c.W, c.T("dm.sample_file", sm.ID)+".xlsx", c.T("dm.samples"), cols, func() ([]any, bool, error) {
		if i >= len(sm.Rows) {
			return nil, false, nil
		}
		row := make([]any, len(cols))
		row[0] = sm.Lines[i]
		for j := range sm.Headers {
			if j < len(sm.Rows[i]) {
				row[j+1] = sm.Rows[i][j]
			} else {
				row[j+1] = ""
			}
		}
		i++
		return row, true, nil
	})
}

// SaveRecon records the target system's figures, typed in or uploaded.
func (h *Web) SaveRecon(c *web.Ctx) error {
	vm, err := h.runPage(c)
	if err != nil {
		return err
	}
	if !vm.CanEdit {
		return apperr.ForbiddenErr()
	}
	var in ReconInput
	if strings.HasPrefix(c.R.Header.Get("Content-Type"), "multipart/form-data") {
		if err := c.R.ParseMultipartForm(1 << 20); err != nil {
			return h.reconFail(c, vm, uploadErr(err, "file"))
		}
		version, _ := strconv.ParseInt(c.R.PostFormValue("version"), 10, 64)
		file, _, ferr := c.R.FormFile("file")
		if ferr != nil {
			return h.reconFail(c, vm, apperr.InvalidField("file", "dm.err_no_file"))
		}
		defer file.Close()
		data, err := io.ReadAll(io.LimitReader(file, reconMaxBytes+1))
		if err != nil {
			return h.reconFail(c, vm, uploadErr(err, "file"))
		}
		if in, err = ParseReconXLSX(data, vm.SumFields); err != nil {
			return h.reconFail(c, vm, err)
		}
		in.Version = version
	} else {
		if err := c.Form(); err != nil {
			return err
		}
		n, cerr := strconv.ParseInt(strings.TrimSpace(strings.ReplaceAll(c.FormValue("target_count"), ",", "")), 10, 64)
		if cerr != nil {
			return h.reconFail(c, vm, apperr.InvalidField("target_count", "dm.err_recon_number"))
		}
		in = ReconInput{TargetCount: n, TargetTotals: map[string]string{}, Note: c.FormValue("note")}
		in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
		for _, f := range vm.SumFields {
			in.TargetTotals[f.Code] = c.FormValue("total_" + f.Code)
		}
	}
	if _, err := h.svc.SaveReconciliation(c.Context(), c.P, vm.P.ID, vm.R.ID, in); err != nil {
		return h.reconFail(c, vm, err)
	}
	c.Flash("dm.recon_saved")
	return c.Redirect(runURL(vm.R) + "#recon")
}

func (h *Web) reconFail(c *web.Ctx, vm runPage, err error) error {
	fields, conflict, status, ok := c.FormFailure(err)
	if !ok {
		return err
	}
	vm.Errors = fields
	if conflict {
		vm.ReconErr = c.T("error.conflict")
	}
	for _, m := range fields {
		vm.ReconErr = m
	}
	return c.Render(status, "datamigration/run.html", vm)
}
