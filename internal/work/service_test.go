package work_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"golive/internal/access"
	"golive/internal/app/apptest"
	"golive/internal/apperr"
	"golive/internal/db"
	"golive/internal/live"
	"golive/internal/work"
)

var ctx = context.Background()

func p(e *apptest.Env, who apptest.Who) *access.Principal { return e.Users[who].P }

func mustCreate(t *testing.T, e *apptest.Env, who apptest.Who, projectID int64, in work.Input) work.Task {
	t.Helper()
	tk, err := e.App.Work.Create(ctx, p(e, who), projectID, in)
	if err != nil {
		t.Fatalf("create %q: %v", in.Title, err)
	}
	return tk
}

func wantField(t *testing.T, what string, err error, field string) {
	t.Helper()
	e := apperr.As(err)
	if e.Code != apperr.Invalid || !e.HasField(field) {
		t.Fatalf("%s: want a field error on %s, got %v", what, field, err)
	}
}

func wantCode(t *testing.T, what string, err error, code apperr.Code) {
	t.Helper()
	if apperr.CodeOf(err) != code {
		t.Fatalf("%s: want %s, got %v", what, code, err)
	}
}

// column returns the ids of a status column in board order.
func column(t *testing.T, e *apptest.Env, projectID int64, status string) []int64 {
	t.Helper()
	rows, err := e.App.DB.Query(ctx, `SELECT id FROM tasks WHERE project_id = ? AND status = ? AND deleted_ms IS NULL ORDER BY rank, id`, projectID, status)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		out = append(out, id)
	}
	return out
}

func get(t *testing.T, e *apptest.Env, projectID, id int64) work.Task {
	t.Helper()
	tk, _, err := e.App.Work.Get(ctx, p(e, apptest.PM), projectID, id)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func TestCreateNumbersAndWorkflow(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		ss, err := e.App.Work.Workflow(ctx, p(e, apptest.KeyUser), a)
		if err != nil || len(ss) != 5 || ss[0].Key != "todo" || ss[4].Key != "cancelled" {
			t.Fatalf("default workflow: %v %+v", err, ss)
		}
		t1 := mustCreate(t, e, apptest.Developer, a, work.Input{Title: "调研访谈"})
		t2 := mustCreate(t, e, apptest.Consultant, a, work.Input{Title: "编写方案", Status: "doing", EstimateMin: 90, Labels: []string{"方案"}})
		t3 := mustCreate(t, e, apptest.PM, a, work.Input{Title: "评审", ParentID: &t2.ID, AssigneeIDs: []int64{e.Users[apptest.Developer].ID},
			Checklist: []work.ChecklistInput{{Text: "准备材料", Done: true}, {Text: "会议纪要"}}})
		if t1.Number != 1 || t2.Number != 2 || t3.Number != 3 || t1.Status != "todo" || t2.Status != "doing" {
			t.Fatalf("numbers/status: %d %d %d %s %s", t1.Number, t2.Number, t3.Number, t1.Status, t2.Status)
		}
		if len(t3.Assignees) != 1 || t3.Assignees[0].ID != e.Users[apptest.Developer].ID || len(t3.Checklist) != 2 || !t3.Checklist[0].Done {
			t.Fatalf("details: %+v", t3)
		}
		// Numbers are per project.
		b1 := mustCreate(t, e, apptest.PM, e.ProjectB.ID, work.Input{Title: "乙项目任务"})
		if b1.Number != 1 {
			t.Fatalf("project B numbering: %d", b1.Number)
		}
		// Numbers are never reused after a delete.
		if err := e.App.Work.Delete(ctx, p(e, apptest.PM), a, t1.ID); err != nil {
			t.Fatal(err)
		}
		if t4 := mustCreate(t, e, apptest.PM, a, work.Input{Title: "新任务"}); t4.Number != 4 {
			t.Fatalf("number after delete: %d", t4.Number)
		}
		// Customers may not create; finance may not either.
		for _, who := range []apptest.Who{apptest.CustomerPM, apptest.KeyUser, apptest.Finance} {
			_, err := e.App.Work.Create(ctx, p(e, who), a, work.Input{Title: "x"})
			wantCode(t, string(who)+" create", err, apperr.Forbidden)
		}
		_, err = e.App.Work.Create(ctx, p(e, apptest.OtherCust), a, work.Input{Title: "x"})
		wantCode(t, "other customer create", err, apperr.NotFound)
	})
}

