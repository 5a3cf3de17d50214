package methodology

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/project"
	"golive/internal/web"
)

type stkPage struct {
	web.Base
	P        project.Project
	Items    []Stakeholder
	Resps    []respView
	Internal bool
	CanEdit  bool
	Members  []project.Member
	In       StakeholderInput
	Errors   map[string]string
	RespIn   ResponsibilityInput
	RespErr  map[string]string
	RespID   int64 // the row whose edit failed
	Scale    []int
}

var scale = []int{1, 2, 3, 4, 5}

type respView struct {
	R        Responsibility
	Warnings []string
}

func (h *Web) stkPage(c *web.Ctx) (stkPage, error) {
	pr, m, base, err := h.proj(c, "stakeholders", "nav.stakeholders")
	if err != nil {
		return stkPage{}, err
	}
	vm := stkPage{Base: base, P: pr, Internal: c.P.Can(m, access.InternalView), CanEdit: c.P.Can(m, access.StakeholderEdit) && pr.Status == project.StatusActive,
		In: StakeholderInput{Side: SideCustomer, Influence: 3, Interest: 3}, RespIn: ResponsibilityInput{Side: SideCustomer}, Scale: scale}
	if vm.Items, err = h.svc.Stakeholders(c.Context(), c.P, pr.ID); err != nil {
		return vm, err
	}
	rs, err := h.svc.Responsibilities(c.Context(), c.P, pr.ID)
	if err != nil {
		return vm, err
	}
	for _, r := range rs {
		rv := respView{R: r}
		for _, w := range r.Warnings {
			rv.Warnings = append(rv.Warnings, c.T("meth.resp.warn."+w))
		}
		vm.Resps = append(vm.Resps, rv)
	}
	if vm.CanEdit {
		vm.Members, err = h.projects.Members(c.Context(), c.P, pr.ID)
	}
	return vm, err
}

// Stakeholders shows the register and the A/B table.
func (h *Web) Stakeholders(c *web.Ctx) error {
	vm, err := h.stkPage(c)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "methodology/stakeholders.html", vm)
}

func stakeholderForm(c *web.Ctx) StakeholderInput {
	in := StakeholderInput{Side: c.FormValue("side"), Name: c.FormValue("name"), Company: c.FormValue("company"), JobTitle: c.FormValue("job_title"),
		Phone: c.FormValue("phone"), Email: c.FormValue("email"), IMID: c.FormValue("im_id"), Influence: formInt(c, "influence"), Interest: formInt(c, "interest"),
		Expectations: c.FormValue("expectations"), Notes: c.FormValue("notes"), Left: c.FormValue("left") == "1", UserID: formID(c, "user_id")}
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	return in
}

// CreateStakeholder adds an entry to the register.
func (h *Web) CreateStakeholder(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := stakeholderForm(c)
	if _, err := h.svc.SaveStakeholder(c.Context(), c.P, id, 0, in); err != nil {
		fe, _, status, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		vm, verr := h.stkPage(c)
		if verr != nil {
			return verr
		}
		vm.In, vm.Errors = in, fe
		return c.Render(status, "methodology/stakeholders.html", vm)
	}
	c.Flash("meth.stk.created", in.Name)
	return c.Redirect(projURL(id, "/stakeholders"))
}

type stkEditPage struct {
	web.Base
	P        project.Project
	S        Stakeholder
	In       StakeholderInput
	Members  []project.Member
	Errors   map[string]string
	Conflict bool
	Scale    []int
}

func (h *Web) stkEditPage(c *web.Ctx) (stkEditPage, error) {
	pr, m, base, err := h.proj(c, "stakeholders", "meth.stk.edit")
	if err != nil {
		return stkEditPage{}, err
	}
	sid, err := c.PathID("sid")
	if err != nil {
		return stkEditPage{}, err
	}
	st, err := h.svc.Stakeholder(c.Context(), c.P, pr.ID, sid)
	if err != nil {
		return stkEditPage{}, err
	}
	if !c.P.Can(m, access.StakeholderEdit) {
		return stkEditPage{}, apperr.ForbiddenErr()
	}
	vm := stkEditPage{Base: base, P: pr, S: st, In: StakeholderInput{Side: st.Side, Name: st.Name, Company: st.Company, JobTitle: st.JobTitle, Phone: st.Phone,
		Email: st.Email, IMID: st.IMID, Left: st.Left, Version: st.Version, Influence: 3, Interest: 3}, Scale: scale}
	if st.UserID != nil {
		vm.In.UserID = *st.UserID
	}
	if st.Influence != nil {
		vm.In.Influence, vm.In.Interest, vm.In.Expectations, vm.In.Notes = *st.Influence, *st.Interest, *st.Expectations, *st.Notes
	}
	vm.Members, err = h.projects.Members(c.Context(), c.P, pr.ID)
	return vm, err
}

