package app_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"golive/internal/app/apptest"
	"golive/internal/methodology"
)

func TestMethodologyHealthAndPortfolio(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		a := itoa(e.ProjectA.ID)
		base := "/api/v1/projects/" + a + "/health"
		var h methodology.Health
		e.Do(t, apptest.KeyUser, "GET", base, nil).JSON(t, &h)
		if h.Effective != "green" || len(h.Reasons) != 0 {
			t.Fatalf("empty project health %+v", h)
		}
		// Dates are China's calendar days (the service counts lateness in
		// +08:00), so a test run in the UTC evening must not use UTC's today.
		now := time.Now().In(time.FixedZone("CST", 8*3600))
		// A customer-visible milestone two days late: amber, named.
		late := now.AddDate(0, 0, -2).Format("2006-01-02")
		mWant(t, e.Do(t, apptest.PM, "POST", "/api/v1/projects/"+a+"/milestones", map[string]any{"name": "蓝图确认", "due_date": late, "customer_visible": true}), 201)
		r := e.Do(t, apptest.KeyUser, "GET", base, nil)
		mWant(t, r, 200, `"effective":"amber"`, "里程碑「蓝图确认」", "已逾期 2 天")
		// An internal milestone ten days late: red; customers are told only that an internal one is late.
		mWant(t, e.Do(t, apptest.PM, "POST", "/api/v1/projects/"+a+"/milestones", map[string]any{"name": "内部代码评审", "due_date": now.AddDate(0, 0, -10).Format("2006-01-02")}), 201)
		mWant(t, e.Do(t, apptest.PM, "GET", base, nil), 200, `"effective":"red"`, "内部代码评审")
		r = e.Do(t, apptest.KeyUser, "GET", base, nil)
		mWant(t, r, 200, "1 个内部里程碑已逾期")
		mNot(t, r, "内部代码评审")

		// Blockers and critical-path slippage come from the plan.
		mApply(t, e, e.ProjectB.ID, now.AddDate(0, -2, 0).Format("2006-01-02"), "")
		if _, err := e.App.DB.Exec(ctx, `UPDATE tasks SET labels = 'blocker,数据' WHERE project_id = ? AND number IN (1, 2, 3)`, e.ProjectB.ID); err != nil {
			t.Fatal(err)
		}
		var hb methodology.Health
		e.Do(t, apptest.PM, "GET", "/api/v1/projects/"+itoa(e.ProjectB.ID)+"/health", nil).JSON(t, &hb)
		if hb.Computed != "red" {
			t.Errorf("B health %+v", hb)
		}
		codes := map[string]bool{}
		for _, rs := range hb.Reasons {
			codes[rs.Code] = true
		}
		if !codes["meth.health.blockers"] || !codes["meth.health.critical_overdue"] {
			t.Errorf("B reasons %+v", hb.Reasons)
		}

		// The PM overrides with a comment; the override shows as one, the comment to the vendor only.
		mWant(t, e.Do(t, apptest.PM, "PUT", base, map[string]any{"override": "amber"}), 400, `"comment"`)
		mWant(t, e.Do(t, apptest.PM, "PUT", base, map[string]any{"override": "purple", "comment": "x"}), 400, `"override"`)
		mWant(t, e.Do(t, apptest.Consultant, "PUT", base, map[string]any{"override": "green", "comment": "x"}), 403)
		const why = "客户已书面确认延期-内部说明HV8"
		r = e.Do(t, apptest.PM, "PUT", base, map[string]any{"override": "amber", "comment": why})
		mWant(t, r, 200, `"effective":"amber"`, `"computed":"red"`, `"override":"amber"`, why)
		r = e.Do(t, apptest.KeyUser, "GET", base, nil)
		mWant(t, r, 200, `"override":"amber"`)
		mNot(t, r, why)
		mNot(t, e.Do(t, apptest.KeyUser, "GET", "/projects/"+a+"/activity", nil), why)
		r = e.Do(t, apptest.KeyUser, "GET", "/projects/"+a+"/phases", nil)
		mWant(t, r, 200, "人工判定")
		mNot(t, r, why)
		mWant(t, e.Do(t, apptest.PM, "GET", "/projects/"+a+"/phases", nil), 200, why)
		// The overview says so.
		mWant(t, e.Do(t, apptest.KeyUser, "GET", "/projects/"+a, nil), 200, "项目经理人工判定")
		// Clearing through the page.
		mWant(t, e.Do(t, apptest.PM, "POST", "/projects/"+a+"/health", url.Values{"clear": {"1"}}.Encode()), 303)
		mWant(t, e.Do(t, apptest.PM, "GET", base, nil), 200, `"override":""`, `"effective":"red"`)

		// Portfolio: every visible project, filters, export.
		var items []methodology.PortfolioItem
		e.Do(t, apptest.PM, "GET", "/api/v1/portfolio", nil).JSON(t, &items)
		if len(items) != 2 {
			t.Fatalf("PM portfolio: %+v", items)
		}
		for _, it := range items {
			if it.ID == e.ProjectB.ID && (it.Phase == "" || it.Health.TasksTotal != 48 || it.NextMilestone == "") {
				t.Errorf("B in portfolio: %+v", it)
			}
		}
		e.Do(t, apptest.KeyUser, "GET", "/api/v1/portfolio", nil).JSON(t, &items)
		if len(items) != 1 || items[0].ID != e.ProjectA.ID {
			t.Errorf("key user portfolio: %+v", items)
		}
		e.Do(t, apptest.PM, "GET", "/api/v1/portfolio?health=green", nil).JSON(t, &items)
		if len(items) != 0 {
			t.Errorf("green filter: %+v", items)
		}
		mWant(t, e.Do(t, apptest.PM, "GET", "/api/v1/portfolio?health=purple", nil), 400, `"health"`)
		r = e.Do(t, apptest.PM, "GET", "/portfolio", nil)
		mWant(t, r, 200, `id="golive-timeline"`, e.ProjectA.Name, e.ProjectB.Name, "关键路径")
		r = e.Do(t, apptest.OtherCust, "GET", "/portfolio", nil)
		mWant(t, r, 200, e.ProjectB.Name)
		mNot(t, r, e.ProjectA.Name)
		mWant(t, e.Do(t, apptest.PM, "GET", "/portfolio.xlsx?health=red", nil), 200)
	})
}
