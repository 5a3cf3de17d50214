package research

import (
	"context"
	"fmt"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
)

// Source kinds of a candidate.
const (
	SourceQuestionnaire = "questionnaire"
	SourceInterview     = KindInterview
	SourceObservation   = KindObservation
)

// Link is the requirement a sentence or an answer became.
type Link struct {
	ReqID     int64  `json:"req_id"`
	ReqNumber string `json:"req_number"`
	URL       string `json:"url"`
}

func reqURL(projectID, reqID int64) string {
	return "/projects/" + itoa(projectID) + "/requirements/" + itoa(reqID)
}

// links returns the requirements made from one source, by source key.
func (s *Service) links(ctx context.Context, projectID int64, kind string, sourceID int64) (map[string]Link, error) {
	rows, err := s.db.Query(ctx, `SELECT source_key, req_id, req_number FROM rs_candidates WHERE project_id = ? AND source_kind = ? AND source_id = ? AND req_id IS NOT NULL`,
		projectID, kind, sourceID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := map[string]Link{}
	for rows.Next() {
		var k string
		var l Link
		if err := rows.Scan(&k, &l.ReqID, &l.ReqNumber); err != nil {
			return nil, apperr.Wrap(err)
		}
		l.URL = reqURL(projectID, l.ReqID)
		out[k] = l
	}
	return out, apperr.Wrap(rows.Err())
}

// convert turns one source into a requirement exactly once: the source is
// reserved first (a unique key), then the sink creates the requirement,
// then the reservation records it. A second click finds the reservation
// and is told the requirement that exists (or, while the first is still
// running, a conflict); a failing sink releases the reservation.
func (s *Service) convert(ctx context.Context, p *access.Principal, c Candidate, key string) (Link, error) {
	if s.sink == nil {
		return Link{}, apperr.NotFoundErr()
	}
	var resID int64
	var existing Link
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		// A reservation older than five minutes lost its process between
		// the sink and the record: release it.
		if _, err := tx.Exec(ctx, `DELETE FROM rs_candidates WHERE source_kind = ? AND source_id = ? AND source_key = ? AND req_id IS NULL AND created_ms < ?`,
			c.SourceKind, c.SourceID, key, db.Now()-5*60*1000); err != nil {
			return err
		}
		var reqID *int64
		var num string
		err := tx.QueryRow(ctx, `SELECT id, req_id, req_number FROM rs_candidates WHERE source_kind = ? AND source_id = ? AND source_key = ?`,
			c.SourceKind, c.SourceID, key).Scan(&resID, &reqID, &num)
		if err == nil {
			if reqID == nil {
				return apperr.New(apperr.Conflict, "research.err_converting")
			}
			existing = Link{ReqID: *reqID, ReqNumber: num, URL: reqURL(c.ProjectID, *reqID)}
			return nil
		}
		if apperr.CodeOf(db.NotFound(err)) != apperr.NotFound {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO rs_candidates (project_id, source_kind, source_id, source_key, created_by, created_ms) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			c.ProjectID, c.SourceKind, c.SourceID, key, p.UserID, db.Now()).Scan(&resID)
		if db.IsUnique(err) {
			return apperr.New(apperr.Conflict, "research.err_converting")
		}
		return err
	})
	if err != nil {
		return Link{}, apperr.Wrap(err)
	}
	if existing.ReqID != 0 {
		return existing, nil
	}
	reqID, num, err := s.sink(ctx, p, c)
	if err != nil {
		_, _ = s.db.Exec(ctx, `DELETE FROM rs_candidates WHERE id = ? AND req_id IS NULL`, resID)
		return Link{}, err
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE rs_candidates SET req_id = ?, req_number = ? WHERE id = ?`, reqID, num, resID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: c.ProjectID, Entity: "rs_candidate", EntityID: resID, Action: "create", Summary: num + " " + c.Title,
			After: map[string]any{"source": c.SourceRef, "req_id": reqID, "req_number": num}, Internal: true})
	})
	if err != nil {
		return Link{}, apperr.Wrap(err)
	}
	return Link{ReqID: reqID, ReqNumber: num, URL: reqURL(c.ProjectID, reqID)}, nil
}

// SentenceToRequirement turns sentence n (1-based) of a record's notes into
// a requirement candidate.
func (s *Service) SentenceToRequirement(ctx context.Context, p *access.Principal, projectID, recordID int64, n int) (Link, error) {
	if _, err := s.can(ctx, p, projectID, access.ResearchManage); err != nil {
		return Link{}, err
	}
	if s.sink == nil {
		return Link{}, apperr.NotFoundErr()
	}
	x, err := loadRecord(ctx, s.db, projectID, recordID, true)
	if err != nil {
		return Link{}, err
	}
	ss := Sentences(x.Notes)
	if n < 1 || n > len(ss) {
		return Link{}, apperr.InvalidField("sentence", "research.err_sentence")
	}
	sent := ss[n-1]
	label := "访谈记录"
	if x.Kind == KindObservation {
		label = "现场观察"
	}
	c := Candidate{ProjectID: projectID, Title: shortTitle(sent), SourceKind: x.Kind, SourceID: x.ID,
		Description: sent + "\n\n——" + label + "《" + x.Title + "》" + x.HeldDate,
		SourceRef:   fmt.Sprintf("%s %s 第%d句", label, x.HeldDate, n), SourceURL: RecordLink(projectID, x.ID) + fmt.Sprintf("#s-%d", n)}
	return s.convert(ctx, p, c, sentenceKey(sent))
}

// AnswerToRequirement turns one submitted answer into a requirement candidate.
func (s *Service) AnswerToRequirement(ctx context.Context, p *access.Principal, projectID, qid, rid int64, key string) (Link, error) {
	if _, err := s.can(ctx, p, projectID, access.ResearchManage); err != nil {
		return Link{}, err
	}
	if s.sink == nil {
		return Link{}, apperr.NotFoundErr()
	}
	q, r, err := s.Response(ctx, p, projectID, qid, rid)
	if err != nil {
		return Link{}, err
	}
	if r.Status != StatusSubmitted {
		return Link{}, apperr.New(apperr.Conflict, "research.err_not_submitted")
	}
	qu, ok := q.Body.Question(key)
	a, answered := r.Answers[key]
	if !ok || !answered {
		return Link{}, apperr.InvalidField("question", "research.err_question")
	}
	text := AnswerText(qu, a)
	c := Candidate{ProjectID: projectID, Title: shortTitle(qu.Text + "：" + text), SourceKind: SourceQuestionnaire, SourceID: q.ID,
		Description: qu.Text + "\n" + text + "\n\n——问卷《" + q.Title + "》" + r.UserName,
		SourceRef:   fmt.Sprintf("问卷《%s》%s 第%s题", q.Title, r.UserName, key[1:]), SourceURL: QuestionnaireLink(projectID, qid) + "/responses/" + itoa(rid) + "#" + key}
	return s.convert(ctx, p, c, answerKey(rid, key))
}

func answerKey(rid int64, key string) string { return "r" + itoa(rid) + ":" + key }

// RecordLinks returns which sentences of a record became requirements, by
// sentence number.
func (s *Service) RecordLinks(ctx context.Context, x Record) (map[int]Link, error) {
	ls, err := s.links(ctx, x.ProjectID, x.Kind, x.ID)
	if err != nil {
		return nil, err
	}
	out := map[int]Link{}
	for i, sent := range Sentences(x.Notes) {
		if l, ok := ls[sentenceKey(sent)]; ok {
			out[i+1] = l
		}
	}
	return out, nil
}

// ResponseLinks returns which answers of a response became requirements, by question key.
func (s *Service) ResponseLinks(ctx context.Context, projectID, qid, rid int64) (map[string]Link, error) {
	ls, err := s.links(ctx, projectID, SourceQuestionnaire, qid)
	if err != nil {
		return nil, err
	}
	out := map[string]Link{}
	prefix := "r" + itoa(rid) + ":"
	for k, l := range ls {
		if len(k) > len(prefix) && k[:len(prefix)] == prefix {
			out[k[len(prefix):]] = l
		}
	}
	return out, nil
}
