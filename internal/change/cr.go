package change

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/db"
	"golive/internal/validate"
)

// Status of a change request: Pending ("open") while the board votes,
// then one of the outcomes, or withdrawn by its requester or the PM.
const StatusWithdrawn = "withdrawn"

// Sources of a change request: which side asked for it.
var Sources = []string{"customer", "vendor"}

// Urgencies in display order.
var Urgencies = []string{"low", "normal", "high", "urgent"}

// Targets and operations of an affected item.
var (
	Targets = []string{"requirement", "function"}
	Ops     = []string{"add", "change", "remove"}
)

// Values are the proposed values of an added or changed item: the
// requirement fields for a requirement, the function fields for a function.
type Values struct {
	Title        string  `json:"title,omitempty" maxLength:"200"`
	Description  string  `json:"description,omitempty" maxLength:"5000"`
	Module       string  `json:"module,omitempty" maxLength:"100"`
	Priority     string  `json:"priority,omitempty" enum:"must,should,could,wont"`
	Acceptance   string  `json:"acceptance,omitempty" maxLength:"5000"`
	Value        int64   `json:"value,omitempty" minimum:"0" maximum:"5"`
	Effort       int64   `json:"effort,omitempty" minimum:"0" maximum:"5"`
	Name         string  `json:"name,omitempty" maxLength:"200"`
	Kind         string  `json:"kind,omitempty" enum:"standard,config,custom,report,interface,data"`
	EffortTenths int64   `json:"effort_tenths,omitempty" minimum:"0"`
	ReqIDs       []int64 `json:"req_ids,omitempty"` // requirements a function serves
}

// Priorities and function kinds a change may propose.
var (
	Priorities = []string{"must", "should", "could", "wont"}
	FuncKinds  = []string{"standard", "config", "custom", "report", "interface", "data"}
)

// Item is one requirement or function a change request adds, changes or
// removes.
type Item struct {
	Target     string `json:"target" enum:"requirement,function"`
	Op         string `json:"op" enum:"add,change,remove"`
	TargetID   int64  `json:"target_id"` // the existing item (change, remove)
	Number     string `json:"number"`    // REQ-003 / FN-002 (added items: once applied)
	Label      string `json:"label"`     // its title as it stood
	Values     Values `json:"values"`
	PrevStatus string `json:"prev_status,omitempty"` // a requirement's status before 变更中
}

// VoteRow is a cast vote as shown.
type VoteRow struct {
	UserID    int64  `json:"user_id"`
	Name      string `json:"name"`
	Vote      Vote   `json:"vote"`
	Comment   string `json:"comment"`
	CreatedMS int64  `json:"created_ms"`
}

// CR is a change request (变更申请).
type CR struct {
	ID              int64     `json:"id"`
	ProjectID       int64     `json:"project_id"`
	Number          int       `json:"number"`
	Code            string    `json:"code"` // CR-001
	Title           string    `json:"title"`
	Description     string    `json:"description"`
	Reason          string    `json:"reason"`
	Source          string    `json:"source"`
	RequestedBy     int64     `json:"requested_by"`
	RequestedByName string    `json:"requested_by_name"`
	Urgency         string    `json:"urgency"`
	Standard        bool      `json:"standard"`
	EffortTenths    int64     `json:"effort_tenths"`
	ScheduleDays    int       `json:"schedule_days"`
	EndBefore       string    `json:"end_before"`
	EndAfter        string    `json:"end_after"`
	CostMinor       *int64    `json:"cost_minor,omitempty"` // PM, finance, admin only
	Status          string    `json:"status"`
	Board           Board     `json:"board"`
	DecisionNote    string    `json:"decision_note"`
	DecidedBy       *int64    `json:"decided_by,omitempty"`
	DecidedMS       *int64    `json:"decided_ms,omitempty"`
	BaselineID      *int64    `json:"baseline_id,omitempty"`
	CreatedMS       int64     `json:"created_ms"`
	Version         int64     `json:"version"`
	Items           []Item    `json:"items"`
	TaskIDs         []int64   `json:"task_ids"`
	Votes           []VoteRow `json:"votes"`
}

// Open reports whether the board may still vote.
func (c CR) Open() bool { return c.Status == string(Pending) }

// CodeOf formats a request number.
func CodeOf(n int) string { return fmt.Sprintf("CR-%03d", n) }

// ItemInput names an affected item and its proposed values.
type ItemInput struct {
	Target   string `json:"target" enum:"requirement,function"`
	Op       string `json:"op" enum:"add,change,remove"`
	TargetID int64  `json:"target_id"`
	Values   Values `json:"values"`
}

// CRInput opens a change request.
type CRInput struct {
	Title        string      `json:"title" maxLength:"200"`
	Description  string      `json:"description" maxLength:"20000"`
	Reason       string      `json:"reason" maxLength:"5000"`
	Source       string      `json:"source" enum:"customer,vendor"` // default: the caller's side
	RequestedBy  int64       `json:"requested_by"`                  // 0: the caller
	Urgency      string      `json:"urgency" enum:"low,normal,high,urgent"`
	Standard     bool        `json:"standard"` // a standard change the PM may approve alone
	EffortTenths int64       `json:"effort_tenths" minimum:"0"`
	CostMinor    int64       `json:"cost_minor" minimum:"0"`
	TaskIDs      []int64     `json:"task_ids"` // plan tasks the change delays
	Items        []ItemInput `json:"items"`
}

const maxItems = 200

