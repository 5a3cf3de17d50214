package change

import (
	"encoding/json"
	"html/template"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/discuss"
	"golive/internal/money"
	"golive/internal/project"
	"golive/internal/web"
)

// Web holds the HTML handlers.
type Web struct {
	svc   *Service
	panel func(c *web.Ctx, ref discuss.Ref) (template.HTML, error)
}

// NewWeb builds the handlers; panel renders a request's discussion.
func NewWeb(svc *Service, panel func(c *web.Ctx, ref discuss.Ref) (template.HTML, error)) *Web {
	return &Web{svc: svc, panel: panel}
}

func (h *Web) base(c *web.Ctx, projectID int64, section, titleKey string) (web.Base, project.Project, access.Membership, error) {
	pr, m, err := h.svc.projects.Get(c.Context(), c.P, projectID)
	if err != nil {
		return web.Base{}, pr, m, err
	}
	if !c.P.Can(m, access.ChangeView) {
		return web.Base{}, pr, m, apperr.NotFoundErr()
	}
	return project.ProjectBase(c, pr, section, titleKey), pr, m, nil
}

// crRow is a request as the list shows it.
type crRow struct {
	CR
	StatusText, SourceText, UrgencyText, Effort, Cost string
}

func (h *Web) row(c *web.Ctx, cr CR) crRow {
	r := crRow{CR: cr, StatusText: c.T("change.status." + cr.Status), SourceText: c.T("change.source." + cr.Source),
		UrgencyText: c.T("change.urgency." + cr.Urgency), Effort: FormatTenths(cr.EffortTenths)}
	if cr.CostMinor != nil {
		r.Cost = money.Format(*cr.CostMinor)
	}
	return r
}

type listPage struct {
	web.Base
	Tab       string
	PID       int64
	Rows      []crRow
	Creep     Creep
	CreepJSON string
	Pct       string
	CanCreate bool
	CanManage bool
	ShowCost  bool
	BySource  []sourceRow
}

type sourceRow struct {
	Label           string
	Total, Approved int
	Effort          string
}

