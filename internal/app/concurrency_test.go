package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/i18n"
)

// ccRaw sends an API request as who without touching t, so goroutines
// may use it.
func ccRaw(e *apptest.Env, who apptest.Who, method, path, body string) (int, string, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+e.Users[who].Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

type ccProject struct {
	ID                int64  `json:"id"`
	Code              string `json:"code"`
	Name              string `json:"name"`
	CustomerCompanyID int64  `json:"customer_company_id"`
	Product           string `json:"product"`
	Description       string `json:"description"`
	StartDate         string `json:"start_date"`
	GoLiveDate        string `json:"golive_date"`
	BudgetMinor       *int64 `json:"budget_minor"`
	Status            string `json:"status"`
	Version           int64  `json:"version"`
}

func ccGet(t *testing.T, e *apptest.Env, who apptest.Who, id int64) ccProject {
	t.Helper()
	r := e.Do(t, who, "GET", "/api/v1/projects/"+itoa(id), nil)
	if r.Status != 200 {
		t.Fatalf("GET project %d as %s: %d %s", id, who, r.Status, r.Body)
	}
	var p ccProject
	r.JSON(t, &p)
	return p
}

// ccEdit is the PATCH body for p with a new name.
func ccEdit(p ccProject, name string, version int64) map[string]any {
	m := map[string]any{"code": p.Code, "name": name, "customer_company_id": p.CustomerCompanyID, "product": p.Product,
		"description": p.Description, "start_date": p.StartDate, "golive_date": p.GoLiveDate, "version": version}
	if p.BudgetMinor != nil {
		m["budget_minor"] = *p.BudgetMinor
	}
	return m
}

func ccAuditCount(t *testing.T, e *apptest.Env) int {
	t.Helper()
	var n int
	if err := e.App.DB.QueryRow(context.Background(), "SELECT count(*) FROM audit_log").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestStaleEditIsAConflict(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		id := e.ProjectA.ID
		path := "/api/v1/projects/" + itoa(id)
		p := ccGet(t, e, apptest.PM, id)
		v := p.Version

		if r := e.Do(t, apptest.PM, "PATCH", path, ccEdit(p, "第一次修改", v)); r.Status != 200 {
			t.Fatalf("first edit: %d %s", r.Status, r.Body)
		}
		now := ccGet(t, e, apptest.PM, id)
		if now.Name != "第一次修改" || now.Version != v+1 {
			t.Fatalf("after the first edit: %+v", now)
		}
		audits := ccAuditCount(t, e)

		// The same version again: somebody else's edit came first.
		r := e.Do(t, apptest.PM, "PATCH", path, ccEdit(p, "过期的修改", v))
		if r.Status != 409 || !strings.Contains(r.Body, `"code":"conflict"`) || !strings.Contains(r.Body, i18n.T(i18n.ZH, "error.conflict")) {
			t.Fatalf("stale edit: %d %s", r.Status, r.Body)
		}
		// A version from the future is just as wrong.
		if r := e.Do(t, apptest.PM, "PATCH", path, ccEdit(p, "未来的修改", v+5)); r.Status != 409 {
			t.Fatalf("future version: %d %s", r.Status, r.Body)
		}
		if got := ccGet(t, e, apptest.PM, id); got.Name != "第一次修改" || got.Version != v+1 {
			t.Fatalf("a stale edit overwrote the project: %+v", got)
		}
		if n := ccAuditCount(t, e); n != audits {
			t.Fatalf("a refused edit wrote %d audit rows", n-audits)
		}

		// The HTML edit form: a 409 page that keeps what the user typed.
		form := url.Values{"version": {fmt.Sprint(v)}, "code": {"PA"}, "name": {"我在表单里写的名字"}, "customer_company_id": {itoa(e.CompanyA.ID)},
			"product": {"MES"}, "description": {"一段很长的说明 <不要丢>"}, "start_date": {"2026-01-05"}, "golive_date": {"2026-06-30"}, "budget": {"1,234,567.89"}}
		for _, lang := range []i18n.Lang{i18n.ZH, i18n.EN} {
			header := ""
			if lang == i18n.EN {
				header = "en"
			}
			r := biDo(t, e, biReq{who: apptest.PM, method: "POST", path: "/projects/" + itoa(id) + "/edit", body: form.Encode(), lang: header})
			if r.Status != 409 {
				t.Fatalf("stale form [%s]: %d", lang, r.Status)
			}
			for _, want := range []string{"我在表单里写的名字", "一段很长的说明 <不要丢>", i18n.T(lang, "conflict.title"), i18n.T(lang, "conflict.reload"), `name="version"`} {
				if !strings.Contains(r.Body, template.HTMLEscapeString(want)) && !strings.Contains(r.Body, want) {
					t.Errorf("stale form [%s]: the page lacks %q", lang, want)
				}
			}
		}
		if got := ccGet(t, e, apptest.PM, id); got.Name != "第一次修改" || got.Version != v+1 {
			t.Fatalf("a stale form overwrote the project: %+v", got)
		}
		if n := ccAuditCount(t, e); n != audits {
			t.Fatalf("a refused form wrote %d audit rows", n-audits)
		}

		// The current version from the form works.
		form.Set("version", fmt.Sprint(v+1))
		if r := biDo(t, e, biReq{who: apptest.PM, method: "POST", path: "/projects/" + itoa(id) + "/edit", body: form.Encode()}); r.Status != 303 {
			t.Fatalf("current form: %d", r.Status)
		}
		if got := ccGet(t, e, apptest.PM, id); got.Name != "我在表单里写的名字" || got.Version != v+2 {
			t.Fatalf("after the form: %+v", got)
		}

		// An archived project is read-only: a conflict, and nothing changes.
		cur := ccGet(t, e, apptest.PM, id)
		if r := e.Do(t, apptest.PM, "POST", path+"/archive", map[string]any{"archived": true}); r.Status != 200 {
			t.Fatalf("archive: %d %s", r.Status, r.Body)
		}
		cur = ccGet(t, e, apptest.PM, id)
		if r := e.Do(t, apptest.PM, "PATCH", path, ccEdit(cur, "归档后修改", cur.Version)); r.Status != 409 || !strings.Contains(r.Body, i18n.T(i18n.ZH, "project.archived_readonly")) {
			t.Fatalf("edit of an archived project: %d %s", r.Status, r.Body)
		}
	})
}

