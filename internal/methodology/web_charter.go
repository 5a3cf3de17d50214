package methodology

import (
	"net/http"
	"strconv"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/project"
	"golive/internal/web"
)

type charterPage struct {
	web.Base
	P        project.Project
	V        CharterView
	C        *Charter
	Latest   int
	ShowCost bool
	HashOK   bool
	// The diff picker defaults: the previous and the shown version.
	From, To int
}

// Charter shows the latest version the caller may see (?v=N for another),
// its signature and the version history. The page prints cleanly.
func (h *Web) Charter(c *web.Ctx) error {
	pr, m, base, err := h.proj(c, "charter", "nav.charter")
	if err != nil {
		return err
	}
	v := 0
	if s := c.R.URL.Query().Get("v"); s != "" {
		if v, err = strconv.Atoi(s); err != nil || v <= 0 {
			return apperr.NotFoundErr()
		}
	}
	view, err := h.svc.Charter(c.Context(), c.P, pr.ID, v)
	if err != nil {
		return err
	}
	vm := charterPage{Base: base, P: pr, V: view, C: view.Charter, ShowCost: c.P.Can(m, access.CostView)}
	vm.V.CanEdit = vm.V.CanEdit && pr.Status == project.StatusActive
	if n := len(view.Versions); n > 0 {
		vm.Latest = view.Versions[n-1].VersionNo
	}
	if vm.C != nil {
		vm.HashOK = vm.C.HashOK()
		vm.To = vm.C.VersionNo
		for _, ver := range view.Versions {
			if ver.VersionNo < vm.To {
				vm.From = ver.VersionNo
			}
		}
	}
	return c.Render(http.StatusOK, "methodology/charter.html", vm)
}

type charterEditPage struct {
	web.Base
	P        project.Project
	In       CharterInput
	Budget   string
	ShowCost bool
	Members  []project.Member
	Errors   map[string]string
	Conflict bool
	Next     int  // the version number a save creates or edits
	NewDraft bool // the latest is signed: saving starts Next
}

func (h *Web) charterEditPage(c *web.Ctx) (charterEditPage, error) {
	pr, m, base, err := h.proj(c, "charter", "meth.charter.edit")
	if err != nil {
		return charterEditPage{}, err
	}
	if !c.P.Can(m, access.MethodologyEdit) {
		return charterEditPage{}, apperr.ForbiddenErr()
	}
	vm := charterEditPage{Base: base, P: pr, ShowCost: c.P.Can(m, access.CostView), Next: 1}
	view, err := h.svc.Charter(c.Context(), c.P, pr.ID, 0)
	if err != nil {
		return vm, err
	}
	if ch := view.Charter; ch != nil {
		vm.In = CharterInput{Objectives: ch.Objectives, ScopeIn: ch.ScopeIn, ScopeOut: ch.ScopeOut, SuccessCriteria: ch.SuccessCriteria, KeyDates: ch.KeyDates, Version: ch.Version}
		if ch.SponsorID != nil {
			vm.In.SponsorID = *ch.SponsorID
		}
		if ch.BudgetSummary != nil {
			vm.Budget = *ch.BudgetSummary
		}
		vm.Next = ch.VersionNo
		if ch.Status == CharterSigned {
			vm.Next, vm.NewDraft = ch.VersionNo+1, true
		}
	}
	vm.Members, err = h.projects.Members(c.Context(), c.P, pr.ID)
	return vm, err
}

// EditCharter shows the charter form (a signed charter is edited into the
// next version).
func (h *Web) EditCharter(c *web.Ctx) error {
	vm, err := h.charterEditPage(c)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "methodology/charter_edit.html", vm)
}

// SaveCharter saves the form.
func (h *Web) SaveCharter(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := CharterInput{Objectives: c.FormValue("objectives"), ScopeIn: c.FormValue("scope_in"), ScopeOut: c.FormValue("scope_out"),
		SuccessCriteria: c.FormValue("success_criteria"), KeyDates: c.FormValue("key_dates"), SponsorID: formID(c, "sponsor_id")}
	if _, ok := c.R.PostForm["budget_summary"]; ok {
		b := c.FormValue("budget_summary")
		in.BudgetSummary = &b
	}
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	ch, err := h.svc.SaveCharter(c.Context(), c.P, id, in)
	if err != nil {
		fe, conflict, status, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		vm, verr := h.charterEditPage(c)
		if verr != nil {
			return verr
		}
		vm.In, vm.Errors, vm.Conflict = in, fe, conflict
		if in.BudgetSummary != nil {
			vm.Budget = *in.BudgetSummary
		}
		return c.Render(status, "methodology/charter_edit.html", vm)
	}
	c.Flash("meth.charter.saved", ch.VersionNo)
	return c.Redirect(projURL(id, "/charter"))
}

// SignCharter: the sponsor signs the latest draft.
func (h *Web) SignCharter(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	var in VersionInput
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	ch, err := h.svc.SignCharter(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	c.Flash("meth.charter.signed_flash", ch.VersionNo)
	return c.Redirect(projURL(id, "/charter"))
}

type diffField struct {
	Label   string
	Changed bool
	Lines   []DiffLine
}

type charterDiffPage struct {
	web.Base
	P        project.Project
	D        CharterDiff
	Fields   []diffField
	Versions []CharterVersion
}

// CharterDiff shows what changed between two versions (?from=&to=).
func (h *Web) CharterDiff(c *web.Ctx) error {
	pr, _, base, err := h.proj(c, "charter", "meth.charter.diff")
	if err != nil {
		return err
	}
	q := c.R.URL.Query()
	from, err1 := strconv.Atoi(q.Get("from"))
	to, err2 := strconv.Atoi(q.Get("to"))
	if err1 != nil || err2 != nil || from <= 0 || to <= 0 {
		return apperr.InvalidField("from", "meth.charter.diff_versions")
	}
	d, err := h.svc.DiffCharter(c.Context(), c.P, pr.ID, from, to)
	if err != nil {
		return err
	}
	view, err := h.svc.Charter(c.Context(), c.P, pr.ID, 0)
	if err != nil {
		return err
	}
	vm := charterDiffPage{Base: base, P: pr, D: d, Versions: view.Versions}
	for _, f := range d.Fields {
		vm.Fields = append(vm.Fields, diffField{Label: c.T("field." + f.Field), Changed: f.Changed, Lines: f.Lines})
	}
	return c.Render(http.StatusOK, "methodology/charter_diff.html", vm)
}
