package methodology

import (
	"net/http"
	"strconv"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/project"
	"golive/internal/web"
)

// proj loads the project named in the path with the page chrome.
func (h *Web) proj(c *web.Ctx, section, titleKey string) (project.Project, access.Membership, web.Base, error) {
	id, err := c.PathID("id")
	if err != nil {
		return project.Project{}, access.Membership{}, web.Base{}, err
	}
	pr, m, err := h.projects.Get(c.Context(), c.P, id)
	if err != nil {
		return pr, m, web.Base{}, err
	}
	return pr, m, project.ProjectBase(c, pr, section, titleKey), nil
}

func projURL(id int64, rest string) string { return "/projects/" + itoa(id) + rest }

func formID(c *web.Ctx, name string) int64 {
	v, err := strconv.ParseInt(strings.TrimSpace(c.FormValue(name)), 10, 64)
	if err != nil {
		if strings.TrimSpace(c.FormValue(name)) == "" {
			return 0
		}
		return -1
	}
	return v
}

func formInt(c *web.Ctx, name string) int {
	v, err := strconv.Atoi(strings.TrimSpace(c.FormValue(name)))
	if err != nil {
		if strings.TrimSpace(c.FormValue(name)) == "" {
			return 0
		}
		return -1
	}
	return v
}

// reasonTexts translates health reasons.
func reasonTexts(c *web.Ctx, h *Health) {
	for i := range h.Reasons {
		h.Reasons[i].Message = c.T(h.Reasons[i].Code, h.Reasons[i].Args...)
	}
}

type phaseView struct {
	Ph            Phase
	StatusLabel   string
	DecisionLabel string
	Done          int
	DecidedAt     int64
}

type planPage struct {
	web.Base
	P            project.Project
	Phases       []phaseView
	Milestones   []Milestone
	Health       Health
	CanEdit      bool
	CanGate      bool
	CanOverride  bool
	CanApply     bool
	Internal     bool
	Members      []project.Member
	MsIn         MilestoneInput
	Errors       map[string]string
	HealthIn     HealthInput
	HealthErrors map[string]string
	Colors       []string
	MsStatuses   []string
}

var (
	healthColors = []string{HealthGreen, HealthAmber, HealthRed}
	msStatuses   = []string{MilestoneOpen, MilestoneDone}
)

func (h *Web) planPage(c *web.Ctx) (planPage, error) {
	pr, m, base, err := h.proj(c, "phases", "nav.phases")
	if err != nil {
		return planPage{}, err
	}
	vm := planPage{Base: base, P: pr, CanEdit: c.P.Can(m, access.MethodologyEdit), CanGate: c.P.Can(m, access.GateDecide),
		CanOverride: c.P.Can(m, access.HealthOverride), Internal: c.P.Can(m, access.InternalView), MsIn: MilestoneInput{CustomerVisible: true},
		Colors: healthColors, MsStatuses: msStatuses}
	phases, err := h.svc.Phases(c.Context(), c.P, pr.ID)
	if err != nil {
		return vm, err
	}
	for _, ph := range phases {
		v := phaseView{Ph: ph, StatusLabel: c.T("meth.phase.status." + ph.Status)}
		if ph.GateDecision != "" {
			v.DecisionLabel = c.T("meth.gate.decision." + ph.GateDecision)
		}
		for _, it := range ph.Gate {
			if it.Done {
				v.Done++
			}
		}
		vm.Phases = append(vm.Phases, v)
	}
	vm.CanApply = vm.CanEdit && len(phases) == 0 && pr.Status == project.StatusActive
	if vm.Milestones, err = h.svc.Milestones(c.Context(), c.P, pr.ID); err != nil {
		return vm, err
	}
	if vm.Health, err = h.svc.Health(c.Context(), c.P, pr.ID); err != nil {
		return vm, err
	}
	reasonTexts(c, &vm.Health)
	vm.HealthIn.Override = vm.Health.Override
	if vm.Health.OverrideComment != nil {
		vm.HealthIn.Comment = *vm.Health.OverrideComment
	}
	if vm.CanEdit {
		if vm.Members, err = h.projects.Members(c.Context(), c.P, pr.ID); err != nil {
			return vm, err
		}
	}
	return vm, nil
}