func TestCustomerSeesOnlyCustomerVisibleTasks(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		shown := mustCreate(t, e, apptest.PM, a, work.Input{Title: "客户可见任务", CustomerVisible: true, DueDate: "2020-01-01",
			AssigneeIDs: []int64{e.Users[apptest.KeyUser].ID}})
		hidden := mustCreate(t, e, apptest.PM, a, work.Input{Title: "内部任务-勿外传", DueDate: "2020-01-01"})
		// A customer can neither be assigned to nor watch an internal task.
		_, err := e.App.Work.Create(ctx, p(e, apptest.PM), a, work.Input{Title: "x", AssigneeIDs: []int64{e.Users[apptest.KeyUser].ID}})
		wantField(t, "customer on internal task", err, "assignee_ids")
		_, err = e.App.Work.Create(ctx, p(e, apptest.PM), a, work.Input{Title: "x", WatcherIDs: []int64{e.Users[apptest.CustomerPM].ID}})
		wantField(t, "customer watching internal task", err, "watcher_ids")

		for _, who := range []apptest.Who{apptest.CustomerPM, apptest.KeyUser, apptest.Executive} {
			list, total, err := e.App.Work.List(ctx, p(e, who), a, work.Filter{}, db.Page{Number: 1, Size: 50})
			if err != nil || total != 1 || len(list) != 1 || list[0].ID != shown.ID {
				t.Fatalf("%s list: %v %d %+v", who, err, total, list)
			}
			if _, _, err := e.App.Work.Get(ctx, p(e, who), a, hidden.ID); apperr.CodeOf(err) != apperr.NotFound {
				t.Fatalf("%s get hidden: %v", who, err)
			}
			all, _, err := e.App.Work.All(ctx, p(e, who), a, work.Filter{})
			if err != nil || len(all) != 1 {
				t.Fatalf("%s all: %v %d", who, err, len(all))
			}
			b, err := e.App.Work.Board(ctx, p(e, who), a, work.Filter{}, work.LaneNone, "2026-01-01", nil)
			if err != nil || b.Total != 1 || b.Columns[0].Count != 1 {
				t.Fatalf("%s board: %v total %d todo %d", who, err, b.Total, b.Columns[0].Count)
			}
			// Filters do not bring it back, and counts never include it.
			b, _ = e.App.Work.Board(ctx, p(e, who), a, work.Filter{Q: "内部"}, work.LaneNone, "2026-01-01", nil)
			if b.Total != 0 || b.Columns[0].Count != 1 {
				t.Fatalf("%s filtered board: total %d todo %d", who, b.Total, b.Columns[0].Count)
			}
			if _, _, err := e.App.Work.Card(ctx, p(e, who), a, hidden.ID, work.Filter{}, "2026-01-01"); apperr.CodeOf(err) != apperr.NotFound {
				t.Fatalf("%s card hidden: %v", who, err)
			}
			if counts, _ := e.App.Work.ColumnCounts(ctx, p(e, who), a); counts["todo"] != 1 {
				t.Fatalf("%s counts: %v", who, counts)
			}
			if _, err := e.App.Work.Dependencies(ctx, p(e, who), a, 0); err != nil {
				t.Fatal(err)
			}
		}
		// The vendor sees both.
		_, total, _ := e.App.Work.List(ctx, p(e, apptest.Finance), a, work.Filter{}, db.Page{Number: 1, Size: 50})
		if total != 2 {
			t.Fatalf("finance sees %d", total)
		}
		// My work of the key user holds the visible, overdue task.
		g, err := e.App.Work.MyWork(ctx, p(e, apptest.KeyUser), time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC), func(s work.Status) string { return s.Key })
		if err != nil || len(g.Overdue) != 1 || g.Overdue[0].ID != shown.ID {
			t.Fatalf("key user's my work: %v %+v", err, g)
		}
		// A dependency between a visible and an internal task is internal.
		if _, err := e.App.Work.AddDependency(ctx, p(e, apptest.PM), a, work.DepInput{PredID: hidden.ID, SuccID: shown.ID}); err != nil {
			t.Fatal(err)
		}
		if ds, _ := e.App.Work.Dependencies(ctx, p(e, apptest.KeyUser), a, 0); len(ds) != 0 {
			t.Fatalf("customer sees dependency on an internal task: %+v", ds)
		}
		if ds, _ := e.App.Work.Dependencies(ctx, p(e, apptest.Developer), a, 0); len(ds) != 1 {
			t.Fatalf("vendor dependencies: %+v", ds)
		}
		// The timeline of a customer shows no internal task.
		rows, _, err := e.App.Projects.Activity(ctx, p(e, apptest.KeyUser), a, db.Page{Number: 1, Size: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if strings.Contains(r.Summary, "内部任务") {
				t.Fatalf("customer timeline shows %q", r.Summary)
			}
		}
	})
}

