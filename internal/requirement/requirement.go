package requirement

import (
	"fmt"
	"net/url"
	"strings"

	"golive/internal/apperr"
	"golive/internal/validate"
)

// Priorities in MoSCoW order: 必须做, 应该做, 可延后, 不做.
const (
	PriorityMust   = "must"
	PriorityShould = "should"
	PriorityCould  = "could"
	PriorityWont   = "wont"
)

// Priorities lists the priorities in display order.
var Priorities = []string{PriorityMust, PriorityShould, PriorityCould, PriorityWont}

// Statuses of a requirement.
const (
	StatusDraft       = "draft"
	StatusReview      = "review"
	StatusConfirmed   = "confirmed"
	StatusImplemented = "implemented"
	StatusAccepted    = "accepted"
	StatusRejected    = "rejected"
	StatusChanging    = "changing"
)

// Statuses lists the statuses in display order.
var Statuses = []string{StatusDraft, StatusReview, StatusConfirmed, StatusImplemented, StatusAccepted, StatusRejected, StatusChanging}

// Source kinds: where a requirement came from.
const (
	SourceQuestionnaire = "questionnaire"
	SourceInterview     = "interview"
	SourceObservation   = "observation"
	SourceMeeting       = "meeting"
	SourceTicket        = "ticket"
	SourceChange        = "change_request"
)

// SourceKinds lists the source kinds ("" is "entered directly").
var SourceKinds = []string{SourceQuestionnaire, SourceInterview, SourceObservation, SourceMeeting, SourceTicket, SourceChange}

// Locked reports whether a status is agreed scope: only change control
// changes such a requirement.
func Locked(status string) bool {
	switch status {
	case StatusConfirmed, StatusImplemented, StatusAccepted, StatusChanging:
		return true
	}
	return false
}

// InScope reports whether a status belongs to the confirmed scope (what
// Content returns).
func InScope(status string) bool { return Locked(status) }

// Requirement is one entry of the pool.
type Requirement struct {
	ID              int64   `json:"id"`
	ProjectID       int64   `json:"project_id"`
	Number          int64   `json:"number"`
	Title           string  `json:"title"`
	Description     string  `json:"description"`
	Module          string  `json:"module"`
	SourceKind      string  `json:"source_kind"`
	SourceID        int64   `json:"source_id"`
	SourceRef       string  `json:"source_ref"`
	SourceURL       string  `json:"source_url"`
	RaisedBy        string  `json:"raised_by"`
	Acceptance      string  `json:"acceptance"`
	Priority        string  `json:"priority" enum:"must,should,could,wont"`
	Value           int     `json:"value"`
	Effort          int     `json:"effort"`
	Status          string  `json:"status" enum:"draft,review,confirmed,implemented,accepted,rejected,changing"`
	CustomerVisible bool    `json:"customer_visible"`
	Rank            float64 `json:"rank"`
	CreatedBy       *int64  `json:"created_by"`
	CreatedMS       int64   `json:"created_ms"`
	UpdatedMS       int64   `json:"updated_ms"`
	DeletedMS       *int64  `json:"deleted_ms,omitempty"`
	Version         int64   `json:"version"`
	// Functions are the functions mapped to it (Get and lists).
	Functions []FunctionRef `json:"functions"`
}

// Ref is the display number, REQ-001.
func (r Requirement) Ref() string { return ReqRef(r.Number) }

// ReqRef formats a requirement number.
func ReqRef(n int64) string { return fmt.Sprintf("REQ-%03d", n) }

// FuncRef formats a function number.
func FuncRef(n int64) string { return fmt.Sprintf("F-%03d", n) }

// Locked reports whether only change control may change it.
func (r Requirement) Locked() bool { return Locked(r.Status) }

func (r Requirement) auditView() map[string]any {
	return map[string]any{"number": r.Number, "title": r.Title, "description": r.Description, "module": r.Module,
		"source_kind": r.SourceKind, "source_id": r.SourceID, "source_ref": r.SourceRef, "source_url": r.SourceURL,
		"raised_by": r.RaisedBy, "acceptance": r.Acceptance, "priority": r.Priority, "value": r.Value, "effort": r.Effort,
		"status": r.Status, "customer_visible": r.CustomerVisible}
}

