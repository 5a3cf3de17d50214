package work

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/i18n"
)

// Limits of one plan import.
const (
	PlanMaxBytes = 5 << 20
	PlanMaxRows  = 20000
)

// PlanIssue is one problem of one row: Row is the sheet's line number (1 is
// the header), Column a catalog key of the column ("" for the whole row),
// Key and Args the message.
type PlanIssue struct {
	Row    int
	Column string
	Key    string
	Args   []any
}

// PlanResult summarises an import: what it will do (preview) or did.
type PlanResult struct {
	Creates, Updates, Unchanged int
	Issues                      []PlanIssue
	Applied                     bool
	// MS Project import (mspdi_import.go): links created, and what was
	// read but not taken (Row 0).
	Links int
	Notes []PlanIssue
}

// BadRows counts rows with at least one issue.
func (r PlanResult) BadRows() int {
	seen := map[int]bool{}
	for _, i := range r.Issues {
		seen[i.Row] = true
	}
	return len(seen)
}

// errPlanPreview rolls back the transaction a preview validates in.
var errPlanPreview = errors.New("plan preview")

// fieldColumn maps the service's field names to the sheet's columns.
var fieldColumn = map[string]string{
	"parent_id": "planxlsx.col_parent", "title": "planxlsx.col_title", "start_date": "planxlsx.col_start",
	"due_date": "planxlsx.col_due", "assignee_ids": "planxlsx.col_assignees", "status": "planxlsx.col_status",
	"customer_visible": "planxlsx.col_visible", "version": "planxlsx.col_version",
}

type planLine struct {
	row     int
	task    *Task // nil: create
	in      Input
	preds   []PredRef
	predsOK bool // the 前置任务 column replaces the task's predecessors
}

