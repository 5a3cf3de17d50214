package app_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/methodology"
)

func TestMethodologyApplyTemplate(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := itoa(e.ProjectA.ID)
		tid := mBuiltinID(t, e)

		// Bad input: each named, nothing written.
		for _, c := range []struct {
			body  map[string]any
			field string
			want  string
		}{
			{map[string]any{"start_date": "2026-01-05"}, "template_id", "必填"},
			{map[string]any{"template_id": tid, "start_date": "2026-13-01"}, "start_date", ""},
			{map[string]any{"template_id": tid, "start_date": "2026-03-01", "golive_date": "2026-02-01"}, "golive_date", "不能早于"},
			{map[string]any{"template_id": tid, "start_date": "2026-03-02", "golive_date": "2026-03-06"}, "golive_date", "至少需要 8 个工作日"},
			{map[string]any{"template_id": tid, "start_date": "2026-03-02", "modules": []string{"finance", "nope"}}, "modules", "nope"},
			{map[string]any{"template_id": 999999, "start_date": "2026-03-02"}, "template_id", "找不到"},
		} {
			r := e.Do(t, apptest.PM, "POST", "/api/v1/projects/"+a+"/apply-template", c.body)
			mWant(t, r, 400, `"`+c.field+`"`, c.want)
		}
		if n := mCount(t, e, `SELECT count(*) FROM phases WHERE project_id = ?`, e.ProjectA.ID); n != 0 {
			t.Fatalf("bad input wrote %d phases", n)
		}
		// Only the PM may apply.
		mWant(t, e.Do(t, apptest.Consultant, "POST", "/api/v1/projects/"+a+"/apply-template", map[string]any{"template_id": tid, "start_date": "2026-01-05"}), 403)

		r := e.Do(t, apptest.PM, "POST", "/api/v1/projects/"+a+"/apply-template",
			map[string]any{"template_id": tid, "start_date": "2026-01-05", "golive_date": "2026-06-30", "modules": []string{"finance", "production"}})
		mWant(t, r, 201)
		var res methodology.ApplyResult
		r.JSON(t, &res)
		if res.Phases != 9 || res.Milestones != 7 || res.Deliverables < 27 || res.RACI != 11 {
			t.Fatalf("apply result %+v", res)
		}
		// Per-module tasks: 7 of them, two modules each, on top of 48 tasks.
		if res.Tasks != 48+7 {
			t.Errorf("tasks = %d, want %d", res.Tasks, 48+7)
		}
		if n := mCount(t, e, `SELECT count(*) FROM tasks WHERE project_id = ? AND status = 'todo'`, e.ProjectA.ID); n != res.Tasks {
			t.Errorf("%d tasks stored, %d reported", n, res.Tasks)
		}
		if n := mCount(t, e, `SELECT count(*) FROM task_deps WHERE project_id = ?`, e.ProjectA.ID); n != res.Dependencies || n < 60 {
			t.Errorf("%d dependencies stored, %d reported", n, res.Dependencies)
		}
		// Numbers are 1..n, every task in a phase and within its dates.
		if n := mCount(t, e, `SELECT count(DISTINCT number) FROM tasks WHERE project_id = ? AND number BETWEEN 1 AND ?`, e.ProjectA.ID, res.Tasks); n != res.Tasks {
			t.Errorf("task numbers not 1..%d (%d distinct)", res.Tasks, n)
		}
		if n := mCount(t, e, `SELECT count(*) FROM tasks t JOIN phases p ON p.id = t.phase_id WHERE t.project_id = ? AND t.start_date >= p.start_date AND t.due_date <= p.end_date AND t.start_date <= t.due_date`, e.ProjectA.ID); n != res.Tasks {
			t.Errorf("only %d of %d tasks lie within their phase", n, res.Tasks)
		}
		// Successors start after their predecessors finish.
		if n := mCount(t, e, `SELECT count(*) FROM task_deps d JOIN tasks a ON a.id = d.pred_id JOIN tasks b ON b.id = d.succ_id WHERE d.project_id = ? AND b.start_date <= a.due_date`, e.ProjectA.ID); n != 0 {
			t.Errorf("%d dependencies violated", n)
		}

		var phases []methodology.Phase
		e.Do(t, apptest.KeyUser, "GET", "/api/v1/projects/"+a+"/phases", nil).JSON(t, &phases)
		if len(phases) != 9 || phases[0].Name != "启动" || phases[8].Name != "运维优化" || phases[0].Status != "active" || phases[1].Status != "pending" {
			t.Fatalf("phases %+v", phases)
		}
		if phases[0].StartDate != "2026-01-05" {
			t.Errorf("first phase starts %s", phases[0].StartDate)
		}
		// The go-live phase (上线切换) ends on the go-live date; hypercare follows.
		if phases[7].Name != "上线切换" || phases[7].EndDate != "2026-06-30" || phases[8].StartDate != "2026-07-01" {
			t.Errorf("go-live phase %+v, hypercare %+v", phases[7], phases[8])
		}
		for i, ph := range phases {
			if i > 0 && ph.StartDate <= phases[i-1].EndDate {
				t.Errorf("phase %d starts %s before the previous ends %s", i+1, ph.StartDate, phases[i-1].EndDate)
			}
			// Not on the Spring Festival (2026-02-15..23) nor a weekend.
			if ph.StartDate >= "2026-02-15" && ph.StartDate <= "2026-02-23" {
				t.Errorf("phase %s starts on a holiday %s", ph.Name, ph.StartDate)
			}
			if len(ph.Gate) == 0 {
				t.Errorf("phase %s has no gate checklist", ph.Name)
			}
		}
		// The project now records its dates, template and modules.
		var pr struct {
			StartDate  string `json:"start_date"`
			GoLiveDate string `json:"golive_date"`
		}
		e.Do(t, apptest.PM, "GET", "/api/v1/projects/"+a, nil).JSON(t, &pr)
		if pr.StartDate != "2026-01-05" || pr.GoLiveDate != "2026-06-30" {
			t.Errorf("project dates %+v", pr)
		}
		// A second application is refused with a message that says why.
		r = e.Do(t, apptest.PM, "POST", "/api/v1/projects/"+a+"/apply-template", map[string]any{"template_id": tid, "start_date": "2026-01-05"})
		mWant(t, r, 409, "已有阶段计划")
		if n := mCount(t, e, `SELECT count(*) FROM phases WHERE project_id = ?`, e.ProjectA.ID); n != 9 {
			t.Errorf("%d phases after the refused second application", n)
		}
		// The timeline records it.
		mWant(t, e.Do(t, apptest.PM, "GET", "/projects/"+a+"/activity", nil), 200, "套用了模板")

		// Pages: the plan, and the apply page no longer offered.
		mWant(t, e.Do(t, apptest.PM, "GET", "/projects/"+a+"/phases", nil), 200, "启动", "运维优化", "系统上线", "项目健康度")
		r = e.Do(t, apptest.KeyUser, "GET", "/projects/"+a+"/phases", nil)
		mWant(t, r, 200, "系统上线")
		mNot(t, r, "/apply-template")
	})
}

