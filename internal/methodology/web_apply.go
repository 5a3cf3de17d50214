package methodology

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/auth"
	"golive/internal/project"
	"golive/internal/web"
)

type applyPage struct {
	web.Base
	P         project.Project
	Templates []tplListRow
	Modules   []modOption
	In        ApplyInput
	Errors    map[string]string
	// From-template mode: the project's own fields too.
	New       bool
	PIn       project.Input
	Customers []auth.Company
	Products  []string
	Selected  Template
}

type modOption struct {
	Key, Name string
	On        bool
}

func (h *Web) templateOptions(c *web.Ctx, vm *applyPage) error {
	ts, err := h.svc.ListTemplates(c.Context(), c.P)
	if err != nil {
		return err
	}
	for _, t := range ts {
		vm.Templates = append(vm.Templates, tplListRow{T: t, Name: tplName(c, t)})
		if t.ID == vm.In.TemplateID || vm.In.TemplateID == 0 && vm.Selected.ID == 0 {
			vm.Selected = t
		}
	}
	if vm.In.TemplateID == 0 {
		vm.In.TemplateID = vm.Selected.ID
	}
	on := map[string]bool{}
	for _, m := range vm.In.Modules {
		on[m] = true
	}
	for _, m := range vm.Selected.Body.Modules {
		vm.Modules = append(vm.Modules, modOption{Key: m.Key, Name: m.Name.In(string(c.Lang)), On: on[m.Key]})
	}
	return nil
}

func applyForm(c *web.Ctx) ApplyInput {
	in := ApplyInput{StartDate: c.FormValue("start_date"), GoLiveDate: c.FormValue("golive_date"), Modules: c.R.PostForm["modules"], Lang: string(c.Lang)}
	in.TemplateID, _ = strconv.ParseInt(c.FormValue("template_id"), 10, 64)
	return in
}

// ApplyForm asks for a template's parameters for an existing project.
// ?template_id= picks the template whose modules are offered.
func (h *Web) ApplyForm(c *web.Ctx) error {
	pr, m, base, err := h.proj(c, "phases", "meth.apply.title")
	if err != nil {
		return err
	}
	if !c.P.Can(m, access.MethodologyEdit) {
		return apperr.ForbiddenErr()
	}
	vm := applyPage{Base: base, P: pr, In: ApplyInput{StartDate: pr.StartDate, GoLiveDate: pr.GoLiveDate}}
	vm.In.TemplateID, _ = strconv.ParseInt(c.R.URL.Query().Get("template_id"), 10, 64)
	if err := h.templateOptions(c, &vm); err != nil {
		return err
	}
	return c.Render(http.StatusOK, "methodology/apply.html", vm)
}

// Apply generates the plan.
func (h *Web) Apply(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := applyForm(c)
	res, err := h.svc.Apply(c.Context(), c.P, id, in)
	if err != nil {
		fe, _, status, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		pr, _, base, perr := h.proj(c, "phases", "meth.apply.title")
		if perr != nil {
			return perr
		}
		vm := applyPage{Base: base, P: pr, In: in, Errors: fe}
		if err := h.templateOptions(c, &vm); err != nil {
			return err
		}
		return c.Render(status, "methodology/apply.html", vm)
	}
	c.Flash("meth.apply.done", res.Phases, res.Tasks, res.Milestones)
	return c.Redirect(projURL(id, "/phases"))
}

