package work

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"golive/internal/db"
)

// taskCols are the columns of a Task, with phase and iteration names.
const taskCols = `t.id, t.project_id, t.number, t.parent_id, t.title, t.description, t.status, t.rank, t.priority,
	COALESCE(t.start_date, ''), COALESCE(t.due_date, ''), t.duration_days, t.milestone, t.estimate_min, t.remaining_min, t.progress,
	t.phase_id, COALESCE(ph.name, ''), t.iteration_id, COALESCE(it.name, ''), t.labels, t.customer_visible,
	t.created_by, t.created_ms, t.updated_ms, t.done_ms, t.deleted_ms, t.version`

const taskFrom = ` FROM tasks t LEFT JOIN phases ph ON ph.id = t.phase_id LEFT JOIN iterations it ON it.id = t.iteration_id`

func scanTask(r interface{ Scan(...any) error }) (Task, error) {
	var t Task
	var labels string
	err := r.Scan(&t.ID, &t.ProjectID, &t.Number, &t.ParentID, &t.Title, &t.Description, &t.Status, &t.Rank, &t.Priority,
		&t.StartDate, &t.DueDate, &t.DurationDays, &t.Milestone, &t.EstimateMin, &t.RemainingMin, &t.Progress,
		&t.PhaseID, &t.PhaseName, &t.IterationID, &t.IterationName, &labels, &t.CustomerVisible,
		&t.CreatedBy, &t.CreatedMS, &t.UpdatedMS, &t.DoneMS, &t.DeletedMS, &t.Version)
	t.Labels = splitStored(labels)
	t.Assignees, t.Watchers, t.Checklist = []Person{}, []Person{}, []ChecklistItem{}
	return t, err
}

