package app_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"golive/internal/app/apptest"
	"golive/internal/apperr"
	"golive/internal/calendar"
	"golive/internal/workcal"
)

// The working calendar's rows of the authorization matrix: every member
// of A reads A's calendar (customers too: their plan is dated on it); its
// PM (and administrators) change it; the instance calendar is the
// administrators' alone and answers "not found" to everyone else, like
// every admin page. Placeholders, fresh per request:
//
//	{calnew}  a day of A with no override yet
//	{calday}  a day of A just given an override (version 1)
//	{calinst} an instance-wide day just given an override (version 1)

func init() {
	authzModuleRows = append(authzModuleRows, authzCalendarRows)
	authzExpanders = append(authzExpanders, authzCalendarExpand)
}

// authzCalDay is a day no other request has used, far from shipped holidays.
func authzCalDay(x *authzFix) string {
	return calendar.FromYMD(2031, time.January, 1).AddDays(x.next()).String()
}

func authzCalendarExpand(t *testing.T, x *authzFix, path string, _ apptest.Who) string {
	if strings.Contains(path, "{calnew}") {
		path = strings.ReplaceAll(path, "{calnew}", authzCalDay(x))
	}
	for ph, who := range map[string]apptest.Who{"{calday}": apptest.PM, "{calinst}": apptest.Admin} {
		if !strings.Contains(path, ph) {
			continue
		}
		day := authzCalDay(x)
		id := x.e.ProjectA.ID
		if who == apptest.Admin {
			id = 0
		}
		if _, err := x.e.App.WorkCal.SetDay(x.ctx, x.p(who), id, workcal.DayInput{Day: day, Kind: "holiday", Name: "授权假日"}); err != nil {
			t.Fatal(err)
		}
		path = strings.ReplaceAll(path, ph, day)
	}
	return path
}

func authzCalendarRows() []authzRow {
	setForm := func(_ *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"day": {authzCalDay(x)}, "kind": {"workday"}, "name": {"赶工"}, "version": {"0"}}.Encode()
	}
	resetForm := authzForm(url.Values{"version": {"1"}}.Encode())
	setJSON := authzJSON(workcal.DayInput{Kind: "holiday", Name: "停产检修"})
	resetJSON := authzJSON(workcal.ResetInput{Version: 1})
	return []authzRow{
		//                                                                                                                         anon  oc   ku   ex   cpm  dev  con  fin  pm   admin
		{pattern: "GET /projects/{id}/calendar", path: "/projects/{A}/calendar?year=2026", want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /projects/{id}/calendar.xlsx", path: "/projects/{A}/calendar.xlsx?year=2026", want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /projects/{id}/calendar/days", path: "/projects/{A}/calendar/days", body: setForm, want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "POST /projects/{id}/calendar/days/{day}/reset", path: "/projects/{A}/calendar/days/{calday}/reset", body: resetForm, want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "POST /projects/{id}/calendar/reschedule", path: "/projects/{A}/calendar/reschedule", body: authzForm("year=2026"), want: authzWant{303, 404, 403, 403, 403, 303, 303, 403, 303, 303}},
		{pattern: "GET /admin/calendar", path: "/admin/calendar?year=2027", want: authzWant{303, 404, 404, 404, 404, 404, 404, 404, 404, 200}},
		{pattern: "GET /admin/calendar.xlsx", path: "/admin/calendar.xlsx?year=2027", want: authzWant{303, 404, 404, 404, 404, 404, 404, 404, 404, 200}},
		{pattern: "POST /admin/calendar/days", path: "/admin/calendar/days", body: setForm, want: authzWant{303, 404, 404, 404, 404, 404, 404, 404, 404, 303}},
		{pattern: "POST /admin/calendar/days/{day}/reset", path: "/admin/calendar/days/{calinst}/reset", body: resetForm, want: authzWant{303, 404, 404, 404, 404, 404, 404, 404, 404, 303}},

		{pattern: "GET /api/v1/projects/{id}/calendar", path: "/api/v1/projects/{A}/calendar?year=2026", want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "PUT /api/v1/projects/{id}/calendar/days/{day}", path: "/api/v1/projects/{A}/calendar/days/{calnew}", body: setJSON, want: authzWant{401, 404, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/calendar/days/{day}/reset", path: "/api/v1/projects/{A}/calendar/days/{calday}/reset", body: resetJSON, want: authzWant{401, 404, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "GET /api/v1/projects/{id}/calendar/off", path: "/api/v1/projects/{A}/calendar/off?year=2026", want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/calendar/reschedule", path: "/api/v1/projects/{A}/calendar/reschedule?year=2026", want: authzWant{401, 404, 403, 403, 403, 200, 200, 403, 200, 200}},
		{pattern: "GET /api/v1/calendar", path: "/api/v1/calendar?year=2027", want: authzWant{401, 404, 404, 404, 404, 404, 404, 404, 404, 200}},
		{pattern: "PUT /api/v1/calendar/days/{day}", path: "/api/v1/calendar/days/{calnew}", body: setJSON, want: authzWant{401, 404, 404, 404, 404, 404, 404, 404, 404, 200}},
		{pattern: "POST /api/v1/calendar/days/{day}/reset", path: "/api/v1/calendar/days/{calinst}/reset", body: resetJSON, want: authzWant{401, 404, 404, 404, 404, 404, 404, 404, 404, 200}},
	}
}

