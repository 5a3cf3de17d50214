package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"golive/internal/app/apptest"
	"golive/internal/db"
	"golive/internal/i18n"
	"golive/internal/work"
)

// workState fingerprints every work table a request could write.
func workState(t *testing.T, e *apptest.Env) string {
	t.Helper()
	var s [8]int64
	err := e.App.DB.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM tasks), (SELECT COALESCE(SUM(version), 0) FROM tasks),
		(SELECT count(*) FROM task_assignees), (SELECT count(*) FROM task_watchers), (SELECT count(*) FROM checklist_items),
		(SELECT count(*) FROM task_deps), (SELECT COALESCE(SUM(version), 0) FROM workflow_statuses), (SELECT count(*) FROM audit_log)`).
		Scan(&s[0], &s[1], &s[2], &s[3], &s[4], &s[5], &s[6], &s[7])
	if err != nil {
		t.Fatal(err)
	}
	return fmtInts(s[:])
}

type workFix struct {
	e          *apptest.Env
	a          string // project A's id
	task       work.Task
	other      work.Task // a task of project B
	base, path string
}

func newWorkFix(t *testing.T, e *apptest.Env) *workFix {
	t.Helper()
	ctx := context.Background()
	pm := e.Users[apptest.PM].P
	tk, err := e.App.Work.Create(ctx, pm, e.ProjectA.ID, work.Input{Title: "基础任务", CustomerVisible: true, StartDate: "2026-03-02", DueDate: "2026-03-06"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.App.Work.Create(ctx, pm, e.ProjectB.ID, work.Input{Title: "乙项目任务"})
	if err != nil {
		t.Fatal(err)
	}
	a := itoa(e.ProjectA.ID)
	return &workFix{e: e, a: a, task: tk, other: other, base: "/api/v1/projects/" + a + "/tasks", path: "/api/v1/projects/" + a + "/tasks/" + itoa(tk.ID)}
}

// Every malformed task request is refused with a 400 that names the
// field, in the caller's language, and writes nothing.
func TestWorkBadInputAPI(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := newWorkFix(t, e)
		cases := []struct {
			name, method, path, body, field string
		}{
			{"empty title", "POST", x.base, `{"title":"  "}`, "title"},
			{"title too long", "POST", x.base, `{"title":"` + strings.Repeat("长", 201) + `"}`, "title"},
			{"due before start", "POST", x.base, `{"title":"x","start_date":"2026-03-10","due_date":"2026-03-01"}`, "due_date"},
			{"bad date", "POST", x.base, `{"title":"x","start_date":"2026-02-30"}`, "start_date"},
			{"unknown status", "POST", x.base, `{"title":"x","status":"blocked"}`, "status"},
			{"bad priority", "POST", x.base, `{"title":"x","priority":"asap"}`, "priority"},
			{"negative estimate", "POST", x.base, `{"title":"x","estimate_min":-5}`, "estimate_min"},
			{"estimate as text", "POST", x.base, `{"title":"x","estimate_min":"8h"}`, "estimate_min"},
			{"unknown member", "POST", x.base, `{"title":"x","colour":"red"}`, "colour"},
			{"parent in B", "POST", x.base, `{"title":"x","parent_id":` + itoa(x.other.ID) + `}`, "parent_id"},
			{"no such phase", "POST", x.base, `{"title":"x","phase_id":999999}`, "phase_id"},
			{"no such iteration", "POST", x.base, `{"title":"x","iteration_id":999999}`, "iteration_id"},
			{"outsider assigned", "POST", x.base, `{"title":"x","assignee_ids":[` + itoa(e.Users[apptest.Outsider].ID) + `]}`, "assignee_ids"},
			{"customer on internal task", "POST", x.base, `{"title":"x","watcher_ids":[` + itoa(e.Users[apptest.KeyUser].ID) + `]}`, "watcher_ids"},
			{"label with comma", "POST", x.base, `{"title":"x","labels":["a,b"]}`, "labels"},
			{"empty checklist line", "POST", x.base, `{"title":"x","checklist":[{"text":""}]}`, "checklist"},
			{"patch without version", "PATCH", x.path, `{"title":"y"}`, "version"},
			{"patch own child as parent", "PATCH", x.path, `{"parent_id":` + itoa(x.task.ID) + `,"version":1}`, "parent_id"},
			{"patch due before start", "PATCH", x.path, `{"due_date":"2026-03-01","version":1}`, "due_date"},
			{"move unknown status", "POST", x.path + "/move", `{"status":"blocked","version":1}`, "status"},
			{"move without version", "POST", x.path + "/move", `{"status":"doing"}`, "version"},
			{"move next to B's card", "POST", x.path + "/move", `{"status":"todo","before_id":` + itoa(x.other.ID) + `,"version":1}`, "before_id"},
			{"dependency on itself", "POST", "/api/v1/projects/" + x.a + "/dependencies", `{"pred_id":` + itoa(x.task.ID) + `,"succ_id":` + itoa(x.task.ID) + `}`, "succ_id"},
			{"dependency to B", "POST", "/api/v1/projects/" + x.a + "/dependencies", `{"pred_id":` + itoa(x.task.ID) + `,"succ_id":` + itoa(x.other.ID) + `}`, "succ_id"},
			{"dependency type", "POST", "/api/v1/projects/" + x.a + "/dependencies", `{"pred_id":` + itoa(x.task.ID) + `,"succ_id":999,"type":"XX"}`, "type"},
			{"dependency lag", "POST", "/api/v1/projects/" + x.a + "/dependencies", `{"pred_id":1,"succ_id":2,"lag_days":1000}`, "lag_days"},
			{"wip negative", "PATCH", "/api/v1/projects/" + x.a + "/workflow/1", `{"wip_limit":-1,"version":1}`, "wip_limit"},
			{"list filter id", "GET", x.base + "?assignee=abc", "", "assignee"},
			{"list filter status", "GET", x.base + "?status=blocked", "", "status"},
			{"dependency filter", "GET", "/api/v1/projects/" + x.a + "/dependencies?task=x", "", "task"},
		}
		for _, c := range cases {
			for _, lang := range []string{"zh-CN", "en"} {
				before := workState(t, e)
				r := biDo(t, e, biReq{who: apptest.PM, method: c.method, path: c.path, body: c.body, lang: lang})
				if r.Status != 400 {
					t.Errorf("%s [%s]: %d %s", c.name, lang, r.Status, r.Body)
					continue
				}
				var body struct {
					Error struct {
						Fields map[string]string `json:"fields"`
					} `json:"error"`
				}
				json.Unmarshal([]byte(r.Body), &body)
				msg, ok := body.Error.Fields[c.field]
				if !ok {
					t.Errorf("%s [%s]: no field %s in %s", c.name, lang, c.field, r.Body)
				}
				if lang == "zh-CN" && hanCount(msg) == 0 {
					t.Errorf("%s: message not in Chinese: %q", c.name, msg)
				}
				if after := workState(t, e); after != before {
					t.Errorf("%s [%s]: refused but written: %s → %s", c.name, lang, before, after)
				}
			}
		}
		// The cycle is spelled out by number and title.
		r2 := e.Do(t, apptest.PM, "POST", "/api/v1/projects/"+x.a+"/tasks", map[string]any{"title": "后续任务"})
		var t2 work.Task
		r2.JSON(t, &t2)
		if r := e.Do(t, apptest.PM, "POST", "/api/v1/projects/"+x.a+"/dependencies", map[string]any{"pred_id": x.task.ID, "succ_id": t2.ID}); r.Status != 201 {
			t.Fatalf("dependency: %d %s", r.Status, r.Body)
		}
		before := workState(t, e)
		r := e.Do(t, apptest.PM, "POST", "/api/v1/projects/"+x.a+"/dependencies", map[string]any{"pred_id": t2.ID, "succ_id": x.task.ID})
		if r.Status != 400 || !strings.Contains(r.Body, "#2 后续任务 → #1 基础任务 → #2 后续任务") {
			t.Errorf("cycle: %d %s", r.Status, r.Body)
		}
		if workState(t, e) != before {
			t.Error("refused cycle was written")
		}
	})
}

// Two people save the same task: the second gets 409 (API) or the
// conflict page with what they typed (form), never an overwrite.
func TestWorkConflicts(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := newWorkFix(t, e)
		if r := e.Do(t, apptest.Developer, "PATCH", x.path, map[string]any{"title": "开发改的", "version": 1}); r.Status != 200 {
			t.Fatalf("first patch: %d %s", r.Status, r.Body)
		}
		before := workState(t, e)
		if r := e.Do(t, apptest.Consultant, "PATCH", x.path, map[string]any{"title": "顾问改的", "version": 1}); r.Status != 409 {
			t.Errorf("second patch: %d %s", r.Status, r.Body)
		}
		if r := e.Do(t, apptest.Consultant, "POST", x.path+"/move", map[string]any{"status": "doing", "version": 1}); r.Status != 409 {
			t.Errorf("stale move: %d %s", r.Status, r.Body)
		}
		form := url.Values{"title": {"表单里的新标题"}, "status": {"todo"}, "priority": {"normal"}, "estimate_hours": {"2.5"}, "version": {"1"}, "checklist": {"[x] 保留我的输入"}}
		r := e.Do(t, apptest.Consultant, "POST", "/projects/"+x.a+"/tasks/"+itoa(x.task.ID)+"/edit", form.Encode())
		if r.Status != 409 || !strings.Contains(r.Body, `id="conflict"`) || !strings.Contains(r.Body, "表单里的新标题") || !strings.Contains(r.Body, "保留我的输入") || !strings.Contains(r.Body, `value="2.5"`) {
			t.Errorf("conflict page: %d %s", r.Status, authzSnippet(r.Body, "conflict"))
		}
		if workState(t, e) != before {
			t.Error("a stale save changed something")
		}
		var title string
		e.App.DB.QueryRow(context.Background(), `SELECT title FROM tasks WHERE id = ?`, x.task.ID).Scan(&title)
		if title != "开发改的" {
			t.Errorf("title %q", title)
		}
	})
}

// The task form re-renders with inline, translated messages and keeps
// what was typed; a valid form saves and redirects.
func TestWorkForm(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := newWorkFix(t, e)
		valid := url.Values{"title": {"表单任务"}, "status": {"doing"}, "priority": {"high"}, "start_date": {"2026-03-02"}, "due_date": {"2026-03-05"},
			"estimate_hours": {"1.5"}, "remaining_hours": {"1"}, "labels": {"接口，报表"}, "checklist": {"[x] 一\n二"}, "customer_visible": {"1"},
			"assignee_ids": {itoa(e.Users[apptest.Developer].ID), itoa(e.Users[apptest.KeyUser].ID)}, "parent_id": {itoa(x.task.ID)}}
		with := func(k, v string) string {
			f := url.Values{}
			for kk, vv := range valid {
				f[kk] = vv
			}
			f.Set(k, v)
			return f.Encode()
		}
		for _, c := range []struct{ field, value, want string }{
			{"title", "", "field.title"},
			{"due_date", "2026-03-01", "work.due_before_start"},
			{"estimate_hours", "abc", "work.hours_invalid"},
			{"remaining_hours", "1.234", "work.hours_invalid"},
			{"status", "blocked", "work.status_unknown"},
			{"parent_id", itoa(x.other.ID), "work.parent_other_project"},
			{"phase_id", "x", "validate.not_found"},
		} {
			for _, lang := range []string{"zh-CN", "en"} {
				before := workState(t, e)
				r := biDo(t, e, biReq{who: apptest.Developer, method: "POST", path: "/projects/" + x.a + "/tasks", body: with(c.field, c.value), lang: lang})
				if r.Status != 400 {
					t.Errorf("%s=%q: %d", c.field, c.value, r.Status)
					continue
				}
				msg := i18n.T(i18n.Lang(lang), c.want)
				if !strings.Contains(r.Body, template.HTMLEscapeString(msg)) || !strings.Contains(r.Body, "field-error") {
					t.Errorf("%s [%s]: no inline %q", c.field, lang, msg)
				}
				if c.field != "title" && !strings.Contains(r.Body, `value="表单任务"`) {
					t.Errorf("%s [%s]: the typed title is lost", c.field, lang)
				}
				if workState(t, e) != before {
					t.Errorf("%s: written", c.field)
				}
			}
		}
		r := e.Do(t, apptest.Developer, "POST", "/projects/"+x.a+"/tasks", valid.Encode())
		if r.Status != 303 {
			t.Fatalf("valid form: %d %s", r.Status, authzSnippet(r.Body, "field-error"))
		}
		var tk work.Task
		e.Do(t, apptest.PM, "GET", x.base+"/"+strings.TrimPrefix(r.Header.Get("Location"), "/projects/"+x.a+"/tasks/"), nil).JSON(t, &tk)
		if tk.EstimateMin != 90 || tk.RemainingMin != 60 || len(tk.Labels) != 2 || len(tk.Checklist) != 2 || !tk.Checklist[0].Done || len(tk.Assignees) != 2 ||
			tk.ParentID == nil || *tk.ParentID != x.task.ID || !tk.CustomerVisible || tk.Status != "doing" {
			t.Errorf("saved task: %+v", tk)
		}
	})
}

// The API list pages and filters.
func TestWorkListAPI(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		pm := e.Users[apptest.PM].P
		dev := e.Users[apptest.Developer].ID
		for i := 0; i < 7; i++ {
			in := work.Input{Title: "任务 " + itoa(int64(i)), Labels: []string{"批次"}}
			if i%2 == 0 {
				in.AssigneeIDs = []int64{dev}
				in.Status = "doing"
			}
			if _, err := e.App.Work.Create(ctx, pm, e.ProjectA.ID, in); err != nil {
				t.Fatal(err)
			}
		}
		base := "/api/v1/projects/" + itoa(e.ProjectA.ID) + "/tasks"
		type page struct {
			Items []work.Task `json:"items"`
			Total int         `json:"total"`
		}
		for q, want := range map[string][2]int{
			"?per_page=3":                 {3, 7},
			"?per_page=3&page=3":          {1, 7},
			"?status=doing":               {4, 4},
			"?assignee=" + itoa(dev):      {4, 4},
			"?assignee=none":              {3, 3},
			"?q=%E4%BB%BB%E5%8A%A1+3":     {1, 1},
			"?q=%233":                     {1, 1},
			"?label=%E6%89%B9%E6%AC%A1":   {7, 7},
			"?label=%E6%89%B9":            {0, 0},
			"?phase=none&iteration=none":  {7, 7},
			"?status=doing&assignee=none": {0, 0},
			"?q=%25&per_page=2":           {0, 0},
		} {
			var p page
			r := e.Do(t, apptest.Developer, "GET", base+q, nil)
			if r.Status != 200 {
				t.Errorf("%s: %d %s", q, r.Status, r.Body)
				continue
			}
			r.JSON(t, &p)
			if len(p.Items) != want[0] || p.Total != want[1] {
				t.Errorf("%s: %d items of %d, want %v", q, len(p.Items), p.Total, want)
			}
		}
		var my work.MyGroupsJSON
		e.Do(t, apptest.Developer, "GET", "/api/v1/my/tasks", nil).JSON(t, &my)
		if n := len(my.Overdue) + len(my.Today) + len(my.ThisWeek) + len(my.Later); n != 4 {
			t.Errorf("developer's open tasks: %d", n)
		}
		if r := e.Do(t, apptest.PM, "GET", "/my", nil); r.Status != 200 || strings.Count(r.Body, `class="my-item"`) != 0 {
			t.Errorf("PM's my work: %d", r.Status)
		}
	})
}

// The Excel export of the task list is in WBS order with outline codes;
// the customer-visible column and internal tasks are for vendor staff.
func TestWorkExport(t *testing.T) {
	e := apptest.New(t, db.SQLite)
	ctx := context.Background()
	pm := e.Users[apptest.PM].P
	a := e.ProjectA.ID
	top, _ := e.App.Work.Create(ctx, pm, a, work.Input{Title: "上线准备", CustomerVisible: true, EstimateMin: 90})
	e.App.Work.Create(ctx, pm, a, work.Input{Title: "切换演练", ParentID: &top.ID, CustomerVisible: true, Labels: []string{"上线"}})
	e.App.Work.Create(ctx, pm, a, work.Input{Title: "内部复盘"})
	read := func(who apptest.Who) [][]string {
		r := e.Do(t, who, "GET", "/projects/"+itoa(a)+"/tasks.xlsx", nil)
		if r.Status != 200 {
			t.Fatalf("export as %s: %d", who, r.Status)
		}
		f, err := excelize.OpenReader(strings.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows(f.GetSheetList()[0])
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	rows := read(apptest.Developer)
	if len(rows) != 4 || rows[1][0] != "1" || rows[2][0] != "1.1" || rows[2][2] != "切换演练" || rows[1][7] != "1.5" || rows[3][2] != "内部复盘" ||
		rows[0][len(rows[0])-1] != "客户可见" {
		t.Errorf("vendor export: %q", rows)
	}
	rows = read(apptest.KeyUser)
	if len(rows) != 3 || strings.Contains(fmt.Sprint(rows), "内部复盘") || strings.Contains(strings.Join(rows[0], "|"), "客户可见") {
		t.Errorf("customer export: %q", rows)
	}
}
