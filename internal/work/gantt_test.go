package work_test

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golive/internal/app/apptest"
	"golive/internal/db"
	"golive/internal/work"
)

// Gantt service and HTTP tests, on both dialects. Plans are written with
// SQL (the tasks table is the contract), then driven through the API and
// the pages as the fixture callers.

type gPlan struct {
	t   *testing.T
	e   *apptest.Env
	pid int64
	n   int64
}

func newGPlan(t *testing.T, e *apptest.Env, projectID int64) *gPlan {
	return &gPlan{t: t, e: e, pid: projectID}
}

func (g *gPlan) tx(fn func(tx *db.Tx) error) {
	g.t.Helper()
	if err := g.e.App.DB.Tx(context.Background(), fn); err != nil {
		g.t.Fatal(err)
	}
}

// task adds a task with dates ("" for none); opts: "internal", "milestone",
// "phase=<id>", "status=<key>".
func (g *gPlan) task(title, start, due string, opts ...string) int64 {
	g.t.Helper()
	g.n++
	visible, milestone, status := true, false, "todo"
	var phase any
	for _, o := range opts {
		switch {
		case o == "internal":
			visible = false
		case o == "milestone":
			milestone = true
		case strings.HasPrefix(o, "phase="):
			phase, _ = strconv.ParseInt(strings.TrimPrefix(o, "phase="), 10, 64)
		case strings.HasPrefix(o, "status="):
			status = strings.TrimPrefix(o, "status=")
		}
	}
	null := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	var id int64
	now := time.Now().UnixMilli()
	g.tx(func(tx *db.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO tasks (project_id, number, title, status, start_date, due_date, milestone, phase_id, customer_visible, estimate_min, created_ms, updated_ms)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, g.pid, g.n+100, title, status, null(start), null(due), milestone, phase, visible, 480, now, now).Scan(&id)
	})
	return id
}

func (g *gPlan) dep(pred, succ int64, typ string, lag int) {
	g.t.Helper()
	g.tx(func(tx *db.Tx) error {
		_, err := tx.Exec(context.Background(), `INSERT INTO task_deps (project_id, pred_id, succ_id, type, lag_days, created_ms) VALUES (?, ?, ?, ?, ?, ?)`,
			g.pid, pred, succ, typ, lag, time.Now().UnixMilli())
		return err
	})
}

func (g *gPlan) calendarDay(project bool, day, kind, name string) {
	g.t.Helper()
	var pid any
	if project {
		pid = g.pid
	}
	g.tx(func(tx *db.Tx) error {
		_, err := tx.Exec(context.Background(), `INSERT INTO calendar_days (project_id, day, kind, name, created_ms) VALUES (?, ?, ?, ?, ?)`, pid, day, kind, name, time.Now().UnixMilli())
		return err
	})
}

