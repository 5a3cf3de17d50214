package app_test

import (
	"encoding/json"
	"strings"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/db"
)

// Every registered API route must be in the served OpenAPI document with a
// summary, and the document must not list routes that do not exist.
func TestOpenAPICoversEveryAPIRoute(t *testing.T) {
	e := apptest.New(t, db.SQLite)
	r := e.Do(t, apptest.Anonymous, "GET", "/api/v1/openapi.json", nil)
	if r.Status != 200 {
		t.Fatalf("status %d", r.Status)
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(r.Body), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	registered := map[string]bool{}
	for _, rt := range e.App.Server.Routes() {
		if !rt.API {
			continue
		}
		key := strings.ToLower(rt.Method) + " " + rt.Path
		registered[key] = true
		op, ok := doc.Paths[rt.Path][strings.ToLower(rt.Method)]
		if !ok {
			t.Errorf("API route %s is missing from the OpenAPI document", rt.Pattern())
			continue
		}
		if s, _ := op["summary"].(string); s == "" {
			t.Errorf("API route %s has no summary", rt.Pattern())
		}
	}
	for path, ops := range doc.Paths {
		for m := range ops {
			if !registered[m+" "+path] {
				t.Errorf("document lists %s %s, which is not a registered route", m, path)
			}
		}
	}
	if len(registered) < 20 {
		t.Fatalf("only %d API routes registered", len(registered))
	}
}
