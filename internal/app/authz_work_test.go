package app_test

import (
	"net/url"
	"strings"
	"sync"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/work"
)

// The work module's rows of the authorization matrix (tasks, board and
// its live stream, workflow, dependencies, my work). Expectations follow
// internal/access: every member of A reads (customers: customer-visible
// tasks only); PM, consultant and developer create, edit, move and link;
// only the PM deletes, restores and manages the workflow; finance reads.
//
// Project A carries, from the first expansion on, a customer-visible task
// and an internal one whose title holds the internal mark, so the
// must-not-contain rule proves customers never receive the internal task
// from any list, board, export or stream, and the "internal" flag proves
// vendor staff do. Placeholders, each a fresh object per request so a
// permitted write never disturbs the next caller:
//
//	{wtask}  a new customer-visible task of A (version 1)
//	{witask} A's internal task
//	{wdtask} a new task of A in the trash
//	{wdep}   a new dependency between two new tasks of A
//	{wsid}   the id of A's "doing" status

type authzWorkFixture struct {
	internalTask int64
	doing        int64
}

var authzWorkFixtures sync.Map // *authzFix → *authzWorkFixture

func init() {
	authzModuleRows = append(authzModuleRows, authzWorkRows)
	authzExpanders = append(authzExpanders, authzWorkExpand)
}

func authzWorkFix(t *testing.T, x *authzFix) *authzWorkFixture {
	t.Helper()
	if f, ok := authzWorkFixtures.Load(x); ok {
		return f.(*authzWorkFixture)
	}
	pm := x.p(apptest.PM)
	a := x.e.ProjectA.ID
	if _, err := x.e.App.Work.Create(x.ctx, pm, a, work.Input{Title: "看板授权-可见任务", CustomerVisible: true, DueDate: "2026-01-01",
		AssigneeIDs: []int64{x.e.Users[apptest.KeyUser].ID, x.e.Users[apptest.PM].ID}}); err != nil {
		t.Fatal(err)
	}
	in, err := x.e.App.Work.Create(x.ctx, pm, a, work.Input{Title: authzInternalMark + " 内部任务", AssigneeIDs: []int64{x.e.Users[apptest.Developer].ID}})
	if err != nil {
		t.Fatal(err)
	}
	ss, err := x.e.App.Work.Workflow(x.ctx, pm, a)
	if err != nil {
		t.Fatal(err)
	}
	f := &authzWorkFixture{internalTask: in.ID, doing: ss[1].ID}
	authzWorkFixtures.Store(x, f)
	return f
}

func authzWorkPrep(t *testing.T, x *authzFix, _ apptest.Who) { authzWorkFix(t, x) }

