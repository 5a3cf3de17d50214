package e2e

import (
	"context"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"golive/internal/app/apptest"
	"golive/internal/work"
)

// A PM planning an iteration sees the developer over capacity, gives the
// developer more hours (overtime agreed) and edits the iteration's goal.
func TestIterationCapacityAndEdit(t *testing.T) {
	b := newBrowser(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		pm := e.Users[apptest.PM].P
		a := e.ProjectA.ID
		it, err := e.App.Work.CreateIteration(ctx, pm, a, work.IterationInput{Name: "冲刺 容量", StartDate: "2026-03-30", EndDate: "2026-04-10"})
		if err != nil {
			t.Fatal(err)
		}
		dev := e.Users[apptest.Developer].ID
		var ids []int64
		for _, title := range []string{"接口开发", "报表开发", "数据校验脚本"} {
			tk, err := e.App.Work.Create(ctx, pm, a, work.Input{Title: title, EstimateMin: 24 * 60, AssigneeIDs: []int64{dev}})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, tk.ID)
		}
		if _, err := e.App.Work.AssignTasks(ctx, pm, a, work.AssignInput{TaskIDs: ids, IterationID: it.ID}); err != nil {
			t.Fatal(err)
		}
		tb := b.session(t, e)
		tb.loginAs(apptest.PM)
		base := "/projects/" + strconv.FormatInt(a, 10) + "/iterations"
		if st := tb.open(base); st != 200 {
			t.Fatalf("list: %d", st)
		}
		mustContain(t, "planning list", tb.bodyText(), "1 人超负荷")
		page := base + "/" + strconv.FormatInt(it.ID, 10)
		if st := tb.open(page); st != 200 {
			t.Fatalf("iteration: %d", st)
		}
		mustContain(t, "capacity", tb.text("#iter-capacity"), "9 个工作日", "超负荷", "developer", "72")
		tb.shot("iteration-capacity-over")

		// 72 h committed, 50.4 h by default: the PM grants 80 h.
		tb.fill("avail-"+strconv.FormatInt(dev, 10), "80")
		if st := tb.submit(chromedp.Click(chromedp.ID("capacity-save"))); st != 200 {
			t.Fatalf("capacity save: %d: %s", st, clip(tb.bodyText()))
		}
		mustContain(t, "after save", tb.bodyText(), "可用工时已保存")
		mustNotContain(t, "after save", tb.text("#iter-capacity"), "超负荷")

		// The edit form: a new goal and focus factor.
		if st := tb.submit(chromedp.Click(chromedp.ID("iteration-edit"))); st != 200 {
			t.Fatalf("edit form: %d", st)
		}
		tb.fill("it-goal", "完成接口与报表开发")
		tb.fill("it-focus", "60")
		tb.shot("iteration-edit")
		if st := tb.submit(chromedp.Click(chromedp.ID("iteration-save"))); st != 200 {
			t.Fatalf("edit save: %d: %s", st, clip(tb.bodyText()))
		}
		mustContain(t, "after edit", tb.bodyText(), "完成接口与报表开发", "专注系数 60%")
		tb.shot("iteration-capacity")
	})
}
