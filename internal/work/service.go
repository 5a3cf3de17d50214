package work

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/project"
)

// access checks the caller may see the project's tasks and returns their
// membership and whether they see internal (not customer-visible) tasks.
func (s *Service) access(ctx context.Context, p *access.Principal, projectID int64) (access.Membership, bool, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return m, false, err
	}
	if !p.Can(m, access.TaskView) {
		return m, false, apperr.NotFoundErr()
	}
	return m, p.Can(m, access.InternalView), nil
}

// Access is the membership check for other files of the module (Gantt):
// the caller's membership of a project whose tasks they may see, and
// whether they see internal tasks.
func (s *Service) Access(ctx context.Context, p *access.Principal, projectID int64) (access.Membership, bool, error) {
	return s.access(ctx, p, projectID)
}

// can checks an action after access: visible but not allowed is 403.
func (s *Service) can(ctx context.Context, p *access.Principal, projectID int64, a access.Action) (access.Membership, bool, error) {
	m, internal, err := s.access(ctx, p, projectID)
	if err != nil {
		return m, internal, err
	}
	if !p.Can(m, a) {
		return m, internal, apperr.ForbiddenErr()
	}
	return m, internal, nil
}

// Project returns the project a work page belongs to.
func (s *Service) Project(ctx context.Context, p *access.Principal, projectID int64) (project.Project, access.Membership, error) {
	if _, _, err := s.access(ctx, p, projectID); err != nil {
		return project.Project{}, access.Membership{}, err
	}
	return s.projects.Get(ctx, p, projectID)
}

// Workflow returns the project's statuses, creating the defaults on first
// use.
func (s *Service) Workflow(ctx context.Context, p *access.Principal, projectID int64) ([]Status, error) {
	if _, _, err := s.access(ctx, p, projectID); err != nil {
		return nil, err
	}
	return s.workflow(ctx, projectID)
}

func (s *Service) workflow(ctx context.Context, projectID int64) ([]Status, error) {
	ss, err := statuses(ctx, s.db, projectID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	if len(ss) > 0 {
		return ss, nil
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := insertDefaultWorkflow(ctx, tx, projectID); err != nil {
			return err
		}
		ss, err = statuses(ctx, tx, projectID)
		return err
	})
	return ss, apperr.Wrap(err)
}

// workflowTx is workflow inside a write transaction.
func workflowTx(ctx context.Context, tx *db.Tx, projectID int64) ([]Status, error) {
	ss, err := statuses(ctx, tx, projectID)
	if err != nil || len(ss) > 0 {
		return ss, err
	}
	if err := insertDefaultWorkflow(ctx, tx, projectID); err != nil {
		return nil, err
	}
	return statuses(ctx, tx, projectID)
}

// UpdateStatus renames a status or changes its WIP limit (PM).
func (s *Service) UpdateStatus(ctx context.Context, p *access.Principal, projectID, statusID int64, in StatusInput) (Status, error) {
	if _, _, err := s.can(ctx, p, projectID, access.WorkflowManage); err != nil {
		return Status{}, err
	}
	if err := in.Validate(); err != nil {
		return Status{}, err
	}
	if _, err := s.workflow(ctx, projectID); err != nil {
		return Status{}, err
	}
	var out Status
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if st, err := projectState(ctx, tx, projectID, false); err != nil {
			return err
		} else if st == project.StatusArchived {
			return apperr.New(apperr.Conflict, "project.archived_readonly")
		}
		ss, err := statuses(ctx, tx, projectID)
		if err != nil {
			return err
		}
		var before Status
		found := false
		for _, st := range ss {
			if st.ID == statusID {
				before, found = st, true
			}
		}
		if !found {
			return apperr.NotFoundErr()
		}
		if before.Version != in.Version {
			return apperr.ConflictErr()
		}
		if in.Name != "" && duplicateName(ss, statusID, in.Name) {
			return apperr.InvalidField("name", "workflow.name_taken")
		}
		res, err := tx.Exec(ctx, `UPDATE workflow_statuses SET name = ?, wip_limit = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND version = ?`,
			in.Name, in.WIPLimit, db.Now(), statusID, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		out = before
		out.Custom, out.WIPLimit, out.Version = in.Name, in.WIPLimit, before.Version+1
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "workflow_status", EntityID: statusID, Action: "update", Summary: before.Key,
			Before: map[string]any{"name": before.Custom, "wip_limit": before.WIPLimit}, After: map[string]any{"name": out.Custom, "wip_limit": out.WIPLimit}})
	})
	if err != nil {
		return Status{}, apperr.Wrap(err)
	}
	return out, nil
}

