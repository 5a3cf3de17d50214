package app_test

import (
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golive/internal/app/apptest"
	"golive/internal/db"
)

// The Gantt's rows of the authorization matrix. Project A gets a small
// plan (prepared before each request): two customer-visible tasks linked
// finish-to-start and an internal task whose title carries the internal
// mark, so the matrix's must-not-contain rule proves that no customer
// response of the chart, the schedule or the baselines shows it, and the
// "internal" flag proves vendor staff do see it.
//
// {gtask} is the first visible task of A; rescheduling moves it one day
// later each time, at its current version.

func init() {
	authzModuleRows = append(authzModuleRows, authzGanttRows)
	authzExpanders = append(authzExpanders, func(t *testing.T, x *authzFix, path string, _ apptest.Who) string {
		if !strings.Contains(path, "{gtask}") {
			return path
		}
		return strings.ReplaceAll(path, "{gtask}", itoa(authzGanttPlan(t, x)))
	})
}

var authzGanttTasks sync.Map // *authzFix → id of the first task

// authzGanttPlan creates A's small plan once per fixture and returns the
// id of its first task.
func authzGanttPlan(t *testing.T, x *authzFix) int64 {
	t.Helper()
	if id, ok := authzGanttTasks.Load(x); ok {
		return id.(int64)
	}
	var ids []int64
	err := x.e.App.DB.Tx(x.ctx, func(tx *db.Tx) error {
		var n int64
		if err := tx.QueryRow(x.ctx, `SELECT COALESCE(MAX(number), 0) FROM tasks WHERE project_id = ?`, x.e.ProjectA.ID).Scan(&n); err != nil {
			return err
		}
		now := time.Now().UnixMilli()
		for i, task := range []struct {
			title      string
			start, due string
			visible    bool
		}{
			{"甘特授权-前置", "2026-03-02", "2026-03-06", true},
			{"甘特授权-后续", "2026-03-09", "2026-03-11", true},
			{authzInternalMark + " 甘特内部任务", "2026-03-02", "2026-03-03", false},
		} {
			var id int64
			if err := tx.QueryRow(x.ctx, `INSERT INTO tasks (project_id, number, title, status, start_date, due_date, customer_visible, created_ms, updated_ms)
				VALUES (?, ?, ?, 'todo', ?, ?, ?, ?, ?) RETURNING id`, x.e.ProjectA.ID, n+int64(i)+1, task.title, task.start, task.due, task.visible, now, now).Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		_, err := tx.Exec(x.ctx, `INSERT INTO task_deps (project_id, pred_id, succ_id, type, lag_days, created_ms) VALUES (?, ?, ?, 'FS', 0, ?)`,
			x.e.ProjectA.ID, ids[0], ids[1], now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	authzGanttTasks.Store(x, ids[0])
	return ids[0]
}

func authzGanttPrep(t *testing.T, x *authzFix, _ apptest.Who) { authzGanttPlan(t, x) }

// authzGanttMove is a valid reschedule of {gtask}: one day later, at the
// version it has now.
func authzGanttMove(t *testing.T, x *authzFix) (string, int64) {
	t.Helper()
	id := authzGanttPlan(t, x)
	var start string
	var version int64
	if err := x.e.App.DB.QueryRow(x.ctx, `SELECT start_date, version FROM tasks WHERE id = ?`, id).Scan(&start, &version); err != nil {
		t.Fatal(err)
	}
	d, err := time.Parse("2006-01-02", start)
	if err != nil {
		t.Fatal(err)
	}
	return d.AddDate(0, 0, 1).Format("2006-01-02"), version
}

func authzGanttRows() []authzRow {
	form := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		start, version := authzGanttMove(t, x)
		return url.Values{"task_id": {itoa(authzGanttPlan(t, x))}, "start_date": {start}, "version": {strconv.FormatInt(version, 10)}}.Encode()
	}
	json := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		start, version := authzGanttMove(t, x)
		return map[string]any{"start_date": start, "version": version}
	}
	baselineForm := func(_ *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"name": {"授权基线" + strconv.Itoa(x.next())}}.Encode()
	}
	baselineJSON := func(_ *testing.T, x *authzFix, _ apptest.Who) any {
		return map[string]any{"name": "接口基线" + strconv.Itoa(x.next())}
	}
	return []authzRow{
		// Everyone on A reads the chart and the schedule (customers: visible tasks only).
		//                                                                         anon  oc   ku   ex   cpm  dev  con  fin  pm   admin
		{pattern: "GET /projects/{id}/gantt", path: "/projects/{A}/gantt", prep: authzGanttPrep, internal: true,
			want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		// Rescheduling is task editing: PM, consultant, developer (and administrators).
		{pattern: "POST /projects/{id}/gantt/reschedule", path: "/projects/{A}/gantt/reschedule", prep: authzGanttPrep, body: form,
			want: authzWant{303, 404, 403, 403, 403, 303, 303, 403, 303, 303}},
		// Baselines are the PM's.
		{pattern: "POST /projects/{id}/baselines", path: "/projects/{A}/baselines", prep: authzGanttPrep, body: baselineForm,
			want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},

		{pattern: "GET /api/v1/projects/{id}/schedule", path: "/api/v1/projects/{A}/schedule", prep: authzGanttPrep, internal: true,
			want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/tasks/{tid}/reschedule", path: "/api/v1/projects/{A}/tasks/{gtask}/reschedule", body: json,
			want: authzWant{401, 404, 403, 403, 403, 200, 200, 403, 200, 200}},
		{pattern: "GET /api/v1/projects/{id}/baselines", path: "/api/v1/projects/{A}/baselines", prep: authzGanttPrep,
			want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/baselines", path: "/api/v1/projects/{A}/baselines", prep: authzGanttPrep, body: baselineJSON,
			want: authzWant{401, 404, 403, 403, 403, 403, 403, 403, 201, 201}},
	}
}

// The object a Gantt request touches is checked, not just the project in
// the URL: a task or baseline of project B named under A is not found,
// even for the PM of both; people off the project find nothing.
func TestAuthzGanttRowTouched(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := newAuthzFix(t, e)
		authzGanttPlan(t, x)
		var bTask int64
		now := time.Now().UnixMilli()
		if err := e.App.DB.Tx(x.ctx, func(tx *db.Tx) error {
			return tx.QueryRow(x.ctx, `INSERT INTO tasks (project_id, number, title, status, start_date, due_date, customer_visible, created_ms, updated_ms)
				VALUES (?, 1, '乙项目任务', 'todo', '2026-03-02', '2026-03-03', ?, ?, ?) RETURNING id`, e.ProjectB.ID, true, now, now).Scan(&bTask)
		}); err != nil {
			t.Fatal(err)
		}
		r := e.Do(t, apptest.PM, "POST", "/api/v1/projects/"+itoa(e.ProjectB.ID)+"/baselines", map[string]any{"name": "乙基线"})
		if r.Status != 201 {
			t.Fatalf("baseline of B: %d %s", r.Status, r.Body)
		}
		var b struct{ ID int64 }
		r.JSON(t, &b)
		a := itoa(e.ProjectA.ID)
		for _, p := range []struct {
			who          apptest.Who
			method, path string
			body         any
			want         int
		}{
			{apptest.PM, "POST", "/api/v1/projects/" + a + "/tasks/" + itoa(bTask) + "/reschedule", map[string]any{"start_date": "2026-03-04", "version": 1}, 404},
			{apptest.Admin, "POST", "/api/v1/projects/" + a + "/tasks/" + itoa(bTask) + "/reschedule", map[string]any{"start_date": "2026-03-04", "version": 1}, 404},
			{apptest.PM, "POST", "/projects/" + a + "/gantt/reschedule", url.Values{"task_id": {itoa(bTask)}, "start_date": {"2026-03-04"}, "version": {"1"}}.Encode(), 404},
			{apptest.PM, "GET", "/projects/" + a + "/gantt?baseline=" + itoa(b.ID), nil, 404},
			{apptest.PM, "GET", "/api/v1/projects/" + a + "/schedule?baseline=" + itoa(b.ID), nil, 404},
			{apptest.PM, "GET", "/api/v1/projects/" + a + "/schedule?baseline=abc", nil, 400},
			{apptest.OtherCust, "GET", "/api/v1/projects/" + a + "/schedule", nil, 404},
			{apptest.OtherCust, "GET", "/api/v1/projects/" + a + "/baselines", nil, 404},
			{apptest.Outsider, "GET", "/projects/" + a + "/gantt", nil, 404},
			{apptest.Outsider, "POST", "/api/v1/projects/" + a + "/baselines", map[string]any{"name": "x"}, 404},
			// Permission before the object: a key user learns nothing about B's task.
			{apptest.KeyUser, "POST", "/api/v1/projects/" + a + "/tasks/" + itoa(bTask) + "/reschedule", map[string]any{"start_date": "2026-03-04", "version": 1}, 403},
		} {
			before := x.state(t)
			got := e.Do(t, p.who, p.method, p.path, p.body)
			if got.Status != p.want {
				t.Errorf("%s %s as %s: %d, want %d: %s", p.method, p.path, p.who, got.Status, p.want, authzSnippet(got.Body, ""))
			}
			if after := x.state(t); p.method != "GET" && after != before {
				t.Errorf("%s %s as %s: the database changed", p.method, p.path, p.who)
			}
		}
		var start string
		if err := e.App.DB.QueryRow(x.ctx, `SELECT start_date FROM tasks WHERE id = ?`, bTask).Scan(&start); err != nil || start != "2026-03-02" {
			t.Errorf("B's task moved: %q %v", start, err)
		}
	})
}