// Bad input on the calendar names the field and writes nothing; a stale
// version is a conflict.
func TestCalendarBadInput(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := newAuthzFix(t, e)
		a := itoa(e.ProjectA.ID)
		if _, err := e.App.WorkCal.SetDay(x.ctx, x.p(apptest.PM), e.ProjectA.ID, workcal.DayInput{Day: "2026-08-03", Kind: "holiday", Name: "停产"}); err != nil {
			t.Fatal(err)
		}
		for _, pr := range []struct {
			method, path string
			body         any
			want         int
			field        string
		}{
			{"PUT", "/api/v1/projects/" + a + "/calendar/days/2026-02-30", workcal.DayInput{Kind: "holiday", Name: "x"}, 400, "day"},
			{"PUT", "/api/v1/projects/" + a + "/calendar/days/2026-08-04", workcal.DayInput{Kind: "vacation", Name: "x"}, 400, "kind"},
			{"PUT", "/api/v1/projects/" + a + "/calendar/days/2026-08-04", workcal.DayInput{Kind: "holiday", Name: "  "}, 400, "name"},
			{"PUT", "/api/v1/projects/" + a + "/calendar/days/1900-01-01", workcal.DayInput{Kind: "holiday", Name: "x"}, 400, "day"},
			{"PUT", "/api/v1/projects/" + a + "/calendar/days/2026-08-03", workcal.DayInput{Kind: "workday", Name: "x"}, 409, ""},
			{"PUT", "/api/v1/projects/" + a + "/calendar/days/2026-08-04", workcal.DayInput{Kind: "holiday", Name: "x", Version: 3}, 409, ""},
			{"POST", "/api/v1/projects/" + a + "/calendar/days/2026-08-03/reset", workcal.ResetInput{Version: 7}, 409, ""},
			{"POST", "/api/v1/projects/" + a + "/calendar/days/2026-08-05/reset", workcal.ResetInput{Version: 1}, 404, ""},
			{"GET", "/api/v1/projects/" + a + "/calendar?year=abc", nil, 400, "year"},
			{"GET", "/projects/" + a + "/calendar?year=99999", nil, 400, ""},
			{"POST", "/projects/" + a + "/calendar/days", url.Values{"day": {"2026-08-04"}, "kind": {"holiday"}, "name": {""}, "version": {"0"}}.Encode(), 400, ""},
			{"POST", "/projects/" + a + "/calendar/days", url.Values{"day": {"2026-08-03"}, "kind": {"holiday"}, "name": {"改名"}, "version": {"0"}}.Encode(), 409, ""},
		} {
			before := x.state(t)
			var audits int
			e.App.DB.QueryRow(x.ctx, `SELECT count(*) FROM audit_log`).Scan(&audits)
			got := e.Do(t, apptest.PM, pr.method, pr.path, pr.body)
			if got.Status != pr.want {
				t.Errorf("%s %s: %d, want %d: %s", pr.method, pr.path, got.Status, pr.want, authzSnippet(got.Body, ""))
			}
			if pr.field != "" && !strings.Contains(got.Body, `"`+pr.field+`"`) {
				t.Errorf("%s %s: the answer does not name %s: %s", pr.method, pr.path, pr.field, got.Body)
			}
			var after int
			e.App.DB.QueryRow(x.ctx, `SELECT count(*) FROM audit_log`).Scan(&after)
			if x.state(t) != before || after != audits {
				t.Errorf("%s %s: the database changed", pr.method, pr.path)
			}
		}
		// Archived projects keep their calendar as it was.
		if _, err := e.App.WorkCal.SetDay(x.ctx, x.p(apptest.Developer), e.ProjectA.ID, workcal.DayInput{Day: "2026-08-06", Kind: "holiday", Name: "x"}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("developer sets a day: %v", err)
		}
	})
}
