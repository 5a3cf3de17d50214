package demo_test

import (
	"context"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/demo"
	"golive/internal/requirement"
)

func TestLoadRequirements(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		if err := demo.LoadRequirements(ctx, e.App, []int64{e.ProjectA.ID}); err != nil {
			t.Fatal(err)
		}
		pm := e.Users[apptest.PM].P
		rs, _, err := e.App.Requirements.List(ctx, pm, e.ProjectA.ID, requirement.Filter{})
		if err != nil || len(rs) < 20 {
			t.Fatalf("requirements: %d %v", len(rs), err)
		}
		by := map[string]int{}
		for _, r := range rs {
			by[r.Status]++
		}
		for _, st := range []string{"draft", "review", "confirmed", "implemented", "rejected"} {
			if by[st] == 0 {
				t.Errorf("no %s requirement: %v", st, by)
			}
		}
		fs, _, err := e.App.Requirements.Functions(ctx, pm, e.ProjectA.ID)
		if err != nil || len(fs) < 10 {
			t.Fatalf("functions: %d %v", len(fs), err)
		}
		withTasks := 0
		for _, f := range fs {
			if len(f.Tasks) > 0 {
				withTasks++
			}
		}
		if withTasks != 3 {
			t.Errorf("functions with tasks: %d", withTasks)
		}
		c, err := e.App.Requirements.Content(ctx, e.ProjectA.ID)
		if err != nil || len(c.Requirements) == 0 || len(c.Links) == 0 {
			t.Fatalf("content: %v %+v", err, c)
		}
	})
}
