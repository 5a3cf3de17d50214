package app_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/work"
)

// The workflow-shaping rows of the authorization matrix: only the PM (and
// administrators) add, reorder, remove and restore statuses; every member
// of A reads the removed list. Placeholders, fresh per request:
//
//	{wfnew}  a status just added to A's workflow (no tasks, version 1)
//	{wfgone} a status of A just removed (restorable)

func init() {
	authzModuleRows = append(authzModuleRows, authzWorkflowRows)
	authzExpanders = append(authzExpanders, authzWorkflowExpand)
}

func authzAddStatus(t *testing.T, x *authzFix) work.Status {
	t.Helper()
	st, err := x.e.App.Work.AddStatus(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID, work.NewStatusInput{Name: "授权状态" + strconv.Itoa(x.next()), Category: "doing"})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func authzWorkflowExpand(t *testing.T, x *authzFix, path string, _ apptest.Who) string {
	if strings.Contains(path, "{wfnew}") {
		path = strings.ReplaceAll(path, "{wfnew}", itoa(authzAddStatus(t, x).ID))
	}
	if strings.Contains(path, "{wfgone}") {
		st := authzAddStatus(t, x)
		if _, err := x.e.App.Work.RemoveStatus(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID, st.ID, work.RemoveStatusInput{Version: st.Version}); err != nil {
			t.Fatal(err)
		}
		path = strings.ReplaceAll(path, "{wfgone}", itoa(st.ID))
	}
	return path
}

// authzWorkflowOrder is A's current workflow reversed after its first
// status, at the versions stored now.
func authzWorkflowOrder(t *testing.T, x *authzFix) work.ReorderInput {
	t.Helper()
	ss, err := x.e.App.Work.Workflow(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID)
	if err != nil {
		t.Fatal(err)
	}
	var in work.ReorderInput
	in.Order = append(in.Order, work.StatusRef{ID: ss[0].ID, Version: ss[0].Version})
	for i := len(ss) - 1; i > 0; i-- {
		in.Order = append(in.Order, work.StatusRef{ID: ss[i].ID, Version: ss[i].Version})
	}
	return in
}

func authzWorkflowRows() []authzRow {
	addForm := func(_ *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"name": {"表单状态" + strconv.Itoa(x.next())}, "category": {"review"}, "wip_limit": {"2"}}.Encode()
	}
	addJSON := func(_ *testing.T, x *authzFix, _ apptest.Who) any {
		return work.NewStatusInput{Name: "接口状态" + strconv.Itoa(x.next()), Category: "todo"}
	}
	order := func(t *testing.T, x *authzFix, _ apptest.Who) any { return authzWorkflowOrder(t, x) }
	removeJSON := authzJSON(work.RemoveStatusInput{Version: 1})
	removeForm := authzForm(url.Values{"version": {"1"}}.Encode())
	return []authzRow{
		//                                                                                                          anon  oc   ku   ex   cpm  dev  con  fin  pm   admin
		{pattern: "POST /projects/{id}/workflow", path: "/projects/{A}/workflow", body: addForm, want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "POST /projects/{id}/workflow/{sid}/move", path: "/projects/{A}/workflow/{wfnew}/move", body: authzForm("dir=up&version=1"), want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "POST /projects/{id}/workflow/{sid}/delete", path: "/projects/{A}/workflow/{wfnew}/delete", body: removeForm, want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "POST /projects/{id}/workflow/{sid}/restore", path: "/projects/{A}/workflow/{wfgone}/restore", want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "POST /api/v1/projects/{id}/workflow", path: "/api/v1/projects/{A}/workflow", body: addJSON, want: authzWant{401, 404, 403, 403, 403, 403, 403, 403, 201, 201}},
		{pattern: "PUT /api/v1/projects/{id}/workflow/order", path: "/api/v1/projects/{A}/workflow/order", body: order, want: authzWant{401, 404, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/workflow/{sid}/remove", path: "/api/v1/projects/{A}/workflow/{wfnew}/remove", body: removeJSON, want: authzWant{401, 404, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "GET /api/v1/projects/{id}/workflow/removed", path: "/api/v1/projects/{A}/workflow/removed", want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/workflow/{sid}/restore", path: "/api/v1/projects/{A}/workflow/{wfgone}/restore", want: authzWant{401, 404, 403, 403, 403, 403, 403, 403, 200, 200}},
	}
}

// A status of project B named under A is not found, even for the PM of
// both; removing into B's status names the field and changes nothing.
func TestAuthzWorkflowRowTouched(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := newAuthzFix(t, e)
		pm := x.p(apptest.PM)
		bss, err := e.App.Work.Workflow(x.ctx, pm, e.ProjectB.ID)
		if err != nil {
			t.Fatal(err)
		}
		st := authzAddStatus(t, x)
		if _, err := e.App.Work.Create(x.ctx, pm, e.ProjectA.ID, work.Input{Title: "待移动", Status: st.Key}); err != nil {
			t.Fatal(err)
		}
		a := itoa(e.ProjectA.ID)
		for _, pr := range []struct {
			method, path string
			body         any
			want         int
		}{
			{"POST", "/api/v1/projects/" + a + "/workflow/" + itoa(bss[2].ID) + "/remove", work.RemoveStatusInput{Version: bss[2].Version}, 404},
			{"POST", "/api/v1/projects/" + a + "/workflow/" + itoa(bss[2].ID) + "/restore", nil, 404},
			{"POST", "/api/v1/projects/" + a + "/workflow/" + itoa(st.ID) + "/remove", work.RemoveStatusInput{TargetID: bss[0].ID, Version: st.Version}, 400},
			{"POST", "/api/v1/projects/" + a + "/workflow/" + itoa(st.ID) + "/remove", work.RemoveStatusInput{Version: st.Version}, 400},
			{"POST", "/projects/" + a + "/workflow/" + itoa(st.ID) + "/delete", url.Values{"version": {"1"}}.Encode(), 400},
			{"POST", "/api/v1/projects/" + a + "/workflow", map[string]any{"name": "", "category": "done"}, 400},
			{"POST", "/api/v1/projects/" + a + "/workflow", map[string]any{"name": "x", "category": "done", "wip_limit": -1}, 400},
			{"POST", "/projects/" + a + "/workflow", url.Values{"name": {"进行中"}, "category": {"doing"}}.Encode(), 400},
		} {
			before := x.state(t)
			got := e.Do(t, apptest.PM, pr.method, pr.path, pr.body)
			if got.Status != pr.want {
				t.Errorf("%s %s: %d, want %d: %s", pr.method, pr.path, got.Status, pr.want, authzSnippet(got.Body, ""))
			}
			if after := x.state(t); after != before {
				t.Errorf("%s %s: the database changed", pr.method, pr.path)
			}
		}
		r := e.Do(t, apptest.PM, "POST", "/api/v1/projects/"+a+"/workflow/"+itoa(st.ID)+"/remove", work.RemoveStatusInput{Version: st.Version})
		if !strings.Contains(r.Body, "target_id") {
			t.Errorf("the refusal does not name the field: %s", r.Body)
		}
		// One app per dialect for the rest too: starting one costs more than the checks.
		workflowMoveButtons(t, e, x)
		workflowStatusInTrash(t, e, x)
	})
}

