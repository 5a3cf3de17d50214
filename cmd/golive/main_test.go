package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golive/internal/app"
	"golive/internal/config"
	"golive/internal/db"
	"golive/internal/db/dbtest"
)

// cli runs the command line as main does and returns what it printed.
func cli(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

// mustCLI fails the test when the command fails.
func mustCLI(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, errOut, err := cli(t, stdin, args...)
	if err != nil {
		t.Fatalf("golive %s: %v\n%s", strings.Join(args, " "), err, errOut)
	}
	return out
}

// noEnv keeps GOLIVE_* settings of the machine out of the tests.
func noEnv(t *testing.T) {
	for _, k := range []string{"GOLIVE_DB", "GOLIVE_DATA_DIR", "GOLIVE_ADDR", "GOLIVE_DEMO", "GOLIVE_DEV", "GOLIVE_ADMIN_EMAIL"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

// openApp opens the data directory the way serve would, for checking what
// the commands did.
func openApp(t *testing.T, dir string) *app.App {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = dir
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func TestVersionUsageAndUnknownCommands(t *testing.T) {
	noEnv(t)
	if out := mustCLI(t, "", "version"); out != "golive "+app.Version+"\n" {
		t.Fatalf("version: %q", out)
	}
	for _, args := range [][]string{nil, {"help"}, {"-h"}, {"--help"}} {
		if out := mustCLI(t, "", args...); !strings.Contains(out, "Commands:") || !strings.Contains(out, "token create") {
			t.Fatalf("usage for %v: %q", args, out)
		}
	}
	for args, want := range map[string]string{
		"frobnicate":  `unknown command "frobnicate"`,
		"user":        `unknown command "user"`,
		"user delete": `unknown command "user delete"`,
		"token list":  `unknown command "token list"`,
	} {
		_, _, err := cli(t, "", strings.Fields(args)...)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "Commands:") {
			t.Fatalf("%s: %v", args, err)
		}
	}
	_, errOut, err := cli(t, "", "migrate", "--no-such-flag")
	if err == nil || !strings.Contains(errOut, "no-such-flag") {
		t.Fatalf("unknown flag: %v %q", err, errOut)
	}
	if _, _, err := cli(t, "", "migrate", "--db", "mysql://x"); err == nil || !strings.Contains(err.Error(), "--db") {
		t.Fatalf("bad --db: %v", err)
	}
}

func TestMigrate(t *testing.T) {
	noEnv(t)
	dir := t.TempDir()
	for i := 0; i < 2; i++ {
		if out := mustCLI(t, "", "migrate", "--data-dir", dir); !strings.Contains(out, "database is up to date") {
			t.Fatalf("migrate: %q", out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "golive.db")); err != nil {
		t.Fatal(err)
	}
	// migrate makes no account: the first start still bootstraps.
	n, err := openApp(t, dir).Auth.CountUsers(context.Background())
	if err != nil || n != 0 {
		t.Fatalf("users after migrate: %d %v", n, err)
	}
}

func TestUserCreatePasswdAndToken(t *testing.T) {
	noEnv(t)
	dir := t.TempDir()
	out := mustCLI(t, "first-passphrase\n", "user", "create", "--data-dir", dir, "--email", "PM@Example.cn", "--name", "项目经理", "--role", "pm", "--admin")
	if !strings.Contains(out, "created user") || !strings.Contains(out, "pm@example.cn") {
		t.Fatalf("user create: %q", out)
	}
	out = mustCLI(t, "customer-passphrase", "user", "create", "--data-dir", dir, "--email", "ku@example.cn", "--name", "关键用户", "--company", "甲客户", "--role", "key_user")
	if !strings.Contains(out, "甲客户") {
		t.Fatalf("customer user: %q", out)
	}

	for _, c := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"long-enough-1\n", []string{"--email", "not-an-email", "--name", "x"}, "--email"},
		{"long-enough-1\n", []string{"--email", "", "--name", "x"}, "--email"},
		{"long-enough-1\n", []string{"--email", "x@example.cn", "--name", ""}, "--name"},
		{"short\n", []string{"--email", "x@example.cn", "--name", "x"}, "--password"},
		{"", []string{"--email", "x@example.cn", "--name", "x"}, "no password on stdin"},
		{"\n", []string{"--email", "x@example.cn", "--name", "x"}, "no password on stdin"},
		{"long-enough-1\n", []string{"--email", "x@example.cn", "--name", "x", "--role", "boss"}, "--role"},
		{"long-enough-1\n", []string{"--email", "x@example.cn", "--name", "x", "--company", "甲客户", "--role", "pm"}, "--role"},
		{"long-enough-1\n", []string{"--email", "x@example.cn", "--name", "x", "--company", "甲客户", "--role", "key_user", "--admin"}, "--admin"},
		{"long-enough-1\n", []string{"--email", "pm@example.cn", "--name", "x", "--role", "pm"}, "--email"},
	} {
		_, _, err := cli(t, c.stdin, append([]string{"user", "create", "--data-dir", dir}, c.args...)...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("user create %v: %v, want a message naming %q", c.args, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "validate.") {
			t.Errorf("user create %v: a catalog key reached the terminal: %v", c.args, err)
		}
	}

	// passwd: the new password works, the old one does not.
	out = mustCLI(t, "second-passphrase\n", "user", "passwd", "--data-dir", dir, "--email", "pm@example.cn")
	if !strings.Contains(out, "password changed") {
		t.Fatalf("passwd: %q", out)
	}
	if _, _, err := cli(t, "x-passphrase\n", "user", "passwd", "--data-dir", dir, "--email", "nobody@example.cn"); err == nil || !strings.Contains(err.Error(), "nobody@example.cn") {
		t.Fatalf("passwd of nobody: %v", err)
	}
	if _, _, err := cli(t, "short\n", "user", "passwd", "--data-dir", dir, "--email", "pm@example.cn"); err == nil || !strings.Contains(err.Error(), "--password") {
		t.Fatalf("short passwd: %v", err)
	}

	// token create: the printed token authenticates against the app.
	tok := strings.TrimSpace(mustCLI(t, "", "token", "create", "--data-dir", dir, "--email", "pm@example.cn", "--name", "ci"))
	if !strings.HasPrefix(tok, "glv_") || strings.ContainsAny(tok, " \n") {
		t.Fatalf("token %q", tok)
	}
	if _, _, err := cli(t, "", "token", "create", "--data-dir", dir, "--email", "nobody@example.cn"); err == nil || !strings.Contains(err.Error(), "nobody@example.cn") {
		t.Fatalf("token for nobody: %v", err)
	}
	a := openApp(t, dir)
	ctx := context.Background()
	if _, _, err := a.Auth.Login(ctx, "pm@example.cn", "first-passphrase", "127.0.0.1", ""); err == nil {
		t.Fatal("the old password still works")
	}
	_, p, err := a.Auth.Login(ctx, "pm@example.cn", "second-passphrase", "127.0.0.1", "")
	if err != nil || !p.Admin || !p.Vendor {
		t.Fatalf("login with the new password: %+v %v", p, err)
	}
	req := httptest.NewRequest("GET", "/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	a.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"email":"pm@example.cn"`) {
		t.Fatalf("GET /api/v1/me with the printed token: %d %s", rec.Code, rec.Body.String())
	}
	var n int
	if err := a.DB.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d users after refused creates (%v)", n, err)
	}
}

func TestBackupSQLite(t *testing.T) {
	noEnv(t)
	dir := t.TempDir()
	mustCLI(t, "a-passphrase\n", "user", "create", "--data-dir", dir, "--email", "pm@example.cn", "--name", "PM", "--role", "pm")
	target := filepath.Join(t.TempDir(), "copy.db")
	out := mustCLI(t, "", "backup", "--data-dir", dir, target)
	if !strings.Contains(out, target) {
		t.Fatalf("backup: %q", out)
	}
	// The copy opens and holds the data.
	d, err := db.Open(context.Background(), target, "")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var email string
	if err := d.QueryRow(context.Background(), `SELECT email FROM users`).Scan(&email); err != nil || email != "pm@example.cn" {
		t.Fatalf("backup content: %q %v", email, err)
	}
	// An existing file is never overwritten.
	if _, _, err := cli(t, "", "backup", "--data-dir", dir, target); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("backup over an existing file: %v", err)
	}
	// Without a name the copy goes into the data directory.
	out = mustCLI(t, "", "backup", "--data-dir", dir)
	files, _ := filepath.Glob(filepath.Join(dir, "backup-*.db"))
	if len(files) != 1 || !strings.Contains(out, files[0]) {
		t.Fatalf("default backup: %q %v", out, files)
	}
}

func TestBackupPostgresPointsToPgDump(t *testing.T) {
	noEnv(t)
	if os.Getenv("TEST_POSTGRES_DSN") == "" {
		t.Skip("PostgreSQL not tested: set TEST_POSTGRES_DSN")
	}
	dsn := dbtest.DSN(t, db.Postgres)
	_, _, err := cli(t, "", "backup", "--db", dsn)
	if err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Fatalf("backup on PostgreSQL: %v", err)
	}
}