// EditStakeholder shows an entry's form.
func (h *Web) EditStakeholder(c *web.Ctx) error {
	vm, err := h.stkEditPage(c)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "methodology/stakeholder.html", vm)
}

// UpdateStakeholder saves an entry.
func (h *Web) UpdateStakeholder(c *web.Ctx) error {
	id, sid, err := c.ProjectPathID("sid")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := stakeholderForm(c)
	if _, err := h.svc.SaveStakeholder(c.Context(), c.P, id, sid, in); err != nil {
		fe, conflict, status, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		vm, verr := h.stkEditPage(c)
		if verr != nil {
			return verr
		}
		vm.In, vm.Errors, vm.Conflict = in, fe, conflict
		return c.Render(status, "methodology/stakeholder.html", vm)
	}
	c.Flash("meth.stk.saved", in.Name)
	return c.Redirect(projURL(id, "/stakeholders"))
}

// DeleteStakeholder removes an entry.
func (h *Web) DeleteStakeholder(c *web.Ctx) error {
	id, sid, err := c.ProjectPathID("sid")
	if err != nil {
		return err
	}
	if err := h.svc.DeleteStakeholder(c.Context(), c.P, id, sid); err != nil {
		return err
	}
	c.Flash("meth.stk.deleted")
	return c.Redirect(projURL(id, "/stakeholders"))
}

