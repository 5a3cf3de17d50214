package demo_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"golive/internal/app"
	"golive/internal/config"
	"golive/internal/db"
	"golive/internal/db/dbtest"
	"golive/internal/demo"
)

// `golive serve --demo` on an empty database: the whole demo loads once,
// every module's part included, and a second start adds nothing.
func TestLoadWholeDemoOnce(t *testing.T) {
	for _, d := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			cfg := config.Default()
			cfg.DataDir = t.TempDir()
			if d == db.Postgres {
				cfg.DB = dbtest.DSN(t, d)
			}
			a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{Bootstrap: true, RepoRoot: "../.."})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			loaded, err := demo.Load(ctx, a)
			if err != nil || !loaded {
				t.Fatalf("first load: %v %v", loaded, err)
			}
			var projects, tasks, deps, phases, baselines int
			for q, dst := range map[string]*int{
				`SELECT count(*) FROM projects`: &projects, `SELECT count(*) FROM tasks`: &tasks, `SELECT count(*) FROM task_deps`: &deps,
				`SELECT count(*) FROM phases`: &phases, `SELECT count(*) FROM baselines`: &baselines,
			} {
				if err := a.DB.QueryRow(ctx, q).Scan(dst); err != nil {
					t.Fatal(err)
				}
			}
			if projects != 2 || tasks < 200 || deps < 100 || phases < 9 || baselines < 1 {
				t.Fatalf("demo too thin: projects=%d tasks=%d deps=%d phases=%d baselines=%d", projects, tasks, deps, phases, baselines)
			}
			again, err := demo.Load(ctx, a)
			if err != nil || again {
				t.Fatalf("second load: %v %v", again, err)
			}
		})
	}
}
