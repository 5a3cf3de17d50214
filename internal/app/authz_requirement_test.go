package app_test

import (
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/requirement"
)

// The requirements rows of the authorization matrix. Everyone on project
// A reads the pool, matrix, function list and traceability (customers of
// company A only customer-visible requirements; an internal one titled
// with authzInternalMark must never reach them); PM and consultants edit
// requirements and functions and generate tasks; the customer PM reviews
// (confirm, clarify, reject, accept); the other customer gets 404.
//
// Placeholders: {rq} a visible draft, {rqconf} a confirmed one, {fn} a
// function serving it (all made once per environment); {rqfresh} a new
// draft per request (version 1), {rqgone} a trashed one, {fnfresh} a new
// function per request (version 1). Review bodies name a requirement put
// in review for that request.

type authzReqFix struct{ rq, rqconf, fn int64 }

var authzReq sync.Map // *authzFix → *authzReqFix

func init() {
	authzModuleRows = append(authzModuleRows, authzRequirementRows)
	authzExpanders = append(authzExpanders, func(t *testing.T, x *authzFix, path string, _ apptest.Who) string {
		if !strings.Contains(path, "{rq") && !strings.Contains(path, "{fn") {
			return path
		}
		f := authzReqFixture(t, x)
		path = strings.NewReplacer("{rqconf}", itoa(f.rqconf), "{rq}", itoa(f.rq), "{fn}", itoa(f.fn)).Replace(path)
		if strings.Contains(path, "{rqfresh}") {
			path = strings.ReplaceAll(path, "{rqfresh}", itoa(authzReqDraft(t, x, "授权草稿", true)))
		}
		if strings.Contains(path, "{rqgone}") {
			id := authzReqDraft(t, x, "授权已删", true)
			if err := x.e.App.Requirements.Delete(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID, id, 1); err != nil {
				t.Fatal(err)
			}
			path = strings.ReplaceAll(path, "{rqgone}", itoa(id))
		}
		if strings.Contains(path, "{fnfresh}") {
			fn, err := x.e.App.Requirements.CreateFunction(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID, requirement.FunctionInput{Title: "授权功能", Type: "custom", EffortTenths: 10, RequirementIDs: []int64{f.rqconf}})
			if err != nil {
				t.Fatal(err)
			}
			path = strings.ReplaceAll(path, "{fnfresh}", itoa(fn.ID))
		}
		return path
	})
}

