package app_test

import (
	"net/url"
	"strings"
	"sync"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/work"
)

// The iterations' rows of the authorization matrix. Customers get 404 on
// every iteration route (iterations sum internal tasks); vendor members
// read them; planning is task editing; creating, changing and closing are
// the PM's. {iter} is one open iteration of A (its tasks planned by the
// assign row); {iterfresh} is a new open iteration per request, so that
// every permitted close finds one still open.

func init() {
	authzModuleRows = append(authzModuleRows, authzIterationRows)
	authzExpanders = append(authzExpanders, func(t *testing.T, x *authzFix, path string, _ apptest.Who) string {
		if strings.Contains(path, "{iterfresh}") {
			path = strings.ReplaceAll(path, "{iterfresh}", itoa(authzNewIteration(t, x, "授权关闭迭代")))
		}
		if strings.Contains(path, "{iter}") {
			path = strings.ReplaceAll(path, "{iter}", itoa(authzIteration(t, x)))
		}
		return path
	})
}

var authzIterations sync.Map // *authzFix → id of the open iteration
var authzIterTasks sync.Map  // *authzFix → id of a task of A to plan

func authzNewIteration(t *testing.T, x *authzFix, name string) int64 {
	t.Helper()
	it, err := x.e.App.Work.CreateIteration(x.ctx, x.e.Users[apptest.PM].P, x.e.ProjectA.ID,
		work.IterationInput{Name: name, StartDate: "2026-03-02", Goal: authzInternalMark})
	if err != nil {
		t.Fatal(err)
	}
	return it.ID
}

func authzIteration(t *testing.T, x *authzFix) int64 {
	t.Helper()
	if id, ok := authzIterations.Load(x); ok {
		return id.(int64)
	}
	id := authzNewIteration(t, x, "授权迭代")
	authzIterations.Store(x, id)
	return id
}

func authzIterTask(t *testing.T, x *authzFix) int64 {
	t.Helper()
	if id, ok := authzIterTasks.Load(x); ok {
		return id.(int64)
	}
	tk, err := x.e.App.Work.Create(x.ctx, x.e.Users[apptest.PM].P, x.e.ProjectA.ID, work.Input{Title: "迭代授权任务", EstimateMin: 60, RemainingMin: 60})
	if err != nil {
		t.Fatal(err)
	}
	authzIterTasks.Store(x, tk.ID)
	return tk.ID
}

func authzIterPrep(t *testing.T, x *authzFix, _ apptest.Who) { authzIteration(t, x) }

