package demo_test

import (
	"context"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/demo"
	"golive/internal/work"
)

func TestLoadDiscussion(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		pm := e.Users[apptest.PM].P
		for _, title := range []string{"蓝图评审", "计量单位确认"} {
			if _, err := e.App.Work.Create(ctx, pm, e.ProjectA.ID, work.Input{Title: title, CustomerVisible: true}); err != nil {
				t.Fatal(err)
			}
		}
		if err := demo.LoadDiscussion(ctx, e.App, []int64{e.ProjectA.ID}); err != nil {
			t.Fatal(err)
		}
		var comments, internal, mentions int
		if err := e.App.DB.QueryRow(ctx, `SELECT (SELECT count(*) FROM comments), (SELECT count(*) FROM comments WHERE internal = ?), (SELECT count(*) FROM notifications WHERE kind = 'mention' AND user_id = ?)`,
			true, pm.UserID).Scan(&comments, &internal, &mentions); err != nil {
			t.Fatal(err)
		}
		if comments != 5 || internal != 1 || mentions != 2 {
			t.Errorf("comments %d, internal %d, mentions of the PM %d", comments, internal, mentions)
		}
	})
}
