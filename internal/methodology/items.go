package methodology

import (
	"encoding/json"
	"strings"

	"golive/internal/apperr"
	"golive/internal/validate"
)

// Phase statuses: a phase is active once the previous gate has passed.
const (
	PhasePending = "pending"
	PhaseActive  = "active"
	PhaseDone    = "done"
)

// Gate decisions.
const (
	GatePass        = "pass"
	GateConditional = "conditional"
	GateFail        = "fail"
)

// Phase of a project, with its gate.
type Phase struct {
	ID           int64      `json:"id"`
	ProjectID    int64      `json:"project_id"`
	Seq          int        `json:"seq"`
	Key          string     `json:"key"`
	Name         string     `json:"name"`
	StartDate    string     `json:"start_date" format:"date"`
	EndDate      string     `json:"end_date" format:"date"`
	Status       string     `json:"status" enum:"pending,active,done"`
	Gate         []GateItem `json:"gate"`
	GateDecision string     `json:"gate_decision" enum:",pass,conditional,fail"`
	GateComment  string     `json:"gate_comment"`
	DecidedBy    *int64     `json:"gate_decided_by"`
	DeciderName  string     `json:"gate_decided_by_name"`
	DecidedMS    *int64     `json:"gate_decided_ms"`
	Version      int64      `json:"version"`
}

// GateItem is one checklist line and its result.
type GateItem struct {
	Text string `json:"text"`
	Done bool   `json:"done"`
	Note string `json:"note"`
}

func parseGate(s string) []GateItem {
	var items []GateItem
	if json.Unmarshal([]byte(s), &items) != nil || items == nil {
		return []GateItem{}
	}
	return items
}

func gateJSON(items []GateItem) string {
	if items == nil {
		items = []GateItem{}
	}
	b, _ := json.Marshal(items)
	return string(b)
}

// GateInput records a gate review: one result per checklist item, in
// order, and the decision. A pass needs every item done; a conditional
// pass states the actions that remain; a fail states why.
type GateInput struct {
	Items    []GateResult `json:"items"`
	Decision string       `json:"decision" enum:"pass,conditional,fail"`
	Comment  string       `json:"comment" maxLength:"2000"`
	Version  int64        `json:"version"`
}

// GateResult is the review of one checklist item.
type GateResult struct {
	Done bool   `json:"done"`
	Note string `json:"note" maxLength:"500"`
}

func (in *GateInput) Validate(checklist int) error {
	var f apperr.Fields
	if len(in.Items) != checklist {
		f.Add("items", "meth.gate.items_count", checklist)
	}
	for i := range in.Items {
		validate.Line(&f, "items", &in.Items[i].Note, 0, 500)
	}
	validate.Enum(&f, "decision", in.Decision, GatePass, GateConditional, GateFail)
	validate.Text(&f, "comment", &in.Comment, 0, 2000)
	if !f.Has("decision") && !f.Has("items") {
		switch in.Decision {
		case GatePass:
			for _, it := range in.Items {
				if !it.Done {
					f.Add("decision", "meth.gate.pass_needs_all")
					break
				}
			}
		case GateConditional:
			if in.Comment == "" && !f.Has("comment") {
				f.Add("comment", "meth.gate.actions_required")
			}
		case GateFail:
			if in.Comment == "" && !f.Has("comment") {
				f.Add("comment", "meth.gate.reason_required")
			}
		}
	}
	if in.Version <= 0 {
		f.Add("version", "validate.required")
	}
	return f.Err()
}

// Milestone statuses.
const (
	MilestoneOpen = "open"
	MilestoneDone = "done"
)

// Milestone is a dated checkpoint of a project.
type Milestone struct {
	ID              int64  `json:"id"`
	ProjectID       int64  `json:"project_id"`
	PhaseID         *int64 `json:"phase_id"`
	PhaseName       string `json:"phase_name"`
	Name            string `json:"name"`
	DueDate         string `json:"due_date" format:"date"`
	OwnerID         *int64 `json:"owner_id"`
	OwnerName       string `json:"owner_name"`
	Status          string `json:"status" enum:"open,done"`
	DoneDate        string `json:"done_date" format:"date"`
	CustomerVisible bool   `json:"customer_visible"`
	Overdue         bool   `json:"overdue"`
	Version         int64  `json:"version"`
}

func (m Milestone) auditView() map[string]any {
	return map[string]any{"name": m.Name, "due_date": m.DueDate, "owner_id": m.OwnerID, "status": m.Status, "customer_visible": m.CustomerVisible, "phase_id": m.PhaseID}
}

// MilestoneInput creates or edits a milestone.
type MilestoneInput struct {
	Name            string `json:"name" maxLength:"200"`
	PhaseID         int64  `json:"phase_id"`
	DueDate         string `json:"due_date" format:"date"`
	OwnerID         int64  `json:"owner_id"`
	Status          string `json:"status" enum:"open,done"`
	CustomerVisible bool   `json:"customer_visible"`
	Version         int64  `json:"version"`
}

func (in *MilestoneInput) Validate(update bool) error {
	var f apperr.Fields
	validate.Line(&f, "name", &in.Name, 1, 200)
	validate.Date(&f, "due_date", &in.DueDate, true)
	if in.Status == "" {
		in.Status = MilestoneOpen
	}
	validate.Enum(&f, "status", in.Status, MilestoneOpen, MilestoneDone)
	if in.PhaseID < 0 {
		f.Add("phase_id", "meth.phase_unknown")
	}
	if in.OwnerID < 0 {
		f.Add("owner_id", "meth.not_member")
	}
	if update && in.Version <= 0 {
		f.Add("version", "validate.required")
	}
	return f.Err()
}

