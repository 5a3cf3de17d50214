package apptest

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"golive/internal/app"
)

// Shared starts a second App on e's database, as a second `golive serve`
// process behind a load balancer would run: its own handler, listener and
// live broker, the same data (fixture sessions and tokens live in the
// database, so e.Do works against it as the same people). Only meaningful
// on PostgreSQL; a SQLite file has one process.
func Shared(t testing.TB, e *Env) *Env {
	t.Helper()
	cfg := e.App.Config
	cfg.DataDir = t.TempDir()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.New(context.Background(), cfg, log, app.Options{RepoRoot: "../.."})
	if err != nil {
		t.Fatalf("second app.New: %v", err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		a.Live.Close() // ends open event streams, which would hold srv.Close
		srv.Close()
		a.Close()
	})
	other := *e
	other.App, other.Server, other.URL = a, srv, srv.URL
	return &other
}