func splitStored(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// visible is the customer filter: "" for callers who see internal tasks,
// otherwise a condition on alias t (its argument is appended to args).
func visible(seesInternal bool, args []any) (string, []any) {
	if seesInternal {
		return "", args
	}
	return " AND t.customer_visible = ?", append(args, true)
}

// getTask reads one task of a project with its people and checklist.
// deleted selects trashed (true) or live (false) rows.
func getTask(ctx context.Context, q db.Q, projectID, id int64, seesInternal, deleted bool) (Task, error) {
	cond, args := visible(seesInternal, []any{id, projectID})
	del := " AND t.deleted_ms IS NULL"
	if deleted {
		del = " AND t.deleted_ms IS NOT NULL"
	}
	t, err := scanTask(q.QueryRow(ctx, `SELECT `+taskCols+taskFrom+` WHERE t.id = ? AND t.project_id = ?`+del+cond, args...))
	if err != nil {
		return Task{}, db.NotFound(err)
	}
	ts := []Task{t}
	if err := loadDetails(ctx, q, ts, true); err != nil {
		return Task{}, err
	}
	return ts[0], nil
}

// loadDetails fills the assignees and watchers (by name) and, with
// checklist, the checklist items (in order) of tasks. Sorting a task's
// few people in Go is cheaper than a sort step in each query.
func loadDetails(ctx context.Context, q db.Q, ts []Task, checklist bool) error {
	if len(ts) == 0 {
		return nil
	}
	idx := make(map[int64]int, len(ts))
	ids := make([]int64, len(ts))
	for i, t := range ts {
		idx[t.ID] = i
		ids[i] = t.ID
	}
	in, args := inPadded(ids)
	for _, table := range []string{"task_assignees", "task_watchers"} {
		rows, err := q.Query(ctx, `SELECT x.task_id, u.id, u.name FROM `+table+` x JOIN users u ON u.id = x.user_id WHERE x.task_id IN (`+in+`)`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var tid int64
			var p Person
			if err := rows.Scan(&tid, &p.ID, &p.Name); err != nil {
				rows.Close()
				return err
			}
			t := &ts[idx[tid]]
			if table == "task_assignees" {
				t.Assignees = append(t.Assignees, p)
			} else {
				t.Watchers = append(t.Watchers, p)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	byName := func(a, b Person) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	}
	for i := range ts {
		slices.SortFunc(ts[i].Assignees, byName)
		slices.SortFunc(ts[i].Watchers, byName)
	}
	if !checklist {
		return nil
	}
	rows, err := q.Query(ctx, `SELECT task_id, id, text, done, seq FROM checklist_items WHERE task_id IN (`+in+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	seqs := map[int64]int{}
	for rows.Next() {
		var tid int64
		var c ChecklistItem
		var seq int
		if err := rows.Scan(&tid, &c.ID, &c.Text, &c.Done, &seq); err != nil {
			return err
		}
		seqs[c.ID] = seq
		t := &ts[idx[tid]]
		t.Checklist = append(t.Checklist, c)
	}
	for i := range ts {
		slices.SortFunc(ts[i].Checklist, func(a, b ChecklistItem) int {
			if c := cmp.Compare(seqs[a.ID], seqs[b.ID]); c != 0 {
				return c
			}
			return cmp.Compare(a.ID, b.ID)
		})
	}
	return rows.Err()
}

// likePattern escapes a user's search text for LIKE … ESCAPE '\'.
func likePattern(s string) string { return "%" + escapeLike(strings.ToLower(s)) + "%" }

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

// filterWhere builds the condition of a task list of one project.
func filterWhere(projectID int64, seesInternal bool, f Filter) (string, []any) {
	var b strings.Builder
	b.WriteString("t.project_id = ? AND t.deleted_ms IS NULL")
	args := []any{projectID}
	cond, args := visible(seesInternal, args)
	b.WriteString(cond)
	if f.Status != "" {
		b.WriteString(" AND t.status = ?")
		args = append(args, f.Status)
	}
	switch {
	case f.AssigneeID > 0:
		b.WriteString(" AND EXISTS (SELECT 1 FROM task_assignees a WHERE a.task_id = t.id AND a.user_id = ?)")
		args = append(args, f.AssigneeID)
	case f.AssigneeID < 0:
		b.WriteString(" AND NOT EXISTS (SELECT 1 FROM task_assignees a WHERE a.task_id = t.id)")
	}
	switch {
	case f.PhaseID > 0:
		b.WriteString(" AND t.phase_id = ?")
		args = append(args, f.PhaseID)
	case f.PhaseID < 0:
		b.WriteString(" AND t.phase_id IS NULL")
	}
	switch {
	case f.Iteration > 0:
		b.WriteString(" AND t.iteration_id = ?")
		args = append(args, f.Iteration)
	case f.Iteration < 0:
		b.WriteString(" AND t.iteration_id IS NULL")
	}
	if l := strings.TrimSpace(f.Label); l != "" {
		// Labels are stored comma-joined; wrap both sides in commas so a
		// label matches whole, never as part of a longer one.
		b.WriteString(` AND lower(',' || t.labels || ',') LIKE ? ESCAPE '\'`)
		args = append(args, "%,"+escapeLike(strings.ToLower(l))+",%")
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		n, err := strconv.ParseInt(strings.TrimPrefix(q, "#"), 10, 64)
		if err == nil && n > 0 {
			b.WriteString(` AND (t.number = ? OR lower(t.title) LIKE ? ESCAPE '\')`)
			args = append(args, n, likePattern(q))
		} else {
			b.WriteString(` AND (lower(t.title) LIKE ? ESCAPE '\' OR lower(t.description) LIKE ? ESCAPE '\')`)
			args = append(args, likePattern(q), likePattern(q))
		}
	}
	return b.String(), args
}

// statuses reads a project's workflow in order.
func statuses(ctx context.Context, q db.Q, projectID int64) ([]Status, error) {
	rows, err := q.Query(ctx, `SELECT id, project_id, key, name, category, seq, wip_limit, version FROM workflow_statuses
		WHERE project_id = ? AND deleted_ms IS NULL ORDER BY seq, id`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Status
	for rows.Next() {
		var s Status
		if err := rows.Scan(&s.ID, &s.ProjectID, &s.Key, &s.Custom, &s.Category, &s.Seq, &s.WIPLimit, &s.Version); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// insertDefaultWorkflow adds the five default statuses; a concurrent
// first use may have added them already, which the unique index settles.
func insertDefaultWorkflow(ctx context.Context, tx *db.Tx, projectID int64) error {
	now := db.Now()
	limits := map[string]int{CatDoing: 5, CatReview: 5}
	for i, k := range Categories {
		if _, err := tx.Exec(ctx, `INSERT INTO workflow_statuses (project_id, key, name, category, seq, wip_limit, created_ms, updated_ms)
			VALUES (?, ?, '', ?, ?, ?, ?, ?) ON CONFLICT (project_id, key) DO NOTHING`, projectID, k, k, (i+1)*10, limits[k], now, now); err != nil {
			return err
		}
	}
	return nil
}

func findStatus(ss []Status, key string) (Status, bool) {
	for _, s := range ss {
		if s.Key == key {
			return s, true
		}
	}
	return Status{}, false
}

func categoryOf(ss []Status, key string) string {
	s, _ := findStatus(ss, key)
	return s.Category
}

// projectState reads whether a project can be changed; on PostgreSQL it
// also takes a row lock that serialises task numbering (SQLite's single
// writer already does).
func projectState(ctx context.Context, tx *db.Tx, projectID int64, lock bool) (string, error) {
	query := `SELECT status FROM projects WHERE id = ? AND deleted_ms IS NULL`
	if lock && tx.Dialect() == db.Postgres {
		query += ` FOR NO KEY UPDATE`
	}
	var status string
	err := tx.QueryRow(ctx, query, projectID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return "", db.NotFound(err)
	}
	return status, err
}

func nullDate(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// replacePeople sets the assignees or watchers of a task.
func replacePeople(ctx context.Context, tx *db.Tx, table string, taskID int64, ids []int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE task_id = ?`, taskID); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := tx.Exec(ctx, `INSERT INTO `+table+` (task_id, user_id) VALUES (?, ?)`, taskID, id); err != nil {
			return err
		}
	}
	return nil
}

func replaceChecklist(ctx context.Context, tx *db.Tx, taskID int64, items []ChecklistInput) error {
	if _, err := tx.Exec(ctx, `DELETE FROM checklist_items WHERE task_id = ?`, taskID); err != nil {
		return err
	}
	now := db.Now()
	for i, it := range items {
		if _, err := tx.Exec(ctx, `INSERT INTO checklist_items (task_id, seq, text, done, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?)`,
			taskID, i, it.Text, it.Done, now, now); err != nil {
			return err
		}
	}
	return nil
}

// depEdge is a dependency as the cycle check needs it.
type depEdge struct{ pred, succ int64 }

func projectEdges(ctx context.Context, q db.Q, projectID int64) ([]depEdge, error) {
	rows, err := q.Query(ctx, `SELECT d.pred_id, d.succ_id FROM task_deps d JOIN tasks a ON a.id = d.pred_id JOIN tasks b ON b.id = d.succ_id
		WHERE d.project_id = ? AND a.deleted_ms IS NULL AND b.deleted_ms IS NULL`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []depEdge
	for rows.Next() {
		var e depEdge
		if err := rows.Scan(&e.pred, &e.succ); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// inPadded is db.In for lists of ids, padded with 0 (never an id) to the
// next size of a few fixed ones: the query text then takes one of a
// handful of shapes, so the prepared-statement cache serves it instead of
// SQLite planning a new statement for every list length.
func inPadded(ids []int64) (string, []any) {
	n := 16
	for n < len(ids) {
		n *= 4
	}
	args := make([]any, n)
	for i := range args {
		if i < len(ids) {
			args[i] = ids[i]
		} else {
			args[i] = int64(0)
		}
	}
	return strings.TrimSuffix(strings.Repeat("?,", n), ","), args
}
