package requirement

// Methods for other modules' services (change control) that run inside
// the caller's transaction. They do NO permission check: the caller
// checked. They validate their input, write the audit row (actor p; nil
// records "system") and refuse unknown or deleted rows as not found.

import (
	"context"
	"sort"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
)

// RequirementTx reads a live requirement of the project inside the
// caller's transaction (internal ones included; no permission check).
func (s *Service) RequirementTx(ctx context.Context, tx *db.Tx, projectID, id int64) (Requirement, error) {
	r, err := loadReq(ctx, tx, projectID, id, true)
	if err != nil {
		return r, err
	}
	rs := []Requirement{r}
	if err := attachFunctions(ctx, tx, projectID, rs); err != nil {
		return r, apperr.Wrap(err)
	}
	return rs[0], nil
}

// FunctionTx reads a live function of the project inside the caller's
// transaction, with the requirements it serves (no permission check).
func (s *Service) FunctionTx(ctx context.Context, tx *db.Tx, projectID, id int64) (Function, error) {
	f, err := loadFunc(ctx, tx, projectID, id)
	if err != nil {
		return f, err
	}
	reqs, err := linkedReqIDs(ctx, tx, id)
	if err != nil {
		return f, apperr.Wrap(err)
	}
	for _, rid := range reqs {
		r, err := loadReq(ctx, tx, projectID, rid, true)
		if err != nil {
			continue // deleted meanwhile
		}
		f.Requirements = append(f.Requirements, ReqRefItem{ID: r.ID, Number: r.Number, Title: r.Title, Priority: r.Priority, Status: r.Status})
	}
	return f, nil
}

// AddRequirementTx adds a requirement in status (draft when ""; change
// control adds new scope as confirmed).
func (s *Service) AddRequirementTx(ctx context.Context, tx *db.Tx, p *access.Principal, projectID int64, in Input, status string) (Requirement, error) {
	if err := in.Validate(); err != nil {
		return Requirement{}, err
	}
	if status == "" {
		status = StatusDraft
	}
	if !validStatus(status) {
		return Requirement{}, apperr.InvalidField("status", "validate.enum")
	}
	return s.insert(ctx, tx, p, projectID, in, status)
}

// UpdateRequirementTx saves an edit of any requirement, agreed scope
// included; in.Version must match (0 skips the check: the caller holds
// its own baseline). The status stays; the number cannot change.
func (s *Service) UpdateRequirementTx(ctx context.Context, tx *db.Tx, p *access.Principal, projectID, id int64, in Input) (Requirement, error) {
	if err := in.Validate(); err != nil {
		return Requirement{}, err
	}
	before, err := loadReq(ctx, tx, projectID, id, true)
	if err != nil {
		return before, err
	}
	if in.Version != 0 && in.Version != before.Version {
		return Requirement{}, apperr.ConflictErr()
	}
	if in.Number != 0 && in.Number != before.Number {
		return Requirement{}, apperr.InvalidField("number", "requirement.err_number_fixed")
	}
	return s.update(ctx, tx, p, before, in)
}

// RemoveRequirementTx takes a requirement out of scope WITHOUT deleting
// it: priority becomes wont (不做) and status rejected (已拒绝), with a
// review-log line carrying comment. It stays listed and traceable and
// leaves Content.
func (s *Service) RemoveRequirementTx(ctx context.Context, tx *db.Tx, p *access.Principal, projectID, id int64, comment string) (Requirement, error) {
	r, err := loadReq(ctx, tx, projectID, id, true)
	if err != nil {
		return r, err
	}
	if _, err := tx.Exec(ctx, `UPDATE requirements SET priority = ? WHERE id = ?`, PriorityWont, id); err != nil {
		return r, err
	}
	before := r.Priority
	r.Priority = PriorityWont
	out, err := s.setStatus(ctx, tx, p, r, StatusRejected, "remove", comment)
	if err != nil {
		return out, err
	}
	return out, audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "requirement", EntityID: id, Action: "req_prioritize",
		Summary: out.Ref() + " " + out.Title, Before: map[string]any{"priority": before}, After: map[string]any{"priority": PriorityWont}, Internal: !out.CustomerVisible})
}

