package finance

import (
	"encoding/json"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/discuss"
	"golive/internal/project"
	"golive/internal/web"
)

// Web holds the HTML handlers.
type Web struct {
	svc   *Service
	panel func(c *web.Ctx, ref discuss.Ref) (template.HTML, error)
}

// NewWeb builds the handlers; panel renders an expense's receipts (the
// discuss attachments panel), nil to leave it out.
func NewWeb(svc *Service, panel func(c *web.Ctx, ref discuss.Ref) (template.HTML, error)) *Web {
	return &Web{svc: svc, panel: panel}
}

// Tabs of the module's pages.
type tab struct {
	Key, Href string
	Active    bool
}

type pageBase struct {
	web.Base
	PID      int64
	Cost     bool // CostView: budgets, costs, summaries
	Approve  bool
	Others   bool
	Tabs     []tab
	Errs     map[string]string
	Err      string
	Cats     []string
	Statuses []string
}

func (h *Web) base(c *web.Ctx, id int64, active, title string) (pageBase, laborRights, error) {
	rt, err := h.svc.laborAccess(c.Context(), c.P, id)
	if err != nil {
		return pageBase{}, rt, err
	}
	pr, _, err := h.svc.projects.Get(c.Context(), c.P, id)
	if err != nil {
		return pageBase{}, rt, err
	}
	b := pageBase{Base: project.ProjectBase(c, pr, "labor", title), PID: id, Cost: rt.cost, Approve: rt.approve, Others: rt.others, Cats: Categories,
		Statuses: []string{LaborDraft, LaborSubmitted, LaborApproved, LaborRejected}}
	root := "/projects/" + strconv.FormatInt(id, 10)
	keys := []string{"week", "records", "expenses"}
	if rt.others {
		keys = append(keys, "import")
	}
	if rt.cost {
		keys = append(keys, "summary", "budget")
	}
	paths := map[string]string{"week": "/labor", "records": "/labor/records", "import": "/labor/import", "summary": "/labor/summary", "expenses": "/expenses", "budget": "/cost-plan"}
	for _, k := range keys {
		b.Tabs = append(b.Tabs, tab{Key: "finance.tab." + k, Href: root + paths[k], Active: k == active})
	}
	return b, rt, nil
}

func ids(c *web.Ctx) []int64 {
	var out []int64
	for _, v := range c.R.PostForm["id"] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

func (h *Web) root(id int64) string { return "/projects/" + strconv.FormatInt(id, 10) }

// ---- week grid ----

type weekPage struct {
	pageBase
	W         Week
	Typed     map[string]string // cell field -> value typed (after a failed save)
	CellErrs  map[string]string
	Records   []LaborRecord
	Closed    []string
	Subs      []Subcontractor
	Single    LaborInput
	SingleQty string
	Report    *ImportReport
}

func (h *Web) weekPage(c *web.Ctx, id int64, week string) (weekPage, error) {
	b, _, err := h.base(c, id, "week", "finance.title")
	if err != nil {
		return weekPage{}, err
	}
	w, err := h.svc.Week(c.Context(), c.P, id, week)
	if err != nil {
		return weekPage{}, err
	}
	recs, err := h.svc.ListLabor(c.Context(), c.P, id, LaborFilter{From: w.Days[0], To: w.Days[6]})
	if err != nil {
		return weekPage{}, err
	}
	closed, err := h.svc.ClosedMonths(c.Context(), id)
	if err != nil {
		return weekPage{}, err
	}
	vm := weekPage{pageBase: b, W: w, Records: recs, Closed: closed, Single: LaborInput{Date: w.Days[0], UserID: c.P.UserID, Unit: UnitHour, Onsite: true}}
	return vm, nil
}

// Week shows the weekly grid: GET /projects/{id}/labor?week=.
func (h *Web) Week(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	vm, err := h.weekPage(c, id, c.R.URL.Query().Get("week"))
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "finance/week.html", vm)
}

