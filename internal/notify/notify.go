package notify

import (
	"context"
	"embed"
	"encoding/json"
	"io/fs"
	"strings"
	"sync"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/i18n"
)

//go:embed views/*.html
var viewFS embed.FS

// Views are the notification page templates.
func Views() fs.FS { v, _ := fs.Sub(viewFS, "views"); return v }

// Note is one notification to write: for UserID, said by catalog key Key
// with Params, pointing at Link (a path inside golive).
type Note struct {
	UserID    int64
	ProjectID int64 // 0: not about a project
	ActorID   int64 // 0: the system
	Kind      string
	Key       string
	Params    []string
	Link      string
}

// Notification is a stored note as its recipient reads it.
type Notification struct {
	ID        int64    `json:"id"`
	ProjectID *int64   `json:"project_id,omitempty"`
	ActorID   *int64   `json:"actor_id,omitempty"`
	Kind      string   `json:"kind"`
	Key       string   `json:"key"`
	Params    []string `json:"params"`
	Text      string   `json:"text"` // rendered in the caller's language
	Link      string   `json:"link"`
	CreatedMS int64    `json:"created_ms"`
	ReadMS    *int64   `json:"read_ms,omitempty"`
}

// Text renders a note's key in a language.
func Text(l i18n.Lang, key string, params []string) string {
	args := make([]any, len(params))
	for i, p := range params {
		args[i] = p
	}
	return i18n.T(l, key, args...)
}

// Service is the notifications centre.
type Service struct {
	db   *db.DB
	mail *Mailer // nil: e-mail is off
	base string  // absolute URL prefix for links in mails
	kick chan struct{}
	once sync.Once
}

// NewService builds the centre. baseURL ("https://golive.example.com")
// makes links in mails absolute.
func NewService(d *db.DB, baseURL string) *Service {
	return &Service{db: d, base: strings.TrimRight(baseURL, "/"), kick: make(chan struct{}, 1)}
}