// List returns one page of a project's tasks, ordered by number. The
// page's ids come first from the index tasks_live_number (stepping over
// the offset then costs index entries, not joined rows), then the rows of
// just those. Pages and totals stay in the read cache until the project
// changes: counting thousands of tasks costs more than the page itself.
func (s *Service) List(ctx context.Context, p *access.Principal, projectID int64, f Filter, page db.Page) ([]Task, int, error) {
	_, internal, err := s.access(ctx, p, projectID)
	if err != nil {
		return nil, 0, err
	}
	page = page.Norm(50, 200)
	st := s.cache.stamp(projectID)
	where, args := filterWhere(projectID, internal, f)
	base := strconv.FormatBool(internal) + "|" + where + "|" + fmt.Sprint(args...)
	pageKey := "page|" + base + "|" + strconv.Itoa(page.Number) + "|" + strconv.Itoa(page.Size)
	if v, ok := s.cache.get(projectID, pageKey); ok {
		r := v.(listPage)
		return r.items, r.total, nil
	}
	rows, err := s.db.Query(ctx, `SELECT `+taskCols+taskFrom+` WHERE t.id IN (SELECT t.id FROM tasks t WHERE `+where+` ORDER BY t.number LIMIT ? OFFSET ?) ORDER BY t.number`,
		append(args, page.Size+1, page.Offset())...)
	if err != nil {
		return nil, 0, apperr.Wrap(err)
	}
	out := []Task{}
	more := false
	for rows.Next() {
		if len(out) == page.Size {
			more = true
			break
		}
		t, err := scanTask(rows)
		if err != nil {
			rows.Close()
			return nil, 0, apperr.Wrap(err)
		}
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, apperr.Wrap(err)
	}
	total := page.Offset() + len(out)
	if more || (len(out) == 0 && page.Offset() > 0) {
		key := "total|" + base
		if v, ok := s.cache.get(projectID, key); ok {
			total = v.(int)
		} else {
			if err := s.db.QueryRow(ctx, `SELECT count(*) FROM tasks t WHERE `+where, args...).Scan(&total); err != nil {
				return nil, 0, apperr.Wrap(err)
			}
			s.cache.put(projectID, key, st, total)
		}
	}
	if err := loadDetails(ctx, s.db, out, true); err != nil {
		return nil, 0, apperr.Wrap(err)
	}
	s.cache.put(projectID, pageKey, st, listPage{items: out, total: total})
	return out, total, nil
}

// listPage is a cached page of List. Callers treat returned tasks as
// read-only.
type listPage struct {
	items []Task
	total int
}

// treeLimit bounds the WBS page; bigger plans are read through the
// filtered list, the API or the export.
const treeLimit = 5000

// All returns up to treeLimit tasks of a project matching f, ordered by
// number, with assignees (no checklists): the WBS page and the export.
func (s *Service) All(ctx context.Context, p *access.Principal, projectID int64, f Filter) ([]Task, bool, error) {
	_, internal, err := s.access(ctx, p, projectID)
	if err != nil {
		return nil, false, err
	}
	where, args := filterWhere(projectID, internal, f)
	rows, err := s.db.Query(ctx, `SELECT `+taskCols+taskFrom+` WHERE `+where+` ORDER BY t.number LIMIT ?`, append(args, treeLimit+1)...)
	if err != nil {
		return nil, false, apperr.Wrap(err)
	}
	var out []Task
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			rows.Close()
			return nil, false, apperr.Wrap(err)
		}
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, apperr.Wrap(err)
	}
	truncated := len(out) > treeLimit
	if truncated {
		out = out[:treeLimit]
	}
	if err := s.peopleOfProject(ctx, projectID, out); err != nil {
		return nil, false, err
	}
	return out, truncated, nil
}

