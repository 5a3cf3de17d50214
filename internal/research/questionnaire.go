package research

import (
	"context"
	"encoding/json"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/notify"
	"golive/internal/project"
	"golive/internal/validate"
)

// Questionnaire statuses.
const (
	QDraft = "draft" // being prepared: editable, customers do not see it
	QSent  = "sent"  // sent to its recipients: the body is frozen
)

// Response statuses.
const (
	StatusPending   = "pending"   // sent, not opened or saved yet
	StatusDraft     = "draft"     // saved, not submitted
	StatusSubmitted = "submitted" // submitted: locked until a consultant reopens it
)

// Questionnaire is a project's copy of a template.
type Questionnaire struct {
	ID          int64  `json:"id"`
	ProjectID   int64  `json:"project_id"`
	TemplateID  *int64 `json:"template_id,omitempty"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Body        Body   `json:"body"`
	Status      string `json:"status" enum:"draft,sent"`
	DueDate     string `json:"due_date,omitempty"`
	SentMS      *int64 `json:"sent_ms,omitempty"`
	CreatedMS   int64  `json:"created_ms"`
	UpdatedMS   int64  `json:"updated_ms"`
	DeletedMS   *int64 `json:"deleted_ms,omitempty"`
	Version     int64  `json:"version"`
	// Counts of its responses (lists).
	Recipients int `json:"recipients"`
	Submitted  int `json:"submitted"`
	// Mine is the caller's own response when the caller is a recipient.
	Mine *Response `json:"mine,omitempty"`
}

// Response is one recipient's answers.
type Response struct {
	ID              int64   `json:"id"`
	QuestionnaireID int64   `json:"questionnaire_id"`
	UserID          int64   `json:"user_id"`
	UserName        string  `json:"user_name"`
	Role            string  `json:"role"`
	Status          string  `json:"status" enum:"pending,draft,submitted"`
	Answers         Answers `json:"answers"` // a draft's answers are its author's alone
	SubmittedMS     *int64  `json:"submitted_ms,omitempty"`
	UpdatedMS       int64   `json:"updated_ms"`
	Version         int64   `json:"version"`
}

// QuestionnaireInput creates a questionnaire (from a template, or blank
// with a body) or edits a draft one.
type QuestionnaireInput struct {
	TemplateID  int64  `json:"template_id,omitempty"`
	Title       string `json:"title"`
	Description string `json:"description"`
	DueDate     string `json:"due_date,omitempty"`
	Body        *Body  `json:"body,omitempty"`
	BodyText    string `json:"body_text,omitempty"`
	Version     int64  `json:"version,omitempty"`
}

func (in *QuestionnaireInput) check(f *apperr.Fields) {
	validate.Line(f, "title", &in.Title, 1, 80)
	validate.Text(f, "description", &in.Description, 0, 2000)
	validate.Date(f, "due_date", &in.DueDate, false)
}

// SendInput names the recipients: customer PM or key users of the project.
type SendInput struct {
	UserIDs []int64 `json:"user_ids"`
	Version int64   `json:"version"`
}

// AnswerInput saves the caller's answers; Submit also submits them (all
// required questions answered), after which they are locked.
type AnswerInput struct {
	Answers Answers `json:"answers"`
	Submit  bool    `json:"submit"`
	Version int64   `json:"version"`
}

// ReopenInput reopens a submitted response.
type ReopenInput struct {
	Version int64 `json:"version"`
}

const qCols = `q.id, q.project_id, q.template_id, q.title, q.description, q.body_json, q.status, q.due_date, q.sent_ms, q.created_ms, q.updated_ms, q.deleted_ms, q.version,
	(SELECT count(*) FROM rs_responses r WHERE r.questionnaire_id = q.id),
	(SELECT count(*) FROM rs_responses r WHERE r.questionnaire_id = q.id AND r.status = 'submitted')`

func scanQ(r interface{ Scan(...any) error }) (Questionnaire, error) {
	var q Questionnaire
	var body string
	if err := r.Scan(&q.ID, &q.ProjectID, &q.TemplateID, &q.Title, &q.Description, &body, &q.Status, &q.DueDate, &q.SentMS, &q.CreatedMS, &q.UpdatedMS, &q.DeletedMS, &q.Version,
		&q.Recipients, &q.Submitted); err != nil {
		return q, err
	}
	q.Body = decodeBody(body)
	return q, nil
}

func loadQ(ctx context.Context, dq db.Q, projectID, id int64) (Questionnaire, error) {
	q, err := scanQ(dq.QueryRow(ctx, `SELECT `+qCols+` FROM rs_questionnaires q WHERE q.id = ? AND q.project_id = ? AND q.deleted_ms IS NULL`, id, projectID))
	if err != nil {
		return q, db.NotFound(err)
	}
	return q, nil
}

const respCols = `r.id, r.questionnaire_id, r.user_id, u.name, COALESCE(m.role, ''), r.status, r.answers_json, r.submitted_ms, r.updated_ms, r.version`

func scanResp(r interface{ Scan(...any) error }) (Response, error) {
	var x Response
	var ans string
	if err := r.Scan(&x.ID, &x.QuestionnaireID, &x.UserID, &x.UserName, &x.Role, &x.Status, &ans, &x.SubmittedMS, &x.UpdatedMS, &x.Version); err != nil {
		return x, err
	}
	x.Answers = Answers{}
	_ = json.Unmarshal([]byte(ans), &x.Answers)
	return x, nil
}

const respFrom = ` FROM rs_responses r JOIN users u ON u.id = r.user_id
	LEFT JOIN project_members m ON m.project_id = r.project_id AND m.user_id = r.user_id AND m.deleted_ms IS NULL `

func loadResponses(ctx context.Context, dq db.Q, qid int64) ([]Response, error) {
	rows, err := dq.Query(ctx, `SELECT `+respCols+respFrom+`WHERE r.questionnaire_id = ? ORDER BY u.name, r.id`, qid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Response{}
	for rows.Next() {
		x, err := scanResp(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

func myResponse(ctx context.Context, dq db.Q, qid, userID int64) (*Response, error) {
	x, err := scanResp(dq.QueryRow(ctx, `SELECT `+respCols+respFrom+`WHERE r.questionnaire_id = ? AND r.user_id = ?`, qid, userID))
	if err != nil {
		if apperr.CodeOf(db.NotFound(err)) == apperr.NotFound {
			return nil, nil
		}
		return nil, err
	}
	return &x, nil
}

// seesQuestionnaire: vendor staff see every questionnaire of the project;
// a customer only a sent one addressed to them (anything else is not found).
func (s *Service) visibleQ(ctx context.Context, p *access.Principal, m access.Membership, q *Questionnaire) error {
	mine, err := myResponse(ctx, s.db, q.ID, p.UserID)
	if err != nil {
		return apperr.Wrap(err)
	}
	q.Mine = mine
	if p.Vendor {
		return nil
	}
	if mine == nil || q.Status == QDraft {
		return apperr.NotFoundErr()
	}
	return nil
}

// Questionnaires lists the project's questionnaires the caller may see.
func (s *Service) Questionnaires(ctx context.Context, p *access.Principal, projectID int64) ([]Questionnaire, access.Membership, error) {
	m, err := s.can(ctx, p, projectID, "")
	if err != nil {
		return nil, m, err
	}
	q := `SELECT ` + qCols + ` FROM rs_questionnaires q WHERE q.project_id = ? AND q.deleted_ms IS NULL`
	args := []any{projectID}
	if !p.Vendor {
		q += ` AND q.status <> 'draft' AND EXISTS (SELECT 1 FROM rs_responses r WHERE r.questionnaire_id = q.id AND r.user_id = ?)`
		args = append(args, p.UserID)
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY q.id DESC`, args...)
	if err != nil {
		return nil, m, apperr.Wrap(err)
	}
	out := []Questionnaire{}
	for rows.Next() {
		x, err := scanQ(rows)
		if err != nil {
			rows.Close()
			return nil, m, apperr.Wrap(err)
		}
		out = append(out, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, m, apperr.Wrap(err)
	}
	for i := range out {
		if out[i].Mine, err = myResponse(ctx, s.db, out[i].ID, p.UserID); err != nil {
			return nil, m, apperr.Wrap(err)
		}
	}
	return out, m, nil
}