// Plan shows phases with their gates, milestones and the project health.
func (h *Web) Plan(c *web.Ctx) error {
	vm, err := h.planPage(c)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "methodology/plan.html", vm)
}

func milestoneForm(c *web.Ctx) MilestoneInput {
	in := MilestoneInput{Name: c.FormValue("name"), DueDate: c.FormValue("due_date"), Status: c.FormValue("status"),
		CustomerVisible: c.FormValue("customer_visible") == "1", PhaseID: formID(c, "phase_id"), OwnerID: formID(c, "owner_id")}
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	return in
}

// CreateMilestone adds a milestone from the plan page.
func (h *Web) CreateMilestone(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := milestoneForm(c)
	if _, err := h.svc.SaveMilestone(c.Context(), c.P, id, 0, in); err != nil {
		fe, _, status, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		vm, verr := h.planPage(c)
		if verr != nil {
			return verr
		}
		vm.MsIn, vm.Errors = in, fe
		return c.Render(status, "methodology/plan.html", vm)
	}
	c.Flash("meth.ms.created", in.Name)
	return c.Redirect(projURL(id, "/phases"))
}

type milestonePage struct {
	web.Base
	P          project.Project
	M          Milestone
	MsIn       MilestoneInput
	Phases     []phaseView
	Members    []project.Member
	Errors     map[string]string
	Conflict   bool
	MsStatuses []string
}

func (h *Web) milestonePage(c *web.Ctx) (milestonePage, error) {
	pr, m, base, err := h.proj(c, "phases", "meth.ms.edit")
	if err != nil {
		return milestonePage{}, err
	}
	mid, err := c.PathID("mid")
	if err != nil {
		return milestonePage{}, err
	}
	ms, err := getMilestone(c.Context(), h.svc.db, pr.ID, mid, customer(c.P, m))
	if err != nil {
		return milestonePage{}, err
	}
	if !c.P.Can(m, access.MethodologyEdit) {
		return milestonePage{}, apperr.ForbiddenErr()
	}
	vm := milestonePage{Base: base, P: pr, M: ms, MsStatuses: msStatuses,
		MsIn: MilestoneInput{Name: ms.Name, DueDate: ms.DueDate, Status: ms.Status, CustomerVisible: ms.CustomerVisible, Version: ms.Version}}
	if ms.PhaseID != nil {
		vm.MsIn.PhaseID = *ms.PhaseID
	}
	if ms.OwnerID != nil {
		vm.MsIn.OwnerID = *ms.OwnerID
	}
	phases, err := h.svc.Phases(c.Context(), c.P, pr.ID)
	if err != nil {
		return vm, err
	}
	for _, ph := range phases {
		vm.Phases = append(vm.Phases, phaseView{Ph: ph})
	}
	vm.Members, err = h.projects.Members(c.Context(), c.P, pr.ID)
	return vm, err
}

// EditMilestone shows a milestone's form.
func (h *Web) EditMilestone(c *web.Ctx) error {
	vm, err := h.milestonePage(c)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "methodology/milestone.html", vm)
}

// UpdateMilestone saves it; a stale form gets the conflict notice.
func (h *Web) UpdateMilestone(c *web.Ctx) error {
	id, mid, err := c.ProjectPathID("mid")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := milestoneForm(c)
	if _, err := h.svc.SaveMilestone(c.Context(), c.P, id, mid, in); err != nil {
		fe, conflict, status, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		vm, verr := h.milestonePage(c)
		if verr != nil {
			return verr
		}
		vm.MsIn, vm.Errors, vm.Conflict = in, fe, conflict
		return c.Render(status, "methodology/milestone.html", vm)
	}
	c.Flash("meth.ms.saved", in.Name)
	return c.Redirect(projURL(id, "/phases"))
}

type gatePage struct {
	web.Base
	P        project.Project
	Ph       Phase
	In       GateInput
	CanGate  bool
	Errors   map[string]string
	Conflict bool
	Decision string
}