func TestMethodologyCreateFromTemplatePage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		tid := itoa(mBuiltinID(t, e))
		mWant(t, e.Do(t, apptest.PM, "GET", "/projects/from-template", nil), 200, "从模板创建项目", "财务管理")
		mWant(t, e.Do(t, apptest.Consultant, "GET", "/projects/from-template", nil), 403)
		form := url.Values{"code": {"TPL-1"}, "name": {"模板项目"}, "customer_company_id": {itoa(e.CompanyA.ID)}, "product": {"ERP"},
			"template_id": {tid}, "start_date": {"2026-03-02"}, "golive_date": {"2026-03-05"}, "modules": {"finance"}}
		// A go-live too early is refused before the project exists.
		r := e.Do(t, apptest.PM, "POST", "/projects/from-template", form.Encode())
		mWant(t, r, 400, "至少需要")
		if n := mCount(t, e, `SELECT count(*) FROM projects WHERE code = 'TPL-1'`); n != 0 {
			t.Fatalf("a refused form created the project")
		}
		form.Set("golive_date", "2026-09-30")
		r = e.Do(t, apptest.PM, "POST", "/projects/from-template", form.Encode())
		mWant(t, r, 303)
		if !strings.HasSuffix(r.Header.Get("Location"), "/phases") {
			t.Fatalf("redirect to %s", r.Header.Get("Location"))
		}
		if n := mCount(t, e, `SELECT count(*) FROM phases ph JOIN projects p ON p.id = ph.project_id WHERE p.code = 'TPL-1'`); n != 9 {
			t.Errorf("%d phases", n)
		}
		if n := mCount(t, e, `SELECT count(*) FROM tasks t JOIN projects p ON p.id = t.project_id WHERE p.code = 'TPL-1' AND t.title LIKE '%财务管理%'`); n != 7 {
			t.Errorf("%d per-module finance tasks, want 7", n)
		}
	})
}

