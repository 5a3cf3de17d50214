package work_test

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golive/internal/app/apptest"
	"golive/internal/apperr"
	"golive/internal/calendar"
	"golive/internal/work"
)

func TestIterationValidate(t *testing.T) {
	for _, c := range []struct {
		name  string
		in    work.IterationInput
		field string
		end   string
	}{
		{"default two weeks", work.IterationInput{Name: "S1", StartDate: "2026-03-02"}, "", "2026-03-15"},
		{"end before start", work.IterationInput{Name: "S1", StartDate: "2026-03-02", EndDate: "2026-03-01"}, "end_date", ""},
		{"same day", work.IterationInput{Name: "S1", StartDate: "2026-03-02", EndDate: "2026-03-02"}, "", "2026-03-02"},
		{"no name", work.IterationInput{StartDate: "2026-03-02"}, "name", ""},
		{"no start", work.IterationInput{Name: "S1"}, "start_date", ""},
		{"bad date", work.IterationInput{Name: "S1", StartDate: "2026-13-02"}, "start_date", ""},
	} {
		err := c.in.Validate(false)
		if c.field == "" {
			if err != nil || c.in.EndDate != c.end {
				t.Errorf("%s: err %v end %q", c.name, err, c.in.EndDate)
			}
			continue
		}
		if e := apperr.As(err); e == nil || !e.HasField(c.field) {
			t.Errorf("%s: want field error on %s, got %v", c.name, c.field, err)
		}
	}
	in := work.IterationInput{Name: "S1", StartDate: "2026-03-02"}
	if e := apperr.As(in.Validate(true)); e == nil || !e.HasField("version") {
		t.Errorf("update without version accepted")
	}
}

func TestBurnLine(t *testing.T) {
	// Mon 2 March to Fri 13 March 2026: ten working days.
	cal := calendar.ChinaCalendar()
	pts := work.BurnLine(cal, "2026-03-02", "2026-03-13", "2026-03-04", 900, map[string]int64{"2026-03-03": 800})
	if len(pts) != 10 {
		t.Fatalf("want 10 working days, got %d", len(pts))
	}
	if pts[0].Ideal != 900 || pts[9].Ideal != 0 || pts[5].Ideal != 400 {
		t.Errorf("ideal line %v", pts)
	}
	if pts[0].Remaining != 900 || pts[1].Remaining != 800 || pts[2].Remaining != 800 || pts[3].Remaining != -1 {
		t.Errorf("remaining %v", pts)
	}
	if pts[5].Day != "2026-03-09" {
		t.Errorf("weekend not skipped: %v", pts[5].Day)
	}
	if got := work.BurnLine(cal, "2026-03-02", "2026-03-01", "2026-03-04", 1, nil); len(got) != 0 {
		t.Errorf("reversed range gave %v", got)
	}
	// The project's calendar: 清明 (Monday 6 April 2026) is not a day to burn.
	pts = work.BurnLine(cal, "2026-03-30", "2026-04-10", "2026-03-30", 800, nil)
	if len(pts) != 9 || pts[5].Day != "2026-04-07" {
		t.Errorf("holiday not skipped: %d days, day 6 = %s", len(pts), pts[5].Day)
	}
}