func (h *Web) gatePage(c *web.Ctx) (gatePage, error) {
	pr, m, base, err := h.proj(c, "phases", "meth.gate.title")
	if err != nil {
		return gatePage{}, err
	}
	pid, err := c.PathID("pid")
	if err != nil {
		return gatePage{}, err
	}
	ph, err := h.svc.Phase(c.Context(), c.P, pr.ID, pid)
	if err != nil {
		return gatePage{}, err
	}
	vm := gatePage{Base: base, P: pr, Ph: ph, CanGate: c.P.Can(m, access.GateDecide) && pr.Status == project.StatusActive,
		In: GateInput{Decision: ph.GateDecision, Comment: ph.GateComment, Version: ph.Version}}
	vm.Title = c.T("meth.gate.title") + " · " + ph.Name
	for _, it := range ph.Gate {
		vm.In.Items = append(vm.In.Items, GateResult{Done: it.Done, Note: it.Note})
	}
	if ph.GateDecision != "" {
		vm.Decision = c.T("meth.gate.decision." + ph.GateDecision)
	}
	return vm, nil
}

// Gate shows a phase's gate review.
func (h *Web) Gate(c *web.Ctx) error {
	vm, err := h.gatePage(c)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "methodology/gate.html", vm)
}

// ReviewGate records the PM's decision.
func (h *Web) ReviewGate(c *web.Ctx) error {
	id, pid, err := c.ProjectPathID("pid")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := GateInput{Decision: c.FormValue("decision"), Comment: c.FormValue("comment")}
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	n, _ := strconv.Atoi(c.FormValue("items"))
	if n < 0 || n > maxItemsPerList {
		n = 0
	}
	for i := range n {
		in.Items = append(in.Items, GateResult{Done: c.FormValue("done_"+strconv.Itoa(i)) == "1", Note: c.FormValue("note_" + strconv.Itoa(i))})
	}
	ph, err := h.svc.ReviewGate(c.Context(), c.P, id, pid, in)
	if err != nil {
		fe, conflict, status, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		vm, verr := h.gatePage(c)
		if verr != nil {
			return verr
		}
		// Keep what the reviewer ticked and typed.
		if len(in.Items) == len(vm.In.Items) {
			vm.In.Items = in.Items
		}
		vm.In.Decision, vm.In.Comment, vm.In.Version = in.Decision, in.Comment, in.Version
		vm.Errors, vm.Conflict = fe, conflict
		return c.Render(status, "methodology/gate.html", vm)
	}
	c.Flash("meth.gate.recorded", ph.Name, c.T("meth.gate.decision."+ph.GateDecision))
	return c.Redirect(projURL(id, "/phases"))
}

// OverrideHealth sets or clears the PM's override from the plan page.
func (h *Web) OverrideHealth(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := HealthInput{Override: c.FormValue("override"), Comment: c.FormValue("comment")}
	if c.FormValue("clear") == "1" {
		in = HealthInput{}
	}
	if _, err := h.svc.OverrideHealth(c.Context(), c.P, id, in); err != nil {
		fe, _, status, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		vm, verr := h.planPage(c)
		if verr != nil {
			return verr
		}
		vm.HealthIn, vm.HealthErrors = in, fe
		return c.Render(status, "methodology/plan.html", vm)
	}
	c.Flash("meth.health.saved")
	return c.Redirect(projURL(id, "/phases"))
}

// Deliverables.

type delivView struct {
	D           Deliverable
	StatusLabel string
}

type delivPage struct {
	web.Base
	P         project.Project
	Items     []delivView
	Phases    []Phase
	Members   []project.Member
	Filter    DeliverableFilter
	CanEdit   bool
	CanAccept bool
	// CanAcceptInternal: the PM reviews deliverables the customer does not see.
	CanAcceptInternal bool
	In                DeliverableInput
	Errors            map[string]string
	// The review form that failed, re-shown on its row.
	ReviewID     int64
	ReviewIn     ReviewInput
	ReviewErrors map[string]string
	Statuses     []string
}

