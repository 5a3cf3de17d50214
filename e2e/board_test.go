package e2e

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"golive/internal/app/apptest"
	"golive/internal/work"
)

// drag presses on the element matching from, moves in small steps to the
// middle of the element matching to, and releases: what a person does
// with a mouse (SortableJS runs its pointer-event fallback).
func (tb *tab) drag(from, to string) {
	tb.t.Helper()
	type pt struct{ X, Y float64 }
	center := func(sel string) pt {
		js := fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect(); return {X: r.left + r.width / 2, Y: r.top + Math.min(r.height / 2, 40)}; })()`, sel)
		return eval[pt](tb, js)
	}
	eval[chromedp.Void](tb, fmt.Sprintf(`document.querySelector(%q).scrollIntoView({block: "center"})`, from))
	a, b := center(from), center(to)
	steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, a.X, a.Y), chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, a.X, a.Y, chromedp.ButtonLeft)}
	for i := 1; i <= 12; i++ {
		f := float64(i) / 12
		steps = append(steps, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, a.X+(b.X-a.X)*f, a.Y+(b.Y-a.Y)*f, chromedp.ButtonLeft), chromedp.Sleep(15*time.Millisecond))
	}
	steps = append(steps, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, b.X, b.Y, chromedp.ButtonLeft))
	tb.do(steps...)
}

// TestBoardLiveAcrossTwoBrowsers: a developer and a customer key user
// look at the same board in two browser sessions. The developer drags a
// card to 进行中; it arrives in the key user's board within a second,
// without a reload. The key user tries the same: the move is refused,
// the card snaps back, and a message says why.
func TestBoardLiveAcrossTwoBrowsers(t *testing.T) {
	b := newBrowser(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		pm := e.Users[apptest.PM].P
		a := e.ProjectA.ID
		mk := func(title string, in work.Input) work.Task {
			in.Title = title
			tk, err := e.App.Work.Create(ctx, pm, a, in)
			if err != nil {
				t.Fatal(err)
			}
			return tk
		}
		dev, ku := e.Users[apptest.Developer].ID, e.Users[apptest.KeyUser].ID
		moved := mk("物料主数据导入", work.Input{CustomerVisible: true, AssigneeIDs: []int64{dev, ku}, DueDate: "2026-03-20", Labels: []string{"数据迁移"}, Priority: "high",
			Checklist: []work.ChecklistInput{{Text: "模板", Done: true}, {Text: "清洗"}}})
		mk("车间报工流程确认", work.Input{CustomerVisible: true, AssigneeIDs: []int64{ku}, DueDate: "2020-01-10"})
		refused := mk("质量追溯报表", work.Input{CustomerVisible: true, Priority: "urgent"})
		mk("接口联调", work.Input{CustomerVisible: true, Status: "doing", AssigneeIDs: []int64{dev}})
		mk("内部代码评审（客户不可见）", work.Input{Status: "doing"})
		mk("培训材料", work.Input{CustomerVisible: true, Status: "review"})
		mk("蓝图确认", work.Input{CustomerVisible: true, Status: "done"})
		path := "/projects/" + strconv.FormatInt(a, 10) + "/board"

		devTab := b.session(t, e)
		devTab.loginAs(apptest.Developer)
		custTab := b.session(t, e)
		custTab.loginAs(apptest.KeyUser)
		for _, tb := range []*tab{devTab, custTab} {
			if st := tb.open(path); st != 200 {
				t.Fatalf("board: %d", st)
			}
			tb.do(chromedp.Poll[chromedp.Void](`document.getElementById('board').getAttribute('data-live') === 'on'`, chromedp.WithPollingTimeout(5*time.Second)))
		}
		mustNotContain(t, "customer's board", custTab.html(), "内部代码评审")
		mustContain(t, "developer's board", devTab.bodyText(), "内部代码评审", "物料主数据导入", "待办", "进行中")

		card := "#card-" + strconv.FormatInt(moved.ID, 10)
		inCell := func(status string) string {
			return fmt.Sprintf(`(() => { const c = document.querySelector(%q); return !!c && c.closest('.board-cell').dataset.status === %q; })()`, card, status)
		}
		devTab.drag(card, `.board-cell[data-status="doing"]`)
		devTab.do(chromedp.Poll[chromedp.Void](inCell("doing")+` && document.querySelector(`+strconv.Quote(card)+`).dataset.version === "2"`, chromedp.WithPollingTimeout(5*time.Second)))
		start := time.Now()
		custTab.do(chromedp.Poll[chromedp.Void](inCell("doing"), chromedp.WithPollingTimeout(3*time.Second), chromedp.WithPollingInterval(20*time.Millisecond)))
		if d := time.Since(start); d > time.Second {
			t.Errorf("the move took %v to arrive in the other browser", d)
		} else {
			t.Logf("the move arrived in the other browser %v after the mover's board confirmed it", d)
		}
		if got, _, err := e.App.Work.Get(ctx, pm, a, moved.ID); err != nil || got.Status != "doing" {
			t.Fatalf("stored status: %v %q", err, got.Status)
		}
		// WIP counts follow on both boards.
		for _, tb := range []*tab{devTab, custTab} {
			tb.do(chromedp.Poll[chromedp.Void](`document.querySelector('.board-col-head[data-status="todo"] .count').textContent === "2"`, chromedp.WithPollingTimeout(3*time.Second)))
		}
		devTab.shot("board-mover")
		custTab.shot("board-viewer")

		// The customer may look but not move: the card snaps back.
		rc := "#card-" + strconv.FormatInt(refused.ID, 10)
		custTab.drag(rc, `.board-cell[data-status="done"]`)
		custTab.do(chromedp.Poll[chromedp.Void](`document.querySelector('#toast .toast-msg') !== null`, chromedp.WithPollingTimeout(5*time.Second)))
		custTab.do(chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).closest('.board-cell').dataset.status === "todo"`, rc), chromedp.WithPollingTimeout(2*time.Second)))
		mustContain(t, "refusal message", custTab.text("#toast"), "权限")
		custTab.shot("board-refused")
		if got, _, _ := e.App.Work.Get(ctx, pm, a, refused.ID); got.Status != "todo" || got.Version != refused.Version {
			t.Errorf("refused move changed the task: %+v", got)
		}
		// The developer's board did not move it either.
		if ok := eval[bool](devTab, fmt.Sprintf(`document.querySelector(%q).closest('.board-cell').dataset.status === "todo"`, rc)); !ok {
			t.Error("the refused card moved on the other board")
		}
	})
}

