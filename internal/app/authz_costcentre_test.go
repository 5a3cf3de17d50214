package app_test

import (
	"net/url"
	"strconv"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/costcentre"
)

// The cost centre's rows of the authorization matrix. Every figure is a
// cost figure: vendor PM, finance and administrators read it (and find
// project A's budget in the body, so the leak check on everyone else is
// not vacuous); developers and consultants are refused (403), customers
// of A too, another company's customer gets 404, anonymous callers the
// login page or 401. Only the PM (and administrators) change the alert
// thresholds. The portfolio view exists only for vendor accounts.

func init() {
	authzModuleRows = append(authzModuleRows, authzCostCentreRows)
}

// authzCCVersion is the current version of A's alert settings.
func authzCCVersion(t *testing.T, x *authzFix) int64 {
	d, err := x.e.App.CostCentre.Dashboard(x.ctx, x.p(apptest.Admin), x.e.ProjectA.ID)
	if err != nil {
		t.Fatal(err)
	}
	return d.Settings.Version
}

func authzCostCentreRows() []authzRow {
	form := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"cpi_threshold_pct": {"85"}, "ahead_points": {"12"}, "version": {strconv.FormatInt(authzCCVersion(t, x), 10)}}.Encode()
	}
	js := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return costcentre.SettingsInput{CPIThresholdPct: 85, AheadPoints: 12, Version: authzCCVersion(t, x)}
	}
	return []authzRow{
		//                                                                                                    anon  oc   ku   ex   cpm  dev  con  fin  pm   admin
		{pattern: "GET /projects/{id}/costcentre", path: "/projects/{A}/costcentre", want: authzWant{303, 404, 403, 403, 403, 403, 403, 200, 200, 200}, cost: true},
		{pattern: "GET /projects/{id}/costcentre.xlsx", path: "/projects/{A}/costcentre.xlsx", want: authzWant{303, 404, 403, 403, 403, 403, 403, 200, 200, 200}},
		{pattern: "POST /projects/{id}/costcentre/settings", path: "/projects/{A}/costcentre/settings", body: form, want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "GET /finance", path: "/finance", want: authzWant{303, 404, 404, 404, 404, 403, 403, 200, 200, 200}, cost: true},
		{pattern: "GET /finance.xlsx", path: "/finance.xlsx", want: authzWant{303, 404, 404, 404, 404, 403, 403, 200, 200, 200}},

		{pattern: "GET /api/v1/projects/{id}/costcentre", path: "/api/v1/projects/{A}/costcentre", want: authzWant{401, 404, 403, 403, 403, 403, 403, 200, 200, 200}, cost: true},
		{pattern: "PUT /api/v1/projects/{id}/costcentre/settings", path: "/api/v1/projects/{A}/costcentre/settings", body: js, want: authzWant{401, 404, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "GET /api/v1/finance/portfolio", path: "/api/v1/finance/portfolio", want: authzWant{401, 404, 404, 404, 404, 403, 403, 200, 200, 200}, cost: true},
	}
}
