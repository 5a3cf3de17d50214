package discuss

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"html/template"
	"io"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
)

func htmlOf(s string) template.HTML { return template.HTML(s) }

// thumbMax: images up to this size are shown inline on the page (the
// browser scales them; no server-side resizing).
const thumbMax = 2 << 20

var inlineTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// Spooled is an upload written to a temporary file, hashed and sniffed.
type Spooled struct {
	path        string
	Size        int64
	SHA256      string
	ContentType string
}

// Close removes the temporary file.
func (sp *Spooled) Close() error {
	if sp == nil || sp.path == "" {
		return nil
	}
	return os.Remove(sp.path)
}

// tooLarge is the error of a file over the limit, in the reader's language.
func (s *Service) tooLarge() error {
	return apperr.InvalidField("file", "discuss.file_too_large", s.MaxUpload>>20)
}

// Spool streams r to a temporary file, refusing more than MaxUpload bytes
// (a body cut off by the route's limit counts as too large too).
func (s *Service) Spool(r io.Reader) (*Spooled, error) {
	f, err := os.CreateTemp(s.TempDir, "golive-upload-*")
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	sp := &Spooled{path: f.Name()}
	h := sha256.New()
	head := make([]byte, 0, 512)
	buf := make([]byte, 32<<10)
	for {
		n, rerr := r.Read(buf)
		if n > 0 {
			sp.Size += int64(n)
			if sp.Size > s.MaxUpload {
				f.Close()
				sp.Close()
				return nil, s.tooLarge()
			}
			if len(head) < 512 {
				head = append(head, buf[:min(n, 512-len(head))]...)
			}
			h.Write(buf[:n])
			if _, err := f.Write(buf[:n]); err != nil {
				f.Close()
				sp.Close()
				return nil, apperr.Wrap(err)
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			f.Close()
			sp.Close()
			var mb *http.MaxBytesError
			if errors.As(rerr, &mb) {
				return nil, s.tooLarge()
			}
			return nil, apperr.New(apperr.Invalid, "error.body_unreadable")
		}
	}
	if err := f.Close(); err != nil {
		sp.Close()
		return nil, apperr.Wrap(err)
	}
	if sp.Size == 0 {
		sp.Close()
		return nil, apperr.InvalidField("file", "discuss.file_empty")
	}
	sp.SHA256 = hex.EncodeToString(h.Sum(nil))
	sp.ContentType = http.DetectContentType(head)
	return sp, nil
}

// CleanFileName keeps the last path element of what a browser sent,
// without control characters, at most 200 characters; "" if nothing is
// left.
func CleanFileName(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' || r == '/' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "." || name == ".." || name == "/" {
		return ""
	}
	if utf8.RuneCountInString(name) > 200 {
		r := []rune(name)
		ext := path.Ext(name)
		if utf8.RuneCountInString(ext) > 20 {
			ext = ""
		}
		name = string(r[:200-utf8.RuneCountInString(ext)]) + ext
	}
	return name
}

// CanAttach is the permission check an upload handler makes before it
// spools anything.
func (s *Service) CanAttach(ctx context.Context, p *access.Principal, ref Ref, internal bool) (Target, error) {
	t, err := s.resolve(ctx, p, ref)
	if err != nil {
		return t, err
	}
	if !t.CanComment {
		return t, apperr.ForbiddenErr()
	}
	if internal && !t.SeesInternal {
		return t, apperr.InvalidField("internal", "discuss.internal_vendor_only")
	}
	return t, nil
}