var delivStatuses = []string{DeliverablePending, DeliverableSubmitted, DeliverableAccepted, DeliverableRejected}

func (h *Web) delivPage(c *web.Ctx) (delivPage, error) {
	pr, m, base, err := h.proj(c, "deliverables", "nav.deliverables")
	if err != nil {
		return delivPage{}, err
	}
	q := c.R.URL.Query()
	f := DeliverableFilter{Status: q.Get("status")}
	f.PhaseID, _ = strconv.ParseInt(q.Get("phase_id"), 10, 64)
	vm := delivPage{Base: base, P: pr, Filter: f, CanEdit: c.P.Can(m, access.MethodologyEdit) && pr.Status == project.StatusActive,
		CanAccept: !c.P.Vendor && c.P.Can(m, access.DeliverableAccept) && pr.Status == project.StatusActive, In: DeliverableInput{CustomerVisible: true}, Statuses: delivStatuses}
	vm.CanAcceptInternal = vm.CanEdit
	ds, err := h.svc.Deliverables(c.Context(), c.P, pr.ID, f)
	if err != nil {
		return vm, err
	}
	for _, d := range ds {
		vm.Items = append(vm.Items, delivView{D: d, StatusLabel: c.T("meth.deliv.status." + d.Status)})
	}
	if vm.Phases, err = h.svc.Phases(c.Context(), c.P, pr.ID); err != nil {
		return vm, err
	}
	if vm.CanEdit {
		vm.Members, err = h.projects.Members(c.Context(), c.P, pr.ID)
	}
	return vm, err
}

// Deliverables lists deliverables with the vendor's and customer's actions.
func (h *Web) Deliverables(c *web.Ctx) error {
	vm, err := h.delivPage(c)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "methodology/deliverables.html", vm)
}

func deliverableForm(c *web.Ctx) DeliverableInput {
	in := DeliverableInput{Name: c.FormValue("name"), Description: c.FormValue("description"), DueDate: c.FormValue("due_date"),
		CustomerVisible: c.FormValue("customer_visible") == "1", PhaseID: formID(c, "phase_id"), OwnerID: formID(c, "owner_id")}
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	return in
}

// CreateDeliverable adds a deliverable.
func (h *Web) CreateDeliverable(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := deliverableForm(c)
	if _, err := h.svc.SaveDeliverable(c.Context(), c.P, id, 0, in); err != nil {
		fe, _, status, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		vm, verr := h.delivPage(c)
		if verr != nil {
			return verr
		}
		vm.In, vm.Errors = in, fe
		return c.Render(status, "methodology/deliverables.html", vm)
	}
	c.Flash("meth.deliv.created", in.Name)
	return c.Redirect(projURL(id, "/deliverables"))
}

type delivEditPage struct {
	web.Base
	P        project.Project
	D        Deliverable
	In       DeliverableInput
	Phases   []Phase
	Members  []project.Member
	Errors   map[string]string
	Conflict bool
}

func (h *Web) delivEditPage(c *web.Ctx) (delivEditPage, error) {
	pr, m, base, err := h.proj(c, "deliverables", "meth.deliv.edit")
	if err != nil {
		return delivEditPage{}, err
	}
	did, err := c.PathID("did")
	if err != nil {
		return delivEditPage{}, err
	}
	d, err := h.svc.Deliverable(c.Context(), c.P, pr.ID, did)
	if err != nil {
		return delivEditPage{}, err
	}
	if !c.P.Can(m, access.MethodologyEdit) {
		return delivEditPage{}, apperr.ForbiddenErr()
	}
	vm := delivEditPage{Base: base, P: pr, D: d, In: DeliverableInput{Name: d.Name, Description: d.Description, DueDate: d.DueDate, CustomerVisible: d.CustomerVisible, Version: d.Version}}
	if d.PhaseID != nil {
		vm.In.PhaseID = *d.PhaseID
	}
	if d.OwnerID != nil {
		vm.In.OwnerID = *d.OwnerID
	}
	if vm.Phases, err = h.svc.Phases(c.Context(), c.P, pr.ID); err != nil {
		return vm, err
	}
	vm.Members, err = h.projects.Members(c.Context(), c.P, pr.ID)
	return vm, err
}