// A removed status is in its PM's trash and comes back from there; a
// developer neither sees nor restores it; the other company's customer
// learns nothing.
func workflowStatusInTrash(t *testing.T, e *apptest.Env, x *authzFix) {
	st := authzAddStatus(t, x)
	if _, err := e.App.Work.RemoveStatus(x.ctx, x.p(apptest.PM), e.ProjectA.ID, st.ID, work.RemoveStatusInput{Version: st.Version}); err != nil {
		t.Fatal(err)
	}
	list := func(who apptest.Who) string { return e.Do(t, who, "GET", "/trash", nil).Body }
	if !strings.Contains(list(apptest.PM), st.Custom) {
		t.Fatal("the removed status is not in the PM's trash")
	}
	if strings.Contains(list(apptest.Developer), st.Custom) || strings.Contains(list(apptest.OtherCust), st.Custom) {
		t.Fatal("the removed status is in someone else's trash")
	}
	path := "/api/v1/trash/workflow_status/" + itoa(st.ID) + "/restore"
	for _, who := range []apptest.Who{apptest.Developer, apptest.OtherCust} {
		if r := e.Do(t, who, "POST", path, nil); r.Status < 400 {
			t.Errorf("%s restores: %d", who, r.Status)
		}
	}
	if r := e.Do(t, apptest.PM, "POST", path, nil); r.Status >= 300 {
		t.Fatalf("PM restores from the trash: %d %s", r.Status, r.Body)
	}
	ss, _ := e.App.Work.Workflow(x.ctx, x.p(apptest.PM), e.ProjectA.ID)
	if ss[len(ss)-1].ID != st.ID {
		t.Fatal("the restored status is not back at the end")
	}
}

// The keyboard way to reorder: one place up per post, at the version the
// page showed; a stale version changes nothing.
func workflowMoveButtons(t *testing.T, e *apptest.Env, x *authzFix) {
	st := authzAddStatus(t, x)
	path := "/projects/" + itoa(e.ProjectA.ID) + "/workflow/" + itoa(st.ID) + "/move"
	if r := e.Do(t, apptest.PM, "POST", path, url.Values{"dir": {"up"}, "version": {"9"}}.Encode()); r.Status != 409 {
		t.Fatalf("stale move: %d", r.Status)
	}
	if r := e.Do(t, apptest.PM, "POST", path, url.Values{"dir": {"up"}, "version": {"1"}}.Encode()); r.Status != 303 {
		t.Fatalf("move up: %d %s", r.Status, r.Body)
	}
	ss, _ := e.App.Work.Workflow(x.ctx, x.p(apptest.PM), e.ProjectA.ID)
	if n := len(ss); n < 2 || ss[n-2].ID != st.ID {
		t.Fatalf("order after moving up: %v", ss)
	}
}
