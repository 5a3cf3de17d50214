package research_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"golive/internal/access"
	"golive/internal/app/apptest"
	"golive/internal/apperr"
	"golive/internal/research"
)

var ctx = context.Background()

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func p(e *apptest.Env, who apptest.Who) *access.Principal { return e.Users[who].P }

func wantCode(t *testing.T, what string, err error, code apperr.Code) {
	t.Helper()
	if apperr.CodeOf(err) != code {
		t.Fatalf("%s: want %s, got %v", what, code, err)
	}
}

// sink records the candidates it receives and numbers them REQ-001, …
type sink struct {
	mu    sync.Mutex
	calls []research.Candidate
}

func (s *sink) fn(_ context.Context, _ *access.Principal, c research.Candidate) (int64, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
	n := int64(len(s.calls))
	return 100 + n, "REQ-00" + string(rune('0'+n)), nil
}

const body = `# 基本情况
* [short] 公司名称
* [single] 本位币 | 人民币 | 美元
[multi] 辅助核算 | 部门 | 项目 | 客户
* [scale] 满意度
[table] 仓库 | 名称 | 面积
[long] 痛点`

func sentQuestionnaire(t *testing.T, e *apptest.Env) research.Questionnaire {
	t.Helper()
	s := e.App.Research
	q, err := s.CreateQuestionnaire(ctx, p(e, apptest.Consultant), e.ProjectA.ID, research.QuestionnaireInput{Title: "财务调研", BodyText: body})
	if err != nil {
		t.Fatal(err)
	}
	q, err = s.Send(ctx, p(e, apptest.Consultant), e.ProjectA.ID, q.ID, research.SendInput{UserIDs: []int64{e.Users[apptest.KeyUser].ID, e.Users[apptest.CustomerPM].ID}, Version: q.Version})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestQuestionnaireFlow(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		s := e.App.Research
		ku, cpm, con := p(e, apptest.KeyUser), p(e, apptest.CustomerPM), p(e, apptest.Consultant)
		// The built-in templates are in the library; customers never see it.
		ts, err := s.Templates(ctx, con)
		if err != nil || len(ts) < 2 {
			t.Fatalf("library: %d %v", len(ts), err)
		}
		_, err = s.Templates(ctx, ku)
		wantCode(t, "customer reads the library", err, apperr.NotFound)
		// A copy of a template into the project keeps its questions.
		cp, err := s.CreateQuestionnaire(ctx, con, e.ProjectA.ID, research.QuestionnaireInput{TemplateID: ts[0].ID})
		if err != nil || len(cp.Body.Questions()) != ts[0].Questions || cp.Title != ts[0].Name {
			t.Fatalf("copy: %+v %v", cp, err)
		}
		// A draft is not the customer's to see.
		_, _, err = s.Questionnaire(ctx, ku, e.ProjectA.ID, cp.ID)
		wantCode(t, "draft for customer", err, apperr.NotFound)

		q := sentQuestionnaire(t, e)
		if q.Status != research.QSent || q.Recipients != 2 {
			t.Fatalf("sent: %+v", q)
		}
		// Sent: the questions are frozen.
		_, err = s.UpdateQuestionnaire(ctx, con, e.ProjectA.ID, q.ID, research.QuestionnaireInput{Title: "x", BodyText: body, Version: q.Version})
		wantCode(t, "edit after send", err, apperr.Conflict)
		// Only customer PM and key users of the project can receive it.
		_, err = s.Send(ctx, con, e.ProjectA.ID, q.ID, research.SendInput{UserIDs: []int64{e.Users[apptest.Executive].ID}, Version: q.Version})
		wantCode(t, "send to executive", err, apperr.Invalid)
		// The recipient was notified.
		var n int
		if err := e.App.DB.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE user_id = ? AND msg_key = 'research.notify_sent'`, ku.UserID).Scan(&n); err != nil || n != 1 {
			t.Fatalf("notifications: %d %v", n, err)
		}
		// The other company's customer PM cannot even see it.
		_, _, err = s.Questionnaire(ctx, p(e, apptest.OtherCust), e.ProjectA.ID, q.ID)
		wantCode(t, "other company", err, apperr.NotFound)

		got, _, err := s.Questionnaire(ctx, ku, e.ProjectA.ID, q.ID)
		if err != nil || got.Mine == nil || got.Mine.Status != research.StatusPending {
			t.Fatalf("mine: %+v %v", got.Mine, err)
		}
		v := got.Mine.Version
		// Validation per type.
		bad := []research.Answers{
			{"q2": {Choices: []string{"日元"}}},
			{"q2": {Choices: []string{"人民币", "美元"}}},
			{"q4": {Scale: 6}},
			{"q5": {Rows: [][]string{{"一号库"}}}},
			{"q9": {Text: "?"}},
			{"q1": {Text: "a\nb"}},
		}
		for i, a := range bad {
			_, err := s.SaveAnswers(ctx, ku, e.ProjectA.ID, q.ID, research.AnswerInput{Answers: a, Version: v})
			wantCode(t, "bad answer "+string(rune('0'+i)), err, apperr.Invalid)
		}
		// A draft may leave required questions empty; submitting may not.
		r, err := s.SaveAnswers(ctx, ku, e.ProjectA.ID, q.ID, research.AnswerInput{Answers: research.Answers{"q1": {Text: " 甲公司 "}}, Version: v})
		if err != nil || r.Status != research.StatusDraft || r.Answers["q1"].Text != "甲公司" {
			t.Fatalf("draft: %+v %v", r, err)
		}
		_, err = s.SaveAnswers(ctx, ku, e.ProjectA.ID, q.ID, research.AnswerInput{Answers: research.Answers{"q1": {Text: "甲公司"}}, Submit: true, Version: r.Version})
		e2 := apperr.As(err)
		if e2 == nil || !e2.HasField("q2") || !e2.HasField("q4") || e2.HasField("q3") {
			t.Fatalf("submit without required: %v", err)
		}
		// A stale version is a conflict.
		_, err = s.SaveAnswers(ctx, ku, e.ProjectA.ID, q.ID, research.AnswerInput{Answers: research.Answers{}, Version: v})
		wantCode(t, "stale", err, apperr.Conflict)
		full := research.Answers{"q1": {Text: "甲公司"}, "q2": {Choices: []string{"人民币"}}, "q3": {Choices: []string{"部门", "项目"}}, "q4": {Scale: 4},
			"q5": {Rows: [][]string{{"一号库", "500"}, {"", ""}}}, "q6": {Text: "月结慢。对账难！"}}
		r, err = s.SaveAnswers(ctx, ku, e.ProjectA.ID, q.ID, research.AnswerInput{Answers: full, Submit: true, Version: r.Version})
		if err != nil || r.Status != research.StatusSubmitted || len(r.Answers["q5"].Rows) != 1 {
			t.Fatalf("submit: %+v %v", r, err)
		}
		// Locked once submitted.
		_, err = s.SaveAnswers(ctx, ku, e.ProjectA.ID, q.ID, research.AnswerInput{Answers: full, Version: r.Version})
		wantCode(t, "locked", err, apperr.Conflict)
		// The customer PM's draft is hers alone.
		g2, _, _ := s.Questionnaire(ctx, cpm, e.ProjectA.ID, q.ID)
		if _, err := s.SaveAnswers(ctx, cpm, e.ProjectA.ID, q.ID, research.AnswerInput{Answers: research.Answers{"q1": {Text: "草稿秘密"}}, Version: g2.Mine.Version}); err != nil {
			t.Fatal(err)
		}
		// A key user may not read someone else's response.
		_, _, err = s.Responses(ctx, ku, e.ProjectA.ID, q.ID)
		wantCode(t, "customer reads responses", err, apperr.NotFound)

		_, ag, err := s.Aggregate(ctx, con, e.ProjectA.ID, q.ID)
		if err != nil || ag.Submitted != 1 {
			t.Fatalf("aggregate: %+v %v", ag, err)
		}
		for _, qa := range ag.Questions {
			switch qa.Key {
			case "q2":
				if qa.Counts[0].N != 1 || qa.Counts[1].N != 0 {
					t.Errorf("q2 counts %+v", qa.Counts)
				}
			case "q4":
				if qa.Average != 4 || qa.Counts[3].N != 1 {
					t.Errorf("q4 %+v", qa)
				}
			case "q1":
				for _, tx := range qa.Texts {
					if strings.Contains(tx.Text, "草稿秘密") {
						t.Errorf("a draft answer was aggregated")
					}
				}
			}
		}
		// Reopen: the key user may answer again.
		_, rs, _ := s.Responses(ctx, con, e.ProjectA.ID, q.ID)
		var kr research.Response
		for _, x := range rs {
			if x.UserID == ku.UserID {
				kr = x
			}
			if x.UserID == cpm.UserID && len(x.Answers) != 0 {
				t.Errorf("draft answers shown to the consultant: %+v", x.Answers)
			}
		}
		_, err = s.Reopen(ctx, ku, e.ProjectA.ID, q.ID, kr.ID, research.ReopenInput{Version: kr.Version})
		wantCode(t, "key user reopens", err, apperr.Forbidden)
		ro, err := s.Reopen(ctx, con, e.ProjectA.ID, q.ID, kr.ID, research.ReopenInput{Version: kr.Version})
		if err != nil || ro.Status != research.StatusDraft {
			t.Fatalf("reopen: %+v %v", ro, err)
		}
		if _, err := s.SaveAnswers(ctx, ku, e.ProjectA.ID, q.ID, research.AnswerInput{Answers: full, Submit: true, Version: ro.Version}); err != nil {
			t.Fatal(err)
		}
		// Export: a real workbook with both sheets.
		r2 := e.Do(t, apptest.Consultant, "GET", "/projects/"+itoa(e.ProjectA.ID)+"/research/questionnaires/"+itoa(q.ID)+"/responses.xlsx", nil)
		if r2.Status != 200 {
			t.Fatalf("export: %d", r2.Status)
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(r2.Body)))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows(f.GetSheetList()[0])
		if len(f.GetSheetList()) != 2 || len(rows) != 3 || !strings.Contains(strings.Join(append(rows[1], rows[2]...), ","), "甲公司") {
			t.Errorf("export sheets %v rows %v", f.GetSheetList(), rows)
		}
	})
}

func TestRecordsAndCandidates(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		s := e.App.Research
		con, ku := p(e, apptest.Consultant), p(e, apptest.KeyUser)
		notes := "财务总监认为月结太慢。每月要五天！\n希望 3.5 天内完成？应收对账靠 Excel."
		x, err := s.CreateRecord(ctx, con, e.ProjectA.ID, research.RecordInput{Kind: "interview", Title: "财务总监访谈", HeldDate: "2026-03-01", Notes: notes})
		if err != nil || !x.Internal {
			t.Fatalf("create: %+v %v", x, err)
		}
		if got := research.Sentences(x.Notes); len(got) != 4 || got[2] != "希望 3.5 天内完成？" {
			t.Fatalf("sentences %q", got)
		}
		// Internal by default: the customer does not see it.
		_, _, err = s.Record(ctx, ku, e.ProjectA.ID, x.ID)
		wantCode(t, "internal record for customer", err, apperr.NotFound)
		rs, _, _ := s.Records(ctx, ku, e.ProjectA.ID)
		if len(rs) != 0 {
			t.Fatalf("customer lists internal records: %+v", rs)
		}
		_, err = s.CreateRecord(ctx, ku, e.ProjectA.ID, research.RecordInput{Kind: "interview", Title: "x", HeldDate: "2026-03-01"})
		wantCode(t, "key user creates", err, apperr.Forbidden)
		_, err = s.CreateRecord(ctx, con, e.ProjectA.ID, research.RecordInput{Kind: "meeting", Title: "", HeldDate: "2026-02-30"})
		if e := apperr.As(err); e == nil || !e.HasField("kind") || !e.HasField("title") || !e.HasField("held_date") {
			t.Fatalf("bad record: %v", err)
		}
		vis := false
		x2, err := s.UpdateRecord(ctx, con, e.ProjectA.ID, x.ID, research.RecordInput{Kind: "interview", Title: x.Title, HeldDate: x.HeldDate, Notes: x.Notes, Internal: &vis, Version: x.Version})
		if err != nil || x2.Internal {
			t.Fatalf("update: %+v %v", x2, err)
		}
		_, err = s.UpdateRecord(ctx, con, e.ProjectA.ID, x.ID, research.RecordInput{Kind: "interview", Title: "旧", HeldDate: x.HeldDate, Version: x.Version})
		wantCode(t, "stale record", err, apperr.Conflict)
		if _, _, err := s.Record(ctx, ku, e.ProjectA.ID, x.ID); err != nil {
			t.Fatalf("customer-visible record: %v", err)
		}

		// Without a sink nothing can be converted (the app installs the
		// requirement pool as the sink; take it away here).
		s.SetCandidateSink(nil)
		_, err = s.SentenceToRequirement(ctx, con, e.ProjectA.ID, x.ID, 1)
		wantCode(t, "no sink", err, apperr.NotFound)
		var sk sink
		s.SetCandidateSink(sk.fn)
		defer s.SetCandidateSink(nil)
		_, err = s.SentenceToRequirement(ctx, ku, e.ProjectA.ID, x.ID, 1)
		wantCode(t, "customer converts", err, apperr.Forbidden)
		_, err = s.SentenceToRequirement(ctx, con, e.ProjectA.ID, x.ID, 9)
		wantCode(t, "no such sentence", err, apperr.Invalid)
		l, err := s.SentenceToRequirement(ctx, con, e.ProjectA.ID, x.ID, 2)
		if err != nil || l.ReqNumber != "REQ-001" || l.URL != "/projects/"+itoa(e.ProjectA.ID)+"/requirements/101" {
			t.Fatalf("convert: %+v %v", l, err)
		}
		c := sk.calls[0]
		if c.SourceKind != "interview" || c.SourceID != x.ID || c.Title != "每月要五天！" || !strings.Contains(c.SourceRef, "第2句") || !strings.HasSuffix(c.SourceURL, "#s-2") {
			t.Errorf("candidate %+v", c)
		}
		// Twice: the same requirement, the sink not called again.
		l2, err := s.SentenceToRequirement(ctx, con, e.ProjectA.ID, x.ID, 2)
		if err != nil || l2 != l || len(sk.calls) != 1 {
			t.Fatalf("second convert: %+v %v calls %d", l2, err, len(sk.calls))
		}
		// An edit that moves the sentence keeps its link.
		x3, err := s.UpdateRecord(ctx, con, e.ProjectA.ID, x.ID, research.RecordInput{Kind: "interview", Title: x.Title, HeldDate: x.HeldDate, Notes: "开场白。" + notes, Version: x2.Version})
		if err != nil {
			t.Fatal(err)
		}
		links, err := s.RecordLinks(ctx, x3)
		if err != nil || links[3].ReqNumber != "REQ-001" || len(links) != 1 {
			t.Fatalf("links after edit: %+v %v", links, err)
		}
		// Trash and back.
		if err := s.DeleteRecord(ctx, con, e.ProjectA.ID, x.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Record(ctx, con, e.ProjectA.ID, x.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("deleted record still there: %v", err)
		}
		if _, err := s.RestoreRecord(ctx, con, e.ProjectA.ID, x.ID); err != nil {
			t.Fatal(err)
		}
		var audits int
		if err := e.App.DB.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity = 'rs_record' AND entity_id = ?`, x.ID).Scan(&audits); err != nil || audits != 5 {
			t.Errorf("audit rows: %d %v", audits, err)
		}

		// An answer becomes a requirement too.
		q := sentQuestionnaire(t, e)
		g, _, _ := s.Questionnaire(ctx, ku, e.ProjectA.ID, q.ID)
		r, err := s.SaveAnswers(ctx, ku, e.ProjectA.ID, q.ID, research.AnswerInput{Answers: research.Answers{"q1": {Text: "甲"}, "q2": {Choices: []string{"美元"}}, "q4": {Scale: 2},
			"q6": {Text: "希望自动对账"}}, Submit: true, Version: g.Mine.Version})
		if err != nil {
			t.Fatal(err)
		}
		l, err = s.AnswerToRequirement(ctx, con, e.ProjectA.ID, q.ID, r.ID, "q6")
		if err != nil || l.ReqNumber != "REQ-002" {
			t.Fatalf("answer convert: %+v %v", l, err)
		}
		if c := sk.calls[1]; c.SourceKind != "questionnaire" || c.SourceID != q.ID || !strings.Contains(c.Description, "希望自动对账") {
			t.Errorf("answer candidate %+v", c)
		}
		_, err = s.AnswerToRequirement(ctx, con, e.ProjectA.ID, q.ID, r.ID, "q3")
		wantCode(t, "unanswered question", err, apperr.Invalid)
		ls, _ := s.ResponseLinks(ctx, e.ProjectA.ID, q.ID, r.ID)
		if ls["q6"].ReqID != 102 {
			t.Errorf("response links %+v", ls)
		}
	})
}