// Attach stores a spooled upload on an object.
func (s *Service) Attach(ctx context.Context, p *access.Principal, ref Ref, name string, internal bool, sp *Spooled) (Attachment, error) {
	t, err := s.CanAttach(ctx, p, ref, internal)
	if err != nil {
		return Attachment{}, err
	}
	name = CleanFileName(name)
	if name == "" {
		return Attachment{}, apperr.InvalidField("file", "discuss.file_name_required")
	}
	if sp == nil || sp.Size == 0 {
		return Attachment{}, apperr.InvalidField("file", "discuss.file_empty")
	}
	if sp.Size > s.MaxUpload {
		return Attachment{}, s.tooLarge()
	}
	var exists int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM blobs WHERE sha256 = ?`, sp.SHA256).Scan(&exists); err != nil {
		return Attachment{}, apperr.Wrap(err)
	}
	var data []byte
	if exists == 0 {
		// Read before the transaction: no file I/O while holding the writer.
		if data, err = os.ReadFile(sp.path); err != nil {
			return Attachment{}, apperr.Wrap(err)
		}
	}
	out := Attachment{ProjectID: t.ProjectID, Kind: ref.Kind, ObjectID: ref.ID, UploaderID: p.UserID, UploaderName: p.Name, FileName: name,
		ContentType: sp.ContentType, Size: sp.Size, SHA256: sp.SHA256, Internal: internal, Version: 1}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		if data != nil {
			if _, err := tx.Exec(ctx, `INSERT INTO blobs (sha256, size, data, created_ms) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`, sp.SHA256, sp.Size, data, now); err != nil {
				return err
			}
		}
		out.CreatedMS = now
		if err := tx.QueryRow(ctx, `INSERT INTO attachments (project_id, kind, object_id, uploader_id, file_name, content_type, size, sha256, internal, created_ms, updated_ms)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, t.ProjectID, ref.Kind, ref.ID, p.UserID, name, sp.ContentType, sp.Size, sp.SHA256, internal, now, now).Scan(&out.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: t.ProjectID, Entity: "attachment", EntityID: out.ID, Action: "create", Summary: t.Title,
			Internal: internal || !t.CustomerVisible, After: map[string]any{"file_name": name, "size": sp.Size, "internal": internal}})
	})
	if err != nil {
		return Attachment{}, apperr.Wrap(err)
	}
	decorateAtt(&out, p, t)
	return out, nil
}

func decorateAtt(a *Attachment, p *access.Principal, t Target) {
	a.CanDelete = a.UploaderID == p.UserID || t.CanModerate
	a.Thumb = inlineTypes[a.ContentType] && a.Size <= thumbMax
}

const attCols = `a.id, a.project_id, a.kind, a.object_id, a.uploader_id, u.name, a.file_name, a.content_type, a.size, a.sha256, a.internal, a.created_ms, a.version`

func scanAtt(sc interface{ Scan(...any) error }) (Attachment, error) {
	var a Attachment
	err := sc.Scan(&a.ID, &a.ProjectID, &a.Kind, &a.ObjectID, &a.UploaderID, &a.UploaderName, &a.FileName, &a.ContentType, &a.Size, &a.SHA256, &a.Internal, &a.CreatedMS, &a.Version)
	return a, err
}

// Attachments lists an object's live attachments, newest first.
func (s *Service) Attachments(ctx context.Context, p *access.Principal, ref Ref) ([]Attachment, Target, error) {
	t, err := s.resolve(ctx, p, ref)
	if err != nil {
		return nil, t, err
	}
	as, err := s.attachments(ctx, p, ref, t)
	return as, t, err
}

