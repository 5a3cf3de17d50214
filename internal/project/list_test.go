package project_test

import (
	"context"
	"fmt"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/db"
	"golive/internal/project"
)

// List counts only when the page does not tell the total by itself; the
// total must be the same whichever way it was found.
func TestListTotalOnEveryPage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		svc := e.App.Projects
		pm := e.Users[apptest.PM].P
		for i := 1; i <= 5; i++ { // 2 fixtures + 5 = 7 projects
			if _, err := svc.Create(ctx, pm, project.Input{Code: fmt.Sprintf("T%d", i), Name: fmt.Sprintf("项目 %d", i), CustomerCompanyID: e.CompanyA.ID, Product: "MES"}); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct{ page, size, items int }{
			{1, 50, 7}, {1, 7, 7}, {1, 6, 6}, {2, 6, 1}, {2, 3, 3}, {3, 3, 1}, {4, 3, 0}, {9, 3, 0},
		} {
			items, total, err := svc.List(ctx, pm, project.ListFilter{}, db.Page{Number: c.page, Size: c.size})
			if err != nil {
				t.Fatal(err)
			}
			if total != 7 || len(items) != c.items {
				t.Errorf("page %d of %d: %d items, total %d; want %d items, total 7", c.page, c.size, len(items), total, c.items)
			}
		}
		// A customer sees only their company's projects, and the total agrees.
		items, total, err := svc.List(ctx, e.Users[apptest.OtherCust].P, project.ListFilter{}, db.Page{Number: 1, Size: 50})
		if err != nil || total != 1 || len(items) != 1 {
			t.Fatalf("other customer: %d items, total %d, %v", len(items), total, err)
		}
	})
}
