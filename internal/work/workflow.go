package work

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/i18n"
	"golive/internal/validate"
)

// A workflow's shape is the PM's: statuses are added with a category,
// reordered, removed (soft) and restored. The category, never the key or
// the name, is what "done", "cancelled", progress, burndown and my work
// read, so a status called "客户已确认" in category done counts as done
// everywhere. Two statuses are always kept: the first (new tasks land
// there) and at least one of category done (otherwise nothing could be
// finished).

// NewStatusInput adds a status at the end of the workflow.
type NewStatusInput struct {
	Name     string `json:"name" maxLength:"30"`
	Category string `json:"category" enum:"todo,doing,review,done,cancelled"`
	WIPLimit int    `json:"wip_limit" minimum:"0" maximum:"999"`
}

func (in *NewStatusInput) Validate() error {
	var f apperr.Fields
	validate.Line(&f, "name", &in.Name, 1, 30)
	in.Category = strings.TrimSpace(in.Category)
	if in.Category == "" {
		f.Add("category", "validate.required")
	} else {
		validate.Enum(&f, "category", in.Category, Categories...)
	}
	if in.WIPLimit < 0 || in.WIPLimit > maxWIP {
		f.Add("wip_limit", "work.wip_range", maxWIP)
	}
	return f.Err()
}

// StatusRef names a status at the version the caller saw.
type StatusRef struct {
	ID      int64 `json:"id"`
	Version int64 `json:"version"`
}

// ReorderInput is the whole live workflow in its new order.
type ReorderInput struct {
	Order []StatusRef `json:"order"`
}

func (in *ReorderInput) Validate() error {
	var f apperr.Fields
	if len(in.Order) == 0 {
		f.Add("order", "validate.required")
	}
	seen := map[int64]bool{}
	for _, r := range in.Order {
		if r.ID <= 0 || r.Version <= 0 || seen[r.ID] {
			f.Add("order", "workflow.order_invalid")
			break
		}
		seen[r.ID] = true
	}
	return f.Err()
}

// RemoveStatusInput removes a status; its tasks (if any) move to TargetID.
type RemoveStatusInput struct {
	TargetID int64 `json:"target_id"` // required when the status holds tasks
	Version  int64 `json:"version"`
}

func (in *RemoveStatusInput) Validate() error {
	var f apperr.Fields
	if in.TargetID < 0 {
		f.Add("target_id", "validate.not_found")
	}
	if in.Version <= 0 {
		f.Add("version", "validate.required")
	}
	return f.Err()
}

// Removal is what removing a status did.
type Removal struct {
	Status Status `json:"status"`
	Moved  int    `json:"moved"` // tasks moved to the target status
}

// statusNames are the names a status goes by in every language: its own
// name, or the catalog's for a default status left unnamed. A new or
// renamed status may take none of another status's names.
func statusNames(s Status) []string {
	if s.Custom != "" {
		return []string{s.Custom}
	}
	var out []string
	for _, l := range i18n.Langs {
		out = append(out, i18n.T(l, "work.status."+s.Key))
	}
	return out
}

// duplicateName reports whether name is taken by a live status other
// than self (case and surrounding space ignored).
func duplicateName(ss []Status, self int64, name string) bool {
	name = strings.TrimSpace(name)
	for _, s := range ss {
		if s.ID == self {
			continue
		}
		if slices.ContainsFunc(statusNames(s), func(n string) bool { return strings.EqualFold(n, name) }) {
			return true
		}
	}
	return false
}

// workflowWritable loads the live workflow in a write transaction of a
// project that may change.
func workflowWritable(ctx context.Context, tx *db.Tx, projectID int64) ([]Status, error) {
	if err := writable(ctx, tx, projectID, false); err != nil {
		return nil, err
	}
	return workflowTx(ctx, tx, projectID)
}

// statusAudit is what the audit keeps of a status.
func statusAudit(s Status) map[string]any {
	return map[string]any{"key": s.Key, "name": s.Custom, "category": s.Category, "seq": s.Seq, "wip_limit": s.WIPLimit}
}

// boardChanged tells open boards to re-read: columns came, went or moved.
func (s *Service) boardChanged(tx *db.Tx, projectID int64) {
	s.notify(tx, projectID, Notice{Kind: NoticeReorder, Visible: true, WasVisible: true})
}

