// Package apptest starts golive exactly as main does, on a fresh database
// of a given dialect, with one account for every role on both sides and
// two customer companies, so HTTP and browser tests can act as anyone.
package apptest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golive/internal/access"
	"golive/internal/app"
	"golive/internal/auth"
	"golive/internal/config"
	"golive/internal/db"
	"golive/internal/db/dbtest"
	"golive/internal/project"
)

// Password of every fixture account.
const Password = "fixture-password-1"

// Who names a fixture caller.
type Who string

const (
	Anonymous  Who = "anonymous"
	OtherCust  Who = "other_customer" // customer PM of company B, member of project B only
	KeyUser    Who = "key_user"
	Executive  Who = "executive"
	CustomerPM Who = "customer_pm"
	Developer  Who = "developer"
	Consultant Who = "consultant"
	Finance    Who = "finance"
	PM         Who = "pm"
	Admin      Who = "admin"
	Outsider   Who = "outsider" // vendor consultant on no project
)

// Everyone lists the callers of the authorization matrix in order.
var Everyone = []Who{Anonymous, OtherCust, KeyUser, Executive, CustomerPM, Developer, Consultant, Finance, PM, Admin}

// User is a fixture account with its credentials.
type User struct {
	ID      int64
	Email   string
	Session string // session cookie value
	Token   string // API token
	P       *access.Principal
}

// Env is a running app with fixtures.
type Env struct {
	App      *app.App
	Server   *httptest.Server
	URL      string
	Dialect  db.Dialect
	Users    map[Who]*User
	ProjectA project.Project // customer A's project: every fixture but OtherCust/Outsider is a member
	ProjectB project.Project // customer B's project: PM and OtherCust
	CompanyA auth.Company
	CompanyB auth.Company
}

// New starts the app on a fresh database of dialect.
func New(t testing.TB, dialect db.Dialect) *Env {
	t.Helper()
	ctx := context.Background()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	if dialect == db.Postgres {
		cfg.DB = dbtest.DSN(t, dialect)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.New(ctx, cfg, log, app.Options{RepoRoot: "../.."})
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	e := &Env{App: a, Server: srv, URL: srv.URL, Dialect: dialect, Users: map[Who]*User{}}
	e.seed(t)
	return e
}

// must turns (value, error) into value, failing the test on error.
func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func (e *Env) seed(t testing.TB) {
	ctx := context.Background()
	as := e.App.Auth
	vendor := must(as.CreateCompany(ctx, nil, auth.CompanyInput{Name: "实施方", Kind: "vendor"}))(t)
	e.CompanyA = must(as.CreateCompany(ctx, nil, auth.CompanyInput{Name: "甲客户", Kind: "customer"}))(t)
	e.CompanyB = must(as.CreateCompany(ctx, nil, auth.CompanyInput{Name: "乙客户", Kind: "customer"}))(t)
	mk := func(who Who, company int64, role access.Role, admin bool) {
		u := must(as.CreateUser(ctx, nil, auth.UserInput{Email: string(who) + "@fixture.test", Name: string(who), CompanyID: company, Role: string(role), Admin: admin, Password: Password}))(t)
		e.Users[who] = &User{ID: u.ID, Email: u.Email}
	}
	mk(Admin, vendor.ID, access.RoleAdmin, true)
	mk(PM, vendor.ID, access.RolePM, false)
	mk(Consultant, vendor.ID, access.RoleConsultant, false)
	mk(Developer, vendor.ID, access.RoleDeveloper, false)
	mk(Finance, vendor.ID, access.RoleFinance, false)
	mk(Outsider, vendor.ID, access.RoleConsultant, false)
	mk(CustomerPM, e.CompanyA.ID, access.RoleCustomerPM, false)
	mk(KeyUser, e.CompanyA.ID, access.RoleKeyUser, false)
	mk(Executive, e.CompanyA.ID, access.RoleExecutive, false)
	mk(OtherCust, e.CompanyB.ID, access.RoleCustomerPM, false)
	for who, u := range e.Users {
		tok, p, err := as.Login(ctx, u.Email, Password, "127.0.0.1", "apptest")
		if err != nil {
			t.Fatalf("login %s: %v", who, err)
		}
		u.Session, u.P = tok, p
		tokPlain, _, err := as.CreateToken(ctx, p, 0, auth.TokenInput{Name: "test"})
		if err != nil {
			t.Fatal(err)
		}
		u.Token = tokPlain
	}
	pm := e.Users[PM].P
	e.ProjectA = must(e.App.Projects.Create(ctx, pm, project.Input{Code: "PA", Name: "甲项目", CustomerCompanyID: e.CompanyA.ID, Product: "MES", BudgetMinor: 123456789, StartDate: "2026-01-05", GoLiveDate: "2026-06-30"}))(t)
	e.ProjectB = must(e.App.Projects.Create(ctx, pm, project.Input{Code: "PB", Name: "乙项目", CustomerCompanyID: e.CompanyB.ID, Product: "WMS", BudgetMinor: 987654321}))(t)
	for who, role := range map[Who]access.Role{Consultant: access.RoleConsultant, Developer: access.RoleDeveloper, Finance: access.RoleFinance,
		CustomerPM: access.RoleCustomerPM, KeyUser: access.RoleKeyUser, Executive: access.RoleExecutive} {
		must(e.App.Projects.AddMember(ctx, pm, e.ProjectA.ID, project.MemberInput{UserID: e.Users[who].ID, Role: string(role)}))(t)
	}
	must(e.App.Projects.AddMember(ctx, pm, e.ProjectB.ID, project.MemberInput{UserID: e.Users[OtherCust].ID, Role: string(access.RoleCustomerPM)}))(t)
}

// Response is a finished request.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// JSON decodes the body into v.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
}

// Do sends a request as who: API paths with the bearer token, pages with
// the session cookie. body may be nil, a string (sent as a form for pages,
// raw for the API) or any value (sent as JSON). Redirects are not followed.
func (e *Env) Do(t testing.TB, who Who, method, path string, body any) Response {
	t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
		if strings.HasPrefix(path, "/api/") {
			ctype = "application/json"
		} else {
			ctype = "application/x-www-form-urlencoded"
		}
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = strings.NewReader(string(j))
		ctype = "application/json"
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if u := e.Users[who]; u != nil {
		if strings.HasPrefix(path, "/api/") {
			req.Header.Set("Authorization", "Bearer "+u.Token)
		} else {
			req.AddCookie(&http.Cookie{Name: "golive_session", Value: u.Session})
		}
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// Each runs fn once per dialect with a fresh Env.
func Each(t *testing.T, fn func(t *testing.T, e *Env)) {
	for _, d := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(d), func(t *testing.T) { fn(t, New(t, d)) })
	}
}