// ExportStakeholders streams the register as .xlsx; the vendor's
// assessment columns are there only for vendor staff.
func (h *Web) ExportStakeholders(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	pr, m, err := h.projects.Get(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	items, err := h.svc.Stakeholders(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	internal := c.P.Can(m, access.InternalView)
	cols := []web.Column{
		{Header: c.T("field.side"), Kind: web.ColText}, {Header: c.T("field.name"), Kind: web.ColText}, {Header: c.T("field.company"), Kind: web.ColText, Width: 24},
		{Header: c.T("field.job_title"), Kind: web.ColText}, {Header: c.T("field.phone"), Kind: web.ColText}, {Header: c.T("field.email"), Kind: web.ColText, Width: 26},
		{Header: c.T("field.im_id"), Kind: web.ColText}, {Header: c.T("field.left"), Kind: web.ColText},
	}
	if internal {
		cols = append(cols, web.Column{Header: c.T("field.influence"), Kind: web.ColInt}, web.Column{Header: c.T("field.interest"), Kind: web.ColInt},
			web.Column{Header: c.T("field.expectations"), Kind: web.ColText, Width: 40}, web.Column{Header: c.T("field.notes"), Kind: web.ColText, Width: 40})
	}
	i := 0
	next := func() ([]any, bool, error) {
		if i >= len(items) {
			return nil, false, nil
		}
		s := items[i]
		i++
		left := ""
		if s.Left {
			left = c.T("meth.stk.left")
		}
		row := []any{c.T("meth.side." + s.Side), s.Name, s.Company, s.JobTitle, s.Phone, s.Email, s.IMID, left}
		if internal {
			row = append(row, *s.Influence, *s.Interest, *s.Expectations, *s.Notes)
		}
		return row, true, nil
	}
	return web.ServeXLSX(c.W, pr.Code+"-"+c.T("nav.stakeholders")+".xlsx", c.T("nav.stakeholders"), cols, next)
}

func respForm(c *web.Ctx) ResponsibilityInput {
	in := ResponsibilityInput{Side: c.FormValue("side"), Name: c.FormValue("name"), PrimaryID: formID(c, "primary_id"), BackupID: formID(c, "backup_id")}
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	return in
}

// SaveResponsibility creates (no rid in the path) or edits a
// responsibility of the A/B table.
func (h *Web) SaveResponsibility(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	var rid int64
	if c.R.PathValue("rid") != "" {
		if rid, err = c.PathID("rid"); err != nil {
			return err
		}
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := respForm(c)
	if _, err := h.svc.SaveResponsibility(c.Context(), c.P, id, rid, in); err != nil {
		fe, conflict, status, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		if conflict {
			fe = map[string]string{"version": c.T("error.conflict")}
		}
		vm, verr := h.stkPage(c)
		if verr != nil {
			return verr
		}
		vm.RespIn, vm.RespErr, vm.RespID = in, fe, rid
		return c.Render(status, "methodology/stakeholders.html", vm)
	}
	c.Flash("meth.resp.saved", in.Name)
	return c.Redirect(projURL(id, "/stakeholders#ab"))
}

// DeleteResponsibility removes a responsibility.
func (h *Web) DeleteResponsibility(c *web.Ctx) error {
	id, rid, err := c.ProjectPathID("rid")
	if err != nil {
		return err
	}
	if err := h.svc.DeleteResponsibility(c.Context(), c.P, id, rid); err != nil {
		return err
	}
	c.Flash("meth.resp.deleted")
	return c.Redirect(projURL(id, "/stakeholders#ab"))
}

// RACI.

type partyView struct {
	Key   string
	Label string
	Side  string
	Gone  bool
}

type raciPage struct {
	web.Base
	P        project.Project
	Parties  []partyView
	Rows     []raciView
	CanEdit  bool
	Edit     bool
	Extra    []partyView // stakeholders that can be added as columns
	Problems []string
	Conflict bool
	NewName  string
	NewA     string
	NewErr   map[string]string
	Letters  []string
}

type raciView struct {
	A     RACIActivity
	Cells []string // letters in Parties order
	Err   string
}

func partyLabel(c *web.Ctx, p Party) string {
	if p.Role != "" {
		return c.T("role." + string(p.Role))
	}
	return p.Name
}

func (h *Web) raciPage(c *web.Ctx, edit bool, extra []string) (raciPage, error) {
	pr, m, base, err := h.proj(c, "raci", "nav.raci")
	if err != nil {
		return raciPage{}, err
	}
	vm := raciPage{Base: base, P: pr, CanEdit: c.P.Can(m, access.MethodologyEdit) && pr.Status == project.StatusActive, Letters: RACILetters}
	if edit && !vm.CanEdit {
		return vm, apperr.ForbiddenErr()
	}
	vm.Edit = edit
	mx, err := h.svc.Matrix(c.Context(), c.P, pr.ID)
	if err != nil {
		return vm, err
	}
	have := map[string]bool{}
	for _, p := range mx.Parties {
		vm.Parties = append(vm.Parties, partyView{Key: p.Key, Label: partyLabel(c, p), Side: p.Side, Gone: p.Gone})
		have[p.Key] = true
	}
	if edit {
		// Every role is a column while editing; stakeholders on request.
		for _, r := range RACIRoles {
			if k := "role:" + string(r); !have[k] {
				vm.Parties = append(vm.Parties, partyView{Key: k, Label: c.T("role." + string(r)), Side: roleSide(r)})
				have[k] = true
			}
		}
		stks, err := h.svc.Stakeholders(c.Context(), c.P, pr.ID)
		if err != nil {
			return vm, err
		}
		for _, s := range stks {
			k := "stakeholder:" + itoa(s.ID)
			pv := partyView{Key: k, Label: s.Name, Side: s.Side, Gone: s.Left}
			switch {
			case have[k]:
			case containsStr(extra, k):
				vm.Parties = append(vm.Parties, pv)
				have[k] = true
			case !s.Left:
				vm.Extra = append(vm.Extra, pv)
			}
		}
	}
	// Customer columns after the vendor's, in a stable order.
	sort.SliceStable(vm.Parties, func(i, j int) bool { return vm.Parties[i].Side == SideVendor && vm.Parties[j].Side == SideCustomer })
	for _, a := range mx.Activities {
		rv := raciView{A: a}
		for _, p := range vm.Parties {
			rv.Cells = append(rv.Cells, a.Cells[p.Key])
		}
		vm.Rows = append(vm.Rows, rv)
	}
	return vm, nil
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// RACI shows the matrix (one printable page); ?edit=1 opens the editor
// for the PM, &add=stakeholder:N adds a stakeholder column.
func (h *Web) RACI(c *web.Ctx) error {
	q := c.R.URL.Query()
	vm, err := h.raciPage(c, q.Get("edit") == "1", q["add"])
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "methodology/raci.html", vm)
}

// SaveRACI saves the whole matrix editor: cells named cell_<activity>_<n>
// with the party key in party_<n>. Any invalid row stops the save and
// every invalid row is marked.
func (h *Web) SaveRACI(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	parties := c.R.PostForm["party"]
	var rows []MatrixRow
	for _, s := range c.R.PostForm["activity"] {
		aid, err := strconv.ParseInt(s, 10, 64)
		if err != nil || aid <= 0 {
			return apperr.NotFoundErr()
		}
		in := RACIInput{Name: c.FormValue("name_" + s), Cells: map[string]string{}}
		in.Version, _ = strconv.ParseInt(c.FormValue("version_"+s), 10, 64)
		for i, party := range parties {
			if l := strings.TrimSpace(c.FormValue("cell_" + s + "_" + strconv.Itoa(i))); l != "" {
				in.Cells[party] = l
			}
		}
		rows = append(rows, MatrixRow{ID: aid, Input: in})
	}
	probs, err := h.svc.SaveMatrix(c.Context(), c.P, id, rows)
	if err != nil {
		_, conflict, status, ok := c.FormFailure(err)
		if !ok && len(probs) == 0 {
			return err
		}
		if status == 0 {
			status = http.StatusBadRequest
		}
		vm, verr := h.raciPage(c, true, parties)
		if verr != nil {
			return verr
		}
		vm.Conflict = conflict
		// Show what was typed, with each row's problem on it.
		byID := map[int64]MatrixRow{}
		for _, r := range rows {
			byID[r.ID] = r
		}
		msgs := map[int64]string{}
		for _, p := range probs {
			e := apperr.As(p.Err)
			msg := c.T(e.Key, e.Args...)
			for _, fm := range c.FieldErrors(p.Err) {
				msg = fm
			}
			msgs[p.ActivityID] = msg
			vm.Problems = append(vm.Problems, msg)
		}
		for i := range vm.Rows {
			r, ok := byID[vm.Rows[i].A.ID]
			if !ok {
				continue
			}
			vm.Rows[i].A.Name = r.Input.Name
			for j, p := range vm.Parties {
				vm.Rows[i].Cells[j] = strings.ToUpper(r.Input.Cells[p.Key])
			}
			vm.Rows[i].Err = msgs[r.ID]
		}
		return c.Render(status, "methodology/raci.html", vm)
	}
	c.Flash("meth.raci.saved")
	return c.Redirect(projURL(id, "/raci"))
}

// AddActivity adds a row with its accountable party.
func (h *Web) AddActivity(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := RACIInput{Name: c.FormValue("name"), Cells: map[string]string{}}
	if a := strings.TrimSpace(c.FormValue("accountable")); a != "" {
		in.Cells[a] = "A"
	}
	if _, err := h.svc.SaveActivity(c.Context(), c.P, id, 0, in); err != nil {
		fe, _, status, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		vm, verr := h.raciPage(c, true, nil)
		if verr != nil {
			return verr
		}
		vm.NewName, vm.NewA, vm.NewErr = in.Name, c.FormValue("accountable"), fe
		return c.Render(status, "methodology/raci.html", vm)
	}
	c.Flash("meth.raci.added", in.Name)
	return c.Redirect(projURL(id, "/raci?edit=1"))
}

// DeleteActivity removes a row.
func (h *Web) DeleteActivity(c *web.Ctx) error {
	id, aid, err := c.ProjectPathID("aid")
	if err != nil {
		return err
	}
	if err := h.svc.DeleteActivity(c.Context(), c.P, id, aid); err != nil {
		return err
	}
	c.Flash("meth.raci.deleted")
	return c.Redirect(projURL(id, "/raci?edit=1"))
}
