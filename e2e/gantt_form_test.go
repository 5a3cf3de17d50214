package e2e

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"golive/internal/app/apptest"
	"golive/internal/calendar"
)

// After a drag, the reschedule form beside the chart must carry the task's
// new version: a save through it right after the drag is not a conflict.
func TestGanttFormAfterDrag(t *testing.T) {
	b := newBrowser(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ids := seedGanttPlan(t, e)
		tb := b.session(t, e)
		tb.loginAs(apptest.PM)
		last := ids[len(ids)-1]
		page := "/projects/" + strconv.FormatInt(e.ProjectA.ID, 10) + "/gantt?task=" + strconv.FormatInt(last, 10)
		if st := tb.open(page); st != 200 {
			t.Fatalf("open: %d", st)
		}
		tb.do(chromedp.WaitVisible(chromedp.ID("gantt-reschedule")))
		_, _, v0 := ganttTaskDates(t, e, last)
		if tb.value(`#gantt-reschedule input[name=version]`) != strconv.FormatInt(v0, 10) {
			t.Fatal("the form does not carry the task's version")
		}
		sel := fmt.Sprintf(`.gantt-drag[data-id="%d"]`, last)
		eval[chromedp.Void](tb, `document.querySelector(`+strconv.Quote(sel)+`).focus()`)
		tb.do(chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.Enter))
		if _, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](fmt.Sprintf(`document.querySelector('#gantt-reschedule input[name=version]').value === "%d"`, v0+1),
			chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			t.Fatalf("the form kept the old version after the drag: %v", err)
		}
		s1, _, _ := ganttTaskDates(t, e, last)
		if got := tb.value("#gantt-start"); got != s1 {
			t.Errorf("form start %s, task starts %s", got, s1)
		}
		// Save a later start through the form: accepted, no conflict page.
		want := calendar.ChinaCalendar().AddWorkdays(calendar.MustParse(s1), 2).String()
		eval[chromedp.Void](tb, `document.getElementById("gantt-start").value = `+strconv.Quote(want))
		if st := tb.submit(chromedp.Click(chromedp.ID("gantt-reschedule-submit"))); st != 200 {
			t.Fatalf("form save after drag: %d: %s", st, clip(tb.bodyText()))
		}
		mustNotContain(t, "after save", tb.bodyText(), "刚被其他人修改过")
		if s2, _, v2 := ganttTaskDates(t, e, last); s2 != want || v2 != v0+2 {
			t.Errorf("after the form: starts %s v%d, want %s v%d", s2, v2, want, v0+2)
		}
		tb.shot("gantt-form-after-drag")
	})
}
