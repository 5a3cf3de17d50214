package project

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/auth"
	"golive/internal/db"
	"golive/internal/money"
	"golive/internal/web"
)

//go:embed views/*.html
var viewFS embed.FS

// Views returns the module's templates for registration.
func Views() fs.FS { v, _ := fs.Sub(viewFS, "views"); return v }

// Web holds the HTML handlers.
type Web struct {
	svc      *Service
	accounts *auth.Service
}

func NewWeb(svc *Service, accounts *auth.Service) *Web { return &Web{svc: svc, accounts: accounts} }

// ProjectBase fills the sidebar and breadcrumbs for a page of project pr.
func ProjectBase(c *web.Ctx, pr Project, section, titleKey string) web.Base {
	b := c.Base(titleKey)
	b.Project = &web.ProjectNav{ID: pr.ID, Code: pr.Code, Name: pr.Name, Items: c.ProjectNav(access.Membership{ProjectID: pr.ID, Role: pr.MyRole, Member: pr.MyRole != ""})}
	b.Section = section
	b.Crumbs = []web.Crumb{{Label: c.T("nav.projects"), Href: "/projects"}, {Label: pr.Name, Href: "/projects/" + strconv.FormatInt(pr.ID, 10)}}
	if section != "overview" {
		b.Crumbs = append(b.Crumbs, web.Crumb{Label: b.Title})
		b.Title = b.Title + " · " + pr.Name
	} else {
		b.Title = pr.Name
	}
	return b
}

type listPage struct {
	web.Base
	Items     []listRow
	Filter    ListFilter
	Pager     web.Pager
	CanCreate bool
	ShowCost  bool
}

// listRow carries a row's translated labels, looked up in Go rather than
// with {{$.T (print …)}} in every row. P is a named field, not embedded:
// text/template finds a promoted field by a slow search on every access.
type listRow struct {
	P           Project
	Active      bool
	StatusLabel string
	RoleLabel   string
	ShowCost    bool
	HTML        template.HTML // the rendered row
}

// rowCache holds rendered list rows. Escaping ~13 values per row was most
// of the list page's cost; the key holds every value the row shows, so a
// cached row is never stale.
var rowCache = web.NewFragmentCache(20000)

func rowKey(c *web.Ctx, r listRow) string {
	p := r.P
	var b strings.Builder
	b.Grow(128)
	b.WriteString(string(c.Lang))
	for _, v := range []int64{p.ID, p.Version, int64(p.MemberCount)} {
		b.WriteByte('|')
		b.WriteString(strconv.FormatInt(v, 10))
	}
	for _, s := range []string{p.Code, p.Name, p.CustomerName, p.Product, p.Status, p.GoLiveDate, r.RoleLabel} {
		b.WriteByte('|')
		b.WriteString(s)
	}
	if r.ShowCost {
		b.WriteString("|$")
		if p.BudgetMinor != nil {
			b.WriteString(strconv.FormatInt(*p.BudgetMinor, 10))
		}
	}
	return b.String()
}

func (h *Web) List(c *web.Ctx) error {
	f := ListFilter{Q: c.R.URL.Query().Get("q"), Status: c.R.URL.Query().Get("status"), Sort: c.R.URL.Query().Get("sort")}
	if f.Status != StatusArchived && f.Status != "all" {
		f.Status = StatusActive
	}
	if f.Status == "all" {
		f.Status = ""
	}
	page := c.PageParam(50, 200)
	items, total, err := h.svc.List(c.Context(), c.P, f, page)
	if err != nil {
		return err
	}
	vm := listPage{Base: c.Base("projects.title"), Items: make([]listRow, len(items)), Filter: f, Pager: c.NewPager(page, total), CanCreate: c.P.CanCreateProject()}
	vm.Section = "projects"
	vm.Crumbs = []web.Crumb{{Label: c.T("nav.projects")}}
	for _, it := range items {
		if it.BudgetMinor != nil {
			vm.ShowCost = true
		}
	}
	for i, it := range items {
		r := listRow{P: it, Active: it.Status == StatusActive, StatusLabel: c.T("status." + it.Status), ShowCost: vm.ShowCost}
		if it.MyRole != "" {
			r.RoleLabel = c.T("role." + string(it.MyRole))
		}
		h, err := rowCache.Get(c, rowKey(c, r), "project/_row.html", r)
		if err != nil {
			return err
		}
		r.HTML = h
		vm.Items[i] = r
	}
	return c.Render(http.StatusOK, "project/list.html", vm)
}