// TestTasksTreeFormAndMyWork: the WBS list collapses a subtree; the task
// form refuses a due date before the start with an inline message and
// keeps what was typed; "my work" groups a developer's tasks and fits a
// phone screen.
func TestTasksTreeFormAndMyWork(t *testing.T) {
	b := newBrowser(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		pm := e.Users[apptest.PM].P
		a := e.ProjectA.ID
		dev := e.Users[apptest.Developer].ID
		today := time.Now().In(time.FixedZone("CST", 8*3600))
		day := func(d int) string { return today.AddDate(0, 0, d).Format("2006-01-02") }
		mk := func(title string, in work.Input) work.Task {
			in.Title = title
			tk, err := e.App.Work.Create(ctx, pm, a, in)
			if err != nil {
				t.Fatal(err)
			}
			return tk
		}
		top := mk("需求调研", work.Input{AssigneeIDs: []int64{dev}, StartDate: day(-20), DueDate: day(-2)})
		mid := mk("车间现场调研", work.Input{ParentID: &top.ID, AssigneeIDs: []int64{dev}, DueDate: day(0), Priority: "high"})
		mk("报工流程访谈", work.Input{ParentID: &mid.ID, AssigneeIDs: []int64{dev}, DueDate: day(1)})
		mk("质量追溯访谈", work.Input{ParentID: &mid.ID, DueDate: day(30)})
		mk("方案设计", work.Input{AssigneeIDs: []int64{dev}})
		mk("确认调研提纲", work.Input{AssigneeIDs: []int64{dev}, DueDate: day(0)})
		path := "/projects/" + strconv.FormatInt(a, 10)

		tb := b.session(t, e)
		tb.loginAs(apptest.Developer)
		tb.open(path + "/tasks")
		tb.do(chromedp.WaitVisible(chromedp.ID("tasks")))
		mustContain(t, "task list", tb.bodyText(), "1.1.1", "报工流程访谈", "方案设计")
		visible := func() int {
			return eval[int](tb, `Array.from(document.querySelectorAll('#tasks tbody tr')).filter(r => !r.hidden).length`)
		}
		if n := visible(); n != 6 {
			t.Fatalf("%d rows visible, want 6", n)
		}
		tb.do(chromedp.Click(chromedp.CSS(`[data-toggle="` + strconv.FormatInt(mid.ID, 10) + `"]`)))
		if n := visible(); n != 4 {
			t.Errorf("after collapsing 车间现场调研: %d rows visible, want 4", n)
		}
		tb.shot("tasks-tree")

		// The edit form: a due date before the start is named inline.
		tb.open(path + "/tasks/" + strconv.FormatInt(mid.ID, 10) + "/edit")
		tb.do(chromedp.WaitVisible(chromedp.ID("task-form")))
		tb.fill("title", "车间现场调研（二次）")
		eval[chromedp.Void](tb, `document.getElementById('start_date').value = '2026-05-10'; document.getElementById('due_date').value = '2026-05-01'`)
		if st := tb.submit(chromedp.Click(chromedp.ID("task-save"))); st != 400 {
			t.Fatalf("bad dates: status %d", st)
		}
		mustContain(t, "form with errors", tb.bodyText(), "截止日期: 不能早于开始日期")
		if v := tb.value("#title"); v != "车间现场调研（二次）" {
			t.Errorf("typed title lost: %q", v)
		}
		tb.shot("task-form-error")
		eval[chromedp.Void](tb, `document.getElementById('due_date').value = '2026-05-12'`)
		if st := tb.submit(chromedp.Click(chromedp.ID("task-save"))); st != 200 {
			t.Fatalf("valid save: status %d", st)
		}
		mustContain(t, "task page", tb.bodyText(), "车间现场调研（二次）", "2026-05-12", "子任务", "报工流程访谈")
		tb.shot("task-detail")

		// My work on a phone.
		ph := b.session(t, e)
		ph.do(chromedp.EmulateViewport(390, 844, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch))
		ph.loginAs(apptest.Developer)
		ph.open("/my")
		ph.do(chromedp.WaitVisible(chromedp.CSS(".my-list")))
		// (报工流程访谈, due tomorrow, is "this week" except on a Sunday.)
		mustContain(t, "my work", ph.bodyText(), "已逾期", "需求调研", "今天", "确认调研提纲", "以后", "方案设计", "报工流程访谈")
		if w := eval[int](ph, `document.documentElement.scrollWidth`); w > 390 {
			t.Errorf("my work is %dpx wide on a 390px screen", w)
		}
		ph.shot("my-work-phone")
	})
}
