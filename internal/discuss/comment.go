package discuss

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/notify"
)

const commentCols = `c.id, c.project_id, c.kind, c.object_id, c.author_id, u.name, c.body, c.body_html, c.internal, c.created_ms, c.edited_ms, c.deleted_ms, c.version`

func scanComment(sc interface{ Scan(...any) error }) (Comment, error) {
	var c Comment
	var h string
	err := sc.Scan(&c.ID, &c.ProjectID, &c.Kind, &c.ObjectID, &c.AuthorID, &c.AuthorName, &c.Body, &h, &c.Internal, &c.CreatedMS, &c.EditedMS, &c.DeletedMS, &c.Version)
	c.HTML = htmlOf(h)
	return c, err
}

// decorate sets what the caller may do with a comment.
func decorate(c *Comment, p *access.Principal, t Target) {
	c.CanEdit = c.AuthorID == p.UserID && t.CanComment
	c.CanDelete = c.AuthorID == p.UserID || t.CanModerate
}

// Comments lists an object's live comments, oldest first; internal ones
// only for vendor staff.
func (s *Service) Comments(ctx context.Context, p *access.Principal, ref Ref) ([]Comment, Target, error) {
	t, err := s.resolve(ctx, p, ref)
	if err != nil {
		return nil, t, err
	}
	cs, err := s.comments(ctx, p, ref, t)
	return cs, t, err
}

// Thread is an object's comments and attachments with one permission check.
func (s *Service) Thread(ctx context.Context, p *access.Principal, ref Ref) (Thread, error) {
	t, err := s.resolve(ctx, p, ref)
	if err != nil {
		return Thread{}, err
	}
	th := Thread{Target: t}
	if th.Comments, err = s.comments(ctx, p, ref, t); err != nil {
		return th, err
	}
	th.Attachments, err = s.attachments(ctx, p, ref, t)
	return th, err
}