// EditDeliverable shows a deliverable's form.
func (h *Web) EditDeliverable(c *web.Ctx) error {
	vm, err := h.delivEditPage(c)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "methodology/deliverable.html", vm)
}

// UpdateDeliverable saves a deliverable's form.
func (h *Web) UpdateDeliverable(c *web.Ctx) error {
	id, did, err := c.ProjectPathID("did")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := deliverableForm(c)
	if _, err := h.svc.SaveDeliverable(c.Context(), c.P, id, did, in); err != nil {
		fe, conflict, status, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		vm, verr := h.delivEditPage(c)
		if verr != nil {
			return verr
		}
		vm.In, vm.Errors, vm.Conflict = in, fe, conflict
		return c.Render(status, "methodology/deliverable.html", vm)
	}
	c.Flash("meth.deliv.saved", in.Name)
	return c.Redirect(projURL(id, "/deliverables"))
}

// DeliverableAction submits (vendor), accepts or rejects (customer PM).
func (h *Web) DeliverableAction(action string) web.Handler {
	return func(c *web.Ctx) error {
		id, did, err := c.ProjectPathID("did")
		if err != nil {
			return err
		}
		if err := c.Form(); err != nil {
			return err
		}
		version, _ := strconv.ParseInt(c.FormValue("version"), 10, 64)
		rin := ReviewInput{Comment: c.FormValue("comment"), Version: version}
		var d Deliverable
		switch action {
		case "submit":
			d, err = h.svc.SubmitDeliverable(c.Context(), c.P, id, did, VersionInput{Version: version})
		case "accept":
			d, err = h.svc.AcceptDeliverable(c.Context(), c.P, id, did, rin)
		default:
			d, err = h.svc.RejectDeliverable(c.Context(), c.P, id, did, rin)
		}
		if err != nil {
			fe, _, status, ok := c.FormFailure(err)
			if !ok || fe == nil {
				return err
			}
			vm, verr := h.delivPage(c)
			if verr != nil {
				return verr
			}
			vm.ReviewID, vm.ReviewIn, vm.ReviewErrors = did, rin, fe
			return c.Render(status, "methodology/deliverables.html", vm)
		}
		c.Flash("meth.deliv.done_"+action, d.Name)
		return c.Redirect(projURL(id, "/deliverables"))
	}
}

// ExportDeliverables streams the visible deliverables as .xlsx.
func (h *Web) ExportDeliverables(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	pr, _, err := h.projects.Get(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	ds, err := h.svc.Deliverables(c.Context(), c.P, id, DeliverableFilter{})
	if err != nil {
		return err
	}
	cols := []web.Column{
		{Header: c.T("field.phase_id"), Kind: web.ColText}, {Header: c.T("field.name"), Kind: web.ColText, Width: 30},
		{Header: c.T("field.due_date"), Kind: web.ColDate}, {Header: c.T("field.owner_id"), Kind: web.ColText},
		{Header: c.T("field.status"), Kind: web.ColText}, {Header: c.T("meth.deliv.reviewer"), Kind: web.ColText},
		{Header: c.T("meth.deliv.reviewed_at"), Kind: web.ColDateTime}, {Header: c.T("field.comment"), Kind: web.ColText, Width: 40},
	}
	i := 0
	next := func() ([]any, bool, error) {
		if i >= len(ds) {
			return nil, false, nil
		}
		d := ds[i]
		i++
		var at any
		if d.ReviewedMS != nil {
			at = *d.ReviewedMS
		}
		return []any{d.PhaseName, d.Name, d.DueDate, d.OwnerName, c.T("meth.deliv.status." + d.Status), d.ReviewerName, at, d.ReviewComment}, true, nil
	}
	return web.ServeXLSX(c.W, pr.Code+"-"+c.T("nav.deliverables")+".xlsx", c.T("nav.deliverables"), cols, next)
}