func (h *Web) customers(ctx context.Context, p *access.Principal) ([]auth.Company, error) {
	all, err := h.accounts.ListCompanies(ctx, p)
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

func (h *Web) newFromTemplatePage(c *web.Ctx, vm *applyPage) error {
	vm.Base = c.Base("meth.apply.new_title")
	vm.Section = "projects"
	vm.Crumbs = []web.Crumb{{Label: c.T("nav.projects"), Href: "/projects"}, {Label: vm.Title}}
	vm.New, vm.Products = true, project.Products
	var err error
	if vm.Customers, err = h.customers(c.Context(), c.P); err != nil {
		return err
	}
	return h.templateOptions(c, vm)
}

// NewFromTemplate is "create a project from a template": the project's
// fields and the template's parameters on one form.
func (h *Web) NewFromTemplate(c *web.Ctx) error {
	if !c.P.CanCreateProject() {
		return apperr.ForbiddenErr()
	}
	vm := applyPage{PIn: project.Input{Product: "ERP"}, In: ApplyInput{StartDate: time.Now().In(china).Format("2006-01-02")}}
	vm.In.TemplateID, _ = strconv.ParseInt(c.R.URL.Query().Get("template_id"), 10, 64)
	if err := h.newFromTemplatePage(c, &vm); err != nil {
		return err
	}
	return c.Render(http.StatusOK, "methodology/apply.html", vm)
}

// CreateFromTemplate checks both parts before anything is written (so a
// bad go-live date creates no half project), then creates the project and
// applies the template.
func (h *Web) CreateFromTemplate(c *web.Ctx) error {
	if !c.P.CanCreateProject() {
		return apperr.ForbiddenErr()
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := applyForm(c)
	pin := project.Input{Code: c.FormValue("code"), Name: c.FormValue("name"), Product: c.FormValue("product"), Description: c.FormValue("description"),
		StartDate: in.StartDate, GoLiveDate: in.GoLiveDate}
	pin.CustomerCompanyID, _ = strconv.ParseInt(c.FormValue("customer_company_id"), 10, 64)
	fail := func(err error) error {
		fe, _, status, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		vm := applyPage{In: in, PIn: pin, Errors: fe}
		if err := h.newFromTemplatePage(c, &vm); err != nil {
			return err
		}
		return c.Render(status, "methodology/apply.html", vm)
	}
	check := pin
	if err := check.Validate(); err != nil {
		return fail(err)
	}
	if err := h.svc.CheckApply(c.Context(), c.P, in); err != nil {
		return fail(err)
	}
	pr, err := h.projects.Create(c.Context(), c.P, pin)
	if err != nil {
		return fail(err)
	}
	res, err := h.svc.Apply(c.Context(), c.P, pr.ID, in)
	if err != nil {
		return err
	}
	c.Flash("meth.apply.done", res.Phases, res.Tasks, res.Milestones)
	return c.Redirect(projURL(pr.ID, "/phases"))
}

// Notices is the overview warnings provider: A/B responsibilities without
// a backup or whose holder has left, a health that is not green, and for
// the PM of a project without phases, the way to apply a template.
func (h *Web) Notices(c *web.Ctx, projectID int64) []web.Notice {
	var out []web.Notice
	// A PM's project without a plan offers the template.
	if m, err := h.projects.Access(c.Context(), c.P, projectID); err == nil && c.P.Can(m, access.MethodologyEdit) {
		if phases, err := h.svc.Phases(c.Context(), c.P, projectID); err == nil && len(phases) == 0 {
			out = append(out, web.Notice{Level: "info", Text: c.T("meth.apply.notice"), Href: projURL(projectID, "/apply-template"), Link: c.T("meth.apply.title")})
		}
	}
	hl, err := h.svc.Health(c.Context(), c.P, projectID)
	if err == nil && hl.Effective != HealthGreen {
		reasonTexts(c, &hl)
		first := ""
		if len(hl.Reasons) > 0 {
			first = hl.Reasons[0].Message
		}
		text := c.T("meth.health.notice."+hl.Effective, first)
		if len(hl.Reasons) > 1 {
			text += c.T("meth.health.notice_more", len(hl.Reasons)-1)
		}
		if hl.Override != "" {
			text = c.T("meth.health.notice_override", c.T("meth.health."+hl.Effective))
		}
		out = append(out, web.Notice{Level: hl.Effective, Text: text, Href: projURL(projectID, "/phases#health"), Link: c.T("meth.health.see_reasons")})
	}
	rs, err := h.svc.Responsibilities(c.Context(), c.P, projectID)
	if err != nil {
		return out
	}
	for _, r := range rs {
		for _, w := range r.Warnings {
			var text string
			switch w {
			case "no_primary":
				text = c.T("meth.resp.notice.no_primary", r.Name)
			case "no_backup":
				text = c.T("meth.resp.notice.no_backup", r.Name)
			case "primary_left":
				text = c.T("meth.resp.notice.primary_left", r.Name, r.PrimaryName)
			case "backup_left":
				text = c.T("meth.resp.notice.backup_left", r.Name, r.BackupName)
			}
			out = append(out, web.Notice{Level: "amber", Text: text, Href: projURL(projectID, "/stakeholders#ab"), Link: c.T("meth.resp.fix")})
		}
	}
	return out
}