func TestConcurrentEditsExactlyOneWins(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		id := e.ProjectA.ID
		path := "/api/v1/projects/" + itoa(id)
		for round := 0; round < 5; round++ {
			p := ccGet(t, e, apptest.PM, id)
			audits := ccAuditCount(t, e)
			const n = 4
			var wg sync.WaitGroup
			status := make([]int, n)
			bodies := make([]string, n)
			errs := make([]error, n)
			start := make(chan struct{})
			for i := 0; i < n; i++ {
				b, _ := json.Marshal(ccEdit(p, fmt.Sprintf("并发修改 %d-%d", round, i), p.Version))
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					status[i], bodies[i], errs[i] = ccRaw(e, apptest.PM, "PATCH", path, string(b))
				}()
			}
			close(start)
			wg.Wait()
			winner, conflicts := -1, 0
			for i := 0; i < n; i++ {
				if errs[i] != nil {
					t.Fatalf("request %d: %v", i, errs[i])
				}
				switch status[i] {
				case 200:
					if winner >= 0 {
						t.Fatalf("round %d: two edits of version %d both succeeded", round, p.Version)
					}
					winner = i
				case 409:
					conflicts++
					if !strings.Contains(bodies[i], `"code":"conflict"`) {
						t.Fatalf("409 without the conflict envelope: %s", bodies[i])
					}
				default:
					t.Fatalf("round %d: request %d got %d %s", round, i, status[i], bodies[i])
				}
			}
			if winner < 0 || conflicts != n-1 {
				t.Fatalf("round %d: statuses %v", round, status)
			}
			got := ccGet(t, e, apptest.PM, id)
			if want := fmt.Sprintf("并发修改 %d-%d", round, winner); got.Name != want || got.Version != p.Version+1 {
				t.Fatalf("round %d: stored %q v%d, want the winner's %q v%d", round, got.Name, got.Version, want, p.Version+1)
			}
			if d := ccAuditCount(t, e) - audits; d != 1 {
				t.Fatalf("round %d: %d audit rows for one successful edit", round, d)
			}
		}
	})
}

type ccTrashItem struct {
	Kind string `json:"kind"`
	ID   int64  `json:"id"`
}

func ccTrash(t *testing.T, e *apptest.Env, who apptest.Who) []ccTrashItem {
	t.Helper()
	r := e.Do(t, who, "GET", "/api/v1/trash", nil)
	if r.Status != 200 {
		t.Fatalf("trash as %s: %d %s", who, r.Status, r.Body)
	}
	var items []ccTrashItem
	r.JSON(t, &items)
	return items
}

