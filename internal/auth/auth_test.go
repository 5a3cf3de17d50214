package auth_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/auth"
	"golive/internal/db"
	"golive/internal/db/dbtest"
)

const pw = "correct horse battery"

// fixture is a database with the vendor, one customer company and helpers
// to create accounts.
type fixture struct {
	t        *testing.T
	ctx      context.Context
	d        *db.DB
	s        *auth.Service
	vendor   auth.Company
	customer auth.Company
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background(), d: d, s: auth.NewService(d)}
	var err error
	if f.vendor, err = f.s.CreateCompany(f.ctx, nil, auth.CompanyInput{Name: "实施方", Kind: "vendor"}); err != nil {
		t.Fatal(err, apperr.As(err).Fields)
	}
	if f.customer, err = f.s.CreateCompany(f.ctx, nil, auth.CompanyInput{Name: "客户", Kind: "customer"}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) user(email string, company int64, role access.Role, admin bool) auth.User {
	f.t.Helper()
	u, err := f.s.CreateUser(f.ctx, nil, auth.UserInput{Email: email, Name: email, CompanyID: company, Role: string(role), Admin: admin, Password: pw})
	if err != nil {
		f.t.Fatalf("create %s: %v", email, err)
	}
	return u
}

func (f *fixture) login(email, password, ip string) (string, *access.Principal, error) {
	return f.s.Login(f.ctx, email, password, ip, "auth_test")
}

func (f *fixture) mustLogin(email string) (string, *access.Principal) {
	f.t.Helper()
	tok, p, err := f.login(email, pw, "192.0.2.1")
	if err != nil {
		f.t.Fatalf("login %s: %v", email, err)
	}
	return tok, p
}

func (f *fixture) exec(q string, args ...any) {
	f.t.Helper()
	if _, err := f.d.Exec(f.ctx, q, args...); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
}

func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.d.QueryRow(f.ctx, q, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// wantCode fails unless err carries code (and, when given, the key).
func wantCode(t *testing.T, what string, err error, code apperr.Code, key string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want %s", what, code)
	}
	e := apperr.As(err)
	if e.Code != code || (key != "" && e.Key != key) {
		t.Fatalf("%s: %s/%s (%v), want %s/%s", what, e.Code, e.Key, err, code, key)
	}
}

func wantField(t *testing.T, what string, err error, field, key string) {
	t.Helper()
	e := apperr.As(err)
	if e.Code != apperr.Invalid || e.Fields[field] != key {
		t.Fatalf("%s: %v (fields %v), want %s=%s", what, err, e.Fields, field, key)
	}
}

func TestPasswordHashing(t *testing.T) {
	for _, p := range []string{"password", "一段中文口令也可以", " spaces around ", strings.Repeat("x", 128)} {
		h, err := auth.HashPassword(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Fatalf("hash format %q", h)
		}
		if !auth.CheckPassword(h, p) {
			t.Fatalf("round trip of %q failed", p)
		}
		for _, wrong := range []string{"", p + "x", strings.TrimSpace(p) + "!", strings.ToUpper(p)} {
			if wrong != p && auth.CheckPassword(h, wrong) {
				t.Fatalf("%q accepted for %q", wrong, p)
			}
		}
		h2, _ := auth.HashPassword(p)
		if h2 == h {
			t.Fatal("two hashes of one password are equal: no salt")
		}
	}
	good, _ := auth.HashPassword("pw")
	parts := strings.Split(good, "$")
	for name, h := range map[string]string{
		"empty":        "",
		"plain text":   "pw",
		"bcrypt":       "$2a$10$abcdefghijklmnopqrstuu5YB3bF6Q1b5lC2xw8T7s2bLxvY1w1dS",
		"short":        "$argon2id$v=19$m=19456,t=2,p=1$",
		"zero memory":  strings.Join([]string{"", parts[1], parts[2], "m=0,t=2,p=1", parts[4], parts[5]}, "$"),
		"huge memory":  strings.Join([]string{"", parts[1], parts[2], "m=4194304,t=2,p=1", parts[4], parts[5]}, "$"),
		"many passes":  strings.Join([]string{"", parts[1], parts[2], "m=19456,t=1000,p=1", parts[4], parts[5]}, "$"),
		"bad params":   strings.Join([]string{"", parts[1], parts[2], "m=x", parts[4], parts[5]}, "$"),
		"bad salt":     strings.Join([]string{"", parts[1], parts[2], parts[3], "!!!", parts[5]}, "$"),
		"empty key":    strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], ""}, "$"),
		"argon2i":      strings.Replace(good, "argon2id", "argon2i", 1),
		"tampered key": good[:len(good)-2] + "AA",
	} {
		if auth.CheckPassword(h, "pw") {
			t.Errorf("%s: accepted", name)
		}
	}
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		r := auth.RandomPassword()
		if len(r) != 16 || strings.ContainsAny(r, "0O1lIio") || seen[r] {
			t.Fatalf("random password %q", r)
		}
		seen[r] = true
	}
}

