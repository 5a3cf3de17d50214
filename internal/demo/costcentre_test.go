package demo_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"golive/internal/access"
	"golive/internal/app"
	"golive/internal/config"
	"golive/internal/db"
	"golive/internal/db/dbtest"
	"golive/internal/demo"
)

// The demo's first project has a cost centre that moves: actual cost and
// effort to date, planned and earned value, an S-curve with actuals, and
// the travel budget's 80 % alert recorded for the overview.
func TestDemoCostCentre(t *testing.T) {
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
			if ok, err := demo.Load(ctx, a); err != nil || !ok {
				t.Fatalf("load: %v %v", ok, err)
			}
			var pid, fin int64
			if err := a.DB.QueryRow(ctx, `SELECT MIN(id) FROM projects`).Scan(&pid); err != nil {
				t.Fatal(err)
			}
			if err := a.DB.QueryRow(ctx, `SELECT id FROM users WHERE email = 'finance@demo.golive'`).Scan(&fin); err != nil {
				t.Fatal(err)
			}
			p := &access.Principal{UserID: fin, Role: access.RoleFinance, Vendor: true}
			dash, err := a.CostCentre.Dashboard(ctx, p, pid)
			if err != nil {
				t.Fatal(err)
			}
			if !dash.HasBudget || !dash.HasContract || !dash.HasBaseline || dash.ActualMinor == 0 || dash.Effort.AC == 0 || dash.Money.PV == 0 || dash.BurnAvgMinor == 0 {
				t.Errorf("demo cost centre is flat: %+v", dash)
			}
			withAC := 0
			for _, pt := range dash.Curve {
				if pt.AC != nil && *pt.AC > 0 {
					withAC++
				}
			}
			if withAC < 5 {
				t.Errorf("S-curve has %d points with actual cost", withAC)
			}
			open, err := a.CostCentre.OpenAlerts(ctx, p, pid)
			if err != nil || len(open) == 0 {
				t.Errorf("no alert recorded: %v %v", open, err)
			}
		})
	}
}
