package methodology

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/validate"
)

// RACI letters: Responsible does the work, Accountable answers for it
// (exactly one per activity), Consulted and Informed.
var RACILetters = []string{"R", "A", "C", "I"}

// Party is a column of the RACI matrix: a project role ("role:pm") or a
// stakeholder of the register ("stakeholder:12").
type Party struct {
	Key           string      `json:"key"`
	Role          access.Role `json:"role,omitempty"`
	StakeholderID int64       `json:"stakeholder_id,omitempty"`
	Name          string      `json:"name,omitempty"` // the stakeholder's name
	Side          string      `json:"side" enum:"vendor,customer"`
	Gone          bool        `json:"gone"` // the stakeholder has left or was removed
}

// RACIActivity is a row of the matrix.
type RACIActivity struct {
	ID      int64             `json:"id"`
	Seq     int               `json:"seq"`
	Name    string            `json:"name"`
	Cells   map[string]string `json:"cells"`
	Version int64             `json:"version"`
}

// RACIMatrix is a project's whole matrix; Parties are the columns in use.
type RACIMatrix struct {
	Parties    []Party        `json:"parties"`
	Activities []RACIActivity `json:"activities"`
}

// RACIInput creates or edits one activity with its cells.
type RACIInput struct {
	Name    string            `json:"name" maxLength:"200"`
	Cells   map[string]string `json:"cells"`
	Version int64             `json:"version"`
}

// Validate normalises letters and checks the rule that makes a RACI
// matrix useful: exactly one A. Parties are checked against the project
// by the service.
func (in *RACIInput) Validate(update bool) error {
	var f apperr.Fields
	validate.Line(&f, "name", &in.Name, 1, 200)
	clean := map[string]string{}
	as := 0
	for party, letter := range in.Cells {
		letter = strings.ToUpper(strings.TrimSpace(letter))
		party = strings.TrimSpace(party)
		if letter == "" {
			continue
		}
		if !slices.Contains(RACILetters, letter) {
			f.Add("cells", "meth.raci.letter", party)
			continue
		}
		if letter == "A" {
			as++
		}
		clean[party] = letter
	}
	in.Cells = clean
	if len(clean) > 100 {
		f.Add("cells", "meth.tpl.too_many", 100)
	}
	if as != 1 && !f.Has("cells") {
		f.Add("cells", "meth.raci.one_a", in.Name, as)
	}
	if update && in.Version <= 0 {
		f.Add("version", "validate.required")
	}
	return f.Err()
}

// ParseParty splits "role:pm" / "stakeholder:12".
func ParseParty(key string) (role access.Role, stakeholder int64, ok bool) {
	if r, found := strings.CutPrefix(key, "role:"); found {
		role = access.Role(r)
		return role, 0, slices.Contains(RACIRoles, role)
	}
	if s, found := strings.CutPrefix(key, "stakeholder:"); found {
		id, err := strconv.ParseInt(s, 10, 64)
		return "", id, err == nil && id > 0
	}
	return "", 0, false
}

func roleSide(r access.Role) string {
	if r.IsVendor() {
		return SideVendor
	}
	return SideCustomer
}

// Matrix returns the project's RACI matrix; every member reads it.
func (s *Service) Matrix(ctx context.Context, p *access.Principal, projectID int64) (RACIMatrix, error) {
	if _, err := s.projects.Access(ctx, p, projectID); err != nil {
		return RACIMatrix{}, err
	}
	mx, err := loadMatrix(ctx, s.db, projectID)
	return mx, apperr.Wrap(err)
}

