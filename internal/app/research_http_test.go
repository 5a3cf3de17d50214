package app_test

import (
	"context"
	"strings"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/research"
)

// Research over HTTP: an object of project A named under project B is not
// found even for a PM of both; bad input is a 400 naming the field, in the
// caller's language, and changes nothing.
func TestResearchHTTP(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		s, con := e.App.Research, e.Users[apptest.Consultant].P
		q, err := s.CreateQuestionnaire(ctx, con, e.ProjectA.ID, research.QuestionnaireInput{Title: "甲问卷", BodyText: "* [short] 名称\n[scale] 满意度"})
		if err != nil {
			t.Fatal(err)
		}
		rec, err := s.CreateRecord(ctx, con, e.ProjectA.ID, research.RecordInput{Kind: "interview", Title: "甲访谈", HeldDate: "2026-03-01"})
		if err != nil {
			t.Fatal(err)
		}
		a, b := itoa(e.ProjectA.ID), itoa(e.ProjectB.ID)
		// The draft's page: the edit form and the questions.
		if r := e.Do(t, apptest.Consultant, "GET", "/projects/"+a+"/research/questionnaires/"+itoa(q.ID), nil); r.Status != 200 || !strings.Contains(r.Body, `id="rs-edit"`) || !strings.Contains(r.Body, "满意度") {
			t.Errorf("draft page: %d", r.Status)
		}
		for _, path := range []string{
			"/projects/" + b + "/research/questionnaires/" + itoa(q.ID),
			"/projects/" + b + "/research/records/" + itoa(rec.ID),
			"/api/v1/projects/" + b + "/research/questionnaires/" + itoa(q.ID) + "/responses",
			"/api/v1/projects/" + b + "/research/records/" + itoa(rec.ID),
		} {
			if r := e.Do(t, apptest.PM, "GET", path, nil); r.Status != 404 {
				t.Errorf("%s: %d, want 404", path, r.Status)
			}
		}
		// Bad questions: the line is named.
		r := e.Do(t, apptest.Consultant, "POST", "/api/v1/projects/"+a+"/research/questionnaires", map[string]any{"title": "坏问卷", "body_text": "[short] 好\n[date] 坏"})
		if r.Status != 400 || !strings.Contains(r.Body, `"body"`) || !strings.Contains(r.Body, "第 2 行") {
			t.Errorf("bad body: %d %s", r.Status, r.Body)
		}
		r = e.Do(t, apptest.Consultant, "POST", "/api/v1/projects/"+a+"/research/records", map[string]any{"kind": "meeting", "title": "x", "held_date": "2026-13-01"})
		if r.Status != 400 || !strings.Contains(r.Body, `"kind"`) || !strings.Contains(r.Body, `"held_date"`) {
			t.Errorf("bad record: %d %s", r.Status, r.Body)
		}
		// The page re-renders the form with the message beside the field.
		r = e.Do(t, apptest.Consultant, "POST", "/projects/"+a+"/research/records", "kind=interview&title=&held_date=2026-03-01")
		if r.Status != 400 || !strings.Contains(r.Body, "标题") || !strings.Contains(r.Body, `open id="rs-r-new-box"`) {
			t.Errorf("record form: %d", r.Status)
		}
		// A key user's answer outside the options.
		q2, err := s.Send(ctx, con, e.ProjectA.ID, q.ID, research.SendInput{UserIDs: []int64{e.Users[apptest.KeyUser].ID}, Version: q.Version})
		if err != nil {
			t.Fatal(err)
		}
		r = e.Do(t, apptest.KeyUser, "PUT", "/api/v1/projects/"+a+"/research/questionnaires/"+itoa(q2.ID)+"/answer",
			map[string]any{"answers": map[string]any{"q2": map[string]any{"scale": 9}}, "submit": true, "version": 1})
		if r.Status != 400 || !strings.Contains(r.Body, `"q1"`) || !strings.Contains(r.Body, `"q2"`) {
			t.Errorf("bad answer: %d %s", r.Status, r.Body)
		}
		_, rs, _ := s.Responses(ctx, con, e.ProjectA.ID, q2.ID)
		if len(rs) != 1 || rs[0].Status != research.StatusPending {
			t.Errorf("a refused answer changed the response: %+v", rs)
		}
		// The answer page shows each error beside its question.
		r = e.Do(t, apptest.KeyUser, "POST", "/projects/"+a+"/research/questionnaires/"+itoa(q2.ID)+"/answer", "q2=7&submit=1&version=1")
		if r.Status != 400 || strings.Count(r.Body, `rs-question invalid`) != 2 || !strings.Contains(r.Body, "评分必须是 1 到 5") {
			t.Errorf("answer form: %d", r.Status)
		}
	})
}
