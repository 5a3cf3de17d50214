package app_test

// Rows of the plan's Excel round-trip: only callers who create and edit
// tasks get the plan sheet (it holds internal tasks) or import; customers
// and finance never.

func init() { authzModuleRows = append(authzModuleRows, authzPlanXLSXRows) }

func authzPlanXLSXRows() []authzRow {
	p := authzWorkPrep
	return []authzRow{
		// anon  oc   ku   ex   cpm  dev  con  fin  pm   admin
		{pattern: "GET /projects/{id}/plan/import", path: "/projects/{A}/plan/import", want: authzWant{303, 404, 403, 403, 403, 200, 200, 403, 200, 200}},
		// An unknown upload token: permitted callers get the "expired" page.
		{pattern: "POST /projects/{id}/plan/import", path: "/projects/{A}/plan/import", body: authzForm("token=0"), want: authzWant{303, 404, 403, 403, 403, 400, 400, 403, 400, 400}},
		{pattern: "GET /projects/{id}/plan.xlsx", path: "/projects/{A}/plan.xlsx", prep: p, want: authzWant{303, 404, 403, 403, 403, 200, 200, 403, 200, 200}},
	}
}