// Questionnaire returns one questionnaire the caller may see, with the
// caller's own response when they are a recipient.
func (s *Service) Questionnaire(ctx context.Context, p *access.Principal, projectID, id int64) (Questionnaire, access.Membership, error) {
	m, err := s.can(ctx, p, projectID, "")
	if err != nil {
		return Questionnaire{}, m, err
	}
	q, err := loadQ(ctx, s.db, projectID, id)
	if err != nil {
		return q, m, err
	}
	return q, m, s.visibleQ(ctx, p, m, &q)
}

func (s *Service) activeProject(ctx context.Context, q db.Q, projectID int64) error {
	var status string
	if err := q.QueryRow(ctx, `SELECT status FROM projects WHERE id = ?`, projectID).Scan(&status); err != nil {
		return db.NotFound(err)
	}
	if status != project.StatusActive {
		return apperr.New(apperr.Conflict, "research.err_archived")
	}
	return nil
}

// CreateQuestionnaire copies a library template into the project (or
// starts from the body given), as a draft.
func (s *Service) CreateQuestionnaire(ctx context.Context, p *access.Principal, projectID int64, in QuestionnaireInput) (Questionnaire, error) {
	if _, err := s.can(ctx, p, projectID, access.ResearchManage); err != nil {
		return Questionnaire{}, err
	}
	var f apperr.Fields
	var body Body
	var tmplID any
	if in.TemplateID > 0 {
		t, err := loadTemplate(ctx, s.db, in.TemplateID)
		if err != nil {
			return Questionnaire{}, apperr.InvalidField("template_id", "research.err_template")
		}
		body, tmplID = t.Body, t.ID
		if in.Title == "" {
			in.Title = t.Name
		}
		if in.Description == "" {
			in.Description = t.Description
		}
		in.check(&f)
	} else {
		in.check(&f)
		if f.Err() == nil {
			b, err := inputBody(in.Body, in.BodyText)
			if err != nil {
				return Questionnaire{}, err
			}
			body = b
		}
	}
	if err := f.Err(); err != nil {
		return Questionnaire{}, err
	}
	var q Questionnaire
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := s.activeProject(ctx, tx, projectID); err != nil {
			return err
		}
		now := db.Now()
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO rs_questionnaires (project_id, template_id, title, description, body_json, status, due_date, created_by, created_ms, updated_ms)
			VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?) RETURNING id`, projectID, tmplID, in.Title, in.Description, mustJSON(body), in.DueDate, p.UserID, now, now).Scan(&id); err != nil {
			return err
		}
		var err error
		if q, err = loadQ(ctx, tx, projectID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "rs_questionnaire", EntityID: id, Action: "create", Summary: q.Title, Internal: true,
			After: map[string]any{"title": q.Title, "template_id": in.TemplateID, "questions": len(q.Body.Questions())}})
	})
	return q, apperr.Wrap(err)
}

// UpdateQuestionnaire edits a draft questionnaire; once sent it is frozen.
func (s *Service) UpdateQuestionnaire(ctx context.Context, p *access.Principal, projectID, id int64, in QuestionnaireInput) (Questionnaire, error) {
	if _, err := s.can(ctx, p, projectID, access.ResearchManage); err != nil {
		return Questionnaire{}, err
	}
	var f apperr.Fields
	in.check(&f)
	if err := f.Err(); err != nil {
		return Questionnaire{}, err
	}
	body, err := inputBody(in.Body, in.BodyText)
	if err != nil {
		return Questionnaire{}, err
	}
	var q Questionnaire
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := loadQ(ctx, tx, projectID, id)
		if err != nil {
			return err
		}
		if before.Status != QDraft {
			return apperr.New(apperr.Conflict, "research.err_sent_frozen")
		}
		res, err := tx.Exec(ctx, `UPDATE rs_questionnaires SET title = ?, description = ?, due_date = ?, body_json = ?, updated_ms = ?, version = version + 1
			WHERE id = ? AND version = ? AND status = 'draft' AND deleted_ms IS NULL`, in.Title, in.Description, in.DueDate, mustJSON(body), db.Now(), id, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		if q, err = loadQ(ctx, tx, projectID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "rs_questionnaire", EntityID: id, Action: "update", Summary: q.Title, Internal: true,
			Before: map[string]any{"title": before.Title, "description": before.Description, "due_date": before.DueDate, "body": before.Body.Text()},
			After:  map[string]any{"title": q.Title, "description": q.Description, "due_date": q.DueDate, "body": q.Body.Text()}})
	})
	return q, apperr.Wrap(err)
}

// Recipient is a project member a questionnaire can be sent to.
type Recipient struct {
	UserID int64       `json:"user_id"`
	Name   string      `json:"name"`
	Role   access.Role `json:"role"`
}

// Recipients lists the project's customer PM and key users.
func (s *Service) Recipients(ctx context.Context, p *access.Principal, projectID int64) ([]Recipient, error) {
	if _, err := s.can(ctx, p, projectID, access.ResearchManage); err != nil {
		return nil, err
	}
	return recipients(ctx, s.db, projectID)
}

func recipients(ctx context.Context, q db.Q, projectID int64) ([]Recipient, error) {
	rows, err := q.Query(ctx, `SELECT u.id, u.name, m.role FROM project_members m JOIN users u ON u.id = m.user_id JOIN companies c ON c.id = u.company_id
		WHERE m.project_id = ? AND m.deleted_ms IS NULL AND u.deleted_ms IS NULL AND c.kind = 'customer' AND m.role IN (?, ?) ORDER BY m.role, u.name`,
		projectID, string(access.RoleCustomerPM), string(access.RoleKeyUser))
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []Recipient{}
	for rows.Next() {
		var r Recipient
		if err := rows.Scan(&r.UserID, &r.Name, &r.Role); err != nil {
			return nil, apperr.Wrap(err)
		}
		out = append(out, r)
	}
	return out, apperr.Wrap(rows.Err())
}

// Send addresses the questionnaire to customer PM and key users of the
// project (more may be added later); each new recipient is notified. The
// first send freezes the body.
func (s *Service) Send(ctx context.Context, p *access.Principal, projectID, id int64, in SendInput) (Questionnaire, error) {
	if _, err := s.can(ctx, p, projectID, access.ResearchManage); err != nil {
		return Questionnaire{}, err
	}
	if len(in.UserIDs) == 0 {
		return Questionnaire{}, apperr.InvalidField("user_ids", "research.err_no_recipients")
	}
	if len(in.UserIDs) > 500 {
		return Questionnaire{}, apperr.InvalidField("user_ids", "validate.too_long", 500)
	}
	var q Questionnaire
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := s.activeProject(ctx, tx, projectID); err != nil {
			return err
		}
		before, err := loadQ(ctx, tx, projectID, id)
		if err != nil {
			return err
		}
		allowed, err := recipients(ctx, tx, projectID)
		if err != nil {
			return err
		}
		ok := map[int64]bool{}
		for _, r := range allowed {
			ok[r.UserID] = true
		}
		for _, u := range in.UserIDs {
			if !ok[u] {
				return apperr.InvalidField("user_ids", "research.err_recipient")
			}
		}
		now := db.Now()
		res, err := tx.Exec(ctx, `UPDATE rs_questionnaires SET status = 'sent', sent_ms = COALESCE(sent_ms, ?), updated_ms = ?, version = version + 1
			WHERE id = ? AND version = ? AND deleted_ms IS NULL`, now, now, id, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		var added []int64
		seen := map[int64]bool{}
		for _, u := range in.UserIDs {
			if seen[u] {
				continue
			}
			seen[u] = true
			res, err := tx.Exec(ctx, `INSERT INTO rs_responses (questionnaire_id, project_id, user_id, status, answers_json, created_ms, updated_ms)
				VALUES (?, ?, ?, 'pending', '{}', ?, ?) ON CONFLICT (questionnaire_id, user_id) DO NOTHING`, id, projectID, u, now, now)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				added = append(added, u)
			}
		}
		var notes []notify.Note
		for _, u := range added {
			notes = append(notes, notify.Note{UserID: u, ProjectID: projectID, ActorID: p.UserID, Kind: "research",
				Key: "research.notify_sent", Params: []string{p.Name, before.Title}, Link: QuestionnaireLink(projectID, id)})
		}
		if s.notify != nil {
			if err := s.notify.Add(ctx, tx, notes...); err != nil {
				return err
			}
		}
		if q, err = loadQ(ctx, tx, projectID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "rs_questionnaire", EntityID: id, Action: "send", Summary: q.Title,
			Before: map[string]any{"status": before.Status, "recipients": before.Recipients}, After: map[string]any{"status": q.Status, "recipients": q.Recipients, "added": added}})
	})
	return q, apperr.Wrap(err)
}

// DeleteQuestionnaire moves a questionnaire (and its responses) to the trash.
func (s *Service) DeleteQuestionnaire(ctx context.Context, p *access.Principal, projectID, id int64) error {
	if _, err := s.can(ctx, p, projectID, access.ResearchManage); err != nil {
		return err
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		q, err := loadQ(ctx, tx, projectID, id)
		if err != nil {
			return err
		}
		now := db.Now()
		if _, err := tx.Exec(ctx, `UPDATE rs_questionnaires SET deleted_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ?`, now, now, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "rs_questionnaire", EntityID: id, Action: "delete", Summary: q.Title})
	}))
}

// RestoreQuestionnaire brings a questionnaire back from the trash.
func (s *Service) RestoreQuestionnaire(ctx context.Context, p *access.Principal, id int64) error {
	var projectID int64
	if err := s.db.QueryRow(ctx, `SELECT project_id FROM rs_questionnaires WHERE id = ? AND deleted_ms IS NOT NULL`, id).Scan(&projectID); err != nil {
		return db.NotFound(err)
	}
	if _, err := s.can(ctx, p, projectID, access.ResearchManage); err != nil {
		return err
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE rs_questionnaires SET deleted_ms = NULL, updated_ms = ?, version = version + 1 WHERE id = ? AND deleted_ms IS NOT NULL`, db.Now(), id); err != nil {
			return err
		}
		q, err := loadQ(ctx, tx, projectID, id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "rs_questionnaire", EntityID: id, Action: "restore", Summary: q.Title})
	}))
}