func TestMoveRanksAndRenumbering(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		var ids []int64
		for _, title := range []string{"一", "二", "三"} {
			ids = append(ids, mustCreate(t, e, apptest.PM, a, work.Input{Title: title, Status: "doing"}).ID)
		}
		x := mustCreate(t, e, apptest.PM, a, work.Input{Title: "移动的卡片"})
		dev := p(e, apptest.Developer)
		// Between two and three.
		moved, err := e.App.Work.Move(ctx, dev, a, x.ID, work.MoveInput{Status: "doing", BeforeID: ids[1], AfterID: ids[2], Version: x.Version})
		if err != nil {
			t.Fatal(err)
		}
		if got := column(t, e, a, "doing"); !equal(got, []int64{ids[0], ids[1], x.ID, ids[2]}) {
			t.Fatalf("after move: %v", got)
		}
		if moved.Version != x.Version+1 || moved.Status != "doing" {
			t.Fatalf("moved: %+v", moved)
		}
		// To the top, then to the end of another column.
		moved, err = e.App.Work.Move(ctx, dev, a, x.ID, work.MoveInput{Status: "doing", AfterID: ids[0], Version: moved.Version})
		if err != nil || column(t, e, a, "doing")[0] != x.ID {
			t.Fatalf("to top: %v %v", err, column(t, e, a, "doing"))
		}
		moved, err = e.App.Work.Move(ctx, dev, a, x.ID, work.MoveInput{Status: "done", Version: moved.Version})
		if err != nil || moved.DoneMS == nil {
			t.Fatalf("to done: %v %+v", err, moved)
		}
		moved, err = e.App.Work.Move(ctx, dev, a, x.ID, work.MoveInput{Status: "doing", BeforeID: ids[2], Version: moved.Version})
		if err != nil || moved.DoneMS != nil {
			t.Fatalf("out of done: %v %+v", err, moved)
		}
		// Exhausted gap: squeeze two neighbours together; the move
		// renumbers the column and still lands between them.
		if _, err := e.App.DB.Exec(ctx, `UPDATE tasks SET rank = ? WHERE id = ?`, 5000.0, ids[0]); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.DB.Exec(ctx, `UPDATE tasks SET rank = ? WHERE id = ?`, 5000.0000001, ids[1]); err != nil {
			t.Fatal(err)
		}
		sub := e.App.Work.Live().Subscribe(ctx, work.Topic(a))
		moved, err = e.App.Work.Move(ctx, dev, a, x.ID, work.MoveInput{Status: "doing", BeforeID: ids[0], AfterID: ids[1], Version: moved.Version})
		if err != nil {
			t.Fatal(err)
		}
		col := column(t, e, a, "doing")
		pos := map[int64]int{}
		for i, id := range col {
			pos[id] = i
		}
		if !(pos[ids[0]]+1 == pos[x.ID] && pos[x.ID]+1 == pos[ids[1]]) {
			t.Fatalf("after renumbering: %v", col)
		}
		kinds := drain(sub, 2)
		if !strings.Contains(strings.Join(kinds, ","), "reorder") || !strings.Contains(strings.Join(kinds, ","), "task") {
			t.Fatalf("notices after renumbering: %v", kinds)
		}
	})
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// drain collects the names of up to n notices, waiting at most 2 s.
func drain(ch <-chan live.Event, n int) []string {
	var out []string
	deadline := time.After(2 * time.Second)
	for len(out) < n {
		select {
		case e := <-ch:
			out = append(out, e.Name)
		case <-deadline:
			return out
		}
	}
	return out
}