// AddStatus appends a status to the project's workflow (PM).
func (s *Service) AddStatus(ctx context.Context, p *access.Principal, projectID int64, in NewStatusInput) (Status, error) {
	if _, _, err := s.can(ctx, p, projectID, access.WorkflowManage); err != nil {
		return Status{}, err
	}
	if err := in.Validate(); err != nil {
		return Status{}, err
	}
	var out Status
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		ss, err := workflowWritable(ctx, tx, projectID)
		if err != nil {
			return err
		}
		if duplicateName(ss, 0, in.Name) {
			return apperr.InvalidField("name", "workflow.name_taken")
		}
		// Keys of added statuses never equal a category name: some
		// readers still treat the keys "done" and "cancelled" as closed.
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM workflow_statuses WHERE project_id = ?`, projectID).Scan(&n); err != nil {
			return err
		}
		key := ""
		for i := n + 1; ; i++ {
			key = "s" + strconv.Itoa(i)
			var one int
			err := tx.QueryRow(ctx, `SELECT 1 FROM workflow_statuses WHERE project_id = ? AND key = ?`, projectID, key).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				break
			}
			if err != nil {
				return err
			}
		}
		seq := 10
		if len(ss) > 0 {
			seq = ss[len(ss)-1].Seq + 10
		}
		now := db.Now()
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO workflow_statuses (project_id, key, name, category, seq, wip_limit, created_ms, updated_ms)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, projectID, key, in.Name, in.Category, seq, in.WIPLimit, now, now).Scan(&id); err != nil {
			return err
		}
		out = Status{ID: id, ProjectID: projectID, Key: key, Custom: in.Name, Category: in.Category, Seq: seq, WIPLimit: in.WIPLimit, Version: 1}
		s.boardChanged(tx, projectID)
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "workflow_status", EntityID: id, Action: "create", Summary: in.Name,
			After: statusAudit(out), Internal: true})
	})
	if err != nil {
		return Status{}, apperr.Wrap(err)
	}
	return out, nil
}

// ReorderStatuses puts the live statuses in the given order (PM). The
// order must name every live status once, each at the version the caller
// read: a status added, removed or renamed meanwhile is a conflict.
func (s *Service) ReorderStatuses(ctx context.Context, p *access.Principal, projectID int64, in ReorderInput) ([]Status, error) {
	if _, _, err := s.can(ctx, p, projectID, access.WorkflowManage); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out []Status
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		ss, err := workflowWritable(ctx, tx, projectID)
		if err != nil {
			return err
		}
		byID := map[int64]Status{}
		for _, st := range ss {
			byID[st.ID] = st
		}
		for _, r := range in.Order {
			if _, ok := byID[r.ID]; !ok {
				return apperr.InvalidField("order", "workflow.status_not_in_workflow")
			}
		}
		if len(in.Order) != len(ss) {
			return apperr.ConflictErr()
		}
		for _, r := range in.Order {
			if byID[r.ID].Version != r.Version {
				return apperr.ConflictErr()
			}
		}
		before := make([]string, len(ss))
		for i, st := range ss {
			before[i] = st.Key
		}
		now := db.Now()
		after := make([]string, len(in.Order))
		for i, r := range in.Order {
			res, err := tx.Exec(ctx, `UPDATE workflow_statuses SET seq = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND version = ?`,
				(i+1)*10, now, r.ID, r.Version)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return apperr.ConflictErr()
			}
			after[i] = byID[r.ID].Key
		}
		if out, err = statuses(ctx, tx, projectID); err != nil {
			return err
		}
		s.boardChanged(tx, projectID)
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "workflow", EntityID: projectID, Action: "reorder", Summary: strings.Join(after, " → "),
			Before: map[string]any{"order": strings.Join(before, ",")}, After: map[string]any{"order": strings.Join(after, ",")}, Internal: true})
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	return out, nil
}

// removable says why st may not leave the workflow ss (a catalog key),
// or "" when it may.
func removable(ss []Status, st Status) string {
	if len(ss) > 0 && ss[0].ID == st.ID {
		return "workflow.remove_first"
	}
	if st.Category == CatDone {
		n := 0
		for _, x := range ss {
			if x.Category == CatDone {
				n++
			}
		}
		if n <= 1 {
			return "workflow.remove_last_done"
		}
	}
	return ""
}

// RemoveStatus takes a status out of the workflow (PM). Its tasks, the
// trashed ones included (so that a restored task has a column), move to
// the target status in the same transaction, appended in their order.
// The status row is kept (soft delete) and can be restored.
func (s *Service) RemoveStatus(ctx context.Context, p *access.Principal, projectID, statusID int64, in RemoveStatusInput) (Removal, error) {
	if _, _, err := s.can(ctx, p, projectID, access.WorkflowManage); err != nil {
		return Removal{}, err
	}
	if err := in.Validate(); err != nil {
		return Removal{}, err
	}
	var out Removal
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		ss, err := workflowWritable(ctx, tx, projectID)
		if err != nil {
			return err
		}
		st, ok := statusByID(ss, statusID)
		if !ok {
			return apperr.NotFoundErr()
		}
		if st.Version != in.Version {
			return apperr.ConflictErr()
		}
		if why := removable(ss, st); why != "" {
			return apperr.InvalidField("status", why)
		}
		rows, err := tx.Query(ctx, `SELECT id, number, deleted_ms IS NULL, done_ms FROM tasks WHERE project_id = ? AND status = ? ORDER BY rank, id`, projectID, st.Key)
		if err != nil {
			return err
		}
		type moved struct {
			id, number int64
			live       bool
			doneMS     *int64
		}
		var ts []moved
		for rows.Next() {
			var m moved
			if err := rows.Scan(&m.id, &m.number, &m.live, &m.doneMS); err != nil {
				rows.Close()
				return err
			}
			ts = append(ts, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var target Status
		if len(ts) > 0 {
			if in.TargetID == 0 {
				return apperr.InvalidField("target_id", "workflow.target_required", len(ts))
			}
			t, ok := statusByID(ss, in.TargetID)
			switch {
			case !ok:
				return apperr.InvalidField("target_id", "workflow.status_not_in_workflow")
			case t.ID == st.ID:
				return apperr.InvalidField("target_id", "workflow.target_self")
			}
			target = t
			rank, err := endOfColumn(ctx, tx, projectID, target.Key)
			if err != nil {
				return err
			}
			now := db.Now()
			nums := make([]string, 0, len(ts))
			for _, m := range ts {
				if _, err := tx.Exec(ctx, `UPDATE tasks SET status = ?, rank = ?, done_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ?`,
					target.Key, rank, doneMS(target.Category, m.doneMS), now, m.id); err != nil {
					return err
				}
				rank += rankStep
				nums = append(nums, "#"+strconv.FormatInt(m.number, 10))
			}
			out.Moved = len(ts)
			if err := audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "workflow_status", EntityID: st.ID, Action: "move_tasks", Summary: st.Key + " → " + target.Key,
				Before: map[string]any{"status": st.Key}, After: map[string]any{"status": target.Key, "tasks": strings.Join(nums, " ")}, Internal: true}); err != nil {
				return err
			}
		}
		now := db.Now()
		res, err := tx.Exec(ctx, `UPDATE workflow_statuses SET deleted_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND version = ? AND deleted_ms IS NULL`,
			now, now, st.ID, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		out.Status = st
		out.Status.Version++
		s.boardChanged(tx, projectID)
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "workflow_status", EntityID: st.ID, Action: "delete", Summary: st.Key,
			Before: statusAudit(st), Internal: true})
	})
	if err != nil {
		return Removal{}, apperr.Wrap(err)
	}
	return out, nil
}

// RemovedStatuses lists the statuses taken out of a project's workflow.
func (s *Service) RemovedStatuses(ctx context.Context, p *access.Principal, projectID int64) ([]Status, error) {
	if _, _, err := s.access(ctx, p, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT id, project_id, key, name, category, seq, wip_limit, version FROM workflow_statuses
		WHERE project_id = ? AND deleted_ms IS NOT NULL ORDER BY deleted_ms DESC, id`, projectID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []Status{}
	for rows.Next() {
		var st Status
		if err := rows.Scan(&st.ID, &st.ProjectID, &st.Key, &st.Custom, &st.Category, &st.Seq, &st.WIPLimit, &st.Version); err != nil {
			return nil, apperr.Wrap(err)
		}
		out = append(out, st)
	}
	return out, apperr.Wrap(rows.Err())
}

