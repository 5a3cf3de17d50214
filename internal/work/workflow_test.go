package work_test

import (
	"testing"
	"time"

	"golive/internal/app/apptest"
	"golive/internal/apperr"
	"golive/internal/work"
)

func statusKeys(ss []work.Status) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Key
	}
	return out
}

func findKey(t *testing.T, ss []work.Status, key string) work.Status {
	t.Helper()
	for _, s := range ss {
		if s.Key == key {
			return s
		}
	}
	t.Fatalf("no status %q in %v", key, statusKeys(ss))
	return work.Status{}
}

func TestWorkflowAddReorderRemoveRestore(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		pm := p(e, apptest.PM)
		svc := e.App.Work

		// Bad input names the field; a developer may not shape the workflow.
		for _, c := range []struct {
			in    work.NewStatusInput
			field string
		}{
			{work.NewStatusInput{Name: "", Category: "done"}, "name"},
			{work.NewStatusInput{Name: "   ", Category: "done"}, "name"},
			{work.NewStatusInput{Name: "进行中", Category: "doing"}, "name"}, // the default status's Chinese name
			{work.NewStatusInput{Name: "in review", Category: "review"}, "name"},
			{work.NewStatusInput{Name: "客户确认", Category: "finished"}, "category"},
			{work.NewStatusInput{Name: "客户确认", Category: "done", WIPLimit: -1}, "wip_limit"},
		} {
			_, err := svc.AddStatus(ctx, pm, a, c.in)
			wantField(t, "add "+c.in.Name, err, c.field)
		}
		_, err := svc.AddStatus(ctx, p(e, apptest.Developer), a, work.NewStatusInput{Name: "客户确认", Category: "done"})
		wantCode(t, "developer adds", err, apperr.Forbidden)
		_, err = svc.AddStatus(ctx, p(e, apptest.KeyUser), a, work.NewStatusInput{Name: "客户确认", Category: "done"})
		wantCode(t, "key user adds", err, apperr.Forbidden)

		acc, err := svc.AddStatus(ctx, pm, a, work.NewStatusInput{Name: "客户确认", Category: "done", WIPLimit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if acc.Key == "done" || acc.Key == "cancelled" || acc.Category != "done" {
			t.Fatalf("added status: %+v", acc)
		}
		ss, _ := svc.Workflow(ctx, pm, a)
		if got := statusKeys(ss); len(got) != 6 || got[5] != acc.Key {
			t.Fatalf("workflow after add: %v", got)
		}
		// Renaming another status to the new name is a duplicate too.
		doing := findKey(t, ss, "doing")
		_, err = svc.UpdateStatus(ctx, pm, a, doing.ID, work.StatusInput{Name: "客户确认", Version: doing.Version})
		wantField(t, "rename to a taken name", err, "name")

		// Reorder: the new status goes before "done"; the board follows.
		order := func(ss []work.Status, keys ...string) work.ReorderInput {
			var in work.ReorderInput
			for _, k := range keys {
				s := findKey(t, ss, k)
				in.Order = append(in.Order, work.StatusRef{ID: s.ID, Version: s.Version})
			}
			return in
		}
		in := order(ss, "todo", "doing", "review", acc.Key, "done", "cancelled")
		if _, err := svc.ReorderStatuses(ctx, p(e, apptest.Consultant), a, in); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("consultant reorders: %v", err)
		}
		got, err := svc.ReorderStatuses(ctx, pm, a, in)
		if err != nil {
			t.Fatal(err)
		}
		if k := statusKeys(got); k[3] != acc.Key || k[4] != "done" {
			t.Fatalf("order: %v", k)
		}
		// The same order again is stale now (every version moved on).
		_, err = svc.ReorderStatuses(ctx, pm, a, in)
		wantCode(t, "stale reorder", err, apperr.Conflict)
		// Leaving a status out is a conflict (someone added one meanwhile).
		_, err = svc.ReorderStatuses(ctx, pm, a, order(got, "todo", "doing", "review", "done", "cancelled"))
		wantCode(t, "partial reorder", err, apperr.Conflict)
		// A status of another project is not in this workflow.
		bss, _ := svc.Workflow(ctx, pm, e.ProjectB.ID)
		bad := order(got, "todo", "doing", "review", acc.Key, "done")
		bad.Order = append(bad.Order, work.StatusRef{ID: bss[4].ID, Version: bss[4].Version})
		_, err = svc.ReorderStatuses(ctx, pm, a, bad)
		wantField(t, "foreign status in order", err, "order")
		board, err := svc.Board(ctx, pm, a, work.Filter{}, "", "2026-03-01", nil)
		if err != nil || board.Columns[3].Status.Key != acc.Key {
			t.Fatalf("board columns do not follow the order: %v", err)
		}

		// Removal rules: the first status and the last done status stay.
		ss, _ = svc.Workflow(ctx, pm, a)
		todo := findKey(t, ss, "todo")
		_, err = svc.RemoveStatus(ctx, pm, a, todo.ID, work.RemoveStatusInput{Version: todo.Version})
		wantField(t, "remove the first status", err, "status")

		// A status holding tasks needs a target; its tasks move with it.
		t1 := mustCreate(t, e, apptest.Developer, a, work.Input{Title: "客户确认的任务", Status: acc.Key, AssigneeIDs: []int64{e.Users[apptest.Developer].ID}, DueDate: "2026-03-02"})
		t2 := mustCreate(t, e, apptest.PM, a, work.Input{Title: "另一个确认任务", Status: acc.Key})
		if t1.DoneMS == nil {
			t.Fatal("a task created in a done-category status is not done")
		}
		my, err := svc.MyWork(ctx, p(e, apptest.Developer), time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), func(s work.Status) string { return s.Key })
		if err != nil {
			t.Fatal(err)
		}
		if n := len(my.Overdue) + len(my.Today) + len(my.ThisWeek) + len(my.Later); n != 0 {
			t.Fatalf("my work lists a task in a done-category status: %+v", my)
		}
		ss, _ = svc.Workflow(ctx, pm, a)
		accNow := findKey(t, ss, acc.Key)
		_, err = svc.RemoveStatus(ctx, pm, a, accNow.ID, work.RemoveStatusInput{Version: accNow.Version})
		wantField(t, "remove without target", err, "target_id")
		_, err = svc.RemoveStatus(ctx, pm, a, accNow.ID, work.RemoveStatusInput{TargetID: accNow.ID, Version: accNow.Version})
		wantField(t, "remove into itself", err, "target_id")
		_, err = svc.RemoveStatus(ctx, pm, a, accNow.ID, work.RemoveStatusInput{TargetID: bss[0].ID, Version: accNow.Version})
		wantField(t, "remove into another project's status", err, "target_id")
		_, err = svc.RemoveStatus(ctx, pm, a, accNow.ID, work.RemoveStatusInput{TargetID: todo.ID, Version: accNow.Version - 1})
		wantCode(t, "stale remove", err, apperr.Conflict)
		if c := column(t, e, a, acc.Key); len(c) != 2 {
			t.Fatalf("a refused removal moved tasks: %v", c)
		}
		doing = findKey(t, ss, "doing")
		res, err := svc.RemoveStatus(ctx, pm, a, accNow.ID, work.RemoveStatusInput{TargetID: doing.ID, Version: accNow.Version})
		if err != nil {
			t.Fatal(err)
		}
		if res.Moved != 2 {
			t.Fatalf("moved %d, want 2", res.Moved)
		}
		moved := get(t, e, a, t1.ID)
		if moved.Status != "doing" || moved.DoneMS != nil || moved.Version != t1.Version+1 {
			t.Fatalf("moved task: status %s done %v version %d", moved.Status, moved.DoneMS, moved.Version)
		}
		if c := column(t, e, a, "doing"); len(c) < 2 || c[len(c)-2] != t1.ID || c[len(c)-1] != t2.ID {
			t.Fatalf("moved tasks not appended in order: %v", c)
		}
		// The removed status is off the board and refuses moves.
		_, err = svc.Move(ctx, pm, a, t1.ID, work.MoveInput{Status: acc.Key, Version: moved.Version})
		wantField(t, "move into a removed status", err, "status")

		// Now "done" is the only done status again and stays.
		ss, _ = svc.Workflow(ctx, pm, a)
		done := findKey(t, ss, "done")
		_, err = svc.RemoveStatus(ctx, pm, a, done.ID, work.RemoveStatusInput{Version: done.Version})
		wantField(t, "remove the last done status", err, "status")

		// Restore puts it back at the end, empty.
		removed, err := svc.RemovedStatuses(ctx, pm, a)
		if err != nil || len(removed) != 1 || removed[0].ID != acc.ID {
			t.Fatalf("removed list: %v %+v", err, removed)
		}
		if _, err := svc.RestoreStatus(ctx, p(e, apptest.Developer), a, acc.ID); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("developer restores: %v", err)
		}
		if _, err := svc.RestoreStatus(ctx, pm, e.ProjectB.ID, acc.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("restore under another project: %v", err)
		}
		back, err := svc.RestoreStatus(ctx, pm, a, acc.ID)
		if err != nil {
			t.Fatal(err)
		}
		ss, _ = svc.Workflow(ctx, pm, a)
		if k := statusKeys(ss); k[len(k)-1] != back.Key {
			t.Fatalf("restored status not last: %v", k)
		}
		if _, err := svc.RestoreStatus(ctx, pm, a, acc.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("restore twice: %v", err)
		}
		var audits int
		if err := e.App.DB.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity IN ('workflow_status', 'workflow') AND project_id = ?`, a).Scan(&audits); err != nil {
			t.Fatal(err)
		}
		if audits < 5 { // create, reorder, move_tasks, delete, restore
			t.Fatalf("audit rows: %d", audits)
		}
	})
}