func TestMoveRefusals(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		x := mustCreate(t, e, apptest.PM, a, work.Input{Title: "卡片", CustomerVisible: true})
		y := mustCreate(t, e, apptest.PM, a, work.Input{Title: "邻居", Status: "review"})
		other := mustCreate(t, e, apptest.PM, e.ProjectB.ID, work.Input{Title: "乙项目的卡片"})
		pm := p(e, apptest.PM)
		state := func() string {
			tk := get(t, e, a, x.ID)
			b, _ := json.Marshal([]any{tk.Status, tk.Rank, tk.Version})
			return string(b)
		}
		before := state()
		_, err := e.App.Work.Move(ctx, pm, a, x.ID, work.MoveInput{Status: "nope", Version: x.Version})
		wantField(t, "unknown status", err, "status")
		_, err = e.App.Work.Move(ctx, pm, a, x.ID, work.MoveInput{Status: "doing", Version: x.Version + 5})
		wantCode(t, "stale version", err, apperr.Conflict)
		_, err = e.App.Work.Move(ctx, pm, a, x.ID, work.MoveInput{Status: "doing", BeforeID: y.ID, Version: x.Version})
		wantCode(t, "neighbour in another column", err, apperr.Conflict)
		_, err = e.App.Work.Move(ctx, pm, a, x.ID, work.MoveInput{Status: "doing", BeforeID: other.ID, Version: x.Version})
		wantField(t, "neighbour of another project", err, "before_id")
		for _, who := range []apptest.Who{apptest.CustomerPM, apptest.KeyUser, apptest.Executive, apptest.Finance} {
			_, err = e.App.Work.Move(ctx, p(e, who), a, x.ID, work.MoveInput{Status: "doing", Version: x.Version})
			wantCode(t, string(who)+" moves", err, apperr.Forbidden)
		}
		_, err = e.App.Work.Move(ctx, p(e, apptest.OtherCust), a, x.ID, work.MoveInput{Status: "doing", Version: x.Version})
		wantCode(t, "other customer moves", err, apperr.NotFound)
		// A task of project B named under project A.
		_, err = e.App.Work.Move(ctx, pm, a, other.ID, work.MoveInput{Status: "doing", Version: other.Version})
		wantCode(t, "task of B under A", err, apperr.NotFound)
		if after := state(); after != before {
			t.Fatalf("refused moves changed the task: %s → %s", before, after)
		}
	})
}