// Responses lists a questionnaire's responses for vendor staff; a
// response not yet submitted shows its status, never its draft answers.
func (s *Service) Responses(ctx context.Context, p *access.Principal, projectID, id int64) (Questionnaire, []Response, error) {
	m, err := s.can(ctx, p, projectID, "")
	if err != nil {
		return Questionnaire{}, nil, err
	}
	if !p.Can(m, access.InternalView) {
		return Questionnaire{}, nil, apperr.NotFoundErr()
	}
	q, err := loadQ(ctx, s.db, projectID, id)
	if err != nil {
		return q, nil, err
	}
	rs, err := loadResponses(ctx, s.db, id)
	if err != nil {
		return q, nil, apperr.Wrap(err)
	}
	for i := range rs {
		if rs[i].Status != StatusSubmitted {
			rs[i].Answers = Answers{}
		}
	}
	return q, rs, nil
}

// Response returns one response: vendor staff see a submitted one; its
// author sees their own in any state.
func (s *Service) Response(ctx context.Context, p *access.Principal, projectID, qid, rid int64) (Questionnaire, Response, error) {
	q, m, err := s.Questionnaire(ctx, p, projectID, qid)
	if err != nil {
		return q, Response{}, err
	}
	x, err := scanResp(s.db.QueryRow(ctx, `SELECT `+respCols+respFrom+`WHERE r.id = ? AND r.questionnaire_id = ?`, rid, qid))
	if err != nil {
		return q, x, db.NotFound(err)
	}
	if x.UserID != p.UserID {
		if !p.Can(m, access.InternalView) {
			return q, Response{}, apperr.NotFoundErr()
		}
		if x.Status != StatusSubmitted {
			x.Answers = Answers{}
		}
	}
	return q, x, nil
}

