package app_test

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/db"
)

func postForm(t *testing.T, e *apptest.Env, path string, form url.Values, cookies ...*http.Cookie) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", e.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestLoginLogoutAndSafeRedirect(t *testing.T) {
	e := apptest.New(t, db.SQLite)
	email := e.Users[apptest.PM].Email

	bad := postForm(t, e, "/login", url.Values{"email": {email}, "password": {"wrong-password"}})
	if bad.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", bad.StatusCode)
	}

	// An absolute or protocol-relative next must not send the user away.
	for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example"} {
		ok := postForm(t, e, "/login", url.Values{"email": {email}, "password": {apptest.Password}, "next": {next}})
		if ok.StatusCode != http.StatusSeeOther || ok.Header.Get("Location") != "/projects" {
			t.Fatalf("next=%q redirected to %q (%d)", next, ok.Header.Get("Location"), ok.StatusCode)
		}
	}
	ok := postForm(t, e, "/login", url.Values{"email": {email}, "password": {apptest.Password}, "next": {"/projects/1"}})
	var session *http.Cookie
	for _, c := range ok.Cookies() {
		if c.Name == "golive_session" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || ok.Header.Get("Location") != "/projects/1" {
		t.Fatalf("session cookie %+v, location %q", session, ok.Header.Get("Location"))
	}
	out := postForm(t, e, "/logout", nil, session)
	if out.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", out.StatusCode)
	}
	req, _ := http.NewRequest("GET", e.URL+"/projects", nil)
	req.AddCookie(session)
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("ended session still works: %d", resp.StatusCode)
	}
}

func TestLanguageFollowsAcceptLanguageAndPreference(t *testing.T) {
	e := apptest.New(t, db.SQLite)
	get := func(lang string) string {
		req, _ := http.NewRequest("GET", e.URL+"/login", nil)
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if body := get(""); !strings.Contains(body, "登录") {
		t.Fatal("default page is not Chinese")
	}
	if body := get("en-US,en;q=0.9,zh;q=0.5"); !strings.Contains(body, "Log in") {
		t.Fatal("Accept-Language en ignored")
	}
	// The account's stored preference wins over the browser.
	sess := &http.Cookie{Name: "golive_session", Value: e.Users[apptest.PM].Session}
	if r := postForm(t, e, "/lang", url.Values{"lang": {"en"}, "next": {"/projects"}}, sess); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("switch language: %d", r.StatusCode)
	}
	r := e.Do(t, apptest.PM, "GET", "/projects", nil)
	if !strings.Contains(r.Body, "Projects") || strings.Contains(r.Body, "项目列表") {
		t.Fatal("language preference not applied")
	}
	if r := postForm(t, e, "/lang", url.Values{"lang": {"fr"}}, sess); r.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown language: %d", r.StatusCode)
	}
}

func TestSecurityHeadersAndErrorsAsJSON(t *testing.T) {
	e := apptest.New(t, db.SQLite)
	r := e.Do(t, apptest.Anonymous, "GET", "/login", nil)
	csp := r.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") || r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Referrer-Policy") == "" {
		t.Fatalf("headers: %v", r.Header)
	}
	if strings.Contains(r.Body, "<script>") {
		t.Fatal("inline script on a page")
	}
	api := e.Do(t, apptest.Anonymous, "GET", "/api/v1/projects", nil)
	if api.Status != 401 || !strings.Contains(api.Body, `"code":"unauthenticated"`) {
		t.Fatalf("anonymous API: %d %s", api.Status, api.Body)
	}
	// A cross-site form post is refused before any handler runs.
	req, _ := http.NewRequest("POST", e.URL+"/projects", strings.NewReader("name=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.AddCookie(&http.Cookie{Name: "golive_session", Value: e.Users[apptest.PM].Session})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site post: %d", resp.StatusCode)
	}
}

// The CSP forbids inline styles too; a style attribute would silently not
// apply, so none may exist in any template.
func TestNoInlineStylesOrScripts(t *testing.T) {
	files, _ := filepath.Glob("../*/views/*.html")
	more, _ := filepath.Glob("../web/templates/*.html")
	files = append(files, more...)
	if len(files) < 5 {
		t.Fatalf("found only %v", files)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if strings.Contains(s, ` style="`) || strings.Contains(s, "<script>") || strings.Contains(s, " onclick=") || strings.Contains(s, " onchange=") {
			t.Errorf("%s has inline style or script", f)
		}
	}
}

// An administrator locks an account: its sessions and tokens stop at once;
// unlocking and a password reset let the person back in.
func TestDisableAndResetAccount(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		dev := e.Users[apptest.Developer]
		path := "/api/v1/users/" + itoa(dev.ID)
		if r := e.Do(t, apptest.Admin, "POST", path+"/disabled", map[string]any{"disabled": true}); r.Status != 200 || !strings.Contains(r.Body, `"disabled":true`) {
			t.Fatalf("disable: %d %s", r.Status, r.Body)
		}
		if r := e.Do(t, apptest.Developer, "GET", "/api/v1/me", nil); r.Status != 401 {
			t.Fatalf("disabled account's token still works: %d", r.Status)
		}
		if r := e.Do(t, apptest.Developer, "GET", "/projects", nil); r.Status != 303 {
			t.Fatalf("disabled account's session still works: %d", r.Status)
		}
		if r := e.Do(t, apptest.Admin, "POST", "/api/v1/users/"+itoa(e.Users[apptest.Admin].ID)+"/disabled", map[string]any{"disabled": true}); r.Status != 400 || !strings.Contains(r.Body, `"disabled"`) {
			t.Fatalf("admin disabled self: %d %s", r.Status, r.Body)
		}
		if r := e.Do(t, apptest.Admin, "POST", path+"/disabled", map[string]any{"disabled": false}); r.Status != 200 {
			t.Fatalf("enable: %d", r.Status)
		}
		r := e.Do(t, apptest.Admin, "POST", path+"/reset-password", nil)
		var pw struct{ Password string }
		r.JSON(t, &pw)
		if r.Status != 200 || len(pw.Password) < 12 {
			t.Fatalf("reset: %d %s", r.Status, r.Body)
		}
		login := postForm(t, e, "/login", url.Values{"email": {dev.Email}, "password": {pw.Password}})
		if login.StatusCode != http.StatusSeeOther {
			t.Fatalf("login with the reset password: %d", login.StatusCode)
		}
		old := postForm(t, e, "/login", url.Values{"email": {dev.Email}, "password": {apptest.Password}})
		if old.StatusCode != http.StatusUnauthorized {
			t.Fatalf("old password still works: %d", old.StatusCode)
		}
	})
}
