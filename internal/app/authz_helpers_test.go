package app_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"golive/internal/access"
	"golive/internal/app/apptest"
	"golive/internal/audit"
	"golive/internal/auth"
	"golive/internal/db"
	"golive/internal/money"
	"golive/internal/project"
)

// This file holds the fixture around apptest.Env that the authorization
// matrix (authz_test.go) needs: placeholders in paths, request bodies that
// pass validation, a "heal" step that puts shared state back after a
// permitted mutation, a fingerprint that proves a denied request changed
// nothing, and the "must not contain" rules per caller.

// Budgets of the fixture projects (apptest seeds them) in every form a
// response could carry them: JSON minor units, money.Plain / money.Format,
// a plain decimal (form value, Excel raw cell) and the float that an audit
// row decoded into map[string]any prints as on the timeline
// ("1.23456789e&#43;08" once html/template has escaped the plus).
var (
	authzBudgetA = []string{"123456789", "1,234,567.89", "1234567.89", "1.23456789e"}
	authzBudgetB = []string{"987654321", "9,876,543.21", "9876543.21", "9.87654321e"}
)

// authzInternalMark is the summary of an internal audit entry seeded on
// project A: vendor members see it on the timeline, customers never do.
const authzInternalMark = "仅实施方可见-AZ7Q"

const authzXLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

type authzFix struct {
	e        *apptest.Env
	ctx      context.Context
	seq      int
	vendorID int64
}

