package calendar_test

import (
	"context"
	"testing"
	"time"

	"golive/internal/app/apptest"
	"golive/internal/calendar"
	"golive/internal/db"
)

// The stored overrides as table cases on both dialects: which rows a
// project's calendar reads and in which order the layers win.
func TestLoadLayersOverrides(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		a, b := e.ProjectA.ID, e.ProjectB.ID
		now := time.Now().UnixMilli()
		rows := []struct {
			project int64
			day     string
			kind    string
			name    string
			deleted bool
		}{
			{0, "2026-10-08", "workday", "全局：国庆后补班", false}, // a shipped holiday (Thursday) made a working day instance-wide
			{0, "2026-03-16", "holiday", "全局：公司年会", false},  // a Monday off for everyone
			{a, "2026-03-16", "workday", "甲：年会照常上班", false}, // …but project A works
			{a, "2026-03-21", "workday", "甲：周六赶工", false},   // a Saturday worked in A
			{b, "2026-03-23", "holiday", "乙：工厂停产", false},   // B's own day off
			{a, "2026-03-24", "holiday", "甲：已恢复默认", true},   // reset: ignored
			{a, "2026-3-25", "holiday", "日期写错", false},      // an unreadable day is skipped
		}
		if err := e.App.DB.Tx(ctx, func(tx *db.Tx) error {
			for _, r := range rows {
				var pid, del any
				if r.project != 0 {
					pid = r.project
				}
				if r.deleted {
					del = now
				}
				if _, err := tx.Exec(ctx, `INSERT INTO calendar_days (project_id, day, kind, name, created_ms, updated_ms, deleted_ms) VALUES (?, ?, ?, ?, ?, ?, ?)`,
					pid, r.day, r.kind, r.name, now, now, del); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			project int64
			day     string
			working bool
			name    string
		}{
			{0, "2026-10-08", true, "全局：国庆后补班"},
			{a, "2026-10-08", true, "全局：国庆后补班"},
			{0, "2026-10-07", false, "国庆节"},
			{0, "2026-03-16", false, "全局：公司年会"},
			{a, "2026-03-16", true, "甲：年会照常上班"},
			{b, "2026-03-16", false, "全局：公司年会"},
			{a, "2026-03-21", true, "甲：周六赶工"},
			{b, "2026-03-21", false, ""},
			{a, "2026-03-23", true, ""},
			{b, "2026-03-23", false, "乙：工厂停产"},
			{a, "2026-03-24", true, ""},
			{a, "2026-03-25", true, ""},
			{a, "2026-02-14", true, "春节调休上班"},
			{a, "2027-02-08", false, "春节（暂定）"},
		} {
			cal, err := calendar.Load(ctx, e.App.DB, c.project)
			if err != nil {
				t.Fatal(err)
			}
			d := calendar.MustParse(c.day)
			x, _ := cal.Lookup(d)
			if cal.IsWorkday(d) != c.working || x.Name != c.name {
				t.Errorf("project %d %s: working %v %q, want %v %q", c.project, c.day, cal.IsWorkday(d), x.Name, c.working, c.name)
			}
		}
		// Bounds: only the rows of the range, instance rows first.
		os, err := calendar.Overrides(ctx, e.App.DB, a, "2026-03-01", "2026-03-31")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, o := range os {
			got = append(got, o.Day.Date.String())
		}
		want := []string{"2026-03-16", "2026-03-16", "2026-03-21"}
		if len(got) != len(want) || os[0].ProjectID != 0 || os[1].ProjectID != a {
			t.Fatalf("overrides of March for A: %v", got)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("overrides of March for A: %v, want %v", got, want)
			}
		}
	})
}

func TestYearBoundsAndProvisional(t *testing.T) {
	for _, c := range []struct {
		year     int
		from, to string
		prov     bool
	}{
		{2026, "2026-01-01", "2026-12-31", false},
		{2027, "2027-01-01", "2027-12-31", true},
		{2025, "2025-01-01", "2025-12-31", false},
	} {
		f, to := calendar.YearBounds(c.year)
		if f != c.from || to != c.to || calendar.Provisional(c.year) != c.prov {
			t.Errorf("%d: %s %s %v", c.year, f, to, calendar.Provisional(c.year))
		}
	}
}
