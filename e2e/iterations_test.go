package e2e

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"golive/internal/app/apptest"
	"golive/internal/demo"
	"golive/internal/work"
)

// The iteration page draws its burndown and the list its velocity with
// chart.js (no inline script: iterations.js reads the canvas's data).
func TestIterationCharts(t *testing.T) {
	b := newBrowser(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		pm := e.Users[apptest.PM].P
		for i := 0; i < 8; i++ {
			tk, err := e.App.Work.Create(ctx, pm, e.ProjectA.ID, work.Input{Title: fmt.Sprintf("迭代任务%d", i), EstimateMin: 480, RemainingMin: 480})
			if err != nil {
				t.Fatal(err)
			}
			if i < 3 {
				e.App.DB.Exec(ctx, `UPDATE tasks SET done_ms = ? WHERE id = ?`, tk.CreatedMS, tk.ID)
			}
		}
		if err := demo.LoadIterations(ctx, e.App, []int64{e.ProjectA.ID}); err != nil {
			t.Fatal(err)
		}
		its, _ := e.App.Work.ListIterations(ctx, pm, e.ProjectA.ID)
		tb := b.session(t, e)
		tb.loginAs(apptest.PM)
		base := "/projects/" + strconv.FormatInt(e.ProjectA.ID, 10) + "/iterations"
		if st := tb.open(base + "/" + strconv.FormatInt(its[1].ID, 10)); st != 200 {
			t.Fatalf("iteration page: %d", st)
		}
		tb.do(chromedp.WaitVisible(chromedp.CSS("#iter-burndown")))
		if !eval[bool](tb, `typeof Chart !== "undefined" && !!Chart.getChart(document.getElementById("iter-burndown"))`) {
			t.Errorf("burndown chart not drawn")
		}
		mustContain(t, "iteration page", tb.bodyText(), "冲刺 2", "燃尽图", "迭代任务")
		tb.shot("iteration")
		if st := tb.open(base); st != 200 {
			t.Fatalf("iterations page: %d", st)
		}
		if !eval[bool](tb, `!!Chart.getChart(document.getElementById("iter-velocity"))`) {
			t.Errorf("velocity chart not drawn")
		}
		tb.shot("iterations")
	})
}