// SaveWeek saves the grid in one transaction; a failure re-renders it with
// what was typed and a message under each failing cell.
func (h *Web) SaveWeek(c *web.Ctx) error {
	id, err := formPost(c)
	if err != nil {
		return err
	}
	in := GridInput{Week: c.FormValue("week")}
	typed := map[string]string{}
	for k, vs := range c.R.PostForm {
		rest, ok := strings.CutPrefix(k, "cell_")
		if !ok || len(vs) == 0 {
			continue
		}
		person, date, ok := strings.Cut(rest, "_")
		if !ok {
			continue
		}
		v, _ := strconv.ParseInt(c.FormValue("ver_"+rest), 10, 64)
		in.Cells = append(in.Cells, GridCellInput{Person: person, Date: date, Qty: vs[0], Version: v})
		typed[k] = vs[0]
	}
	n, err := h.svc.SaveWeek(c.Context(), c.P, id, in)
	if err != nil {
		e := apperr.As(err)
		if e.Code != apperr.Invalid && e.Code != apperr.Conflict {
			return err
		}
		vm, perr := h.weekPage(c, id, in.Week)
		if perr != nil {
			return perr
		}
		vm.Typed, vm.CellErrs = typed, map[string]string{}
		for f, k := range e.Fields {
			vm.CellErrs[f] = c.T(k, e.FieldArgs[f]...)
			if k == "finance.cell_stale" {
				delete(typed, f) // show what is stored now
			}
		}
		if len(e.Fields) == 0 {
			vm.Err = c.T(e.Key, e.Args...)
		}
		return c.Render(web.Status(e.Code), "finance/week.html", vm)
	}
	c.Flash("finance.saved_cells", n)
	return c.Redirect(h.root(id) + "/labor?week=" + in.Week)
}

// Submit submits records (field id, repeated).
func (h *Web) Submit(c *web.Ctx) error {
	id, err := formPost(c)
	if err != nil {
		return err
	}
	n, err := h.svc.SubmitLabor(c.Context(), c.P, id, ids(c))
	if err != nil {
		return h.weekFailed(c, id, err)
	}
	c.Flash("finance.submitted", n)
	return c.Redirect(h.back(c, id))
}

// Decide approves (decision=approve) or rejects (with reason) records.
func (h *Web) Decide(c *web.Ctx) error {
	id, err := formPost(c)
	if err != nil {
		return err
	}
	approve := c.FormValue("decision") == "approve"
	n, err := h.svc.DecideLabor(c.Context(), c.P, id, ids(c), approve, c.FormValue("reason"))
	if err != nil {
		return h.weekFailed(c, id, err)
	}
	c.Flash(map[bool]string{true: "finance.approved_n", false: "finance.rejected_n"}[approve], n)
	return c.Redirect(h.back(c, id))
}

// formPost reads the project id of a form post and parses its form.
func formPost(c *web.Ctx) (int64, error) {
	id, err := c.PathID("id")
	if err != nil {
		return 0, err
	}
	return id, c.Form()
}

// back returns to the page the form came from (a week of the grid or the
// records list).
func (h *Web) back(c *web.Ctx, id int64) string {
	if c.FormValue("back") == "records" {
		return h.root(id) + "/labor/records?month=" + c.FormValue("month")
	}
	return h.root(id) + "/labor?week=" + c.FormValue("week")
}

func (h *Web) weekFailed(c *web.Ctx, id int64, err error) error {
	e := apperr.As(err)
	if e.Code != apperr.Invalid && e.Code != apperr.Conflict {
		return err
	}
	vm, perr := h.weekPage(c, id, c.FormValue("week"))
	if perr != nil {
		return perr
	}
	vm.Errs = c.FieldErrors(err)
	if vm.Errs == nil {
		vm.Err = c.T(e.Key, e.Args...)
	}
	return c.Render(web.Status(e.Code), "finance/week.html", vm)
}

func formLabor(c *web.Ctx) (LaborInput, string) {
	in := LaborInput{Date: c.FormValue("date"), Trade: c.FormValue("trade"), Unit: c.FormValue("unit"), Description: c.FormValue("description"),
		Overtime: c.FormValue("overtime") == "1", Onsite: c.FormValue("onsite") == "1"}
	if uid, wid, ok := ParsePersonKey(c.FormValue("person")); ok {
		in.UserID, in.WorkerID = uid, wid
	}
	in.TaskID, _ = strconv.ParseInt(c.FormValue("task_id"), 10, 64)
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	typed := c.FormValue("qty")
	q, err := ParseQty(typed)
	if err != nil && q >= 0 {
		q = QtyInvalid // refused by Validate, with the field named
	}
	in.Qty = q
	return in, typed
}

// CreateRecord adds one record from the single-record form.
func (h *Web) CreateRecord(c *web.Ctx) error {
	id, err := formPost(c)
	if err != nil {
		return err
	}
	in, typed := formLabor(c)
	if _, err := h.svc.CreateLabor(c.Context(), c.P, id, in); err != nil {
		e := apperr.As(err)
		if e.Code != apperr.Invalid {
			return err
		}
		vm, perr := h.weekPage(c, id, in.Date)
		if perr != nil {
			return perr
		}
		vm.Single, vm.SingleQty, vm.Errs = in, typed, c.FieldErrors(err)
		return c.Render(http.StatusBadRequest, "finance/week.html", vm)
	}
	c.Flash("finance.record_added", in.Date)
	return c.Redirect(h.root(id) + "/labor?week=" + in.Date)
}