func TestMethodologyGateReview(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := itoa(e.ProjectA.ID)
		mApply(t, e, e.ProjectA.ID, "2026-01-05", "")
		var phases []methodology.Phase
		e.Do(t, apptest.PM, "GET", "/api/v1/projects/"+a+"/phases", nil).JSON(t, &phases)
		ph := phases[0]
		path := "/api/v1/projects/" + a + "/phases/" + itoa(ph.ID) + "/gate"
		items := func(done ...bool) []map[string]any {
			out := []map[string]any{}
			for i := range ph.Gate {
				d := i < len(done) && done[i]
				out = append(out, map[string]any{"done": d, "note": ""})
			}
			return out
		}
		all := make([]bool, len(ph.Gate))
		for i := range all {
			all[i] = true
		}
		// Bad input, each named.
		mWant(t, e.Do(t, apptest.PM, "POST", path, map[string]any{"items": items()[:1], "decision": "pass", "version": ph.Version}), 400, `"items"`)
		mWant(t, e.Do(t, apptest.PM, "POST", path, map[string]any{"items": items(), "decision": "pass", "version": ph.Version}), 400, `"decision"`, "有条件通过")
		mWant(t, e.Do(t, apptest.PM, "POST", path, map[string]any{"items": items(), "decision": "conditional", "version": ph.Version}), 400, `"comment"`, "行动项")
		mWant(t, e.Do(t, apptest.PM, "POST", path, map[string]any{"items": items(), "decision": "fail", "version": ph.Version}), 400, `"comment"`)
		mWant(t, e.Do(t, apptest.PM, "POST", path, map[string]any{"items": items(), "decision": "maybe", "version": ph.Version}), 400, `"decision"`)
		// Only the PM decides.
		mWant(t, e.Do(t, apptest.CustomerPM, "POST", path, map[string]any{"items": items(all...), "decision": "pass", "version": ph.Version}), 403)
		mWant(t, e.Do(t, apptest.Consultant, "POST", path, map[string]any{"items": items(all...), "decision": "pass", "version": ph.Version}), 403)
		// A fail keeps the phase open.
		r := e.Do(t, apptest.PM, "POST", path, map[string]any{"items": items(true), "decision": "fail", "comment": "章程未签署", "version": ph.Version})
		mWant(t, r, 200)
		var got methodology.Phase
		r.JSON(t, &got)
		if got.Status != "active" || got.GateDecision != "fail" || !got.Gate[0].Done || got.DeciderName != "pm" {
			t.Fatalf("after fail: %+v", got)
		}
		// A stale version is a conflict.
		mWant(t, e.Do(t, apptest.PM, "POST", path, map[string]any{"items": items(all...), "decision": "pass", "version": ph.Version}), 409)
		// A pass closes it and opens the next phase.
		r = e.Do(t, apptest.PM, "POST", path, map[string]any{"items": items(all...), "decision": "pass", "version": got.Version})
		mWant(t, r, 200, `"status":"done"`, `"gate_decision":"pass"`)
		e.Do(t, apptest.PM, "GET", "/api/v1/projects/"+a+"/phases", nil).JSON(t, &phases)
		if phases[0].Status != "done" || phases[1].Status != "active" {
			t.Errorf("after pass: %s %s", phases[0].Status, phases[1].Status)
		}
		// The page shows the decision; the form posts the same way.
		mWant(t, e.Do(t, apptest.KeyUser, "GET", "/projects/"+a+"/phases/"+itoa(ph.ID)+"/gate", nil), 200, "通过", "pm")
		form := url.Values{"items": {itoa(int64(len(phases[1].Gate)))}, "decision": {"conditional"}, "comment": {""}, "version": {itoa(phases[1].Version)}}
		mWant(t, e.Do(t, apptest.PM, "POST", "/projects/"+a+"/phases/"+itoa(phases[1].ID)+"/gate", form.Encode()), 400, "行动项")
		form.Set("comment", "补交访谈纪要")
		mWant(t, e.Do(t, apptest.PM, "POST", "/projects/"+a+"/phases/"+itoa(phases[1].ID)+"/gate", form.Encode()), 303)
		// Another project's phase through this project: not found.
		mWant(t, e.Do(t, apptest.PM, "POST", "/api/v1/projects/"+itoa(e.ProjectB.ID)+"/phases/"+itoa(ph.ID)+"/gate",
			map[string]any{"items": items(all...), "decision": "pass", "version": 1}), 404)
	})
}

