package app_test

// Rows of the MS Project XML import: the same callers as the Excel import
// (those who create and edit tasks); customers and finance never.

func init() { authzModuleRows = append(authzModuleRows, authzMSPDIRows) }

func authzMSPDIRows() []authzRow {
	return []authzRow{
		// anon  oc   ku   ex   cpm  dev  con  fin  pm   admin
		// An unknown upload token: permitted callers get the "expired" page.
		{pattern: "POST /projects/{id}/plan/import/mspdi", path: "/projects/{A}/plan/import/mspdi", body: authzForm("token=0"), want: authzWant{303, 404, 403, 403, 403, 400, 400, 403, 400, 400}},
	}
}
