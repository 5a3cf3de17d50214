package app_test

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"

	"golive/internal/access"
	"golive/internal/app/apptest"
	"golive/internal/research"
)

// The research rows of the authorization matrix. Vendor staff on project
// A read questionnaires, responses and records; PM and consultants manage
// them; the customer PM and key user answer the questionnaires sent to
// them and see nothing else of them (the executive, not a recipient, gets
// 404); an internal record — its title carries the internal mark, so the
// leak check covers every page and export — is 404 for customers. The
// template library is the vendor's: customers get 404, developers and
// finance read it, PM, consultants and administrators keep it.
//
// Placeholders: {rsq} a questionnaire sent to the key user (who submitted)
// and the customer PM (pending), {rsr} the key user's response; {rsnq}
// with {rsnr} a fresh one per request, submitted by the key user; {rsqd} a
// fresh draft; {rsrec} an internal record, {rsrecnew} a fresh one,
// {rsrecgone} a deleted one; {rst} a library template, {rstnew} a fresh one.

type authzRSFix struct{ q, r, rec, tmpl int64 }

var authzRS sync.Map // *authzFix → *authzRSFix

const authzRSBody = "* [short] 名称\n[single] 本位币 | 人民币 | 美元\n[scale] 满意度"

func init() {
	authzModuleRows = append(authzModuleRows, authzResearchRows)
	authzExpanders = append(authzExpanders, func(t *testing.T, x *authzFix, path string, _ apptest.Who) string {
		if !strings.Contains(path, "{rs") {
			return path
		}
		f := authzRSFixture(t, x)
		path = strings.NewReplacer("{rsq}", itoa(f.q), "{rsr}", itoa(f.r), "{rsrec}", itoa(f.rec), "{rst}", itoa(f.tmpl)).Replace(path)
		s, con := x.e.App.Research, x.p(apptest.Consultant)
		if strings.Contains(path, "{rsnq}") {
			q, r := authzRSSent(t, x, true)
			path = strings.NewReplacer("{rsnq}", itoa(q), "{rsnr}", itoa(r)).Replace(path)
		}
		if strings.Contains(path, "{rsqd}") {
			q, err := s.CreateQuestionnaire(x.ctx, con, x.e.ProjectA.ID, research.QuestionnaireInput{Title: "草稿问卷", BodyText: authzRSBody})
			if err != nil {
				t.Fatal(err)
			}
			path = strings.ReplaceAll(path, "{rsqd}", itoa(q.ID))
		}
		if strings.Contains(path, "{rsrecnew}") || strings.Contains(path, "{rsrecgone}") {
			r := authzRSRecord(t, x, "新记录")
			if strings.Contains(path, "{rsrecgone}") {
				if err := s.DeleteRecord(x.ctx, con, x.e.ProjectA.ID, r); err != nil {
					t.Fatal(err)
				}
			}
			path = strings.NewReplacer("{rsrecnew}", itoa(r), "{rsrecgone}", itoa(r)).Replace(path)
		}
		if strings.Contains(path, "{rstnew}") {
			tm, err := s.CreateTemplate(x.ctx, con, research.TemplateInput{Name: "临时模板 " + itoa(int64(x.next())), BodyText: authzRSBody})
			if err != nil {
				t.Fatal(err)
			}
			path = strings.ReplaceAll(path, "{rstnew}", itoa(tm.ID))
		}
		return path
	})
}