// RestoreStatus puts a removed status back at the end of the workflow
// (PM). It comes back empty: its tasks were moved when it was removed.
func (s *Service) RestoreStatus(ctx context.Context, p *access.Principal, projectID, statusID int64) (Status, error) {
	if _, _, err := s.can(ctx, p, projectID, access.WorkflowManage); err != nil {
		return Status{}, err
	}
	var out Status
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		ss, err := workflowWritable(ctx, tx, projectID)
		if err != nil {
			return err
		}
		var st Status
		err = tx.QueryRow(ctx, `SELECT id, project_id, key, name, category, seq, wip_limit, version FROM workflow_statuses
			WHERE id = ? AND project_id = ? AND deleted_ms IS NOT NULL`, statusID, projectID).
			Scan(&st.ID, &st.ProjectID, &st.Key, &st.Custom, &st.Category, &st.Seq, &st.WIPLimit, &st.Version)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFoundErr()
		}
		if err != nil {
			return err
		}
		// A live status may have taken its name meanwhile.
		if slices.ContainsFunc(statusNames(st), func(n string) bool { return duplicateName(ss, st.ID, n) }) {
			return apperr.InvalidField("name", "workflow.name_taken")
		}
		st.Seq = ss[len(ss)-1].Seq + 10
		if _, err := tx.Exec(ctx, `UPDATE workflow_statuses SET deleted_ms = NULL, seq = ?, updated_ms = ?, version = version + 1 WHERE id = ?`,
			st.Seq, db.Now(), st.ID); err != nil {
			return err
		}
		st.Version++
		out = st
		s.boardChanged(tx, projectID)
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "workflow_status", EntityID: st.ID, Action: "restore", Summary: st.Key,
			After: statusAudit(st), Internal: true})
	})
	if err != nil {
		return Status{}, apperr.Wrap(err)
	}
	return out, nil
}

func statusByID(ss []Status, id int64) (Status, bool) {
	for _, s := range ss {
		if s.ID == id {
			return s, true
		}
	}
	return Status{}, false
}
