// Package audit records every change — who, when, which entity, the action,
// and the before/after values — inside the caller's transaction, so a change
// and its record commit or vanish together. It also serves the project
// activity timeline and the administrators' log.
package audit

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/db"
)

// Entry is one change. Before and After are marshalled to JSON (nil for
// create/delete sides that do not exist).
type Entry struct {
	ProjectID int64
	Entity    string // "project", "member", "user", …
	EntityID  int64
	Action    string // create, update, delete, restore, archive, sign, approve…
	Summary   string // human label of the entity, e.g. the project name
	Before    any
	After     any
	Internal  bool // hidden from customer users
}

type ctxKey struct{}

// WithRequestID lets the HTTP layer stamp audit rows with the request id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

func requestID(ctx context.Context) string {
	s, _ := ctx.Value(ctxKey{}).(string)
	return s
}

// Record writes e in tx. The actor may be nil for system changes (CLI,
// migrations, demo seeding).
func Record(ctx context.Context, tx *db.Tx, actor *access.Principal, e Entry) error {
	before, err := marshal(e.Before)
	if err != nil {
		return apperr.Wrap(err)
	}
	after, err := marshal(e.After)
	if err != nil {
		return apperr.Wrap(err)
	}
	var actorID *int64
	actorName := "system"
	if actor != nil {
		actorID = &actor.UserID
		actorName = actor.Name
	}
	var projectID *int64
	if e.ProjectID != 0 {
		projectID = &e.ProjectID
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit_log (at_ms, actor_id, actor_name, project_id, entity, entity_id, action, summary, before_json, after_json, internal, request_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		db.Now(), actorID, actorName, projectID, e.Entity, e.EntityID, e.Action, truncate(e.Summary, 200), before, after, e.Internal, requestID(ctx))
	return apperr.Wrap(err)
}

func marshal(v any) (*string, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	s := string(b)
	return &s, nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// Row is a stored entry as shown to a reader.
type Row struct {
	ID        int64          `json:"id"`
	AtMS      int64          `json:"at_ms"`
	ActorID   *int64         `json:"actor_id"`
	ActorName string         `json:"actor_name"`
	ProjectID *int64         `json:"project_id"`
	Entity    string         `json:"entity"`
	EntityID  int64          `json:"entity_id"`
	Action    string         `json:"action"`
	Summary   string         `json:"summary"`
	Before    map[string]any `json:"before,omitempty"`
	After     map[string]any `json:"after,omitempty"`
	Changes   []Change       `json:"changes,omitempty"`
	Internal  bool           `json:"-"`
	RequestID string         `json:"request_id,omitempty"`
}

// Change is one field that differs between before and after.
type Change struct {
	Field  string `json:"field"`
	Before any    `json:"before"`
	After  any    `json:"after"`
}

// Filter narrows the administrators' log.
type Filter struct {
	ProjectID int64
	Entity    string
	Action    string
	ActorID   int64
	FromMS    int64
	ToMS      int64
}

// Service reads the log with the caller's permissions.
type Service struct{ db *db.DB }

func NewService(d *db.DB) *Service { return &Service{db: d} }

// Timeline returns the newest entries of one project that the caller may
// see. The project service has already checked membership; here the rows
// themselves are filtered: internal entries and cost fields are removed for
// callers who lack the rights.
func (s *Service) Timeline(ctx context.Context, p *access.Principal, m access.Membership, page db.Page) ([]Row, int, error) {
	if !p.Can(m, access.ActivityView) {
		return nil, 0, apperr.NotFoundErr()
	}
	f := Filter{ProjectID: m.ProjectID}
	return s.list(ctx, f, page, p.Can(m, access.InternalView), p.Can(m, access.CostView))
}

// List is the administrators' view of the whole log.
func (s *Service) List(ctx context.Context, p *access.Principal, f Filter, page db.Page) ([]Row, int, error) {
	if !p.CanAdminister() {
		return nil, 0, apperr.NotFoundErr()
	}
	return s.list(ctx, f, page, true, true)
}

func (f Filter) where(internal bool) (string, []any) {
	conds := []string{"1=1"}
	var args []any
	if f.ProjectID != 0 {
		conds = append(conds, "project_id = ?")
		args = append(args, f.ProjectID)
	}
	if f.Entity != "" {
		conds = append(conds, "entity = ?")
		args = append(args, f.Entity)
	}
	if f.Action != "" {
		conds = append(conds, "action = ?")
		args = append(args, f.Action)
	}
	if f.ActorID != 0 {
		conds = append(conds, "actor_id = ?")
		args = append(args, f.ActorID)
	}
	if f.FromMS != 0 {
		conds = append(conds, "at_ms >= ?")
		args = append(args, f.FromMS)
	}
	if f.ToMS != 0 {
		conds = append(conds, "at_ms < ?")
		args = append(args, f.ToMS)
	}
	if !internal {
		conds = append(conds, "internal = ?")
		args = append(args, false)
	}
	return strings.Join(conds, " AND "), args
}

func (s *Service) list(ctx context.Context, f Filter, page db.Page, internal, cost bool) ([]Row, int, error) {
	page = page.Norm(50, 500)
	where, args := f.where(internal)
	var total int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, apperr.Wrap(err)
	}
	rows, err := s.db.Query(ctx, `SELECT `+rowCols+` FROM audit_log WHERE `+where+` ORDER BY id DESC LIMIT ? OFFSET ?`,
		append(args, page.Size, page.Offset())...)
	if err != nil {
		return nil, 0, apperr.Wrap(err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		r, err := scan(rows, cost)
		if err != nil {
			return nil, 0, apperr.Wrap(err)
		}
		out = append(out, r)
	}
	return out, total, apperr.Wrap(rows.Err())
}

const rowCols = `id, at_ms, actor_id, actor_name, project_id, entity, entity_id, action, summary, before_json, after_json, internal, request_id`

type scanner interface{ Scan(...any) error }

func scan(rows scanner, cost bool) (Row, error) {
	var r Row
	var before, after *string
	if err := rows.Scan(&r.ID, &r.AtMS, &r.ActorID, &r.ActorName, &r.ProjectID, &r.Entity, &r.EntityID, &r.Action, &r.Summary, &before, &after, &r.Internal, &r.RequestID); err != nil {
		return r, err
	}
	r.Before = decode(before, cost)
	r.After = decode(after, cost)
	r.Changes = diff(r.Before, r.After)
	return r, nil
}

func decode(s *string, cost bool) map[string]any {
	if s == nil {
		return nil
	}
	m := map[string]any{}
	if json.Unmarshal([]byte(*s), &m) != nil {
		return nil
	}
	if !cost {
		for k := range m {
			if access.IsCostField(k) {
				delete(m, k)
			}
		}
	}
	return m
}

// diff lists the fields whose values differ, in a stable order; for a
// create it lists the new values, for a delete the old ones.
func diff(before, after map[string]any) []Change {
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var out []Change
	for k := range keys {
		// Ids mean nothing to a reader; entities store the names beside them.
		if k == "version" || k == "updated_ms" || strings.HasSuffix(k, "_id") {
			continue
		}
		b, _ := json.Marshal(before[k])
		a, _ := json.Marshal(after[k])
		if string(a) != string(b) {
			out = append(out, Change{Field: k, Before: before[k], After: after[k]})
		}
	}
	sortChanges(out)
	return out
}

func sortChanges(c []Change) {
	sort.Slice(c, func(i, j int) bool { return c[i].Field < c[j].Field })
}
