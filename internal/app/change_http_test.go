package app_test

import (
	"context"
	"regexp"

	"golive/internal/demo"
	"net/url"
	"strings"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/change"
)

// Every refusal of change control named in the issue, over HTTP: a clear
// message (the field named where there is one), a 4xx, nothing written.
func TestChangeBadInput(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := newAuthzFix(t, e)
		a := itoa(e.ProjectA.ID)
		authzBoard(t, x)
		// A signed V1.0 and an open request with one vote; a decided one.
		bl := authzDraft(t, x)
		authzSignLatest(t, x, apptest.PM)
		open := authzCR(t, x, false)
		if _, err := e.App.Change.Vote(x.ctx, x.p(apptest.Consultant), e.ProjectA.ID, open.ID, change.VoteInput{Vote: change.VoteApprove}); err != nil {
			t.Fatal(err)
		}
		decided := authzCR(t, x, false)
		for _, w := range []apptest.Who{apptest.Consultant, apptest.CustomerPM} {
			if _, err := e.App.Change.Vote(x.ctx, x.p(w), e.ProjectA.ID, decided.ID, change.VoteInput{Vote: change.VoteApprove}); err != nil {
				t.Fatal(err)
			}
		}
		signed, _ := e.App.Change.GetBaseline(x.ctx, x.p(apptest.PM), e.ProjectA.ID, bl)
		cr := "/api/v1/projects/" + a + "/changes/"
		for _, c := range []struct {
			name         string
			who          apptest.Who
			method, path string
			body         any
			want         int
			field, text  string
		}{
			{"title required", apptest.PM, "POST", "/api/v1/projects/" + a + "/changes", change.CRInput{Title: " "}, 400, "title", ""},
			{"negative effort", apptest.PM, "POST", "/api/v1/projects/" + a + "/changes", change.CRInput{Title: "x", EffortTenths: -5}, 400, "effort_tenths", ""},
			{"unknown item target", apptest.PM, "POST", "/api/v1/projects/" + a + "/changes", change.CRInput{Title: "x", Items: []change.ItemInput{{Target: "task", Op: "add"}}}, 400, "items.0.target", ""},
			{"changed item not found", apptest.PM, "POST", "/api/v1/projects/" + a + "/changes", change.CRInput{Title: "x", Items: []change.ItemInput{{Target: "requirement", Op: "remove", TargetID: 99999}}}, 400, "items.0.target_id", ""},
			{"task of another project", apptest.PM, "POST", "/api/v1/projects/" + a + "/changes", change.CRInput{Title: "x", TaskIDs: []int64{99999}}, 400, "task_ids", ""},
			{"unknown JSON field", apptest.PM, "POST", "/api/v1/projects/" + a + "/changes", map[string]any{"title": "x", "budget": 1}, 400, "", ""},
			{"vote by someone not on the board", apptest.KeyUser, "POST", cr + itoa(open.ID) + "/votes", change.VoteInput{Vote: change.VoteApprove}, 403, "", "委员"},
			{"vote twice", apptest.Consultant, "POST", cr + itoa(open.ID) + "/votes", change.VoteInput{Vote: change.VoteApprove}, 409, "", "投过票"},
			{"vote after the decision", apptest.PM, "POST", cr + itoa(decided.ID) + "/votes", change.VoteInput{Vote: change.VoteApprove}, 409, "", "决议"},
			{"reject without a reason", apptest.PM, "POST", cr + itoa(open.ID) + "/votes", change.VoteInput{Vote: change.VoteReject}, 400, "comment", ""},
			{"bad vote", apptest.PM, "POST", cr + itoa(open.ID) + "/votes", change.VoteInput{Vote: "maybe"}, 400, "vote", ""},
			{"approve without quorum", apptest.PM, "POST", cr + itoa(open.ID) + "/close", change.DecideInput{Version: open.Version + 0}, 400, "", "法定人数"},
			{"stale close", apptest.PM, "POST", cr + itoa(open.ID) + "/close", change.DecideInput{Version: 99}, 409, "", ""},
			{"PM alone approves a normal change", apptest.PM, "POST", cr + itoa(open.ID) + "/approve", change.DecideInput{Version: 1}, 400, "", "标准变更"},
			{"board quorum above members", apptest.PM, "PUT", "/api/v1/projects/" + a + "/ccb", change.BoardInput{Members: []int64{e.Users[apptest.PM].ID}, Chair: e.Users[apptest.PM].ID, Rule: "majority", Quorum: 3, Version: 1}, 400, "quorum", ""},
			{"board rule", apptest.PM, "PUT", "/api/v1/projects/" + a + "/ccb", change.BoardInput{Members: []int64{e.Users[apptest.PM].ID}, Chair: e.Users[apptest.PM].ID, Rule: "dice", Quorum: 1, Version: 1}, 400, "rule", ""},
			{"sign twice", apptest.CustomerPM, "POST", "/api/v1/projects/" + a + "/confirmations/" + itoa(bl) + "/sign", change.SignInput{SHA256: signed.SHA256}, 409, "", "重复签署"},
			{"key user signs", apptest.KeyUser, "POST", "/api/v1/projects/" + a + "/confirmations/" + itoa(bl) + "/sign", change.SignInput{SHA256: signed.SHA256}, 403, "", "签署人"},
			{"sign without the hash", apptest.CustomerPM, "POST", "/api/v1/projects/" + a + "/confirmations/" + itoa(bl) + "/sign", change.SignInput{}, 400, "sha256", ""},
			{"edit a signed baseline", apptest.PM, "PATCH", "/api/v1/projects/" + a + "/confirmations/" + itoa(bl), change.BaselineInput{Title: "改", Version: signed.Version}, 409, "", "冻结"},
			{"diff without versions", apptest.PM, "GET", "/api/v1/projects/" + a + "/confirmations/diff", nil, 400, "from", ""},
			{"form: effort not a number", apptest.PM, "POST", "/projects/" + a + "/changes", url.Values{"title": {"表单"}, "effort": {"三天"}}.Encode(), 400, "", "人天数"},
			{"form: vote twice", apptest.Consultant, "POST", "/projects/" + a + "/changes/" + itoa(open.ID) + "/vote", url.Values{"vote": {"approve"}}.Encode(), 409, "", "投过票"},
			{"form: close without quorum", apptest.PM, "POST", "/projects/" + a + "/changes/" + itoa(open.ID) + "/close", url.Values{"version": {itoa(open.Version)}}.Encode(), 400, "", "法定人数"},
			{"form: sign twice", apptest.CustomerPM, "POST", "/projects/" + a + "/confirmations/" + itoa(bl) + "/sign", url.Values{"sha256": {signed.SHA256}}.Encode(), 409, "", "重复签署"},
		} {
			before := x.state(t)
			var logs, votes int
			e.App.DB.QueryRow(x.ctx, `SELECT (SELECT COUNT(*) FROM change_log), (SELECT COUNT(*) FROM cr_votes)`).Scan(&logs, &votes)
			got := e.Do(t, c.who, c.method, c.path, c.body)
			if got.Status != c.want {
				t.Errorf("%s: %d, want %d: %s", c.name, got.Status, c.want, authzSnippet(got.Body, ""))
			}
			if c.field != "" && !strings.Contains(got.Body, `"`+c.field+`"`) {
				t.Errorf("%s: the answer does not name %s: %s", c.name, c.field, got.Body)
			}
			if c.text != "" && !strings.Contains(got.Body, c.text) {
				t.Errorf("%s: the answer does not say %q: %s", c.name, c.text, authzSnippet(got.Body, ""))
			}
			var logs2, votes2 int
			e.App.DB.QueryRow(x.ctx, `SELECT (SELECT COUNT(*) FROM change_log), (SELECT COUNT(*) FROM cr_votes)`).Scan(&logs2, &votes2)
			if x.state(t) != before || logs2 != logs || votes2 != votes {
				t.Errorf("%s: the database changed", c.name)
			}
		}
		// A change request on an archived project.
		if _, err := e.App.Projects.SetArchived(x.ctx, x.p(apptest.PM), e.ProjectA.ID, true); err != nil {
			t.Fatal(err)
		}
		got := e.Do(t, apptest.PM, "POST", "/api/v1/projects/"+a+"/changes", change.CRInput{Title: "归档后"})
		if got.Status != 409 || !strings.Contains(got.Body, "归档") {
			t.Errorf("request on an archived project: %d %s", got.Status, got.Body)
		}
		got = e.Do(t, apptest.Consultant, "POST", cr+itoa(open.ID)+"/votes", change.VoteInput{Vote: change.VoteApprove})
		if got.Status != 409 {
			t.Errorf("vote on an archived project: %d", got.Status)
		}
	})
}