// Reverse adds the reversal of an approved record (PM).
func (h *Web) Reverse(c *web.Ctx) error {
	id, rid, err := c.ProjectPathID("rid")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	if _, err := h.svc.ReverseLabor(c.Context(), c.P, id, rid, c.FormValue("reason")); err != nil {
		return h.weekFailed(c, id, err)
	}
	c.Flash("finance.reversed", rid)
	return c.Redirect(h.back(c, id))
}

// CloseMonth closes (close=1) or reopens a month.
func (h *Web) CloseMonth(c *web.Ctx) error {
	id, err := formPost(c)
	if err != nil {
		return err
	}
	closed := c.FormValue("close") == "1"
	if err := h.svc.CloseMonth(c.Context(), c.P, id, c.FormValue("month"), closed); err != nil {
		return h.weekFailed(c, id, err)
	}
	c.Flash(map[bool]string{true: "finance.month_closed_done", false: "finance.month_reopened"}[closed], c.FormValue("month"))
	return c.Redirect(h.back(c, id))
}

// ---- records list and export ----

type recordsPage struct {
	pageBase
	Month   string
	Prev    string
	Next    string
	Records []LaborRecord
	Total   Qty
	CostSum int64
}

func monthOf(c *web.Ctx) (string, error) {
	m := c.R.URL.Query().Get("month")
	if m == "" {
		return today().String()[:7], nil
	}
	if _, err := ParseMonth(m); err != nil {
		return "", err
	}
	return m, nil
}

func (h *Web) records(c *web.Ctx) (recordsPage, error) {
	id, err := c.PathID("id")
	if err != nil {
		return recordsPage{}, err
	}
	b, _, err := h.base(c, id, "records", "finance.records_title")
	if err != nil {
		return recordsPage{}, err
	}
	m, err := monthOf(c)
	if err != nil {
		return recordsPage{}, err
	}
	first, last := MonthBounds(m)
	recs, err := h.svc.ListLabor(c.Context(), c.P, id, LaborFilter{From: first, To: last, Status: c.R.URL.Query().Get("status")})
	if err != nil {
		return recordsPage{}, err
	}
	vm := recordsPage{pageBase: b, Month: m, Prev: AddMonths(m, -1), Next: AddMonths(m, 1), Records: recs}
	for _, r := range recs {
		if r.Status == LaborApproved {
			vm.Total += r.Hours
			if r.CostMinor != nil {
				vm.CostSum += *r.CostMinor
			}
		}
	}
	return vm, nil
}

// Records lists a month's records.
func (h *Web) Records(c *web.Ctx) error {
	vm, err := h.records(c)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "finance/records.html", vm)
}

// RecordsExport is the month's records as Excel (cost column only for
// CostView).
func (h *Web) RecordsExport(c *web.Ctx) error {
	vm, err := h.records(c)
	if err != nil {
		return err
	}
	cols := []web.Column{{Header: c.T("finance.col.date"), Kind: web.ColDate}, {Header: c.T("finance.col.person")}, {Header: c.T("finance.col.subcontractor")},
		{Header: c.T("finance.col.trade")}, {Header: c.T("finance.col.qty")}, {Header: c.T("finance.col.unit")}, {Header: c.T("finance.col.hours")},
		{Header: c.T("finance.col.overtime")}, {Header: c.T("finance.col.onsite")}, {Header: c.T("finance.col.description")}, {Header: c.T("finance.col.status")}}
	if vm.Cost {
		cols = append(cols, web.Column{Header: c.T("finance.col.cost"), Kind: web.ColMoney})
	}
	i := 0
	yes := func(b bool) string { return c.T(map[bool]string{true: "finance.yes", false: "finance.no"}[b]) }
	return web.ServeXLSX(c.W, "labor-"+vm.Month+".xlsx", vm.Month, cols, func() ([]any, bool, error) {
		if i >= len(vm.Records) {
			return nil, false, nil
		}
		r := vm.Records[i]
		i++
		row := []any{r.Date, r.PersonName, r.SubcontractorName, r.Trade, r.Qty.String(), c.T("finance.unit." + r.Unit), r.Hours.String(),
			yes(r.Overtime), yes(r.Onsite), r.Description, c.T("finance.status." + r.Status)}
		if vm.Cost {
			var v int64
			if r.CostMinor != nil {
				v = *r.CostMinor
			}
			row = append(row, v)
		}
		return row, true, nil
	})
}

// ---- import ----

type importPage struct {
	pageBase
	Subs   []Subcontractor
	SubID  int64
	Report *ImportReport
}

func (h *Web) importPage(c *web.Ctx) (importPage, error) {
	id, err := c.PathID("id")
	if err != nil {
		return importPage{}, err
	}
	b, rt, err := h.base(c, id, "import", "finance.import_title")
	if err != nil {
		return importPage{}, err
	}
	if !rt.others {
		return importPage{}, apperr.ForbiddenErr()
	}
	subs, err := h.svc.Subcontractors(c.Context(), c.P)
	return importPage{pageBase: b, Subs: subs}, err
}