func loadMatrix(ctx context.Context, q db.Q, projectID int64) (RACIMatrix, error) {
	mx := RACIMatrix{Parties: []Party{}, Activities: []RACIActivity{}}
	rows, err := q.Query(ctx, `SELECT id, seq, name, version FROM raci_activities WHERE project_id = ? AND deleted_ms IS NULL ORDER BY seq, id`, projectID)
	if err != nil {
		return mx, err
	}
	idx := map[int64]int{}
	for rows.Next() {
		var a RACIActivity
		if err := rows.Scan(&a.ID, &a.Seq, &a.Name, &a.Version); err != nil {
			rows.Close()
			return mx, err
		}
		a.Cells = map[string]string{}
		idx[a.ID] = len(mx.Activities)
		mx.Activities = append(mx.Activities, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return mx, err
	}
	rows, err = q.Query(ctx, `SELECT c.activity_id, c.party, c.letter FROM raci_cells c JOIN raci_activities a ON a.id = c.activity_id
		WHERE a.project_id = ? AND a.deleted_ms IS NULL`, projectID)
	if err != nil {
		return mx, err
	}
	used := map[string]bool{}
	for rows.Next() {
		var aid int64
		var party, letter string
		if err := rows.Scan(&aid, &party, &letter); err != nil {
			rows.Close()
			return mx, err
		}
		mx.Activities[idx[aid]].Cells[party] = letter
		used[party] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return mx, err
	}
	stks, err := allStakeholders(ctx, q, projectID)
	if err != nil {
		return mx, err
	}
	for _, r := range RACIRoles {
		if k := "role:" + string(r); used[k] {
			mx.Parties = append(mx.Parties, Party{Key: k, Role: r, Side: roleSide(r)})
		}
	}
	for _, st := range stks {
		k := "stakeholder:" + itoa(st.ID)
		if used[k] {
			mx.Parties = append(mx.Parties, Party{Key: k, StakeholderID: st.ID, Name: st.Name, Side: st.Side, Gone: st.Left || st.deleted})
		}
	}
	return mx, nil
}

type stakeholderRef struct {
	ID      int64
	Name    string
	Side    string
	Left    bool
	deleted bool
}

// allStakeholders lists the register including removed entries (matrix
// cells may still name them).
func allStakeholders(ctx context.Context, q db.Q, projectID int64) ([]stakeholderRef, error) {
	rows, err := q.Query(ctx, `SELECT id, name, side, left_ms IS NOT NULL, deleted_ms IS NOT NULL FROM stakeholders WHERE project_id = ?
		ORDER BY CASE side WHEN 'customer' THEN 0 ELSE 1 END, name, id`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []stakeholderRef
	for rows.Next() {
		var r stakeholderRef
		if err := rows.Scan(&r.ID, &r.Name, &r.Side, &r.Left, &r.deleted); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// checkParties refuses cells naming anything but a role or a live
// stakeholder of this project. A party the activity already had may stay
// even if that stakeholder has since been removed (the column shows it as
// gone), so that a departure never blocks saving the matrix.
func checkParties(ctx context.Context, q db.Q, projectID int64, cells, had map[string]string) error {
	for party := range cells {
		_, sid, ok := ParseParty(party)
		if _, kept := had[party]; ok && sid != 0 && !kept {
			_, err := getStakeholder(ctx, q, projectID, sid)
			ok = err == nil
		}
		if !ok {
			return apperr.InvalidField("cells", "meth.raci.party_unknown", party)
		}
	}
	return nil
}

func getActivity(ctx context.Context, q db.Q, projectID, id int64) (RACIActivity, error) {
	var a RACIActivity
	err := q.QueryRow(ctx, `SELECT id, seq, name, version FROM raci_activities WHERE id = ? AND project_id = ? AND deleted_ms IS NULL`, id, projectID).
		Scan(&a.ID, &a.Seq, &a.Name, &a.Version)
	if err != nil {
		return a, db.NotFound(err)
	}
	a.Cells = map[string]string{}
	rows, err := q.Query(ctx, `SELECT party, letter FROM raci_cells WHERE activity_id = ?`, id)
	if err != nil {
		return a, err
	}
	defer rows.Close()
	for rows.Next() {
		var party, letter string
		if err := rows.Scan(&party, &letter); err != nil {
			return a, err
		}
		a.Cells[party] = letter
	}
	return a, rows.Err()
}

func activityAudit(a RACIActivity) map[string]any {
	cells := make([]string, 0, len(a.Cells))
	for k, v := range a.Cells {
		cells = append(cells, k+"="+v)
	}
	slices.Sort(cells)
	return map[string]any{"name": a.Name, "cells": strings.Join(cells, ", ")}
}

// SaveActivity creates (id 0) or edits one row of the matrix.
func (s *Service) SaveActivity(ctx context.Context, p *access.Principal, projectID, id int64, in RACIInput) (RACIActivity, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return RACIActivity{}, err
	}
	if id != 0 {
		if _, err := getActivity(ctx, s.db, projectID, id); err != nil {
			return RACIActivity{}, err
		}
	}
	if !p.Can(m, access.MethodologyEdit) {
		return RACIActivity{}, apperr.ForbiddenErr()
	}
	if err := in.Validate(id != 0); err != nil {
		return RACIActivity{}, err
	}
	var out RACIActivity
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		out, err = saveActivity(ctx, tx, p, projectID, id, in)
		return err
	})
	return out, apperr.Wrap(err)
}

func saveActivity(ctx context.Context, tx *db.Tx, p *access.Principal, projectID, id int64, in RACIInput) (RACIActivity, error) {
	if err := archived(ctx, tx, projectID); err != nil {
		return RACIActivity{}, err
	}
	var before RACIActivity
	if id != 0 {
		var err error
		if before, err = getActivity(ctx, tx, projectID, id); err != nil {
			return RACIActivity{}, err
		}
	}
	if err := checkParties(ctx, tx, projectID, in.Cells, before.Cells); err != nil {
		return RACIActivity{}, err
	}
	now := db.Now()
	action := "create"
	if id == 0 {
		var seq int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM raci_activities WHERE project_id = ?`, projectID).Scan(&seq); err != nil {
			return RACIActivity{}, err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO raci_activities (project_id, seq, name, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			projectID, seq, in.Name, now, now).Scan(&id); err != nil {
			return RACIActivity{}, err
		}
	} else {
		action = "update"
		res, err := tx.Exec(ctx, `UPDATE raci_activities SET name = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND project_id = ? AND version = ? AND deleted_ms IS NULL`,
			in.Name, now, id, projectID, in.Version)
		if err != nil {
			return RACIActivity{}, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return RACIActivity{}, apperr.ConflictErr()
		}
		if _, err := tx.Exec(ctx, `DELETE FROM raci_cells WHERE activity_id = ?`, id); err != nil {
			return RACIActivity{}, err
		}
	}
	if err := insertCells(ctx, tx, id, in.Cells); err != nil {
		return RACIActivity{}, err
	}
	out, err := getActivity(ctx, tx, projectID, id)
	if err != nil {
		return out, err
	}
	e := audit.Entry{ProjectID: projectID, Entity: "raci", EntityID: id, Action: action, Summary: out.Name, After: activityAudit(out)}
	if action == "update" {
		if activityAudit(before)["cells"] == activityAudit(out)["cells"] && before.Name == out.Name {
			return out, nil // nothing changed: no audit noise from a whole-matrix save
		}
		e.Before = activityAudit(before)
	}
	return out, audit.Record(ctx, tx, p, e)
}

// MatrixRow is one activity of a whole-matrix save.
type MatrixRow struct {
	ID    int64
	Input RACIInput
}

// MatrixProblem names the activity a whole-matrix save failed on.
type MatrixProblem struct {
	ActivityID int64
	Err        error
}

// SaveMatrix saves every row of the matrix editor in one transaction: if
// any row is invalid or stale nothing is written, and every invalid row
// is reported.
func (s *Service) SaveMatrix(ctx context.Context, p *access.Principal, projectID int64, rows []MatrixRow) ([]MatrixProblem, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return nil, err
	}
	if !p.Can(m, access.MethodologyEdit) {
		return nil, apperr.ForbiddenErr()
	}
	var probs []MatrixProblem
	for i := range rows {
		if err := rows[i].Input.Validate(true); err != nil {
			probs = append(probs, MatrixProblem{ActivityID: rows[i].ID, Err: err})
		}
	}
	if len(probs) > 0 {
		return probs, probs[0].Err
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		for _, r := range rows {
			if r.ID <= 0 {
				return apperr.NotFoundErr()
			}
			if _, err := getActivity(ctx, tx, projectID, r.ID); err != nil {
				return err
			}
			if _, err := saveActivity(ctx, tx, p, projectID, r.ID, r.Input); err != nil {
				probs = append(probs, MatrixProblem{ActivityID: r.ID, Err: err})
				return err
			}
		}
		return nil
	})
	return probs, apperr.Wrap(err)
}

// DeleteActivity removes a row of the matrix (soft).
func (s *Service) DeleteActivity(ctx context.Context, p *access.Principal, projectID, id int64) error {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return err
	}
	a, err := getActivity(ctx, s.db, projectID, id)
	if err != nil {
		return err
	}
	if !p.Can(m, access.MethodologyEdit) {
		return apperr.ForbiddenErr()
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := archived(ctx, tx, projectID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE raci_activities SET deleted_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND deleted_ms IS NULL`, db.Now(), db.Now(), id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "raci", EntityID: id, Action: "delete", Summary: a.Name, Before: activityAudit(a)})
	}))
}
