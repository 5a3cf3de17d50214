package e2e

import (
	"context"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"golive/internal/app/apptest"
	"golive/internal/work"
)

// TestWorkingCalendarPage: the PM opens the project's calendar for 2026,
// clicks 18 March and makes it a project holiday with a name; the day
// turns into a holiday in the grid, the task that starts on it is listed
// as now dated on a day off, and one click reschedules it through the
// Gantt's push onto the next working day. A key user reads the same calendar
// without edit links; 2027 says its holidays are provisional; the
// administrator's instance calendar is the same page over the instance.
func TestWorkingCalendarPage(t *testing.T) {
	b := newBrowser(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		pm := e.Users[apptest.PM].P
		a := e.ProjectA.ID
		tk, err := e.App.Work.Create(ctx, pm, a, work.Input{Title: "现场盘点", StartDate: "2026-03-18", DueDate: "2026-03-20", CustomerVisible: true})
		if err != nil {
			t.Fatal(err)
		}
		base := "/projects/" + strconv.FormatInt(a, 10) + "/calendar"

		tb := b.session(t, e)
		tb.loginAs(apptest.PM)
		if st := tb.open(base + "?year=2026"); st != 200 {
			t.Fatalf("calendar: %d", st)
		}
		mustContain(t, "calendar", tb.bodyText(), "工作日历", "工作日 248 天", "春节", "调休上班")
		if n := eval[int](tb, `document.querySelectorAll('.cal-month').length`); n != 12 {
			t.Fatalf("%d months", n)
		}
		if c := eval[string](tb, `document.querySelector('td[data-date="2026-02-16"]').className`); c != "cal-day holiday" {
			t.Errorf("春节 cell: %q", c)
		}
		tb.do(chromedp.Click(chromedp.CSS(`td[data-date="2026-03-18"] a`)))
		tb.do(chromedp.WaitVisible(chromedp.ID("day-form")))
		tb.do(chromedp.SetValue(chromedp.ID("cal-kind"), "holiday"))
		tb.fill("cal-name", "园区停电检修")
		if st := tb.submit(chromedp.Click(chromedp.ID("cal-save"))); st != 200 {
			t.Fatalf("save: %d", st)
		}
		mustContain(t, "after saving", tb.bodyText(), "已保存 2026-03-18", "园区停电检修", "本项目调整", "1 个未完成任务的日期落在休息日", "现场盘点", "工作日 247 天")
		if c := eval[string](tb, `document.querySelector('td[data-date="2026-03-18"]').className`); c != "cal-day holiday own sel" {
			t.Errorf("changed cell: %q", c)
		}
		tb.shot("calendar-project")
		// Reschedule on the new calendar (the Gantt's push): the task starts on the 19th.
		if st := tb.submit(chromedp.Click(chromedp.CSS(`#reschedule-all button`))); st != 200 {
			t.Fatalf("reschedule: %d", st)
		}
		mustContain(t, "after rescheduling", tb.bodyText(), "已把 1 个任务的开始日期移到工作日")
		mustNotContain(t, "after rescheduling", tb.bodyText(), "未完成任务的日期落在休息日")
		got, _, err := e.App.Work.Get(ctx, pm, a, tk.ID)
		if err != nil || got.StartDate != "2026-03-19" {
			t.Fatalf("rescheduled start: %v %q", err, got.StartDate)
		}

		// A key user reads it, cannot edit.
		ku := b.session(t, e)
		ku.loginAs(apptest.KeyUser)
		ku.open(base + "?year=2026&day=2026-03-18")
		mustContain(t, "key user's calendar", ku.bodyText(), "园区停电检修")
		if n := eval[int](ku, `document.querySelectorAll('#cal-year a, #day-form').length`); n != 0 {
			t.Errorf("a key user is offered %d edit links", n)
		}
		ku.open(base + "?year=2027")
		mustContain(t, "2027", ku.bodyText(), "暂定")
		ku.shot("calendar-2027-key-user")

		// The instance calendar, for the administrator.
		ad := b.session(t, e)
		ad.loginAs(apptest.Admin)
		if st := ad.open("/admin/calendar?year=2027&day=2027-02-05"); st != 200 {
			t.Fatalf("admin calendar: %d", st)
		}
		mustContain(t, "admin calendar", ad.bodyText(), "全局工作日历", "春节（暂定）")
		ad.shot("calendar-admin")
	})
}