// peopleOfProject fills the assignees of many tasks of one project with
// one query over the project instead of an IN list of thousands.
func (s *Service) peopleOfProject(ctx context.Context, projectID int64, ts []Task) error {
	if len(ts) == 0 {
		return nil
	}
	idx := make(map[int64]int, len(ts))
	for i, t := range ts {
		idx[t.ID] = i
	}
	rows, err := s.db.Query(ctx, `SELECT a.task_id, u.id, u.name FROM task_assignees a JOIN tasks t ON t.id = a.task_id JOIN users u ON u.id = a.user_id
		WHERE t.project_id = ? AND t.deleted_ms IS NULL ORDER BY u.name, u.id`, projectID)
	if err != nil {
		return apperr.Wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var tid int64
		var p Person
		if err := rows.Scan(&tid, &p.ID, &p.Name); err != nil {
			return apperr.Wrap(err)
		}
		if i, ok := idx[tid]; ok {
			ts[i].Assignees = append(ts[i].Assignees, p)
		}
	}
	return apperr.Wrap(rows.Err())
}

// Get returns one task the caller may see.
func (s *Service) Get(ctx context.Context, p *access.Principal, projectID, taskID int64) (Task, access.Membership, error) {
	m, internal, err := s.access(ctx, p, projectID)
	if err != nil {
		return Task{}, m, err
	}
	t, err := getTask(ctx, s.db, projectID, taskID, internal, false)
	return t, m, err
}

