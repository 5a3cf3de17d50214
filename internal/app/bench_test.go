package app_test

// Benchmarks of the hot paths named in the performance targets
// (docs/benchmarks.md). They drive the full handler chain in process
// (access log, CSRF check, authentication, service, render) without a
// socket; scripts/load.sh measures the same endpoints over HTTP with wrk.
// Benchmarks never assert a time.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/db"
	"golive/internal/project"
)

// benchEnv starts the app on SQLite and brings the PM's visible projects
// up to n (the fixtures already hold two).
func benchEnv(b *testing.B, n int) *apptest.Env {
	b.Helper()
	e := apptest.New(b, db.SQLite)
	ctx := context.Background()
	pm := e.Users[apptest.PM].P
	for i := 3; i <= n; i++ {
		_, err := e.App.Projects.Create(ctx, pm, project.Input{
			Code: fmt.Sprintf("BENCH-%03d", i), Name: fmt.Sprintf("基准项目 %03d", i), CustomerCompanyID: e.CompanyA.ID,
			Product: "MES", BudgetMinor: int64(i) * 100000, StartDate: "2026-01-05", GoLiveDate: "2026-06-30",
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return e
}

// serve runs req through the app's handler in parallel goroutines and
// fails on any status other than want.
func serveParallel(b *testing.B, h http.Handler, want int, newReq func() *http.Request) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU()
	defer cpu.report(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, newReq())
			if rec.Code != want {
				b.Errorf("status %d, want %d: %.200s", rec.Code, want, rec.Body.String())
				return
			}
		}
	})
}

// BenchmarkAPIProjectGet: GET /api/v1/projects/{id} with a bearer token.
func BenchmarkAPIProjectGet(b *testing.B) {
	e := benchEnv(b, 2)
	path := "/api/v1/projects/" + itoa(e.ProjectA.ID)
	tok := "Bearer " + e.Users[apptest.PM].Token
	serveParallel(b, e.App.Handler(), http.StatusOK, func() *http.Request {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.Header.Set("Authorization", tok)
		return r
	})
}

// BenchmarkAPIProjectList: GET /api/v1/projects (50 projects) with a bearer token.
func BenchmarkAPIProjectList(b *testing.B) {
	e := benchEnv(b, 50)
	tok := "Bearer " + e.Users[apptest.PM].Token
	serveParallel(b, e.App.Handler(), http.StatusOK, func() *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/api/v1/projects", nil)
		r.Header.Set("Authorization", tok)
		return r
	})
}

// BenchmarkProjectListPage: the HTML list of 50 projects with a session
// cookie (layout, project switcher and table included).
func BenchmarkProjectListPage(b *testing.B) {
	e := benchEnv(b, 50)
	ck := &http.Cookie{Name: "golive_session", Value: e.Users[apptest.PM].Session}
	rec := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, "/projects", nil)
	r.AddCookie(ck)
	e.App.Handler().ServeHTTP(rec, r)
	if n := strings.Count(rec.Body.String(), "BENCH-"); n < 48 {
		b.Fatalf("list page shows %d bench projects, want 48+", n)
	}
	serveParallel(b, e.App.Handler(), http.StatusOK, func() *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/projects", nil)
		r.AddCookie(ck)
		return r
	})
}

// BenchmarkLogin: POST /login with the right password. Dominated by one
// argon2id verification (19 MiB, t=2); serial because that is the cost a
// user waits for.
func BenchmarkLogin(b *testing.B) {
	e := benchEnv(b, 2)
	form := url.Values{"email": {e.Users[apptest.PM].Email}, "password": {apptest.Password}}.Encode()
	h := e.App.Handler()
	b.ReportAllocs()
	cpu := startCPU()
	defer cpu.report(b)
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != http.StatusSeeOther && rec.Code != http.StatusFound {
			b.Fatalf("login status %d: %.200s", rec.Code, rec.Body.String())
		}
	}
}
