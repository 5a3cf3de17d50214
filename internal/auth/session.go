package auth

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/validate"
)

// dummyHash lets a login for an unknown e-mail cost the same time as one
// for a known e-mail, so timing does not reveal which accounts exist.
var dummyHash, _ = HashPassword("golive-timing-equaliser")

// Login checks the password and opens a session. It is throttled per
// account and per client address; the throttle is stored in the database
// so that several processes share it.
func (s *Service) Login(ctx context.Context, email, password, ip, userAgent string) (token string, p *access.Principal, err error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" || password == "" || len(email) > 254 || len(password) > 1024 {
		var f apperr.Fields
		if email == "" {
			f.Add("email", "validate.required")
		}
		if password == "" {
			f.Add("password", "validate.required")
		}
		if err := f.Err(); err != nil {
			return "", nil, err
		}
		return "", nil, apperr.New(apperr.Unauthenticated, "auth.bad_credentials")
	}
	// No account has such an address, and PostgreSQL refuses NUL and
	// invalid UTF-8 in a text parameter: answer before asking it.
	if !utf8.ValidString(email) || strings.ContainsFunc(email, unicode.IsControl) {
		return "", nil, apperr.New(apperr.Unauthenticated, "auth.bad_credentials")
	}
	acctKey, ipKey := "acct:"+email, "ip:"+ip
	if s.throttled(ctx, acctKey, maxFailsAccount) || s.throttled(ctx, ipKey, maxFailsAddress) {
		return "", nil, apperr.New(apperr.TooMany, "auth.throttled", int(throttleWindow.Minutes()))
	}
	var id int64
	var hash string
	var disabled bool
	err = s.db.QueryRow(ctx, `SELECT id, password_hash, disabled FROM users WHERE email = ? AND deleted_ms IS NULL`, email).Scan(&id, &hash, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		CheckPassword(dummyHash, password)
		s.fail(ctx, acctKey, ipKey)
		return "", nil, apperr.New(apperr.Unauthenticated, "auth.bad_credentials")
	}
	if err != nil {
		return "", nil, apperr.Wrap(err)
	}
	if !CheckPassword(hash, password) || disabled {
		s.fail(ctx, acctKey, ipKey)
		return "", nil, apperr.New(apperr.Unauthenticated, "auth.bad_credentials")
	}
	token = randomToken(32)
	now := s.now()
	// Headers may carry any byte above 0x7f; store valid UTF-8 only, cut
	// at a character boundary.
	userAgent = strings.ToValidUTF8(userAgent, "\uFFFD")
	if r := []rune(userAgent); len(r) > 300 {
		userAgent = string(r[:300])
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_ms, expires_ms, last_seen_ms, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			hashToken(token), id, now.UnixMilli(), now.Add(SessionTTL).UnixMilli(), now.UnixMilli(), ip, userAgent); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE key = ?`, acctKey); err != nil {
			return err
		}
		// Expired sessions are swept opportunistically: no background job
		// needed, and the sweep is an indexed delete.
		_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE expires_ms < ?`, now.UnixMilli())
		return err
	})
	if err != nil {
		return "", nil, apperr.Wrap(err)
	}
	p, err = s.principal(ctx, id)
	return token, p, err
}

func (s *Service) throttled(ctx context.Context, key string, max int) bool {
	var count int
	var start int64
	err := s.db.QueryRow(ctx, `SELECT count, window_start_ms FROM login_failures WHERE key = ?`, key).Scan(&count, &start)
	if err != nil {
		return false
	}
	return count >= max && s.now().UnixMilli()-start < throttleWindow.Milliseconds()
}

