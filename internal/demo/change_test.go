package demo_test

import (
	"context"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/change"
	"golive/internal/demo"
)

func TestLoadChange(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		if err := demo.LoadChange(ctx, e.App, []int64{e.ProjectA.ID}); err != nil {
			t.Fatal(err)
		}
		ku := e.Users[apptest.KeyUser].P
		bs, err := e.App.Change.Baselines(ctx, ku, e.ProjectA.ID)
		if err != nil || len(bs) != 2 || bs[1].Label != "V1.0" || bs[1].Status != change.BaselineSigned || bs[0].Label != "V1.1" || bs[0].Status != change.BaselineDraft {
			t.Fatalf("baselines: %v %+v", err, bs)
		}
		crs, err := e.App.Change.List(ctx, ku, e.ProjectA.ID)
		if err != nil || len(crs) != 2 || crs[0].Status != "open" || crs[1].Status != "approved" {
			t.Fatalf("requests: %v %+v", err, crs)
		}
	})
}
