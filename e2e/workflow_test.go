package e2e

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"golive/internal/app/apptest"
	"golive/internal/work"
)

// TestWorkflowShaping: the PM adds a status 客户确认 (category done), is
// told by name when the name is taken, drags the new status before 已完成
// (the order is saved and the board follows it), then removes 待验证,
// which holds a task: the form asks where its tasks go and moves them.
func TestWorkflowShaping(t *testing.T) {
	b := newBrowser(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		pm := e.Users[apptest.PM].P
		a := e.ProjectA.ID
		tk, err := e.App.Work.Create(ctx, pm, a, work.Input{Title: "用户验收测试", Status: "review"})
		if err != nil {
			t.Fatal(err)
		}
		base := "/projects/" + strconv.FormatInt(a, 10)
		tb := b.session(t, e)
		tb.loginAs(apptest.PM)
		tb.open(base + "/workflow")

		// A duplicate name is refused, naming the field.
		tb.fill("new-status-name", "进行中")
		if st := tb.submit(chromedp.Click(chromedp.ID("new-status-save"))); st != 400 {
			t.Fatalf("duplicate: %d", st)
		}
		mustContain(t, "duplicate", tb.bodyText(), "名称: 看板中已有同名状态")
		tb.fill("new-status-name", "客户确认")
		tb.do(chromedp.SetValue(chromedp.ID("new-status-category"), "done"))
		if st := tb.submit(chromedp.Click(chromedp.ID("new-status-save"))); st != 200 {
			t.Fatalf("add: %d", st)
		}
		mustContain(t, "added", tb.bodyText(), "已添加状态“客户确认”")

		// Drag the new (last) row above 已完成.
		order := func() string {
			return eval[string](tb, `Array.from(document.querySelectorAll('#workflow-rows tr')).map(r => r.dataset.key).join(',')`)
		}
		if o := order(); o != "todo,doing,review,done,cancelled,s6" {
			t.Fatalf("order before: %s", o)
		}
		tb.drag(`#workflow-rows tr[data-key="s6"] .drag-handle`, `#workflow-rows tr[data-key="done"] .drag-handle`)
		tb.do(chromedp.Poll[chromedp.Void](`document.getElementById('workflow-live').textContent.indexOf('已保存') >= 0`, chromedp.WithPollingTimeout(5*time.Second)))
		ss, _ := e.App.Work.Workflow(ctx, pm, a)
		var keys string
		for i, s := range ss {
			if i > 0 {
				keys += ","
			}
			keys += s.Key
		}
		if keys != order() || keys != "todo,doing,review,s6,done,cancelled" {
			t.Fatalf("stored order %s, page %s", keys, order())
		}
		tb.shot("workflow-reordered")

		// Remove 待验证: its task must go somewhere.
		tb.open(base + "/workflow")
		if st := tb.submit(chromedp.Click(chromedp.CSS(`#remove-review button`))); st != 400 {
			t.Fatalf("remove without target: %d", st)
		}
		mustContain(t, "target needed", tb.bodyText(), "目标状态: 该状态中还有 1 个任务")
		tb.do(chromedp.SetValue(chromedp.CSS(`#remove-review select`), strconv.FormatInt(ss[3].ID, 10)))
		if st := tb.submit(chromedp.Click(chromedp.CSS(`#remove-review button`))); st != 200 {
			t.Fatalf("remove: %d", st)
		}
		mustContain(t, "removed", tb.bodyText(), "已移除状态，移动了 1 个任务", "已移除的状态", "待验证")
		if got, _, _ := e.App.Work.Get(ctx, pm, a, tk.ID); got.Status != "s6" || got.DoneMS == nil {
			t.Fatalf("moved task: %s done %v", got.Status, got.DoneMS)
		}
		tb.shot("workflow-removed")
		tb.open(base + "/board")
		heads := eval[string](tb, `Array.from(document.querySelectorAll('.board-col-head')).map(h => h.dataset.status).join(',')`)
		if heads != "todo,doing,s6,done,cancelled" {
			t.Errorf("board columns: %s", heads)
		}
	})
}