func TestWIPLimits(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		ss, _ := e.App.Work.Workflow(ctx, p(e, apptest.PM), a)
		doing := ss[1]
		if _, err := e.App.Work.UpdateStatus(ctx, p(e, apptest.Developer), a, doing.ID, work.StatusInput{WIPLimit: 2, Version: doing.Version}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("developer edits WIP: %v", err)
		}
		_, err := e.App.Work.UpdateStatus(ctx, p(e, apptest.PM), a, doing.ID, work.StatusInput{WIPLimit: -1, Version: doing.Version})
		wantField(t, "negative WIP", err, "wip_limit")
		st, err := e.App.Work.UpdateStatus(ctx, p(e, apptest.PM), a, doing.ID, work.StatusInput{Name: "开发中", WIPLimit: 2, Version: doing.Version})
		if err != nil || st.WIPLimit != 2 || st.Custom != "开发中" {
			t.Fatalf("update status: %v %+v", err, st)
		}
		_, err = e.App.Work.UpdateStatus(ctx, p(e, apptest.PM), a, doing.ID, work.StatusInput{WIPLimit: 3, Version: doing.Version})
		wantCode(t, "stale status", err, apperr.Conflict)
		board := func() work.Column {
			b, err := e.App.Work.Board(ctx, p(e, apptest.PM), a, work.Filter{}, work.LaneNone, "2026-01-01", nil)
			if err != nil {
				t.Fatal(err)
			}
			return b.Columns[1]
		}
		mustCreate(t, e, apptest.PM, a, work.Input{Title: "1", Status: "doing"})
		if c := board(); c.Count != 1 || c.Over || c.AtMax {
			t.Fatalf("under the limit: %+v", c)
		}
		mustCreate(t, e, apptest.PM, a, work.Input{Title: "2", Status: "doing"})
		if c := board(); !c.AtMax || c.Over {
			t.Fatalf("at the limit: %+v", c)
		}
		mustCreate(t, e, apptest.PM, a, work.Input{Title: "3", Status: "doing"})
		if c := board(); !c.Over {
			t.Fatalf("over the limit: %+v", c)
		}
	})
}

