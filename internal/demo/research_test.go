package demo_test

import (
	"context"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/demo"
	"golive/internal/research"
)

func TestLoadResearch(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		if err := demo.LoadResearch(ctx, e.App, []int64{e.ProjectA.ID}); err != nil {
			t.Fatal(err)
		}
		con := e.Users[apptest.Consultant].P
		qs, _, err := e.App.Research.Questionnaires(ctx, con, e.ProjectA.ID)
		if err != nil || len(qs) != 1 || qs[0].Status != research.QSent || qs[0].Submitted != 1 {
			t.Fatalf("questionnaires: %+v %v", qs, err)
		}
		_, ag, err := e.App.Research.Aggregate(ctx, con, e.ProjectA.ID, qs[0].ID)
		if err != nil || ag.Submitted != 1 {
			t.Fatalf("aggregate: %+v %v", ag, err)
		}
		rs, _, err := e.App.Research.Records(ctx, con, e.ProjectA.ID)
		if err != nil || len(rs) != 1 || len(research.Sentences(rs[0].Notes)) < 4 || !rs[0].Internal {
			t.Fatalf("records: %+v %v", rs, err)
		}
		// The interview is internal: the key user does not see it.
		if rs, _, _ := e.App.Research.Records(ctx, e.Users[apptest.KeyUser].P, e.ProjectA.ID); len(rs) != 0 {
			t.Errorf("key user sees the internal interview")
		}
	})
}