func (s *Service) fail(ctx context.Context, keys ...string) {
	now := s.now().UnixMilli()
	cutoff := now - throttleWindow.Milliseconds()
	_ = s.db.Tx(ctx, func(tx *db.Tx) error {
		for _, k := range keys {
			if _, err := tx.Exec(ctx, `INSERT INTO login_failures (key, count, window_start_ms) VALUES (?, 1, ?)
				ON CONFLICT (key) DO UPDATE SET
				  count = CASE WHEN login_failures.window_start_ms < ? THEN 1 ELSE login_failures.count + 1 END,
				  window_start_ms = CASE WHEN login_failures.window_start_ms < ? THEN ? ELSE login_failures.window_start_ms END`,
				k, now, cutoff, cutoff, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// Logout ends one session.
func (s *Service) Logout(ctx context.Context, token string) error {
	_, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashToken(token))
	return apperr.Wrap(err)
}

// SessionPrincipal resolves a session cookie. Touching last_seen is
// throttled so that reads stay reads.
func (s *Service) SessionPrincipal(ctx context.Context, token string) (*access.Principal, error) {
	if token == "" || len(token) > 100 {
		return nil, apperr.New(apperr.Unauthenticated, "auth.login_required")
	}
	h := hashToken(token)
	var expires, seen int64
	// The session and its account are read in one query: this runs on
	// every page request.
	p, err := scanPrincipal(s.db.QueryRow(ctx, `SELECT `+principalCols+`, s.expires_ms, s.last_seen_ms
		FROM sessions s JOIN users u ON u.id = s.user_id AND u.deleted_ms IS NULL JOIN companies c ON c.id = u.company_id
		WHERE s.token_hash = ?`, h), &expires, &seen)
	now := s.now()
	if err != nil || expires < now.UnixMilli() {
		return nil, apperr.New(apperr.Unauthenticated, "auth.login_required")
	}
	if now.UnixMilli()-seen > sessionTouchEvery.Milliseconds() {
		_, _ = s.db.Exec(ctx, `UPDATE sessions SET last_seen_ms = ?, expires_ms = ? WHERE token_hash = ?`, now.UnixMilli(), now.Add(SessionTTL).UnixMilli(), h)
	}
	return p, nil
}

// principalCols are the account columns a Principal is made of, read
// from users u joined to companies c.
const principalCols = `u.id, u.company_id, u.name, u.email, u.role, u.is_admin, u.locale, u.disabled, c.kind`

// scanPrincipal scans principalCols followed by extra columns. A disabled
// account is an error, like a missing one.
func scanPrincipal(row *sql.Row, extra ...any) (*access.Principal, error) {
	var p access.Principal
	var kind string
	var disabled bool
	err := row.Scan(append([]any{&p.UserID, &p.CompanyID, &p.Name, &p.Email, &p.Role, &p.Admin, &p.Locale, &disabled, &kind}, extra...)...)
	if err != nil || disabled {
		return nil, apperr.New(apperr.Unauthenticated, "auth.login_required")
	}
	p.Vendor = kind == "vendor"
	if !p.Vendor {
		p.Admin = false
	}
	return &p, nil
}

func (s *Service) principal(ctx context.Context, userID int64) (*access.Principal, error) {
	return scanPrincipal(s.db.QueryRow(ctx, `SELECT `+principalCols+`
		FROM users u JOIN companies c ON c.id = u.company_id WHERE u.id = ? AND u.deleted_ms IS NULL`, userID))
}

// APIToken is a token as listed (never the secret).
type APIToken struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Prefix     string `json:"prefix"`
	CreatedMS  int64  `json:"created_ms"`
	LastUsedMS *int64 `json:"last_used_ms"`
	RevokedMS  *int64 `json:"revoked_ms"`
}

// TokenInput names a new token.
type TokenInput struct {
	Name string `json:"name" maxLength:"100"`
}

// CreateToken makes an API token for p (or, from the CLI with p nil, for
// userID). The plain token is returned once and stored only as a hash.
func (s *Service) CreateToken(ctx context.Context, p *access.Principal, userID int64, in TokenInput) (string, APIToken, error) {
	if p != nil {
		userID = p.UserID
	}
	if strings.TrimSpace(in.Name) == "" {
		in.Name = "API token " + s.now().Format("2006-01-02")
	}
	var f apperr.Fields
	validate.Line(&f, "name", &in.Name, 1, 100)
	if err := f.Err(); err != nil {
		return "", APIToken{}, err
	}
	plain := TokenPrefix + randomToken(30)
	t := APIToken{Name: in.Name, Prefix: plain[:len(TokenPrefix)+6], CreatedMS: db.Now()}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_ms) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			userID, t.Name, hashToken(plain), t.Prefix, t.CreatedMS).Scan(&t.ID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{Entity: "api_token", EntityID: t.ID, Action: "create", Summary: t.Name, After: t, Internal: true})
	})
	if err != nil {
		return "", APIToken{}, apperr.Wrap(err)
	}
	return plain, t, nil
}

// ListTokens lists the caller's own tokens.
func (s *Service) ListTokens(ctx context.Context, p *access.Principal) ([]APIToken, error) {
	rows, err := s.db.Query(ctx, `SELECT id, name, prefix, created_ms, last_used_ms, revoked_ms FROM api_tokens WHERE user_id = ? ORDER BY id DESC`, p.UserID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		if err := rows.Scan(&t.ID, &t.Name, &t.Prefix, &t.CreatedMS, &t.LastUsedMS, &t.RevokedMS); err != nil {
			return nil, apperr.Wrap(err)
		}
		out = append(out, t)
	}
	return out, apperr.Wrap(rows.Err())
}

// RevokeToken revokes one of the caller's tokens; someone else's token is
// "not found".
func (s *Service) RevokeToken(ctx context.Context, p *access.Principal, id int64) error {
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_ms = ? WHERE id = ? AND user_id = ? AND revoked_ms IS NULL`, db.Now(), id, p.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.NotFoundErr()
		}
		return audit.Record(ctx, tx, p, audit.Entry{Entity: "api_token", EntityID: id, Action: "revoke", Internal: true})
	}))
}

// TokenPrincipal resolves a bearer token.
func (s *Service) TokenPrincipal(ctx context.Context, plain string) (*access.Principal, error) {
	if !strings.HasPrefix(plain, TokenPrefix) || len(plain) > 100 {
		return nil, apperr.New(apperr.Unauthenticated, "auth.bad_token")
	}
	h := hashToken(plain)
	var id int64
	var used *int64
	var revoked *int64
	// Token and account in one query, on every API request; revocation
	// is read from the database each time, so it takes effect at once in
	// every process.
	p, err := scanPrincipal(s.db.QueryRow(ctx, `SELECT `+principalCols+`, t.id, t.last_used_ms, t.revoked_ms
		FROM api_tokens t JOIN users u ON u.id = t.user_id AND u.deleted_ms IS NULL JOIN companies c ON c.id = u.company_id
		WHERE t.token_hash = ?`, h), &id, &used, &revoked)
	if err != nil || revoked != nil {
		return nil, apperr.New(apperr.Unauthenticated, "auth.bad_token")
	}
	now := s.now().UnixMilli()
	if used == nil || now-*used > tokenTouchEvery.Milliseconds() {
		_, _ = s.db.Exec(ctx, `UPDATE api_tokens SET last_used_ms = ? WHERE id = ?`, now, id)
	}
	p.ViaToken = true
	return p, nil
}