// ImportPlan reads a plan sheet. Without apply it only reports (the checks
// run in a transaction that is rolled back, so they are the service's own:
// phase dates, membership, WBS depth). With apply it writes everything in
// one transaction, and only when no row is bad, unless validOnly.
func (s *Service) ImportPlan(ctx context.Context, p *access.Principal, projectID int64, data []byte, apply, validOnly bool) (PlanResult, error) {
	m, _, err := s.access(ctx, p, projectID)
	if err != nil {
		return PlanResult{}, err
	}
	if !p.Can(m, access.TaskEdit) || !p.Can(m, access.TaskCreate) {
		return PlanResult{}, apperr.ForbiddenErr()
	}
	if len(data) > PlanMaxBytes {
		return PlanResult{}, apperr.InvalidField("file", "planxlsx.err_too_big", PlanMaxBytes>>20)
	}
	if !bytes.HasPrefix(data, []byte("PK")) {
		return PlanResult{}, apperr.InvalidField("file", "planxlsx.err_not_xlsx")
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true})
	if err != nil {
		return PlanResult{}, apperr.InvalidField("file", "planxlsx.err_not_xlsx")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return PlanResult{}, apperr.InvalidField("file", "planxlsx.err_not_xlsx")
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		return PlanResult{}, apperr.InvalidField("file", "planxlsx.err_not_xlsx")
	}
	if len(rows) > PlanMaxRows+1 {
		return PlanResult{}, apperr.InvalidField("file", "planxlsx.err_too_many_rows", PlanMaxRows)
	}
	ss, err := s.workflow(ctx, projectID)
	if err != nil {
		return PlanResult{}, err
	}
	ts, truncated, err := s.All(ctx, p, projectID, Filter{})
	if err != nil {
		return PlanResult{}, err
	}
	if truncated {
		return PlanResult{}, apperr.InvalidField("file", "planxlsx.err_too_many_rows", treeLimit)
	}
	members, err := s.Members(ctx, p, projectID)
	if err != nil {
		return PlanResult{}, err
	}
	deps, err := s.Dependencies(ctx, p, projectID, 0)
	if err != nil {
		return PlanResult{}, err
	}
	hadPreds := map[int64][]PredRef{}
	for _, d := range deps {
		hadPreds[d.SuccID] = append(hadPreds[d.SuccID], PredRef{Number: d.PredNumber, Type: d.Type, Lag: d.LagDays})
	}
	byNumber := map[int64]*Task{}
	for i := range ts {
		byNumber[ts[i].Number] = &ts[i]
	}
	person := map[string]int64{}
	for _, mb := range members {
		person[strings.ToLower(mb.Email)] = mb.UserID
		person[strings.ToLower(mb.Name)] = mb.UserID
	}
	status := map[string]string{}
	for _, st := range ss {
		status[strings.ToLower(st.Key)] = st.Key
		status[strings.ToLower(st.Name)] = st.Key
		status[strings.ToLower(st.Custom)] = st.Key
		// The sheet names statuses in the exporter's language, whichever.
		for _, lang := range i18n.Langs {
			status[strings.ToLower(st.Label(func(k string) string { return i18n.T(lang, k) }))] = st.Key
		}
	}
	delete(status, "")

	var res PlanResult
	var lines []planLine
	bad := map[int]bool{}
	add := func(row int, col, key string, args ...any) {
		res.Issues = append(res.Issues, PlanIssue{Row: row, Column: col, Key: key, Args: args})
		bad[row] = true
	}
	seenNumber := map[int64]int{}
	for i, cells := range rows {
		if i == 0 {
			continue
		}
		row := i + 1
		cell := func(c int) string {
			if c < len(cells) {
				return strings.TrimSpace(cells[c])
			}
			return ""
		}
		empty := true
		for c := 0; c < len(planCols); c++ {
			if cell(c) != "" {
				empty = false
			}
		}
		if empty {
			continue
		}
		l := planLine{row: row}
		if n := cell(0); n != "" {
			num, err := strconv.ParseInt(n, 10, 64)
			if err != nil || byNumber[num] == nil {
				add(row, "planxlsx.col_number", "planxlsx.err_unknown_task", n)
				continue
			}
			if prev, ok := seenNumber[num]; ok {
				add(row, "planxlsx.col_number", "planxlsx.err_dup_number", num, prev)
				continue
			}
			seenNumber[num] = row
			l.task = byNumber[num]
			l.in = InputOf(*l.task)
			if v := cell(10); v != "" && v != strconv.FormatInt(l.task.Version, 10) {
				add(row, "planxlsx.col_number", "planxlsx.err_stale", l.task.Ref())
				continue
			}
		} else {
			l.in = Input{Priority: "normal"}
		}
		if n := cell(1); n == "" {
			l.in.ParentID = nil
		} else if num, err := strconv.ParseInt(n, 10, 64); err != nil || byNumber[num] == nil {
			add(row, "planxlsx.col_parent", "planxlsx.err_unknown_task", n)
		} else {
			id := byNumber[num].ID
			l.in.ParentID = &id
		}
		l.in.Title = cell(2)
		for _, d := range []struct {
			col int
			key string
			dst *string
		}{{3, "planxlsx.col_start", &l.in.StartDate}, {4, "planxlsx.col_due", &l.in.DueDate}} {
			v, ok := planDate(cell(d.col))
			if !ok {
				add(row, d.key, "planxlsx.err_date", cell(d.col))
			}
			*d.dst = v
		}
		if v := cell(6); v != "" || l.task != nil {
			refs, key, arg := ParsePredecessors(v)
			if key != "" {
				add(row, "planxlsx.col_preds", key, arg)
			}
			for _, r := range refs {
				if byNumber[r.Number] == nil || (l.task != nil && r.Number == l.task.Number) {
					add(row, "planxlsx.col_preds", "planxlsx.err_unknown_task", strconv.FormatInt(r.Number, 10))
				}
			}
			l.preds, l.predsOK = refs, true
		}
		l.in.AssigneeIDs = nil
		for _, who := range splitList(cell(7)) {
			id, ok := person[strings.ToLower(who)]
			if !ok {
				add(row, "planxlsx.col_assignees", "planxlsx.err_not_member", who)
				continue
			}
			if !slices.Contains(l.in.AssigneeIDs, id) {
				l.in.AssigneeIDs = append(l.in.AssigneeIDs, id)
			}
		}
		if v := cell(8); v != "" {
			k, ok := status[strings.ToLower(v)]
			if !ok {
				add(row, "planxlsx.col_status", "planxlsx.err_status", v)
			}
			l.in.Status = k
		}
		if v := cell(9); v != "" || l.task == nil {
			b, ok := planBool(v)
			if !ok {
				add(row, "planxlsx.col_visible", "planxlsx.err_bool", v)
			}
			l.in.CustomerVisible = b
		}
		var verr error
		if l.task != nil {
			verr = l.in.ValidateUpdate()
		} else {
			verr = l.in.Validate()
		}
		fieldIssues(row, verr, add)
		if !bad[row] {
			lines = append(lines, l)
		}
	}

	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID, true); err != nil {
			return err
		}
		edges, err := projectEdges(ctx, tx, projectID)
		if err != nil {
			return err
		}
		var created, updated []Task
		for _, l := range lines {
			if err := checkRefs(ctx, tx, projectID, ss, &l.in, l.task); err != nil {
				if apperr.CodeOf(err) != apperr.Invalid {
					return err
				}
				fieldIssues(l.row, err, add)
				continue
			}
			if l.task != nil && !planChanged(*l.task, l.in, l.predsOK, l.preds, hadPreds[l.task.ID]) {
				res.Unchanged++
				continue
			}
			// Dependencies: the row's predecessors replace the task's; a
			// cycle is checked against the plan as already changed above.
			var succ int64
			if l.task != nil {
				succ = l.task.ID
			}
			if l.predsOK && l.task != nil {
				kept := edges[:0:0]
				for _, e := range edges {
					if e.succ != succ {
						kept = append(kept, e)
					}
				}
				cyc := false
				for _, r := range l.preds {
					if c, ok := findCycle(kept, byNumber[r.Number].ID, succ); ok {
						names, err := refs(ctx, tx, c)
						if err != nil {
							return err
						}
						add(l.row, "planxlsx.col_preds", "work.dep_cycle", strings.Join(names, " → "))
						cyc = true
						break
					}
					kept = append(kept, depEdge{pred: byNumber[r.Number].ID, succ: succ})
				}
				if cyc {
					continue
				}
				edges = kept
			}
			if l.task == nil {
				res.Creates++
			} else {
				res.Updates++
			}
			if !apply {
				continue
			}
			t, err := s.writePlanLine(ctx, tx, p, projectID, ss, l, byNumber)
			if err != nil {
				return err
			}
			if l.task == nil {
				created = append(created, t)
			} else {
				updated = append(updated, t)
			}
		}
		sort.SliceStable(res.Issues, func(i, j int) bool { return res.Issues[i].Row < res.Issues[j].Row })
		if !apply || (len(res.Issues) > 0 && !validOnly) {
			return errPlanPreview
		}
		res.Applied = true
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "project", EntityID: projectID, Action: "plan_import",
			Summary: "计划导入：新建 " + strconv.Itoa(len(created)) + " 项，更新 " + strconv.Itoa(len(updated)) + " 项", Internal: true})
	})
	if err != nil && !errors.Is(err, errPlanPreview) {
		return PlanResult{}, apperr.Wrap(err)
	}
	return res, nil
}