// SetStatusTx sets the status of requirements of the project (changing
// while a change request touches them, confirmed when it is decided),
// writing a review-log line and an audit row (actor "system": the change
// request's own records name the people). Unknown ids are not found.
func (s *Service) SetStatusTx(ctx context.Context, tx *db.Tx, projectID int64, reqIDs []int64, status string) error {
	if !validStatus(status) {
		return apperr.InvalidField("status", "validate.enum")
	}
	for _, id := range reqIDs {
		r, err := loadReq(ctx, tx, projectID, id, true)
		if err != nil {
			return err
		}
		if r.Status == status {
			continue
		}
		if _, err := s.setStatus(ctx, tx, nil, r, status, "change_control", ""); err != nil {
			return err
		}
	}
	return nil
}

func validStatus(st string) bool {
	for _, v := range Statuses {
		if v == st {
			return true
		}
	}
	return false
}

// AddFunctionTx adds a function mapped to in.RequirementIDs.
func (s *Service) AddFunctionTx(ctx context.Context, tx *db.Tx, p *access.Principal, projectID int64, in FunctionInput) (Function, error) {
	if err := in.Validate(); err != nil {
		return Function{}, err
	}
	if err := checkReqIDs(ctx, tx, projectID, in.RequirementIDs); err != nil {
		return Function{}, err
	}
	number := in.Number
	if number == 0 {
		n, err := nextNumber(ctx, tx, "functions", projectID)
		if err != nil {
			return Function{}, err
		}
		number = n
	} else if taken, err := numberTaken(ctx, tx, "functions", projectID, number); err != nil {
		return Function{}, err
	} else if taken {
		return Function{}, apperr.InvalidField("number", "requirement.err_fnumber_taken", FuncRef(number))
	}
	now := db.Now()
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO functions (project_id, number, title, description, type, effort_tenths, created_by, created_ms, updated_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, projectID, number, in.Title, in.Description, in.Type, in.EffortTenths, actorID(p), now, now).Scan(&id)
	if err != nil {
		if db.IsUnique(err) {
			return Function{}, apperr.InvalidField("number", "requirement.err_fnumber_taken", FuncRef(number))
		}
		return Function{}, err
	}
	for _, rid := range in.RequirementIDs {
		if err := link(ctx, tx, projectID, rid, id); err != nil {
			return Function{}, err
		}
	}
	f, err := loadFunc(ctx, tx, projectID, id)
	if err != nil {
		return f, err
	}
	after := f.auditView()
	after["requirement_ids"] = sortedIDs(in.RequirementIDs)
	return f, audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "req_function", EntityID: id, Action: "create", Summary: f.Ref() + " " + f.Title, After: after})
}

// UpdateFunctionTx saves an edit of a function and, when
// in.RequirementIDs is not nil, replaces its mapping. in.Version 0 skips
// the version check.
func (s *Service) UpdateFunctionTx(ctx context.Context, tx *db.Tx, p *access.Principal, projectID, id int64, in FunctionInput) (Function, error) {
	if err := in.Validate(); err != nil {
		return Function{}, err
	}
	before, err := loadFunc(ctx, tx, projectID, id)
	if err != nil {
		return before, err
	}
	if in.Version != 0 && in.Version != before.Version {
		return Function{}, apperr.ConflictErr()
	}
	if in.Number != 0 && in.Number != before.Number {
		return Function{}, apperr.InvalidField("number", "requirement.err_number_fixed")
	}
	res, err := tx.Exec(ctx, `UPDATE functions SET title = ?, description = ?, type = ?, effort_tenths = ?, updated_ms = ?, version = version + 1
		WHERE id = ? AND version = ? AND deleted_ms IS NULL`, in.Title, in.Description, in.Type, in.EffortTenths, db.Now(), id, before.Version)
	if err != nil {
		return Function{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Function{}, apperr.ConflictErr()
	}
	b, a := before.auditView(), map[string]any{}
	if in.RequirementIDs != nil {
		if err := checkReqIDs(ctx, tx, projectID, in.RequirementIDs); err != nil {
			return Function{}, err
		}
		old, err := linkedReqIDs(ctx, tx, id)
		if err != nil {
			return Function{}, err
		}
		b["requirement_ids"] = old
		if _, err := tx.Exec(ctx, `DELETE FROM req_functions WHERE function_id = ?`, id); err != nil {
			return Function{}, err
		}
		for _, rid := range in.RequirementIDs {
			if err := link(ctx, tx, projectID, rid, id); err != nil {
				return Function{}, err
			}
		}
		a["requirement_ids"] = sortedIDs(in.RequirementIDs)
	}
	f, err := loadFunc(ctx, tx, projectID, id)
	if err != nil {
		return f, err
	}
	for k, v := range f.auditView() {
		a[k] = v
	}
	return f, audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "req_function", EntityID: id, Action: "update", Summary: f.Ref() + " " + f.Title, Before: b, After: a})
}