// ImportForm shows the import page.
func (h *Web) ImportForm(c *web.Ctx) error {
	vm, err := h.importPage(c)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "finance/import.html", vm)
}

// ImportTemplate downloads an empty foreman's sheet.
func (h *Web) ImportTemplate(c *web.Ctx) error {
	if _, err := h.importPage(c); err != nil {
		return err
	}
	b, err := TemplateXLSX()
	if err != nil {
		return apperr.Wrap(err)
	}
	c.W.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.W.Header().Set("Content-Disposition", `attachment; filename="labor-sheet.xlsx"`)
	_, err = c.W.Write(b)
	return err
}

// Import reads a foreman's sheet (multipart: subcontractor_id, file).
func (h *Web) Import(c *web.Ctx) error {
	vm, err := h.importPage(c)
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		vm.Err = c.T(apperr.As(err).Key, apperr.As(err).Args...)
		return c.Render(http.StatusBadRequest, "finance/import.html", vm)
	}
	vm.SubID, _ = strconv.ParseInt(c.FormValue("subcontractor_id"), 10, 64)
	file, _, err := c.R.FormFile("file")
	if err != nil {
		vm.Errs = map[string]string{"file": c.T("field.file") + ": " + c.T("finance.import_not_xlsx")}
		return c.Render(http.StatusBadRequest, "finance/import.html", vm)
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, ImportMaxBytes+1))
	if err != nil {
		return apperr.Wrap(err)
	}
	rep, err := h.svc.ImportLabor(c.Context(), c.P, vm.PID, vm.SubID, data)
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		vm.Errs = c.FieldErrors(err)
		return c.Render(http.StatusBadRequest, "finance/import.html", vm)
	}
	if len(rep.Errors) > 0 {
		translateReport(c, &rep)
		vm.Report = &rep
		return c.Render(http.StatusUnprocessableEntity, "finance/import.html", vm)
	}
	c.Flash("finance.imported", rep.Created)
	return c.Redirect(h.root(vm.PID) + "/labor/records?status=draft")
}

// ---- summary, export, sheet ----

type summaryPage struct {
	pageBase
	Chart   string // JSON: [{"p": period, "d": days, "c": cost in yuan}] for the chart
	Groups  []string
	Periods []string
	Q       SummaryQuery
	R       SummaryResult
	Subs    []Subcontractor
	Month   string
}

func (h *Web) summary(c *web.Ctx, id int64) (summaryPage, error) {
	vm := summaryPage{Groups: []string{ByPerson, ByProject, ByTrade, BySubcontractor}, Periods: []string{PerAll, PerDay, PerWeek, PerMonth}}
	if id != 0 {
		b, rt, err := h.base(c, id, "summary", "finance.summary_title")
		if err != nil {
			return vm, err
		}
		if !rt.cost {
			return vm, apperr.NotFoundErr()
		}
		vm.pageBase = b
	} else {
		if _, _, err := h.svc.costProjects(c.Context(), c.P); err != nil {
			return vm, err
		}
		vm.Base = c.Base("finance.summary_all_title")
		vm.Section = "finance_summary"
		vm.Cost = true
	}
	qv := c.R.URL.Query()
	m := today().String()[:7]
	first, last := MonthBounds(m)
	vm.Q = SummaryQuery{ProjectID: id, From: first, To: last, GroupBy: qv.Get("group_by"), Period: qv.Get("period")}
	if v := qv.Get("from"); v != "" {
		vm.Q.From = v
	}
	if v := qv.Get("to"); v != "" {
		vm.Q.To = v
	}
	vm.Q.SubcontractorID, _ = strconv.ParseInt(qv.Get("subcontractor_id"), 10, 64)
	vm.Month = vm.Q.From[:min(7, len(vm.Q.From))]
	subs, err := h.svc.Subcontractors(c.Context(), c.P)
	if err != nil {
		return vm, err
	}
	vm.Subs = subs
	r, err := h.svc.Summary(c.Context(), c.P, vm.Q)
	if err != nil {
		return vm, err
	}
	vm.R = r
	vm.Q = r.Query
	type point struct {
		P string  `json:"p"`
		D float64 `json:"d"`
		C float64 `json:"c"`
	}
	var pts []point
	for _, row := range r.Rows {
		if n := len(pts); n == 0 || pts[n-1].P != row.Period {
			pts = append(pts, point{P: row.Period})
		}
		pts[len(pts)-1].D += float64(row.Days) / 100
		pts[len(pts)-1].C += float64(row.CostMinor) / 100 // display only; sums stay in fen
	}
	if len(pts) > 1 {
		b, _ := json.Marshal(pts)
		vm.Chart = string(b)
	}
	return vm, nil
}