// writePlanLine writes one checked row in the import's transaction.
func (s *Service) writePlanLine(ctx context.Context, tx *db.Tx, p *access.Principal, projectID int64, ss []Status, l planLine, byNumber map[int64]*Task) (Task, error) {
	in := l.in
	var id int64
	var before *Task
	if l.task == nil {
		if in.Status == "" {
			in.Status = ss[0].Key
		}
		var number int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(number), 0) + 1 FROM tasks WHERE project_id = ?`, projectID).Scan(&number); err != nil {
			return Task{}, err
		}
		rank, err := endOfColumn(ctx, tx, projectID, in.Status)
		if err != nil {
			return Task{}, err
		}
		now := db.Now()
		err = tx.QueryRow(ctx, `INSERT INTO tasks (project_id, parent_id, number, title, description, status, rank, priority, start_date, due_date,
			estimate_min, remaining_min, phase_id, iteration_id, labels, customer_visible, created_by, created_ms, updated_ms, done_ms)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			projectID, in.ParentID, number, in.Title, in.Description, in.Status, rank, in.Priority, nullDate(in.StartDate), nullDate(in.DueDate),
			in.EstimateMin, in.RemainingMin, in.PhaseID, in.IterationID, strings.Join(in.Labels, ","), in.CustomerVisible, creator(p), now, now,
			doneMS(categoryOf(ss, in.Status), nil)).Scan(&id)
		if err != nil {
			return Task{}, err
		}
	} else {
		before = l.task
		id = before.ID
		rank := before.Rank
		if in.Status != before.Status {
			var err error
			if rank, err = endOfColumn(ctx, tx, projectID, in.Status); err != nil {
				return Task{}, err
			}
		}
		res, err := tx.Exec(ctx, `UPDATE tasks SET parent_id = ?, title = ?, status = ?, rank = ?, start_date = ?, due_date = ?,
			customer_visible = ?, done_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND version = ?`,
			in.ParentID, in.Title, in.Status, rank, nullDate(in.StartDate), nullDate(in.DueDate), in.CustomerVisible,
			doneMS(categoryOf(ss, in.Status), before.DoneMS), db.Now(), id, before.Version)
		if err != nil {
			return Task{}, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Task{}, apperr.ConflictErr()
		}
	}
	if err := replacePeople(ctx, tx, "task_assignees", id, in.AssigneeIDs); err != nil {
		return Task{}, err
	}
	if l.predsOK {
		if _, err := tx.Exec(ctx, `DELETE FROM task_deps WHERE succ_id = ?`, id); err != nil {
			return Task{}, err
		}
		for _, r := range l.preds {
			if _, err := tx.Exec(ctx, `INSERT INTO task_deps (project_id, pred_id, succ_id, type, lag_days, created_ms) VALUES (?, ?, ?, ?, ?, ?)`,
				projectID, byNumber[r.Number].ID, id, r.Type, r.Lag, db.Now()); err != nil {
				return Task{}, err
			}
		}
	}
	after, err := getTask(ctx, tx, projectID, id, true, false)
	if err != nil {
		return Task{}, err
	}
	e := audit.Entry{ProjectID: projectID, Entity: "task", EntityID: id, Action: "create", Summary: after.Ref(), After: after.auditView(), Internal: !after.CustomerVisible}
	n := Notice{Kind: NoticeTask, TaskID: id, Version: after.Version, Visible: after.CustomerVisible}
	if before != nil {
		e.Action, e.Before = "update", before.auditView()
		n.WasVisible = before.CustomerVisible
	}
	s.notify(tx, projectID, n)
	if l.predsOK {
		s.notify(tx, projectID, Notice{Kind: NoticeDep, TaskID: id, Visible: after.CustomerVisible})
	}
	return after, audit.Record(ctx, tx, p, e)
}