func ccInTrash(items []ccTrashItem, id int64) bool {
	for _, it := range items {
		if it.Kind == "project" && it.ID == id {
			return true
		}
	}
	return false
}

func ccListed(t *testing.T, e *apptest.Env, who apptest.Who, id int64) bool {
	t.Helper()
	var page struct {
		Items []ccProject `json:"items"`
	}
	e.Do(t, who, "GET", "/api/v1/projects?status=", nil).JSON(t, &page)
	for _, p := range page.Items {
		if p.ID == id {
			return true
		}
	}
	return false
}

func TestSoftDeleteAndRestore(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		id := e.ProjectA.ID
		path := "/api/v1/projects/" + itoa(id)
		before := ccGet(t, e, apptest.PM, id)

		// Nobody but the PM (or an administrator) may delete.
		for _, who := range []apptest.Who{apptest.CustomerPM, apptest.Consultant, apptest.Finance} {
			if r := e.Do(t, who, "DELETE", path, nil); r.Status != 403 {
				t.Fatalf("%s deleting: %d", who, r.Status)
			}
		}
		if r := e.Do(t, apptest.OtherCust, "DELETE", path, nil); r.Status != 404 {
			t.Fatalf("other customer deleting: %d", r.Status)
		}
		if r := e.Do(t, apptest.PM, "DELETE", path, nil); r.Status != 204 {
			t.Fatalf("delete: %d %s", r.Status, r.Body)
		}
		// Gone for everyone, everywhere...
		for _, who := range []apptest.Who{apptest.PM, apptest.CustomerPM, apptest.Consultant} {
			for _, p := range []string{path, path + "/members", path + "/activity"} {
				if r := e.Do(t, who, "GET", p, nil); r.Status != 404 {
					t.Fatalf("%s GET %s after delete: %d", who, p, r.Status)
				}
			}
			if ccListed(t, e, who, id) {
				t.Fatalf("%s still lists the deleted project", who)
			}
		}
		if r := e.Do(t, apptest.PM, "PATCH", path, ccEdit(before, "删除后修改", before.Version+1)); r.Status != 404 {
			t.Fatalf("PATCH after delete: %d", r.Status)
		}
		if r := e.Do(t, apptest.PM, "GET", "/projects/"+itoa(id), nil); r.Status != 404 {
			t.Fatalf("page after delete: %d", r.Status)
		}
		if r := e.Do(t, apptest.PM, "DELETE", path, nil); r.Status != 404 {
			t.Fatalf("deleting twice: %d", r.Status)
		}
		// ...but only soft: the row is still there.
		var deleted *int64
		if err := e.App.DB.QueryRow(context.Background(), "SELECT deleted_ms FROM projects WHERE id = ?", id).Scan(&deleted); err != nil || deleted == nil {
			t.Fatalf("row after delete: %v %v", deleted, err)
		}

		// The trash: the PM and administrators see it; customers and other
		// vendor staff do not, and cannot restore it.
		if !ccInTrash(ccTrash(t, e, apptest.PM), id) || !ccInTrash(ccTrash(t, e, apptest.Admin), id) {
			t.Fatal("the PM or the administrator does not see the project in the trash")
		}
		for _, who := range []apptest.Who{apptest.CustomerPM, apptest.KeyUser, apptest.OtherCust, apptest.Consultant, apptest.Finance} {
			if ccInTrash(ccTrash(t, e, who), id) {
				t.Fatalf("%s sees the deleted project in the trash", who)
			}
			if r := e.Do(t, who, "POST", "/api/v1/trash/project/"+itoa(id)+"/restore", nil); r.Status != 404 {
				t.Fatalf("%s restoring from the trash: %d", who, r.Status)
			}
			if r := e.Do(t, who, "POST", path+"/restore", nil); r.Status != 404 {
				t.Fatalf("%s restoring: %d", who, r.Status)
			}
			if page := e.Do(t, who, "GET", "/trash", nil); page.Status != 200 || strings.Contains(page.Body, "甲项目") {
				t.Fatalf("%s trash page: %d", who, page.Status)
			}
		}
		if r := e.Do(t, apptest.Anonymous, "GET", "/api/v1/trash", nil); r.Status != 401 {
			t.Fatalf("anonymous trash: %d", r.Status)
		}
		if ccListed(t, e, apptest.PM, id) {
			t.Fatal("a refused restore brought the project back")
		}
		if page := e.Do(t, apptest.PM, "GET", "/trash", nil); page.Status != 200 || !strings.Contains(page.Body, "甲项目") {
			t.Fatalf("PM trash page: %d", page.Status)
		}

		// Restore through the trash: back, with everything it had.
		if r := e.Do(t, apptest.PM, "POST", "/api/v1/trash/project/"+itoa(id)+"/restore", nil); r.Status != 204 {
			t.Fatalf("restore: %d %s", r.Status, r.Body)
		}
		after := ccGet(t, e, apptest.PM, id)
		if after.Name != before.Name || after.Code != before.Code || *after.BudgetMinor != *before.BudgetMinor {
			t.Fatalf("restored %+v, was %+v", after, before)
		}
		if !ccListed(t, e, apptest.PM, id) || !ccListed(t, e, apptest.CustomerPM, id) || ccInTrash(ccTrash(t, e, apptest.PM), id) {
			t.Fatal("the restored project is not back in the lists")
		}
		if r := e.Do(t, apptest.CustomerPM, "GET", path+"/members", nil); r.Status != 200 || !strings.Contains(r.Body, "customer_pm@fixture.test") {
			t.Fatalf("members after restore: %d", r.Status)
		}
		// Restoring a live project is not found; so is restoring twice.
		if r := e.Do(t, apptest.PM, "POST", path+"/restore", nil); r.Status != 404 {
			t.Fatalf("restore of a live project: %d", r.Status)
		}
		// The project API's own restore answers with the project.
		if r := e.Do(t, apptest.PM, "DELETE", path, nil); r.Status != 204 {
			t.Fatalf("delete again: %d", r.Status)
		}
		r := e.Do(t, apptest.PM, "POST", path+"/restore", nil)
		if r.Status != 200 || !strings.Contains(r.Body, `"code":"PA"`) {
			t.Fatalf("restore through the project API: %d %s", r.Status, r.Body)
		}
	})
}