func TestIterationLifecycle(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		start := time.Now().AddDate(0, 0, -3).Format(time.DateOnly)
		it, err := e.App.Work.CreateIteration(ctx, p(e, apptest.PM), a, work.IterationInput{Name: "冲刺一", StartDate: start, Goal: "上线"})
		if err != nil {
			t.Fatal(err)
		}
		if it.Status != work.IterActive || it.EndDate != work.DefaultIterationEnd(start) {
			t.Fatalf("created %+v", it)
		}
		next, err := e.App.Work.CreateIteration(ctx, p(e, apptest.PM), a, work.IterationInput{Name: "冲刺二", StartDate: time.Now().AddDate(0, 0, 20).Format(time.DateOnly)})
		if err != nil || next.Status != work.IterPlanned {
			t.Fatal(next, err)
		}
		_, err = e.App.Work.CreateIteration(ctx, p(e, apptest.Consultant), a, work.IterationInput{Name: "x", StartDate: start})
		wantCode(t, "consultant creates", err, apperr.Forbidden)
		_, err = e.App.Work.ListIterations(ctx, p(e, apptest.KeyUser), a)
		wantCode(t, "customer lists", err, apperr.NotFound)
		_, err = e.App.Work.ListIterations(ctx, p(e, apptest.OtherCust), a)
		wantCode(t, "other customer lists", err, apperr.NotFound)

		t1 := mustCreate(t, e, apptest.PM, a, work.Input{Title: "迭代任务一", EstimateMin: 600, RemainingMin: 600})
		t2 := mustCreate(t, e, apptest.PM, a, work.Input{Title: "迭代任务二", EstimateMin: 300, RemainingMin: 300})
		n, err := e.App.Work.AssignTasks(ctx, p(e, apptest.Consultant), a, work.AssignInput{TaskIDs: []int64{t1.ID, t2.ID}, IterationID: it.ID})
		if err != nil || n != 2 {
			t.Fatal(n, err)
		}
		// A task of another project is refused and nothing is written.
		tb := mustCreate(t, e, apptest.PM, e.ProjectB.ID, work.Input{Title: "乙任务"})
		_, err = e.App.Work.AssignTasks(ctx, p(e, apptest.PM), a, work.AssignInput{TaskIDs: []int64{t1.ID, tb.ID}, IterationID: next.ID})
		wantField(t, "foreign task", err, "task_ids")
		if got, _ := e.App.Work.Iteration(ctx, p(e, apptest.PM), a, it.ID); got.TaskCount != 2 || got.CommittedMin != 900 {
			t.Fatalf("after failed assign: %+v", got)
		}
		// t2 done (yesterday, behind the service's back); then a change
		// through the service writes today's snapshot, without anyone
		// reading the burndown, and a second change the same day updates
		// that row rather than adding one.
		yesterday := time.Now().AddDate(0, 0, -1).UnixMilli()
		if _, err := e.App.DB.Exec(ctx, `UPDATE tasks SET done_ms = ?, remaining_min = 0 WHERE id = ?`, yesterday, t2.ID); err != nil {
			t.Fatal(err)
		}
		snap := func() (int, int64) {
			var n int
			var rem int64
			e.App.DB.QueryRow(ctx, `SELECT count(*), COALESCE(MAX(remaining_min), -1) FROM iteration_snapshots WHERE iteration_id = ?`, it.ID).Scan(&n, &rem)
			return n, rem
		}
		if n, rem := snap(); n != 1 || rem != 900 {
			t.Errorf("after assigning: %d snapshots, remaining %d", n, rem)
		}
		for _, r := range []int64{550, 500} {
			cur, _, _ := e.App.Work.Get(ctx, p(e, apptest.PM), a, t1.ID)
			if _, err := e.App.Work.Patch(ctx, p(e, apptest.PM), a, t1.ID, work.Patch{RemainingMin: &r, Version: cur.Version}); err != nil {
				t.Fatal(err)
			}
		}
		if n, rem := snap(); n != 1 || rem != 500 {
			t.Errorf("after two edits today: %d snapshots, remaining %d", n, rem)
		}
		b, err := e.App.Work.IterationBurndown(ctx, p(e, apptest.Developer), a, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		today := time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
		for _, pt := range b.Points {
			if pt.Day == today && pt.Remaining != 500 {
				t.Errorf("today's remaining %d, points %+v", pt.Remaining, b.Points)
			}
		}
		if n, _ := snap(); n != 1 {
			t.Errorf("reading the burndown wrote a snapshot: %d", n)
		}

		_, err = e.App.Work.UpdateIteration(ctx, p(e, apptest.PM), a, it.ID, work.IterationInput{Name: "冲刺一", StartDate: start, Version: it.Version + 5})
		wantCode(t, "stale update", err, apperr.Conflict)
		_, err = e.App.Work.CloseIteration(ctx, p(e, apptest.PM), a, it.ID, work.CloseInput{MoveTo: next.ID, Version: it.Version + 5})
		wantCode(t, "stale close", err, apperr.Conflict)
		closed, err := e.App.Work.CloseIteration(ctx, p(e, apptest.PM), a, it.ID, work.CloseInput{MoveTo: next.ID, Version: it.Version})
		if err != nil || closed.Status != work.IterClosed || closed.TaskCount != 1 || closed.DoneMin != 300 {
			t.Fatalf("closed %+v %v", closed, err)
		}
		if got, _ := e.App.Work.Iteration(ctx, p(e, apptest.PM), a, next.ID); got.TaskCount != 1 || got.CommittedMin != 600 {
			t.Fatalf("next after close: %+v", got)
		}
		_, err = e.App.Work.AssignTasks(ctx, p(e, apptest.PM), a, work.AssignInput{TaskIDs: []int64{t2.ID}, IterationID: it.ID})
		wantField(t, "assign to closed", err, "iteration_id")
		_, err = e.App.Work.UpdateIteration(ctx, p(e, apptest.PM), a, it.ID, work.IterationInput{Name: "冲刺一", StartDate: start, Version: closed.Version})
		if apperr.As(err).Key != "iterations.closed" {
			t.Fatalf("update of a closed iteration: %v", err)
		}
		_, err = e.App.Work.SetCapacity(ctx, p(e, apptest.PM), a, it.ID, work.CapacityInput{Version: closed.Version})
		if apperr.As(err).Key != "iterations.closed" {
			t.Fatalf("capacity of a closed iteration: %v", err)
		}
		v, err := e.App.Work.Velocity(ctx, p(e, apptest.PM), a)
		if err != nil || len(v) != 1 || v[0].DoneMin != 300 {
			t.Fatal(v, err)
		}
		var audits int
		e.App.DB.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity = 'iteration'`).Scan(&audits)
		if audits < 4 {
			t.Errorf("audit entries %d", audits)
		}
	})
}

func TestIterationHTTP(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		base := "/api/v1/projects/" + strconv.FormatInt(e.ProjectA.ID, 10) + "/iterations"
		r := e.Do(t, apptest.PM, "POST", base, map[string]any{"name": "S1", "start_date": "2026-03-10", "end_date": "2026-03-01"})
		if r.Status != 400 || !contains(r.Body, "end_date") {
			t.Fatalf("end before start: %d %s", r.Status, r.Body)
		}
		r = e.Do(t, apptest.PM, "POST", base, map[string]any{"name": "S1", "start_date": "2026-03-02"})
		if r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		var it work.Iteration
		json.Unmarshal([]byte(r.Body), &it)
		if it.EndDate != "2026-03-15" {
			t.Errorf("default end %s", it.EndDate)
		}
		path := base + "/" + strconv.FormatInt(it.ID, 10)
		r = e.Do(t, apptest.PM, "PATCH", path, map[string]any{"name": "S1b", "start_date": "2026-03-02", "version": it.Version + 1})
		if r.Status != 409 {
			t.Fatalf("stale: %d %s", r.Status, r.Body)
		}
		r = e.Do(t, apptest.PM, "PATCH", path, map[string]any{"name": "S1b", "start_date": "2026-03-02", "version": it.Version})
		if r.Status != 200 || !contains(r.Body, "S1b") {
			t.Fatalf("update: %d %s", r.Status, r.Body)
		}
		if r := e.Do(t, apptest.Developer, "GET", path+"/burndown", nil); r.Status != 200 || !contains(r.Body, "ideal_min") {
			t.Fatalf("burndown: %d %s", r.Status, r.Body)
		}
		if r := e.Do(t, apptest.CustomerPM, "GET", path+"/burndown", nil); r.Status != 404 {
			t.Fatalf("customer burndown: %d", r.Status)
		}
	})
}

func contains(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && indexOf(s, sub) >= 0)
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestIterationPages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := strconv.FormatInt(e.ProjectA.ID, 10)
		r := e.Do(t, apptest.PM, "POST", "/projects/"+a+"/iterations", "name=S1&start_date=2026-03-10&end_date=2026-03-01")
		if r.Status != 400 || !contains(r.Body, "it-end") || !contains(r.Body, "class=\"error\"") {
			t.Fatalf("end before start: %d", r.Status)
		}
		var n int
		e.App.DB.QueryRow(ctx, `SELECT count(*) FROM iterations`).Scan(&n)
		if n != 0 {
			t.Fatalf("half written: %d iterations", n)
		}
		r = e.Do(t, apptest.PM, "POST", "/projects/"+a+"/iterations", "name=S1&start_date="+time.Now().Format(time.DateOnly))
		if r.Status != 303 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		tk := mustCreate(t, e, apptest.PM, e.ProjectA.ID, work.Input{Title: "待规划任务", EstimateMin: 120, RemainingMin: 120})
		r = e.Do(t, apptest.Developer, "GET", "/projects/"+a+"/iterations", nil)
		if r.Status != 200 || !contains(r.Body, "待规划任务") || !contains(r.Body, "iter-velocity") {
			t.Fatalf("list page: %d", r.Status)
		}
		its, _ := e.App.Work.ListIterations(ctx, p(e, apptest.PM), e.ProjectA.ID)
		id := strconv.FormatInt(its[0].ID, 10)
		r = e.Do(t, apptest.Consultant, "POST", "/projects/"+a+"/iterations/assign", "task_ids="+strconv.FormatInt(tk.ID, 10)+"&iteration_id="+id)
		if r.Status != 303 {
			t.Fatalf("assign: %d %s", r.Status, r.Body)
		}
		r = e.Do(t, apptest.PM, "GET", "/projects/"+a+"/iterations/"+id, nil)
		if r.Status != 200 || !contains(r.Body, "待规划任务") || !contains(r.Body, "iter-burndown") {
			t.Fatalf("iteration page: %d", r.Status)
		}
		r = e.Do(t, apptest.PM, "POST", "/projects/"+a+"/iterations/"+id+"/close", "version=99&move_to=0")
		if r.Status != 409 {
			t.Fatalf("stale close: %d", r.Status)
		}
		r = e.Do(t, apptest.PM, "POST", "/projects/"+a+"/iterations/"+id+"/close", "version=1&move_to=0")
		if r.Status != 303 {
			t.Fatalf("close: %d %s", r.Status, r.Body)
		}
		var iter *int64
		e.App.DB.QueryRow(ctx, `SELECT iteration_id FROM tasks WHERE id = ?`, tk.ID).Scan(&iter)
		if iter != nil {
			t.Fatalf("unfinished task not back in the backlog")
		}
	})
}

// Capacity: the default is working days × 8 h × focus; a member's own
// figure replaces it; committed effort splits a shared task; the PM sees
// who is over; a stale version is a conflict.
func TestIterationCapacity(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		pm := p(e, apptest.PM)
		// 30 March – 10 April 2026: nine working days (清明 on 6 April).
		it, err := e.App.Work.CreateIteration(ctx, pm, a, work.IterationInput{Name: "容量冲刺", StartDate: "2026-03-30", EndDate: "2026-04-10", FocusPct: 50})
		if err != nil {
			t.Fatal(err)
		}
		dev, con := e.Users[apptest.Developer].ID, e.Users[apptest.Consultant].ID
		big := mustCreate(t, e, apptest.PM, a, work.Input{Title: "大任务", EstimateMin: 40 * 60, AssigneeIDs: []int64{dev}})
		shared := mustCreate(t, e, apptest.PM, a, work.Input{Title: "共担任务", EstimateMin: 10 * 60, AssigneeIDs: []int64{dev, con}})
		loose := mustCreate(t, e, apptest.PM, a, work.Input{Title: "未分配任务", EstimateMin: 3 * 60})
		if _, err := e.App.Work.AssignTasks(ctx, pm, a, work.AssignInput{TaskIDs: []int64{big.ID, shared.ID, loose.ID}, IterationID: it.ID}); err != nil {
			t.Fatal(err)
		}
		c, err := e.App.Work.IterationCapacity(ctx, p(e, apptest.Developer), a, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		by := map[int64]work.MemberCapacity{}
		for _, m := range c.Members {
			by[m.UserID] = m
		}
		if c.WorkingDays != 9 || by[dev].AvailableMin != 9*8*60/2 || by[dev].CommittedMin != 45*60 || by[con].CommittedMin != 5*60 || c.UnassignedMin != 3*60 {
			t.Fatalf("capacity %+v", c)
		}
		// 45 h against 36 h: the developer is over; the consultant is not.
		if !by[dev].Over || by[con].Over || c.OverCount != 1 || c.Members[0].UserID != dev {
			t.Errorf("over: %+v", c.Members)
		}
		// The consultant is on leave half the time: 10 h available; the developer gets 50 h.
		_, err = e.App.Work.SetCapacity(ctx, pm, a, it.ID, work.CapacityInput{Version: it.Version + 3, Members: []work.MemberHours{{UserID: con, AvailableMin: 600}}})
		wantCode(t, "stale capacity", err, apperr.Conflict)
		_, err = e.App.Work.SetCapacity(ctx, p(e, apptest.Developer), a, it.ID, work.CapacityInput{Version: it.Version})
		wantCode(t, "developer sets capacity", err, apperr.Forbidden)
		_, err = e.App.Work.SetCapacity(ctx, pm, a, it.ID, work.CapacityInput{Version: it.Version, Members: []work.MemberHours{{UserID: e.Users[apptest.OtherCust].ID, AvailableMin: 60}}})
		wantField(t, "capacity of a non-member", err, "available_min")
		after, err := e.App.Work.SetCapacity(ctx, pm, a, it.ID, work.CapacityInput{Version: it.Version, Members: []work.MemberHours{{UserID: con, AvailableMin: 600}, {UserID: dev, AvailableMin: 3000}}})
		if err != nil || after.Version != it.Version+1 {
			t.Fatalf("set: %+v %v", after, err)
		}
		c, _ = e.App.Work.IterationCapacity(ctx, pm, a, it.ID)
		for _, m := range c.Members {
			by[m.UserID] = m
		}
		if by[con].AvailableMin != 600 || !by[con].Override || by[dev].Over || c.OverCount != 0 {
			t.Errorf("after override: %+v", c.Members)
		}
		_, err = e.App.Work.IterationCapacity(ctx, p(e, apptest.KeyUser), a, it.ID)
		wantCode(t, "customer reads capacity", err, apperr.NotFound)
	})
}

// The edit form: a save goes through; a stale one answers 409 with the
// form as typed and the current version; a bad focus factor names it.
func TestIterationEditForm(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		it, err := e.App.Work.CreateIteration(ctx, p(e, apptest.PM), a, work.IterationInput{Name: "表单冲刺", StartDate: "2026-03-02"})
		if err != nil {
			t.Fatal(err)
		}
		path := "/projects/" + strconv.FormatInt(a, 10) + "/iterations/" + strconv.FormatInt(it.ID, 10) + "/edit"
		if r := e.Do(t, apptest.PM, "GET", path, nil); r.Status != 200 || !strings.Contains(r.Body, `value="表单冲刺"`) || !strings.Contains(r.Body, `name="focus_pct"`) {
			t.Fatalf("form: %d", r.Status)
		}
		form := func(name, focus string, version int64) string {
			return url.Values{"name": {name}, "start_date": {"2026-03-02"}, "end_date": {"2026-03-13"}, "goal": {"完成蓝图"}, "focus_pct": {focus},
				"version": {strconv.FormatInt(version, 10)}}.Encode()
		}
		if r := e.Do(t, apptest.PM, "POST", path, form("表单冲刺（改）", "60", it.Version)); r.Status != 303 {
			t.Fatalf("save: %d %s", r.Status, r.Body)
		}
		got, _ := e.App.Work.Iteration(ctx, p(e, apptest.PM), a, it.ID)
		if got.Name != "表单冲刺（改）" || got.FocusPct != 60 || got.Goal != "完成蓝图" || got.Version != it.Version+1 {
			t.Fatalf("saved %+v", got)
		}
		// Someone saved meanwhile: the old version is a conflict, the typed name stays.
		r := e.Do(t, apptest.PM, "POST", path, form("我的名字", "80", it.Version))
		if r.Status != 409 || !strings.Contains(r.Body, `value="我的名字"`) || !strings.Contains(r.Body, `value="80"`) ||
			!strings.Contains(r.Body, `name="version" value="`+strconv.FormatInt(got.Version, 10)+`"`) || !strings.Contains(r.Body, `id="conflict"`) {
			t.Fatalf("stale save: %d %s", r.Status, r.Body)
		}
		if again, _ := e.App.Work.Iteration(ctx, p(e, apptest.PM), a, it.ID); again.Name != "表单冲刺（改）" {
			t.Fatalf("stale save overwrote: %+v", again)
		}
		if r := e.Do(t, apptest.PM, "POST", path, form("x", "5", got.Version)); r.Status != 400 || !strings.Contains(r.Body, "专注系数") {
			t.Fatalf("bad focus: %d", r.Status)
		}
		if r := e.Do(t, apptest.Consultant, "POST", path, form("x", "60", got.Version)); r.Status != 403 {
			t.Fatalf("consultant: %d", r.Status)
		}
	})
}