// Aggregate counts the submitted answers per question.
func (s *Service) Aggregate(ctx context.Context, p *access.Principal, projectID, id int64) (Questionnaire, Aggregate, error) {
	q, rs, err := s.Responses(ctx, p, projectID, id)
	if err != nil {
		return q, Aggregate{}, err
	}
	return q, aggregate(q.Body, rs), nil
}

// SaveAnswers stores the caller's answers as a draft or submits them. Only
// a recipient may answer, only while the response is not submitted.
func (s *Service) SaveAnswers(ctx context.Context, p *access.Principal, projectID, id int64, in AnswerInput) (Response, error) {
	m, err := s.can(ctx, p, projectID, "")
	if err != nil {
		return Response{}, err
	}
	q, err := loadQ(ctx, s.db, projectID, id)
	if err != nil {
		return Response{}, err
	}
	if err := s.visibleQ(ctx, p, m, &q); err != nil {
		return Response{}, err
	}
	if q.Mine == nil || !p.Can(m, access.ResearchAnswer) {
		return Response{}, apperr.ForbiddenErr()
	}
	ans, err := q.Body.Check(in.Answers, in.Submit)
	if err != nil {
		return Response{}, err
	}
	var out Response
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := s.activeProject(ctx, tx, projectID); err != nil {
			return err
		}
		cur, err := myResponse(ctx, tx, id, p.UserID)
		if err != nil {
			return err
		}
		if cur == nil {
			return apperr.NotFoundErr()
		}
		if cur.Status == StatusSubmitted {
			return apperr.New(apperr.Conflict, "research.err_locked")
		}
		status := StatusDraft
		var submitted any
		now := db.Now()
		if in.Submit {
			status, submitted = StatusSubmitted, now
		}
		res, err := tx.Exec(ctx, `UPDATE rs_responses SET status = ?, answers_json = ?, submitted_ms = ?, updated_ms = ?, version = version + 1
			WHERE id = ? AND version = ? AND status <> 'submitted'`, status, mustJSON(ans), submitted, now, cur.ID, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		x, err := myResponse(ctx, tx, id, p.UserID)
		if err != nil {
			return err
		}
		out = *x
		action := "save"
		if in.Submit {
			action = "answer"
			var author int64
			if err := tx.QueryRow(ctx, `SELECT COALESCE(created_by, 0) FROM rs_questionnaires WHERE id = ?`, id).Scan(&author); err != nil {
				return err
			}
			if s.notify != nil {
				if err := s.notify.Add(ctx, tx, notify.Note{UserID: author, ProjectID: projectID, ActorID: p.UserID, Kind: "research",
					Key: "research.notify_submitted", Params: []string{p.Name, q.Title}, Link: QuestionnaireLink(projectID, id) + "/responses/" + itoa(out.ID)}); err != nil {
					return err
				}
			}
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "rs_response", EntityID: out.ID, Action: action, Summary: q.Title + " · " + p.Name,
			Before: map[string]any{"status": cur.Status}, After: map[string]any{"status": out.Status, "answers": len(ans)}})
	})
	return out, apperr.Wrap(err)
}

