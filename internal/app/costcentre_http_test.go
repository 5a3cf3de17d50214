package app_test

import (
	"strconv"
	"strings"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/costcentre"
)

// The cost centre over HTTP: bad input is a 4xx naming the field in the
// user's language, a stale save is 409, and the JSON carries the figures
// with undefined ratios marked (ok false) rather than a number.
func TestCostCentreHTTP(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := strconv.FormatInt(e.ProjectA.ID, 10)
		r := e.Do(t, apptest.PM, "POST", "/projects/"+a+"/costcentre/settings", "cpi_threshold_pct=abc&ahead_points=10&version=0")
		if r.Status != 400 || !strings.Contains(r.Body, "CPI 预警阈值应在 50 到 100 之间") {
			t.Errorf("bad threshold: %d %s", r.Status, clipBody(r.Body))
		}
		r = e.Do(t, apptest.PM, "PUT", "/api/v1/projects/"+a+"/costcentre/settings", costcentre.SettingsInput{CPIThresholdPct: 85, AheadPoints: 60})
		if r.Status != 400 || !strings.Contains(r.Body, "ahead_points") {
			t.Errorf("bad ahead points: %d %s", r.Status, clipBody(r.Body))
		}
		if r = e.Do(t, apptest.PM, "PUT", "/api/v1/projects/"+a+"/costcentre/settings", costcentre.SettingsInput{CPIThresholdPct: 85, AheadPoints: 12}); r.Status != 200 {
			t.Fatalf("save: %d %s", r.Status, clipBody(r.Body))
		}
		if r = e.Do(t, apptest.PM, "PUT", "/api/v1/projects/"+a+"/costcentre/settings", costcentre.SettingsInput{CPIThresholdPct: 80, AheadPoints: 12}); r.Status != 409 {
			t.Errorf("stale save: %d", r.Status)
		}
		r = e.Do(t, apptest.Finance, "GET", "/api/v1/projects/"+a+"/costcentre", nil)
		var d costcentre.Dashboard
		r.JSON(t, &d)
		if d.BudgetMinor != 123456789 || d.Money.BAC != 123456789 || d.Money.CPI.OK || d.Settings.CPIThresholdPct != 85 || d.Settings.Version != 1 {
			t.Errorf("dashboard JSON: %+v", d)
		}
		if !strings.Contains(r.Body, `"cpi":{"value":0,"ok":false}`) {
			t.Errorf("undefined CPI not marked: %s", clipBody(r.Body))
		}
		if r = e.Do(t, apptest.Finance, "GET", "/finance?status=closed", nil); r.Status != 400 || !strings.Contains(r.Body, "状态只能是进行中或已归档") {
			t.Errorf("bad status filter: %d", r.Status)
		}
		if r = e.Do(t, apptest.Finance, "GET", "/api/v1/finance/portfolio?sort=nonsense&q=PA", nil); r.Status != 200 || !strings.Contains(r.Body, `"code":"PA"`) {
			t.Errorf("unknown sort falls back: %d %s", r.Status, clipBody(r.Body))
		}
	})
}

func clipBody(s string) string {
	if len(s) > 300 {
		return s[:300]
	}
	return s
}
