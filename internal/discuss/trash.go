package discuss

import (
	"context"

	"golive/internal/access"
	"golive/internal/trash"
)

// CommentTrash lists and restores deleted comments: those the caller wrote
// or deleted (administrators: all), whose object they can still see.
type CommentTrash struct{ S *Service }

func (t CommentTrash) Deleted(ctx context.Context, p *access.Principal) ([]trash.Item, error) {
	return t.S.deleted(ctx, p, "comments", "author_id", "body")
}

func (t CommentTrash) Restore(ctx context.Context, p *access.Principal, id int64) error {
	_, err := t.S.RestoreComment(ctx, p, id)
	return err
}

// AttachmentTrash does the same for attachments.
type AttachmentTrash struct{ S *Service }

func (t AttachmentTrash) Deleted(ctx context.Context, p *access.Principal) ([]trash.Item, error) {
	return t.S.deleted(ctx, p, "attachments", "uploader_id", "file_name")
}

func (t AttachmentTrash) Restore(ctx context.Context, p *access.Principal, id int64) error {
	_, err := t.S.RestoreAttachment(ctx, p, id)
	return err
}

// deleted lists a table's deleted rows for the caller; each is checked
// through its object's resolver, so an item of an object the caller can
// no longer see (or an internal one, for a customer) is left out.
func (s *Service) deleted(ctx context.Context, p *access.Principal, table, ownerCol, titleCol string) ([]trash.Item, error) {
	q := `SELECT id, kind, object_id, ` + titleCol + `, internal, deleted_ms FROM ` + table + ` WHERE deleted_ms IS NOT NULL`
	var args []any
	if !p.CanAdminister() {
		q += ` AND (` + ownerCol + ` = ? OR deleted_by = ?)`
		args = append(args, p.UserID, p.UserID)
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY deleted_ms DESC LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	type row struct {
		id, obj, at int64
		kind, title string
		internal    bool
	}
	var rs []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.kind, &r.obj, &r.title, &r.internal, &r.at); err != nil {
			rows.Close()
			return nil, err
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []trash.Item{}
	for _, r := range rs {
		t, err := s.resolve(ctx, p, Ref{Kind: r.kind, ID: r.obj})
		if err != nil || (r.internal && !t.SeesInternal) {
			continue
		}
		out = append(out, trash.Item{ID: r.id, Title: snippet(r.title, 60), Context: t.Title, DeletedMS: r.at})
	}
	return out, nil
}