func newAuthzFix(t *testing.T, e *apptest.Env) *authzFix {
	t.Helper()
	x := &authzFix{e: e, ctx: context.Background(), vendorID: e.Users[apptest.PM].P.CompanyID}
	// An internal entry on A's timeline carrying a cost field, written the
	// way a module would (inside a transaction, through audit.Record).
	pm := e.Users[apptest.PM].P
	err := e.App.DB.Tx(x.ctx, func(tx *db.Tx) error {
		return audit.Record(x.ctx, tx, pm, audit.Entry{ProjectID: e.ProjectA.ID, Entity: "project", EntityID: e.ProjectA.ID, Action: "update",
			Summary: authzInternalMark, Internal: true, Before: map[string]any{"budget_minor": 1}, After: map[string]any{"budget_minor": 123456789}})
	})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func (x *authzFix) next() int { x.seq++; return x.seq }

func (x *authzFix) p(who apptest.Who) *access.Principal { return x.e.Users[who].P }

// isCustomer: the fixture callers of a customer company.
func authzIsCustomer(who apptest.Who) bool {
	switch who {
	case apptest.OtherCust, apptest.KeyUser, apptest.Executive, apptest.CustomerPM:
		return true
	}
	return false
}

// authzSeesCost: the callers with CostView on project A.
func authzSeesCost(who apptest.Who) bool {
	return who == apptest.Finance || who == apptest.PM || who == apptest.Admin
}

// authzVendorMember: vendor callers who see project A's internal items.
func authzVendorMember(who apptest.Who) bool {
	switch who {
	case apptest.Developer, apptest.Consultant, apptest.Finance, apptest.PM, apptest.Admin:
		return true
	}
	return false
}

// liveMemberID is the id of user's live membership on a project, 0 if none.
func (x *authzFix) liveMemberID(t *testing.T, projectID, userID int64) int64 {
	t.Helper()
	var id int64
	err := x.e.App.DB.QueryRow(x.ctx, `SELECT COALESCE(MAX(id), 0) FROM project_members WHERE project_id = ? AND user_id = ? AND deleted_ms IS NULL`,
		projectID, userID).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (x *authzFix) projectVersion(t *testing.T, id int64) int64 {
	t.Helper()
	var v int64
	if err := x.e.App.DB.QueryRow(x.ctx, `SELECT version FROM projects WHERE id = ?`, id).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// freshToken creates an API token for who (PM for the anonymous caller, who
// has none) and returns its id.
func (x *authzFix) freshToken(t *testing.T, who apptest.Who) int64 {
	t.Helper()
	if who == apptest.Anonymous {
		who = apptest.PM
	}
	_, tok, err := x.e.App.Auth.CreateToken(x.ctx, x.p(who), 0, auth.TokenInput{Name: "authz"})
	if err != nil {
		t.Fatal(err)
	}
	return tok.ID
}

// expand substitutes the placeholders of a row's path for one caller:
// {A} {B} project ids, {mid} the developer's membership on A, {midB} the
// other customer's membership on B, {tok} a fresh token of the caller,
// {othertok} a fresh token of someone else.
func (x *authzFix) expand(t *testing.T, path string, who apptest.Who) string {
	t.Helper()
	e := x.e
	r := strings.NewReplacer("{A}", itoa(e.ProjectA.ID), "{B}", itoa(e.ProjectB.ID), "{companyA}", itoa(e.CompanyA.ID), "{companyB}", itoa(e.CompanyB.ID))
	path = r.Replace(path)
	if strings.Contains(path, "{midB}") {
		path = strings.ReplaceAll(path, "{midB}", itoa(x.liveMemberID(t, e.ProjectB.ID, e.Users[apptest.OtherCust].ID)))
	}
	if strings.Contains(path, "{mid}") {
		path = strings.ReplaceAll(path, "{mid}", itoa(x.liveMemberID(t, e.ProjectA.ID, e.Users[apptest.Developer].ID)))
	}
	if strings.Contains(path, "{victim}") {
		// A fresh account per request: resetting or locking it disturbs no fixture.
		u, err := e.App.Auth.CreateUser(context.Background(), nil, auth.UserInput{Email: "victim" + strconv.Itoa(x.next()) + "@fixture.test",
			Name: "victim", CompanyID: x.vendorID, Role: "developer", Password: apptest.Password})
		if err != nil {
			t.Fatal(err)
		}
		path = strings.ReplaceAll(path, "{victim}", itoa(u.ID))
	}
	if strings.Contains(path, "{othertok}") {
		other := apptest.PM
		if who == apptest.PM {
			other = apptest.KeyUser
		}
		path = strings.ReplaceAll(path, "{othertok}", itoa(x.freshToken(t, other)))
	}
	if strings.Contains(path, "{tok}") {
		path = strings.ReplaceAll(path, "{tok}", itoa(x.freshToken(t, who)))
	}
	for _, f := range authzExpanders {
		path = f(t, x, path, who)
	}
	if strings.Contains(path, "{") {
		t.Fatalf("unexpanded placeholder in %s", path)
	}
	return path
}

// authzExpanders let a module's authz_<module>_test.go expand placeholders
// of its own objects (appended in its init); each sees the path after the
// platform's placeholders are replaced and returns it with its own.
var authzExpanders []func(t *testing.T, x *authzFix, path string, who apptest.Who) string

// Request bodies: valid, so that permission and not validation decides.

func (x *authzFix) loginForm(who apptest.Who) string {
	if who == apptest.Anonymous {
		who = apptest.KeyUser
	}
	return url.Values{"email": {x.e.Users[who].Email}, "password": {apptest.Password}, "next": {"/projects"}}.Encode()
}

// fixtureProject is project A or B as seeded.
func (x *authzFix) fixtureProject(id int64) project.Project {
	if id == x.e.ProjectB.ID {
		return x.e.ProjectB
	}
	return x.e.ProjectA
}

// projectForm is a fixture project's edit form as its PM would post it
// (budget unchanged), at the current version.
func (x *authzFix) projectForm(t *testing.T, id int64) string {
	a := x.fixtureProject(id)
	return url.Values{"code": {a.Code}, "name": {a.Name}, "customer_company_id": {itoa(a.CustomerCompanyID)}, "product": {a.Product},
		"start_date": {a.StartDate}, "golive_date": {a.GoLiveDate}, "budget": {money.Plain(*a.BudgetMinor)}, "version": {itoa(x.projectVersion(t, id))}}.Encode()
}

func (x *authzFix) projectJSON(t *testing.T, id int64) project.Input {
	a := x.fixtureProject(id)
	return project.Input{Code: a.Code, Name: a.Name, CustomerCompanyID: a.CustomerCompanyID, Product: a.Product, StartDate: a.StartDate,
		GoLiveDate: a.GoLiveDate, BudgetMinor: *a.BudgetMinor, Version: x.projectVersion(t, id)}
}

func (x *authzFix) newProjectForm() string {
	return url.Values{"code": {"AZW" + strconv.Itoa(x.next())}, "name": {"授权测试"}, "customer_company_id": {itoa(x.e.CompanyA.ID)}, "product": {"ERP"}}.Encode()
}

func (x *authzFix) newProjectJSON() project.Input {
	return project.Input{Code: "AZA" + strconv.Itoa(x.next()), Name: "授权测试", CustomerCompanyID: x.e.CompanyA.ID, Product: "ERP"}
}

// State shared by the cells of the matrix.

// authzState is what a denied request must leave untouched.
type authzState [9]int64

func (x *authzFix) state(t *testing.T) authzState {
	t.Helper()
	var s authzState
	err := x.e.App.DB.QueryRow(x.ctx, `SELECT
		(SELECT version FROM projects WHERE id = ?), (SELECT version FROM projects WHERE id = ?),
		(SELECT count(*) FROM projects), (SELECT count(*) FROM project_members WHERE deleted_ms IS NULL),
		(SELECT count(*) FROM companies), (SELECT count(*) FROM users),
		(SELECT count(*) FROM api_tokens WHERE revoked_ms IS NULL), (SELECT count(*) FROM audit_log),
		(SELECT count(*) FROM projects WHERE deleted_ms IS NOT NULL)`, x.e.ProjectA.ID, x.e.ProjectB.ID).
		Scan(&s[0], &s[1], &s[2], &s[3], &s[4], &s[5], &s[6], &s[7], &s[8])
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// ensureDeleted moves project A to the trash (for the restore rows).
func (x *authzFix) ensureDeleted(t *testing.T, _ apptest.Who) {
	t.Helper()
	var deleted *int64
	if err := x.e.App.DB.QueryRow(x.ctx, `SELECT deleted_ms FROM projects WHERE id = ?`, x.e.ProjectA.ID).Scan(&deleted); err != nil {
		t.Fatal(err)
	}
	if deleted == nil {
		if err := x.e.App.Projects.Delete(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID); err != nil {
			t.Fatal(err)
		}
	}
}

// heal puts back what a permitted mutation took away: project A live and
// active, the developer on A, the other customer on B, the outsider on no
// project, every fixture session and API token valid.
func (x *authzFix) heal(t *testing.T) {
	t.Helper()
	e, admin := x.e, x.p(apptest.Admin)
	var deleted *int64
	var status string
	if err := e.App.DB.QueryRow(x.ctx, `SELECT deleted_ms, status FROM projects WHERE id = ?`, e.ProjectA.ID).Scan(&deleted, &status); err != nil {
		t.Fatal(err)
	}
	if deleted != nil {
		if err := e.App.Projects.Restore(x.ctx, admin, e.ProjectA.ID); err != nil {
			t.Fatal(err)
		}
	}
	if status != project.StatusActive {
		if _, err := e.App.Projects.SetArchived(x.ctx, admin, e.ProjectA.ID, false); err != nil {
			t.Fatal(err)
		}
	}
	if x.liveMemberID(t, e.ProjectA.ID, e.Users[apptest.Developer].ID) == 0 {
		if _, err := e.App.Projects.AddMember(x.ctx, admin, e.ProjectA.ID, project.MemberInput{UserID: e.Users[apptest.Developer].ID, Role: string(access.RoleDeveloper)}); err != nil {
			t.Fatal(err)
		}
	}
	if x.liveMemberID(t, e.ProjectB.ID, e.Users[apptest.OtherCust].ID) == 0 {
		if _, err := e.App.Projects.AddMember(x.ctx, admin, e.ProjectB.ID, project.MemberInput{UserID: e.Users[apptest.OtherCust].ID, Role: string(access.RoleCustomerPM)}); err != nil {
			t.Fatal(err)
		}
	}
	if mid := x.liveMemberID(t, e.ProjectA.ID, e.Users[apptest.Outsider].ID); mid != 0 {
		if err := e.App.Projects.RemoveMember(x.ctx, admin, e.ProjectA.ID, mid); err != nil {
			t.Fatal(err)
		}
	}
	for who, u := range e.Users {
		if _, err := e.App.Auth.SessionPrincipal(x.ctx, u.Session); err != nil {
			tok, _, err := e.App.Auth.Login(x.ctx, u.Email, apptest.Password, "127.0.0.1", "authz")
			if err != nil {
				t.Fatalf("re-login %s: %v", who, err)
			}
			u.Session = tok
		}
		if _, err := e.App.Auth.TokenPrincipal(x.ctx, u.Token); err != nil {
			plain, _, err := e.App.Auth.CreateToken(x.ctx, u.P, 0, auth.TokenInput{Name: "authz"})
			if err != nil {
				t.Fatal(err)
			}
			u.Token = plain
		}
	}
}

// Must not contain.

// authzForbidden lists what who must never find in a response. Field
// names ("budget", "预算") are checked apart from values because the
// OpenAPI document legitimately names the budget field for everyone.
func (x *authzFix) authzForbidden(who apptest.Who) (values, labels []string) {
	e := x.e
	switch who {
	case apptest.Anonymous:
		values = append(values, e.ProjectA.Name, e.ProjectB.Name, e.CompanyA.Name, e.CompanyB.Name, authzInternalMark)
	case apptest.OtherCust:
		values = append(values, e.ProjectA.Name, e.CompanyA.Name, authzInternalMark,
			e.Users[apptest.KeyUser].Email, e.Users[apptest.CustomerPM].Email, e.Users[apptest.Executive].Email, e.Users[apptest.Outsider].Email)
	case apptest.KeyUser, apptest.Executive, apptest.CustomerPM:
		values = append(values, e.ProjectB.Name, e.CompanyB.Name, authzInternalMark, e.Users[apptest.OtherCust].Email, e.Users[apptest.Outsider].Email)
	case apptest.Developer, apptest.Consultant, apptest.Finance:
		values = append(values, e.ProjectB.Name) // vendor staff who are not on B
	case apptest.Outsider:
		values = append(values, e.ProjectA.Name, e.ProjectB.Name, authzInternalMark)
	}
	if !authzSeesCost(who) {
		values = append(values, authzBudgetA...)
		labels = []string{"budget", "预算"}
	}
	if who != apptest.PM && who != apptest.Admin {
		values = append(values, authzBudgetB...)
	}
	return values, labels
}

// checkLeaks applies the must-not-contain rules to one response.
func (x *authzFix) checkLeaks(t *testing.T, who apptest.Who, method, path string, r apptest.Response) {
	t.Helper()
	values, labels := x.authzForbidden(who)
	if strings.HasPrefix(r.Header.Get("Content-Type"), authzXLSXType) {
		x.checkXLSX(t, who, path, r, values, labels)
		return
	}
	body := strings.ToLower(r.Body)
	for _, s := range values {
		if strings.Contains(body, strings.ToLower(s)) {
			t.Errorf("%s %s as %s: response contains %q: %s", method, path, who, s, authzSnippet(r.Body, s))
		}
	}
	if path == "/api/v1/openapi.json" {
		return // the schema names the field; it carries no figure
	}
	for _, s := range labels {
		if strings.Contains(body, s) {
			t.Errorf("%s %s as %s: response mentions %q: %s", method, path, who, s, authzSnippet(r.Body, s))
		}
	}
}

// checkXLSX reads an exported workbook: customers get no budget column and
// no figure; vendor staff without CostView get no figure; callers with
// CostView get A's budget (so the check above is not vacuous).
func (x *authzFix) checkXLSX(t *testing.T, who apptest.Who, path string, r apptest.Response, values, labels []string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader([]byte(r.Body)))
	if err != nil {
		t.Fatalf("%s as %s: not a workbook: %v", path, who, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		t.Fatalf("%s: no sheets", path)
	}
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	var formatted [][]string
	if formatted, err = f.GetRows(sheets[0]); err != nil {
		t.Fatal(err)
	}
	all := strings.ToLower(fmt.Sprint(rows, formatted))
	// Further sheets (e.g. the plan's notes) must not leak either.
	for _, sh := range sheets[1:] {
		more, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		all += strings.ToLower(fmt.Sprint(more))
	}
	for _, s := range values {
		if strings.Contains(all, strings.ToLower(s)) {
			t.Errorf("%s as %s: workbook contains %q: %v", path, who, s, formatted)
		}
	}
	if len(rows) == 0 {
		t.Fatalf("%s as %s: empty workbook", path, who)
	}
	header := strings.ToLower(strings.Join(rows[0], "|"))
	if authzIsCustomer(who) {
		for _, s := range labels {
			if strings.Contains(header, s) {
				t.Errorf("%s as %s: customer's workbook has a budget column: %v", path, who, rows[0])
			}
		}
	}
	if path == "/projects.xlsx" && authzSeesCost(who) && !strings.Contains(all, "1234567.89") {
		t.Errorf("%s as %s: budget of project A missing: %v", path, who, formatted)
	}
	if path == "/projects.xlsx" && who != apptest.OtherCust && !strings.Contains(all, x.e.ProjectA.Name) {
		t.Errorf("%s as %s: project A missing: %v", path, who, formatted)
	}
}

// authzSnippet shows the part of a body around needle (or its start) on
// one line, for error messages.
func authzSnippet(body, needle string) string {
	lower := strings.ToLower(body)
	i := 0
	if needle != "" {
		i = max(strings.Index(lower, strings.ToLower(needle))-120, 0)
	}
	if h := strings.Index(lower, "<main"); needle == "" && h >= 0 {
		i = h // skip the page head on error pages
	}
	end := min(i+300, len(body))
	for i > 0 && !utf8.RuneStart(body[i]) {
		i--
	}
	for end < len(body) && !utf8.RuneStart(body[end]) {
		end++
	}
	return strings.Join(strings.Fields(body[i:end]), " ")
}

// authzWinner returns the pattern the full route list picks for a request,
// so a row cannot silently exercise a different route than its own.
func authzWinner(patterns []string, method, path string) string {
	mux := http.NewServeMux()
	for _, p := range patterns {
		mux.Handle(p, http.NotFoundHandler())
	}
	_, got := mux.Handler(httptest.NewRequest(method, path, nil))
	return got
}