func optID(c *web.Ctx) (int64, error) {
	if c.R.PathValue("id") == "" {
		return 0, nil
	}
	return c.PathID("id")
}

// Summary shows totals by group and period.
func (h *Web) Summary(c *web.Ctx) error {
	id, err := optID(c)
	if err != nil {
		return err
	}
	vm, err := h.summary(c, id)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "finance/summary.html", vm)
}

// SummaryExport is the summary as Excel.
func (h *Web) SummaryExport(c *web.Ctx) error {
	id, err := optID(c)
	if err != nil {
		return err
	}
	vm, err := h.summary(c, id)
	if err != nil {
		return err
	}
	return writeSummaryXLSX(c, vm.R)
}

func writeSummaryXLSX(c *web.Ctx, r SummaryResult) error {
	cols := []web.Column{{Header: c.T("finance.col.period")}, {Header: c.T("finance.group." + r.Query.GroupBy)}, {Header: c.T("finance.col.records"), Kind: web.ColInt},
		{Header: c.T("finance.col.days")}, {Header: c.T("finance.col.hours")}, {Header: c.T("finance.col.cost"), Kind: web.ColMoney}}
	rows := append(append([]SummaryRow{}, r.Rows...), r.Total)
	rows[len(rows)-1].Label = c.T("finance.total")
	i := 0
	return web.ServeXLSX(c.W, "labor-summary-"+r.Query.From+"-"+r.Query.To+".xlsx", r.Query.From, cols, func() ([]any, bool, error) {
		if i >= len(rows) {
			return nil, false, nil
		}
		x := rows[i]
		i++
		return []any{x.Period, x.Label, int64(x.Records), x.Days.String(), x.Hours.String(), x.CostMinor}, true, nil
	})
}

type sheetPage struct {
	pageBase
	S Sheet
}

// Sheet is the printable monthly sheet of a subcontractor.
func (h *Web) Sheet(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	b, rt, err := h.base(c, id, "summary", "finance.sheet_title")
	if err != nil {
		return err
	}
	if !rt.cost {
		return apperr.NotFoundErr()
	}
	sub, _ := strconv.ParseInt(c.R.URL.Query().Get("subcontractor_id"), 10, 64)
	m := c.R.URL.Query().Get("month")
	if m == "" {
		m = today().String()[:7]
	}
	sh, err := h.svc.MonthlySheet(c.Context(), c.P, id, sub, m)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "finance/sheet.html", sheetPage{pageBase: b, S: sh})
}

// ---- budget ----

type budgetPage struct {
	pageBase
	Versions  []Budget
	Current   Budget
	HasCur    bool
	Phases    []phaseOpt
	In        BudgetInput
	Pct       string
	CanEdit   bool
	CanDecide bool
}

type phaseOpt struct {
	ID   int64
	Name string
}

