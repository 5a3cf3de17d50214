package research_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"golive/internal/access"
	"golive/internal/app/apptest"
	"golive/internal/apperr"
	"golive/internal/research"
)

// Concurrent clicks on "to requirement" create one requirement: the
// others get the same link or are told it is under way, never a second.
func TestConvertOnce(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		s, con := e.App.Research, p(e, apptest.Consultant)
		x, err := s.CreateRecord(ctx, con, e.ProjectA.ID, research.RecordInput{Kind: "observation", Title: "仓库观察", HeldDate: "2026-03-02", Notes: "收货靠纸质单据。"})
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		calls := 0
		s.SetCandidateSink(func(context.Context, *access.Principal, research.Candidate) (int64, string, error) {
			mu.Lock()
			defer mu.Unlock()
			calls++
			return int64(calls), fmt.Sprintf("REQ-%03d", calls), nil
		})
		defer s.SetCandidateSink(nil)
		var wg sync.WaitGroup
		for i := 0; i < 6; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				l, err := s.SentenceToRequirement(ctx, con, e.ProjectA.ID, x.ID, 1)
				if err != nil && apperr.CodeOf(err) != apperr.Conflict {
					t.Errorf("convert: %v", err)
				}
				if err == nil && l.ReqNumber != "REQ-001" {
					t.Errorf("link %+v", l)
				}
			}()
		}
		wg.Wait()
		if calls != 1 {
			t.Fatalf("the sink was called %d times", calls)
		}
		// A failing sink leaves the sentence free to try again.
		s.SetCandidateSink(func(context.Context, *access.Principal, research.Candidate) (int64, string, error) {
			return 0, "", apperr.New(apperr.Conflict, "error.conflict")
		})
		x2, _ := s.CreateRecord(ctx, con, e.ProjectA.ID, research.RecordInput{Kind: "interview", Title: "再访", HeldDate: "2026-03-03", Notes: "需要移动端。"})
		if _, err := s.SentenceToRequirement(ctx, con, e.ProjectA.ID, x2.ID, 1); err == nil {
			t.Fatal("a failing sink converted")
		}
		s.SetCandidateSink(func(context.Context, *access.Principal, research.Candidate) (int64, string, error) {
			return 9, "REQ-009", nil
		})
		if l, err := s.SentenceToRequirement(ctx, con, e.ProjectA.ID, x2.ID, 1); err != nil || l.ReqNumber != "REQ-009" {
			t.Fatalf("retry after failure: %+v %v", l, err)
		}
	})
}

// Templates and questionnaires go to the trash and come back through it.
func TestTrash(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		s, con := e.App.Research, p(e, apptest.Consultant)
		tm, err := s.CreateTemplate(ctx, con, research.TemplateInput{Name: "临时", BodyText: "[long] 说明"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.UpdateTemplate(ctx, con, tm.ID, research.TemplateInput{Name: "改", BodyText: "[long] 说明", Version: tm.Version + 1})
		wantCode(t, "stale template", err, apperr.Conflict)
		err = s.DeleteTemplate(ctx, p(e, apptest.Developer), tm.ID)
		wantCode(t, "developer deletes a template", err, apperr.Forbidden)
		if err := s.DeleteTemplate(ctx, con, tm.ID); err != nil {
			t.Fatal(err)
		}
		items, err := research.TemplateTrash{S: s}.Deleted(ctx, con)
		if err != nil || len(items) != 1 {
			t.Fatalf("template trash %+v %v", items, err)
		}
		if err := (research.TemplateTrash{S: s}).Restore(ctx, con, tm.ID); err != nil {
			t.Fatal(err)
		}
		q, err := s.CreateQuestionnaire(ctx, con, e.ProjectA.ID, research.QuestionnaireInput{TemplateID: tm.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteQuestionnaire(ctx, con, e.ProjectA.ID, q.ID); err != nil {
			t.Fatal(err)
		}
		if items, _ := (research.QuestionnaireTrash{S: s}).Deleted(ctx, p(e, apptest.KeyUser)); len(items) != 0 {
			t.Fatalf("a key user may restore %+v", items)
		}
		if err := (research.QuestionnaireTrash{S: s}).Restore(ctx, con, q.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Questionnaire(ctx, con, e.ProjectA.ID, q.ID); err != nil {
			t.Fatalf("restored questionnaire: %v", err)
		}
	})
}