// RemoveFunctionTx soft-deletes a function (it can be restored from the
// trash; its mapping and task links come back with it). Content leaves it
// out.
func (s *Service) RemoveFunctionTx(ctx context.Context, tx *db.Tx, p *access.Principal, projectID, id int64) error {
	f, err := loadFunc(ctx, tx, projectID, id)
	if err != nil {
		return err
	}
	now := db.Now()
	if _, err := tx.Exec(ctx, `UPDATE functions SET deleted_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ?`, now, now, id); err != nil {
		return err
	}
	return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "req_function", EntityID: id, Action: "delete", Summary: f.Ref() + " " + f.Title, Before: f.auditView()})
}

// LinkTx maps a requirement to a function of the same project (a link
// that exists already is left as it is).
func (s *Service) LinkTx(ctx context.Context, tx *db.Tx, projectID, reqID, funcID int64) error {
	if _, err := loadReq(ctx, tx, projectID, reqID, true); err != nil {
		return err
	}
	f, err := loadFunc(ctx, tx, projectID, funcID)
	if err != nil {
		return err
	}
	if err := link(ctx, tx, projectID, reqID, funcID); err != nil {
		return err
	}
	return audit.Record(ctx, tx, nil, audit.Entry{ProjectID: projectID, Entity: "req_function", EntityID: funcID, Action: "fn_link",
		Summary: f.Ref() + " " + f.Title, After: map[string]any{"requirement_id": reqID}})
}

