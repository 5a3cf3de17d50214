package work_test

import (
	"strconv"
	"testing"
	"time"

	"golive/internal/app/apptest"
	"golive/internal/apperr"
	"golive/internal/db"
	"golive/internal/work"
)

func ptr(v int64) *int64 { return &v }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestLaneKeys(t *testing.T) {
	for _, c := range []struct {
		key    string
		user   int64
		userOK bool
		phase  int64
		phOK   bool
	}{
		{"u12", 12, true, 0, false},
		{"u0", 0, true, 0, false},
		{"p7", 0, false, 7, true},
		{"p0", 0, false, 0, true},
		{"all", 0, false, 0, false},
		{"u", 0, false, 0, false},
		{"u-3", 0, false, 0, false},
		{"ux", 0, false, 0, false},
	} {
		u, uok := work.LaneAssigneeID(c.key)
		ph, pok := work.LanePhaseID(c.key)
		if u != c.user || uok != c.userOK || ph != c.phase || pok != c.phOK {
			t.Errorf("%q: assignee %d %v, phase %d %v", c.key, u, uok, ph, pok)
		}
	}
}

func TestMoveAcrossSwimlanes(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		svc := e.App.Work
		dev, con, ku := e.Users[apptest.Developer].ID, e.Users[apptest.Consultant].ID, e.Users[apptest.KeyUser].ID
		var phA, phB int64
		now := time.Now().UnixMilli()
		if err := e.App.DB.Tx(ctx, func(tx *db.Tx) error {
			if err := tx.QueryRow(ctx, `INSERT INTO phases (project_id, seq, key, name, start_date, end_date, created_ms, updated_ms) VALUES (?, 1, 'design', '方案设计', '2026-03-01', '2026-03-31', ?, ?) RETURNING id`, a, now, now).Scan(&phA); err != nil {
				return err
			}
			return tx.QueryRow(ctx, `INSERT INTO phases (project_id, seq, key, name, start_date, end_date, created_ms, updated_ms) VALUES (?, 2, 'build', '系统配置', '2026-04-01', '2026-04-30', ?, ?) RETURNING id`, a, now, now).Scan(&phB)
		}); err != nil {
			t.Fatal(err)
		}
		tk := mustCreate(t, e, apptest.PM, a, work.Input{Title: "泳道任务", AssigneeIDs: []int64{dev, con}, PhaseID: &phA, StartDate: "2026-03-02", DueDate: "2026-03-05"})
		internal := mustCreate(t, e, apptest.PM, a, work.Input{Title: "内部泳道任务"})

		// The developer drags the card into the consultant's lane and the
		// next column: one request, one version step.
		moved, err := svc.Move(ctx, p(e, apptest.Developer), a, tk.ID, work.MoveInput{Status: "doing", Version: tk.Version, AssigneeID: ptr(con)})
		if err != nil {
			t.Fatal(err)
		}
		if moved.Status != "doing" || len(moved.Assignees) != 1 || moved.Assignees[0].ID != con || moved.Version != tk.Version+1 {
			t.Fatalf("after the drop: %s %+v v%d", moved.Status, moved.Assignees, moved.Version)
		}
		// The old version is stale: 409, nothing changes.
		_, err = svc.Move(ctx, p(e, apptest.Developer), a, tk.ID, work.MoveInput{Status: "todo", Version: tk.Version, AssigneeID: ptr(dev)})
		wantCode(t, "stale lane move", err, apperr.Conflict)
		// The unassigned lane clears the assignees.
		moved, err = svc.Move(ctx, p(e, apptest.Consultant), a, tk.ID, work.MoveInput{Status: "doing", Version: moved.Version, AssigneeID: ptr(0)})
		if err != nil || len(moved.Assignees) != 0 {
			t.Fatalf("unassigned lane: %v %+v", err, moved.Assignees)
		}
		// Bad drops name the field and change nothing.
		for _, c := range []struct {
			what  string
			who   apptest.Who
			task  work.Task
			in    work.MoveInput
			field string
			code  apperr.Code
		}{
			{"outsider's lane", apptest.PM, moved, work.MoveInput{Status: "doing", AssigneeID: ptr(e.Users[apptest.Outsider].ID)}, "assignee_id", apperr.Invalid},
			{"customer on an internal task", apptest.PM, internal, work.MoveInput{Status: "todo", AssigneeID: ptr(ku)}, "assignee_id", apperr.Invalid},
			{"negative lane", apptest.PM, moved, work.MoveInput{Status: "doing", AssigneeID: ptr(-1)}, "assignee_id", apperr.Invalid},
			{"phase whose window misses the dates", apptest.PM, moved, work.MoveInput{Status: "doing", PhaseID: ptr(phB)}, "due_date", apperr.Invalid},
			{"phase of no project", apptest.PM, moved, work.MoveInput{Status: "doing", PhaseID: ptr(999999)}, "phase_id", apperr.Invalid},
			{"status not in the workflow", apptest.PM, moved, work.MoveInput{Status: "nowhere", AssigneeID: ptr(dev)}, "status", apperr.Invalid},
			{"key user may not move", apptest.KeyUser, moved, work.MoveInput{Status: "doing", AssigneeID: ptr(ku)}, "", apperr.Forbidden},
		} {
			c.in.Version = c.task.Version
			_, err := svc.Move(ctx, p(e, c.who), a, c.task.ID, c.in)
			if c.field != "" {
				wantField(t, c.what, err, c.field)
			} else {
				wantCode(t, c.what, err, c.code)
			}
			if now := get(t, e, a, c.task.ID); now.Version != c.task.Version {
				t.Fatalf("%s: the task changed", c.what)
			}
		}
		// Into the phase lane with no phase, then back into 方案设计.
		moved, err = svc.Move(ctx, p(e, apptest.Developer), a, tk.ID, work.MoveInput{Status: "doing", Version: moved.Version, PhaseID: ptr(0)})
		if err != nil || moved.PhaseID != nil {
			t.Fatalf("no-phase lane: %v %v", err, moved.PhaseID)
		}
		moved, err = svc.Move(ctx, p(e, apptest.Developer), a, tk.ID, work.MoveInput{Status: "review", Version: moved.Version, PhaseID: ptr(phA)})
		if err != nil || moved.PhaseID == nil || *moved.PhaseID != phA || moved.Status != "review" {
			t.Fatalf("phase lane: %v %+v", err, moved)
		}

		// Vendor viewers get a lane for every team member to drop on (a
		// customer's lane once they hold a card); customers
		// only the lanes of cards they see.
		b, err := svc.Board(ctx, p(e, apptest.Developer), a, work.Filter{}, work.LaneAssignee, "2026-03-01", nil)
		if err != nil {
			t.Fatal(err)
		}
		keys := map[string]bool{}
		for _, l := range b.Lanes {
			keys[l.Key] = true
		}
		if !keys["u"+itoa(con)] || !keys["u0"] || !keys["u"+itoa(e.Users[apptest.Finance].ID)] || keys["u"+itoa(ku)] {
			t.Fatalf("assignee lanes: %v", keys)
		}
		if b.Lanes[len(b.Lanes)-1].Key != "u0" {
			t.Fatalf("unassigned lane not last: %v", b.Lanes[len(b.Lanes)-1].Key)
		}
		cb, err := svc.Board(ctx, p(e, apptest.KeyUser), a, work.Filter{}, work.LaneAssignee, "2026-03-01", nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range cb.Lanes {
			if l.Count == 0 && len(cb.Lanes) > 1 {
				t.Fatalf("a customer sees an empty lane %q", l.Key)
			}
		}
		pb, err := svc.Board(ctx, p(e, apptest.PM), a, work.Filter{}, work.LanePhase, "2026-03-01", nil)
		if err != nil || len(pb.Lanes) != 3 || pb.Lanes[0].Key != "p"+itoa(phA) || pb.Lanes[1].Key != "p"+itoa(phB) || pb.Lanes[2].Key != "p0" {
			t.Fatalf("phase lanes: %v %+v", err, pb.Lanes)
		}
	})
}
