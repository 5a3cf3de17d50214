package workcal_test

import (
	"context"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/apperr"
	"golive/internal/calendar"
	"golive/internal/work"
	"golive/internal/workcal"
)

var ctx = context.Background()

func cellOf(t *testing.T, y workcal.Year, day string) workcal.Cell {
	t.Helper()
	d := calendar.MustParse(day)
	return y.Months[int(d.Time().Month())-1].Cells[d.Time().Day()-1]
}

func TestYearLayers(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		svc := e.App.WorkCal
		pm, admin := e.Users[apptest.PM].P, e.Users[apptest.Admin].P
		a := e.ProjectA.ID
		y, err := svc.Year(ctx, e.Users[apptest.KeyUser].P, a, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if y.Workdays != 248 || y.Holidays != 19 || y.Makeups != 6 || y.Provisional || len(y.Months) != 12 || len(y.Months[1].Cells) != 28 {
			t.Fatalf("2026: %d working days, provisional %v", y.Workdays, y.Provisional)
		}
		// 2026-01-01 is a Thursday: three blanks before it in a Monday-first grid.
		if len(y.Months[0].Lead) != 3 {
			t.Fatalf("January lead: %d", len(y.Months[0].Lead))
		}
		for _, c := range []struct {
			day, class, source string
		}{
			{"2026-02-16", "holiday", workcal.SourceChina},
			{"2026-02-14", "makeup", workcal.SourceChina},
			{"2026-03-07", "off", ""},
			{"2026-03-09", "work", ""},
		} {
			got := cellOf(t, y, c.day)
			if got.Class() != c.class || got.Source != c.source {
				t.Errorf("%s: %s from %q, want %s from %q", c.day, got.Class(), got.Source, c.class, c.source)
			}
		}
		y27, err := svc.Year(ctx, pm, a, 2027)
		if err != nil || !y27.Provisional || !cellOf(t, y27, "2027-02-08").Estimate {
			t.Fatalf("2027 is provisional: %v %v", err, y27.Provisional)
		}

		// The admin moves a day instance-wide; the PM overrides it for A.
		if _, err := svc.SetDay(ctx, admin, 0, workcal.DayInput{Day: "2026-03-16", Kind: "holiday", Name: "公司年会"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SetDay(ctx, pm, 0, workcal.DayInput{Day: "2026-03-17", Kind: "holiday", Name: "x"}); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("PM edits the instance calendar: %v", err)
		}
		c, err := svc.SetDay(ctx, pm, a, workcal.DayInput{Day: "2026-03-16", Kind: "workday", Name: "年会照常上班"})
		if err != nil || !c.Working || c.Source != workcal.SourceProject || c.Override != 1 {
			t.Fatalf("project override: %v %+v", err, c)
		}
		yb, _ := svc.Year(ctx, pm, e.ProjectB.ID, 2026)
		if b := cellOf(t, yb, "2026-03-16"); b.Working || b.Source != workcal.SourceInstance {
			t.Fatalf("B follows the instance: %+v", b)
		}
		// Change it at its version; a stale version is a conflict.
		c, err = svc.SetDay(ctx, pm, a, workcal.DayInput{Day: "2026-03-16", Kind: "workday", Name: "年会改期", Version: 1})
		if err != nil || c.Name != "年会改期" || c.Override != 2 {
			t.Fatalf("update: %v %+v", err, c)
		}
		if _, err := svc.SetDay(ctx, pm, a, workcal.DayInput{Day: "2026-03-16", Kind: "holiday", Name: "y", Version: 1}); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("stale update: %v", err)
		}
		if _, err := svc.ResetDay(ctx, pm, a, "2026-03-16", workcal.ResetInput{Version: 1}); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("stale reset: %v", err)
		}
		// Reset: the instance decides again; setting it anew revives the row.
		c, err = svc.ResetDay(ctx, pm, a, "2026-03-16", workcal.ResetInput{Version: 2})
		if err != nil || c.Working || c.Source != workcal.SourceInstance || c.Override != 0 {
			t.Fatalf("reset: %v %+v", err, c)
		}
		if _, err := svc.ResetDay(ctx, pm, a, "2026-03-16", workcal.ResetInput{Version: 3}); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("reset twice: %v", err)
		}
		c, err = svc.SetDay(ctx, pm, a, workcal.DayInput{Day: "2026-03-16", Kind: "workday", Name: "又上班"})
		if err != nil || c.Override != 4 || !c.Working {
			t.Fatalf("revive: %v %+v", err, c)
		}
		// Members read; only the PM writes.
		for _, who := range []apptest.Who{apptest.Developer, apptest.Consultant, apptest.CustomerPM} {
			if _, err := svc.SetDay(ctx, e.Users[who].P, a, workcal.DayInput{Day: "2026-03-18", Kind: "holiday", Name: "x"}); apperr.CodeOf(err) != apperr.Forbidden {
				t.Errorf("%s sets a day: %v", who, err)
			}
		}
		if _, err := svc.Year(ctx, e.Users[apptest.OtherCust].P, a, 2026); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("other customer reads A's calendar: %v", err)
		}
		var audits int
		if err := e.App.DB.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity = 'calendar_day'`).Scan(&audits); err != nil || audits != 5 {
			t.Fatalf("audit rows: %d %v", audits, err)
		}
	})
}

func TestOffCalendarAfterAChange(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm := e.Users[apptest.PM].P
		a := e.ProjectA.ID
		tk, err := e.App.Work.Create(ctx, pm, a, work.Input{Title: "现场盘点", StartDate: "2026-03-18", DueDate: "2026-03-20", CustomerVisible: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Work.Create(ctx, pm, a, work.Input{Title: "已完成的任务", Status: "done", StartDate: "2026-03-18", DueDate: "2026-03-18"}); err != nil {
			t.Fatal(err)
		}
		off, err := e.App.WorkCal.OffCalendar(ctx, pm, a, 2026)
		if err != nil || len(off) != 0 {
			t.Fatalf("before: %v %+v", err, off)
		}
		if _, err := e.App.WorkCal.SetDay(ctx, pm, a, workcal.DayInput{Day: "2026-03-18", Kind: "holiday", Name: "停电"}); err != nil {
			t.Fatal(err)
		}
		off, err = e.App.WorkCal.OffCalendar(ctx, pm, a, 2026)
		if err != nil || len(off) != 1 || off[0].ID != tk.ID || !off[0].StartOff || off[0].DueOff || off[0].NextStart != "2026-03-19" {
			t.Fatalf("after: %v %+v", err, off)
		}
		if off, err := e.App.WorkCal.OffCalendar(ctx, e.Users[apptest.KeyUser].P, a, 2026); err != nil || len(off) != 1 {
			t.Fatalf("key user (the task is customer-visible): %v %+v", err, off)
		}
		// Reschedule all: the task starts on the 19th, its successor is pushed.
		succ, err := e.App.Work.Create(ctx, pm, a, work.Input{Title: "盘点差异处理", StartDate: "2026-03-23", DueDate: "2026-03-23"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Work.AddDependency(ctx, pm, a, work.DepInput{PredID: tk.ID, SuccID: succ.ID, Type: "FS"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.WorkCal.RescheduleOffDays(ctx, e.Users[apptest.KeyUser].P, a, 2026); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("key user reschedules: %v", err)
		}
		res, err := e.App.WorkCal.RescheduleOffDays(ctx, e.Users[apptest.Developer].P, a, 2026)
		if err != nil || res.Tasks != 1 {
			t.Fatalf("reschedule all: %v %+v", err, res)
		}
		moved, _, _ := e.App.Work.Get(ctx, pm, a, tk.ID)
		after, _, _ := e.App.Work.Get(ctx, pm, a, succ.ID)
		if moved.StartDate != "2026-03-19" || after.StartDate <= moved.DueDate {
			t.Fatalf("after rescheduling: %s–%s, successor %s", moved.StartDate, moved.DueDate, after.StartDate)
		}
		if off, _ := e.App.WorkCal.OffCalendar(ctx, pm, a, 2026); len(off) != 0 {
			t.Fatalf("still off the calendar: %+v", off)
		}
		// A customer sees it too (the task is customer-visible); B's customer does not.
		if _, err := e.App.WorkCal.OffCalendar(ctx, e.Users[apptest.KeyUser].P, a, 2026); err != nil {
			t.Fatalf("key user: %v", err)
		}
		if _, err := e.App.WorkCal.OffCalendar(ctx, e.Users[apptest.OtherCust].P, a, 2026); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("other customer: %v", err)
		}
	})
}

func TestParseYear(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{{"2026", true}, {" 2027 ", true}, {"2000", true}, {"2100", true}, {"1999", false}, {"2101", false}, {"abc", false}, {"2026.5", false}, {"", true}} {
		_, err := workcal.ParseYear(c.in)
		if (err == nil) != c.ok {
			t.Errorf("ParseYear(%q): %v", c.in, err)
		}
	}
}