func TestDependencyCycles(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		pm := p(e, apptest.PM)
		t1 := mustCreate(t, e, apptest.PM, a, work.Input{Title: "需求调研"})
		t2 := mustCreate(t, e, apptest.PM, a, work.Input{Title: "方案设计"})
		t3 := mustCreate(t, e, apptest.PM, a, work.Input{Title: "系统配置"})
		b := mustCreate(t, e, apptest.PM, e.ProjectB.ID, work.Input{Title: "乙项目任务"})
		for _, d := range []work.DepInput{{PredID: t1.ID, SuccID: t2.ID, Type: "FS"}, {PredID: t2.ID, SuccID: t3.ID, Type: "SS", LagDays: 2}} {
			if _, err := e.App.Work.AddDependency(ctx, pm, a, d); err != nil {
				t.Fatal(err)
			}
		}
		_, err := e.App.Work.AddDependency(ctx, pm, a, work.DepInput{PredID: t3.ID, SuccID: t1.ID})
		wantField(t, "cycle", err, "pred_id")
		msg := apperr.As(err)
		arg := msg.FieldArgs["pred_id"]
		if len(arg) != 1 || arg[0] != "#3 系统配置 → #1 需求调研 → #2 方案设计 → #3 系统配置" {
			t.Fatalf("cycle message args: %v", arg)
		}
		_, err = e.App.Work.AddDependency(ctx, pm, a, work.DepInput{PredID: t1.ID, SuccID: t2.ID})
		wantField(t, "duplicate", err, "succ_id")
		_, err = e.App.Work.AddDependency(ctx, pm, a, work.DepInput{PredID: t1.ID, SuccID: b.ID})
		wantField(t, "other project", err, "succ_id")
		_, err = e.App.Work.AddDependency(ctx, p(e, apptest.CustomerPM), a, work.DepInput{PredID: t1.ID, SuccID: t3.ID})
		wantCode(t, "customer links", err, apperr.Forbidden)
		ds, err := e.App.Work.Dependencies(ctx, pm, a, 0)
		if err != nil || len(ds) != 2 || ds[1].Type != "SS" || ds[1].LagDays != 2 {
			t.Fatalf("dependencies: %v %+v", err, ds)
		}
		if err := e.App.Work.RemoveDependency(ctx, pm, e.ProjectB.ID, ds[0].ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("remove through B: %v", err)
		}
		if err := e.App.Work.RemoveDependency(ctx, pm, a, ds[0].ID); err != nil {
			t.Fatal(err)
		}
		// Without t1 → t2 the former cycle is fine.
		if _, err := e.App.Work.AddDependency(ctx, pm, a, work.DepInput{PredID: t3.ID, SuccID: t1.ID}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestWBSAndReferences(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		pm := p(e, apptest.PM)
		top := mustCreate(t, e, apptest.PM, a, work.Input{Title: "顶层"})
		mid := mustCreate(t, e, apptest.PM, a, work.Input{Title: "中层", ParentID: &top.ID})
		leaf := mustCreate(t, e, apptest.PM, a, work.Input{Title: "底层", ParentID: &mid.ID})
		edit := func(tk work.Task, f func(*work.Input)) error {
			in := work.InputOf(get(t, e, a, tk.ID))
			f(&in)
			_, err := e.App.Work.Update(ctx, pm, a, tk.ID, in)
			return err
		}
		wantField(t, "own descendant as parent", edit(top, func(in *work.Input) { in.ParentID = &leaf.ID }), "parent_id")
		wantField(t, "itself as parent", edit(mid, func(in *work.Input) { in.ParentID = &mid.ID }), "parent_id")
		b := mustCreate(t, e, apptest.PM, e.ProjectB.ID, work.Input{Title: "乙"})
		wantField(t, "parent in B", edit(leaf, func(in *work.Input) { in.ParentID = &b.ID }), "parent_id")
		wantField(t, "due before start", edit(leaf, func(in *work.Input) { in.StartDate, in.DueDate = "2026-05-02", "2026-05-01" }), "due_date")
		wantField(t, "unknown status", edit(leaf, func(in *work.Input) { in.Status = "blocked" }), "status")
		wantField(t, "outsider assigned", edit(leaf, func(in *work.Input) { in.AssigneeIDs = []int64{e.Users[apptest.Outsider].ID} }), "assignee_ids")
		// Phases: of the same project, dates within the phase.
		var phA, phB int64
		now := db.Now()
		err := e.App.DB.Tx(ctx, func(tx *db.Tx) error {
			if err := tx.QueryRow(ctx, `INSERT INTO phases (project_id, seq, key, name, start_date, end_date, created_ms, updated_ms) VALUES (?, 1, 'design', '方案设计', '2026-03-01', '2026-03-31', ?, ?) RETURNING id`, a, now, now).Scan(&phA); err != nil {
				return err
			}
			return tx.QueryRow(ctx, `INSERT INTO phases (project_id, seq, key, name, created_ms, updated_ms) VALUES (?, 1, 'x', '乙阶段', ?, ?) RETURNING id`, e.ProjectB.ID, now, now).Scan(&phB)
		})
		if err != nil {
			t.Fatal(err)
		}
		wantField(t, "phase of B", edit(leaf, func(in *work.Input) { in.PhaseID = &phB }), "phase_id")
		wantField(t, "outside the phase", edit(leaf, func(in *work.Input) { in.PhaseID, in.StartDate, in.DueDate = &phA, "2026-03-20", "2026-04-03" }), "due_date")
		if err := edit(leaf, func(in *work.Input) { in.PhaseID, in.StartDate, in.DueDate = &phA, "2026-03-02", "2026-03-06" }); err != nil {
			t.Fatal(err)
		}
		if got := get(t, e, a, leaf.ID); got.PhaseName != "方案设计" {
			t.Fatalf("phase name %q", got.PhaseName)
		}
		// Moving a subtree under a sibling is fine.
		sib := mustCreate(t, e, apptest.PM, a, work.Input{Title: "兄弟"})
		if err := edit(mid, func(in *work.Input) { in.ParentID = &sib.ID }); err != nil {
			t.Fatal(err)
		}
		// Delete takes the subtree along; restore brings it back.
		if err := e.App.Work.Delete(ctx, pm, a, sib.ID); err != nil {
			t.Fatal(err)
		}
		if _, total, _ := e.App.Work.List(ctx, pm, a, work.Filter{}, db.Page{Number: 1, Size: 50}); total != 1 {
			t.Fatalf("after deleting the subtree %d tasks remain", total)
		}
		items, err := e.App.Trash.List(ctx, pm)
		if err != nil || len(items) != 1 || items[0].Kind != "task" || items[0].ID != sib.ID {
			t.Fatalf("trash: %v %+v", err, items)
		}
		if err := e.App.Trash.Restore(ctx, p(e, apptest.Developer), "task", sib.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("developer restores: %v", err)
		}
		if err := e.App.Trash.Restore(ctx, pm, "task", sib.ID); err != nil {
			t.Fatal(err)
		}
		if _, total, _ := e.App.Work.List(ctx, pm, a, work.Filter{}, db.Page{Number: 1, Size: 50}); total != 4 {
			t.Fatalf("after restore: %d", total)
		}
	})
}

