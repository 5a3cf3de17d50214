// Package e2e drives the real app in headless Chromium: the app is started
// by apptest exactly as main starts it (SQLite always, PostgreSQL when
// TEST_POSTGRES_DSN is set) and a browser clicks through it like a person.
//
// Screenshots go to $E2E_SCREENSHOTS when it is set, else to a temporary
// directory of the test.
package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"golive/internal/app/apptest"
)

const chromiumPath = "/usr/bin/chromium"

// testTimeout bounds the browser work of one dialect of one test.
const testTimeout = 60 * time.Second

// browser is one Chromium process, shared by the subtests of one test.
type browser struct {
	ctx context.Context // a chromedp context whose browser has started
}

// newBrowser starts headless Chromium, or skips the test when it is not
// installed. The process stops when the test ends.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("browser tests need Debian chromium at %s: %v", chromiumPath, err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.WindowSize(1280, 860),
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(func() { bcancel(); acancel() })
	// The first run starts the process; it must not carry a timeout, or the
	// timeout would end the browser. A hung start is caught by go test's own.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &browser{ctx: bctx}
}

// tab is one page of one browser context, bound to a test and an Env.
type tab struct {
	t   *testing.T
	e   *apptest.Env
	ctx context.Context // carries the per-test timeout
}

// session opens a fresh browser context (its own cookie jar) with one tab
// whose actions all share a deadline.
func (b *browser) session(t *testing.T, e *apptest.Env) *tab {
	t.Helper()
	cctx, ccancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	return openTab(t, e, cctx, ccancel)
}

// another opens a second tab in the same browser context as tb (same
// cookies, so the same logged-in user).
func (tb *tab) another() *tab {
	tb.t.Helper()
	cctx, ccancel := chromedp.NewContext(tb.ctx)
	return openTab(tb.t, tb.e, cctx, ccancel)
}

func openTab(t *testing.T, e *apptest.Env, cctx context.Context, ccancel context.CancelFunc) *tab {
	t.Helper()
	t.Cleanup(ccancel)
	if err := chromedp.Do(cctx); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(cctx, testTimeout)
	t.Cleanup(cancel)
	tb := &tab{t: t, e: e, ctx: ctx}
	// A Chinese-speaking user: the app falls back to Accept-Language when
	// neither the account nor a cookie names a language.
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
		Headers: network.Headers{"Accept-Language": "zh-CN,zh;q=0.9"},
	}); err != nil {
		t.Fatalf("set Accept-Language: %v", err)
	}
	return tb
}

// do runs actions and fails the test on the first error.
func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, steps...); err != nil {
		tb.t.Fatalf("browser: %v (at %s)", err, tb.location())
	}
}

// submit runs the steps (a click that submits a form, a navigation) and
// waits until the next page has loaded; it returns that page's HTTP status.
func (tb *tab) submit(steps ...chromedp.Action[chromedp.Void]) int {
	tb.t.Helper()
	resp, err := chromedp.RunResponse(tb.ctx, steps...)
	if err != nil {
		tb.t.Fatalf("browser: %v (at %s)", err, tb.location())
	}
	return int(resp.Status)
}

// open navigates to a path of the app and returns the status.
func (tb *tab) open(path string) int {
	tb.t.Helper()
	return tb.submit(chromedp.Navigate(tb.e.URL + path))
}

func (tb *tab) location() string {
	loc, err := chromedp.Run(tb.ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return loc
}

// path is the current location without the server address.
func (tb *tab) path() string {
	return strings.TrimPrefix(tb.location(), tb.e.URL)
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](tb *tab, js string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		tb.t.Fatalf("eval %s: %v (at %s)", js, err, tb.location())
	}
	return v
}

// text is the rendered text of the first element matching a CSS selector.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		tb.t.Fatalf("text of %s: %v (at %s)", sel, err, tb.location())
	}
	return strings.TrimSpace(v)
}

// value is the current value of a form control.
func (tb *tab) value(sel string) string {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		tb.t.Fatalf("value of %s: %v (at %s)", sel, err, tb.location())
	}
	return v
}

// html is the whole current document, hidden parts included: what must not
// reach a browser must not be anywhere in it.
func (tb *tab) html() string {
	tb.t.Helper()
	return eval[string](tb, `document.documentElement.outerHTML`)
}

// bodyText is what a person can read on the page.
func (tb *tab) bodyText() string {
	tb.t.Helper()
	return eval[string](tb, `document.body.innerText`)
}

// mustContain fails unless the text holds every want.
func mustContain(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s: want %q in:\n%s", what, w, clip(text))
		}
	}
}

// mustNotContain fails if the text holds any of the unwanted strings.
func mustNotContain(t *testing.T, what, text string, nots ...string) {
	t.Helper()
	for _, n := range nots {
		if strings.Contains(text, n) {
			t.Errorf("%s: must not contain %q:\n%s", what, n, clip(text))
		}
	}
}

func clip(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "…"
	}
	return s
}

// shot saves a full-page PNG named after the dialect and name.
func (tb *tab) shot(name string) {
	tb.t.Helper()
	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := os.Getenv("E2E_SCREENSHOTS")
	if dir == "" {
		dir = tb.t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Fatal(err)
	}
	file := filepath.Join(dir, fmt.Sprintf("%s-%s.png", tb.e.Dialect, name))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("screenshot %s", file)
}

// fill empties the field with the given id and types text into it.
// (chromedp's Clear fails on an empty textarea, and SetValue cannot set "".)
func (tb *tab) fill(id, text string) {
	tb.t.Helper()
	eval[chromedp.Void](tb, `document.getElementById(`+strconv.Quote(id)+`).value = ''`)
	tb.do(chromedp.SendKeys(chromedp.ID(id), text))
	if v := tb.value("#" + id); v != text {
		tb.t.Fatalf("typed %q into #%s, it holds %q", text, id, v)
	}
}

// login signs in through the login form and waits for the landing page.
func (tb *tab) login(email, password string) {
	tb.t.Helper()
	if p := tb.path(); !strings.HasPrefix(p, "/login") {
		tb.open("/login")
	}
	tb.do(
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
	)
	if st := tb.submit(chromedp.Click(chromedp.ID("login-submit"))); st != 200 {
		tb.t.Fatalf("login %s: status %d at %s: %s", email, st, tb.path(), clip(tb.bodyText()))
	}
	if p := tb.path(); strings.HasPrefix(p, "/login") {
		tb.t.Fatalf("login %s failed: %s", email, clip(tb.bodyText()))
	}
}

// loginAs signs in as a fixture account.
func (tb *tab) loginAs(who apptest.Who) {
	tb.t.Helper()
	tb.login(tb.e.Users[who].Email, apptest.Password)
}

// logout presses the logout button in the top bar.
func (tb *tab) logout() {
	tb.t.Helper()
	tb.submit(chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	if p := tb.path(); !strings.HasPrefix(p, "/login") {
		tb.t.Fatalf("after logout at %s, want /login", p)
	}
}