// Export streams the visible projects as .xlsx. Budget is a column only
// for callers who see it on at least the export's rows.
func (h *Web) Export(c *web.Ctx) error {
	f := ListFilter{Q: c.R.URL.Query().Get("q"), Status: c.R.URL.Query().Get("status")}
	if f.Status == "all" {
		f.Status = ""
	}
	cols := []web.Column{
		{Header: c.T("field.code"), Kind: web.ColText}, {Header: c.T("field.name"), Kind: web.ColText, Width: 30},
		{Header: c.T("field.customer_company_id"), Kind: web.ColText, Width: 24}, {Header: c.T("field.product"), Kind: web.ColText},
		{Header: c.T("field.status"), Kind: web.ColText}, {Header: c.T("field.start_date"), Kind: web.ColDate},
		{Header: c.T("field.golive_date"), Kind: web.ColDate}, {Header: c.T("projects.members"), Kind: web.ColInt},
		{Header: c.T("field.updated"), Kind: web.ColDateTime},
	}
	// The column is there only for people who can see a budget somewhere;
	// rows of projects where they cannot stay blank.
	canCost := h.svc.SeesAnyCost(c.Context(), c.P)
	if canCost {
		cols = append(cols, web.Column{Header: c.T("field.budget"), Kind: web.ColMoney})
	}
	// Pages of 200 keep memory flat however many projects there are.
	var buf []Project
	page, done := 0, false
	next := func() ([]any, bool, error) {
		if len(buf) == 0 && !done {
			page++
			items, _, err := h.svc.List(c.Context(), c.P, f, db.Page{Number: page, Size: 200})
			if err != nil {
				return nil, false, err
			}
			buf, done = items, len(items) < 200
		}
		if len(buf) == 0 {
			return nil, false, nil
		}
		p := buf[0]
		buf = buf[1:]
		row := []any{p.Code, p.Name, p.CustomerName, p.Product, c.T("status." + p.Status), p.StartDate, p.GoLiveDate, p.MemberCount, p.UpdatedMS}
		if canCost {
			var b any
			if p.BudgetMinor != nil {
				b = *p.BudgetMinor
			}
			row = append(row, b)
		}
		return row, true, nil
	}
	name := c.T("projects.title") + "-" + time.Now().In(web.China).Format("2006-01-02") + ".xlsx"
	return web.ServeXLSX(c.W, name, c.T("projects.title"), cols, next)
}

type formPage struct {
	web.Base
	In        Input
	Budget    string
	Customers []auth.Company
	Products  []string
	Errors    map[string]string
	Conflict  bool
	Edit      bool
	ID        int64
	ShowCost  bool
}

func (h *Web) customers(c *web.Ctx) ([]auth.Company, error) {
	all, err := h.accounts.ListCompanies(c.Context(), c.P)
	if err != nil {
		return nil, err
	}
	var out []auth.Company
	for _, co := range all {
		if co.Kind == "customer" {
			out = append(out, co)
		}
	}
	return out, nil
}

func (h *Web) New(c *web.Ctx) error {
	if !c.P.CanCreateProject() {
		return apperr.ForbiddenErr()
	}
	custs, err := h.customers(c)
	if err != nil {
		return err
	}
	vm := formPage{Base: c.Base("projects.new"), Customers: custs, Products: Products, ShowCost: true, In: Input{Product: "ERP"}}
	vm.Section = "projects"
	vm.Crumbs = []web.Crumb{{Label: c.T("nav.projects"), Href: "/projects"}, {Label: vm.Title}}
	return c.Render(http.StatusOK, "project/form.html", vm)
}