func TestStaleEditIsAConflict(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		tk := mustCreate(t, e, apptest.PM, a, work.Input{Title: "原标题"})
		in1, in2 := work.InputOf(tk), work.InputOf(tk)
		in1.Title, in2.Title = "甲的修改", "乙的修改"
		if _, err := e.App.Work.Update(ctx, p(e, apptest.Developer), a, tk.ID, in1); err != nil {
			t.Fatal(err)
		}
		_, err := e.App.Work.Update(ctx, p(e, apptest.Consultant), a, tk.ID, in2)
		wantCode(t, "second save", err, apperr.Conflict)
		if got := get(t, e, a, tk.ID); got.Title != "甲的修改" {
			t.Fatalf("title %q", got.Title)
		}
		// A patch against a stale version too.
		title := "补丁"
		_, err = e.App.Work.Patch(ctx, p(e, apptest.PM), a, tk.ID, work.Patch{Title: &title, Version: tk.Version})
		wantCode(t, "stale patch", err, apperr.Conflict)
	})
}

// A column shows ColumnCap cards until asked for all; the counts still
// cover the whole column.
func TestBoardColumnCap(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		pm := p(e, apptest.PM)
		err := e.App.DB.Tx(ctx, func(tx *db.Tx) error {
			for i := 1; i <= work.ColumnCap+5; i++ {
				if _, err := tx.Exec(ctx, `INSERT INTO tasks (project_id, number, title, status, rank, created_ms, updated_ms) VALUES (?, ?, ?, 'todo', ?, 0, 0)`,
					a, i, "卡片", float64(i)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		mustCreate(t, e, apptest.PM, a, work.Input{Title: "进行中", Status: "doing"})
		shown := func(b work.Board, col int) int {
			n := 0
			for _, l := range b.Lanes {
				n += len(l.Cells[col])
			}
			return n
		}
		b, err := e.App.Work.Board(ctx, pm, a, work.Filter{}, work.LaneAssignee, "2026-01-01", nil)
		if err != nil {
			t.Fatal(err)
		}
		if shown(b, 0) != work.ColumnCap || b.Columns[0].Hidden != 5 || b.Columns[0].Count != work.ColumnCap+5 || shown(b, 1) != 1 || b.Total != work.ColumnCap+6 {
			t.Fatalf("capped: shown %d hidden %d count %d total %d", shown(b, 0), b.Columns[0].Hidden, b.Columns[0].Count, b.Total)
		}
		for _, expand := range []map[string]bool{{"todo": true}, {"all": true}} {
			b, _ = e.App.Work.Board(ctx, pm, a, work.Filter{}, work.LaneNone, "2026-01-01", expand)
			if shown(b, 0) != work.ColumnCap+5 || b.Columns[0].Hidden != 0 {
				t.Fatalf("expanded %v: shown %d hidden %d", expand, shown(b, 0), b.Columns[0].Hidden)
			}
		}
		// With a filter, hidden counts what passes it.
		b, _ = e.App.Work.Board(ctx, pm, a, work.Filter{Q: "进行"}, work.LaneNone, "2026-01-01", nil)
		if b.Total != 1 || b.Columns[0].Hidden != 0 || b.Columns[0].Count != work.ColumnCap+5 {
			t.Fatalf("filtered: total %d hidden %d count %d", b.Total, b.Columns[0].Hidden, b.Columns[0].Count)
		}
	})
}