// options reads the id, name pairs of a select (a project's phases, the
// vendor's users).
func (h *Web) options(c *web.Ctx, query string, args ...any) ([]phaseOpt, error) {
	rows, err := h.svc.db.Query(c.Context(), query, args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	var out []phaseOpt
	for rows.Next() {
		var o phaseOpt
		if err := rows.Scan(&o.ID, &o.Name); err != nil {
			return out, apperr.Wrap(err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func (h *Web) budgetPage(c *web.Ctx, id int64) (budgetPage, error) {
	b, rt, err := h.base(c, id, "budget", "finance.budget_title")
	if err != nil {
		return budgetPage{}, err
	}
	if !rt.cost {
		return budgetPage{}, apperr.NotFoundErr()
	}
	vs, err := h.svc.Budgets(c.Context(), c.P, id)
	if err != nil {
		return budgetPage{}, err
	}
	cur, ok, err := h.svc.BudgetCurrent(c.Context(), id)
	if err != nil {
		return budgetPage{}, err
	}
	vm := budgetPage{pageBase: b, Versions: vs, Current: cur, HasCur: ok, Pct: strconv.FormatInt(cur.ContingencyPct, 10),
		CanEdit: c.P.Can(rt.m, access.FinanceManage), CanDecide: c.P.Can(rt.m, access.BudgetApprove)}
	rows, err := h.svc.db.Query(c.Context(), `SELECT id, name FROM phases WHERE project_id = ? AND deleted_ms IS NULL ORDER BY seq`, id)
	if err != nil {
		return vm, apperr.Wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var p phaseOpt
		if err := rows.Scan(&p.ID, &p.Name); err != nil {
			return vm, apperr.Wrap(err)
		}
		vm.Phases = append(vm.Phases, p)
	}
	// The form starts from the current lines (a revision edits them).
	for _, l := range cur.Lines {
		vm.In.Lines = append(vm.In.Lines, BudgetLineInput{Category: l.Category, PhaseID: l.PhaseID, Amount: plain(l.AmountMinor)})
	}
	for _, cat := range Categories {
		found := false
		for _, l := range vm.In.Lines {
			found = found || (l.Category == cat && l.PhaseID == 0)
		}
		if !found {
			vm.In.Lines = append(vm.In.Lines, BudgetLineInput{Category: cat})
		}
	}
	vm.In.Lines = append(vm.In.Lines, BudgetLineInput{}, BudgetLineInput{})
	return vm, rows.Err()
}

// Budget shows the versions and the form for a revision.
func (h *Web) Budget(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	vm, err := h.budgetPage(c, id)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "finance/budget.html", vm)
}

// ProposeBudget posts a new version (lines as category[], phase_id[], amount[]).
func (h *Web) ProposeBudget(c *web.Ctx) error {
	id, err := formPost(c)
	if err != nil {
		return err
	}
	in := BudgetInput{Reason: c.FormValue("reason")}
	pctTyped := c.FormValue("contingency_pct")
	if pct, err := strconv.ParseInt(strings.TrimSpace(pctTyped), 10, 64); err == nil {
		in.ContingencyPct = &pct
	} else {
		bad := int64(-1)
		in.ContingencyPct = &bad
	}
	cats, phs, amts := c.R.PostForm["category"], c.R.PostForm["phase_id"], c.R.PostForm["amount"]
	for i := range cats {
		l := BudgetLineInput{Category: cats[i]}
		if i < len(phs) {
			l.PhaseID, _ = strconv.ParseInt(phs[i], 10, 64)
		}
		if i < len(amts) {
			l.Amount = amts[i]
		}
		if l.Category == "" && strings.TrimSpace(l.Amount) == "" {
			continue
		}
		in.Lines = append(in.Lines, l)
	}
	if _, err := h.svc.ProposeBudget(c.Context(), c.P, id, in); err != nil {
		e := apperr.As(err)
		if e.Code != apperr.Invalid {
			return err
		}
		vm, perr := h.budgetPage(c, id)
		if perr != nil {
			return perr
		}
		vm.In, vm.Pct, vm.Errs = in, pctTyped, c.FieldErrors(err)
		return c.Render(http.StatusBadRequest, "finance/budget.html", vm)
	}
	c.Flash("finance.budget_proposed")
	return c.Redirect(h.root(id) + "/cost-plan")
}

// DecideBudget approves or rejects a proposed version.
func (h *Web) DecideBudget(c *web.Ctx) error {
	id, bid, err := c.ProjectPathID("bid")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := BudgetDecision{Approve: c.FormValue("decision") == "approve", Note: c.FormValue("note")}
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	if _, err := h.svc.DecideBudget(c.Context(), c.P, id, bid, in); err != nil {
		e := apperr.As(err)
		if e.Code != apperr.Invalid && e.Code != apperr.Conflict {
			return err
		}
		vm, perr := h.budgetPage(c, id)
		if perr != nil {
			return perr
		}
		vm.Errs = c.FieldErrors(err)
		if vm.Errs == nil {
			vm.Err = c.T(e.Key, e.Args...)
		}
		return c.Render(web.Status(e.Code), "finance/budget.html", vm)
	}
	c.Flash(map[bool]string{true: "finance.budget_approved", false: "finance.budget_rejected"}[in.Approve])
	return c.Redirect(h.root(id) + "/cost-plan")
}

// ---- expenses ----

type expensesPage struct {
	pageBase
	List   []Expense
	In     ExpenseInput
	Phases []phaseOpt
	E      *Expense
	Panel  template.HTML
}

func (h *Web) expensesPage(c *web.Ctx, id int64) (expensesPage, error) {
	b, _, err := h.base(c, id, "expenses", "finance.expenses_title")
	if err != nil {
		return expensesPage{}, err
	}
	list, err := h.svc.ListExpenses(c.Context(), c.P, id)
	if err != nil {
		return expensesPage{}, err
	}
	vm := expensesPage{pageBase: b, List: list, In: ExpenseInput{Date: today().String(), Category: CatTravel}}
	vm.Phases, err = h.options(c, `SELECT id, name FROM phases WHERE project_id = ? AND deleted_ms IS NULL ORDER BY seq`, id)
	return vm, err
}

// Expenses lists the project's expenses with the entry form.
func (h *Web) Expenses(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	vm, err := h.expensesPage(c, id)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "finance/expenses.html", vm)
}

func formExpense(c *web.Ctx) ExpenseInput {
	in := ExpenseInput{Date: c.FormValue("date"), Category: c.FormValue("category"), Amount: c.FormValue("amount"), Tax: c.FormValue("tax"),
		Payee: c.FormValue("payee"), Description: c.FormValue("description")}
	in.PhaseID, _ = strconv.ParseInt(c.FormValue("phase_id"), 10, 64)
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	return in
}

// CreateExpense adds a draft expense; receipts are attached on its page.
func (h *Web) CreateExpense(c *web.Ctx) error {
	id, err := formPost(c)
	if err != nil {
		return err
	}
	in := formExpense(c)
	e, err := h.svc.CreateExpense(c.Context(), c.P, id, in)
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		vm, perr := h.expensesPage(c, id)
		if perr != nil {
			return perr
		}
		vm.In, vm.Errs = in, c.FieldErrors(err)
		return c.Render(http.StatusBadRequest, "finance/expenses.html", vm)
	}
	c.Flash("finance.expense_added")
	return c.Redirect(h.root(id) + "/expenses/" + strconv.FormatInt(e.ID, 10))
}

// Expense shows one expense with its receipts and approval buttons.
func (h *Web) Expense(c *web.Ctx) error {
	id, eid, err := c.ProjectPathID("eid")
	if err != nil {
		return err
	}
	return h.renderExpense(c, id, eid, http.StatusOK, nil)
}

func (h *Web) renderExpense(c *web.Ctx, id, eid int64, status int, failure error) error {
	e, _, err := h.svc.GetExpense(c.Context(), c.P, id, eid)
	if err != nil {
		return err
	}
	vm, err := h.expensesPage(c, id)
	if err != nil {
		return err
	}
	vm.E = &e
	if h.panel != nil {
		if vm.Panel, err = h.panel(c, discuss.Ref{Kind: ExpenseKind, ID: eid, ProjectID: id}); err != nil {
			return err
		}
	}
	if failure != nil {
		vm.Errs = c.FieldErrors(failure)
		if vm.Errs == nil {
			vm.Err = c.T(apperr.As(failure).Key, apperr.As(failure).Args...)
		}
	}
	return c.Render(status, "finance/expense.html", vm)
}

// ActOnExpense submits, approves or rejects an expense.
func (h *Web) ActOnExpense(c *web.Ctx) error {
	id, eid, err := c.ProjectPathID("eid")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := ExpenseAction{Action: c.FormValue("action"), Reason: c.FormValue("reason")}
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	if _, err := h.svc.ActOnExpense(c.Context(), c.P, id, eid, in); err != nil {
		if code := apperr.CodeOf(err); code == apperr.Invalid || code == apperr.Conflict {
			return h.renderExpense(c, id, eid, web.Status(code), err)
		}
		return err
	}
	c.Flash("finance.expense_" + in.Action)
	return c.Redirect(h.root(id) + "/expenses/" + strconv.FormatInt(eid, 10))
}

// ExpensesExport is the project's expenses as Excel.
func (h *Web) ExpensesExport(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	vm, err := h.expensesPage(c, id)
	if err != nil {
		return err
	}
	cols := []web.Column{{Header: c.T("finance.col.date"), Kind: web.ColDate}, {Header: c.T("finance.col.category")}, {Header: c.T("finance.col.phase")},
		{Header: c.T("finance.col.amount"), Kind: web.ColMoney}, {Header: c.T("finance.col.tax"), Kind: web.ColMoney}, {Header: c.T("finance.col.payee")},
		{Header: c.T("finance.col.description")}, {Header: c.T("finance.col.status")}, {Header: c.T("finance.col.by")}, {Header: c.T("finance.col.receipts"), Kind: web.ColInt}}
	i := 0
	return web.ServeXLSX(c.W, "expenses.xlsx", c.T("finance.expenses_title"), cols, func() ([]any, bool, error) {
		if i >= len(vm.List) {
			return nil, false, nil
		}
		e := vm.List[i]
		i++
		return []any{e.Date, c.T("finance.cat." + e.Category), e.PhaseName, e.AmountMinor, e.TaxMinor, e.Payee, e.Description, c.T("finance.status." + e.Status), e.CreatorName, int64(e.Receipts)}, true, nil
	})
}

// ---- instance-wide: rates, trade rates, subcontractors ----

type ratesPage struct {
	web.Base
	Cards  []RateCard
	Trades []TradeRate
	Subs   []Subcontractor
	Users  []phaseOpt
	Roles  []access.Role
	Errs   map[string]string
	Form   string // which form failed
	Card   RateCardInput
	Person string
	Trade  TradeRateInput
	Sub    SubcontractorInput
	Worker WorkerInput
}

func (h *Web) ratesPage(c *web.Ctx) (ratesPage, error) {
	cards, err := h.svc.RateCards(c.Context(), c.P)
	if err != nil {
		return ratesPage{}, err
	}
	trades, err := h.svc.TradeRates(c.Context(), c.P)
	if err != nil {
		return ratesPage{}, err
	}
	subs, err := h.svc.Subcontractors(c.Context(), c.P)
	if err != nil {
		return ratesPage{}, err
	}
	vm := ratesPage{Base: c.Base("finance.rates_title"), Cards: cards, Trades: trades, Subs: subs, Roles: access.VendorRoles,
		Card: RateCardInput{ValidFrom: today().String()}, Trade: TradeRateInput{Unit: UnitDay, ValidFrom: today().String()}}
	vm.Section = "finance_rates"
	vm.Users, err = h.options(c, `SELECT u.id, u.name FROM users u JOIN companies c ON c.id = u.company_id WHERE c.kind = 'vendor' AND u.deleted_ms IS NULL AND u.disabled = ? ORDER BY u.name`, false)
	return vm, err
}

// Rates shows the rate cards, trade rates and subcontractors.
func (h *Web) Rates(c *web.Ctx) error {
	vm, err := h.ratesPage(c)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "finance/rates.html", vm)
}

func (h *Web) ratesFailed(c *web.Ctx, form string, err error, fill func(*ratesPage)) error {
	if apperr.CodeOf(err) != apperr.Invalid {
		return err
	}
	vm, perr := h.ratesPage(c)
	if perr != nil {
		return perr
	}
	vm.Form, vm.Errs = form, c.FieldErrors(err)
	fill(&vm)
	return c.Render(http.StatusBadRequest, "finance/rates.html", vm)
}

// AddRateCard posts a rate card row (person=u12/w3 or role).
func (h *Web) AddRateCard(c *web.Ctx) error {
	if err := c.Form(); err != nil {
		return err
	}
	in := RateCardInput{Role: c.FormValue("role"), CostDay: c.FormValue("cost_day"), CostHour: c.FormValue("cost_hour"), BillDay: c.FormValue("bill_day"),
		BillHour: c.FormValue("bill_hour"), ValidFrom: c.FormValue("valid_from"), Note: c.FormValue("note")}
	person := c.FormValue("person")
	if uid, wid, ok := ParsePersonKey(person); ok {
		in.UserID, in.WorkerID = uid, wid
	}
	if _, err := h.svc.AddRateCard(c.Context(), c.P, in); err != nil {
		return h.ratesFailed(c, "card", err, func(vm *ratesPage) { vm.Card, vm.Person = in, person })
	}
	c.Flash("finance.rate_added", in.ValidFrom)
	return c.Redirect("/finance/rates")
}

// AddTradeRate posts a trade rate row.
func (h *Web) AddTradeRate(c *web.Ctx) error {
	if err := c.Form(); err != nil {
		return err
	}
	in := TradeRateInput{Trade: c.FormValue("trade"), Unit: c.FormValue("unit"), Cost: c.FormValue("cost"), Bill: c.FormValue("bill"), ValidFrom: c.FormValue("valid_from"), Note: c.FormValue("note")}
	if _, err := h.svc.AddTradeRate(c.Context(), c.P, in); err != nil {
		return h.ratesFailed(c, "trade", err, func(vm *ratesPage) { vm.Trade = in })
	}
	c.Flash("finance.rate_added", in.ValidFrom)
	return c.Redirect("/finance/rates#trades")
}

// AddSubcontractor posts a subcontractor.
func (h *Web) AddSubcontractor(c *web.Ctx) error {
	if err := c.Form(); err != nil {
		return err
	}
	in := SubcontractorInput{Name: c.FormValue("name"), Contact: c.FormValue("contact"), Phone: c.FormValue("phone")}
	if _, err := h.svc.CreateSubcontractor(c.Context(), c.P, in); err != nil {
		return h.ratesFailed(c, "sub", err, func(vm *ratesPage) { vm.Sub = in })
	}
	c.Flash("finance.sub_added", in.Name)
	return c.Redirect("/finance/rates#subs")
}

// AddWorker posts a day worker.
func (h *Web) AddWorker(c *web.Ctx) error {
	if err := c.Form(); err != nil {
		return err
	}
	in := WorkerInput{Name: c.FormValue("name"), Trade: c.FormValue("trade"), Phone: c.FormValue("phone")}
	in.SubcontractorID, _ = strconv.ParseInt(c.FormValue("subcontractor_id"), 10, 64)
	if _, err := h.svc.CreateWorker(c.Context(), c.P, in); err != nil {
		return h.ratesFailed(c, "worker", err, func(vm *ratesPage) { vm.Worker = in })
	}
	c.Flash("finance.worker_added", in.Name)
	return c.Redirect("/finance/rates#subs")
}

func translateReport(c *web.Ctx, rep *ImportReport) {
	for i, e := range rep.Errors {
		rep.Errors[i].Message = c.T(e.Error, e.Args...)
	}
}
