package app_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/project"
)

// The authorization matrix: every registered route (HTML, API and the
// operational handlers) × every fixture caller → the expected status.
// The expectations are derived from internal/access (roles × actions) and
// the services, not recorded from the code:
//
//   - pages redirect an anonymous caller to /login (303); the API answers 401;
//   - what a caller may not see is 404 (another company's project, the
//     administration for non-administrators, a trashed project for anyone
//     without delete rights on it);
//   - what a caller sees but may not change is 403 (a customer or a vendor
//     member other than the PM editing project A).
//
// Project A (customer company A) has every fixture but other_customer and
// outsider as a member; admin is not a member but administers everything.
// A route registered without a row here fails TestAuthzMatrix.

// authzWant holds one status per caller, in apptest.Everyone order:
// anonymous, other_customer, key_user, executive, customer_pm, developer,
// consultant, finance, pm, admin.
type authzWant [10]int

type authzRow struct {
	pattern string // as registered: rt.Pattern()
	path    string // concrete path; placeholders are expanded per caller (see authzFix.expand)
	body    func(t *testing.T, x *authzFix, who apptest.Who) any
	want    authzWant
	// prep runs before each caller's request (e.g. put A in the trash).
	prep func(t *testing.T, x *authzFix, who apptest.Who)
	// cost: callers with CostView must find A's budget in their 200
	// (proves the must-not-contain check on the others is not vacuous).
	cost bool
	// internal: vendor members must find the internal timeline entry.
	internal bool
}

func authzForm(s string) func(*testing.T, *authzFix, apptest.Who) any {
	return func(*testing.T, *authzFix, apptest.Who) any { return s }
}

func authzJSON(v any) func(*testing.T, *authzFix, apptest.Who) any {
	return func(*testing.T, *authzFix, apptest.Who) any { return v }
}

func authzPrepDeleted(t *testing.T, x *authzFix, who apptest.Who) { x.ensureDeleted(t, who) }

// authzModuleRows holds the rows of each module's routes; a module's test
// file adds its function in init(), so modules never edit this file.
var authzModuleRows []func() []authzRow

func authzRows() []authzRow {
	rows := authzPlatformRows()
	for _, f := range authzModuleRows {
		rows = append(rows, f()...)
	}
	return rows
}