func TestBootstrap(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := auth.NewService(d)
		p, created, err := s.Bootstrap(ctx, "实施服务商", "Admin@Example.cn")
		if err != nil || !created || len(p) < 12 {
			t.Fatalf("bootstrap on an empty database: %q %v %v", p, created, err)
		}
		f := &fixture{t: t, ctx: ctx, d: d, s: s}
		if n := f.count(`SELECT count(*) FROM users`); n != 1 {
			t.Fatalf("%d users", n)
		}
		if n := f.count(`SELECT count(*) FROM users WHERE is_admin = ?`, true); n != 1 {
			t.Fatalf("%d administrators", n)
		}
		_, pr, err := s.Login(ctx, "admin@example.cn", p, "192.0.2.1", "")
		if err != nil || !pr.Admin || !pr.Vendor || pr.Role != access.RoleAdmin || !pr.CanAdminister() {
			t.Fatalf("the bootstrap admin: %+v %v", pr, err)
		}
		// A second start changes nothing and shows no password.
		for i := 0; i < 2; i++ {
			p2, created, err := s.Bootstrap(ctx, "实施服务商", "other@example.cn")
			if err != nil || created || p2 != "" {
				t.Fatalf("second bootstrap: %q %v %v", p2, created, err)
			}
		}
		if n := f.count(`SELECT count(*) FROM users`); n != 1 {
			t.Fatalf("%d users after a second start", n)
		}
		if n := f.count(`SELECT count(*) FROM companies`); n != 1 {
			t.Fatalf("%d companies after a second start", n)
		}
	})
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		// A database that already has an account (made with the CLI) gets no
		// administrator from the bootstrap.
		f := newFixture(t, d)
		f.user("someone@example.cn", f.customer.ID, access.RoleKeyUser, false)
		p, created, err := f.s.Bootstrap(f.ctx, "实施服务商", "admin@example.cn")
		if err != nil || created || p != "" {
			t.Fatalf("bootstrap on a used database: %q %v %v", p, created, err)
		}
		if n := f.count(`SELECT count(*) FROM users WHERE is_admin = ?`, true); n != 0 {
			t.Fatalf("%d administrators", n)
		}
	})
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		// The vendor company exists (created by hand) but nobody can log in:
		// the bootstrap uses that company instead of making a second one.
		f := newFixture(t, d)
		if _, created, err := f.s.Bootstrap(f.ctx, "另一个名字", "admin@example.cn"); err != nil || !created {
			t.Fatalf("bootstrap: %v %v %v", created, err, apperr.As(err).Fields)
		}
		if n := f.count(`SELECT count(*) FROM companies WHERE kind = 'vendor'`); n != 1 {
			t.Fatalf("%d vendor companies", n)
		}
		u, err := f.s.UserByEmail(f.ctx, "admin@example.cn")
		if err != nil || u.CompanyID != f.vendor.ID || !u.Admin {
			t.Fatalf("admin %+v %v", u, err)
		}
	})
}