func (g *gPlan) phase(name, start, end string) int64 {
	g.t.Helper()
	var id int64
	now := time.Now().UnixMilli()
	g.tx(func(tx *db.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO phases (project_id, seq, name, start_date, end_date, created_ms, updated_ms) VALUES (?, 1, ?, ?, ?, ?, ?) RETURNING id`,
			g.pid, name, start, end, now, now).Scan(&id)
	})
	return id
}

// dates reads a task's start, due and version.
func (g *gPlan) dates(id int64) (string, string, int64) {
	g.t.Helper()
	var s, d *string
	var v int64
	if err := g.e.App.DB.QueryRow(context.Background(), `SELECT start_date, due_date, version FROM tasks WHERE id = ?`, id).Scan(&s, &d, &v); err != nil {
		g.t.Fatal(err)
	}
	deref := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	return deref(s), deref(d), v
}

func (g *gPlan) want(id int64, start, due string, version int64) {
	g.t.Helper()
	s, d, v := g.dates(id)
	if s != start || d != due || v != version {
		g.t.Errorf("task %d: %s..%s v%d, want %s..%s v%d", id, s, d, v, start, due, version)
	}
}

func (g *gPlan) count(q string, args ...any) int {
	g.t.Helper()
	var n int
	if err := g.e.App.DB.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		g.t.Fatal(err)
	}
	return n
}

func gPath(projectID int64, rest string) string {
	return "/api/v1/projects/" + strconv.FormatInt(projectID, 10) + rest
}

func gWantStatus(t *testing.T, r apptest.Response, status int, contains ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %.600s", r.Status, status, r.Body)
	}
	for _, c := range contains {
		if !strings.Contains(r.Body, c) {
			t.Errorf("response lacks %q: %.800s", c, r.Body)
		}
	}
}

func TestGanttReschedulePushesSuccessors(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		g := newGPlan(t, e, e.ProjectA.ID)
		a := g.task("甘特前置", "2026-02-09", "2026-02-10")
		b := g.task("甘特后续", "2026-02-11", "2026-02-13")
		c := g.task("有余量的任务", "2026-02-26", "2026-02-27")
		g.dep(a, b, "FS", 0)
		g.dep(b, c, "FS", 0)
		resched := func(who apptest.Who, id int64, body any) apptest.Response {
			return e.Do(t, who, "POST", gPath(e.ProjectA.ID, "/tasks/"+strconv.FormatInt(id, 10)+"/reschedule"), body)
		}
		audits := func() int {
			return g.count(`SELECT count(*) FROM audit_log WHERE entity = 'task' AND action = 'reschedule'`)
		}

		// Moving a two days later pushes b onto the make-up Saturday and over
		// 春节 (Feb 15–23); c had room and stays.
		r := resched(apptest.PM, a, map[string]any{"start_date": "2026-02-12", "version": 1})
		gWantStatus(t, r, 200)
		var res work.Rescheduled
		r.JSON(t, &res)
		if len(res.Moved) != 2 || res.Moved[0].ID != a || res.Moved[1].ID != b || res.Moved[1].Version != 2 {
			t.Fatalf("moved %+v", res.Moved)
		}
		g.want(a, "2026-02-12", "2026-02-13", 2)
		g.want(b, "2026-02-14", "2026-02-25", 2)
		g.want(c, "2026-02-26", "2026-02-27", 1)
		if n := audits(); n != 2 {
			t.Errorf("%d audit rows, want one per moved task", n)
		}

		// The same version again is stale: 409, nothing changes.
		r = resched(apptest.PM, a, map[string]any{"start_date": "2026-02-24", "version": 1})
		gWantStatus(t, r, 409)
		g.want(a, "2026-02-12", "2026-02-13", 2)

		// Bad input names the field and changes nothing.
		for _, tc := range []struct {
			body  any
			field string
		}{
			{map[string]any{"start_date": "2026-02-30", "version": 2}, "start_date"},
			{map[string]any{"start_date": "", "version": 2}, "start_date"},
			{map[string]any{"start_date": "1900-01-01", "version": 2}, "start_date"},
			{map[string]any{"start_date": "2026-02-24"}, "version"},
			{map[string]any{"start_date": "2026-02-24", "version": "2"}, "version"},
			{map[string]any{"start_date": "2026-02-24", "version": 2, "due_date": "2026-03-01"}, "due_date"},
		} {
			r := resched(apptest.PM, a, tc.body)
			gWantStatus(t, r, 400, `"`+tc.field+`"`)
		}
		// b may not start before a allows: the message names a and the earliest day.
		r = resched(apptest.PM, b, map[string]any{"start_date": "2026-02-10", "version": 2})
		gWantStatus(t, r, 400, "start_date", "甘特前置", "2026-02-14")
		g.want(b, "2026-02-14", "2026-02-25", 2)
		if n := audits(); n != 2 {
			t.Errorf("refused moves wrote audit rows: %d", n)
		}

		// Who may: developers and consultants edit tasks; customers and
		// finance do not; another company's customer does not see the project.
		gWantStatus(t, resched(apptest.Developer, c, map[string]any{"start_date": "2026-03-02", "version": 1}), 200)
		g.want(c, "2026-03-02", "2026-03-03", 2)
		for who, status := range map[apptest.Who]int{apptest.CustomerPM: 403, apptest.KeyUser: 403, apptest.Finance: 403, apptest.OtherCust: 404, apptest.Outsider: 404} {
			gWantStatus(t, resched(who, c, map[string]any{"start_date": "2026-03-09", "version": 2}), status)
		}
		g.want(c, "2026-03-02", "2026-03-03", 2)
	})
}

func TestGanttRescheduleOnProjectCalendar(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		g := newGPlan(t, e, e.ProjectA.ID)
		// A company holiday of this project only, and an instance-wide one.
		g.calendarDay(true, "2026-03-11", "holiday", "厂庆")
		g.calendarDay(false, "2026-03-13", "holiday", "公司年会")
		a := g.task("切换准备", "2026-03-05", "2026-03-06")
		b := g.task("数据核对", "2026-03-09", "2026-03-10")
		g.dep(a, b, "FS", 0)
		// a to Friday: a spans the weekend; b starts Tuesday, skips the
		// project's holiday (Wed) and ends Thursday.
		r := e.Do(t, apptest.Consultant, "POST", gPath(e.ProjectA.ID, "/tasks/"+strconv.FormatInt(a, 10)+"/reschedule"), map[string]any{"start_date": "2026-03-06", "version": 1})
		gWantStatus(t, r, 200)
		g.want(a, "2026-03-06", "2026-03-09", 2)
		g.want(b, "2026-03-10", "2026-03-12", 2)
		// A drop on a Saturday lands on Monday; Friday the 13th is off for
		// the whole instance.
		r = e.Do(t, apptest.PM, "POST", gPath(e.ProjectA.ID, "/tasks/"+strconv.FormatInt(b, 10)+"/reschedule"), map[string]any{"start_date": "2026-03-14", "version": 2})
		gWantStatus(t, r, 200)
		g.want(b, "2026-03-16", "2026-03-17", 3)
		r = e.Do(t, apptest.PM, "POST", gPath(e.ProjectA.ID, "/tasks/"+strconv.FormatInt(b, 10)+"/reschedule"), map[string]any{"start_date": "2026-03-12", "version": 3})
		gWantStatus(t, r, 200)
		g.want(b, "2026-03-12", "2026-03-16", 4)
		// The other project does not have A's holiday.
		g2 := newGPlan(t, e, e.ProjectB.ID)
		x := g2.task("乙任务", "2026-03-10", "2026-03-11")
		r = e.Do(t, apptest.PM, "POST", gPath(e.ProjectB.ID, "/tasks/"+strconv.FormatInt(x, 10)+"/reschedule"), map[string]any{"start_date": "2026-03-11", "version": 1})
		gWantStatus(t, r, 200)
		g2.want(x, "2026-03-11", "2026-03-12", 2)
	})
}

func TestGanttRescheduleRefusals(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		g := newGPlan(t, e, e.ProjectA.ID)
		ph := g.phase("方案设计", "2026-04-01", "2026-04-30")
		inPhase := g.task("方案评审", "2026-04-01", "2026-04-03", "phase="+strconv.FormatInt(ph, 10))
		after := g.task("后续配置", "2026-04-07", "2026-04-09", "phase="+strconv.FormatInt(ph, 10)) // Apr 6 is 清明
		g.dep(inPhase, after, "FS", 0)
		cancelled := g.task("已取消的任务", "2026-04-01", "2026-04-01", "status=cancelled")
		path := func(id int64) string { return gPath(e.ProjectA.ID, "/tasks/"+strconv.FormatInt(id, 10)+"/reschedule") }
		// Pushing the successor past the phase's end is refused, naming it.
		r := e.Do(t, apptest.PM, "POST", path(inPhase), map[string]any{"start_date": "2026-04-27", "version": 1})
		gWantStatus(t, r, 400, "start_date", "后续配置", "方案设计")
		g.want(inPhase, "2026-04-01", "2026-04-03", 1)
		g.want(after, "2026-04-07", "2026-04-09", 1)
		// Within the phase it goes through.
		gWantStatus(t, e.Do(t, apptest.PM, "POST", path(inPhase), map[string]any{"start_date": "2026-04-07", "version": 1}), 200)
		g.want(after, "2026-04-10", "2026-04-14", 2)
		// Cancelled tasks are not scheduled.
		gWantStatus(t, e.Do(t, apptest.PM, "POST", path(cancelled), map[string]any{"start_date": "2026-04-02", "version": 1}), 400, "已取消的任务")
		// A cycle in the stored graph (written behind the service's back) is
		// a conflict that names its tasks.
		g.dep(after, inPhase, "FS", 0)
		gWantStatus(t, e.Do(t, apptest.PM, "POST", path(inPhase), map[string]any{"start_date": "2026-04-08", "version": 2}), 409, "方案评审", "后续配置")
		// Archived projects are read-only.
		if _, err := e.App.Projects.SetArchived(context.Background(), e.Users[apptest.PM].P, e.ProjectA.ID, true); err != nil {
			t.Fatal(err)
		}
		gWantStatus(t, e.Do(t, apptest.PM, "POST", path(after), map[string]any{"start_date": "2026-04-20", "version": 2}), 409)
	})
}

func TestGanttRescheduleForm(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		g := newGPlan(t, e, e.ProjectA.ID)
		a := g.task("表单任务", "2026-03-02", "2026-03-04")
		page := "/projects/" + strconv.FormatInt(e.ProjectA.ID, 10) + "/gantt"
		form := func(start string, version int64) string {
			return url.Values{"task_id": {strconv.FormatInt(a, 10)}, "start_date": {start}, "version": {strconv.FormatInt(version, 10)}, "zoom": {"week"}}.Encode()
		}
		// The chosen task's form.
		gWantStatus(t, e.Do(t, apptest.PM, "GET", page+"?task="+strconv.FormatInt(a, 10), nil), 200, `id="gantt-reschedule"`, `name="version" value="1"`)
		r := e.Do(t, apptest.PM, "POST", page+"/reschedule", form("2026-03-09", 1))
		gWantStatus(t, r, 303)
		if loc := r.Header.Get("Location"); !strings.Contains(loc, "task="+strconv.FormatInt(a, 10)) || !strings.Contains(loc, "zoom=week") {
			t.Errorf("redirect to %q", loc)
		}
		g.want(a, "2026-03-09", "2026-03-11", 2)
		// A stale form gets the conflict page with what was typed and the
		// current version; nothing is overwritten.
		r = e.Do(t, apptest.Developer, "POST", page+"/reschedule", form("2026-03-16", 1))
		gWantStatus(t, r, 409, "2026-03-16", `name="version" value="2"`)
		g.want(a, "2026-03-09", "2026-03-11", 2)
		// A bad date is shown on the form.
		r = e.Do(t, apptest.PM, "POST", page+"/reschedule", form("2026-13-01", 2))
		gWantStatus(t, r, 400, "field-error", "2026-13-01")
		// Customers may look but not move.
		gWantStatus(t, e.Do(t, apptest.CustomerPM, "POST", page+"/reschedule", form("2026-03-16", 2)), 403)
		g.want(a, "2026-03-09", "2026-03-11", 2)
	})
}

func TestGanttBaselines(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		g := newGPlan(t, e, e.ProjectA.ID)
		a := g.task("基线任务一", "2026-03-02", "2026-03-04")
		b := g.task("基线任务二", "2026-03-05", "2026-03-06")
		g.task("内部基线任务", "2026-03-02", "2026-03-02", "internal")
		g.dep(a, b, "FS", 0)
		api := gPath(e.ProjectA.ID, "/baselines")

		r := e.Do(t, apptest.PM, "POST", api, map[string]any{"name": " 计划基线 v1 "})
		gWantStatus(t, r, 201)
		var bl work.Baseline
		r.JSON(t, &bl)
		if bl.Name != "计划基线 v1" || bl.TaskCount != 3 || bl.CreatedByName != "pm" {
			t.Errorf("baseline %+v", bl)
		}
		if n := g.count(`SELECT count(*) FROM baseline_tasks WHERE baseline_id = ? AND start_date IS NOT NULL AND due_date IS NOT NULL`, bl.ID); n != 3 {
			t.Errorf("%d tasks frozen", n)
		}
		gWantStatus(t, e.Do(t, apptest.PM, "POST", api, map[string]any{"name": "计划基线 v1"}), 400, `"name"`)
		gWantStatus(t, e.Do(t, apptest.PM, "POST", api, map[string]any{"name": ""}), 400, `"name"`)
		gWantStatus(t, e.Do(t, apptest.PM, "POST", api, map[string]any{"name": "a\nb"}), 400, `"name"`)
		gWantStatus(t, e.Do(t, apptest.Consultant, "POST", api, map[string]any{"name": "顾问的基线"}), 403)
		gWantStatus(t, e.Do(t, apptest.CustomerPM, "POST", api, map[string]any{"name": "客户的基线"}), 403)
		if n := g.count(`SELECT count(*) FROM baselines WHERE project_id = ?`, e.ProjectA.ID); n != 1 {
			t.Errorf("%d baselines after refusals", n)
		}

		// Customers see the baseline, counting only the tasks they see.
		var list []work.Baseline
		r = e.Do(t, apptest.KeyUser, "GET", api, nil)
		gWantStatus(t, r, 200)
		r.JSON(t, &list)
		if len(list) != 1 || list[0].TaskCount != 2 {
			t.Errorf("customer's list %+v", list)
		}

		// Slip a three working days: b follows; the schedule shows both late.
		gWantStatus(t, e.Do(t, apptest.PM, "POST", gPath(e.ProjectA.ID, "/tasks/"+strconv.FormatInt(a, 10)+"/reschedule"),
			map[string]any{"start_date": "2026-03-05", "version": 1}), 200)
		var s work.Schedule
		r = e.Do(t, apptest.PM, "GET", gPath(e.ProjectA.ID, "/schedule?baseline="+strconv.FormatInt(bl.ID, 10)), nil)
		gWantStatus(t, r, 200)
		r.JSON(t, &s)
		slips := map[int64]int{}
		for _, st := range s.Tasks {
			if st.SlipDays != nil {
				slips[st.ID] = *st.SlipDays
			}
			if st.ID == a && (st.BaselineStart != "2026-03-02" || st.BaselineDue != "2026-03-04") {
				t.Errorf("baseline dates of a: %+v", st)
			}
		}
		if slips[a] != 3 || slips[b] != 3 {
			t.Errorf("slippage %v, want 3 working days for both", slips)
		}
		// The chart draws the baseline and the slippage.
		page := "/projects/" + strconv.FormatInt(e.ProjectA.ID, 10) + "/gantt?baseline=" + strconv.FormatInt(bl.ID, 10)
		gWantStatus(t, e.Do(t, apptest.KeyUser, "GET", page, nil), 200, `class="gantt-baseline"`, `gantt-slip late`, "&#43;3") // "+3", escaped
		// The page form creates one and shows it.
		r = e.Do(t, apptest.PM, "POST", "/projects/"+strconv.FormatInt(e.ProjectA.ID, 10)+"/baselines", "name=%E5%8F%98%E6%9B%B4%E5%90%8E")
		gWantStatus(t, r, 303)
		if !strings.Contains(r.Header.Get("Location"), "/gantt?baseline=") {
			t.Errorf("redirect %q", r.Header.Get("Location"))
		}
		r = e.Do(t, apptest.PM, "POST", "/projects/"+strconv.FormatInt(e.ProjectA.ID, 10)+"/baselines", "name=")
		gWantStatus(t, r, 400, "field-error")
	})
}

func TestGanttCustomerSeesOnlyVisibleTasks(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		g := newGPlan(t, e, e.ProjectA.ID)
		v1 := g.task("客户可见-需求确认", "2026-03-02", "2026-03-06")
		h := g.task("内部-接口联调XYZ", "2026-03-09", "2026-03-13", "internal")
		v2 := g.task("客户可见-上线验收", "2026-03-16", "2026-03-17")
		g.dep(v1, h, "FS", 0)
		g.dep(h, v2, "FS", 0)
		page := "/projects/" + strconv.FormatInt(e.ProjectA.ID, 10) + "/gantt"
		for _, who := range []apptest.Who{apptest.KeyUser, apptest.CustomerPM, apptest.Executive} {
			r := e.Do(t, who, "GET", page, nil)
			gWantStatus(t, r, 200, "客户可见-需求确认", "客户可见-上线验收")
			if strings.Contains(r.Body, "接口联调XYZ") || strings.Contains(r.Body, `data-id="`+strconv.FormatInt(h, 10)+`"`) {
				t.Errorf("%s sees the internal task on the chart", who)
			}
			if strings.Contains(r.Body, "gantt-drag") {
				t.Errorf("%s may drag bars", who)
			}
			r = e.Do(t, who, "GET", gPath(e.ProjectA.ID, "/schedule"), nil)
			gWantStatus(t, r, 200)
			if strings.Contains(r.Body, "接口联调XYZ") {
				t.Errorf("%s sees the internal task in the schedule", who)
			}
			var s work.Schedule
			r.JSON(t, &s)
			if len(s.Tasks) != 2 || len(s.Deps) != 0 || !slices.Equal(s.Critical, []int64{v1, v2}) {
				t.Errorf("%s: tasks %d deps %d critical %v", who, len(s.Tasks), len(s.Deps), s.Critical)
			}
		}
		r := e.Do(t, apptest.Developer, "GET", page, nil)
		gWantStatus(t, r, 200, "接口联调XYZ", "gantt-drag")
		r = e.Do(t, apptest.Finance, "GET", page, nil)
		gWantStatus(t, r, 200, "接口联调XYZ")
		if strings.Contains(r.Body, "gantt-drag") {
			t.Error("finance may drag bars")
		}
	})
}

func TestGanttChartAndSchedule(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		g := newGPlan(t, e, e.ProjectA.ID)
		a := g.task("需求调研", "2026-03-02", "2026-03-06")
		b := g.task("方案设计", "2026-03-09", "2026-03-13")
		c := g.task("系统配置", "2026-03-16", "2026-03-20")
		side := g.task("培训材料", "2026-03-09", "2026-03-10")
		m := g.task("上线", "2026-03-20", "2026-03-20", "milestone") // at the end of c's last day
		g.task("未排期的任务", "", "")
		g.dep(a, b, "FS", 0)
		g.dep(b, c, "FS", 0)
		g.dep(a, side, "FS", 0)
		g.dep(c, m, "FS", 0)
		g.dep(side, m, "SS", 2)

		var s work.Schedule
		r := e.Do(t, apptest.PM, "GET", gPath(e.ProjectA.ID, "/schedule"), nil)
		gWantStatus(t, r, 200)
		r.JSON(t, &s)
		if !slices.Equal(s.Critical, []int64{a, b, c, m}) {
			t.Errorf("critical %v, want %v", s.Critical, []int64{a, b, c, m})
		}
		if s.Finish != "2026-03-20" || s.Start != "2026-01-05" {
			t.Errorf("start %s finish %s", s.Start, s.Finish)
		}
		for _, st := range s.Tasks {
			switch st.ID {
			case side:
				if st.Critical || st.TotalFloat != 8 || st.LS != "2026-03-19" {
					t.Errorf("side task %+v", st)
				}
			case m:
				if !st.Milestone || st.DurationDays != 0 || st.ES != "2026-03-20" {
					t.Errorf("milestone %+v", st)
				}
			case a:
				if st.DurationDays != 5 || st.ES != "2026-03-02" || st.LF != "2026-03-06" {
					t.Errorf("a %+v", st)
				}
			}
		}
		crit := 0
		for _, d := range s.Deps {
			if d.Critical {
				crit++
			}
		}
		if len(s.Deps) != 5 || crit != 3 {
			t.Errorf("deps %d (critical %d), want 5 (3)", len(s.Deps), crit)
		}

		// A project without tasks says so.
		gWantStatus(t, e.Do(t, apptest.PM, "GET", "/projects/"+strconv.FormatInt(e.ProjectB.ID, 10)+"/gantt", nil), 200, `id="gantt-empty"`)

		page := "/projects/" + strconv.FormatInt(e.ProjectA.ID, 10) + "/gantt"
		r = e.Do(t, apptest.PM, "GET", page, nil)
		gWantStatus(t, r, 200, `class="gantt-arrow crit"`, `class="gantt-arrow"`, `gantt-task k-task crit`, `class="gantt-diamond"`,
			`class="gantt-off"`, "未排期的任务", "gantt.js")
		if n := strings.Count(r.Body, `<path class="gantt-arrow`); n != 5 {
			t.Errorf("%d arrows drawn, want 5", n)
		}
		// Every zoom renders; a malformed baseline id is refused naming it.
		for _, z := range []string{"day", "week", "month", "bogus"} {
			gWantStatus(t, e.Do(t, apptest.PM, "GET", page+"?zoom="+z, nil), 200, "gantt-svg")
		}
		gWantStatus(t, e.Do(t, apptest.PM, "GET", page+"?baseline=x", nil), 400)
		gWantStatus(t, e.Do(t, apptest.PM, "GET", page+"?baseline=999999", nil), 404)

		// A cycle stored behind the service's back: the page warns and
		// names the tasks, the API reports it; nothing is critical.
		g.dep(c, a, "FS", 0)
		r = e.Do(t, apptest.PM, "GET", page, nil)
		gWantStatus(t, r, 200, "alert error", "需求调研", "系统配置")
		if strings.Contains(r.Body, "gantt-arrow crit") {
			t.Error("a cyclic plan still shows a critical path")
		}
		r = e.Do(t, apptest.PM, "GET", gPath(e.ProjectA.ID, "/schedule"), nil)
		gWantStatus(t, r, 200, `"cycle":"#`)
	})
}