type ccAuditRow struct {
	Entity, Action string
	Before, After  map[string]any
	ActorID        *int64
	ProjectID      *int64
	RequestID      string
}

func ccLastAudit(t *testing.T, e *apptest.Env) ccAuditRow {
	t.Helper()
	var r ccAuditRow
	var before, after *string
	err := e.App.DB.QueryRow(context.Background(), `SELECT entity, action, before_json, after_json, actor_id, project_id, request_id FROM audit_log ORDER BY id DESC LIMIT 1`).
		Scan(&r.Entity, &r.Action, &before, &after, &r.ActorID, &r.ProjectID, &r.RequestID)
	if err != nil {
		t.Fatal(err)
	}
	if before != nil {
		if err := json.Unmarshal([]byte(*before), &r.Before); err != nil {
			t.Fatal(err)
		}
	}
	if after != nil {
		if err := json.Unmarshal([]byte(*after), &r.After); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func TestEveryChangeWritesOneAuditRow(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		id := e.ProjectA.ID
		path := "/api/v1/projects/" + itoa(id)
		pmID := e.Users[apptest.PM].ID
		outsider := e.Users[apptest.Outsider].ID
		var newID, memberID int64

		steps := []struct {
			name           string
			do             func() apptest.Response
			status         int
			entity, action string
			before, after  []string // members the before/after values must have ("" = must be absent)
		}{
			{"create", func() apptest.Response {
				r := e.Do(t, apptest.PM, "POST", "/api/v1/projects", map[string]any{"code": "AUD", "name": "审计项目", "customer_company_id": e.CompanyA.ID, "product": "CRM", "budget_minor": 500})
				var p ccProject
				if r.Status == 201 {
					r.JSON(t, &p)
					newID = p.ID
				}
				return r
			}, 201, "project", "create", nil, []string{"name", "code", "budget_minor"}},
			{"update", func() apptest.Response {
				p := ccGet(t, e, apptest.PM, id)
				m := ccEdit(p, "甲项目（二期）", p.Version)
				m["budget_minor"] = 222222222
				return e.Do(t, apptest.PM, "PATCH", path, m)
			}, 200, "project", "update", []string{"name", "budget_minor"}, []string{"name", "budget_minor"}},
			{"archive", func() apptest.Response {
				return e.Do(t, apptest.PM, "POST", path+"/archive", map[string]any{"archived": true})
			}, 200, "project", "archive", []string{"status"}, []string{"status"}},
			{"unarchive", func() apptest.Response {
				return e.Do(t, apptest.PM, "POST", path+"/archive", map[string]any{"archived": false})
			}, 200, "project", "unarchive", []string{"status"}, []string{"status"}},
			{"member add", func() apptest.Response {
				r := e.Do(t, apptest.PM, "POST", path+"/members", map[string]any{"user_id": outsider, "role": "developer"})
				var m struct {
					ID int64 `json:"id"`
				}
				if r.Status == 201 {
					r.JSON(t, &m)
					memberID = m.ID
				}
				return r
			}, 201, "member", "create", nil, []string{"user_id", "role"}},
			{"member remove", func() apptest.Response {
				return e.Do(t, apptest.PM, "DELETE", path+"/members/"+itoa(memberID), nil)
			}, 204, "member", "delete", []string{"user_id", "role"}, nil},
			{"delete", func() apptest.Response {
				return e.Do(t, apptest.PM, "DELETE", "/api/v1/projects/"+itoa(newID), nil)
			}, 204, "project", "delete", []string{"name"}, nil},
			{"restore", func() apptest.Response {
				return e.Do(t, apptest.PM, "POST", "/api/v1/trash/project/"+itoa(newID)+"/restore", nil)
			}, 204, "project", "restore", nil, []string{"name"}},
		}
		for _, s := range steps {
			n := ccAuditCount(t, e)
			r := s.do()
			if r.Status != s.status {
				t.Fatalf("%s: %d %s", s.name, r.Status, r.Body)
			}
			if d := ccAuditCount(t, e) - n; d != 1 {
				t.Fatalf("%s wrote %d audit rows, want 1", s.name, d)
			}
			row := ccLastAudit(t, e)
			if row.Entity != s.entity || row.Action != s.action {
				t.Fatalf("%s: audit row %s/%s", s.name, row.Entity, row.Action)
			}
			if row.ActorID == nil || *row.ActorID != pmID || row.ProjectID == nil || row.RequestID == "" {
				t.Fatalf("%s: actor %v project %v request %q", s.name, row.ActorID, row.ProjectID, row.RequestID)
			}
			for side, want := range map[string][]string{"before": s.before, "after": s.after} {
				got := row.Before
				if side == "after" {
					got = row.After
				}
				if len(want) == 0 && got != nil {
					t.Errorf("%s: %s should be empty: %v", s.name, side, got)
				}
				for _, k := range want {
					if _, ok := got[k]; !ok {
						t.Errorf("%s: %s lacks %q: %v", s.name, side, k, got)
					}
				}
			}
			if s.name == "update" && (row.Before["name"] == row.After["name"] || row.After["budget_minor"] != float64(222222222)) {
				t.Errorf("update: before %v after %v", row.Before, row.After)
			}
		}

		// Doing nothing writes nothing: archiving what is not archived twice.
		n := ccAuditCount(t, e)
		if r := e.Do(t, apptest.PM, "POST", path+"/archive", map[string]any{"archived": false}); r.Status != 200 {
			t.Fatalf("no-op unarchive: %d", r.Status)
		}
		if d := ccAuditCount(t, e) - n; d != 0 {
			t.Fatalf("a no-op wrote %d audit rows", d)
		}

		// The activity timeline: members see these rows; only those with
		// CostView see the budget.
		type timeline struct {
			Items []struct {
				Entity  string         `json:"entity"`
				Action  string         `json:"action"`
				Before  map[string]any `json:"before"`
				After   map[string]any `json:"after"`
				Changes []struct {
					Field string `json:"field"`
				} `json:"changes"`
			} `json:"items"`
			Total int `json:"total"`
		}
		for _, who := range []apptest.Who{apptest.PM, apptest.Finance, apptest.Consultant, apptest.Developer, apptest.CustomerPM, apptest.KeyUser, apptest.Executive, apptest.Admin} {
			r := e.Do(t, who, "GET", path+"/activity", nil)
			if r.Status != 200 {
				t.Fatalf("%s activity: %d", who, r.Status)
			}
			var tl timeline
			r.JSON(t, &tl)
			seen := map[string]bool{}
			for _, it := range tl.Items {
				seen[it.Entity+"/"+it.Action] = true
			}
			for _, want := range []string{"project/update", "project/archive", "project/unarchive", "member/create", "member/delete"} {
				if !seen[want] {
					t.Errorf("%s's timeline lacks %s: %v", who, want, seen)
				}
			}
			seesCost := who == apptest.PM || who == apptest.Finance || who == apptest.Admin
			hasBudget := strings.Contains(r.Body, "budget_minor") || strings.Contains(r.Body, "222222222") || strings.Contains(r.Body, "123456789")
			if seesCost != hasBudget {
				t.Errorf("%s: sees cost %v, budget in the timeline %v: %.400s", who, seesCost, hasBudget, r.Body)
			}
		}
		// The page version of the timeline hides the budget from customers too.
		for _, f := range ccBudgetStrings() {
			if page := e.Do(t, apptest.CustomerPM, "GET", "/projects/"+itoa(id)+"/activity", nil); page.Status != 200 || strings.Contains(page.Body, f) {
				t.Fatalf("customer activity page: %d, contains %q: %v", page.Status, f, strings.Contains(page.Body, f))
			}
		}
		for _, who := range []apptest.Who{apptest.OtherCust, apptest.Outsider} {
			if r := e.Do(t, who, "GET", path+"/activity", nil); r.Status != 404 {
				t.Fatalf("%s activity of project A: %d", who, r.Status)
			}
		}

		// The whole log: administrators only.
		r := e.Do(t, apptest.Admin, "GET", "/api/v1/audit?project_id="+itoa(id), nil)
		if r.Status != 200 || !strings.Contains(r.Body, `"action":"archive"`) || !strings.Contains(r.Body, "222222222") {
			t.Fatalf("admin audit: %d %.300s", r.Status, r.Body)
		}
		for _, who := range []apptest.Who{apptest.PM, apptest.Finance, apptest.Consultant, apptest.CustomerPM, apptest.OtherCust} {
			if r := e.Do(t, who, "GET", "/api/v1/audit", nil); r.Status != 404 {
				t.Fatalf("%s reading the audit log: %d", who, r.Status)
			}
			if r := e.Do(t, who, "GET", "/admin/audit", nil); r.Status != 404 {
				t.Fatalf("%s reading the audit page: %d", who, r.Status)
			}
		}
		if r := e.Do(t, apptest.Anonymous, "GET", "/api/v1/audit", nil); r.Status != 401 {
			t.Fatalf("anonymous audit: %d", r.Status)
		}
	})
}

