package app_test

import (
	"strings"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/db"
)

// The core promise: a customer sees only their own company's projects, and
// never a cost figure.
func TestCustomerSeesOnlyOwnProjectWithoutCost(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		r := e.Do(t, apptest.CustomerPM, "GET", "/api/v1/projects", nil)
		if r.Status != 200 {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		var page struct {
			Items []map[string]any `json:"items"`
			Total int              `json:"total"`
		}
		r.JSON(t, &page)
		if page.Total != 1 || len(page.Items) != 1 || page.Items[0]["code"] != "PA" {
			t.Fatalf("customer A sees %+v", page)
		}
		if strings.Contains(r.Body, "budget") || strings.Contains(r.Body, "123456789") {
			t.Fatalf("cost leaked to customer: %s", r.Body)
		}
		if r := e.Do(t, apptest.OtherCust, "GET", "/api/v1/projects/"+itoa(e.ProjectA.ID), nil); r.Status != 404 {
			t.Fatalf("other customer got %d for project A", r.Status)
		}
		html := e.Do(t, apptest.CustomerPM, "GET", "/projects", nil)
		if html.Status != 200 || !strings.Contains(html.Body, "甲项目") || strings.Contains(html.Body, "乙项目") {
			t.Fatalf("project list page for customer: %d", html.Status)
		}
		pm := e.Do(t, apptest.PM, "GET", "/api/v1/projects/"+itoa(e.ProjectA.ID), nil)
		if !strings.Contains(pm.Body, `"budget_minor":123456789`) {
			t.Fatalf("PM should see the budget: %s", pm.Body)
		}
	})
}

// The user directory carries customers' e-mails: only administrators and
// PMs (who add people to projects) browse all of it.
func TestUserDirectoryIsNotEveryonesToBrowse(t *testing.T) {
	e := apptest.New(t, db.SQLite)
	for who, wantCustomers := range map[apptest.Who]bool{apptest.Developer: false, apptest.Consultant: false, apptest.PM: true, apptest.Admin: true} {
		r := e.Do(t, who, "GET", "/api/v1/users", nil)
		if r.Status != 200 {
			t.Fatalf("%s: %d", who, r.Status)
		}
		if got := strings.Contains(r.Body, "@fixture.test") && strings.Contains(r.Body, string(apptest.KeyUser)+"@"); got != wantCustomers {
			t.Errorf("%s sees customer accounts = %v, want %v", who, got, wantCustomers)
		}
	}
	r := e.Do(t, apptest.KeyUser, "GET", "/api/v1/users", nil)
	if strings.Contains(r.Body, string(apptest.OtherCust)) || strings.Contains(r.Body, `"email":"pm@`) {
		t.Errorf("a customer sees accounts outside their company: %s", r.Body)
	}
}

// An edit appears on the timeline with money shown as money, and only to
// those who may see it.
func TestTimelineShowsEditsReadably(t *testing.T) {
	e := apptest.New(t, db.SQLite)
	in := map[string]any{"code": "PA", "name": "甲项目二期", "customer_company_id": e.CompanyA.ID, "product": "MES",
		"start_date": "2026-01-05", "golive_date": "2026-06-30", "budget_minor": 150000000, "version": e.ProjectA.Version}
	if r := e.Do(t, apptest.PM, "PATCH", "/api/v1/projects/"+itoa(e.ProjectA.ID), in); r.Status != 200 {
		t.Fatalf("update: %d %s", r.Status, r.Body)
	}
	pm := e.Do(t, apptest.PM, "GET", "/projects/"+itoa(e.ProjectA.ID)+"/activity", nil)
	for _, want := range []string{"修改了 项目", "甲项目 → 甲项目二期", "¥1,234,567.89 → ¥1,500,000.00"} {
		if !strings.Contains(pm.Body, want) {
			t.Errorf("PM timeline lacks %q", want)
		}
	}
	cust := e.Do(t, apptest.CustomerPM, "GET", "/projects/"+itoa(e.ProjectA.ID)+"/activity", nil)
	if !strings.Contains(cust.Body, "甲项目 → 甲项目二期") || strings.Contains(cust.Body, "1,500,000") || strings.Contains(cust.Body, "预算") {
		t.Errorf("customer timeline wrong (must show the rename, never the budget)")
	}
}