// authzRSSent is a questionnaire sent to the key user and the customer
// PM; submitted: the key user has submitted it. It returns the
// questionnaire and the key user's response.
func authzRSSent(t *testing.T, x *authzFix, submitted bool) (int64, int64) {
	t.Helper()
	s, con, ku := x.e.App.Research, x.p(apptest.Consultant), x.p(apptest.KeyUser)
	q, err := s.CreateQuestionnaire(x.ctx, con, x.e.ProjectA.ID, research.QuestionnaireInput{Title: "授权问卷", BodyText: authzRSBody})
	if err != nil {
		t.Fatal(err)
	}
	if q, err = s.Send(x.ctx, con, x.e.ProjectA.ID, q.ID, research.SendInput{UserIDs: []int64{x.e.Users[apptest.KeyUser].ID, x.e.Users[apptest.CustomerPM].ID}, Version: q.Version}); err != nil {
		t.Fatal(err)
	}
	mine, _, err := s.Questionnaire(x.ctx, ku, x.e.ProjectA.ID, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !submitted {
		return q.ID, mine.Mine.ID
	}
	r, err := s.SaveAnswers(x.ctx, ku, x.e.ProjectA.ID, q.ID, research.AnswerInput{Answers: research.Answers{"q1": {Text: "甲"}, "q2": {Choices: []string{"美元"}}, "q3": {Scale: 3}},
		Submit: true, Version: mine.Mine.Version})
	if err != nil {
		t.Fatal(err)
	}
	return q.ID, r.ID
}

func authzRSRecord(t *testing.T, x *authzFix, title string) int64 {
	t.Helper()
	r, err := x.e.App.Research.CreateRecord(x.ctx, x.p(apptest.Consultant), x.e.ProjectA.ID, research.RecordInput{Kind: "interview", Title: title + " " + authzInternalMark,
		HeldDate: "2026-03-01", Notes: "月结太慢。" + authzInternalMark + "。"})
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// authzRSSink stands in for the requirement pool (another module): it
// numbers the requirements it is handed.
func authzRSSink(_ context.Context, _ *access.Principal, c research.Candidate) (int64, string, error) {
	return 9000 + c.SourceID, "REQ-900", nil
}

func authzRSFixture(t *testing.T, x *authzFix) *authzRSFix {
	t.Helper()
	if f, ok := authzRS.Load(x); ok {
		return f.(*authzRSFix)
	}
	x.e.App.Research.SetCandidateSink(authzRSSink)
	f := &authzRSFix{}
	f.q, f.r = authzRSSent(t, x, true)
	f.rec = authzRSRecord(t, x, "内部访谈")
	vis := false
	if _, err := x.e.App.Research.CreateRecord(x.ctx, x.p(apptest.Consultant), x.e.ProjectA.ID, research.RecordInput{Kind: "observation", Title: "客户可见的现场观察",
		HeldDate: "2026-03-02", Notes: "仓库收货靠纸质单据。", Internal: &vis}); err != nil {
		t.Fatal(err)
	}
	tm, err := x.e.App.Research.CreateTemplate(x.ctx, x.p(apptest.Consultant), research.TemplateInput{Name: "授权模板", BodyText: authzRSBody})
	if err != nil {
		t.Fatal(err)
	}
	f.tmpl = tm.ID
	authzRS.Store(x, f)
	return f
}

func authzRSPrep(t *testing.T, x *authzFix, _ apptest.Who) { authzRSFixture(t, x) }

func authzRSRecordVersion(t *testing.T, x *authzFix) int64 {
	t.Helper()
	r, _, err := x.e.App.Research.Record(x.ctx, x.p(apptest.Consultant), x.e.ProjectA.ID, authzRSFixture(t, x).rec)
	if err != nil {
		t.Fatal(err)
	}
	return r.Version
}

func authzRSTemplateVersion(t *testing.T, x *authzFix) int64 {
	t.Helper()
	tm, err := x.e.App.Research.Template(x.ctx, x.p(apptest.Consultant), authzRSFixture(t, x).tmpl)
	if err != nil {
		t.Fatal(err)
	}
	return tm.Version
}

func authzResearchRows() []authzRow {
	p := authzRSPrep
	view := authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}
	viewAPI := authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}
	vendor := authzWant{303, 404, 404, 404, 404, 200, 200, 200, 200, 200}
	vendorAPI := authzWant{401, 404, 404, 404, 404, 200, 200, 200, 200, 200}
	manage := authzWant{303, 404, 403, 403, 403, 403, 303, 403, 303, 303}
	// The library is instance-wide: customers do not know it exists.
	library := authzWant{303, 404, 404, 404, 404, 403, 303, 403, 303, 303}
	recipient := authzWant{303, 404, 200, 404, 200, 200, 200, 200, 200, 200}
	recordForm := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"kind": {"interview"}, "title": {"内部访谈 " + authzInternalMark}, "held_date": {"2026-03-01"}, "notes": {"月结太慢。"},
			"internal": {"1"}, "version": {itoa(authzRSRecordVersion(t, x))}}.Encode()
	}
	recordJSON := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return map[string]any{"kind": "interview", "title": "内部访谈 " + authzInternalMark, "held_date": "2026-03-01", "notes": "月结太慢。", "version": authzRSRecordVersion(t, x)}
	}
	templateForm := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"name": {"授权模板"}, "body": {authzRSBody}, "version": {itoa(authzRSTemplateVersion(t, x))}}.Encode()
	}
	newTemplate := func(_ *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"name": {"页面模板 " + itoa(int64(x.next()))}, "body": {authzRSBody}}.Encode()
	}
	newQ := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"template_id": {itoa(authzRSFixture(t, x).tmpl)}, "title": {"页面问卷"}}.Encode()
	}
	sendForm := func(_ *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"user_id": {itoa(x.e.Users[apptest.KeyUser].ID)}, "version": {"1"}}.Encode()
	}
	sendJSON := func(_ *testing.T, x *authzFix, _ apptest.Who) any {
		return map[string]any{"user_ids": []int64{x.e.Users[apptest.KeyUser].ID}, "version": 1}
	}
	answerForm := authzForm(url.Values{"q1": {"甲"}, "q2": {"人民币"}, "q3": {"4"}, "submit": {"1"}, "version": {"1"}}.Encode())
	// {rsnq} was submitted by the key user: the customer PM answers; the
	// key user, locked, is told so (409).
	answerJSON := authzJSON(map[string]any{"answers": map[string]any{"q1": map[string]any{"text": "甲"}}, "version": 1})
	return []authzRow{
		//                                                                         anon  oc   ku   ex   cpm  dev  con  fin  pm   admin
		{pattern: "GET /research/templates", path: "/research/templates", prep: p, want: vendor},
		{pattern: "GET /research/templates.xlsx", path: "/research/templates.xlsx", prep: p, want: vendor},
		{pattern: "GET /research/templates/{tid}", path: "/research/templates/{rst}", want: vendor},
		{pattern: "POST /research/templates", path: "/research/templates", body: newTemplate, want: library},
		{pattern: "POST /research/templates/{tid}/edit", path: "/research/templates/{rst}/edit", body: templateForm, want: library},
		{pattern: "POST /research/templates/{tid}/delete", path: "/research/templates/{rstnew}/delete", want: library},

		{pattern: "GET /projects/{id}/research", path: "/projects/{A}/research", prep: p, want: view},
		{pattern: "GET /projects/{id}/research/questionnaires.xlsx", path: "/projects/{A}/research/questionnaires.xlsx", prep: p, want: view},
		{pattern: "GET /projects/{id}/research/records.xlsx", path: "/projects/{A}/research/records.xlsx", prep: p, want: view},
		{pattern: "POST /projects/{id}/research/questionnaires", path: "/projects/{A}/research/questionnaires", body: newQ, want: manage},
		{pattern: "GET /projects/{id}/research/questionnaires/{qid}", path: "/projects/{A}/research/questionnaires/{rsq}", want: recipient},
		{pattern: "POST /projects/{id}/research/questionnaires/{qid}/edit", path: "/projects/{A}/research/questionnaires/{rsqd}/edit",
			body: authzForm(url.Values{"title": {"改过的问卷"}, "body": {authzRSBody}, "version": {"1"}}.Encode()), want: manage},
		{pattern: "POST /projects/{id}/research/questionnaires/{qid}/send", path: "/projects/{A}/research/questionnaires/{rsqd}/send", body: sendForm, want: manage},
		{pattern: "POST /projects/{id}/research/questionnaires/{qid}/delete", path: "/projects/{A}/research/questionnaires/{rsqd}/delete", want: manage},
		{pattern: "POST /projects/{id}/research/questionnaires/{qid}/answer", path: "/projects/{A}/research/questionnaires/{rsnq}/answer", body: answerForm,
			want: authzWant{303, 404, 409, 404, 303, 403, 403, 403, 403, 403}},
		{pattern: "GET /projects/{id}/research/questionnaires/{qid}/responses.xlsx", path: "/projects/{A}/research/questionnaires/{rsq}/responses.xlsx", want: vendor},
		// The key user reads their own response; the customer PM not hers.
		{pattern: "GET /projects/{id}/research/questionnaires/{qid}/responses/{rid}", path: "/projects/{A}/research/questionnaires/{rsq}/responses/{rsr}",
			want: authzWant{303, 404, 200, 404, 404, 200, 200, 200, 200, 200}},
		{pattern: "POST /projects/{id}/research/questionnaires/{qid}/responses/{rid}/reopen", path: "/projects/{A}/research/questionnaires/{rsnq}/responses/{rsnr}/reopen",
			body: authzForm("version=2"), want: manage},
		{pattern: "POST /projects/{id}/research/questionnaires/{qid}/responses/{rid}/candidates", path: "/projects/{A}/research/questionnaires/{rsq}/responses/{rsr}/candidates",
			body: authzForm("question=q1"), want: manage},
		{pattern: "POST /projects/{id}/research/records", path: "/projects/{A}/research/records",
			body: authzForm(url.Values{"kind": {"observation"}, "title": {"现场观察"}, "held_date": {"2026-03-03"}, "internal": {"1"}}.Encode()), want: manage},
		{pattern: "GET /projects/{id}/research/records/{rid}", path: "/projects/{A}/research/records/{rsrec}", want: vendor},
		{pattern: "POST /projects/{id}/research/records/{rid}/edit", path: "/projects/{A}/research/records/{rsrec}/edit", body: recordForm, want: manage},
		{pattern: "POST /projects/{id}/research/records/{rid}/delete", path: "/projects/{A}/research/records/{rsrecnew}/delete", want: manage},
		{pattern: "POST /projects/{id}/research/records/{rid}/candidates", path: "/projects/{A}/research/records/{rsrec}/candidates", body: authzForm("sentence=1"), want: manage},
		// Comments and attachments on an internal record: vendor staff only.
		{pattern: "GET /projects/{id}/research/records/{rid}/comments.xlsx", path: "/projects/{A}/research/records/{rsrec}/comments.xlsx", want: vendor},
		{pattern: "POST /projects/{id}/research/records/{rid}/comments", path: "/projects/{A}/research/records/{rsrec}/comments",
			body: authzForm(url.Values{"body": {"记录评论"}}.Encode()), want: authzWant{303, 404, 404, 404, 404, 303, 303, 303, 303, 303}},
		{pattern: "POST /projects/{id}/research/records/{rid}/attachments", path: "/projects/{A}/research/records/{rsrec}/attachments", body: authzForm("x=1"),
			want: authzWant{303, 404, 404, 404, 404, 400, 400, 400, 400, 400}},

		//                                                                         anon  oc   ku   ex   cpm  dev  con  fin  pm   admin
		{pattern: "GET /api/v1/research/templates", path: "/api/v1/research/templates", prep: p, want: vendorAPI},
		{pattern: "POST /api/v1/research/templates", path: "/api/v1/research/templates",
			body: func(_ *testing.T, x *authzFix, _ apptest.Who) any {
				return map[string]any{"name": "接口模板 " + itoa(int64(x.next())), "body_text": authzRSBody}
			}, want: authzWant{401, 404, 404, 404, 404, 403, 201, 403, 201, 201}},
		{pattern: "GET /api/v1/research/templates/{tid}", path: "/api/v1/research/templates/{rst}", want: vendorAPI},
		{pattern: "GET /api/v1/projects/{id}/research/questionnaires", path: "/api/v1/projects/{A}/research/questionnaires", prep: p, want: viewAPI},
		{pattern: "POST /api/v1/projects/{id}/research/questionnaires", path: "/api/v1/projects/{A}/research/questionnaires",
			body: func(t *testing.T, x *authzFix, _ apptest.Who) any {
				return map[string]any{"template_id": authzRSFixture(t, x).tmpl}
			}, want: authzWant{401, 404, 403, 403, 403, 403, 201, 403, 201, 201}},
		{pattern: "GET /api/v1/projects/{id}/research/questionnaires/{qid}", path: "/api/v1/projects/{A}/research/questionnaires/{rsq}",
			want: authzWant{401, 404, 200, 404, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/research/questionnaires/{qid}/send", path: "/api/v1/projects/{A}/research/questionnaires/{rsqd}/send", body: sendJSON,
			want: authzWant{401, 404, 403, 403, 403, 403, 200, 403, 200, 200}},
		{pattern: "PUT /api/v1/projects/{id}/research/questionnaires/{qid}/answer", path: "/api/v1/projects/{A}/research/questionnaires/{rsnq}/answer", body: answerJSON,
			want: authzWant{401, 404, 409, 404, 200, 403, 403, 403, 403, 403}},
		{pattern: "GET /api/v1/projects/{id}/research/questionnaires/{qid}/responses", path: "/api/v1/projects/{A}/research/questionnaires/{rsq}/responses", want: vendorAPI},
		{pattern: "GET /api/v1/projects/{id}/research/questionnaires/{qid}/aggregate", path: "/api/v1/projects/{A}/research/questionnaires/{rsq}/aggregate", want: vendorAPI},
		{pattern: "GET /api/v1/projects/{id}/research/records", path: "/api/v1/projects/{A}/research/records", prep: p, want: viewAPI},
		{pattern: "POST /api/v1/projects/{id}/research/records", path: "/api/v1/projects/{A}/research/records",
			body: authzJSON(map[string]any{"kind": "interview", "title": "接口访谈", "held_date": "2026-03-04"}),
			want: authzWant{401, 404, 403, 403, 403, 403, 201, 403, 201, 201}},
		{pattern: "GET /api/v1/projects/{id}/research/records/{rid}", path: "/api/v1/projects/{A}/research/records/{rsrec}", want: vendorAPI},
		{pattern: "PATCH /api/v1/projects/{id}/research/records/{rid}", path: "/api/v1/projects/{A}/research/records/{rsrec}", body: recordJSON,
			want: authzWant{401, 404, 403, 403, 403, 403, 200, 403, 200, 200}},
		{pattern: "DELETE /api/v1/projects/{id}/research/records/{rid}", path: "/api/v1/projects/{A}/research/records/{rsrecnew}",
			want: authzWant{401, 404, 403, 403, 403, 403, 204, 403, 204, 204}},
		{pattern: "POST /api/v1/projects/{id}/research/records/{rid}/restore", path: "/api/v1/projects/{A}/research/records/{rsrecgone}/restore",
			want: authzWant{401, 404, 403, 403, 403, 403, 200, 403, 200, 200}},
	}
}