// Reopen unlocks a submitted response so its author can change it.
func (s *Service) Reopen(ctx context.Context, p *access.Principal, projectID, qid, rid int64, in ReopenInput) (Response, error) {
	if _, err := s.can(ctx, p, projectID, access.ResearchManage); err != nil {
		return Response{}, err
	}
	var out Response
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		q, err := loadQ(ctx, tx, projectID, qid)
		if err != nil {
			return err
		}
		cur, err := scanResp(tx.QueryRow(ctx, `SELECT `+respCols+respFrom+`WHERE r.id = ? AND r.questionnaire_id = ?`, rid, qid))
		if err != nil {
			return db.NotFound(err)
		}
		if cur.Status != StatusSubmitted {
			return apperr.New(apperr.Conflict, "research.err_not_submitted")
		}
		res, err := tx.Exec(ctx, `UPDATE rs_responses SET status = 'draft', submitted_ms = NULL, updated_ms = ?, version = version + 1 WHERE id = ? AND version = ?`,
			db.Now(), rid, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		if out, err = scanResp(tx.QueryRow(ctx, `SELECT `+respCols+respFrom+`WHERE r.id = ?`, rid)); err != nil {
			return err
		}
		if s.notify != nil {
			if err := s.notify.Add(ctx, tx, notify.Note{UserID: cur.UserID, ProjectID: projectID, ActorID: p.UserID, Kind: "research",
				Key: "research.notify_reopened", Params: []string{p.Name, q.Title}, Link: QuestionnaireLink(projectID, qid)}); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "rs_response", EntityID: rid, Action: "reopen", Summary: q.Title + " · " + cur.UserName,
			Before: map[string]any{"status": cur.Status}, After: map[string]any{"status": out.Status}})
	})
	return out, apperr.Wrap(err)
}

// DeletedQuestionnaires lists trashed questionnaires the caller may restore.
func (s *Service) DeletedQuestionnaires(ctx context.Context, p *access.Principal) ([]Questionnaire, error) {
	cond, args := p.Scope().ProjectFilter("pr")
	rows, err := s.db.Query(ctx, `SELECT `+qCols+` FROM rs_questionnaires q JOIN projects pr ON pr.id = q.project_id
		WHERE q.deleted_ms IS NOT NULL AND pr.deleted_ms IS NULL AND `+cond+` ORDER BY q.deleted_ms DESC LIMIT 200`, args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	var all []Questionnaire
	for rows.Next() {
		q, err := scanQ(rows)
		if err != nil {
			rows.Close()
			return nil, apperr.Wrap(err)
		}
		all = append(all, q)
	}
	rows.Close()
	var out []Questionnaire
	for _, q := range all {
		if _, err := s.can(ctx, p, q.ProjectID, access.ResearchManage); err == nil {
			out = append(out, q)
		}
	}
	return out, nil
}