// Add writes notes inside the caller's transaction, and for recipients who
// asked for e-mail (when e-mail is configured) their mails to the outbox.
// Notes to the actor themselves are dropped: nobody is told of their own
// change.
func (s *Service) Add(ctx context.Context, tx *db.Tx, notes ...Note) error {
	queued := false
	for _, n := range notes {
		if n.UserID == 0 || n.UserID == n.ActorID {
			continue
		}
		params := n.Params
		if params == nil {
			params = []string{}
		}
		pj, err := json.Marshal(params)
		if err != nil {
			return err
		}
		now := db.Now()
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO notifications (user_id, project_id, actor_id, kind, msg_key, params, link, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			n.UserID, nullID(n.ProjectID), nullID(n.ActorID), n.Kind, n.Key, string(pj), n.Link, now).Scan(&id); err != nil {
			return err
		}
		if s.mail == nil {
			continue
		}
		var addr, locale string
		var want bool
		err = tx.QueryRow(ctx, `SELECT u.email, u.locale, COALESCE(np.email, ?) FROM users u LEFT JOIN notify_prefs np ON np.user_id = u.id WHERE u.id = ? AND u.disabled = ? AND u.deleted_ms IS NULL`,
			false, n.UserID, false).Scan(&addr, &locale, &want)
		if err != nil || !want || addr == "" {
			continue
		}
		lang := i18n.Parse(locale)
		if lang == "" {
			lang = i18n.ZH
		}
		text := Text(lang, n.Key, params)
		subject := "[golive] " + text
		body := text + "\r\n\r\n" + s.base + n.Link + "\r\n\r\n-- \r\n" + i18n.T(lang, "notify.mail_footer") + "\r\n"
		if _, err := tx.Exec(ctx, `INSERT INTO mail_outbox (notification_id, to_addr, subject, body, created_ms, next_ms) VALUES (?, ?, ?, ?, ?, ?)`,
			id, addr, subject, body, now, now); err != nil {
			return err
		}
		queued = true
	}
	if queued {
		tx.AfterCommit(s.wake)
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// wake tells this process's sender loop that mail is waiting.
func (s *Service) wake() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// UnreadCount is the header badge: one COUNT over the partial index.
func (s *Service) UnreadCount(ctx context.Context, p *access.Principal) int {
	if p == nil {
		return 0
	}
	var n int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE user_id = ? AND read_ms IS NULL`, p.UserID).Scan(&n); err != nil {
		return 0
	}
	return n
}

// List returns one page of the caller's notifications, newest first.
func (s *Service) List(ctx context.Context, p *access.Principal, lang i18n.Lang, unreadOnly bool, page db.Page) ([]Notification, int, error) {
	if p == nil {
		return nil, 0, apperr.New(apperr.Unauthenticated, "auth.login_required")
	}
	page = page.Norm(30, 5000) // handlers bound what a request may ask for; exports take more
	where := `user_id = ?`
	if unreadOnly {
		where += ` AND read_ms IS NULL`
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE `+where, p.UserID).Scan(&total); err != nil {
		return nil, 0, apperr.Wrap(err)
	}
	rows, err := s.db.Query(ctx, `SELECT id, project_id, actor_id, kind, msg_key, params, link, created_ms, read_ms FROM notifications WHERE `+where+` ORDER BY id DESC LIMIT ? OFFSET ?`,
		p.UserID, page.Size, page.Offset())
	if err != nil {
		return nil, 0, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []Notification{}
	for rows.Next() {
		var n Notification
		var params string
		if err := rows.Scan(&n.ID, &n.ProjectID, &n.ActorID, &n.Kind, &n.Key, &params, &n.Link, &n.CreatedMS, &n.ReadMS); err != nil {
			return nil, 0, apperr.Wrap(err)
		}
		n.Params = []string{}
		_ = json.Unmarshal([]byte(params), &n.Params)
		n.Text = Text(lang, n.Key, n.Params)
		out = append(out, n)
	}
	return out, total, apperr.Wrap(rows.Err())
}

// Get returns one of the caller's notifications (another person's is not
// found).
func (s *Service) Get(ctx context.Context, p *access.Principal, id int64) (Notification, error) {
	var n Notification
	var params string
	err := s.db.QueryRow(ctx, `SELECT id, project_id, actor_id, kind, msg_key, params, link, created_ms, read_ms FROM notifications WHERE id = ? AND user_id = ?`, id, p.UserID).
		Scan(&n.ID, &n.ProjectID, &n.ActorID, &n.Kind, &n.Key, &params, &n.Link, &n.CreatedMS, &n.ReadMS)
	if err != nil {
		return n, db.NotFound(err)
	}
	_ = json.Unmarshal([]byte(params), &n.Params)
	return n, nil
}

// MarkRead marks one of the caller's notifications read.
func (s *Service) MarkRead(ctx context.Context, p *access.Principal, id int64) error {
	if _, err := s.Get(ctx, p, id); err != nil {
		return err
	}
	_, err := s.db.Exec(ctx, `UPDATE notifications SET read_ms = ? WHERE id = ? AND user_id = ? AND read_ms IS NULL`, db.Now(), id, p.UserID)
	return apperr.Wrap(err)
}

// MarkAllRead marks every unread notification of the caller read and
// says how many.
func (s *Service) MarkAllRead(ctx context.Context, p *access.Principal) (int64, error) {
	res, err := s.db.Exec(ctx, `UPDATE notifications SET read_ms = ? WHERE user_id = ? AND read_ms IS NULL`, db.Now(), p.UserID)
	if err != nil {
		return 0, apperr.Wrap(err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// Prefs are a person's notification preferences.
type Prefs struct {
	Email   bool  `json:"email"`   // also send each notification by e-mail
	Version int64 `json:"version"` // 0 before the first save
}

// PrefsInput changes the preferences; Version is the one read (stale: 409).
type PrefsInput struct {
	Email   bool  `json:"email"`
	Version int64 `json:"version"`
}

// GetPrefs returns the caller's preferences.
func (s *Service) GetPrefs(ctx context.Context, p *access.Principal) (Prefs, error) {
	var pr Prefs
	err := s.db.QueryRow(ctx, `SELECT email, version FROM notify_prefs WHERE user_id = ?`, p.UserID).Scan(&pr.Email, &pr.Version)
	if err != nil && apperr.CodeOf(db.NotFound(err)) != apperr.NotFound {
		return pr, apperr.Wrap(err)
	}
	return pr, nil
}

// SetPrefs saves the caller's preferences.
func (s *Service) SetPrefs(ctx context.Context, p *access.Principal, in PrefsInput) (Prefs, error) {
	if p == nil {
		return Prefs{}, apperr.New(apperr.Unauthenticated, "auth.login_required")
	}
	var out Prefs
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		if in.Version == 0 {
			res, err := tx.Exec(ctx, `INSERT INTO notify_prefs (user_id, email, updated_ms, version) VALUES (?, ?, ?, 1) ON CONFLICT (user_id) DO NOTHING`, p.UserID, in.Email, now)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return apperr.ConflictErr()
			}
			out = Prefs{Email: in.Email, Version: 1}
			return audit.Record(ctx, tx, p, audit.Entry{Entity: "notify_prefs", EntityID: p.UserID, Action: "update", Summary: p.Name, After: out})
		}
		res, err := tx.Exec(ctx, `UPDATE notify_prefs SET email = ?, updated_ms = ?, version = version + 1 WHERE user_id = ? AND version = ?`, in.Email, now, p.UserID, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		out = Prefs{Email: in.Email, Version: in.Version + 1}
		return audit.Record(ctx, tx, p, audit.Entry{Entity: "notify_prefs", EntityID: p.UserID, Action: "update", Summary: p.Name,
			Before: map[string]any{"email": !in.Email}, After: map[string]any{"email": in.Email}})
	})
	return out, apperr.Wrap(err)
}