func (s *Service) attachments(ctx context.Context, p *access.Principal, ref Ref, t Target) ([]Attachment, error) {
	q := `SELECT ` + attCols + ` FROM attachments a JOIN users u ON u.id = a.uploader_id WHERE a.kind = ? AND a.object_id = ? AND a.deleted_ms IS NULL`
	args := []any{ref.Kind, ref.ID}
	if !t.SeesInternal {
		q += ` AND a.internal = ?`
		args = append(args, false)
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY a.id DESC`, args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []Attachment{}
	for rows.Next() {
		a, err := scanAtt(rows)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		decorateAtt(&a, p, t)
		out = append(out, a)
	}
	return out, apperr.Wrap(rows.Err())
}

// attachment loads one attachment the caller may see.
func (s *Service) attachment(ctx context.Context, p *access.Principal, id int64, deleted bool) (Attachment, Target, error) {
	var deletedMS *int64
	var a Attachment
	err := s.db.QueryRow(ctx, `SELECT `+attCols+`, a.deleted_ms FROM attachments a JOIN users u ON u.id = a.uploader_id WHERE a.id = ?`, id).
		Scan(&a.ID, &a.ProjectID, &a.Kind, &a.ObjectID, &a.UploaderID, &a.UploaderName, &a.FileName, &a.ContentType, &a.Size, &a.SHA256, &a.Internal, &a.CreatedMS, &a.Version, &deletedMS)
	if err != nil {
		return a, Target{}, db.NotFound(err)
	}
	if (deletedMS != nil) != deleted {
		return a, Target{}, apperr.NotFoundErr()
	}
	t, err := s.resolve(ctx, p, Ref{Kind: a.Kind, ID: a.ObjectID})
	if err != nil {
		return a, t, err
	}
	if a.Internal && !t.SeesInternal {
		return a, t, apperr.NotFoundErr()
	}
	decorateAtt(&a, p, t)
	return a, t, nil
}

// Open returns an attachment and its content for download.
func (s *Service) Open(ctx context.Context, p *access.Principal, id int64) (Attachment, []byte, error) {
	a, _, err := s.attachment(ctx, p, id, false)
	if err != nil {
		return a, nil, err
	}
	var data []byte
	if err := s.db.QueryRow(ctx, `SELECT data FROM blobs WHERE sha256 = ?`, a.SHA256).Scan(&data); err != nil {
		return a, nil, db.NotFound(err)
	}
	return a, data, nil
}

// DeleteAttachment moves an attachment to the trash (uploader or moderator).
func (s *Service) DeleteAttachment(ctx context.Context, p *access.Principal, id int64) (Attachment, error) {
	a, t, err := s.attachment(ctx, p, id, false)
	if err != nil {
		return a, err
	}
	if !a.CanDelete {
		return a, apperr.ForbiddenErr()
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		res, err := tx.Exec(ctx, `UPDATE attachments SET deleted_ms = ?, deleted_by = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND deleted_ms IS NULL`, now, p.UserID, now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: t.ProjectID, Entity: "attachment", EntityID: id, Action: "delete", Summary: t.Title,
			Internal: a.Internal || !t.CustomerVisible, Before: map[string]any{"file_name": a.FileName}})
	})
	return a, apperr.Wrap(err)
}

// RestoreAttachment brings an attachment back from the trash.
func (s *Service) RestoreAttachment(ctx context.Context, p *access.Principal, id int64) (Attachment, error) {
	a, t, err := s.attachment(ctx, p, id, true)
	if err != nil {
		return a, err
	}
	var deletedBy *int64
	if err := s.db.QueryRow(ctx, `SELECT deleted_by FROM attachments WHERE id = ?`, id).Scan(&deletedBy); err != nil {
		return a, apperr.Wrap(err)
	}
	if a.UploaderID != p.UserID && !t.CanModerate && (deletedBy == nil || *deletedBy != p.UserID) {
		return a, apperr.ForbiddenErr()
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		res, err := tx.Exec(ctx, `UPDATE attachments SET deleted_ms = NULL, deleted_by = NULL, updated_ms = ?, version = version + 1 WHERE id = ? AND deleted_ms IS NOT NULL`, now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: t.ProjectID, Entity: "attachment", EntityID: id, Action: "restore", Summary: t.Title,
			Internal: a.Internal || !t.CustomerVisible, After: map[string]any{"file_name": a.FileName}})
	})
	return a, apperr.Wrap(err)
}

// SizeLabel is the size for people: 812 B, 34 KB, 2.5 MB.
func (a Attachment) SizeLabel() string {
	switch {
	case a.Size < 1024:
		return strconv.FormatInt(a.Size, 10) + " B"
	case a.Size < 1<<20:
		return strconv.FormatInt((a.Size+512)/1024, 10) + " KB"
	}
	return strconv.FormatFloat(float64(a.Size)/(1<<20), 'f', 1, 64) + " MB"
}