func authzPlatformRows() []authzRow {
	return []authzRow{
		// Operations: public for everyone, logged in or not.
		//                                                                         anon  oc   ku   ex   cpm  dev  con  fin  pm   admin
		{pattern: "GET /static/", path: "/static/app.css", want: authzWant{200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /healthz", path: "/healthz", want: authzWant{200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /readyz", path: "/readyz", want: authzWant{200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /metrics", path: "/metrics", want: authzWant{200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /api/v1/openapi.json", path: "/api/v1/openapi.json", want: authzWant{200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},

		// Session and account pages.
		{pattern: "GET /{$}", path: "/", want: authzWant{303, 303, 303, 303, 303, 303, 303, 303, 303, 303}},
		{pattern: "GET /login", path: "/login", want: authzWant{200, 303, 303, 303, 303, 303, 303, 303, 303, 303}},
		{pattern: "POST /login", path: "/login", want: authzWant{303, 303, 303, 303, 303, 303, 303, 303, 303, 303},
			body: func(_ *testing.T, x *authzFix, who apptest.Who) any { return x.loginForm(who) }},
		{pattern: "POST /logout", path: "/logout", want: authzWant{303, 303, 303, 303, 303, 303, 303, 303, 303, 303}},
		{pattern: "POST /lang", path: "/lang", body: authzForm("lang=zh-CN&next=/projects"), want: authzWant{303, 303, 303, 303, 303, 303, 303, 303, 303, 303}},
		{pattern: "GET /settings", path: "/settings", want: authzWant{303, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
		// Everyone may change their own password (same password: sessions end, heal logs in again).
		{pattern: "POST /settings/password", path: "/settings/password", want: authzWant{303, 303, 303, 303, 303, 303, 303, 303, 303, 303},
			body: authzForm(url.Values{"current_password": {apptest.Password}, "new_password": {apptest.Password}}.Encode())},
		{pattern: "POST /settings/tokens", path: "/settings/tokens", body: authzForm("name=authz"), want: authzWant{303, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /settings/tokens/{id}/revoke", path: "/settings/tokens/{tok}/revoke", want: authzWant{303, 303, 303, 303, 303, 303, 303, 303, 303, 303}},

		// Administration: administrators only; for anyone else it does not exist.
		{pattern: "GET /admin/users", path: "/admin/users", want: authzWant{303, 404, 404, 404, 404, 404, 404, 404, 404, 200}},
		{pattern: "POST /admin/users", path: "/admin/users", want: authzWant{303, 404, 404, 404, 404, 404, 404, 404, 404, 200},
			body: func(_ *testing.T, x *authzFix, who apptest.Who) any {
				return url.Values{"email": {"new" + strconv.Itoa(x.next()) + "@fixture.test"}, "name": {"新同事"}, "company_id": {itoa(x.vendorID)}, "role": {"consultant"}}.Encode()
			}},
		// Reset and lock target a fresh account per request ({victim}).
		{pattern: "POST /admin/users/{id}/reset", path: "/admin/users/{victim}/reset", want: authzWant{303, 404, 404, 404, 404, 404, 404, 404, 404, 200}},
		{pattern: "POST /admin/users/{id}/disabled", path: "/admin/users/{victim}/disabled", body: authzForm("disabled=false"), want: authzWant{303, 404, 404, 404, 404, 404, 404, 404, 404, 303}},
		{pattern: "GET /admin/companies", path: "/admin/companies", want: authzWant{303, 404, 404, 404, 404, 404, 404, 404, 404, 200}},
		{pattern: "POST /admin/companies", path: "/admin/companies", want: authzWant{303, 404, 404, 404, 404, 404, 404, 404, 404, 303},
			body: func(_ *testing.T, x *authzFix, who apptest.Who) any { return "name=新客户" + strconv.Itoa(x.next()) }},
		{pattern: "GET /admin/audit", path: "/admin/audit", want: authzWant{303, 404, 404, 404, 404, 404, 404, 404, 404, 200}},
		{pattern: "GET /admin/audit.xlsx", path: "/admin/audit.xlsx", want: authzWant{303, 404, 404, 404, 404, 404, 404, 404, 404, 200}},

		// Projects.
		//                                                                         anon  oc   ku   ex   cpm  dev  con  fin  pm   admin
		{pattern: "GET /projects", path: "/projects", want: authzWant{303, 200, 200, 200, 200, 200, 200, 200, 200, 200}, cost: true},
		{pattern: "GET /projects.xlsx", path: "/projects.xlsx", want: authzWant{303, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /projects/new", path: "/projects/new", want: authzWant{303, 403, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "POST /projects", path: "/projects", want: authzWant{303, 403, 403, 403, 403, 403, 403, 403, 303, 303},
			body: func(_ *testing.T, x *authzFix, _ apptest.Who) any { return x.newProjectForm() }},
		{pattern: "GET /projects/{id}", path: "/projects/{A}", want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}, cost: true},
		{pattern: "GET /projects/{id}/edit", path: "/projects/{A}/edit", want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 200, 200}, cost: true},
		{pattern: "POST /projects/{id}/edit", path: "/projects/{A}/edit", want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 303},
			body: func(t *testing.T, x *authzFix, _ apptest.Who) any { return x.projectForm(t, x.e.ProjectA.ID) }},
		{pattern: "POST /projects/{id}/archive", path: "/projects/{A}/archive", body: authzForm("archived=true"), want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "POST /projects/{id}/delete", path: "/projects/{A}/delete", want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "GET /projects/{id}/members", path: "/projects/{A}/members", want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /projects/{id}/members", path: "/projects/{A}/members", want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 303},
			body: func(_ *testing.T, x *authzFix, _ apptest.Who) any {
				return url.Values{"user_id": {itoa(x.e.Users[apptest.Outsider].ID)}, "role": {"consultant"}}.Encode()
			}},
		{pattern: "POST /projects/{id}/members/{mid}/delete", path: "/projects/{A}/members/{mid}/delete", want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "GET /projects/{id}/activity", path: "/projects/{A}/activity", want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}, internal: true},

		// Trash: everyone has one (customers' is empty); restoring needs delete
		// rights on the item, and a trashed item is invisible to everyone else.
		{pattern: "GET /trash", path: "/trash", want: authzWant{303, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /trash/{kind}/{id}/restore", path: "/trash/project/{A}/restore", prep: authzPrepDeleted, want: authzWant{303, 404, 404, 404, 404, 404, 404, 404, 303, 303}},

		// REST API: the same rules, 401 instead of the login redirect.
		//                                                                         anon  oc   ku   ex   cpm  dev  con  fin  pm   admin
		{pattern: "GET /api/v1/me", path: "/api/v1/me", want: authzWant{401, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /api/v1/companies", path: "/api/v1/companies", want: authzWant{401, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/companies", path: "/api/v1/companies", want: authzWant{401, 404, 404, 404, 404, 404, 404, 404, 404, 201},
			body: func(_ *testing.T, x *authzFix, _ apptest.Who) any {
				return map[string]any{"name": "接口客户" + strconv.Itoa(x.next()), "kind": "customer"}
			}},
		{pattern: "GET /api/v1/users", path: "/api/v1/users", want: authzWant{401, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/users", path: "/api/v1/users", want: authzWant{401, 404, 404, 404, 404, 404, 404, 404, 404, 201},
			body: func(_ *testing.T, x *authzFix, _ apptest.Who) any {
				return map[string]any{"email": "api" + strconv.Itoa(x.next()) + "@fixture.test", "name": "接口同事", "company_id": x.vendorID,
					"role": "developer", "password": "another-password-1"}
			}},
		{pattern: "POST /api/v1/users/{id}/reset-password", path: "/api/v1/users/{victim}/reset-password", want: authzWant{401, 404, 404, 404, 404, 404, 404, 404, 404, 200}},
		{pattern: "POST /api/v1/users/{id}/disabled", path: "/api/v1/users/{victim}/disabled", body: authzJSON(map[string]any{"disabled": false}), want: authzWant{401, 404, 404, 404, 404, 404, 404, 404, 404, 200}},
		{pattern: "GET /api/v1/tokens", path: "/api/v1/tokens", want: authzWant{401, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/tokens", path: "/api/v1/tokens", body: authzJSON(map[string]any{"name": "authz"}), want: authzWant{401, 201, 201, 201, 201, 201, 201, 201, 201, 201}},
		{pattern: "DELETE /api/v1/tokens/{id}", path: "/api/v1/tokens/{tok}", want: authzWant{401, 204, 204, 204, 204, 204, 204, 204, 204, 204}},

		{pattern: "GET /api/v1/projects", path: "/api/v1/projects", want: authzWant{401, 200, 200, 200, 200, 200, 200, 200, 200, 200}, cost: true},
		{pattern: "POST /api/v1/projects", path: "/api/v1/projects", want: authzWant{401, 403, 403, 403, 403, 403, 403, 403, 201, 201},
			body: func(_ *testing.T, x *authzFix, _ apptest.Who) any { return x.newProjectJSON() }},
		{pattern: "GET /api/v1/projects/{id}", path: "/api/v1/projects/{A}", want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}, cost: true},
		{pattern: "PATCH /api/v1/projects/{id}", path: "/api/v1/projects/{A}", want: authzWant{401, 404, 403, 403, 403, 403, 403, 403, 200, 200}, cost: true,
			body: func(t *testing.T, x *authzFix, _ apptest.Who) any { return x.projectJSON(t, x.e.ProjectA.ID) }},
		{pattern: "POST /api/v1/projects/{id}/archive", path: "/api/v1/projects/{A}/archive", body: authzJSON(project.ArchiveInput{Archived: true}),
			want: authzWant{401, 404, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "DELETE /api/v1/projects/{id}", path: "/api/v1/projects/{A}", want: authzWant{401, 404, 403, 403, 403, 403, 403, 403, 204, 204}},
		{pattern: "POST /api/v1/projects/{id}/restore", path: "/api/v1/projects/{A}/restore", prep: authzPrepDeleted,
			want: authzWant{401, 404, 404, 404, 404, 404, 404, 404, 200, 200}},
		{pattern: "GET /api/v1/projects/{id}/members", path: "/api/v1/projects/{A}/members", want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/members", path: "/api/v1/projects/{A}/members", want: authzWant{401, 404, 403, 403, 403, 403, 403, 403, 201, 201},
			body: func(_ *testing.T, x *authzFix, _ apptest.Who) any {
				return project.MemberInput{UserID: x.e.Users[apptest.Outsider].ID, Role: "consultant"}
			}},
		{pattern: "DELETE /api/v1/projects/{id}/members/{mid}", path: "/api/v1/projects/{A}/members/{mid}", want: authzWant{401, 404, 403, 403, 403, 403, 403, 403, 204, 204}},
		{pattern: "GET /api/v1/projects/{id}/activity", path: "/api/v1/projects/{A}/activity", want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}, cost: true, internal: true},

		{pattern: "GET /api/v1/audit", path: "/api/v1/audit", want: authzWant{401, 404, 404, 404, 404, 404, 404, 404, 404, 200}},
		{pattern: "GET /api/v1/trash", path: "/api/v1/trash", want: authzWant{401, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/trash/{kind}/{id}/restore", path: "/api/v1/trash/project/{A}/restore", prep: authzPrepDeleted,
			want: authzWant{401, 404, 404, 404, 404, 404, 404, 404, 204, 204}},
	}
}

func TestAuthzMatrix(t *testing.T) {
	if len(apptest.Everyone) != len(authzWant{}) {
		t.Fatalf("apptest.Everyone has %d callers, the matrix %d columns", len(apptest.Everyone), len(authzWant{}))
	}
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := newAuthzFix(t, e)
		rows := authzRows()
		routes := map[string]bool{}
		public, api := map[string]bool{}, map[string]bool{}
		var patterns []string
		for _, rt := range e.App.Server.Routes() {
			p := rt.Pattern()
			routes[p], public[p], api[p] = true, rt.Public, rt.API
			patterns = append(patterns, p)
		}
		seen := map[string]bool{}
		for _, row := range rows {
			if seen[row.pattern] {
				t.Errorf("route %s has two authorization rows", row.pattern)
			}
			seen[row.pattern] = true
			if !routes[row.pattern] {
				t.Errorf("authorization row %s: no such route is registered any more", row.pattern)
				continue
			}
			method, _, _ := strings.Cut(row.pattern, " ")
			probe := strings.NewReplacer("{A}", "1", "{B}", "1", "{mid}", "1", "{midB}", "1", "{tok}", "1", "{othertok}", "1").Replace(row.path)
			if got := authzWinner(patterns, method, probe); got != row.pattern {
				t.Errorf("authorization row %s: path %s reaches %q", row.pattern, row.path, got)
			}
			// Anonymous callers of a non-public route never reach a handler.
			if !public[row.pattern] {
				if want := map[bool]int{false: http.StatusSeeOther, true: http.StatusUnauthorized}[api[row.pattern]]; row.want[0] != want {
					t.Errorf("authorization row %s: anonymous must get %d", row.pattern, want)
				}
			}
		}
		for p := range routes {
			if !seen[p] {
				t.Errorf("route %s has no authorization row", p)
			}
		}
		if t.Failed() {
			t.FailNow()
		}

		// Reads first, on the fixture as seeded; then the writes, each
		// followed by heal so the next caller finds the same state.
		var reads, writes []authzRow
		for _, row := range rows {
			if strings.HasPrefix(row.pattern, "GET ") {
				reads = append(reads, row)
			} else {
				writes = append(writes, row)
			}
		}
		cells := 0
		for _, row := range append(reads, writes...) {
			t.Run(row.pattern, func(t *testing.T) {
				method, _, _ := strings.Cut(row.pattern, " ")
				for i, who := range apptest.Everyone {
					x.authzCell(t, row, method, who, row.want[i], !public[row.pattern])
					cells++
				}
				x.heal(t)
			})
		}
		t.Logf("%d routes × %d callers: %d cells", len(rows), len(apptest.Everyone), cells)
	})
}

// authzCell sends one request and checks status, redirect target,
// must-not-contain, positive controls and, for a denied write, that
// nothing changed.
func (x *authzFix) authzCell(t *testing.T, row authzRow, method string, who apptest.Who, want int, guarded bool) {
	t.Helper()
	if row.prep != nil {
		row.prep(t, x, who)
	}
	path := x.expand(t, row.path, who)
	var body any
	if row.body != nil {
		body = row.body(t, x, who)
	}
	write := method != http.MethodGet
	denied := want >= 400 || (who == apptest.Anonymous && guarded)
	var before authzState
	if write && denied {
		before = x.state(t)
	}
	r := x.e.Do(t, who, method, path, body)
	if r.Status != want {
		t.Errorf("%s %s as %s: status %d, want %d: %s", method, path, who, r.Status, want, authzSnippet(r.Body, ""))
	}
	loc := r.Header.Get("Location")
	switch {
	case who == apptest.Anonymous && guarded && r.Status == http.StatusSeeOther:
		if !strings.HasPrefix(loc, "/login?next=") {
			t.Errorf("%s %s as anonymous: redirected to %q, want the login page", method, path, loc)
		}
	case who != apptest.Anonymous && strings.HasPrefix(loc, "/login?next="):
		t.Errorf("%s %s as %s: a logged-in caller was sent to log in (%s)", method, path, who, loc)
	}
	x.checkLeaks(t, who, method, path, r)
	if r.Status == http.StatusOK && row.cost && authzSeesCost(who) && !strings.Contains(r.Body, "123456789") && !strings.Contains(r.Body, "1,234,567.89") {
		t.Errorf("%s %s as %s: the budget of project A is missing (the leak check would be vacuous): %s", method, path, who, authzSnippet(r.Body, ""))
	}
	if r.Status == http.StatusOK && row.internal && authzVendorMember(who) && !strings.Contains(r.Body, authzInternalMark) {
		t.Errorf("%s %s as %s: the internal timeline entry is missing: %s", method, path, who, authzSnippet(r.Body, ""))
	}
	if write && denied {
		if after := x.state(t); after != before {
			t.Errorf("%s %s as %s: denied (%d) but the database changed: %v → %v", method, path, who, r.Status, before, after)
			x.heal(t)
		}
	}
	if write && !denied {
		x.heal(t)
	}
}

// authzProbe is one request outside the matrix's single project.
type authzProbe struct {
	who    apptest.Who
	method string
	path   string
	body   func(t *testing.T, x *authzFix, who apptest.Who) any
	want   int
}

// authzObjectProbes is every way to read or change one project, its
// members and its activity, through the API and the pages. mid is the
// placeholder of a live membership on that project.
func authzObjectProbes(who apptest.Who, pid, mid string, want int) []authzProbe {
	self := func(_ *testing.T, x *authzFix, who apptest.Who) any {
		role := "consultant"
		if authzIsCustomer(who) {
			role = "customer_pm"
		}
		return project.MemberInput{UserID: x.e.Users[who].ID, Role: role}
	}
	selfForm := func(t *testing.T, x *authzFix, who apptest.Who) any {
		in := self(t, x, who).(project.MemberInput)
		return url.Values{"user_id": {itoa(in.UserID)}, "role": {in.Role}}.Encode()
	}
	id := func(x *authzFix) int64 {
		if pid == "{B}" {
			return x.e.ProjectB.ID
		}
		return x.e.ProjectA.ID
	}
	patch := func(t *testing.T, x *authzFix, _ apptest.Who) any { return x.projectJSON(t, id(x)) }
	form := func(t *testing.T, x *authzFix, _ apptest.Who) any { return x.projectForm(t, id(x)) }
	api, page := "/api/v1/projects/"+pid, "/projects/"+pid
	return []authzProbe{
		{who, "GET", api, nil, want},
		{who, "PATCH", api, patch, want},
		{who, "DELETE", api, nil, want},
		{who, "POST", api + "/archive", authzJSON(project.ArchiveInput{Archived: true}), want},
		{who, "POST", api + "/restore", nil, want},
		{who, "GET", api + "/members", nil, want},
		{who, "POST", api + "/members", self, want},
		{who, "DELETE", api + "/members/" + mid, nil, want},
		{who, "GET", api + "/activity", nil, want},
		{who, "POST", "/api/v1/trash/project/" + pid + "/restore", nil, want},
		{who, "GET", page, nil, want},
		{who, "GET", page + "/edit", nil, want},
		{who, "GET", page + "/members", nil, want},
		{who, "GET", page + "/activity", nil, want},
		{who, "POST", page + "/edit", form, want},
		{who, "POST", page + "/archive", authzForm("archived=true"), want},
		{who, "POST", page + "/delete", nil, want},
		{who, "POST", page + "/members", selfForm, want},
		{who, "POST", page + "/members/" + mid + "/delete", nil, want},
		{who, "POST", "/trash/project/" + pid + "/restore", nil, want},
	}
}

// Cross-company and "row touched" probes: a customer never reaches another
// company's project; vendor staff never reach a project they are not on;
// a request naming two objects is checked on both.
func TestAuthzCrossCompany(t *testing.T) {
	var probes []authzProbe
	probes = append(probes, authzObjectProbes(apptest.OtherCust, "{A}", "{mid}", 404)...)
	for _, who := range []apptest.Who{apptest.CustomerPM, apptest.KeyUser, apptest.Executive, apptest.Developer, apptest.Consultant, apptest.Finance, apptest.Outsider} {
		probes = append(probes, authzObjectProbes(who, "{B}", "{midB}", 404)...)
	}
	probes = append(probes, authzObjectProbes(apptest.Outsider, "{A}", "{mid}", 404)...)
	probes = append(probes,
		// A membership of B named under A: the row touched is not A's.
		authzProbe{apptest.PM, "DELETE", "/api/v1/projects/{A}/members/{midB}", nil, 404},
		authzProbe{apptest.PM, "POST", "/projects/{A}/members/{midB}/delete", nil, 404},
		authzProbe{apptest.Admin, "DELETE", "/api/v1/projects/{A}/members/{midB}", nil, 404},
		// Permission comes first: a customer PM of A learns nothing about the id.
		authzProbe{apptest.CustomerPM, "DELETE", "/api/v1/projects/{A}/members/{midB}", nil, 403},
		// A customer user of B cannot be put on A, nor A moved to B while A has customer members.
		authzProbe{apptest.PM, "POST", "/api/v1/projects/{A}/members", authzJSONFn(func(x *authzFix) any {
			return project.MemberInput{UserID: x.e.Users[apptest.OtherCust].ID, Role: "customer_pm"}
		}), 400},
		authzProbe{apptest.PM, "PATCH", "/api/v1/projects/{A}", func(t *testing.T, x *authzFix, _ apptest.Who) any {
			in := x.projectJSON(t, x.e.ProjectA.ID)
			in.CustomerCompanyID = x.e.CompanyB.ID
			return in
		}, 400},
		// Someone else's API token.
		authzProbe{apptest.KeyUser, "DELETE", "/api/v1/tokens/{othertok}", nil, 404},
		authzProbe{apptest.KeyUser, "POST", "/settings/tokens/{othertok}/revoke", nil, 404},
		authzProbe{apptest.PM, "DELETE", "/api/v1/tokens/{othertok}", nil, 404},
		authzProbe{apptest.Admin, "DELETE", "/api/v1/tokens/{othertok}", nil, 404},
		// Trash: an unknown kind, a live project.
		authzProbe{apptest.Admin, "POST", "/api/v1/trash/nope/{A}/restore", nil, 404},
		authzProbe{apptest.PM, "POST", "/api/v1/trash/project/{A}/restore", nil, 404},
		// Malformed and unknown ids are simply not found.
		authzProbe{apptest.PM, "GET", "/api/v1/projects/abc", nil, 404},
		authzProbe{apptest.PM, "GET", "/api/v1/projects/999999", nil, 404},
		authzProbe{apptest.PM, "GET", "/projects/999999", nil, 404},
		// The administrators' log answers "not found" before it validates a filter.
		authzProbe{apptest.KeyUser, "GET", "/api/v1/audit?from=not-a-date", nil, 404},
		authzProbe{apptest.PM, "GET", "/api/v1/audit?project_id={A}", nil, 404},
		// Customers read their own company only, whatever they ask for.
		authzProbe{apptest.KeyUser, "GET", "/api/v1/users?company_id={companyB}", nil, 200},
		authzProbe{apptest.OtherCust, "GET", "/api/v1/users?company_id={companyA}", nil, 200},
		authzProbe{apptest.OtherCust, "GET", "/api/v1/projects?q=PA&status=", nil, 200},
		authzProbe{apptest.OtherCust, "GET", "/projects?q=PA&status=all", nil, 200},
		authzProbe{apptest.OtherCust, "GET", "/projects.xlsx?status=all", nil, 200},
		authzProbe{apptest.Outsider, "GET", "/projects?status=all", nil, 200},
	)

	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := newAuthzFix(t, e)
		for _, pr := range probes {
			path := x.expand(t, pr.path, pr.who)
			var body any
			if pr.body != nil {
				body = pr.body(t, x, pr.who)
			}
			var before authzState
			if pr.want >= 400 {
				before = x.state(t)
			}
			r := e.Do(t, pr.who, pr.method, path, body)
			if r.Status != pr.want {
				t.Errorf("%s %s as %s: status %d, want %d: %s", pr.method, path, pr.who, r.Status, pr.want, authzSnippet(r.Body, ""))
			}
			x.checkLeaks(t, pr.who, pr.method, path, r)
			if pr.want >= 400 {
				if after := x.state(t); after != before {
					t.Errorf("%s %s as %s: denied (%d) but the database changed: %v → %v", pr.method, path, pr.who, r.Status, before, after)
				}
			}
			x.heal(t)
		}
		// B's membership survived the attempts to remove it through A.
		if x.liveMemberID(t, e.ProjectB.ID, e.Users[apptest.OtherCust].ID) == 0 {
			t.Errorf("other customer's membership of B was removed through project A")
		}

		// Lists: each caller sees exactly the projects they are on.
		wantIDs := map[apptest.Who][]int64{
			apptest.OtherCust: {e.ProjectB.ID}, apptest.KeyUser: {e.ProjectA.ID}, apptest.Executive: {e.ProjectA.ID},
			apptest.CustomerPM: {e.ProjectA.ID}, apptest.Developer: {e.ProjectA.ID}, apptest.Consultant: {e.ProjectA.ID},
			apptest.Finance: {e.ProjectA.ID}, apptest.PM: {e.ProjectA.ID, e.ProjectB.ID}, apptest.Admin: {e.ProjectA.ID, e.ProjectB.ID},
			apptest.Outsider: nil,
		}
		for who, want := range wantIDs {
			if got := authzListIDs(t, e, who, "/api/v1/projects?status=&sort=code"); !slices.Equal(got, want) {
				t.Errorf("project list of %s: %v, want %v", who, got, want)
			}
		}
		for _, who := range []apptest.Who{apptest.KeyUser, apptest.OtherCust} {
			own := e.Users[who].P.CompanyID
			var users []struct {
				CompanyID int64 `json:"company_id"`
			}
			e.Do(t, who, "GET", "/api/v1/users", nil).JSON(t, &users)
			var cos []struct {
				ID int64 `json:"id"`
			}
			e.Do(t, who, "GET", "/api/v1/companies", nil).JSON(t, &cos)
			if len(cos) != 1 || cos[0].ID != own {
				t.Errorf("companies of %s: %+v", who, cos)
			}
			for _, u := range users {
				if u.CompanyID != own {
					t.Errorf("%s sees a user of company %d", who, u.CompanyID)
				}
			}
		}

		// A trashed project is gone for everyone but those who may restore it.
		x.ensureDeleted(t, apptest.PM)
		for _, who := range apptest.Everyone[1:] {
			r := e.Do(t, who, "GET", "/api/v1/trash", nil)
			x.checkLeaks(t, who, "GET", "/api/v1/trash", r)
			listed := strings.Contains(r.Body, `"id":`+itoa(e.ProjectA.ID)+`,`)
			if mayRestore := who == apptest.PM || who == apptest.Admin; listed != mayRestore {
				t.Errorf("trash of %s lists project A: %v: %s", who, listed, r.Body)
			}
			if r := e.Do(t, who, "GET", "/api/v1/projects/"+itoa(e.ProjectA.ID), nil); r.Status != 404 {
				t.Errorf("trashed project A as %s: %d", who, r.Status)
			}
			if r := e.Do(t, who, "GET", "/projects/"+itoa(e.ProjectA.ID), nil); r.Status != 404 {
				t.Errorf("trashed project A page as %s: %d", who, r.Status)
			}
		}
		x.heal(t)
	})
}

func authzJSONFn(f func(x *authzFix) any) func(*testing.T, *authzFix, apptest.Who) any {
	return func(_ *testing.T, x *authzFix, _ apptest.Who) any { return f(x) }
}

// authzListIDs returns the project ids of an API list, in order.
func authzListIDs(t *testing.T, e *apptest.Env, who apptest.Who, path string) []int64 {
	t.Helper()
	r := e.Do(t, who, "GET", path, nil)
	if r.Status != 200 {
		t.Fatalf("%s as %s: %d", path, who, r.Status)
	}
	var page struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	r.JSON(t, &page)
	var ids []int64
	for _, it := range page.Items {
		ids = append(ids, it.ID)
	}
	return ids
}
