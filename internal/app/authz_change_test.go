package app_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/change"
)

// Change control's rows of the authorization matrix. Everyone on A reads
// change requests, the board, the log and the baselines; the delivery
// team's PM and consultant and the customer's PM and key users open
// requests; only members of a request's board (PM, customer PM and
// consultant here) vote; the PM (or the chair, the PM here) closes a
// vote, approves a standard change, configures the board and assembles
// baselines; only a baseline's signers (the customer PM) sign — a key
// user, an executive or an administrator cannot. Requests carry A's
// budget figure as their cost, so the leak check proves customers,
// developers and consultants never see a change's cost.
//
// Placeholders, fresh per request:
//
//	{crOpen}   an open request by the PM (no votes)
//	{crVoted}  an open request with one approve and one reject (quorum met)
//	{crStd}    an open standard request
//	{blAny}    the latest baseline of A
//	{blDraft}  an unsigned baseline of A (the signer signs it)

const authzCRCost = 123456789

var authzLastBaseline int64

func init() {
	authzModuleRows = append(authzModuleRows, authzChangeRows)
	authzExpanders = append(authzExpanders, authzChangeExpand)
}

// authzBoard configures A's board once (members PM, customer PM, consultant).
func authzBoard(t *testing.T, x *authzFix) {
	t.Helper()
	v, err := x.e.App.Change.Board(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Configured {
		return
	}
	u := func(w apptest.Who) int64 { return x.e.Users[w].ID }
	if _, err := x.e.App.Change.SaveBoard(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID, change.BoardInput{
		Members: []int64{u(apptest.PM), u(apptest.CustomerPM), u(apptest.Consultant)}, Chair: u(apptest.PM), Rule: change.RuleMajority, Quorum: 2}); err != nil {
		t.Fatal(err)
	}
}

func authzCR(t *testing.T, x *authzFix, standard bool) change.CR {
	t.Helper()
	authzBoard(t, x)
	cr, err := x.e.App.Change.Create(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID, change.CRInput{Title: "授权矩阵变更 " + strconv.Itoa(x.next()), Standard: standard, CostMinor: authzCRCost})
	if err != nil {
		t.Fatal(err)
	}
	return cr
}

// authzDraft returns an unsigned baseline of A, assembling one when the
// latest is signed.
func authzDraft(t *testing.T, x *authzFix) int64 {
	t.Helper()
	bs, err := x.e.App.Change.Baselines(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) > 0 && bs[0].Status == change.BaselineDraft {
		return bs[0].ID
	}
	b, err := x.e.App.Change.CreateBaseline(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID, change.BaselineInput{Title: "授权需求确认书"})
	if err != nil {
		t.Fatal(err)
	}
	return b.ID
}

// authzSignLatest signs A's latest draft so the next assembly is allowed.
func authzSignLatest(t *testing.T, x *authzFix, _ apptest.Who) {
	t.Helper()
	id := authzDraft(t, x)
	b, err := x.e.App.Change.GetBaseline(x.ctx, x.p(apptest.CustomerPM), x.e.ProjectA.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x.e.App.Change.Sign(x.ctx, x.p(apptest.CustomerPM), x.e.ProjectA.ID, id, change.SignInput{SHA256: b.SHA256}, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
}

func authzChangeExpand(t *testing.T, x *authzFix, path string, _ apptest.Who) string {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	if strings.Contains(path, "{crOpen}") {
		path = strings.ReplaceAll(path, "{crOpen}", id(authzCR(t, x, false).ID))
	}
	if strings.Contains(path, "{crStd}") {
		path = strings.ReplaceAll(path, "{crStd}", id(authzCR(t, x, true).ID))
	}
	if strings.Contains(path, "{crVoted}") {
		cr := authzCR(t, x, false)
		for w, v := range map[apptest.Who]change.Vote{apptest.CustomerPM: change.VoteApprove, apptest.Consultant: change.VoteReject} {
			if _, err := x.e.App.Change.Vote(x.ctx, x.p(w), x.e.ProjectA.ID, cr.ID, change.VoteInput{Vote: v, Comment: "矩阵"}); err != nil {
				t.Fatal(err)
			}
		}
		path = strings.ReplaceAll(path, "{crVoted}", id(cr.ID))
	}
	if strings.Contains(path, "{blDraft}") || strings.Contains(path, "{blAny}") {
		authzLastBaseline = authzDraft(t, x)
		path = strings.ReplaceAll(strings.ReplaceAll(path, "{blDraft}", id(authzLastBaseline)), "{blAny}", id(authzLastBaseline))
	}
	return path
}

func authzChangeRows() []authzRow {
	u := func(x *authzFix, w apptest.Who) string { return strconv.FormatInt(x.e.Users[w].ID, 10) }
	crForm := func(_ *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"title": {"矩阵表单变更 " + strconv.Itoa(x.next())}, "effort": {"2.5"}, "urgency": {"normal"}}.Encode()
	}
	crJSON := func(_ *testing.T, x *authzFix, _ apptest.Who) any {
		return change.CRInput{Title: "矩阵接口变更 " + strconv.Itoa(x.next()), EffortTenths: 25}
	}
	vote := authzForm(url.Values{"vote": {"approve"}, "comment": {"同意"}}.Encode())
	v1 := authzForm("version=1")
	v1JSON := authzJSON(change.DecideInput{Version: 1})
	boardVersion := func(t *testing.T, x *authzFix) int64 {
		authzBoard(t, x)
		v, err := x.e.App.Change.Board(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID)
		if err != nil {
			t.Fatal(err)
		}
		return v.Version
	}
	boardForm := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"members": {u(x, apptest.PM), u(x, apptest.CustomerPM), u(x, apptest.Consultant)}, "chair": {u(x, apptest.PM)},
			"rule": {"majority"}, "quorum": {"2"}, "version": {strconv.FormatInt(boardVersion(t, x), 10)}}.Encode()
	}
	boardJSON := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return change.BoardInput{Members: []int64{x.e.Users[apptest.PM].ID, x.e.Users[apptest.CustomerPM].ID, x.e.Users[apptest.Consultant].ID},
			Chair: x.e.Users[apptest.PM].ID, Rule: change.RuleMajority, Quorum: 2, Version: boardVersion(t, x)}
	}
	blVersion := func(t *testing.T, x *authzFix) int64 {
		b, err := x.e.App.Change.GetBaseline(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID, authzLastBaseline)
		if err != nil {
			t.Fatal(err)
		}
		return b.Version
	}
	blHash := func(t *testing.T, x *authzFix) string {
		b, err := x.e.App.Change.GetBaseline(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID, authzLastBaseline)
		if err != nil {
			t.Fatal(err)
		}
		return b.SHA256
	}
	editForm := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"title": {"改名的确认书"}, "version": {strconv.FormatInt(blVersion(t, x), 10)}}.Encode()
	}
	editJSON := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return change.BaselineInput{Title: "改名的确认书", Version: blVersion(t, x)}
	}
	signForm := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"sha256": {blHash(t, x)}}.Encode()
	}
	signJSON := func(t *testing.T, x *authzFix, _ apptest.Who) any { return change.SignInput{SHA256: blHash(t, x)} }
	comment := func(_ *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"body": {"变更评论 " + strconv.Itoa(x.next())}}.Encode()
	}
	blNew := authzForm(url.Values{"title": {"矩阵需求确认书"}}.Encode())
	blNewJSON := authzJSON(change.BaselineInput{Title: "矩阵需求确认书"})
	return []authzRow{
		//                                                                                                       anon  oc   ku   ex   cpm  dev  con  fin  pm   admin
		{pattern: "GET /projects/{id}/changes", path: "/projects/{A}/changes", want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}, prep: authzCRPrep, cost: true},
		{pattern: "GET /projects/{id}/changes.xlsx", path: "/projects/{A}/changes.xlsx", want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}, prep: authzCRPrep},
		{pattern: "GET /projects/{id}/changes/new", path: "/projects/{A}/changes/new", want: authzWant{303, 404, 200, 403, 200, 403, 200, 403, 200, 200}},
		{pattern: "POST /projects/{id}/changes", path: "/projects/{A}/changes", body: crForm, prep: authzBoardPrep, want: authzWant{303, 404, 303, 403, 303, 403, 303, 403, 303, 303}},
		{pattern: "GET /projects/{id}/changes/{cid}", path: "/projects/{A}/changes/{crOpen}", want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}, cost: true},
		{pattern: "POST /projects/{id}/changes/{cid}/vote", path: "/projects/{A}/changes/{crOpen}/vote", body: vote, want: authzWant{303, 404, 403, 403, 303, 403, 303, 403, 303, 403}},
		{pattern: "POST /projects/{id}/changes/{cid}/close", path: "/projects/{A}/changes/{crVoted}/close", body: v1, want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "POST /projects/{id}/changes/{cid}/approve", path: "/projects/{A}/changes/{crStd}/approve", body: v1, want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "POST /projects/{id}/changes/{cid}/withdraw", path: "/projects/{A}/changes/{crOpen}/withdraw", body: v1, want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "POST /projects/{id}/changes/{cid}/comments", path: "/projects/{A}/changes/{crOpen}/comments", body: comment, want: authzWant{303, 404, 303, 303, 303, 303, 303, 303, 303, 303}},
		{pattern: "POST /projects/{id}/changes/{cid}/attachments", path: "/projects/{A}/changes/{crOpen}/attachments", body: authzForm("x=1"), want: authzWant{303, 404, 400, 400, 400, 400, 400, 400, 400, 400}},
		{pattern: "GET /projects/{id}/changes/board", path: "/projects/{A}/changes/board", want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /projects/{id}/changes/board", path: "/projects/{A}/changes/board", body: boardForm, want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "GET /projects/{id}/changes/log", path: "/projects/{A}/changes/log", want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}, prep: authzCRPrep},
		{pattern: "GET /projects/{id}/changes/log.xlsx", path: "/projects/{A}/changes/log.xlsx", want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /projects/{id}/confirmations", path: "/projects/{A}/confirmations", want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /projects/{id}/confirmations", path: "/projects/{A}/confirmations", body: blNew, prep: authzSignLatest, want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "GET /projects/{id}/confirmations/diff", path: "/projects/{A}/confirmations/diff?from={blAny}&to={blAny}", want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /projects/{id}/confirmations/{bid}", path: "/projects/{A}/confirmations/{blAny}", want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /projects/{id}/confirmations/{bid}/export.xlsx", path: "/projects/{A}/confirmations/{blAny}/export.xlsx", want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /projects/{id}/confirmations/{bid}/edit", path: "/projects/{A}/confirmations/{blDraft}/edit", body: editForm, want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "POST /projects/{id}/confirmations/{bid}/sign", path: "/projects/{A}/confirmations/{blDraft}/sign", body: signForm, want: authzWant{303, 404, 403, 403, 303, 403, 403, 403, 403, 403}},

		{pattern: "GET /api/v1/projects/{id}/changes", path: "/api/v1/projects/{A}/changes", want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}, prep: authzCRPrep, cost: true},
		{pattern: "POST /api/v1/projects/{id}/changes", path: "/api/v1/projects/{A}/changes", body: crJSON, prep: authzBoardPrep, want: authzWant{401, 404, 201, 403, 201, 403, 201, 403, 201, 201}},
		{pattern: "GET /api/v1/projects/{id}/changes/{cid}", path: "/api/v1/projects/{A}/changes/{crOpen}", want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}, cost: true},
		{pattern: "POST /api/v1/projects/{id}/changes/{cid}/votes", path: "/api/v1/projects/{A}/changes/{crOpen}/votes", body: authzJSON(change.VoteInput{Vote: change.VoteDefer}), want: authzWant{401, 404, 403, 403, 200, 403, 200, 403, 200, 403}},
		{pattern: "POST /api/v1/projects/{id}/changes/{cid}/close", path: "/api/v1/projects/{A}/changes/{crVoted}/close", body: v1JSON, want: authzWant{401, 404, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/changes/{cid}/approve", path: "/api/v1/projects/{A}/changes/{crStd}/approve", body: v1JSON, want: authzWant{401, 404, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/changes/{cid}/withdraw", path: "/api/v1/projects/{A}/changes/{crOpen}/withdraw", body: v1JSON, want: authzWant{401, 404, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "GET /api/v1/projects/{id}/changes/{cid}/attachments", path: "/api/v1/projects/{A}/changes/{crOpen}/attachments", want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/changes/{cid}/attachments", path: "/api/v1/projects/{A}/changes/{crOpen}/attachments", body: authzJSON(map[string]any{}), want: authzWant{401, 404, 400, 400, 400, 400, 400, 400, 400, 400}},
		{pattern: "GET /api/v1/projects/{id}/ccb", path: "/api/v1/projects/{A}/ccb", want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "PUT /api/v1/projects/{id}/ccb", path: "/api/v1/projects/{A}/ccb", body: boardJSON, want: authzWant{401, 404, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "GET /api/v1/projects/{id}/changes/log", path: "/api/v1/projects/{A}/changes/log", want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /api/v1/projects/{id}/changes/scope-creep", path: "/api/v1/projects/{A}/changes/scope-creep", want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /api/v1/projects/{id}/confirmations", path: "/api/v1/projects/{A}/confirmations", want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/confirmations", path: "/api/v1/projects/{A}/confirmations", body: blNewJSON, prep: authzSignLatest, want: authzWant{401, 404, 403, 403, 403, 403, 403, 403, 201, 201}},
		{pattern: "GET /api/v1/projects/{id}/confirmations/diff", path: "/api/v1/projects/{A}/confirmations/diff?from={blAny}&to={blAny}", want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /api/v1/projects/{id}/confirmations/{bid}", path: "/api/v1/projects/{A}/confirmations/{blAny}", want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "PATCH /api/v1/projects/{id}/confirmations/{bid}", path: "/api/v1/projects/{A}/confirmations/{blDraft}", body: editJSON, want: authzWant{401, 404, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/confirmations/{bid}/sign", path: "/api/v1/projects/{A}/confirmations/{blDraft}/sign", body: signJSON, want: authzWant{401, 404, 403, 403, 200, 403, 403, 403, 403, 403}},
	}
}

// authzCRPrep makes sure A has a request carrying the cost figure.
func authzCRPrep(t *testing.T, x *authzFix, _ apptest.Who) {
	var n int
	x.e.App.DB.QueryRow(x.ctx, `SELECT COUNT(*) FROM change_requests WHERE project_id = ?`, x.e.ProjectA.ID).Scan(&n)
	if n == 0 {
		authzCR(t, x, false)
	}
}

func authzBoardPrep(t *testing.T, x *authzFix, _ apptest.Who) { authzBoard(t, x) }
