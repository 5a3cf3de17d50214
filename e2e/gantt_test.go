package e2e

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"golive/internal/app/apptest"
	"golive/internal/calendar"
	"golive/internal/db"
	"golive/internal/schedule"
)

// ganttPlanTask is one task of the seeded plan.
type ganttPlanTask struct {
	title     string
	phase     int // index into ganttPhases
	days      int // 0: milestone
	internal  bool
	status    string
	progress  int
	deps      []ganttPlanDep
	milestone bool
}

type ganttPlanDep struct {
	pred int // index into the plan
	typ  schedule.DepType
	lag  int
}

var ganttPhases = []string{"启动", "需求调研", "方案设计", "系统配置"}

// ganttPlan is a small implementation plan: phases, FS/SS/FF links with
// lags and a lead, two milestones and one internal task.
var ganttPlan = []ganttPlanTask{
	{title: "项目启动会", phase: 0, days: 2, status: "done", progress: 100},
	{title: "项目章程签署", phase: 0, days: 0, milestone: true, status: "done", deps: []ganttPlanDep{{0, schedule.FS, 0}}},
	{title: "现状调研", phase: 1, days: 5, status: "doing", progress: 60, deps: []ganttPlanDep{{1, schedule.FS, 0}}},
	{title: "关键用户访谈", phase: 1, days: 3, status: "doing", progress: 30, deps: []ganttPlanDep{{2, schedule.SS, 1}}},
	{title: "需求确认书编写", phase: 1, days: 3, deps: []ganttPlanDep{{2, schedule.FS, 0}, {3, schedule.FS, 0}}},
	{title: "需求确认", phase: 1, days: 0, milestone: true, deps: []ganttPlanDep{{4, schedule.FS, 0}}},
	{title: "总体方案设计", phase: 2, days: 5, deps: []ganttPlanDep{{5, schedule.FS, 0}}},
	{title: "接口方案（内部）", phase: 2, days: 4, internal: true, deps: []ganttPlanDep{{6, schedule.SS, 2}}},
	{title: "方案评审", phase: 2, days: 2, deps: []ganttPlanDep{{6, schedule.FS, 0}, {7, schedule.FF, 0}}},
	{title: "基础数据配置", phase: 3, days: 5, deps: []ganttPlanDep{{8, schedule.FS, 0}}},
	{title: "业务流程配置", phase: 3, days: 6, deps: []ganttPlanDep{{8, schedule.FS, 0}}},
	{title: "权限配置", phase: 3, days: 3, deps: []ganttPlanDep{{10, schedule.FS, -1}}},
	{title: "配置验证", phase: 3, days: 2, deps: []ganttPlanDep{{9, schedule.FS, 0}, {11, schedule.FS, 0}}},
}