var changeKey = regexp.MustCompile(`\bchange\.[a-z_.]+[a-z]`)

// Every change-control page, in both languages, after the demo's whole
// path (signed V1.0, approved and pending requests, V1.1): no catalog key
// shows through untranslated.
func TestChangePagesTranslated(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		if err := demo.LoadChange(context.Background(), e.App, []int64{e.ProjectA.ID}); err != nil {
			t.Fatal(err)
		}
		a := itoa(e.ProjectA.ID)
		var crs, bls []int64
		e.App.DB.QueryRow(context.Background(), `SELECT 1`).Scan(new(int))
		for _, q := range []struct {
			sql string
			dst *[]int64
		}{{`SELECT id FROM change_requests WHERE project_id = ? ORDER BY id`, &crs}, {`SELECT id FROM req_baselines WHERE project_id = ? ORDER BY id`, &bls}} {
			rows, err := e.App.DB.Query(context.Background(), q.sql, e.ProjectA.ID)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id int64
				rows.Scan(&id)
				*q.dst = append(*q.dst, id)
			}
			rows.Close()
		}
		paths := []string{"/projects/" + a + "/changes", "/projects/" + a + "/changes/new", "/projects/" + a + "/changes/board", "/projects/" + a + "/changes/log",
			"/projects/" + a + "/confirmations", "/projects/" + a + "/confirmations/diff?from=" + itoa(bls[0]) + "&to=" + itoa(bls[1])}
		for _, id := range crs {
			paths = append(paths, "/projects/"+a+"/changes/"+itoa(id))
		}
		for _, id := range bls {
			paths = append(paths, "/projects/"+a+"/confirmations/"+itoa(id))
		}
		for _, lang := range []string{"zh-CN", "en"} {
			for _, p := range paths {
				r := biDo(t, e, biReq{who: apptest.PM, method: "GET", path: p, lang: lang})
				if r.Status != 200 {
					t.Errorf("%s %s: %d", lang, p, r.Status)
					continue
				}
				for _, k := range changeKey.FindAllString(r.Body, -1) {
					if k != "change.css" && k != "change.js" {
						t.Errorf("%s %s: untranslated key %s", lang, p, k)
					}
				}
			}
		}
	})
}