// authzNewTask creates a customer-visible task of A as its PM.
func authzNewTask(t *testing.T, x *authzFix, title string) work.Task {
	t.Helper()
	tk, err := x.e.App.Work.Create(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID, work.Input{Title: title, CustomerVisible: true})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func authzWorkExpand(t *testing.T, x *authzFix, path string, _ apptest.Who) string {
	if !strings.Contains(path, "{w") {
		return path
	}
	f := authzWorkFix(t, x)
	pm := x.p(apptest.PM)
	a := x.e.ProjectA.ID
	if strings.Contains(path, "{wtask}") {
		path = strings.ReplaceAll(path, "{wtask}", itoa(authzNewTask(t, x, "授权任务").ID))
	}
	path = strings.ReplaceAll(path, "{witask}", itoa(f.internalTask))
	path = strings.ReplaceAll(path, "{wsid}", itoa(f.doing))
	if strings.Contains(path, "{wdtask}") {
		tk := authzNewTask(t, x, "回收站里的任务")
		if err := x.e.App.Work.Delete(x.ctx, pm, a, tk.ID); err != nil {
			t.Fatal(err)
		}
		path = strings.ReplaceAll(path, "{wdtask}", itoa(tk.ID))
	}
	if strings.Contains(path, "{wdep}") {
		d, err := x.e.App.Work.AddDependency(x.ctx, pm, a, work.DepInput{PredID: authzNewTask(t, x, "前置").ID, SuccID: authzNewTask(t, x, "后续").ID})
		if err != nil {
			t.Fatal(err)
		}
		path = strings.ReplaceAll(path, "{wdep}", itoa(d.ID))
	}
	return path
}

func authzStatusVersion(t *testing.T, x *authzFix) int64 {
	t.Helper()
	var v int64
	if err := x.e.App.DB.QueryRow(x.ctx, `SELECT version FROM workflow_statuses WHERE id = ?`, authzWorkFix(t, x).doing).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func authzWorkRows() []authzRow {
	taskForm := authzForm(url.Values{"title": {"表单任务"}, "status": {"todo"}, "priority": {"high"}, "customer_visible": {"1"},
		"estimate_hours": {"1.5"}, "version": {"1"}}.Encode())
	depForm := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"pred_id": {itoa(authzNewTask(t, x, "表单前置").ID)}, "type": {"FS"}, "lag_days": {"1"}}.Encode()
	}
	depJSON := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return work.DepInput{PredID: authzNewTask(t, x, "接口前置").ID, SuccID: authzNewTask(t, x, "接口后续").ID, Type: "SS", LagDays: -1}
	}
	statusForm := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"name": {""}, "wip_limit": {"5"}, "version": {itoa(authzStatusVersion(t, x))}}.Encode()
	}
	statusJSON := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return work.StatusInput{WIPLimit: 5, Version: authzStatusVersion(t, x)}
	}
	p := authzWorkPrep
	return []authzRow{
		// Pages.                                                                   anon  oc   ku   ex   cpm  dev  con  fin  pm   admin
		{pattern: "GET /my", path: "/my", prep: p, want: authzWant{303, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /projects/{id}/tasks", path: "/projects/{A}/tasks", prep: p, internal: true, want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /projects/{id}/tasks.xlsx", path: "/projects/{A}/tasks.xlsx", prep: p, want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /projects/{id}/tasks/new", path: "/projects/{A}/tasks/new", want: authzWant{303, 404, 403, 403, 403, 200, 200, 403, 200, 200}},
		{pattern: "POST /projects/{id}/tasks", path: "/projects/{A}/tasks", body: taskForm, want: authzWant{303, 404, 403, 403, 403, 303, 303, 403, 303, 303}},
		{pattern: "GET /projects/{id}/tasks/{tid}", path: "/projects/{A}/tasks/{wtask}", want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /projects/{id}/tasks/{tid}/edit", path: "/projects/{A}/tasks/{wtask}/edit", want: authzWant{303, 404, 403, 403, 403, 200, 200, 403, 200, 200}},
		{pattern: "POST /projects/{id}/tasks/{tid}/edit", path: "/projects/{A}/tasks/{wtask}/edit", body: taskForm, want: authzWant{303, 404, 403, 403, 403, 303, 303, 403, 303, 303}},
		{pattern: "POST /projects/{id}/tasks/{tid}/delete", path: "/projects/{A}/tasks/{wtask}/delete", want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "POST /projects/{id}/tasks/{tid}/dependencies", path: "/projects/{A}/tasks/{wtask}/dependencies", body: depForm, want: authzWant{303, 404, 403, 403, 403, 303, 303, 403, 303, 303}},
		{pattern: "POST /projects/{id}/tasks/{tid}/dependencies/{did}/delete", path: "/projects/{A}/tasks/{wtask}/dependencies/{wdep}/delete", want: authzWant{303, 404, 403, 403, 403, 303, 303, 403, 303, 303}},
		{pattern: "GET /projects/{id}/board", path: "/projects/{A}/board", prep: p, internal: true, want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /projects/{id}/board/cards/{tid}", path: "/projects/{A}/board/cards/{wtask}", want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		// Without Accept: text/event-stream the stream opens and ends at once.
		{pattern: "GET /projects/{id}/board/events", path: "/projects/{A}/board/events", want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /projects/{id}/workflow", path: "/projects/{A}/workflow", want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /projects/{id}/workflow/{sid}", path: "/projects/{A}/workflow/{wsid}", body: statusForm, want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},

		// API.
		{pattern: "GET /api/v1/projects/{id}/tasks", path: "/api/v1/projects/{A}/tasks", prep: p, internal: true, want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/tasks", path: "/api/v1/projects/{A}/tasks", body: authzJSON(map[string]any{"title": "接口任务", "customer_visible": true, "estimate_min": 60}),
			want: authzWant{401, 404, 403, 403, 403, 201, 201, 403, 201, 201}},
		{pattern: "GET /api/v1/projects/{id}/tasks/{tid}", path: "/api/v1/projects/{A}/tasks/{wtask}", want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "PATCH /api/v1/projects/{id}/tasks/{tid}", path: "/api/v1/projects/{A}/tasks/{wtask}", body: authzJSON(map[string]any{"title": "改过的标题", "version": 1}),
			want: authzWant{401, 404, 403, 403, 403, 200, 200, 403, 200, 200}},
		{pattern: "DELETE /api/v1/projects/{id}/tasks/{tid}", path: "/api/v1/projects/{A}/tasks/{wtask}", want: authzWant{401, 404, 403, 403, 403, 403, 403, 403, 204, 204}},
		{pattern: "POST /api/v1/projects/{id}/tasks/{tid}/restore", path: "/api/v1/projects/{A}/tasks/{wdtask}/restore", want: authzWant{401, 404, 404, 404, 404, 404, 404, 404, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/tasks/{tid}/move", path: "/api/v1/projects/{A}/tasks/{wtask}/move", body: authzJSON(work.MoveInput{Status: "doing", Version: 1}),
			want: authzWant{401, 404, 403, 403, 403, 200, 200, 403, 200, 200}},
		{pattern: "GET /api/v1/projects/{id}/dependencies", path: "/api/v1/projects/{A}/dependencies", prep: p, want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/dependencies", path: "/api/v1/projects/{A}/dependencies", body: depJSON, want: authzWant{401, 404, 403, 403, 403, 201, 201, 403, 201, 201}},
		{pattern: "DELETE /api/v1/projects/{id}/dependencies/{did}", path: "/api/v1/projects/{A}/dependencies/{wdep}", want: authzWant{401, 404, 403, 403, 403, 204, 204, 403, 204, 204}},
		{pattern: "GET /api/v1/projects/{id}/workflow", path: "/api/v1/projects/{A}/workflow", want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "PATCH /api/v1/projects/{id}/workflow/{sid}", path: "/api/v1/projects/{A}/workflow/{wsid}", body: statusJSON, want: authzWant{401, 404, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "GET /api/v1/my/tasks", path: "/api/v1/my/tasks", prep: p, want: authzWant{401, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
	}
}

// The row touched decides, not the project in the URL: tasks,
// dependencies and statuses of B named under A are not found (even for
// the PM of both and for administrators); the internal task is not found
// for customers; people off the project find nothing.
func TestAuthzWorkRowTouched(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := newAuthzFix(t, e)
		f := authzWorkFix(t, x)
		pm := x.p(apptest.PM)
		b := e.ProjectB.ID
		bt, err := e.App.Work.Create(x.ctx, pm, b, work.Input{Title: "乙项目任务", CustomerVisible: true})
		if err != nil {
			t.Fatal(err)
		}
		bt2, _ := e.App.Work.Create(x.ctx, pm, b, work.Input{Title: "乙项目任务二", CustomerVisible: true})
		bd, err := e.App.Work.AddDependency(x.ctx, pm, b, work.DepInput{PredID: bt.ID, SuccID: bt2.ID})
		if err != nil {
			t.Fatal(err)
		}
		bss, _ := e.App.Work.Workflow(x.ctx, pm, b)
		a, ta, ti := itoa(e.ProjectA.ID), itoa(bt.ID), itoa(f.internalTask)
		probes := []authzProbe{}
		for _, who := range []apptest.Who{apptest.PM, apptest.Admin} {
			probes = append(probes,
				authzProbe{who, "GET", "/api/v1/projects/" + a + "/tasks/" + ta, nil, 404},
				authzProbe{who, "PATCH", "/api/v1/projects/" + a + "/tasks/" + ta, authzJSON(map[string]any{"title": "x", "version": 1}), 404},
				authzProbe{who, "DELETE", "/api/v1/projects/" + a + "/tasks/" + ta, nil, 404},
				authzProbe{who, "POST", "/api/v1/projects/" + a + "/tasks/" + ta + "/move", authzJSON(work.MoveInput{Status: "doing", Version: 1}), 404},
				authzProbe{who, "DELETE", "/api/v1/projects/" + a + "/dependencies/" + itoa(bd.ID), nil, 404},
				authzProbe{who, "PATCH", "/api/v1/projects/" + a + "/workflow/" + itoa(bss[1].ID), authzJSON(work.StatusInput{WIPLimit: 1, Version: 1}), 404},
				authzProbe{who, "GET", "/projects/" + a + "/tasks/" + ta, nil, 404},
				authzProbe{who, "GET", "/projects/" + a + "/board/cards/" + ta, nil, 404},
				authzProbe{who, "POST", "/projects/" + a + "/tasks/" + ta + "/edit", authzForm("title=x&version=1"), 404},
				authzProbe{who, "POST", "/projects/" + a + "/tasks/" + ta + "/delete", nil, 404},
				// A dependency to a task of B.
				authzProbe{who, "POST", "/api/v1/projects/" + a + "/dependencies", func(t *testing.T, x *authzFix, _ apptest.Who) any {
					return work.DepInput{PredID: authzNewTask(t, x, "甲前置").ID, SuccID: bt.ID}
				}, 400},
				authzProbe{who, "POST", "/api/v1/projects/" + a + "/tasks", authzJSON(map[string]any{"title": "x", "parent_id": bt.ID}), 400},
			)
		}
		for _, who := range []apptest.Who{apptest.KeyUser, apptest.CustomerPM, apptest.Executive} {
			probes = append(probes,
				authzProbe{who, "GET", "/api/v1/projects/" + a + "/tasks/" + ti, nil, 404},
				authzProbe{who, "GET", "/projects/" + a + "/tasks/" + ti, nil, 404},
				authzProbe{who, "GET", "/projects/" + a + "/board/cards/" + ti, nil, 404},
				authzProbe{who, "GET", "/api/v1/projects/" + a + "/tasks?q=" + url.QueryEscape(authzInternalMark), nil, 200},
				authzProbe{who, "GET", "/projects/" + a + "/tasks.xlsx?q=" + url.QueryEscape(authzInternalMark), nil, 200},
				// Permission first: a customer learns nothing about the id.
				authzProbe{who, "POST", "/api/v1/projects/" + a + "/tasks/" + ti + "/move", authzJSON(work.MoveInput{Status: "doing", Version: 1}), 403},
			)
		}
		for _, who := range []apptest.Who{apptest.OtherCust, apptest.Outsider} {
			probes = append(probes,
				authzProbe{who, "GET", "/api/v1/projects/" + a + "/tasks", nil, 404},
				authzProbe{who, "GET", "/projects/" + a + "/board", nil, 404},
				authzProbe{who, "GET", "/projects/" + a + "/board/events", nil, 404},
				authzProbe{who, "POST", "/api/v1/projects/" + a + "/tasks", authzJSON(map[string]any{"title": "x"}), 404},
			)
		}
		for _, pr := range probes {
			path := x.expand(t, pr.path, pr.who)
			var body any
			if pr.body != nil {
				body = pr.body(t, x, pr.who)
			}
			before := authzWorkState(t, x)
			r := e.Do(t, pr.who, pr.method, path, body)
			if r.Status != pr.want {
				t.Errorf("%s %s as %s: %d, want %d: %s", pr.method, path, pr.who, r.Status, pr.want, authzSnippet(r.Body, ""))
			}
			x.checkLeaks(t, pr.who, pr.method, path, r)
			if pr.method != "GET" && pr.want >= 400 {
				if after := authzWorkState(t, x); after != before {
					t.Errorf("%s %s as %s: refused but the work tables changed: %s → %s", pr.method, path, pr.who, before, after)
				}
			}
		}
		// B's objects are untouched.
		if tk, _, err := e.App.Work.Get(x.ctx, pm, b, bt.ID); err != nil || tk.Version != bt.Version || tk.Title != "乙项目任务" {
			t.Errorf("B's task changed: %v %+v", err, tk)
		}
	})
}

// authzWorkState fingerprints the work tables: a refused request leaves
// it as it was.
func authzWorkState(t *testing.T, x *authzFix) string {
	t.Helper()
	var s [6]int64
	err := x.e.App.DB.QueryRow(x.ctx, `SELECT (SELECT count(*) FROM tasks), (SELECT COALESCE(SUM(version), 0) FROM tasks),
		(SELECT count(*) FROM tasks WHERE deleted_ms IS NOT NULL), (SELECT count(*) FROM task_deps),
		(SELECT COALESCE(SUM(version), 0) FROM workflow_statuses), (SELECT count(*) FROM audit_log)`).Scan(&s[0], &s[1], &s[2], &s[3], &s[4], &s[5])
	if err != nil {
		t.Fatal(err)
	}
	return fmtInts(s[:])
}

func fmtInts(v []int64) string {
	parts := make([]string, len(v))
	for i, n := range v {
		parts[i] = itoa(n)
	}
	return strings.Join(parts, ",")
}