// Validate normalises and checks what does not need the database.
func (in *CRInput) Validate() error {
	var f apperr.Fields
	validate.Line(&f, "title", &in.Title, 1, 200)
	validate.Text(&f, "description", &in.Description, 0, 20000)
	validate.Text(&f, "reason", &in.Reason, 0, 5000)
	if in.Urgency == "" {
		in.Urgency = "normal"
	}
	validate.Enum(&f, "urgency", in.Urgency, Urgencies...)
	if in.Source != "" {
		validate.Enum(&f, "source", in.Source, Sources...)
	}
	if in.EffortTenths < 0 || in.EffortTenths > 10_000_000 {
		f.Add("effort_tenths", "validate.not_negative")
	}
	if in.CostMinor < 0 || in.CostMinor > 1e15 {
		f.Add("cost_minor", "validate.not_negative")
	}
	if len(in.TaskIDs) > 500 {
		f.Add("task_ids", "validate.too_long", 500)
	}
	if len(in.Items) > maxItems {
		f.Add("items", "validate.too_long", maxItems)
	}
	for i := range in.Items {
		it := &in.Items[i]
		key := "items." + strconv.Itoa(i)
		if !slices.Contains(Targets, it.Target) {
			f.Add(key+".target", "validate.enum")
			continue
		}
		if !slices.Contains(Ops, it.Op) {
			f.Add(key+".op", "validate.enum")
			continue
		}
		if it.Op != "add" && it.TargetID <= 0 {
			f.Add(key+".target_id", "validate.required")
		}
		if it.Op == "add" {
			it.TargetID = 0
		}
		if it.Op == "remove" {
			it.Values = Values{}
			continue
		}
		v := &it.Values
		if it.Target == "requirement" {
			validate.Line(&f, key+".title", &v.Title, 1, 200)
			validate.Text(&f, key+".description", &v.Description, 0, 5000)
			validate.Line(&f, key+".module", &v.Module, 0, 100)
			validate.Text(&f, key+".acceptance", &v.Acceptance, 0, 5000)
			if v.Priority == "" {
				v.Priority = "should"
			}
			validate.Enum(&f, key+".priority", v.Priority, Priorities...)
			if v.Value == 0 {
				v.Value = 3
			}
			if v.Effort == 0 {
				v.Effort = 3
			}
			if v.Value < 1 || v.Value > 5 {
				f.Add(key+".value", "change.score_range")
			}
			if v.Effort < 1 || v.Effort > 5 {
				f.Add(key+".effort", "change.score_range")
			}
			v.Name, v.Kind, v.EffortTenths, v.ReqIDs = "", "", 0, nil
		} else {
			validate.Line(&f, key+".name", &v.Name, 1, 200)
			validate.Text(&f, key+".description", &v.Description, 0, 5000)
			validate.Enum(&f, key+".kind", v.Kind, FuncKinds...)
			if v.EffortTenths < 0 || v.EffortTenths > 1_000_000 {
				f.Add(key+".effort_tenths", "validate.not_negative")
			}
			v.Title, v.Module, v.Priority, v.Acceptance, v.Value, v.Effort = "", "", "", "", 0, 0
		}
	}
	return f.Err()
}

// VoteInput is a board member's vote.
type VoteInput struct {
	Vote    Vote   `json:"vote" enum:"approve,reject,defer"`
	Comment string `json:"comment" maxLength:"2000"`
}

func (in *VoteInput) Validate() error {
	var f apperr.Fields
	validate.Enum(&f, "vote", in.Vote, Votes...)
	validate.Text(&f, "comment", &in.Comment, 0, 2000)
	if in.Vote == VoteReject && in.Comment == "" {
		f.Add("comment", "change.reject_needs_reason")
	}
	return f.Err()
}

// DecideInput closes a vote (the PM or the chair) or pre-approves a
// standard change (the PM); Version guards against a concurrent change.
type DecideInput struct {
	Note    string `json:"note" maxLength:"2000"`
	Version int64  `json:"version"`
}

func (in *DecideInput) Validate() error {
	var f apperr.Fields
	validate.Text(&f, "note", &in.Note, 0, 2000)
	if in.Version <= 0 {
		f.Add("version", "validate.required")
	}
	return f.Err()
}

// NewFunc is a function an approved change added, for the tasks it needs.
type NewFunc struct {
	ID           int64
	Number       string
	Name         string
	Kind         string
	EffortTenths int64
}

// Pool is what change control needs from the requirement pool
// (internal/requirement); poolAdapter implements it over that service.
// The tx methods run inside the change's transaction.
type Pool interface {
	// Content reads the confirmed (and changing) requirements with the
	// function list and mappings, as a baseline would state them.
	Content(ctx context.Context, p *access.Principal, projectID int64) (Content, error)
	// Lookup finds an existing requirement or function of the project:
	// its number, title and (requirements) status; not_found otherwise.
	Lookup(ctx context.Context, q db.Q, projectID int64, target string, id int64) (number, title, status string, err error)
	// SetStatusTx sets a requirement's status (变更中 while a change is
	// open, back to its previous status when it is not approved).
	SetStatusTx(ctx context.Context, tx *db.Tx, p *access.Principal, projectID, reqID int64, status string) error
	// ApplyTx performs one approved item and returns its number (a new
	// one for an added item) and, for an added function, what tasks need.
	ApplyTx(ctx context.Context, tx *db.Tx, p *access.Principal, projectID int64, cr CR, it Item) (number string, fn *NewFunc, err error)
	// Changing is the status a requirement has while a change touches it.
	Changing() string
}
