package notify_test

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"golive/internal/access"
	"golive/internal/db"
	"golive/internal/db/dbtest"
	"golive/internal/notify"
)

// A real SMTP server (go-smtp, test-only) on 127.0.0.1 receives what the
// outbox sends through net/smtp.

type received struct {
	from string
	to   []string
	data []byte
}

type backend struct {
	mu   sync.Mutex
	down bool // refuse every mail, as a server that is out of service
	msgs []received
}

func (b *backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{b: b}, nil }

type session struct {
	b   *backend
	cur received
}

func (s *session) Reset()        { s.cur = received{} }
func (s *session) Logout() error { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	if s.b.down {
		return &smtp.SMTPError{Code: 421, Message: "service not available"}
	}
	s.cur.from = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.to = append(s.cur.to, to)
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.data = b
	s.b.mu.Lock()
	s.b.msgs = append(s.b.msgs, s.cur)
	s.b.mu.Unlock()
	return nil
}

func (b *backend) messages() []received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]received(nil), b.msgs...)
}

func startSMTP(t *testing.T) (*backend, string) {
	t.Helper()
	be := &backend{}
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return be, l.Addr().String()
}

// seedUsers creates a vendor company and people; email[i] says whether
// person i asked for e-mail.
func seedUsers(t *testing.T, d *db.DB, locales []string, email []bool) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	err := d.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		var cid int64
		if err := tx.QueryRow(ctx, `INSERT INTO companies (name, kind, created_ms, updated_ms) VALUES ('实施方', 'vendor', ?, ?) RETURNING id`, now, now).Scan(&cid); err != nil {
			return err
		}
		for i, loc := range locales {
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO users (company_id, email, name, role, password_hash, locale, created_ms, updated_ms) VALUES (?, ?, ?, 'pm', 'x', ?, ?, ?) RETURNING id`,
				cid, "user"+string(rune('a'+i))+"@example.cn", "用户"+string(rune('A'+i)), loc, now, now).Scan(&id); err != nil {
				return err
			}
			if email[i] {
				if _, err := tx.Exec(ctx, `INSERT INTO notify_prefs (user_id, email, updated_ms) VALUES (?, ?, ?)`, id, true, now); err != nil {
					return err
				}
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func add(t *testing.T, d *db.DB, s *notify.Service, notes ...notify.Note) {
	t.Helper()
	if err := d.Tx(context.Background(), func(tx *db.Tx) error { return s.Add(context.Background(), tx, notes...) }); err != nil {
		t.Fatal(err)
	}
}

func mention(to int64) notify.Note {
	return notify.Note{UserID: to, Kind: "mention", Key: "discuss.notify_mention", Params: []string{"张三", "#12 配置物料主数据", "请确认计量单位"}, Link: "/projects/3/tasks/12#comment-7"}
}

func TestMailThroughARealSMTPServer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		be, addr := startSMTP(t)
		ids := seedUsers(t, d, []string{"zh-CN", "en", ""}, []bool{true, true, false})
		s := notify.NewService(d, "https://golive.example.cn/")
		s.SetMailer(&notify.Mailer{Addr: addr, From: "golive <noreply@example.cn>"})

		// The server is down: nothing is lost, the row waits for a retry.
		be.mu.Lock()
		be.down = true
		be.mu.Unlock()
		add(t, d, s, mention(ids[0]), mention(ids[1]), mention(ids[2]))
		if n, err := s.SendDue(ctx); err != nil || n != 0 {
			t.Fatalf("sent %d while down: %v", n, err)
		}
		var rows, waiting int
		if err := d.QueryRow(ctx, `SELECT count(*), count(CASE WHEN attempts = 1 AND claimed_ms IS NULL AND sent_ms IS NULL AND next_ms > created_ms AND last_error <> '' THEN 1 END) FROM mail_outbox`).Scan(&rows, &waiting); err != nil {
			t.Fatal(err)
		}
		// The third person did not ask for e-mail.
		if rows != 2 || waiting != 2 {
			t.Fatalf("outbox: %d rows, %d waiting for a retry", rows, waiting)
		}
		// Not yet due: the backoff holds.
		be.mu.Lock()
		be.down = false
		be.mu.Unlock()
		if n, _ := s.SendDue(ctx); n != 0 {
			t.Fatalf("sent %d before the retry was due", n)
		}
		if _, err := d.Exec(ctx, `UPDATE mail_outbox SET next_ms = ?`, db.Now()); err != nil {
			t.Fatal(err)
		}
		if n, err := s.SendDue(ctx); err != nil || n != 2 {
			t.Fatalf("sent %d: %v", n, err)
		}
		msgs := be.messages()
		if len(msgs) != 2 {
			t.Fatalf("server received %d messages", len(msgs))
		}
		subjects := map[string]string{}
		for _, m := range msgs {
			if m.from != "noreply@example.cn" || len(m.to) != 1 {
				t.Errorf("envelope %q → %v", m.from, m.to)
			}
			msg, err := mail.ReadMessage(strings.NewReader(string(m.data)))
			if err != nil {
				t.Fatal(err)
			}
			raw := msg.Header.Get("Subject")
			if !strings.HasPrefix(strings.ToLower(raw), "=?utf-8?b?") {
				t.Errorf("subject not an encoded word: %q", raw)
			}
			subj, err := new(mime.WordDecoder).DecodeHeader(raw)
			if err != nil {
				t.Fatal(err)
			}
			subjects[m.to[0]] = subj
			if msg.Header.Get("To") != m.to[0] || !strings.HasPrefix(msg.Header.Get("Content-Type"), "text/plain; charset=UTF-8") {
				t.Errorf("headers %v", msg.Header)
			}
			b, _ := io.ReadAll(msg.Body)
			body, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(b), "\r\n", ""))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(body), "https://golive.example.cn/projects/3/tasks/12#comment-7") {
				t.Errorf("body has no link: %s", body)
			}
		}
		if got := subjects["usera@example.cn"]; got != "[golive] 张三 在「#12 配置物料主数据」中提到了你：请确认计量单位" {
			t.Errorf("Chinese subject %q", got)
		}
		if got := subjects["userb@example.cn"]; got != "[golive] 张三 mentioned you on “#12 配置物料主数据”: 请确认计量单位" {
			t.Errorf("English subject %q", got)
		}
		if n, _ := s.SendDue(ctx); n != 0 || len(be.messages()) != 2 {
			t.Errorf("a sent mail went out again")
		}
	})
}

// Several processes share one outbox: each row is claimed by one sender.
func TestMailOutboxClaimsEachRowOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		be, addr := startSMTP(t)
		ids := seedUsers(t, d, []string{"zh-CN"}, []bool{true})
		var senders []*notify.Service
		for range 3 {
			s := notify.NewService(d, "http://127.0.0.1:8080")
			s.SetMailer(&notify.Mailer{Addr: addr, From: "noreply@example.cn"})
			senders = append(senders, s)
		}
		for range 12 {
			add(t, d, senders[0], mention(ids[0]))
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for _, s := range senders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := s.SendDue(context.Background())
				if err != nil && !errors.Is(err, context.Canceled) {
					t.Error(err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		if total != 12 || len(be.messages()) != 12 {
			t.Errorf("sent %d, received %d, want 12 each", total, len(be.messages()))
		}
	})
}

// The sender loop sends right after the notification's transaction commits.
func TestMailSenderLoopSendsAfterCommit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		be, addr := startSMTP(t)
		ids := seedUsers(t, d, []string{"en"}, []bool{true})
		s := notify.NewService(d, "http://127.0.0.1:8080")
		s.SetMailer(&notify.Mailer{Addr: addr, From: "noreply@example.cn"})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { s.Run(ctx, nil); close(done) }()
		defer func() { cancel(); <-done }()
		// A rolled-back change sends nothing.
		_ = d.Tx(ctx, func(tx *db.Tx) error {
			if err := s.Add(ctx, tx, mention(ids[0])); err != nil {
				return err
			}
			return errors.New("roll back")
		})
		add(t, d, s, mention(ids[0]))
		deadline := time.Now().Add(10 * time.Second)
		for len(be.messages()) == 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if n := len(be.messages()); n != 1 {
			t.Fatalf("received %d messages, want 1", n)
		}
		if got := s.UnreadCount(ctx, &access.Principal{UserID: ids[0]}); got != 1 {
			t.Errorf("unread %d", got)
		}
	})
}
