package app_test

import (
	"strings"
	"testing"

	"golive/internal/app/apptest"
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