// ccBudgetStrings is every printed form of the budgets used above.
func ccBudgetStrings() []string {
	return []string{"222222222", "2,222,222.22", "2222222.22", "2.22222222e", "123456789", "1,234,567.89"}
}

// A change and its audit row commit together: when the audit row cannot be
// written, the change is rolled back too.
func TestChangeAndAuditRowCommitTogether(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		id := e.ProjectA.ID
		path := "/api/v1/projects/" + itoa(id)
		p := ccGet(t, e, apptest.PM, id)
		before := biSnapshot(t, e)

		if _, err := e.App.DB.Exec(ctx, `ALTER TABLE audit_log RENAME TO audit_log_away`); err != nil {
			t.Fatal(err)
		}
		broken := []struct {
			name string
			do   func() apptest.Response
		}{
			{"create", func() apptest.Response {
				return e.Do(t, apptest.PM, "POST", "/api/v1/projects", map[string]any{"code": "NOAUDIT", "name": "无审计", "customer_company_id": e.CompanyA.ID, "product": "ERP"})
			}},
			{"update", func() apptest.Response {
				return e.Do(t, apptest.PM, "PATCH", path, ccEdit(p, "无审计的修改", p.Version))
			}},
			{"archive", func() apptest.Response {
				return e.Do(t, apptest.PM, "POST", path+"/archive", map[string]any{"archived": true})
			}},
			{"member", func() apptest.Response {
				return e.Do(t, apptest.PM, "POST", path+"/members", map[string]any{"user_id": e.Users[apptest.Outsider].ID, "role": "developer"})
			}},
			{"delete", func() apptest.Response { return e.Do(t, apptest.PM, "DELETE", path, nil) }},
		}
		for _, b := range broken {
			if r := b.do(); r.Status != 500 || !strings.Contains(r.Body, `"code":"internal"`) {
				t.Errorf("%s without an audit table: %d %s", b.name, r.Status, r.Body)
			}
		}
		if _, err := e.App.DB.Exec(ctx, `ALTER TABLE audit_log_away RENAME TO audit_log`); err != nil {
			t.Fatal(err)
		}
		if after := biSnapshot(t, e); after != before {
			t.Fatalf("changes without their audit rows were kept:\n before %s\n after  %s", before, after)
		}
		// The same version still applies: nothing was half written.
		if r := e.Do(t, apptest.PM, "PATCH", path, ccEdit(p, "有审计的修改", p.Version)); r.Status != 200 {
			t.Fatalf("update after repair: %d %s", r.Status, r.Body)
		}
	})
}