// checkRefs validates what the input points at, inside the transaction:
// status, parent, phase, iteration, people. before is the task being
// edited (nil on create).
func checkRefs(ctx context.Context, tx *db.Tx, projectID int64, ss []Status, in *Input, before *Task) error {
	var f apperr.Fields
	if in.Status != "" {
		if _, ok := findStatus(ss, in.Status); !ok {
			f.Add("status", "work.status_unknown")
		}
	}
	if in.ParentID != nil {
		if err := checkParent(ctx, tx, projectID, *in.ParentID, before, &f); err != nil {
			return err
		}
	}
	if in.PhaseID != nil {
		var start, end *string
		err := tx.QueryRow(ctx, `SELECT start_date, end_date FROM phases WHERE id = ? AND project_id = ? AND deleted_ms IS NULL`, *in.PhaseID, projectID).Scan(&start, &end)
		if errors.Is(err, sql.ErrNoRows) {
			f.Add("phase_id", "work.phase_other_project")
		} else if err != nil {
			return err
		} else {
			if start != nil && *start != "" {
				if in.StartDate != "" && in.StartDate < *start {
					f.Add("start_date", "work.outside_phase", *start, deref(end))
				}
				if in.DueDate != "" && in.DueDate < *start {
					f.Add("due_date", "work.outside_phase", *start, deref(end))
				}
			}
			if end != nil && *end != "" {
				if in.StartDate != "" && in.StartDate > *end {
					f.Add("start_date", "work.outside_phase", deref(start), *end)
				}
				if in.DueDate != "" && in.DueDate > *end {
					f.Add("due_date", "work.outside_phase", deref(start), *end)
				}
			}
		}
	}
	if in.IterationID != nil {
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM iterations WHERE id = ? AND project_id = ? AND deleted_ms IS NULL`, *in.IterationID, projectID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			f.Add("iteration_id", "work.iteration_other_project")
		} else if err != nil {
			return err
		}
	}
	for _, group := range []struct {
		field string
		ids   []int64
		had   []Person
	}{{"assignee_ids", in.AssigneeIDs, nil}, {"watcher_ids", in.WatcherIDs, nil}} {
		if before != nil {
			group.had = before.Assignees
			if group.field == "watcher_ids" {
				group.had = before.Watchers
			}
		}
		if err := checkPeople(ctx, tx, projectID, group.field, group.ids, group.had, in.CustomerVisible, &f); err != nil {
			return err
		}
	}
	return f.Err()
}

func deref(s *string) string {
	if s == nil {
		return "…"
	}
	return *s
}

// checkParent: the parent is a live task of the project, and the task
// being edited is not the parent or one of its ancestors.
func checkParent(ctx context.Context, tx *db.Tx, projectID, parentID int64, self *Task, f *apperr.Fields) error {
	depth := 0
	for id := parentID; id != 0; depth++ {
		if self != nil && id == self.ID {
			f.Add("parent_id", "work.parent_cycle")
			return nil
		}
		if depth >= maxDepth {
			f.Add("parent_id", "work.too_deep", maxDepth)
			return nil
		}
		var next *int64
		err := tx.QueryRow(ctx, `SELECT parent_id FROM tasks WHERE id = ? AND project_id = ? AND deleted_ms IS NULL`, id, projectID).Scan(&next)
		if err != nil {
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if id == parentID {
				f.Add("parent_id", "work.parent_other_project")
			}
			return nil
		}
		if next == nil {
			break
		}
		id = *next
	}
	if self != nil {
		// The subtree below the task must fit under its new parent too.
		below, err := subtreeDepth(ctx, tx, self.ID)
		if err != nil {
			return err
		}
		if depth+below >= maxDepth {
			f.Add("parent_id", "work.too_deep", maxDepth)
		}
	}
	return nil
}

// subtreeDepth is how many levels of live tasks hang below id.
func subtreeDepth(ctx context.Context, q db.Q, id int64) (int, error) {
	level := []int64{id}
	depth := 0
	for len(level) > 0 && depth <= maxDepth {
		in, args := db.In(level)
		rows, err := q.Query(ctx, `SELECT id FROM tasks WHERE parent_id IN (`+in+`) AND deleted_ms IS NULL`, args...)
		if err != nil {
			return 0, err
		}
		var next []int64
		for rows.Next() {
			var c int64
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return 0, err
			}
			next = append(next, c)
		}
		rows.Close()
		if len(next) > 0 {
			depth++
		}
		level = next
	}
	return depth, nil
}

// checkPeople: newly named assignees or watchers are live members of the
// project, and customer users only on tasks customers can see. People
// already on the task may stay even if they have since left the project.
func checkPeople(ctx context.Context, tx *db.Tx, projectID int64, field string, ids []int64, had []Person, customerVisible bool, f *apperr.Fields) error {
	var fresh []int64
	for _, id := range ids {
		if !slices.ContainsFunc(had, func(p Person) bool { return p.ID == id }) {
			fresh = append(fresh, id)
		}
	}
	if len(fresh) > 0 {
		in, args := db.In(fresh)
		rows, err := tx.Query(ctx, `SELECT m.user_id, c.kind FROM project_members m JOIN users u ON u.id = m.user_id JOIN companies c ON c.id = u.company_id
			WHERE m.project_id = ? AND m.deleted_ms IS NULL AND u.deleted_ms IS NULL AND m.user_id IN (`+in+`)`, append([]any{projectID}, args...)...)
		if err != nil {
			return err
		}
		kinds := map[int64]string{}
		for rows.Next() {
			var id int64
			var kind string
			if err := rows.Scan(&id, &kind); err != nil {
				rows.Close()
				return err
			}
			kinds[id] = kind
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range fresh {
			if _, ok := kinds[id]; !ok {
				f.Add(field, "work.not_member")
				return nil
			}
		}
	}
	if customerVisible || len(ids) == 0 {
		return nil
	}
	in, args := db.In(ids)
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM users u JOIN companies c ON c.id = u.company_id WHERE c.kind = 'customer' AND u.id IN (`+in+`)`, args...).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		f.Add(field, "work.customer_cannot_see")
	}
	return nil
}