func TestMethodologyMilestones(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := itoa(e.ProjectA.ID)
		base := "/api/v1/projects/" + a + "/milestones"
		mWant(t, e.Do(t, apptest.PM, "POST", base, map[string]any{"name": "", "due_date": "2026-02-30"}), 400, `"name"`, `"due_date"`)
		mWant(t, e.Do(t, apptest.PM, "POST", base, map[string]any{"name": "内部评审", "due_date": "2026-03-01", "owner_id": e.Users[apptest.Outsider].ID}), 400, `"owner_id"`)
		mWant(t, e.Do(t, apptest.CustomerPM, "POST", base, map[string]any{"name": "x", "due_date": "2026-03-01"}), 403)
		r := e.Do(t, apptest.PM, "POST", base, map[string]any{"name": "内部评审", "due_date": "2026-03-01", "owner_id": e.Users[apptest.Consultant].ID})
		mWant(t, r, 201)
		var m methodology.Milestone
		r.JSON(t, &m)
		mWant(t, e.Do(t, apptest.PM, "POST", base, map[string]any{"name": "客户可见里程碑", "due_date": "2026-04-01", "customer_visible": true}), 201)
		// Customers see only the customer-visible one, and not the other by id.
		r = e.Do(t, apptest.KeyUser, "GET", base, nil)
		mWant(t, r, 200, "客户可见里程碑")
		mNot(t, r, "内部评审")
		mWant(t, e.Do(t, apptest.KeyUser, "GET", "/projects/"+a+"/milestones/"+itoa(m.ID)+"/edit", nil), 404)
		// Edits carry the version; stale is 409.
		upd := map[string]any{"name": "内部评审（改）", "due_date": "2026-03-02", "status": "done", "version": m.Version}
		mWant(t, e.Do(t, apptest.PM, "PATCH", base+"/"+itoa(m.ID), upd), 200, `"done_date":"20`)
		mWant(t, e.Do(t, apptest.PM, "PATCH", base+"/"+itoa(m.ID), upd), 409)
		mWant(t, e.Do(t, apptest.PM, "PATCH", base+"/"+itoa(m.ID), map[string]any{"name": "x", "due_date": "2026-03-02", "status": "later", "version": m.Version + 1}), 400, `"status"`)
		// The edit page re-renders a stale form with the conflict notice.
		form := url.Values{"name": {"改名"}, "due_date": {"2026-03-03"}, "status": {"open"}, "version": {itoa(m.Version)}}
		mWant(t, e.Do(t, apptest.PM, "POST", "/projects/"+a+"/milestones/"+itoa(m.ID), form.Encode()), 409, `id="conflict"`, "改名")
	})
}