// FunctionRef names a function from a requirement.
type FunctionRef struct {
	ID     int64  `json:"id"`
	Number int64  `json:"number"`
	Title  string `json:"title"`
	Type   string `json:"type"`
}

// Ref is F-001.
func (f FunctionRef) Ref() string { return FuncRef(f.Number) }

// Input creates or edits a requirement. Number is for creation only (0:
// the next free number); Version is required for an edit.
type Input struct {
	Number          int64  `json:"number,omitempty" minimum:"0"`
	Title           string `json:"title" maxLength:"200"`
	Description     string `json:"description" maxLength:"20000"`
	Module          string `json:"module" maxLength:"60"`
	SourceKind      string `json:"source_kind" enum:",questionnaire,interview,observation,meeting,ticket,change_request"`
	SourceID        int64  `json:"source_id,omitempty" minimum:"0"`
	SourceRef       string `json:"source_ref" maxLength:"200"`
	SourceURL       string `json:"source_url" maxLength:"500"`
	RaisedBy        string `json:"raised_by" maxLength:"60"`
	Acceptance      string `json:"acceptance" maxLength:"5000"`
	Priority        string `json:"priority" enum:"must,should,could,wont"`
	Value           int    `json:"value" minimum:"1" maximum:"5"`
	Effort          int    `json:"effort" minimum:"1" maximum:"5"`
	CustomerVisible bool   `json:"customer_visible"`
	Version         int64  `json:"version,omitempty"`
}

// MaxNumber bounds a requirement or function number.
const MaxNumber = 99999

// Validate normalises and checks what needs no database. Missing
// priority, value and effort take their defaults (should, 3, 3).
func (in *Input) Validate() error {
	var f apperr.Fields
	in.check(&f)
	return f.Err()
}

func (in *Input) check(f *apperr.Fields) {
	if in.Number < 0 || in.Number > MaxNumber {
		f.Add("number", "requirement.err_number", MaxNumber)
	}
	validate.Line(f, "title", &in.Title, 1, 200)
	validate.Text(f, "description", &in.Description, 0, 20000)
	validate.Line(f, "module", &in.Module, 0, 60)
	in.SourceKind = strings.TrimSpace(in.SourceKind)
	if in.SourceKind != "" {
		validate.Enum(f, "source_kind", in.SourceKind, SourceKinds...)
	}
	if in.SourceID < 0 {
		f.Add("source_id", "requirement.err_source_id")
	}
	validate.Line(f, "source_ref", &in.SourceRef, 0, 200)
	validate.Line(f, "source_url", &in.SourceURL, 0, 500)
	if !f.Has("source_url") && in.SourceURL != "" && !safeURL(in.SourceURL) {
		f.Add("source_url", "requirement.err_url")
	}
	validate.Line(f, "raised_by", &in.RaisedBy, 0, 60)
	validate.Text(f, "acceptance", &in.Acceptance, 0, 5000)
	in.Priority = strings.TrimSpace(in.Priority)
	if in.Priority == "" {
		in.Priority = PriorityShould
	}
	validate.Enum(f, "priority", in.Priority, Priorities...)
	if in.Value == 0 {
		in.Value = 3
	}
	if in.Effort == 0 {
		in.Effort = 3
	}
	if in.Value < 1 || in.Value > 5 {
		f.Add("value", "requirement.err_score")
	}
	if in.Effort < 1 || in.Effort > 5 {
		f.Add("effort", "requirement.err_score")
	}
}

// ValidateUpdate is Validate plus the version an edit must carry.
func (in *Input) ValidateUpdate() error {
	var f apperr.Fields
	in.check(&f)
	if in.Version <= 0 {
		f.Add("version", "validate.required")
	}
	return f.Err()
}