func writable(ctx context.Context, tx *db.Tx, projectID int64, lock bool) error {
	st, err := projectState(ctx, tx, projectID, lock)
	if err != nil {
		return err
	}
	if st == project.StatusArchived {
		return apperr.New(apperr.Conflict, "project.archived_readonly")
	}
	return nil
}

func endOfColumn(ctx context.Context, tx *db.Tx, projectID int64, status string) (float64, error) {
	var max *float64
	if err := tx.QueryRow(ctx, `SELECT MAX(rank) FROM tasks WHERE project_id = ? AND status = ? AND deleted_ms IS NULL`, projectID, status).Scan(&max); err != nil {
		return 0, err
	}
	if max == nil {
		return rankStep, nil
	}
	return *max + rankStep, nil
}

func doneMS(category string, prev *int64) any {
	if category != CatDone {
		return nil
	}
	if prev != nil {
		return *prev
	}
	return db.Now()
}

// Create adds a task at the end of its status column (the first status
// when none is given) with the next number of the project.
func (s *Service) Create(ctx context.Context, p *access.Principal, projectID int64, in Input) (Task, error) {
	if _, _, err := s.can(ctx, p, projectID, access.TaskCreate); err != nil {
		return Task{}, err
	}
	if err := in.Validate(); err != nil {
		return Task{}, err
	}
	var out Task
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID, true); err != nil {
			return err
		}
		ss, err := workflowTx(ctx, tx, projectID)
		if err != nil {
			return err
		}
		if in.Status == "" {
			in.Status = ss[0].Key
		}
		if err := checkRefs(ctx, tx, projectID, ss, &in, nil); err != nil {
			return err
		}
		var number int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(number), 0) + 1 FROM tasks WHERE project_id = ?`, projectID).Scan(&number); err != nil {
			return err
		}
		rank, err := endOfColumn(ctx, tx, projectID, in.Status)
		if err != nil {
			return err
		}
		now := db.Now()
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO tasks (project_id, parent_id, number, title, description, status, rank, priority, start_date, due_date,
			estimate_min, remaining_min, phase_id, iteration_id, labels, customer_visible, created_by, created_ms, updated_ms, done_ms)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			projectID, in.ParentID, number, in.Title, in.Description, in.Status, rank, in.Priority, nullDate(in.StartDate), nullDate(in.DueDate),
			in.EstimateMin, in.RemainingMin, in.PhaseID, in.IterationID, strings.Join(in.Labels, ","), in.CustomerVisible, creator(p), now, now,
			doneMS(categoryOf(ss, in.Status), nil)).Scan(&id)
		if err != nil {
			return err
		}
		if err := replacePeople(ctx, tx, "task_assignees", id, in.AssigneeIDs); err != nil {
			return err
		}
		if err := replacePeople(ctx, tx, "task_watchers", id, in.WatcherIDs); err != nil {
			return err
		}
		if err := replaceChecklist(ctx, tx, id, in.Checklist); err != nil {
			return err
		}
		if out, err = getTask(ctx, tx, projectID, id, true, false); err != nil {
			return err
		}
		s.notify(tx, projectID, Notice{Kind: NoticeTask, TaskID: id, Version: out.Version, Visible: out.CustomerVisible})
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "task", EntityID: id, Action: "create", Summary: out.Ref(),
			After: out.auditView(), Internal: !out.CustomerVisible})
	})
	if err != nil {
		return Task{}, apperr.Wrap(err)
	}
	return out, nil
}

// creator is the user id to store as created_by (none for system loads).
func creator(p *access.Principal) any {
	if p == nil || p.UserID == 0 {
		return nil
	}
	return p.UserID
}

// Update saves a whole task. A status change puts the card at the end of
// its new column; in.Version must match the stored version.
func (s *Service) Update(ctx context.Context, p *access.Principal, projectID, taskID int64, in Input) (Task, error) {
	if _, _, err := s.can(ctx, p, projectID, access.TaskEdit); err != nil {
		return Task{}, err
	}
	if err := in.ValidateUpdate(); err != nil {
		return Task{}, err
	}
	var after Task
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID, false); err != nil {
			return err
		}
		before, err := getTask(ctx, tx, projectID, taskID, true, false)
		if err != nil {
			return err
		}
		if before.Version != in.Version {
			return apperr.ConflictErr()
		}
		ss, err := workflowTx(ctx, tx, projectID)
		if err != nil {
			return err
		}
		if in.Status == "" {
			in.Status = before.Status
		}
		if err := checkRefs(ctx, tx, projectID, ss, &in, &before); err != nil {
			return err
		}
		rank := before.Rank
		if in.Status != before.Status {
			if rank, err = endOfColumn(ctx, tx, projectID, in.Status); err != nil {
				return err
			}
		}
		res, err := tx.Exec(ctx, `UPDATE tasks SET parent_id = ?, title = ?, description = ?, status = ?, rank = ?, priority = ?, start_date = ?, due_date = ?,
			estimate_min = ?, remaining_min = ?, phase_id = ?, iteration_id = ?, labels = ?, customer_visible = ?, done_ms = ?, updated_ms = ?, version = version + 1
			WHERE id = ? AND version = ?`,
			in.ParentID, in.Title, in.Description, in.Status, rank, in.Priority, nullDate(in.StartDate), nullDate(in.DueDate),
			in.EstimateMin, in.RemainingMin, in.PhaseID, in.IterationID, strings.Join(in.Labels, ","), in.CustomerVisible,
			doneMS(categoryOf(ss, in.Status), before.DoneMS), db.Now(), taskID, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		if err := replacePeople(ctx, tx, "task_assignees", taskID, in.AssigneeIDs); err != nil {
			return err
		}
		if err := replacePeople(ctx, tx, "task_watchers", taskID, in.WatcherIDs); err != nil {
			return err
		}
		if err := replaceChecklist(ctx, tx, taskID, in.Checklist); err != nil {
			return err
		}
		if after, err = getTask(ctx, tx, projectID, taskID, true, false); err != nil {
			return err
		}
		s.notify(tx, projectID, Notice{Kind: NoticeTask, TaskID: taskID, Version: after.Version, Visible: after.CustomerVisible, WasVisible: before.CustomerVisible})
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "task", EntityID: taskID, Action: "update", Summary: after.Ref(),
			Before: before.auditView(), After: after.auditView(), Internal: !after.CustomerVisible})
	})
	if err != nil {
		return Task{}, apperr.Wrap(err)
	}
	return after, nil
}

// Patch applies a partial update on top of the stored task. The version
// still decides: a patch against a stale version is a conflict.
func (s *Service) Patch(ctx context.Context, p *access.Principal, projectID, taskID int64, patch Patch) (Task, error) {
	if _, _, err := s.can(ctx, p, projectID, access.TaskEdit); err != nil {
		return Task{}, err
	}
	cur, _, err := s.Get(ctx, p, projectID, taskID)
	if err != nil {
		return Task{}, err
	}
	return s.Update(ctx, p, projectID, taskID, patch.Apply(InputOf(cur)))
}

// Delete moves a task and its subtasks to the trash (PM).
func (s *Service) Delete(ctx context.Context, p *access.Principal, projectID, taskID int64) error {
	if _, _, err := s.can(ctx, p, projectID, access.TaskDelete); err != nil {
		return err
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID, false); err != nil {
			return err
		}
		t, err := getTask(ctx, tx, projectID, taskID, true, false)
		if err != nil {
			return err
		}
		ids, err := subtree(ctx, tx, taskID, false)
		if err != nil {
			return err
		}
		// The whole subtree gets the same instant: restore brings back
		// exactly what this delete took away.
		now := db.Now()
		in, args := db.In(ids)
		if _, err := tx.Exec(ctx, `UPDATE tasks SET deleted_ms = ?, updated_ms = ?, version = version + 1 WHERE id IN (`+in+`) AND deleted_ms IS NULL`,
			append([]any{now, now}, args...)...); err != nil {
			return err
		}
		vis, err := visibility(ctx, tx, ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			s.notify(tx, projectID, Notice{Kind: NoticeGone, TaskID: id, WasVisible: vis[id]})
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "task", EntityID: taskID, Action: "delete", Summary: t.Ref(),
			Before: t.auditView(), Internal: !t.CustomerVisible})
	}))
}

// subtree lists id and its live (or, with deletedAt, deleted at that
// instant) descendants.
func subtree(ctx context.Context, q db.Q, id int64, deleted bool, deletedAt ...int64) ([]int64, error) {
	out := []int64{id}
	level := []int64{id}
	for len(level) > 0 && len(out) < 100000 {
		in, args := db.In(level)
		cond := " AND deleted_ms IS NULL"
		if deleted {
			cond = " AND deleted_ms = ?"
			args = append(args, deletedAt[0])
		}
		rows, err := q.Query(ctx, `SELECT id FROM tasks WHERE parent_id IN (`+in+`)`+cond, args...)
		if err != nil {
			return nil, err
		}
		var next []int64
		for rows.Next() {
			var c int64
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return nil, err
			}
			next = append(next, c)
		}
		rows.Close()
		out = append(out, next...)
		level = next
	}
	return out, nil
}

// Restore brings a task (and the subtasks deleted with it) back from the
// trash. The caller needs delete rights on its project.
func (s *Service) Restore(ctx context.Context, p *access.Principal, taskID int64) error {
	var projectID int64
	if err := s.db.QueryRow(ctx, `SELECT project_id FROM tasks WHERE id = ? AND deleted_ms IS NOT NULL`, taskID).Scan(&projectID); err != nil {
		return db.NotFound(err)
	}
	m, _, err := s.access(ctx, p, projectID)
	if err != nil {
		return err
	}
	if !p.Can(m, access.TaskDelete) {
		return apperr.NotFoundErr()
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID, false); err != nil {
			return err
		}
		t, err := getTask(ctx, tx, projectID, taskID, true, true)
		if err != nil {
			return err
		}
		ids, err := subtree(ctx, tx, taskID, true, *t.DeletedMS)
		if err != nil {
			return err
		}
		in, args := db.In(ids)
		if _, err := tx.Exec(ctx, `UPDATE tasks SET deleted_ms = NULL, updated_ms = ?, version = version + 1 WHERE id IN (`+in+`)`,
			append([]any{db.Now()}, args...)...); err != nil {
			return err
		}
		// A parent deleted on its own since stays in the trash; the
		// restored task then hangs at the top of the WBS.
		if t.ParentID != nil {
			var pdel *int64
			if err := tx.QueryRow(ctx, `SELECT deleted_ms FROM tasks WHERE id = ?`, *t.ParentID).Scan(&pdel); err != nil {
				return err
			}
			if pdel != nil {
				if _, err := tx.Exec(ctx, `UPDATE tasks SET parent_id = NULL WHERE id = ?`, taskID); err != nil {
					return err
				}
			}
		}
		after, err := getTask(ctx, tx, projectID, taskID, true, false)
		if err != nil {
			return err
		}
		vis, err := visibility(ctx, tx, ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			s.notify(tx, projectID, Notice{Kind: NoticeTask, TaskID: id, Visible: vis[id]})
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "task", EntityID: taskID, Action: "restore", Summary: after.Ref(),
			After: after.auditView(), Internal: !after.CustomerVisible})
	}))
}

// Deleted lists trashed tasks the caller may restore: in live projects
// they manage (PM) or all (administrators); a subtask deleted with its
// parent is restored through the parent.
func (s *Service) Deleted(ctx context.Context, p *access.Principal) ([]Task, error) {
	if !p.Vendor {
		return nil, nil
	}
	cond := "1=1"
	var args []any
	if !p.CanAdminister() {
		cond = "t.project_id IN (SELECT project_id FROM project_members WHERE user_id = ? AND role = ? AND deleted_ms IS NULL)"
		args = append(args, p.UserID, string(access.RolePM))
	}
	rows, err := s.db.Query(ctx, `SELECT `+taskCols+taskFrom+` JOIN projects pr ON pr.id = t.project_id
		LEFT JOIN tasks par ON par.id = t.parent_id
		WHERE t.deleted_ms IS NOT NULL AND pr.deleted_ms IS NULL AND `+cond+`
		AND (par.id IS NULL OR par.deleted_ms IS NULL OR par.deleted_ms <> t.deleted_ms)
		ORDER BY t.deleted_ms DESC LIMIT 500`, args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		out = append(out, t)
	}
	return out, apperr.Wrap(rows.Err())
}

// Members lists the people who may be assigned in a project.
func (s *Service) Members(ctx context.Context, p *access.Principal, projectID int64) ([]project.Member, error) {
	return s.projects.Members(ctx, p, projectID)
}

// Option is an id and a name for a form's select.
type Option struct {
	ID    int64
	Name  string
	Start string
	End   string
}

// Phases lists a project's phases (for forms and filters).
func (s *Service) Phases(ctx context.Context, projectID int64) ([]Option, error) {
	return s.options(ctx, `SELECT id, name, COALESCE(start_date, ''), COALESCE(end_date, '') FROM phases WHERE project_id = ? AND deleted_ms IS NULL ORDER BY seq, id`, projectID)
}

// Iterations lists a project's iterations.
func (s *Service) Iterations(ctx context.Context, projectID int64) ([]Option, error) {
	return s.options(ctx, `SELECT id, name, start_date, end_date FROM iterations WHERE project_id = ? AND deleted_ms IS NULL ORDER BY start_date, id`, projectID)
}

func (s *Service) options(ctx context.Context, query string, projectID int64) ([]Option, error) {
	rows, err := s.db.Query(ctx, query, projectID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	var out []Option
	for rows.Next() {
		var o Option
		if err := rows.Scan(&o.ID, &o.Name, &o.Start, &o.End); err != nil {
			return nil, apperr.Wrap(err)
		}
		out = append(out, o)
	}
	return out, apperr.Wrap(rows.Err())
}

// ParentOptions lists the tasks a task may hang under (all live tasks of
// the project but itself and its descendants), as "#n title".
func (s *Service) ParentOptions(ctx context.Context, p *access.Principal, projectID, self int64) ([]Option, error) {
	_, internal, err := s.access(ctx, p, projectID)
	if err != nil {
		return nil, err
	}
	var exclude map[int64]bool
	if self != 0 {
		ids, err := subtree(ctx, s.db, self, false)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		exclude = map[int64]bool{}
		for _, id := range ids {
			exclude[id] = true
		}
	}
	cond, args := visible(internal, []any{projectID})
	rows, err := s.db.Query(ctx, `SELECT t.id, t.number, t.title FROM tasks t WHERE t.project_id = ? AND t.deleted_ms IS NULL`+cond+` ORDER BY t.number LIMIT 5000`, args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	var out []Option
	for rows.Next() {
		var o Option
		var n int64
		if err := rows.Scan(&o.ID, &n, &o.Name); err != nil {
			return nil, apperr.Wrap(err)
		}
		if !exclude[o.ID] {
			o.Name = "#" + strconv.FormatInt(n, 10) + " " + o.Name
			out = append(out, o)
		}
	}
	return out, apperr.Wrap(rows.Err())
}

// visibility reads the customer-visible flag of tasks.
func visibility(ctx context.Context, q db.Q, ids []int64) (map[int64]bool, error) {
	in, args := db.In(ids)
	rows, err := q.Query(ctx, `SELECT id, customer_visible FROM tasks WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		var v bool
		if err := rows.Scan(&id, &v); err != nil {
			return nil, err
		}
		out[id] = v
	}
	return out, rows.Err()
}
