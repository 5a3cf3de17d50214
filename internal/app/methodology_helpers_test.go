package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/methodology"
)

// Helpers of the methodology tests: apply the built-in template to a
// fixture project through the service, and read back what the API says.

func mBuiltinID(t *testing.T, e *apptest.Env) int64 {
	t.Helper()
	var id int64
	if err := e.App.DB.QueryRow(context.Background(), `SELECT id FROM templates WHERE builtin = ?`, true).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func mApply(t *testing.T, e *apptest.Env, projectID int64, start, golive string, modules ...string) methodology.ApplyResult {
	t.Helper()
	res, err := e.App.Methodology.Apply(context.Background(), e.Users[apptest.PM].P, projectID,
		methodology.ApplyInput{TemplateID: mBuiltinID(t, e), StartDate: start, GoLiveDate: golive, Modules: modules, Lang: "zh-CN"})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	return res
}

func mCount(t *testing.T, e *apptest.Env, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.App.DB.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// mWant fails unless the response has the status (and, when given, holds
// every want string).
func mWant(t *testing.T, r apptest.Response, status int, wants ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, authzSnippet(r.Body, ""))
	}
	for _, w := range wants {
		if !strings.Contains(r.Body, w) {
			t.Errorf("response lacks %q: %s", w, authzSnippet(r.Body, ""))
		}
	}
}

func mNot(t *testing.T, r apptest.Response, nots ...string) {
	t.Helper()
	for _, n := range nots {
		if strings.Contains(r.Body, n) {
			t.Errorf("response must not contain %q: %s", n, authzSnippet(r.Body, n))
		}
	}
}

// jsonCanon re-encodes a JSON text the way encoding/json writes it
// (so a test can spell the canonical form readably).
func jsonCanon(t *testing.T, s string) string {
	t.Helper()
	var fields []struct {
		k string
		v any
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		fields = append(fields, struct {
			k string
			v any
		}{k.(string), v})
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(f.k)
		vb, _ := json.Marshal(f.v)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.String()
}
