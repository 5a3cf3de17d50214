package change

import (
	"context"
	"database/sql"
	"errors"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/db"
	"golive/internal/requirement"
)

// NewPool adapts the requirement pool (internal/requirement) to what
// change control needs.
func NewPool(r *requirement.Service) Pool { return reqPool{r} }

type reqPool struct{ r *requirement.Service }

func (reqPool) Changing() string { return requirement.StatusChanging }

// Content is the agreed scope as the customer signs it: requirements in
// scope that are customer-visible (internal ones are the vendor's notes),
// every live function, and their mapping.
func (rp reqPool) Content(ctx context.Context, _ *access.Principal, projectID int64) (Content, error) {
	rc, err := rp.r.Content(ctx, projectID)
	if err != nil {
		return Content{}, err
	}
	return fromPool(rc), nil
}

func fromPool(rc requirement.Content) Content {
	c := Content{Requirements: []Req{}, Functions: []Func{}, Links: []Mapping{}}
	visible := map[int64]bool{}
	for _, r := range rc.Requirements {
		if !r.CustomerVisible {
			continue
		}
		visible[r.Number] = true
		c.Requirements = append(c.Requirements, Req{Number: r.Ref, Title: r.Title, Description: r.Description, Module: r.Module, Priority: r.Priority,
			Acceptance: r.Acceptance, Source: r.SourceKind, Value: int64(r.Value), Effort: int64(r.Effort)})
	}
	for _, f := range rc.Functions {
		c.Functions = append(c.Functions, Func{Number: f.Ref, Name: f.Title, Kind: f.Type, Description: f.Description, EffortTenths: f.EffortTenths})
	}
	for _, l := range rc.Links {
		if visible[l.Requirement] {
			c.Links = append(c.Links, Mapping{Req: requirement.ReqRef(l.Requirement), Func: requirement.FuncRef(l.Function)})
		}
	}
	return c
}

func (reqPool) Lookup(ctx context.Context, q db.Q, projectID int64, target string, id int64) (string, string, string, error) {
	var n int64
	var title, status string
	var err error
	if target == "requirement" {
		err = q.QueryRow(ctx, `SELECT number, title, status FROM requirements WHERE id = ? AND project_id = ? AND deleted_ms IS NULL`, id, projectID).Scan(&n, &title, &status)
	} else {
		err = q.QueryRow(ctx, `SELECT number, title FROM functions WHERE id = ? AND project_id = ? AND deleted_ms IS NULL`, id, projectID).Scan(&n, &title)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", "", apperr.NotFoundErr()
	}
	if err != nil {
		return "", "", "", err
	}
	if target == "requirement" {
		return requirement.ReqRef(n), title, status, nil
	}
	return requirement.FuncRef(n), title, "", nil
}

func (rp reqPool) SetStatusTx(ctx context.Context, tx *db.Tx, _ *access.Principal, projectID, reqID int64, status string) error {
	return rp.r.SetStatusTx(ctx, tx, projectID, []int64{reqID}, status)
}

// ApplyTx performs one approved item through the pool's tx methods.
func (rp reqPool) ApplyTx(ctx context.Context, tx *db.Tx, p *access.Principal, projectID int64, cr CR, it Item) (string, *NewFunc, error) {
	v := it.Values
	switch it.Target + "/" + it.Op {
	case "requirement/add":
		r, err := rp.r.AddRequirementTx(ctx, tx, p, projectID, requirement.Input{Title: v.Title, Description: v.Description, Module: v.Module,
			SourceKind: requirement.SourceChange, SourceID: cr.ID, SourceRef: cr.Code, RaisedBy: cr.RequestedByName, Acceptance: v.Acceptance,
			Priority: v.Priority, Value: int(v.Value), Effort: int(v.Effort), CustomerVisible: true}, requirement.StatusConfirmed)
		return r.Ref(), nil, err
	case "requirement/change":
		// The change replaces what the request proposes; where the
		// requirement came from stays.
		var in requirement.Input
		var cv bool
		if err := tx.QueryRow(ctx, `SELECT source_kind, source_id, source_ref, source_url, raised_by, customer_visible FROM requirements WHERE id = ? AND project_id = ?`,
			it.TargetID, projectID).Scan(&in.SourceKind, &in.SourceID, &in.SourceRef, &in.SourceURL, &in.RaisedBy, &cv); err != nil {
			return "", nil, db.NotFound(err)
		}
		in.Title, in.Description, in.Module, in.Acceptance, in.Priority, in.Value, in.Effort, in.CustomerVisible =
			v.Title, v.Description, v.Module, v.Acceptance, v.Priority, int(v.Value), int(v.Effort), cv
		r, err := rp.r.UpdateRequirementTx(ctx, tx, p, projectID, it.TargetID, in)
		if err != nil {
			return "", nil, err
		}
		back := it.PrevStatus
		if !requirement.InScope(back) || back == requirement.StatusChanging {
			back = requirement.StatusConfirmed
		}
		return r.Ref(), nil, rp.r.SetStatusTx(ctx, tx, projectID, []int64{it.TargetID}, back)
	case "requirement/remove":
		r, err := rp.r.RemoveRequirementTx(ctx, tx, p, projectID, it.TargetID, cr.Code+" "+cr.Title)
		return r.Ref(), nil, err
	case "function/add":
		f, err := rp.r.AddFunctionTx(ctx, tx, p, projectID, requirement.FunctionInput{Title: v.Name, Description: v.Description, Type: v.Kind,
			EffortTenths: v.EffortTenths, RequirementIDs: v.ReqIDs})
		if err != nil {
			return "", nil, err
		}
		return f.Ref(), &NewFunc{ID: f.ID, Number: f.Ref(), Name: f.Title, Kind: f.Type, EffortTenths: f.EffortTenths}, nil
	case "function/change":
		in := requirement.FunctionInput{Title: v.Name, Description: v.Description, Type: v.Kind, EffortTenths: v.EffortTenths}
		if len(v.ReqIDs) > 0 {
			in.RequirementIDs = v.ReqIDs
		}
		f, err := rp.r.UpdateFunctionTx(ctx, tx, p, projectID, it.TargetID, in)
		return f.Ref(), nil, err
	case "function/remove":
		return it.Number, nil, rp.r.RemoveFunctionTx(ctx, tx, p, projectID, it.TargetID)
	}
	return "", nil, apperr.InvalidField("items", "validate.enum")
}

// CustomerVisible reports whether customers may see a requirement.
func (reqPool) CustomerVisible(ctx context.Context, q db.Q, projectID, id int64) bool {
	var v bool
	err := q.QueryRow(ctx, `SELECT customer_visible FROM requirements WHERE id = ? AND project_id = ? AND deleted_ms IS NULL`, id, projectID).Scan(&v)
	return err == nil && v
}