// Deliverable statuses: the vendor submits, the customer accepts or
// rejects; a rejected deliverable is reworked and submitted again.
const (
	DeliverablePending   = "pending"
	DeliverableSubmitted = "submitted"
	DeliverableAccepted  = "accepted"
	DeliverableRejected  = "rejected"
)

// Deliverable is a document or result handed to the customer.
type Deliverable struct {
	ID              int64  `json:"id"`
	ProjectID       int64  `json:"project_id"`
	PhaseID         *int64 `json:"phase_id"`
	PhaseName       string `json:"phase_name"`
	Name            string `json:"name"`
	Description     string `json:"description"`
	DueDate         string `json:"due_date" format:"date"`
	OwnerID         *int64 `json:"owner_id"`
	OwnerName       string `json:"owner_name"`
	Status          string `json:"status" enum:"pending,submitted,accepted,rejected"`
	ReviewedBy      *int64 `json:"reviewed_by"`
	ReviewerName    string `json:"reviewed_by_name"`
	ReviewedMS      *int64 `json:"reviewed_ms"`
	ReviewComment   string `json:"review_comment"`
	CustomerVisible bool   `json:"customer_visible"`
	Overdue         bool   `json:"overdue"`
	Version         int64  `json:"version"`
}

func (d Deliverable) auditView() map[string]any {
	return map[string]any{"name": d.Name, "due_date": d.DueDate, "owner_id": d.OwnerID, "status": d.Status, "customer_visible": d.CustomerVisible,
		"phase_id": d.PhaseID, "review_comment": d.ReviewComment}
}

// DeliverableInput creates or edits a deliverable (not its status: that
// moves through submit, accept and reject).
type DeliverableInput struct {
	Name            string `json:"name" maxLength:"200"`
	Description     string `json:"description" maxLength:"2000"`
	PhaseID         int64  `json:"phase_id"`
	DueDate         string `json:"due_date" format:"date"`
	OwnerID         int64  `json:"owner_id"`
	CustomerVisible bool   `json:"customer_visible"`
	Version         int64  `json:"version"`
}

func (in *DeliverableInput) Validate(update bool) error {
	var f apperr.Fields
	validate.Line(&f, "name", &in.Name, 1, 200)
	validate.Text(&f, "description", &in.Description, 0, 2000)
	validate.Date(&f, "due_date", &in.DueDate, false)
	if in.PhaseID < 0 {
		f.Add("phase_id", "meth.phase_unknown")
	}
	if in.OwnerID < 0 {
		f.Add("owner_id", "meth.not_member")
	}
	if update && in.Version <= 0 {
		f.Add("version", "validate.required")
	}
	return f.Err()
}

// ReviewInput accepts or rejects a submitted deliverable; a rejection must
// say why.
type ReviewInput struct {
	Comment string `json:"comment" maxLength:"2000"`
	Version int64  `json:"version"`
}

func (in *ReviewInput) Validate(reject bool) error {
	var f apperr.Fields
	validate.Text(&f, "comment", &in.Comment, 0, 2000)
	if reject && in.Comment == "" && !f.Has("comment") {
		f.Add("comment", "meth.deliv.reason_required")
	}
	if in.Version <= 0 {
		f.Add("version", "validate.required")
	}
	return f.Err()
}

// VersionInput carries only the version a state change was read at.
type VersionInput struct {
	Version int64 `json:"version"`
}

func (in *VersionInput) Validate() error {
	if in.Version <= 0 {
		return apperr.InvalidField("version", "validate.required")
	}
	return nil
}

// ApplyInput turns a template into a project's plan.
type ApplyInput struct {
	TemplateID int64    `json:"template_id"`
	StartDate  string   `json:"start_date" format:"date"`
	GoLiveDate string   `json:"golive_date" format:"date"`
	Modules    []string `json:"modules"`
	Lang       string   `json:"lang" enum:"zh-CN,en"`
}

func (in *ApplyInput) Validate() error {
	var f apperr.Fields
	if in.TemplateID <= 0 {
		f.Add("template_id", "validate.required")
	}
	validate.Date(&f, "start_date", &in.StartDate, true)
	validate.Date(&f, "golive_date", &in.GoLiveDate, false)
	if !f.Has("start_date") && !f.Has("golive_date") && in.GoLiveDate != "" && in.GoLiveDate < in.StartDate {
		f.Add("golive_date", "meth.apply.golive_before_start")
	}
	in.Lang = strings.TrimSpace(in.Lang)
	if in.Lang == "" {
		in.Lang = "zh-CN"
	}
	validate.Enum(&f, "lang", in.Lang, "zh-CN", "en")
	seen := map[string]bool{}
	mods := in.Modules[:0:0]
	for _, m := range in.Modules {
		if m = strings.TrimSpace(m); m != "" && !seen[m] {
			seen[m] = true
			mods = append(mods, m)
		}
	}
	in.Modules = mods
	if len(mods) > maxItemsPerList {
		f.Add("modules", "meth.tpl.too_many", maxItemsPerList)
	}
	return f.Err()
}

// ApplyResult summarises what a template generated.
type ApplyResult struct {
	ProjectID    int64   `json:"project_id"`
	TemplateID   int64   `json:"template_id"`
	Phases       int     `json:"phases"`
	Milestones   int     `json:"milestones"`
	Deliverables int     `json:"deliverables"`
	Tasks        int     `json:"tasks"`
	Dependencies int     `json:"dependencies"`
	RACI         int     `json:"raci_activities"`
	StartDate    string  `json:"start_date" format:"date"`
	EndDate      string  `json:"end_date" format:"date"`
	Scale        float64 `json:"scale"`
}