func authzReqDraft(t *testing.T, x *authzFix, title string, visible bool) int64 {
	t.Helper()
	r, err := x.e.App.Requirements.Create(x.ctx, x.p(apptest.Consultant), x.e.ProjectA.ID, requirement.Input{Title: title, CustomerVisible: visible})
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// authzReqInReview puts a new requirement in review (for a review body).
func authzReqInReview(t *testing.T, x *authzFix) int64 {
	t.Helper()
	id := authzReqDraft(t, x, "授权待评审", true)
	if _, err := x.e.App.Requirements.Review(x.ctx, x.p(apptest.Consultant), x.e.ProjectA.ID, requirement.ReviewInput{IDs: []int64{id}, Action: "submit"}); err != nil {
		t.Fatal(err)
	}
	return id
}

func authzReqFixture(t *testing.T, x *authzFix) *authzReqFix {
	t.Helper()
	if f, ok := authzReq.Load(x); ok {
		return f.(*authzReqFix)
	}
	f := &authzReqFix{rq: authzReqDraft(t, x, "授权可见需求", true)}
	authzReqDraft(t, x, authzInternalMark+" 内部需求", false)
	f.rqconf = authzReqInReview(t, x)
	if _, err := x.e.App.Requirements.Review(x.ctx, x.p(apptest.CustomerPM), x.e.ProjectA.ID, requirement.ReviewInput{IDs: []int64{f.rqconf}, Action: "confirm"}); err != nil {
		t.Fatal(err)
	}
	fn, err := x.e.App.Requirements.CreateFunction(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID, requirement.FunctionInput{Title: "授权固定功能", Type: "report", RequirementIDs: []int64{f.rqconf}})
	if err != nil {
		t.Fatal(err)
	}
	f.fn = fn.ID
	authzReq.Store(x, f)
	return f
}

func authzRequirementRows() []authzRow {
	view := authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}
	edit := authzWant{303, 404, 403, 403, 403, 403, 200, 403, 200, 200}
	editPost := authzWant{303, 404, 403, 403, 403, 403, 303, 403, 303, 303}
	apiView := authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}
	api := func(ok int) authzWant { return authzWant{401, 404, 403, 403, 403, 403, ok, 403, ok, ok} }
	reviewForm := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"action": {"confirm"}, "ids": {itoa(authzReqInReview(t, x))}, "comment": {"同意"}}.Encode()
	}
	reviewJSON := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return requirement.ReviewInput{Action: "confirm", IDs: []int64{authzReqInReview(t, x)}}
	}
	commentForm := func(_ *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"body": {"需求评论 " + strconv.Itoa(x.next())}}.Encode()
	}
	commentJSON := func(_ *testing.T, x *authzFix, _ apptest.Who) any {
		return map[string]any{"body": "需求接口评论 " + strconv.Itoa(x.next())}
	}
	reqForm := authzForm(url.Values{"title": {"授权新需求"}, "priority": {"must"}, "value": {"4"}, "effort": {"2"}, "version": {"1"}}.Encode())
	fnForm := authzForm(url.Values{"title": {"授权新功能"}, "type": {"config"}, "effort": {"1.5"}, "version": {"1"}}.Encode())
	return []authzRow{
		//                                                                                              anon  oc   ku   ex   cpm  dev  con  fin  pm   admin
		{pattern: "GET /projects/{id}/requirements", path: "/projects/{A}/requirements?q=授权", want: view},
		{pattern: "GET /projects/{id}/requirements.xlsx", path: "/projects/{A}/requirements.xlsx", want: view},
		{pattern: "GET /projects/{id}/requirements/new", path: "/projects/{A}/requirements/new", want: edit},
		{pattern: "GET /projects/{id}/requirements/matrix", path: "/projects/{A}/requirements/matrix", want: view},
		{pattern: "GET /projects/{id}/requirements/{rid}", path: "/projects/{A}/requirements/{rq}", want: view},
		{pattern: "GET /projects/{id}/requirements/{rid}/edit", path: "/projects/{A}/requirements/{rq}/edit", want: edit},
		{pattern: "GET /projects/{id}/functions", path: "/projects/{A}/functions", want: view},
		{pattern: "GET /projects/{id}/functions.xlsx", path: "/projects/{A}/functions.xlsx", want: view},
		{pattern: "GET /projects/{id}/functions/{fid}/edit", path: "/projects/{A}/functions/{fn}/edit", want: edit},
		{pattern: "GET /projects/{id}/trace", path: "/projects/{A}/trace", want: view},
		{pattern: "GET /projects/{id}/trace.xlsx", path: "/projects/{A}/trace.xlsx", want: view},

		{pattern: "POST /projects/{id}/requirements", path: "/projects/{A}/requirements", body: reqForm, want: editPost},
		{pattern: "POST /projects/{id}/requirements/import", path: "/projects/{A}/requirements/import", body: authzForm("x=1"), want: authzWant{303, 404, 403, 403, 403, 403, 400, 403, 400, 400}},
		{pattern: "POST /projects/{id}/requirements/review", path: "/projects/{A}/requirements/review", body: reviewForm, want: authzWant{303, 404, 403, 403, 303, 403, 403, 403, 403, 303}},
		{pattern: "POST /projects/{id}/requirements/{rid}/edit", path: "/projects/{A}/requirements/{rqfresh}/edit", body: reqForm, want: editPost},
		{pattern: "POST /projects/{id}/requirements/{rid}/delete", path: "/projects/{A}/requirements/{rqfresh}/delete", body: authzForm("version=1"), want: editPost},
		{pattern: "POST /projects/{id}/requirements/{rid}/function", path: "/projects/{A}/requirements/{rqconf}/function", body: authzForm("type=standard"), want: editPost},
		{pattern: "POST /projects/{id}/functions", path: "/projects/{A}/functions", body: fnForm, want: editPost},
		{pattern: "POST /projects/{id}/functions/{fid}/edit", path: "/projects/{A}/functions/{fnfresh}/edit", body: fnForm, want: editPost},
		{pattern: "POST /projects/{id}/functions/{fid}/delete", path: "/projects/{A}/functions/{fnfresh}/delete", body: authzForm("version=1"), want: editPost},
		{pattern: "POST /projects/{id}/functions/{fid}/tasks", path: "/projects/{A}/functions/{fnfresh}/tasks", want: editPost},

		{pattern: "GET /api/v1/projects/{id}/requirements", path: "/api/v1/projects/{A}/requirements", want: apiView},
		{pattern: "POST /api/v1/projects/{id}/requirements", path: "/api/v1/projects/{A}/requirements", body: authzJSON(requirement.Input{Title: "接口新需求", Priority: "could"}), want: api(201)},
		{pattern: "POST /api/v1/projects/{id}/requirements/review", path: "/api/v1/projects/{A}/requirements/review", body: reviewJSON, want: authzWant{401, 404, 403, 403, 200, 403, 403, 403, 403, 200}},
		{pattern: "GET /api/v1/projects/{id}/requirements/{rid}", path: "/api/v1/projects/{A}/requirements/{rq}", want: apiView},
		{pattern: "PUT /api/v1/projects/{id}/requirements/{rid}", path: "/api/v1/projects/{A}/requirements/{rqfresh}", body: authzJSON(requirement.Input{Title: "接口改需求", Version: 1}), want: api(200)},
		{pattern: "DELETE /api/v1/projects/{id}/requirements/{rid}", path: "/api/v1/projects/{A}/requirements/{rqfresh}?version=1", want: api(204)},
		{pattern: "POST /api/v1/projects/{id}/requirements/{rid}/restore", path: "/api/v1/projects/{A}/requirements/{rqgone}/restore", want: api(200)},
		{pattern: "POST /api/v1/projects/{id}/requirements/{rid}/move", path: "/api/v1/projects/{A}/requirements/{rqfresh}/move", body: authzJSON(requirement.MoveInput{Priority: "must", Version: 1}), want: api(200)},
		{pattern: "GET /api/v1/projects/{id}/functions", path: "/api/v1/projects/{A}/functions", want: apiView},
		{pattern: "POST /api/v1/projects/{id}/functions", path: "/api/v1/projects/{A}/functions", body: authzJSON(requirement.FunctionInput{Title: "接口新功能", Type: "data", EffortTenths: 5}), want: api(201)},
		{pattern: "PUT /api/v1/projects/{id}/functions/{fid}", path: "/api/v1/projects/{A}/functions/{fnfresh}", body: authzJSON(requirement.FunctionInput{Title: "接口改功能", Type: "custom", Version: 1}), want: api(200)},
		{pattern: "DELETE /api/v1/projects/{id}/functions/{fid}", path: "/api/v1/projects/{A}/functions/{fnfresh}?version=1", want: api(204)},
		{pattern: "POST /api/v1/projects/{id}/functions/{fid}/tasks", path: "/api/v1/projects/{A}/functions/{fnfresh}/tasks", want: api(201)},
		{pattern: "GET /api/v1/projects/{id}/trace", path: "/api/v1/projects/{A}/trace", want: apiView},

		// Comments and attachments on a customer-visible requirement: everyone
		// who sees it (uploads without a file are 400 after the check).
		{pattern: "GET /projects/{id}/requirements/{rid}/comments.xlsx", path: "/projects/{A}/requirements/{rq}/comments.xlsx", want: view},
		{pattern: "POST /projects/{id}/requirements/{rid}/comments", path: "/projects/{A}/requirements/{rq}/comments", body: commentForm,
			want: authzWant{303, 404, 303, 303, 303, 303, 303, 303, 303, 303}},
		{pattern: "POST /projects/{id}/requirements/{rid}/attachments", path: "/projects/{A}/requirements/{rq}/attachments", body: authzForm("x=1"),
			want: authzWant{303, 404, 400, 400, 400, 400, 400, 400, 400, 400}},
		{pattern: "GET /api/v1/projects/{id}/requirements/{rid}/comments", path: "/api/v1/projects/{A}/requirements/{rq}/comments", want: apiView},
		{pattern: "POST /api/v1/projects/{id}/requirements/{rid}/comments", path: "/api/v1/projects/{A}/requirements/{rq}/comments", body: commentJSON,
			want: authzWant{401, 404, 201, 201, 201, 201, 201, 201, 201, 201}},
		{pattern: "GET /api/v1/projects/{id}/requirements/{rid}/attachments", path: "/api/v1/projects/{A}/requirements/{rq}/attachments", want: apiView},
		{pattern: "POST /api/v1/projects/{id}/requirements/{rid}/attachments", path: "/api/v1/projects/{A}/requirements/{rq}/attachments", body: authzJSON(map[string]any{}),
			want: authzWant{401, 404, 400, 400, 400, 400, 400, 400, 400, 400}},
	}
}