func TestMethodologyDeliverables(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := itoa(e.ProjectA.ID)
		base := "/api/v1/projects/" + a + "/deliverables"
		mWant(t, e.Do(t, apptest.PM, "POST", base, map[string]any{"name": " ", "phase_id": 999999}), 400, `"name"`)
		mWant(t, e.Do(t, apptest.PM, "POST", base, map[string]any{"name": "蓝图", "phase_id": 999999}), 400, `"phase_id"`)
		r := e.Do(t, apptest.PM, "POST", base, map[string]any{"name": "业务蓝图", "customer_visible": true, "due_date": "2026-04-01"})
		mWant(t, r, 201)
		var d methodology.Deliverable
		r.JSON(t, &d)
		r = e.Do(t, apptest.PM, "POST", base, map[string]any{"name": "内部开发说明", "customer_visible": false})
		mWant(t, r, 201)
		var hidden methodology.Deliverable
		r.JSON(t, &hidden)
		act := func(who apptest.Who, id int64, action string, body map[string]any) apptest.Response {
			return e.Do(t, who, "POST", base+"/"+itoa(id)+"/"+action, body)
		}
		// Not submitted yet: nothing to accept.
		mWant(t, act(apptest.CustomerPM, d.ID, "accept", map[string]any{"version": d.Version}), 409, "尚未提交")
		mWant(t, act(apptest.CustomerPM, d.ID, "submit", map[string]any{"version": d.Version}), 403)
		r = act(apptest.PM, d.ID, "submit", map[string]any{"version": d.Version})
		mWant(t, r, 200, `"status":"submitted"`)
		r.JSON(t, &d)
		// Vendor staff (the PM, an administrator) cannot accept on the customer's behalf; key users cannot either.
		for _, who := range []apptest.Who{apptest.PM, apptest.Admin, apptest.KeyUser, apptest.Executive} {
			mWant(t, act(who, d.ID, "accept", map[string]any{"version": d.Version}), 403)
		}
		// A rejection needs a reason.
		mWant(t, act(apptest.CustomerPM, d.ID, "reject", map[string]any{"comment": "  ", "version": d.Version}), 400, `"comment"`, "原因")
		mWant(t, act(apptest.CustomerPM, d.ID, "accept", map[string]any{"version": d.Version - 1}), 409)
		r = act(apptest.CustomerPM, d.ID, "reject", map[string]any{"comment": "缺少审批流程图", "version": d.Version})
		mWant(t, r, 200, `"status":"rejected"`, "缺少审批流程图", `"reviewed_by_name":"customer_pm"`)
		r.JSON(t, &d)
		r = act(apptest.PM, d.ID, "submit", map[string]any{"version": d.Version})
		r.JSON(t, &d)
		r = act(apptest.CustomerPM, d.ID, "accept", map[string]any{"comment": "同意", "version": d.Version})
		mWant(t, r, 200, `"status":"accepted"`)
		// Internal deliverables do not exist for customers.
		mNot(t, e.Do(t, apptest.CustomerPM, "GET", base, nil), "内部开发说明")
		mWant(t, act(apptest.CustomerPM, hidden.ID, "accept", map[string]any{"version": hidden.Version}), 404)
		mWant(t, e.Do(t, apptest.CustomerPM, "GET", "/projects/"+a+"/deliverables", nil), 200, "业务蓝图", "已验收")
		// An internal deliverable is reviewed inside the vendor, by the PM.
		r = act(apptest.PM, hidden.ID, "submit", map[string]any{"version": hidden.Version})
		mWant(t, r, 200)
		r.JSON(t, &hidden)
		mWant(t, act(apptest.Consultant, hidden.ID, "accept", map[string]any{"version": hidden.Version}), 403)
		mWant(t, act(apptest.PM, hidden.ID, "accept", map[string]any{"version": hidden.Version}), 200, `"status":"accepted"`, `"reviewed_by_name":"pm"`)
		// The page: a rejection without a reason re-renders the list with the message.
		r = act(apptest.PM, d.ID, "submit", map[string]any{"version": d.Version})
		mWant(t, r, 409) // already accepted
		mWant(t, e.Do(t, apptest.CustomerPM, "GET", "/projects/"+a+"/deliverables", nil), 200)
		r = e.Do(t, apptest.PM, "GET", "/projects/"+a+"/deliverables.xlsx", nil)
		mWant(t, r, 200)
		var list []methodology.Deliverable
		e.Do(t, apptest.PM, "GET", base+"?status=accepted", nil).JSON(t, &list)
		if len(list) != 2 || list[0].ID != d.ID {
			t.Errorf("status filter: %+v", list)
		}
		mWant(t, e.Do(t, apptest.PM, "GET", base+"?status=bogus", nil), 400, `"status"`)
		_ = json.Valid
	})
}

// Two PMs applying a template at the same moment: one plan, one 409.
func TestMethodologyApplyConcurrently(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		body := map[string]any{"template_id": mBuiltinID(t, e), "start_date": "2026-01-05"}
		path := "/api/v1/projects/" + itoa(e.ProjectA.ID) + "/apply-template"
		codes := make(chan int, 4)
		for range 4 {
			go func() { codes <- e.Do(t, apptest.PM, "POST", path, body).Status }()
		}
		got := map[int]int{}
		for range 4 {
			got[<-codes]++
		}
		if got[201] != 1 || got[409] != 3 {
			t.Errorf("statuses %v, want one 201 and three 409", got)
		}
		if n := mCount(t, e, `SELECT count(*) FROM phases WHERE project_id = ?`, e.ProjectA.ID); n != 9 {
			t.Errorf("%d phases", n)
		}
	})
}