func TestLoginThrottling(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.user("a@example.cn", f.vendor.ID, access.RolePM, false)
		f.user("b@example.cn", f.vendor.ID, access.RoleConsultant, false)
		f.user("c@example.cn", f.customer.ID, access.RoleKeyUser, false)

		// Five wrong passwords for one account...
		for i := 0; i < 5; i++ {
			_, _, err := f.login("A@example.cn ", "wrong password", "198.51.100.1")
			wantCode(t, "wrong password", err, apperr.Unauthenticated, "auth.bad_credentials")
		}
		// ...and the sixth attempt is refused even with the right password,
		// from any address.
		for _, ip := range []string{"198.51.100.1", "198.51.100.2"} {
			_, _, err := f.login("a@example.cn", pw, ip)
			wantCode(t, "sixth attempt from "+ip, err, apperr.TooMany, "auth.throttled")
			if args := apperr.As(err).Args; len(args) != 1 || args[0] != 15 {
				t.Fatalf("throttle message args %v", args)
			}
		}
		// Another account from the same address still works.
		if _, _, err := f.login("b@example.cn", pw, "198.51.100.1"); err != nil {
			t.Fatalf("another account from the same address: %v", err)
		}
		// When the window has passed, the account may try again.
		f.exec(`UPDATE login_failures SET window_start_ms = window_start_ms - ? WHERE key = ?`, (16 * time.Minute).Milliseconds(), "acct:a@example.cn")
		if _, _, err := f.login("a@example.cn", pw, "198.51.100.1"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
		// A success clears the account's count: four more failures do not lock it.
		for i := 0; i < 4; i++ {
			_, _, err := f.login("a@example.cn", "wrong", "198.51.100.3")
			wantCode(t, "wrong again", err, apperr.Unauthenticated, "")
		}
		if _, _, err := f.login("a@example.cn", pw, "198.51.100.3"); err != nil {
			t.Fatalf("after four failures: %v", err)
		}

		// Unknown accounts count too (no enumeration by lock-out either),
		// and one address guessing many accounts is stopped at 30 failures.
		ip := "203.0.113.9"
		for i := 0; i < 30; i++ {
			_, _, err := f.login(fmt.Sprintf("guess%d@example.cn", i), "guess", ip)
			wantCode(t, "guess", err, apperr.Unauthenticated, "auth.bad_credentials")
		}
		_, _, err := f.login("c@example.cn", pw, ip)
		wantCode(t, "right password from a throttled address", err, apperr.TooMany, "auth.throttled")
		if _, _, err := f.login("c@example.cn", pw, "203.0.113.10"); err != nil {
			t.Fatalf("the same account from another address: %v", err)
		}
		for i := 0; i < 5; i++ {
			_, _, err := f.login("nobody@example.cn", "guess", fmt.Sprintf("203.0.114.%d", i))
			wantCode(t, "unknown account", err, apperr.Unauthenticated, "auth.bad_credentials")
		}
		_, _, err = f.login("nobody@example.cn", "guess", "203.0.114.99")
		wantCode(t, "unknown account, sixth try", err, apperr.TooMany, "auth.throttled")
	})
}

func TestLoginRefusesOddInputWithoutA500(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.user("a@example.cn", f.vendor.ID, access.RolePM, false)
		_, _, err := f.login("", "", "192.0.2.1")
		wantField(t, "empty", err, "email", "validate.required")
		wantField(t, "empty", err, "password", "validate.required")
		for _, email := range []string{"a\x00@example.cn", "a@example.cn\x00", "\xff\xfe@example.cn", strings.Repeat("a", 300) + "@example.cn", "a@exa\nmple.cn"} {
			_, _, err := f.login(email, pw, "192.0.2.1")
			if c := apperr.CodeOf(err); c != apperr.Unauthenticated && c != apperr.Invalid {
				t.Fatalf("login as %q: %v", email, err)
			}
		}
		if _, _, err := f.login("a@example.cn", strings.Repeat("p", 2000), "192.0.2.1"); apperr.CodeOf(err) != apperr.Unauthenticated {
			t.Fatalf("overlong password: %v", err)
		}
		// Any bytes in the User-Agent are stored safely.
		if _, _, err := f.s.Login(f.ctx, "a@example.cn", pw, "192.0.2.1", strings.Repeat("\xff中", 400)); err != nil {
			t.Fatalf("odd user agent: %v", err)
		}
	})
}