func TestOpenAPI(t *testing.T) {
	noEnv(t)
	out := mustCLI(t, "", "openapi")
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("openapi is not JSON: %v", err)
	}
	if doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi version %v", doc["openapi"])
	}
	paths, _ := doc["paths"].(map[string]any)
	if _, ok := paths["/api/v1/projects"]; !ok || len(paths) < 10 {
		t.Fatalf("paths: %d", len(paths))
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serve bootstraps an administrator on the first start only, answers
// health checks, and stops cleanly when its context ends.
func TestServeBootstrapsOnceAndStops(t *testing.T) {
	noEnv(t)
	dir := t.TempDir()
	for i := 0; i < 2; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		var out, errOut syncBuffer
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"serve", "--data-dir", dir, "--addr", "127.0.0.1:0", "--admin-email", "boss@example.cn"}, strings.NewReader(""), &out, &errOut)
		}()
		deadline := time.Now().Add(20 * time.Second)
		for !strings.Contains(errOut.String(), "golive ready") {
			select {
			case err := <-done:
				cancel()
				t.Fatalf("serve ended early: %v\n%s", err, errOut.String())
			default:
			}
			if time.Now().After(deadline) {
				cancel()
				t.Fatalf("serve did not start:\n%s", errOut.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("serve: %v", err)
			}
		case <-time.After(25 * time.Second):
			t.Fatal("serve did not stop")
		}
		shown := strings.Contains(out.String(), "boss@example.cn") && strings.Contains(out.String(), "password:")
		if i == 0 && !shown {
			t.Fatalf("first start did not show the administrator: %q", out.String())
		}
		if i == 1 && shown {
			t.Fatalf("second start showed a password again: %q", out.String())
		}
	}
	a := openApp(t, dir)
	if n, _ := a.Auth.CountUsers(context.Background()); n != 1 {
		t.Fatalf("%d users after two starts", n)
	}
}