func formInput(c *web.Ctx) Input {
	in := Input{
		Code: c.FormValue("code"), Name: c.FormValue("name"), Product: c.FormValue("product"),
		Description: c.FormValue("description"), StartDate: c.FormValue("start_date"), GoLiveDate: c.FormValue("golive_date"),
	}
	in.CustomerCompanyID, _ = strconv.ParseInt(c.FormValue("customer_company_id"), 10, 64)
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	if _, ok := c.R.PostForm["budget"]; ok {
		in.SetBudgetText(c.FormValue("budget"))
	}
	return in
}

func (h *Web) Create(c *web.Ctx) error {
	if err := c.Form(); err != nil {
		return err
	}
	in := formInput(c)
	pr, err := h.svc.Create(c.Context(), c.P, in)
	if err != nil {
		if fe := c.FieldErrors(err); fe != nil {
			custs, _ := h.customers(c)
			vm := formPage{Base: c.Base("projects.new"), In: in, Budget: c.FormValue("budget"), Customers: custs, Products: Products, Errors: fe, ShowCost: true}
			vm.Section = "projects"
			vm.Crumbs = []web.Crumb{{Label: c.T("nav.projects"), Href: "/projects"}, {Label: vm.Title}}
			return c.Render(http.StatusBadRequest, "project/form.html", vm)
		}
		return err
	}
	c.Flash("projects.created", pr.Name)
	return c.Redirect("/projects/" + strconv.FormatInt(pr.ID, 10))
}

