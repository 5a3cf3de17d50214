package app_test

import (
	"context"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/change"
)

// An approved change request with a cost proposes a budget revision that
// names it (the link app.go makes between change control and finance);
// a second approval path for the same request does not propose twice, and
// a change without a cost proposes nothing.
func TestApprovedChangeProposesBudgetRevision(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		pm := e.Users[apptest.PM].P
		a := e.ProjectA.ID
		free, err := e.App.Change.Create(ctx, pm, a, change.CRInput{Title: "报表列顺序调整", Standard: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Change.ApproveStandard(ctx, pm, a, free.ID, change.DecideInput{Version: free.Version}); err != nil {
			t.Fatalf("approve the free change: %v", err)
		}
		cr, err := e.App.Change.Create(ctx, pm, a, change.CRInput{Title: "新增供应商门户接口", Standard: true, EffortTenths: 50, CostMinor: 4_800_000})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Change.ApproveStandard(ctx, pm, a, cr.ID, change.DecideInput{Version: cr.Version}); err != nil {
			t.Fatalf("approve: %v", err)
		}
		bs, err := e.App.Finance.Budgets(ctx, pm, a)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, b := range bs {
			if b.ChangeRequestID == 0 {
				continue
			}
			n++
			if b.ChangeRequestID != cr.ID || b.ChangeCostMinor != 4_800_000 || b.Status != "proposed" || b.ChangeNumber == "" {
				t.Errorf("revision %+v", b)
			}
		}
		if n != 1 {
			t.Fatalf("%d revisions from change requests, want 1: %+v", n, bs)
		}
	})
}