// planChanged reports whether a row changes its task.
func planChanged(t Task, in Input, predsOK bool, preds, had []PredRef) bool {
	was := InputOf(t)
	if deref64(was.ParentID) != deref64(in.ParentID) || was.Title != in.Title || was.StartDate != in.StartDate || was.DueDate != in.DueDate ||
		was.Status != in.Status || was.CustomerVisible != in.CustomerVisible {
		return true
	}
	a, b := slices.Clone(was.AssigneeIDs), slices.Clone(in.AssigneeIDs)
	slices.Sort(a)
	slices.Sort(b)
	if !slices.Equal(a, b) {
		return true
	}
	if !predsOK {
		return false
	}
	return canonPreds(had) != canonPreds(preds)
}

// canonPreds formats predecessors in number order, to compare two lists.
func canonPreds(rs []PredRef) string {
	rs = slices.Clone(rs)
	sort.Slice(rs, func(i, j int) bool { return rs[i].Number < rs[j].Number })
	return FormatPredecessors(rs)
}

func deref64(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func fieldIssues(row int, err error, add func(int, string, string, ...any)) {
	if err == nil {
		return
	}
	e := apperr.As(err)
	if e == nil || len(e.Fields) == 0 {
		add(row, "", "planxlsx.err_row")
		return
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		add(row, fieldColumn[k], e.Fields[k], e.FieldArgs[k]...)
	}
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' }) {
		if v := strings.TrimSpace(part); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// planDate accepts YYYY-MM-DD, YYYY/M/D and an Excel date serial (a cell
// Excel reformatted as a date reads raw as a number).
func planDate(v string) (string, bool) {
	if v == "" {
		return "", true
	}
	for _, layout := range []string{"2006-01-02", "2006/1/2", "2006-1-2"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Format("2006-01-02"), true
		}
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil && n > 0 && n < 2958466 {
		if t, err := excelize.ExcelDateToTime(n, false); err == nil {
			return t.Format("2006-01-02"), true
		}
	}
	return v, false
}

func planBool(v string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "是", "yes", "y", "true", "1", "√":
		return true, true
	case "否", "no", "n", "false", "0", "":
		return false, true
	}
	return false, false
}
