package notify

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"strings"
	"time"

	"golive/internal/db"
)

// Mailer is the SMTP configuration. Without an address e-mail is off.
type Mailer struct {
	Addr     string // host:port
	From     string // envelope and header sender
	User     string // optional: PLAIN auth (net/smtp refuses it without TLS except on localhost)
	Password string
	// Send replaces the SMTP client in tests that only check the loop.
	Send func(addr string, a smtp.Auth, from string, to []string, msg []byte) error
}

// Outbox limits.
const (
	maxAttempts  = 10
	claimTimeout = 10 * time.Minute // a claim older than this belongs to a process that died
	pollEvery    = 30 * time.Second // other processes' mail is seen this late at most
)

// SetMailer turns e-mail on.
func (s *Service) SetMailer(m *Mailer) {
	if m != nil && m.Addr == "" {
		m = nil
	}
	s.mail = m
}

// MailEnabled reports whether e-mail is configured (the settings page
// offers the preference only then).
func (s *Service) MailEnabled() bool { return s.mail != nil }

// Run sends due mail until ctx ends: at once when this process queued
// some, otherwise every pollEvery (for mail other processes queued or
// that waits for a retry).
func (s *Service) Run(ctx context.Context, log *slog.Logger) {
	if s.mail == nil {
		return
	}
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		if _, err := s.SendDue(ctx); err != nil && ctx.Err() == nil && log != nil {
			log.Warn("mail outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.kick:
		}
	}
}

// backoff is the wait before attempt n+1: 1, 2, 4 … minutes, at most 4 hours.
func backoff(attempts int) time.Duration {
	if attempts > 8 {
		attempts = 8
	}
	return time.Minute << attempts
}

// SendDue sends the outbox rows that are due and returns how many went
// out. Each row is claimed first, so two processes never send one twice.
func (s *Service) SendDue(ctx context.Context) (int, error) {
	if s.mail == nil {
		return 0, nil
	}
	now := db.Now()
	// Claims of a process that died mid-send are released.
	if _, err := s.db.Exec(ctx, `UPDATE mail_outbox SET claimed_ms = NULL WHERE sent_ms IS NULL AND claimed_ms IS NOT NULL AND claimed_ms < ?`, now-claimTimeout.Milliseconds()); err != nil {
		return 0, err
	}
	type row struct {
		id                int64
		to, subject, body string
		attempts          int
		createdMS         int64
	}
	rows, err := s.db.Query(ctx, `SELECT id, to_addr, subject, body, attempts, created_ms FROM mail_outbox
		WHERE sent_ms IS NULL AND claimed_ms IS NULL AND next_ms <= ? AND attempts < ? ORDER BY next_ms, id LIMIT 50`, now, maxAttempts)
	if err != nil {
		return 0, err
	}
	var due []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.to, &r.subject, &r.body, &r.attempts, &r.createdMS); err != nil {
			rows.Close()
			return 0, err
		}
		due = append(due, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	sent := 0
	for _, r := range due {
		res, err := s.db.Exec(ctx, `UPDATE mail_outbox SET claimed_ms = ? WHERE id = ? AND claimed_ms IS NULL AND sent_ms IS NULL`, db.Now(), r.id)
		if err != nil {
			return sent, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue // another process has it
		}
		msg := BuildMessage(s.mail.From, r.to, r.subject, r.body, time.UnixMilli(r.createdMS), r.id)
		if err := s.send(r.to, msg); err != nil {
			wait := backoff(r.attempts)
			if _, uerr := s.db.Exec(ctx, `UPDATE mail_outbox SET claimed_ms = NULL, attempts = attempts + 1, next_ms = ?, last_error = ? WHERE id = ?`,
				db.Now()+wait.Milliseconds(), truncate(err.Error(), 500), r.id); uerr != nil {
				return sent, uerr
			}
			continue
		}
		if _, err := s.db.Exec(ctx, `UPDATE mail_outbox SET sent_ms = ?, attempts = attempts + 1, last_error = '' WHERE id = ?`, db.Now(), r.id); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

func (s *Service) send(to string, msg []byte) error {
	var a smtp.Auth
	if s.mail.User != "" {
		host, _, _ := net.SplitHostPort(s.mail.Addr)
		a = smtp.PlainAuth("", s.mail.User, s.mail.Password, host)
	}
	send := s.mail.Send
	if send == nil {
		send = smtp.SendMail
	}
	return send(s.mail.Addr, a, envelope(s.mail.From), []string{to}, msg)
}

// envelope is the bare address of a From that may carry a display name.
func envelope(from string) string {
	if i := strings.LastIndex(from, "<"); i >= 0 {
		return strings.TrimSuffix(from[i+1:], ">")
	}
	return from
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// BuildMessage writes a UTF-8 plain-text mail: the subject as an RFC 2047
// encoded word (Chinese survives every mail client), the body in base64.
func BuildMessage(from, to, subject, body string, at time.Time, id int64) []byte {
	var b bytes.Buffer
	host := "golive"
	if i := strings.LastIndex(envelope(from), "@"); i >= 0 {
		host = envelope(from)[i+1:]
	}
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", from)
	header("To", to)
	header("Subject", mime.BEncoding.Encode("UTF-8", oneLine(subject)))
	header("Date", at.UTC().Format(time.RFC1123Z))
	header("Message-ID", fmt.Sprintf("<outbox-%d@%s>", id, host))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "base64")
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}

// oneLine keeps a header value on one line (no header injection).
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, s)
}