func (s *Service) comments(ctx context.Context, p *access.Principal, ref Ref, t Target) ([]Comment, error) {
	q := `SELECT ` + commentCols + ` FROM comments c JOIN users u ON u.id = c.author_id WHERE c.kind = ? AND c.object_id = ? AND c.deleted_ms IS NULL`
	args := []any{ref.Kind, ref.ID}
	if !t.SeesInternal {
		q += ` AND c.internal = ?`
		args = append(args, false)
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY c.id`, args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []Comment{}
	for rows.Next() {
		c, err := scanComment(rows)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		decorate(&c, p, t)
		out = append(out, c)
	}
	return out, apperr.Wrap(rows.Err())
}

// AddComment posts a comment and tells the people it concerns: those it
// mentions, and the object's followers (never the author; customers only
// for a non-internal comment on an object they can see).
func (s *Service) AddComment(ctx context.Context, p *access.Principal, ref Ref, in CommentInput) (Comment, error) {
	t, err := s.resolve(ctx, p, ref)
	if err != nil {
		return Comment{}, err
	}
	if !t.CanComment {
		return Comment{}, apperr.ForbiddenErr()
	}
	if in.Internal && !t.SeesInternal {
		return Comment{}, apperr.InvalidField("internal", "discuss.internal_vendor_only")
	}
	if err := in.Validate(); err != nil {
		return Comment{}, err
	}
	html := string(RenderMarkdown(in.Body))
	var out Comment
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO comments (project_id, kind, object_id, author_id, body, body_html, internal, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			t.ProjectID, ref.Kind, ref.ID, p.UserID, in.Body, html, in.Internal, now, now).Scan(&id); err != nil {
			return err
		}
		out = Comment{ID: id, ProjectID: t.ProjectID, Kind: ref.Kind, ObjectID: ref.ID, AuthorID: p.UserID, AuthorName: p.Name, Body: in.Body,
			HTML: htmlOf(html), Internal: in.Internal, CreatedMS: now, Version: 1}
		if err := audit.Record(ctx, tx, p, audit.Entry{ProjectID: t.ProjectID, Entity: "comment", EntityID: id, Action: "create", Summary: t.Title,
			Internal: in.Internal || !t.CustomerVisible, After: map[string]any{"kind": ref.Kind, "object_id": ref.ID, "body": snippet(in.Body, 200), "internal": in.Internal}}); err != nil {
			return err
		}
		return s.tell(ctx, tx, p, t, out, nil)
	})
	if err != nil {
		return Comment{}, apperr.Wrap(err)
	}
	decorate(&out, p, t)
	return out, nil
}

// tell writes the notifications of a new (or edited) comment. already
// holds the people an earlier version mentioned: an edit tells only the
// newly mentioned.
func (s *Service) tell(ctx context.Context, tx *db.Tx, p *access.Principal, t Target, c Comment, already []int64) error {
	if s.notify == nil {
		return nil
	}
	ms, err := members(ctx, tx, t.ProjectID)
	if err != nil {
		return err
	}
	readers := audience(ms, t, c.Internal)
	cands := make([]Candidate, 0, len(readers))
	for _, m := range readers {
		cands = append(cands, m.Candidate)
	}
	link := t.Link + "#comment-" + strconv.FormatInt(c.ID, 10)
	told := map[int64]bool{p.UserID: true}
	for _, id := range already {
		told[id] = true
	}
	var notes []notify.Note
	for _, uid := range ParseMentions(c.Body, cands) {
		if told[uid] {
			continue
		}
		told[uid] = true
		notes = append(notes, notify.Note{UserID: uid, ProjectID: t.ProjectID, ActorID: p.UserID, Kind: "mention", Key: "discuss.notify_mention",
			Params: []string{p.Name, t.Title, snippet(c.Body, 80)}, Link: link})
	}
	if already == nil {
		for _, uid := range t.Followers {
			if _, ok := readers[uid]; !ok || told[uid] {
				continue
			}
			told[uid] = true
			notes = append(notes, notify.Note{UserID: uid, ProjectID: t.ProjectID, ActorID: p.UserID, Kind: "comment", Key: "discuss.notify_comment",
				Params: []string{p.Name, t.Title, snippet(c.Body, 80)}, Link: link})
		}
	}
	return s.notify.Add(ctx, tx, notes...)
}

// Candidates lists who a comment on t may mention (its non-internal
// readers), by name, for the comment form.
func (s *Service) Candidates(ctx context.Context, t Target) ([]Candidate, error) {
	ms, err := members(ctx, s.db, t.ProjectID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	out := []Candidate{}
	for _, m := range ms {
		if m.vendor || t.CustomerVisible {
			out = append(out, m.Candidate)
		}
	}
	slices.SortFunc(out, func(a, b Candidate) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// mentioned returns whom a comment body mentions among the object's
// readers (for tests and the API's preview).
func (s *Service) mentioned(ctx context.Context, q db.Q, t Target, body string, internal bool) ([]int64, error) {
	ms, err := members(ctx, q, t.ProjectID)
	if err != nil {
		return nil, err
	}
	var cands []Candidate
	for _, m := range audience(ms, t, internal) {
		cands = append(cands, m.Candidate)
	}
	return ParseMentions(body, cands), nil
}

// mdMarks are dropped from snippets: a notification is plain text.
var mdMarks = strings.NewReplacer("**", "", "__", "", "`", "", "\n", " ")

func snippet(s string, n int) string {
	s = mdMarks.Replace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// comment loads one comment with its target for the caller: a comment the
// caller may not see is not found.
func (s *Service) comment(ctx context.Context, p *access.Principal, id int64, deleted bool) (Comment, Target, error) {
	c, err := scanComment(s.db.QueryRow(ctx, `SELECT `+commentCols+` FROM comments c JOIN users u ON u.id = c.author_id WHERE c.id = ?`, id))
	if err != nil {
		return c, Target{}, db.NotFound(err)
	}
	if (c.DeletedMS != nil) != deleted {
		return c, Target{}, apperr.NotFoundErr()
	}
	t, err := s.resolve(ctx, p, Ref{Kind: c.Kind, ID: c.ObjectID})
	if err != nil {
		return c, t, err
	}
	if c.Internal && !t.SeesInternal {
		return c, t, apperr.NotFoundErr()
	}
	decorate(&c, p, t)
	return c, t, nil
}

// Comment returns one live comment.
func (s *Service) Comment(ctx context.Context, p *access.Principal, id int64) (Comment, Target, error) {
	return s.comment(ctx, p, id, false)
}

// EditComment changes the body of the caller's own comment.
func (s *Service) EditComment(ctx context.Context, p *access.Principal, id int64, in CommentEdit) (Comment, error) {
	c, t, err := s.comment(ctx, p, id, false)
	if err != nil {
		return Comment{}, err
	}
	if !c.CanEdit {
		return Comment{}, apperr.ForbiddenErr()
	}
	if err := in.Validate(); err != nil {
		return Comment{}, err
	}
	html := string(RenderMarkdown(in.Body))
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		res, err := tx.Exec(ctx, `UPDATE comments SET body = ?, body_html = ?, edited_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND version = ? AND deleted_ms IS NULL`,
			in.Body, html, now, now, id, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		before := c
		already, err := s.mentioned(ctx, tx, t, before.Body, c.Internal)
		if err != nil {
			return err
		}
		c.Body, c.HTML, c.EditedMS, c.Version = in.Body, htmlOf(html), &now, in.Version+1
		if err := audit.Record(ctx, tx, p, audit.Entry{ProjectID: t.ProjectID, Entity: "comment", EntityID: id, Action: "update", Summary: t.Title,
			Internal: c.Internal || !t.CustomerVisible, Before: map[string]any{"body": snippet(before.Body, 200)}, After: map[string]any{"body": snippet(c.Body, 200)}}); err != nil {
			return err
		}
		if already == nil {
			already = []int64{}
		}
		return s.tell(ctx, tx, p, t, c, already)
	})
	if err != nil {
		return Comment{}, apperr.Wrap(err)
	}
	return c, nil
}

// DeleteComment moves a comment to the trash (its author or a moderator).
func (s *Service) DeleteComment(ctx context.Context, p *access.Principal, id int64) (Comment, error) {
	c, t, err := s.comment(ctx, p, id, false)
	if err != nil {
		return c, err
	}
	if !c.CanDelete {
		return c, apperr.ForbiddenErr()
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		res, err := tx.Exec(ctx, `UPDATE comments SET deleted_ms = ?, deleted_by = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND deleted_ms IS NULL`, now, p.UserID, now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: t.ProjectID, Entity: "comment", EntityID: id, Action: "delete", Summary: t.Title,
			Internal: c.Internal || !t.CustomerVisible, Before: map[string]any{"body": snippet(c.Body, 200)}})
	})
	return c, apperr.Wrap(err)
}

// RestoreComment brings a comment back from the trash: its author, whoever
// deleted it, or a moderator, as long as the object is still visible.
func (s *Service) RestoreComment(ctx context.Context, p *access.Principal, id int64) (Comment, error) {
	c, t, err := s.comment(ctx, p, id, true)
	if err != nil {
		return c, err
	}
	var deletedBy *int64
	if err := s.db.QueryRow(ctx, `SELECT deleted_by FROM comments WHERE id = ?`, id).Scan(&deletedBy); err != nil {
		return c, apperr.Wrap(err)
	}
	if c.AuthorID != p.UserID && !t.CanModerate && (deletedBy == nil || *deletedBy != p.UserID) {
		return c, apperr.ForbiddenErr()
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		res, err := tx.Exec(ctx, `UPDATE comments SET deleted_ms = NULL, deleted_by = NULL, updated_ms = ?, version = version + 1 WHERE id = ? AND deleted_ms IS NOT NULL`, now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: t.ProjectID, Entity: "comment", EntityID: id, Action: "restore", Summary: t.Title,
			Internal: c.Internal || !t.CustomerVisible})
	})
	if err != nil {
		return c, apperr.Wrap(err)
	}
	c.DeletedMS = nil
	c.Version++
	return c, nil
}