// List is the change-request page: the requests, scope creep over time
// and the changes by source.
func (h *Web) List(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	b, _, m, err := h.base(c, id, "changes", "change.title")
	if err != nil {
		return err
	}
	crs, err := h.svc.List(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	creep, err := h.svc.ScopeCreep(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	vm := listPage{Base: b, Tab: "list", PID: id, Creep: creep, CanCreate: c.P.Can(m, access.ChangeRequest), CanManage: c.P.Can(m, access.ChangeManage),
		ShowCost: c.P.Can(m, access.CostView), Pct: strconv.FormatFloat(creep.Percent, 'f', 1, 64) + "%"}
	for _, cr := range crs {
		vm.Rows = append(vm.Rows, h.row(c, cr))
	}
	for _, s := range creep.BySource {
		vm.BySource = append(vm.BySource, sourceRow{Label: c.T("change.source." + s.Source), Total: s.Total, Approved: s.Approved, Effort: FormatTenths(s.EffortTenths)})
	}
	j, _ := json.Marshal(creep.Points)
	vm.CreepJSON = string(j)
	return c.Render(http.StatusOK, "change/list.html", vm)
}

// Export writes the change requests as .xlsx (cost for CostView only).
func (h *Web) Export(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	m, err := h.svc.access(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	crs, err := h.svc.List(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	cost := c.P.Can(m, access.CostView)
	cols := []web.Column{{Header: c.T("change.col.code"), Width: 10}, {Header: c.T("change.f.title"), Width: 30}, {Header: c.T("change.f.source"), Width: 8},
		{Header: c.T("change.f.requested_by"), Width: 10}, {Header: c.T("change.f.urgency"), Width: 8}, {Header: c.T("change.f.effort"), Width: 10},
		{Header: c.T("change.col.schedule"), Kind: web.ColInt, Width: 10}, {Header: c.T("change.col.status"), Width: 8},
		{Header: c.T("change.col.created"), Kind: web.ColDateTime, Width: 16}, {Header: c.T("change.col.decided"), Kind: web.ColDateTime, Width: 16}}
	if cost {
		cols = append(cols, web.Column{Header: c.T("change.f.cost"), Kind: web.ColMoney, Width: 14})
	}
	i := 0
	return web.ServeXLSX(c.W, "changes-"+strconv.FormatInt(id, 10)+".xlsx", c.T("change.title"), cols, func() ([]any, bool, error) {
		if i >= len(crs) {
			return nil, false, nil
		}
		r := h.row(c, crs[i])
		i++
		var decided any
		if r.DecidedMS != nil {
			decided = *r.DecidedMS
		}
		row := []any{r.Code, r.Title, r.SourceText, r.RequestedByName, r.UrgencyText, r.Effort, r.ScheduleDays, r.StatusText, r.CreatedMS, decided}
		if cost {
			row = append(row, deref(r.CostMinor))
		}
		return row, true, nil
	})
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// option is a choice of a select.
type option struct {
	Value    string
	Label    string
	Selected bool
}

type itemForm struct {
	N                     int
	Target, Op, TargetID  string
	Title, Priority, Kind string
	Effort                string
	Description           string
}

type formPage struct {
	web.Base
	PID      int64
	In       CRInput
	Effort   string
	Cost     string
	Items    []itemForm
	Reqs     []option
	Funcs    []option
	Tasks    []option
	Errors   map[string]string
	Message  string
	ItemErrs []string
	SelTasks map[string]bool
	Kinds    []option
	Manage   bool
	ShowCost bool
	Board    bool
}

func (h *Web) formPage(c *web.Ctx, id int64) (formPage, error) {
	b, _, m, err := h.base(c, id, "changes", "change.new")
	if err != nil {
		return formPage{}, err
	}
	if !c.P.Can(m, access.ChangeRequest) {
		return formPage{}, apperr.ForbiddenErr()
	}
	vm := formPage{Base: b, PID: id, Manage: c.P.Can(m, access.ChangeManage), ShowCost: c.P.Can(m, access.CostView), Errors: map[string]string{}}
	bv, err := loadBoard(c.Context(), h.svc.db, id)
	if err != nil {
		return vm, apperr.Wrap(err)
	}
	vm.Board = bv.Configured
	// Requirements in scope, functions and tasks the caller may see.
	internal := c.P.Can(m, access.InternalView)
	rows, err := h.svc.db.Query(c.Context(), `SELECT id, number, title FROM requirements WHERE project_id = ? AND deleted_ms IS NULL
		AND status IN ('confirmed','implemented','accepted') AND (customer_visible = ? OR ?) ORDER BY number`, id, true, internal)
	if err != nil {
		return vm, apperr.Wrap(err)
	}
	for rows.Next() {
		var rid, n int64
		var t string
		if err := rows.Scan(&rid, &n, &t); err != nil {
			rows.Close()
			return vm, apperr.Wrap(err)
		}
		vm.Reqs = append(vm.Reqs, option{Value: strconv.FormatInt(rid, 10), Label: "REQ-" + pad3(n) + " " + t})
	}
	rows.Close()
	rows, err = h.svc.db.Query(c.Context(), `SELECT id, number, title FROM functions WHERE project_id = ? AND deleted_ms IS NULL ORDER BY number`, id)
	if err != nil {
		return vm, apperr.Wrap(err)
	}
	for rows.Next() {
		var fid, n int64
		var t string
		if err := rows.Scan(&fid, &n, &t); err != nil {
			rows.Close()
			return vm, apperr.Wrap(err)
		}
		vm.Funcs = append(vm.Funcs, option{Value: strconv.FormatInt(fid, 10), Label: "F-" + pad3(n) + " " + t})
	}
	rows.Close()
	rows, err = h.svc.db.Query(c.Context(), `SELECT id, number, title FROM tasks WHERE project_id = ? AND deleted_ms IS NULL AND (customer_visible = ? OR ?) ORDER BY number LIMIT 500`, id, true, internal)
	if err != nil {
		return vm, apperr.Wrap(err)
	}
	for rows.Next() {
		var tid, n int64
		var t string
		if err := rows.Scan(&tid, &n, &t); err != nil {
			rows.Close()
			return vm, apperr.Wrap(err)
		}
		vm.Tasks = append(vm.Tasks, option{Value: strconv.FormatInt(tid, 10), Label: "#" + strconv.FormatInt(n, 10) + " " + t})
	}
	rows.Close()
	for i := range 3 {
		vm.Items = append(vm.Items, itemForm{N: i})
	}
	for _, k := range FuncKinds {
		vm.Kinds = append(vm.Kinds, option{Value: k, Label: c.T("change.kind." + k)})
	}
	return vm, nil
}

func pad3(n int64) string {
	s := strconv.FormatInt(n, 10)
	for len(s) < 3 {
		s = "0" + s
	}
	return s
}

// New shows the form of a change request.
func (h *Web) New(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	vm, err := h.formPage(c, id)
	if err != nil {
		return err
	}
	vm.In.Urgency = "normal"
	return c.Render(http.StatusOK, "change/new.html", vm)
}

// Create saves the form; bad input re-renders it with the fields named.
func (h *Web) Create(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := CRInput{Title: c.FormValue("title"), Description: c.FormValue("description"), Reason: c.FormValue("reason"), Source: c.FormValue("source"),
		Urgency: c.FormValue("urgency"), Standard: c.FormValue("standard") == "1"}
	var fe apperr.Fields
	effort, ok := ParseTenths(c.FormValue("effort"))
	if !ok {
		fe.Add("effort_tenths", "change.bad_days")
	}
	in.EffortTenths = effort
	if s := strings.TrimSpace(c.FormValue("cost")); s != "" {
		v, err := money.Parse(s)
		if err != nil || v < 0 {
			fe.Add("cost_minor", "validate.money")
		}
		in.CostMinor = v
	}
	for _, t := range c.R.PostForm["task_ids"] {
		if n, err := strconv.ParseInt(t, 10, 64); err == nil {
			in.TaskIDs = append(in.TaskIDs, n)
		}
	}
	var forms []itemForm
	for i := range 3 {
		k := "item" + strconv.Itoa(i) + "_"
		f := itemForm{N: i, Target: c.FormValue(k + "target"), Op: c.FormValue(k + "op"), TargetID: c.FormValue(k + "target_id"),
			Title: c.FormValue(k + "title"), Priority: c.FormValue(k + "priority"), Kind: c.FormValue(k + "kind"), Effort: c.FormValue(k + "effort"),
			Description: c.FormValue(k + "description")}
		forms = append(forms, f)
		if f.Target == "" {
			continue
		}
		it := ItemInput{Target: f.Target, Op: f.Op}
		it.TargetID, _ = strconv.ParseInt(f.TargetID, 10, 64)
		if f.Target == "requirement" {
			it.Values = Values{Title: f.Title, Priority: f.Priority, Description: f.Description}
		} else {
			e, ok := ParseTenths(f.Effort)
			if !ok {
				fe.Add("items."+strconv.Itoa(len(in.Items))+".effort_tenths", "change.bad_days")
			}
			it.Values = Values{Name: f.Title, Kind: f.Kind, EffortTenths: e, Description: f.Description}
		}
		in.Items = append(in.Items, it)
	}
	var cr CR
	err = fe.Err()
	if err == nil {
		cr, err = h.svc.Create(c.Context(), c.P, id, in)
	}
	if err != nil {
		fields, msg, status, ok := failure(c, err)
		if !ok {
			return err
		}
		vm, perr := h.formPage(c, id)
		if perr != nil {
			return perr
		}
		vm.In, vm.Items, vm.Effort, vm.Cost = in, forms, c.FormValue("effort"), c.FormValue("cost")
		vm.SelTasks = map[string]bool{}
		for _, t := range c.R.PostForm["task_ids"] {
			vm.SelTasks[t] = true
		}
		vm.Errors, vm.Message = fields, msg
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if rest, ok := strings.CutPrefix(k, "items."); ok {
				n, field, _ := strings.Cut(rest, ".")
				i, _ := strconv.Atoi(n)
				vm.ItemErrs = append(vm.ItemErrs, c.T("change.item_n", i+1)+" · "+c.T("change.field."+field)+": "+fields[k])
			}
		}
		return c.Render(status, "change/new.html", vm)
	}
	c.Flash("change.created", cr.Code)
	return c.Redirect(h.svc.link(id, cr.ID))
}

type itemRow struct {
	Item
	OpText, TargetText, Summary string
}

type showPage struct {
	web.Base
	PID         int64
	CR          crRow
	Items       []itemRow
	Tally       Tally
	Members     []memberRow
	CanVote     bool
	CanClose    bool
	CanApprove  bool
	CanWithdraw bool
	Discussion  template.HTML
	RuleText    string
	Errors      map[string]string
	Message     string
	Votes       []voteRow
}

type memberRow struct {
	Name  string
	Chair bool
	Vote  string
}

type voteRow struct {
	VoteRow
	VoteText string
}

func (h *Web) showPage(c *web.Ctx, id, cid int64) (showPage, error) {
	b, _, m, err := h.base(c, id, "changes", "change.title")
	if err != nil {
		return showPage{}, err
	}
	cr, err := h.svc.Get(c.Context(), c.P, id, cid)
	if err != nil {
		return showPage{}, err
	}
	b.Title = cr.Code + " " + cr.Title
	vm := showPage{Base: b, PID: id, CR: h.row(c, cr), Tally: CountOf(cr.Board, ballots(cr.Votes)), Errors: map[string]string{},
		RuleText: c.T("change.rule."+string(cr.Board.Rule)) + " · " + c.T("change.quorum_n", cr.Board.Quorum)}
	voted := map[int64]string{}
	for _, v := range cr.Votes {
		voted[v.UserID] = c.T("change.vote." + string(v.Vote))
		vm.Votes = append(vm.Votes, voteRow{VoteRow: v, VoteText: c.T("change.vote." + string(v.Vote))})
	}
	ms, err := members(c.Context(), h.svc.db, id)
	if err != nil {
		return vm, apperr.Wrap(err)
	}
	names := map[int64]string{}
	for _, p := range ms {
		names[p.UserID] = p.Name
	}
	for _, u := range cr.Board.Members {
		vm.Members = append(vm.Members, memberRow{Name: names[u], Chair: u == cr.Board.Chair, Vote: voted[u]})
	}
	for _, it := range cr.Items {
		r := itemRow{Item: it, OpText: c.T("change.op." + it.Op), TargetText: c.T("change.target." + it.Target)}
		v := it.Values
		switch {
		case it.Op == "remove":
		case it.Target == "requirement":
			r.Summary = v.Title + " · " + c.T("change.priority."+v.Priority)
		default:
			r.Summary = v.Name + " · " + c.T("change.kind."+v.Kind) + " · " + FormatTenths(v.EffortTenths) + c.T("change.days_unit")
		}
		vm.Items = append(vm.Items, r)
	}
	open := cr.Open()
	_, hasVoted := voted[c.P.UserID]
	vm.CanVote = open && cr.Board.IsMember(c.P.UserID) && !hasVoted
	vm.CanClose = open && !cr.Standard && (c.P.Can(m, access.ChangeManage) || cr.Board.Chair == c.P.UserID)
	vm.CanApprove = open && cr.Standard && c.P.Can(m, access.ChangeManage)
	vm.CanWithdraw = open && (c.P.Can(m, access.ChangeManage) || (cr.RequestedBy == c.P.UserID && c.P.Can(m, access.ChangeRequest)))
	if h.panel != nil {
		if vm.Discussion, err = h.panel(c, discuss.Ref{Kind: DiscussKind, ID: cid, ProjectID: id}); err != nil {
			return vm, err
		}
	}
	return vm, nil
}

// Show renders one change request.
func (h *Web) Show(c *web.Ctx) error {
	id, cid, err := c.ProjectPathID("cid")
	if err != nil {
		return err
	}
	vm, err := h.showPage(c, id, cid)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "change/show.html", vm)
}

// act runs one action of the request page and answers with the page
// (refusals re-render it with the message, in the status of the error).
func (h *Web) act(c *web.Ctx, do func(id, cid int64) (CR, error), flash string) error {
	id, cid, err := c.ProjectPathID("cid")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	cr, err := do(id, cid)
	if err != nil {
		fields, msg, status, ok := failure(c, err)
		if !ok {
			return err
		}
		vm, perr := h.showPage(c, id, cid)
		if perr != nil {
			return perr
		}
		vm.Errors, vm.Message = fields, msg
		return c.Render(status, "change/show.html", vm)
	}
	c.Flash(flash, cr.Code, c.T("change.status."+cr.Status))
	return c.Redirect(h.svc.link(id, cid))
}

func version(c *web.Ctx) int64 {
	v, _ := strconv.ParseInt(c.FormValue("version"), 10, 64)
	return v
}

// Vote records the caller's vote.
func (h *Web) Vote(c *web.Ctx) error {
	return h.act(c, func(id, cid int64) (CR, error) {
		return h.svc.Vote(c.Context(), c.P, id, cid, VoteInput{Vote: Vote(c.FormValue("vote")), Comment: c.FormValue("comment")})
	}, "change.voted")
}

// Close ends the vote.
func (h *Web) Close(c *web.Ctx) error {
	return h.act(c, func(id, cid int64) (CR, error) {
		return h.svc.Close(c.Context(), c.P, id, cid, DecideInput{Note: c.FormValue("note"), Version: version(c)})
	}, "change.decided")
}

// Approve pre-approves a standard change.
func (h *Web) Approve(c *web.Ctx) error {
	return h.act(c, func(id, cid int64) (CR, error) {
		return h.svc.ApproveStandard(c.Context(), c.P, id, cid, DecideInput{Note: c.FormValue("note"), Version: version(c)})
	}, "change.decided")
}

// Withdraw takes a request back.
func (h *Web) Withdraw(c *web.Ctx) error {
	return h.act(c, func(id, cid int64) (CR, error) {
		return h.svc.Withdraw(c.Context(), c.P, id, cid, DecideInput{Note: c.FormValue("note"), Version: version(c)})
	}, "change.decided")
}

type boardPage struct {
	web.Base
	Tab       string
	PID       int64
	V         BoardView
	Rules     []option
	CanManage bool
	Errors    map[string]string
	Conflict  bool
	Message   string
	Chosen    map[int64]bool
	Signers   map[int64]bool
	RoleText  map[int64]string
}

func (h *Web) boardPage(c *web.Ctx, id int64) (boardPage, error) {
	b, _, m, err := h.base(c, id, "changes", "change.board")
	if err != nil {
		return boardPage{}, err
	}
	v, err := h.svc.Board(c.Context(), c.P, id)
	if err != nil {
		return boardPage{}, err
	}
	vm := boardPage{Base: b, Tab: "board", PID: id, V: v, CanManage: c.P.Can(m, access.ChangeManage), Errors: map[string]string{},
		Chosen: map[int64]bool{}, Signers: map[int64]bool{}, RoleText: map[int64]string{}}
	for _, u := range v.Board.Members {
		vm.Chosen[u] = true
	}
	for _, u := range v.Signers {
		vm.Signers[u] = true
	}
	for _, p := range v.Members {
		vm.RoleText[p.UserID] = c.T("role." + string(p.Role))
	}
	for _, r := range Rules {
		vm.Rules = append(vm.Rules, option{Value: string(r), Label: c.T("change.rule." + string(r)), Selected: r == v.Board.Rule})
	}
	return vm, nil
}

// Board shows the board and signers (the PM edits them).
func (h *Web) Board(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	vm, err := h.boardPage(c, id)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "change/board.html", vm)
}

func formIDs(vals []string) []int64 {
	var out []int64
	for _, v := range vals {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// SaveBoard saves the board form.
func (h *Web) SaveBoard(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := BoardInput{Members: formIDs(c.R.PostForm["members"]), Signers: formIDs(c.R.PostForm["signers"]), Rule: Rule(c.FormValue("rule")), Version: version(c)}
	in.Chair, _ = strconv.ParseInt(c.FormValue("chair"), 10, 64)
	in.Quorum, _ = strconv.Atoi(c.FormValue("quorum"))
	if _, err := h.svc.SaveBoard(c.Context(), c.P, id, in); err != nil {
		fields, msg, status, ok := failure(c, err)
		if !ok {
			return err
		}
		conflict := status == http.StatusConflict
		vm, perr := h.boardPage(c, id)
		if perr != nil {
			return perr
		}
		vm.Errors, vm.Conflict, vm.Message = fields, conflict, msg
		if !conflict {
			vm.V.Board = Board{Members: in.Members, Chair: in.Chair, Rule: in.Rule, Quorum: in.Quorum}
			vm.Chosen, vm.Signers = map[int64]bool{}, map[int64]bool{}
			for _, u := range in.Members {
				vm.Chosen[u] = true
			}
			for _, u := range in.Signers {
				vm.Signers[u] = true
			}
		}
		return c.Render(status, "change/board.html", vm)
	}
	c.Flash("change.board_saved")
	return c.Redirect("/projects/" + strconv.FormatInt(id, 10) + "/changes/board")
}

type logRow struct {
	LogEntry
	EventText string
}

type logPage struct {
	web.Base
	Tab  string
	PID  int64
	Rows []logRow
}

func (h *Web) logRows(c *web.Ctx, id int64) ([]logRow, error) {
	es, err := h.svc.Log(c.Context(), c.P, id)
	if err != nil {
		return nil, err
	}
	out := make([]logRow, len(es))
	for i, e := range es {
		out[i] = logRow{LogEntry: e, EventText: c.T("change.event." + e.Event)}
	}
	return out, nil
}

// Log is the project's change log (变更记录).
func (h *Web) Log(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	b, _, _, err := h.base(c, id, "changes", "change.log")
	if err != nil {
		return err
	}
	rows, err := h.logRows(c, id)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "change/log.html", logPage{Base: b, Tab: "log", PID: id, Rows: rows})
}

// LogExport writes the change log as .xlsx.
func (h *Web) LogExport(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	rows, err := h.logRows(c, id)
	if err != nil {
		return err
	}
	cols := []web.Column{{Header: c.T("change.col.time"), Kind: web.ColDateTime, Width: 16}, {Header: c.T("change.col.code"), Width: 10},
		{Header: c.T("change.col.event"), Width: 12}, {Header: c.T("change.col.summary"), Width: 50}, {Header: c.T("change.col.actor"), Width: 12}}
	i := 0
	return web.ServeXLSX(c.W, "change-log-"+strconv.FormatInt(id, 10)+".xlsx", c.T("change.log"), cols, func() ([]any, bool, error) {
		if i >= len(rows) {
			return nil, false, nil
		}
		r := rows[i]
		i++
		return []any{r.CreatedMS, r.CRCode, r.EventText, r.Summary, r.Actor}, true, nil
	})
}

// ---- baselines ----

type baselineRow struct {
	Baseline
	StatusText string
	Effort     string
	SignedBy   string
}

func (h *Web) baselineRow(c *web.Ctx, b Baseline) baselineRow {
	r := baselineRow{Baseline: b, StatusText: c.T("change.bstatus." + b.Status), Effort: FormatTenths(b.EffortTenths)}
	var names []string
	for _, s := range b.Signers {
		if s.SignedMS != nil {
			names = append(names, s.Name)
		}
	}
	r.SignedBy = strings.Join(names, "、")
	return r
}

type baselinesPage struct {
	web.Base
	PID       int64
	Rows      []baselineRow
	CanManage bool
	In        BaselineInput
	Errors    map[string]string
	Message   string
	From, To  int64
}

func (h *Web) baselinesPage(c *web.Ctx, id int64) (baselinesPage, error) {
	b, pr, m, err := h.base(c, id, "baselines", "change.baselines")
	if err != nil {
		return baselinesPage{}, err
	}
	bs, err := h.svc.Baselines(c.Context(), c.P, id)
	if err != nil {
		return baselinesPage{}, err
	}
	vm := baselinesPage{Base: b, PID: id, CanManage: c.P.Can(m, access.ChangeManage), Errors: map[string]string{},
		In: BaselineInput{Title: pr.Name + " " + c.T("change.doc_title")}}
	for _, x := range bs {
		vm.Rows = append(vm.Rows, h.baselineRow(c, x))
	}
	if len(bs) >= 2 {
		vm.From, vm.To = bs[1].ID, bs[0].ID
	}
	return vm, nil
}

// Baselines lists the Requirements Confirmation versions.
func (h *Web) Baselines(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	vm, err := h.baselinesPage(c, id)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "change/baselines.html", vm)
}

// CreateBaseline assembles the next version from the pool.
func (h *Web) CreateBaseline(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := BaselineInput{Title: c.FormValue("title"), Note: c.FormValue("note")}
	b, err := h.svc.CreateBaseline(c.Context(), c.P, id, in)
	if err != nil {
		fields, msg, status, ok := failure(c, err)
		if !ok {
			return err
		}
		vm, perr := h.baselinesPage(c, id)
		if perr != nil {
			return perr
		}
		vm.In, vm.Errors, vm.Message = in, fields, msg
		return c.Render(status, "change/baselines.html", vm)
	}
	c.Flash("change.baseline_created", b.Label)
	return c.Redirect(h.baselineLink(id, b.ID))
}

func (h *Web) baselineLink(id, bid int64) string {
	return "/projects/" + strconv.FormatInt(id, 10) + "/confirmations/" + strconv.FormatInt(bid, 10)
}

type docReq struct {
	Req
	PriorityText string
	Funcs        string
}

type docFunc struct {
	Func
	KindText string
	Effort   string
}

type docPage struct {
	web.Base
	PID         int64
	B           baselineRow
	Reqs        []docReq
	Funcs       []docFunc
	Signers     []signerRow
	Me          *Signer
	CanManage   bool
	Errors      map[string]string
	Message     string
	ProjectName string
	Customer    string
	Effort      string
}

type signerRow struct {
	Signer
	When string
}

func (h *Web) docPage(c *web.Ctx, id, bid int64) (docPage, error) {
	b, pr, m, err := h.base(c, id, "baselines", "change.baselines")
	if err != nil {
		return docPage{}, err
	}
	bl, err := h.svc.GetBaseline(c.Context(), c.P, id, bid)
	if err != nil {
		return docPage{}, err
	}
	b.Title = bl.Title + " " + bl.Label
	vm := docPage{Base: b, PID: id, B: h.baselineRow(c, bl), CanManage: c.P.Can(m, access.ChangeManage), Errors: map[string]string{},
		ProjectName: pr.Name, Customer: pr.CustomerName, Effort: FormatTenths(bl.EffortTenths)}
	for _, r := range bl.Content.Requirements {
		vm.Reqs = append(vm.Reqs, docReq{Req: r, PriorityText: c.T("change.priority." + r.Priority), Funcs: strings.Join(bl.Content.FuncsOf(r.Number), ", ")})
	}
	for _, f := range bl.Content.Functions {
		vm.Funcs = append(vm.Funcs, docFunc{Func: f, KindText: c.T("change.kind." + f.Kind), Effort: FormatTenths(f.EffortTenths)})
	}
	for _, s := range bl.Signers {
		r := signerRow{Signer: s}
		if s.SignedMS != nil {
			r.When = dayTime(*s.SignedMS)
		}
		vm.Signers = append(vm.Signers, r)
		if s.UserID == c.P.UserID && s.SignedMS == nil {
			me := s
			vm.Me = &me
		}
	}
	return vm, nil
}

// Baseline renders the printable Requirements Confirmation document.
func (h *Web) Baseline(c *web.Ctx) error {
	id, bid, err := c.ProjectPathID("bid")
	if err != nil {
		return err
	}
	vm, err := h.docPage(c, id, bid)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "change/baseline.html", vm)
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Sign records the caller's signature.
func (h *Web) Sign(c *web.Ctx) error {
	id, bid, err := c.ProjectPathID("bid")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	b, err := h.svc.Sign(c.Context(), c.P, id, bid, SignInput{SHA256: c.FormValue("sha256")}, clientIP(c.R))
	if err != nil {
		return h.docFailure(c, id, bid, err)
	}
	c.Flash("change.signed", b.Label)
	return c.Redirect(h.baselineLink(id, bid))
}

func (h *Web) docFailure(c *web.Ctx, id, bid int64, err error) error {
	fields, msg, status, ok := failure(c, err)
	if !ok {
		return err
	}
	vm, perr := h.docPage(c, id, bid)
	if perr != nil {
		return perr
	}
	vm.Errors, vm.Message = fields, msg
	return c.Render(status, "change/baseline.html", vm)
}

// UpdateBaseline edits a draft (title, note, refresh from the pool).
func (h *Web) UpdateBaseline(c *web.Ctx) error {
	id, bid, err := c.ProjectPathID("bid")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	b, err := h.svc.UpdateBaseline(c.Context(), c.P, id, bid, BaselineInput{Title: c.FormValue("title"), Note: c.FormValue("note"), Refresh: c.FormValue("refresh") == "1", Version: version(c)})
	if err != nil {
		return h.docFailure(c, id, bid, err)
	}
	c.Flash("change.baseline_saved", b.Label)
	return c.Redirect(h.baselineLink(id, bid))
}

// BaselineExport writes a baseline as .xlsx: requirements, then functions.
func (h *Web) BaselineExport(c *web.Ctx) error {
	id, bid, err := c.ProjectPathID("bid")
	if err != nil {
		return err
	}
	b, err := h.svc.GetBaseline(c.Context(), c.P, id, bid)
	if err != nil {
		return err
	}
	cols := []web.Column{{Header: c.T("change.col.number"), Width: 10}, {Header: c.T("change.col.item"), Width: 36}, {Header: c.T("change.col.kind"), Width: 12},
		{Header: c.T("change.col.detail"), Width: 50}, {Header: c.T("change.col.effort"), Width: 10}, {Header: c.T("change.col.functions"), Width: 20}}
	var rows [][]any
	for _, r := range b.Content.Requirements {
		rows = append(rows, []any{r.Number, r.Title, c.T("change.priority." + r.Priority), r.Description, "", strings.Join(b.Content.FuncsOf(r.Number), ", ")})
	}
	for _, f := range b.Content.Functions {
		rows = append(rows, []any{f.Number, f.Name, c.T("change.kind." + f.Kind), f.Description, FormatTenths(f.EffortTenths), ""})
	}
	rows = append(rows, []any{"SHA-256", b.SHA256, b.Label, "", "", ""})
	i := 0
	return web.ServeXLSX(c.W, "requirements-"+b.Label+".xlsx", b.Label, cols, func() ([]any, bool, error) {
		if i >= len(rows) {
			return nil, false, nil
		}
		i++
		return rows[i-1], true, nil
	})
}

type diffRow struct {
	ItemDiff
	OpText, KindText string
	Fields           []fieldRow
}

type fieldRow struct {
	Label, Before, After string
}

type diffPage struct {
	web.Base
	PID      int64
	A, B     baselineRow
	Rows     []diffRow
	Versions []option
	FromOpts []option
	ToOpts   []option
}

// Diff shows what changed between two versions, field by field.
func (h *Web) Diff(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	from, to, err := diffRange(c)
	if err != nil {
		return err
	}
	b, _, _, err := h.base(c, id, "baselines", "change.diff")
	if err != nil {
		return err
	}
	a, bb, d, err := h.svc.DiffBaselines(c.Context(), c.P, id, from, to)
	if err != nil {
		return err
	}
	vm := diffPage{Base: b, PID: id, A: h.baselineRow(c, a), B: h.baselineRow(c, bb)}
	all, err := h.svc.Baselines(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	for _, x := range all {
		vm.FromOpts = append(vm.FromOpts, option{Value: strconv.FormatInt(x.ID, 10), Label: x.Label, Selected: x.ID == from})
		vm.ToOpts = append(vm.ToOpts, option{Value: strconv.FormatInt(x.ID, 10), Label: x.Label, Selected: x.ID == to})
	}
	for _, r := range d {
		dr := diffRow{ItemDiff: r, OpText: c.T("change.diff." + r.Op), KindText: c.T("change.target." + r.Kind)}
		for _, f := range r.Fields {
			before, after := f.Before, f.After
			if f.Field == "priority" {
				before, after = c.T("change.priority."+before), c.T("change.priority."+after)
			}
			if f.Field == "kind" {
				before, after = c.T("change.kind."+before), c.T("change.kind."+after)
			}
			dr.Fields = append(dr.Fields, fieldRow{Label: c.T("change.field." + f.Field), Before: before, After: after})
		}
		vm.Rows = append(vm.Rows, dr)
	}
	return c.Render(http.StatusOK, "change/diff.html", vm)
}

// failure turns a refusal into what a re-rendered page shows: field
// messages, the overall message in the caller's language, and the status
// (400, 403, 409). ok is false for anything else (not found, internal),
// which becomes the error page.
func failure(c *web.Ctx, err error) (fields map[string]string, msg string, status int, ok bool) {
	ae := apperr.As(err)
	if ae == nil {
		return nil, "", 0, false
	}
	switch ae.Code {
	case apperr.Invalid, apperr.Conflict, apperr.Forbidden:
	default:
		return nil, "", 0, false
	}
	fields = c.FieldErrors(err)
	if fields == nil {
		fields = map[string]string{}
	}
	return fields, c.T(ae.Key, ae.Args...), web.Status(ae.Code), true
}

func dayTime(ms int64) string { return time.UnixMilli(ms).In(web.China).Format("2006-01-02 15:04") }