// safeURL accepts a path of this site or an http(s) address: a link
// shown on a page must never run script.
func safeURL(s string) bool {
	if strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//") && !strings.HasPrefix(s, "/\\") {
		return true
	}
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	return (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// SourceDraft is what another module (research: a questionnaire answer,
// an interview sentence) hands over to become a draft requirement.
type SourceDraft struct {
	Title, Description, SourceKind string
	SourceID                       int64
	SourceRef, SourceURL           string
}

// Review actions.
const (
	ActionSubmit    = "submit"    // draft → review (consultant)
	ActionConfirm   = "confirm"   // review → confirmed (customer PM)
	ActionClarify   = "clarify"   // review → draft, comment required (customer PM)
	ActionReject    = "reject"    // review → rejected, comment required (customer PM)
	ActionImplement = "implement" // confirmed → implemented (consultant)
	ActionAccept    = "accept"    // implemented → accepted (customer PM)
	ActionReopen    = "reopen"    // rejected → draft (consultant)
)

type step struct {
	from          []string
	to            string
	review        bool // the customer's side (RequirementReview) rather than RequirementEdit
	commentNeeded bool
}

var steps = map[string]step{
	ActionSubmit:    {from: []string{StatusDraft}, to: StatusReview},
	ActionConfirm:   {from: []string{StatusReview}, to: StatusConfirmed, review: true},
	ActionClarify:   {from: []string{StatusReview}, to: StatusDraft, review: true, commentNeeded: true},
	ActionReject:    {from: []string{StatusReview}, to: StatusRejected, review: true, commentNeeded: true},
	ActionImplement: {from: []string{StatusConfirmed}, to: StatusImplemented},
	ActionAccept:    {from: []string{StatusImplemented}, to: StatusAccepted, review: true},
	ActionReopen:    {from: []string{StatusRejected}, to: StatusDraft},
}

// ReviewInput moves one or more requirements a step (bulk submit, bulk
// confirm). Versions, when given, must match (one per id, same order).
type ReviewInput struct {
	IDs      []int64 `json:"ids"`
	Versions []int64 `json:"versions,omitempty"`
	Action   string  `json:"action" enum:"submit,confirm,clarify,reject,implement,accept,reopen"`
	Comment  string  `json:"comment" maxLength:"2000"`
}

// MaxBulk bounds a bulk review.
const MaxBulk = 500

// Validate checks the input.
func (in *ReviewInput) Validate() error {
	var f apperr.Fields
	st, ok := steps[in.Action]
	if !ok {
		f.Add("action", "validate.enum")
	}
	if len(in.IDs) == 0 {
		f.Add("ids", "requirement.err_none_selected")
	} else if len(in.IDs) > MaxBulk {
		f.Add("ids", "requirement.err_too_many", MaxBulk)
	}
	if len(in.Versions) != 0 && len(in.Versions) != len(in.IDs) {
		f.Add("versions", "requirement.err_versions")
	}
	validate.Text(&f, "comment", &in.Comment, 0, 2000)
	if ok && st.commentNeeded && in.Comment == "" && !f.Has("comment") {
		f.Add("comment", "requirement.err_comment_needed")
	}
	return f.Err()
}

// ReviewEntry is one line of a requirement's review log.
type ReviewEntry struct {
	ID         int64  `json:"id"`
	Action     string `json:"action"`
	FromStatus string `json:"from_status"`
	ToStatus   string `json:"to_status"`
	Comment    string `json:"comment"`
	ActorName  string `json:"actor_name"`
	AtMS       int64  `json:"at_ms"`
}

// MoveInput is a drop in the priority matrix: the requirement goes to
// Priority, and Order is the target column's order of ids after the drop
// (the moved one included; others not in the column are ignored).
type MoveInput struct {
	Priority string  `json:"priority" enum:"must,should,could,wont"`
	Order    []int64 `json:"order"`
	Version  int64   `json:"version"`
}

// Validate checks the input.
func (in *MoveInput) Validate() error {
	var f apperr.Fields
	validate.Enum(&f, "priority", in.Priority, Priorities...)
	if len(in.Order) > 5000 {
		f.Add("order", "requirement.err_too_many", 5000)
	}
	if in.Version <= 0 {
		f.Add("version", "validate.required")
	}
	return f.Err()
}

// Filter narrows the pool list.
type Filter struct {
	Status   string
	Priority string
	Module   string
	Source   string
	Text     string
}

// Validate refuses unknown filter values (so a typo is not an empty list).
func (f *Filter) Validate() error {
	var fs apperr.Fields
	if f.Status != "" {
		validate.Enum(&fs, "status", f.Status, Statuses...)
	}
	if f.Priority != "" {
		validate.Enum(&fs, "priority", f.Priority, Priorities...)
	}
	if f.Source != "" && f.Source != "direct" {
		validate.Enum(&fs, "source", f.Source, SourceKinds...)
	}
	validate.Line(&fs, "module", &f.Module, 0, 60)
	validate.Line(&fs, "q", &f.Text, 0, 100)
	return fs.Err()
}