// UnlinkTx removes a requirement–function mapping (absent: nothing).
func (s *Service) UnlinkTx(ctx context.Context, tx *db.Tx, projectID, reqID, funcID int64) error {
	res, err := tx.Exec(ctx, `DELETE FROM req_functions WHERE project_id = ? AND requirement_id = ? AND function_id = ?`, projectID, reqID, funcID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return audit.Record(ctx, tx, nil, audit.Entry{ProjectID: projectID, Entity: "req_function", EntityID: funcID, Action: "fn_unlink",
		Before: map[string]any{"requirement_id": reqID}})
}

func link(ctx context.Context, tx *db.Tx, projectID, reqID, funcID int64) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM req_functions WHERE requirement_id = ? AND function_id = ?`, reqID, funcID).Scan(&one)
	if err == nil {
		return nil
	}
	_, err = tx.Exec(ctx, `INSERT INTO req_functions (project_id, requirement_id, function_id, created_ms) VALUES (?, ?, ?, ?)`, projectID, reqID, funcID, db.Now())
	return err
}

func linkedReqIDs(ctx context.Context, tx *db.Tx, funcID int64) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT requirement_id FROM req_functions WHERE function_id = ? ORDER BY requirement_id`, funcID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func sortedIDs(ids []int64) []int64 {
	out := append([]int64{}, ids...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Content is the agreed scope of a project, what a requirements
// confirmation baseline freezes: the requirements in scope (status
// confirmed, implemented, accepted or changing; not draft, review,
// rejected or deleted) by number, the live functions by number (those
// mapped to no requirement in scope included), and the mapping between
// them as (requirement number, function number) pairs in order. Every
// slice is non-nil. Texts are as stored (trimmed on input). Database ids
// are not marshalled, so json.Marshal of a Content is the same on every
// database for the same scope (TestContentJSONStable).
type Content struct {
	Requirements []ContentRequirement `json:"requirements"`
	Functions    []ContentFunction    `json:"functions"`
	Links        []ContentLink        `json:"links"`
}

// ContentRequirement is a requirement as a baseline records it. Status
// moves along (confirmed → implemented) without changing the agreement,
// so a canonical hash of scope may leave it out.
type ContentRequirement struct {
	ID              int64  `json:"-"` // for lookups; the number identifies it in a baseline
	Number          int64  `json:"number"`
	Ref             string `json:"ref"`
	Title           string `json:"title"`
	Description     string `json:"description"`
	Module          string `json:"module"`
	Acceptance      string `json:"acceptance"`
	Priority        string `json:"priority"`
	Value           int    `json:"value"`
	Effort          int    `json:"effort"`
	Status          string `json:"status"`
	SourceKind      string `json:"source_kind"`
	SourceRef       string `json:"source_ref"`
	RaisedBy        string `json:"raised_by"`
	CustomerVisible bool   `json:"customer_visible"`
}

// ContentFunction is a function as a baseline records it.
type ContentFunction struct {
	ID           int64  `json:"-"` // for lookups; the number identifies it in a baseline
	Number       int64  `json:"number"`
	Ref          string `json:"ref"`
	Title        string `json:"title"`
	Description  string `json:"description"`
	Type         string `json:"type"`
	EffortTenths int64  `json:"effort_tenths"`
}

// ContentLink maps a requirement to a function, by number.
type ContentLink struct {
	Requirement int64 `json:"requirement"`
	Function    int64 `json:"function"`
}

// Content reads the agreed scope of a project (no permission check: the
// caller checked). Links only join requirements in scope and live
// functions.
func (s *Service) Content(ctx context.Context, projectID int64) (Content, error) {
	return content(ctx, s.db, projectID)
}

// ContentTx is Content read inside the caller's transaction.
func (s *Service) ContentTx(ctx context.Context, tx *db.Tx, projectID int64) (Content, error) {
	return content(ctx, tx, projectID)
}

func content(ctx context.Context, q db.Q, projectID int64) (Content, error) {
	c := Content{Requirements: []ContentRequirement{}, Functions: []ContentFunction{}, Links: []ContentLink{}}
	rs, err := queryReqs(ctx, q, `SELECT `+reqCols+` FROM requirements WHERE project_id = ? AND deleted_ms IS NULL
		AND status IN ('confirmed','implemented','accepted','changing') ORDER BY number`, projectID)
	if err != nil {
		return c, apperr.Wrap(err)
	}
	inScope := map[int64]int64{}
	for _, r := range rs {
		inScope[r.ID] = r.Number
		c.Requirements = append(c.Requirements, ContentRequirement{ID: r.ID, Number: r.Number, Ref: r.Ref(), Title: r.Title, Description: r.Description,
			Module: r.Module, Acceptance: r.Acceptance, Priority: r.Priority, Value: r.Value, Effort: r.Effort, Status: r.Status,
			SourceKind: r.SourceKind, SourceRef: r.SourceRef, RaisedBy: r.RaisedBy, CustomerVisible: r.CustomerVisible})
	}
	rows, err := q.Query(ctx, `SELECT `+funcCols+` FROM functions WHERE project_id = ? AND deleted_ms IS NULL ORDER BY number`, projectID)
	if err != nil {
		return c, apperr.Wrap(err)
	}
	fnum := map[int64]int64{}
	for rows.Next() {
		f, err := scanFunc(rows)
		if err != nil {
			rows.Close()
			return c, apperr.Wrap(err)
		}
		fnum[f.ID] = f.Number
		c.Functions = append(c.Functions, ContentFunction{ID: f.ID, Number: f.Number, Ref: f.Ref(), Title: f.Title, Description: f.Description,
			Type: f.Type, EffortTenths: f.EffortTenths})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, apperr.Wrap(err)
	}
	rows, err = q.Query(ctx, `SELECT requirement_id, function_id FROM req_functions WHERE project_id = ?`, projectID)
	if err != nil {
		return c, apperr.Wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var rid, fid int64
		if err := rows.Scan(&rid, &fid); err != nil {
			return c, apperr.Wrap(err)
		}
		rn, ok1 := inScope[rid]
		fn, ok2 := fnum[fid]
		if ok1 && ok2 {
			c.Links = append(c.Links, ContentLink{Requirement: rn, Function: fn})
		}
	}
	if err := rows.Err(); err != nil {
		return c, apperr.Wrap(err)
	}
	sort.Slice(c.Links, func(i, j int) bool {
		if c.Links[i].Requirement != c.Links[j].Requirement {
			return c.Links[i].Requirement < c.Links[j].Requirement
		}
		return c.Links[i].Function < c.Links[j].Function
	})
	return c, nil
}