func (h *Web) Edit(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	pr, m, err := h.svc.Get(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	if !c.P.Can(m, access.ProjectEdit) {
		return apperr.ForbiddenErr()
	}
	custs, err := h.customers(c)
	if err != nil {
		return err
	}
	in := Input{Code: pr.Code, Name: pr.Name, CustomerCompanyID: pr.CustomerCompanyID, Product: pr.Product, Description: pr.Description,
		StartDate: pr.StartDate, GoLiveDate: pr.GoLiveDate, Version: pr.Version}
	vm := formPage{Base: ProjectBase(c, pr, "overview", "projects.edit"), In: in, Customers: custs, Products: Products, Edit: true, ID: id, ShowCost: pr.BudgetMinor != nil}
	if pr.BudgetMinor != nil {
		vm.Budget = money.Plain(*pr.BudgetMinor)
	}
	vm.Title = c.T("projects.edit")
	return c.Render(http.StatusOK, "project/form.html", vm)
}

func (h *Web) Update(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := formInput(c)
	pr, err := h.svc.Update(c.Context(), c.P, id, in)
	if err != nil {
		fe, conflict, status, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		// Re-render what the user typed: a conflict must not lose their work.
		cur, m, gerr := h.svc.Get(c.Context(), c.P, id)
		if gerr != nil {
			return gerr
		}
		custs, _ := h.customers(c)
		vm := formPage{Base: ProjectBase(c, cur, "overview", "projects.edit"), In: in, Budget: c.FormValue("budget"), Customers: custs, Products: Products,
			Errors: fe, Conflict: conflict, Edit: true, ID: id, ShowCost: c.P.Can(m, access.CostView)}
		vm.Title = c.T("projects.edit")
		return c.Render(status, "project/form.html", vm)
	}
	c.Flash("projects.saved")
	return c.Redirect("/projects/" + strconv.FormatInt(pr.ID, 10))
}

type showPage struct {
	web.Base
	P          Project
	CanEdit    bool
	CanArchive bool
	CanDelete  bool
	Members    []Member
	Rows       []audit.Row
}

func (h *Web) Show(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	pr, m, err := h.svc.Get(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	members, err := h.svc.Members(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	recent, _, err := h.svc.Activity(c.Context(), c.P, id, db.Page{Number: 1, Size: 8})
	if err != nil {
		return err
	}
	vm := showPage{Base: ProjectBase(c, pr, "overview", "projects.overview"), P: pr, Members: members, Rows: recent,
		CanEdit: c.P.Can(m, access.ProjectEdit), CanArchive: c.P.Can(m, access.ProjectArchive), CanDelete: c.P.Can(m, access.ProjectDelete)}
	return c.Render(http.StatusOK, "project/show.html", vm)
}

func (h *Web) Archive(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	archived := c.FormValue("archived") != "false"
	if _, err := h.svc.SetArchived(c.Context(), c.P, id, archived); err != nil {
		return err
	}
	if archived {
		c.Flash("projects.archived")
	} else {
		c.Flash("projects.unarchived")
	}
	return c.Redirect("/projects/" + strconv.FormatInt(id, 10))
}

func (h *Web) Delete(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := h.svc.Delete(c.Context(), c.P, id); err != nil {
		return err
	}
	c.Flash("projects.deleted")
	return c.Redirect("/projects")
}

type membersPage struct {
	web.Base
	P             Project
	Members       []Member
	CanManage     bool
	Users         []auth.User
	VendorRoles   []access.Role
	CustomerRoles []access.Role
	PMCount       int // the last PM offers no remove button
	Errors        map[string]string
	In            MemberInput
}

func (h *Web) membersPage(c *web.Ctx, id int64, in MemberInput, errs map[string]string) (membersPage, error) {
	pr, m, err := h.svc.Get(c.Context(), c.P, id)
	if err != nil {
		return membersPage{}, err
	}
	members, err := h.svc.Members(c.Context(), c.P, id)
	if err != nil {
		return membersPage{}, err
	}
	vm := membersPage{Base: ProjectBase(c, pr, "members", "nav.members"), P: pr, Members: members, CanManage: c.P.Can(m, access.MemberManage), Errors: errs, In: in}
	if vm.CanManage {
		on := map[int64]bool{}
		for _, mb := range members {
			on[mb.UserID] = true
		}
		users, err := h.accounts.ListUsers(c.Context(), c.P, 0)
		if err != nil {
			return vm, err
		}
		for _, u := range users {
			if !on[u.ID] && !u.Disabled && (u.Vendor || u.CompanyID == pr.CustomerCompanyID) {
				vm.Users = append(vm.Users, u)
			}
		}
		vm.VendorRoles = access.VendorRoles[:4]
		vm.CustomerRoles = access.CustomerRoles
	}
	for _, mb := range members {
		if mb.Role == access.RolePM {
			vm.PMCount++
		}
	}
	return vm, nil
}

func (h *Web) Members(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	vm, err := h.membersPage(c, id, MemberInput{}, nil)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "project/members.html", vm)
}

func (h *Web) AddMember(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := MemberInput{Role: c.FormValue("role")}
	in.UserID, _ = strconv.ParseInt(c.FormValue("user_id"), 10, 64)
	if _, err := h.svc.AddMember(c.Context(), c.P, id, in); err != nil {
		fe := c.FieldErrors(err)
		if fe == nil {
			return err
		}
		vm, verr := h.membersPage(c, id, in, fe)
		if verr != nil {
			return verr
		}
		return c.Render(http.StatusBadRequest, "project/members.html", vm)
	}
	c.Flash("members.added")
	return c.Redirect("/projects/" + strconv.FormatInt(id, 10) + "/members")
}

func (h *Web) RemoveMember(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	mid, err := c.PathID("mid")
	if err != nil {
		return err
	}
	if err := h.svc.RemoveMember(c.Context(), c.P, id, mid); err != nil {
		return err
	}
	c.Flash("members.removed")
	return c.Redirect("/projects/" + strconv.FormatInt(id, 10) + "/members")
}

type activityPage struct {
	web.Base
	P     Project
	Rows  []audit.Row
	Pager web.Pager
}

func (h *Web) Activity(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	pr, _, err := h.svc.Get(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	page := c.PageParam(50, 200)
	rows, total, err := h.svc.Activity(c.Context(), c.P, id, page)
	if err != nil {
		return err
	}
	vm := activityPage{Base: ProjectBase(c, pr, "activity", "nav.activity"), P: pr, Rows: rows, Pager: c.NewPager(page, total)}
	return c.Render(http.StatusOK, "project/activity.html", vm)
}