func authzIterationRows() []authzRow {
	create := func(_ *testing.T, x *authzFix, _ apptest.Who) any {
		return map[string]any{"name": "接口迭代" + itoa(int64(x.next())), "start_date": "2026-04-06"}
	}
	update := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		it, err := x.e.App.Work.Iteration(x.ctx, x.e.Users[apptest.PM].P, x.e.ProjectA.ID, authzIteration(t, x))
		if err != nil {
			t.Fatal(err)
		}
		return map[string]any{"name": it.Name, "start_date": it.StartDate, "end_date": it.EndDate, "goal": it.Goal, "version": it.Version}
	}
	assign := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return map[string]any{"task_ids": []int64{authzIterTask(t, x)}, "iteration_id": authzIteration(t, x)}
	}
	closeBody := func(*testing.T, *authzFix, apptest.Who) any { return map[string]any{"version": 1, "move_to": 0} }
	createForm := func(_ *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"name": {"页面迭代" + itoa(int64(x.next()))}, "start_date": {"2026-04-06"}}.Encode()
	}
	assignForm := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"task_ids": {itoa(authzIterTask(t, x))}, "iteration_id": {itoa(authzIteration(t, x))}}.Encode()
	}
	closeForm := authzForm("version=1&move_to=0")
	// h3: the edit form and capacity. A stale version answers 409 with the
	// form (the PM's answer); the matrix only needs who gets that far.
	editForm := authzForm("name=" + url.QueryEscape("改名迭代") + "&start_date=2026-03-02&version=999")
	capForm := authzForm("version=999")
	capBody := func(*testing.T, *authzFix, apptest.Who) any {
		return map[string]any{"version": 999, "members": []any{}}
	}
	return []authzRow{
		//                                                                         anon  oc   ku   ex   cpm  dev  con  fin  pm   admin
		{pattern: "GET /projects/{id}/iterations", path: "/projects/{A}/iterations", prep: authzIterPrep, internal: true,
			want: authzWant{303, 404, 404, 404, 404, 200, 200, 200, 200, 200}},
		{pattern: "POST /projects/{id}/iterations", path: "/projects/{A}/iterations", body: createForm,
			want: authzWant{303, 404, 404, 404, 404, 403, 403, 403, 303, 303}},
		{pattern: "POST /projects/{id}/iterations/assign", path: "/projects/{A}/iterations/assign", body: assignForm,
			want: authzWant{303, 404, 404, 404, 404, 303, 303, 403, 303, 303}},
		{pattern: "GET /projects/{id}/iterations/{iid}", path: "/projects/{A}/iterations/{iter}", internal: true,
			want: authzWant{303, 404, 404, 404, 404, 200, 200, 200, 200, 200}},
		{pattern: "POST /projects/{id}/iterations/{iid}/close", path: "/projects/{A}/iterations/{iterfresh}/close", body: closeForm,
			want: authzWant{303, 404, 404, 404, 404, 403, 403, 403, 303, 303}},
		//                                                                         anon  oc   ku   ex   cpm  dev  con  fin  pm   admin
		{pattern: "GET /api/v1/projects/{id}/iterations", path: "/api/v1/projects/{A}/iterations", prep: authzIterPrep, internal: true,
			want: authzWant{401, 404, 404, 404, 404, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/iterations", path: "/api/v1/projects/{A}/iterations", body: create,
			want: authzWant{401, 404, 404, 404, 404, 403, 403, 403, 201, 201}},
		{pattern: "GET /api/v1/projects/{id}/iterations/velocity", path: "/api/v1/projects/{A}/iterations/velocity", prep: authzIterPrep,
			want: authzWant{401, 404, 404, 404, 404, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/iterations/assign", path: "/api/v1/projects/{A}/iterations/assign", body: assign,
			want: authzWant{401, 404, 404, 404, 404, 200, 200, 403, 200, 200}},
		{pattern: "GET /api/v1/projects/{id}/iterations/{iid}", path: "/api/v1/projects/{A}/iterations/{iter}", internal: true,
			want: authzWant{401, 404, 404, 404, 404, 200, 200, 200, 200, 200}},
		{pattern: "PATCH /api/v1/projects/{id}/iterations/{iid}", path: "/api/v1/projects/{A}/iterations/{iter}", body: update,
			want: authzWant{401, 404, 404, 404, 404, 403, 403, 403, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/iterations/{iid}/close", path: "/api/v1/projects/{A}/iterations/{iterfresh}/close", body: closeBody,
			want: authzWant{401, 404, 404, 404, 404, 403, 403, 403, 200, 200}},
		{pattern: "GET /api/v1/projects/{id}/iterations/{iid}/burndown", path: "/api/v1/projects/{A}/iterations/{iter}/burndown",
			want: authzWant{401, 404, 404, 404, 404, 200, 200, 200, 200, 200}},
		// h3: edit form and capacity.
		//                                                                         anon  oc   ku   ex   cpm  dev  con  fin  pm   admin
		{pattern: "GET /projects/{id}/iterations/{iid}/edit", path: "/projects/{A}/iterations/{iter}/edit", internal: true,
			want: authzWant{303, 404, 404, 404, 404, 403, 403, 403, 200, 200}},
		{pattern: "POST /projects/{id}/iterations/{iid}/edit", path: "/projects/{A}/iterations/{iter}/edit", body: editForm,
			want: authzWant{303, 404, 404, 404, 404, 403, 403, 403, 409, 409}},
		{pattern: "POST /projects/{id}/iterations/{iid}/capacity", path: "/projects/{A}/iterations/{iter}/capacity", body: capForm,
			want: authzWant{303, 404, 404, 404, 404, 403, 403, 403, 409, 409}},
		{pattern: "GET /api/v1/projects/{id}/iterations/{iid}/capacity", path: "/api/v1/projects/{A}/iterations/{iter}/capacity",
			want: authzWant{401, 404, 404, 404, 404, 200, 200, 200, 200, 200}},
		{pattern: "PUT /api/v1/projects/{id}/iterations/{iid}/capacity", path: "/api/v1/projects/{A}/iterations/{iter}/capacity", body: capBody,
			want: authzWant{401, 404, 404, 404, 404, 403, 403, 403, 409, 409}},
	}
}
