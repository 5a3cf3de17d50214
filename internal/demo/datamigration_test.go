package demo_test

import (
	"context"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/datamigration"
	"golive/internal/demo"
)

func TestLoadDataMigration(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		if err := demo.LoadDataMigration(ctx, e.App, []int64{e.ProjectA.ID}); err != nil {
			t.Fatal(err)
		}
		ku := e.Users[apptest.KeyUser].P
		objs, _, err := e.App.DataMigration.Objects(ctx, ku, e.ProjectA.ID)
		if err != nil || len(objs) != 2 {
			t.Fatalf("objects: %+v %v", objs, err)
		}
		for _, o := range objs {
			if o.Latest == nil || o.Latest.Status != datamigration.RunDone || o.Latest.Rejected == 0 {
				r, _, _ := e.App.DataMigration.Run(ctx, ku, e.ProjectA.ID, o.Latest.ID)
				t.Errorf("%s: latest run %+v %s %v", o.Code, o.Latest, r.ErrorKey, r.ErrorArgs)
			}
		}
		// The BOM's lookups found the material run's keys: only the two
		// lines naming unknown materials are rejected.
		for _, o := range objs {
			if o.Code != "bom" {
				continue
			}
			r, _, err := e.App.DataMigration.Run(ctx, ku, e.ProjectA.ID, o.Latest.ID)
			if err != nil || r.Rejected != 2 || len(r.Result.SkippedLookups) != 0 {
				t.Errorf("BOM run: rejected %d %v %v", r.Rejected, r.Result, err)
			}
		}
	})
}