func TestSessionsExpireAndLogout(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		u := f.user("a@example.cn", f.vendor.ID, access.RolePM, false)
		t1, p := f.mustLogin("a@example.cn")
		t2, _ := f.mustLogin("a@example.cn")
		if t1 == t2 || len(t1) < 40 || p.UserID != u.ID || !p.Vendor || p.Admin {
			t.Fatalf("login: %q %q %+v", t1, t2, p)
		}
		if n := f.count(`SELECT count(*) FROM sessions WHERE token_hash = ?`, t1); n != 0 {
			t.Fatal("the session token is stored in plain text")
		}
		for _, tok := range []string{t1, t2} {
			if sp, err := f.s.SessionPrincipal(f.ctx, tok); err != nil || sp.UserID != u.ID {
				t.Fatalf("session: %v", err)
			}
		}
		for _, bad := range []string{"", "nope", strings.Repeat("x", 101), t1 + "x"} {
			_, err := f.s.SessionPrincipal(f.ctx, bad)
			wantCode(t, "bad session "+bad, err, apperr.Unauthenticated, "")
		}
		// Logout ends that session only.
		if err := f.s.Logout(f.ctx, t1); err != nil {
			t.Fatal(err)
		}
		_, err := f.s.SessionPrincipal(f.ctx, t1)
		wantCode(t, "after logout", err, apperr.Unauthenticated, "")
		if _, err := f.s.SessionPrincipal(f.ctx, t2); err != nil {
			t.Fatalf("the other session ended too: %v", err)
		}
		// An expired session is refused.
		f.exec(`UPDATE sessions SET expires_ms = ?`, time.Now().Add(-time.Second).UnixMilli())
		_, err = f.s.SessionPrincipal(f.ctx, t2)
		wantCode(t, "expired", err, apperr.Unauthenticated, "")
		// The next login sweeps expired sessions away.
		f.mustLogin("a@example.cn")
		if n := f.count(`SELECT count(*) FROM sessions WHERE expires_ms < ?`, time.Now().UnixMilli()); n != 0 {
			t.Fatalf("%d expired sessions left", n)
		}
		// A disabled account loses its sessions and cannot log in.
		t3, _ := f.mustLogin("a@example.cn")
		f.exec(`UPDATE users SET disabled = ? WHERE id = ?`, true, u.ID)
		_, err = f.s.SessionPrincipal(f.ctx, t3)
		wantCode(t, "disabled", err, apperr.Unauthenticated, "")
		_, _, err = f.login("a@example.cn", pw, "192.0.2.1")
		wantCode(t, "disabled login", err, apperr.Unauthenticated, "auth.bad_credentials")
	})
}

func TestPasswordChangeEndsSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		u := f.user("a@example.cn", f.vendor.ID, access.RolePM, false)
		f.user("admin@example.cn", f.vendor.ID, access.RoleAdmin, true)
		t1, p := f.mustLogin("a@example.cn")
		t2, _ := f.mustLogin("a@example.cn")
		audits := f.count(`SELECT count(*) FROM audit_log`)

		wantField(t, "wrong current", f.s.ChangePassword(f.ctx, p, "not my password", "a brand new one"), "current_password", "auth.wrong_password")
		wantField(t, "short new", f.s.ChangePassword(f.ctx, p, pw, "short"), "new_password", "validate.too_short")
		if _, err := f.s.SessionPrincipal(f.ctx, t1); err != nil {
			t.Fatal("a refused change ended the session")
		}
		if n := f.count(`SELECT count(*) FROM audit_log`); n != audits {
			t.Fatalf("a refused change wrote %d audit rows", n-audits)
		}

		if err := f.s.ChangePassword(f.ctx, p, pw, "a brand new one"); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{t1, t2} {
			_, err := f.s.SessionPrincipal(f.ctx, tok)
			wantCode(t, "session after change", err, apperr.Unauthenticated, "")
		}
		if n := f.count(`SELECT count(*) FROM audit_log WHERE entity = 'user' AND action = 'password' AND entity_id = ?`, u.ID); n != 1 {
			t.Fatalf("%d audit rows for the change", n)
		}
		_, _, err := f.login("a@example.cn", pw, "192.0.2.1")
		wantCode(t, "old password", err, apperr.Unauthenticated, "")
		if _, _, err := f.login("a@example.cn", "a brand new one", "192.0.2.1"); err != nil {
			t.Fatalf("new password: %v", err)
		}

		// An administrator's reset ends the sessions too; nobody else may reset.
		t3, _ := f.mustLoginWith("a@example.cn", "a brand new one")
		_, admin := f.mustLogin("admin@example.cn")
		wantCode(t, "reset by a non-admin", f.s.SetPassword(f.ctx, p, u.ID, "reset by a peer"), apperr.NotFound, "")
		wantField(t, "short reset", f.s.SetPassword(f.ctx, admin, u.ID, "x"), "password", "validate.too_short")
		wantCode(t, "reset of nobody", f.s.SetPassword(f.ctx, admin, 999999, "long enough pw"), apperr.NotFound, "")
		if err := f.s.SetPassword(f.ctx, admin, u.ID, "reset by admin"); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.SessionPrincipal(f.ctx, t3)
		wantCode(t, "session after reset", err, apperr.Unauthenticated, "")
		if _, _, err := f.login("a@example.cn", "reset by admin", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	})
}

func (f *fixture) mustLoginWith(email, password string) (string, *access.Principal) {
	f.t.Helper()
	tok, p, err := f.login(email, password, "192.0.2.1")
	if err != nil {
		f.t.Fatalf("login %s: %v", email, err)
	}
	return tok, p
}

func TestAPITokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		u := f.user("a@example.cn", f.vendor.ID, access.RolePM, false)
		other := f.user("b@example.cn", f.vendor.ID, access.RoleConsultant, false)
		_, p := f.mustLogin("a@example.cn")
		_, po := f.mustLogin("b@example.cn")

		plain, tok, err := f.s.CreateToken(f.ctx, p, 0, auth.TokenInput{Name: " 报表同步 "})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(plain, auth.TokenPrefix) || tok.Name != "报表同步" || tok.Prefix != plain[:len(auth.TokenPrefix)+6] {
			t.Fatalf("token %q %+v", plain, tok)
		}
		tp, err := f.s.TokenPrincipal(f.ctx, plain)
		if err != nil || tp.UserID != u.ID || !tp.ViaToken {
			t.Fatalf("token principal %+v %v", tp, err)
		}
		if n := f.count(`SELECT count(*) FROM api_tokens WHERE token_hash = ? OR prefix = ?`, plain, plain); n != 0 {
			t.Fatal("the token secret is stored")
		}
		// The default name, the CLI path (no principal), bad names.
		_, def, err := f.s.CreateToken(f.ctx, p, 0, auth.TokenInput{})
		if err != nil || !strings.HasPrefix(def.Name, "API token ") {
			t.Fatalf("default name %+v %v", def, err)
		}
		cli, _, err := f.s.CreateToken(f.ctx, nil, other.ID, auth.TokenInput{Name: "cli"})
		if err != nil {
			t.Fatal(err)
		}
		if cp, err := f.s.TokenPrincipal(f.ctx, cli); err != nil || cp.UserID != other.ID {
			t.Fatalf("CLI token: %v", err)
		}
		_, _, err = f.s.CreateToken(f.ctx, p, 0, auth.TokenInput{Name: "two\nlines"})
		wantField(t, "two-line name", err, "name", "validate.single_line")
		_, _, err = f.s.CreateToken(f.ctx, p, 0, auth.TokenInput{Name: strings.Repeat("名", 101)})
		wantField(t, "long name", err, "name", "validate.too_long")

		// Listing shows the caller's own tokens, never a secret.
		list, err := f.s.ListTokens(f.ctx, p)
		if err != nil || len(list) != 2 {
			t.Fatalf("list %+v %v", list, err)
		}
		b, _ := json.Marshal(list)
		if strings.Contains(string(b), plain) {
			t.Fatal("the list carries the secret")
		}
		if ol, _ := f.s.ListTokens(f.ctx, po); len(ol) != 1 {
			t.Fatalf("b sees %d tokens", len(ol))
		}

		// Someone else's token is "not found" and keeps working.
		wantCode(t, "revoke someone else's", f.s.RevokeToken(f.ctx, po, tok.ID), apperr.NotFound, "")
		if _, err := f.s.TokenPrincipal(f.ctx, plain); err != nil {
			t.Fatal("a refused revoke stopped the token")
		}
		// Revoking stops it at once; twice is not found.
		if err := f.s.RevokeToken(f.ctx, p, tok.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.TokenPrincipal(f.ctx, plain)
		wantCode(t, "revoked token", err, apperr.Unauthenticated, "auth.bad_token")
		wantCode(t, "revoke twice", f.s.RevokeToken(f.ctx, p, tok.ID), apperr.NotFound, "")
		list, _ = f.s.ListTokens(f.ctx, p)
		for _, l := range list {
			if l.ID == tok.ID && l.RevokedMS == nil {
				t.Fatal("the list does not show the revocation")
			}
		}
		if n := f.count(`SELECT count(*) FROM audit_log WHERE entity = 'api_token' AND action = 'revoke'`); n != 1 {
			t.Fatalf("%d revoke audit rows", n)
		}
		for _, bad := range []string{"", "glv_", "glv_" + strings.Repeat("x", 40), "Bearer " + cli, cli[:len(cli)-1], cli + strings.Repeat("x", 100)} {
			_, err := f.s.TokenPrincipal(f.ctx, bad)
			wantCode(t, "bad token", err, apperr.Unauthenticated, "auth.bad_token")
		}
		// A disabled account's tokens stop working.
		f.exec(`UPDATE users SET disabled = ? WHERE id = ?`, true, other.ID)
		_, err = f.s.TokenPrincipal(f.ctx, cli)
		wantCode(t, "disabled account's token", err, apperr.Unauthenticated, "")
	})
}

func TestAccountRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		mk := func(email string, company int64, role access.Role, admin bool) error {
			_, err := f.s.CreateUser(f.ctx, nil, auth.UserInput{Email: email, Name: "某人", CompanyID: company, Role: string(role), Admin: admin, Password: pw})
			return err
		}
		// A customer account cannot be an administrator.
		wantField(t, "customer admin", mk("x1@example.cn", f.customer.ID, access.RoleCustomerPM, true), "admin", "auth.admin_vendor_only")
		// Roles belong to a side.
		wantField(t, "customer role at the vendor", mk("x2@example.cn", f.vendor.ID, access.RoleKeyUser, false), "role", "auth.role_side")
		wantField(t, "vendor role at a customer", mk("x3@example.cn", f.customer.ID, access.RolePM, false), "role", "auth.role_side")
		wantField(t, "admin role at a customer", mk("x4@example.cn", f.customer.ID, access.RoleAdmin, false), "role", "auth.role_side")
		wantField(t, "unknown role", mk("x5@example.cn", f.vendor.ID, "boss", false), "role", "validate.enum")
		wantField(t, "unknown company", mk("x6@example.cn", 999999, access.RolePM, false), "company_id", "validate.not_found")
		if n := f.count(`SELECT count(*) FROM users`); n != 0 {
			t.Fatalf("%d users written by refused creates", n)
		}
		if n := f.count(`SELECT count(*) FROM audit_log WHERE entity = 'user'`); n != 0 {
			t.Fatalf("%d audit rows for refused creates", n)
		}
		for _, ok := range []struct {
			company int64
			role    access.Role
			admin   bool
		}{{f.vendor.ID, access.RolePM, false}, {f.vendor.ID, access.RoleAdmin, true}, {f.customer.ID, access.RoleExecutive, false}} {
			if err := mk(string(ok.role)+"@example.cn", ok.company, ok.role, ok.admin); err != nil {
				t.Fatalf("%s: %v", ok.role, err)
			}
		}
		wantField(t, "e-mail taken", mk("PM@Example.cn", f.vendor.ID, access.RolePM, false), "email", "auth.email_taken")
		if n := f.count(`SELECT count(*) FROM audit_log WHERE entity = 'user' AND action = 'create'`); n != 3 {
			t.Fatalf("%d create audit rows for 3 users", n)
		}

		// Even if the database says so, a customer is never an administrator.
		f.exec(`UPDATE users SET is_admin = ? WHERE email = ?`, true, "executive@example.cn")
		_, p, err := f.login("executive@example.cn", pw, "192.0.2.1")
		if err != nil || p.Admin || p.Vendor || p.CanAdminister() {
			t.Fatalf("customer principal %+v %v", p, err)
		}
		// Only administrators create companies and accounts.
		_, pm, _ := f.login("pm@example.cn", pw, "192.0.2.1")
		_, err = f.s.CreateCompany(f.ctx, pm, auth.CompanyInput{Name: "新客户", Kind: "customer"})
		wantCode(t, "company by a PM", err, apperr.NotFound, "")
		_, err = f.s.CreateUser(f.ctx, p, auth.UserInput{Email: "y@example.cn", Name: "y", CompanyID: f.customer.ID, Role: "key_user", Password: pw})
		wantCode(t, "user by a customer", err, apperr.NotFound, "")
		_, admin, _ := f.login("admin@example.cn", pw, "192.0.2.1")
		if _, err := f.s.CreateCompany(f.ctx, admin, auth.CompanyInput{Name: "新客户", Kind: "customer"}); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.CreateCompany(f.ctx, admin, auth.CompanyInput{Name: "第二个实施方", Kind: "vendor"})
		wantField(t, "second vendor", err, "kind", "auth.vendor_exists")
		// A customer sees only their own company and colleagues.
		cos, err := f.s.ListCompanies(f.ctx, p)
		if err != nil || len(cos) != 1 || cos[0].ID != f.customer.ID {
			t.Fatalf("customer's companies %+v %v", cos, err)
		}
		us, err := f.s.ListUsers(f.ctx, p, f.vendor.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range us {
			if u.CompanyID != f.customer.ID {
				t.Fatalf("customer sees %s of company %d", u.Email, u.CompanyID)
			}
		}
		if _, err := f.s.GetCompany(f.ctx, p, f.vendor.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("customer reading the vendor company: %v", err)
		}
	})
}