// seedGanttPlan writes the plan into project A, dated by the scheduler
// from three weeks before today, and returns the task ids in plan order.
func seedGanttPlan(t *testing.T, e *apptest.Env) []int64 {
	t.Helper()
	cal := calendar.ChinaCalendar()
	start := calendar.Of(time.Now()) - 21
	sp := schedule.Plan{Start: start, Calendar: cal}
	for i, pt := range ganttPlan {
		sp.Tasks = append(sp.Tasks, schedule.Task{ID: int64(i + 1), Duration: pt.days})
		for _, d := range pt.deps {
			sp.Deps = append(sp.Deps, schedule.Dep{Pred: int64(d.pred + 1), Succ: int64(i + 1), Type: d.typ, Lag: d.lag})
		}
	}
	res, err := schedule.Compute(sp)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ids := make([]int64, len(ganttPlan))
	err = e.App.DB.Tx(ctx, func(tx *db.Tx) error {
		now := time.Now().UnixMilli()
		phaseIDs := make([]int64, len(ganttPhases))
		for i, name := range ganttPhases {
			if err := tx.QueryRow(ctx, `INSERT INTO phases (project_id, seq, name, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?) RETURNING id`,
				e.ProjectA.ID, i+1, name, now, now).Scan(&phaseIDs[i]); err != nil {
				return err
			}
		}
		for i, pt := range ganttPlan {
			status := pt.status
			if status == "" {
				status = "todo"
			}
			tm := res.Tasks[i]
			if err := tx.QueryRow(ctx, `INSERT INTO tasks (project_id, number, title, status, start_date, due_date, duration_days, milestone, estimate_min, progress, phase_id, customer_visible, created_ms, updated_ms)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, e.ProjectA.ID, i+1, pt.title, status, tm.ES.String(), tm.EF.String(),
				max(pt.days, 1), pt.milestone, pt.days*480, pt.progress, phaseIDs[pt.phase], !pt.internal, now, now).Scan(&ids[i]); err != nil {
				return err
			}
		}
		for i, pt := range ganttPlan {
			for _, d := range pt.deps {
				if _, err := tx.Exec(ctx, `INSERT INTO task_deps (project_id, pred_id, succ_id, type, lag_days, created_ms) VALUES (?, ?, ?, ?, ?, ?)`,
					e.ProjectA.ID, ids[d.pred], ids[i], d.typ.String(), d.lag, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func ganttTaskDates(t *testing.T, e *apptest.Env, id int64) (string, string, int64) {
	t.Helper()
	var s, d string
	var v int64
	if err := e.App.DB.QueryRow(context.Background(), `SELECT start_date, due_date, version FROM tasks WHERE id = ?`, id).Scan(&s, &d, &v); err != nil {
		t.Fatal(err)
	}
	return s, d, v
}

// TestGantt opens the Gantt of a seeded plan as the PM: bars, milestones,
// dependency arrows and the critical path are drawn; a baseline is saved
// with the form; a bar is dragged three days later and its successors
// follow, slipping against the baseline; a bar moves with the keyboard.
// A key user sees the same chart without the internal task and cannot
// drag.
func TestGantt(t *testing.T) {
	b := newBrowser(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ids := seedGanttPlan(t, e)
		tb := b.session(t, e)
		tb.loginAs(apptest.PM)
		page := "/projects/" + strconv.FormatInt(e.ProjectA.ID, 10) + "/gantt"
		if st := tb.open(page); st != 200 {
			t.Fatalf("open %s: status %d", page, st)
		}
		tb.do(chromedp.WaitVisible(chromedp.CSS("svg.gantt-svg")))
		mustContain(t, "sidebar", tb.text(".sidebar"), "甘特图")
		count := func(sel string) int {
			return eval[int](tb, `document.querySelectorAll(`+strconv.Quote(sel)+`).length`)
		}
		deps := 0
		for _, pt := range ganttPlan {
			deps += len(pt.deps)
		}
		if n := count("path.gantt-arrow"); n != deps {
			t.Errorf("%d dependency arrows, want %d", n, deps)
		}
		if n := count("path.gantt-arrow.crit"); n < 6 {
			t.Errorf("%d critical arrows, want the chain from kick-off to verification", n)
		}
		if n := count("g.gantt-task.crit"); n < 8 {
			t.Errorf("%d critical tasks drawn", n)
		}
		if n := count("g.gantt-task:not(.crit) rect.gantt-bar"); n < 2 {
			t.Errorf("%d non-critical bars; the interviews and the base data have float", n)
		}
		if n := count("polygon.gantt-diamond"); n != 2 {
			t.Errorf("%d milestones, want 2", n)
		}
		if count("line.gantt-today") != 1 || count("rect.gantt-off") == 0 {
			t.Error("no today line or no shaded days off")
		}
		if n := count(".gantt-item.k-phase"); n != len(ganttPhases) {
			t.Errorf("%d phase rows, want %d", n, len(ganttPhases))
		}
		mustContain(t, "task list", tb.text(".gantt-list"), "总体方案设计", "接口方案（内部）", "需求确认")
		tb.shot("gantt")

		// Freeze the plan.
		tb.fill("baseline-name", "计划基线 v1")
		if st := tb.submit(chromedp.Click(chromedp.ID("baseline-create"))); st != 200 {
			t.Fatalf("create baseline: %d: %s", st, clip(tb.bodyText()))
		}
		tb.do(chromedp.WaitVisible(chromedp.CSS("svg.gantt-svg")))
		mustContain(t, "after baseline", tb.bodyText(), "已保存基线")
		if n := count("rect.gantt-baseline, polygon.gantt-baseline"); n != len(ganttPlan) {
			t.Errorf("%d baseline marks, want %d", n, len(ganttPlan))
		}

		// Drag 总体方案设计 three days to the right.
		design := ids[6]
		s0, _, v0 := ganttTaskDates(t, e, design)
		sel := fmt.Sprintf(`.gantt-drag[data-id="%d"] rect.gantt-bar`, design)
		eval[chromedp.Void](tb, `document.querySelector(`+strconv.Quote(sel)+`).scrollIntoView({block: "center", inline: "center"})`)
		box := eval[[]float64](tb, `(() => { const r = document.querySelector(`+strconv.Quote(sel)+`).getBoundingClientRect(); return [r.x + 6, r.y + r.height / 2]; })()`)
		dayW := float64(eval[int](tb, `+document.getElementById("gantt-chart").dataset.dayw`))
		x, y := box[0], box[1]
		held := func(p *input.DispatchMouseEventParams) { p.Button, p.Buttons = input.MouseButtonLeft, 1 }
		steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(chromedp.MousePressed, x, y, chromedp.ButtonLeft, func(p *input.DispatchMouseEventParams) { p.ClickCount = 1; p.Buttons = 1 })}
		for i := 1; i <= 6; i++ {
			steps = append(steps, chromedp.MouseEvent(chromedp.MouseMoved, x+dayW*3*float64(i)/6, y, held))
		}
		tb.do(steps...)
		if lbl := eval[string](tb, `(document.getElementById("gantt-drag-label") || {}).textContent || ""`); lbl == "" {
			t.Error("no date label while dragging")
		}
		tb.shot("gantt-dragging")
		tb.do(chromedp.MouseEvent(chromedp.MouseReleased, x+dayW*3, y, chromedp.ButtonLeft, func(p *input.DispatchMouseEventParams) { p.ClickCount = 1 }))
		// The chart is redrawn from the server once the move is saved.
		tb.do(chromedp.WaitVisible(chromedp.CSS(".toast-msg")))
		mustContain(t, "toast", tb.text(".toast-msg"), "已调整")
		s1, _, v1 := ganttTaskDates(t, e, design)
		want := calendar.ChinaCalendar().Next(calendar.MustParse(s0) + 3).String()
		if s1 != want || v1 != v0+1 {
			t.Errorf("dragged task starts %s (v%d), want %s (v%d)", s1, v1, want, v0+1)
		}
		review, _, rv := ganttTaskDates(t, e, ids[8])
		if rv == 1 {
			t.Errorf("方案评审 (%s) was not pushed", review)
		}
		tb.do(chromedp.WaitVisible(chromedp.CSS("text.gantt-slip.late")))
		if n := count("text.gantt-slip.late"); n < 4 {
			t.Errorf("%d tasks shown late against the baseline", n)
		}
		tb.shot("gantt-slipped")

		// The keyboard: focus the last task, two days right, Enter.
		last := ids[len(ids)-1]
		ls0, _, lv0 := ganttTaskDates(t, e, last)
		lsel := fmt.Sprintf(`.gantt-drag[data-id="%d"]`, last)
		eval[chromedp.Void](tb, `document.querySelector(`+strconv.Quote(lsel)+`).focus()`)
		tb.do(chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.Enter))
		if _, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](fmt.Sprintf(`(document.querySelector('.gantt-drag[data-id="%d"]') || {dataset: {}}).dataset.version === "%d"`, last, lv0+1),
			chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			t.Fatalf("keyboard move did not redraw: %v", err)
		}
		if ls1, _, _ := ganttTaskDates(t, e, last); ls1 <= ls0 {
			t.Errorf("keyboard move: %s → %s", ls0, ls1)
		}

		// A key user: the chart without the internal task, nothing to drag.
		cust := b.session(t, e)
		cust.loginAs(apptest.KeyUser)
		if st := cust.open(page); st != 200 {
			t.Fatalf("customer: status %d", st)
		}
		cust.do(chromedp.WaitVisible(chromedp.CSS("svg.gantt-svg")))
		mustNotContain(t, "customer's chart", cust.html(), "接口方案（内部）")
		mustContain(t, "customer's chart", cust.text(".gantt-list"), "总体方案设计", "方案评审")
		if n := eval[int](cust, `document.querySelectorAll(".gantt-drag").length`); n != 0 {
			t.Errorf("the customer can drag %d bars", n)
		}
		cust.shot("gantt-customer")
	})
}
