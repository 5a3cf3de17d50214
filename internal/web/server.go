package web

import (
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/i18n"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "golive_session"

// Authenticator turns credentials into a principal; the auth service
// implements it.
type Authenticator interface {
	SessionPrincipal(ctx context.Context, token string) (*access.Principal, error)
	TokenPrincipal(ctx context.Context, token string) (*access.Principal, error)
}

// Server holds the route list and everything handlers share.
type Server struct {
	mux           *http.ServeMux
	routes        []Route
	log           *slog.Logger
	auth          Authenticator
	views         *Views
	nav           NavProvider
	switcherCache *FragmentCache
	// projectNav is the module navigation shown inside a project.
	projectNav []NavItem
	Version    string
	// RequestContext lets platform services see the request id (the audit
	// log stamps it on rows) without the web layer importing them.
	RequestContext func(ctx context.Context, requestID string) context.Context
	// MaxBody bounds request bodies that handlers decode (JSON and forms).
	MaxBody int64
	// notices are the modules' providers of project overview warnings.
	notices []NoticeProvider
	// ----- notifications centre (notify): header badge, settings sections -----
	unread   func(ctx context.Context, p *access.Principal) int
	settings []func(c *Ctx) template.HTML
}

// SetUnread installs the header badge's count of unread notifications
// (the notify service provides it; the web layer knows no services).
func (s *Server) SetUnread(fn func(ctx context.Context, p *access.Principal) int) { s.unread = fn }

// AddSettingsSection adds a section to the personal settings page.
func (s *Server) AddSettingsSection(fn func(c *Ctx) template.HTML) {
	s.settings = append(s.settings, fn)
}

// SettingsSections renders the registered settings sections.
func (c *Ctx) SettingsSections() []template.HTML {
	out := make([]template.HTML, 0, len(c.s.settings))
	for _, fn := range c.s.settings {
		out = append(out, fn(c))
	}
	return out
}

// NoticeProvider returns warnings for the overview page of a project (A/B
// roles without a backup, a red health …). Modules register one at
// start-up; the layout shows them above the overview, so the project
// module needs to know none of them.
type NoticeProvider func(c *Ctx, projectID int64) []Notice

// Notice is one overview warning. Level is "red", "amber" or "info"; Href
// and Link (already translated) point to where it can be fixed.
type Notice struct {
	Level string
	Text  string
	Href  string
	Link  string
}

// AddOverviewNotices registers a provider of overview warnings.
func (s *Server) AddOverviewNotices(p NoticeProvider) { s.notices = append(s.notices, p) }

// NavProvider lists the projects in the sidebar's switcher; the project
// module provides it at start-up (the web layer knows no modules).
type NavProvider func(ctx context.Context, p *access.Principal) []NavProject

// NavProject is one entry of the project switcher.
type NavProject struct {
	ID   int64
	Code string
	Name string
}

// NewServer creates an empty server.
func NewServer(log *slog.Logger, auth Authenticator, views *Views, version string) *Server {
	return &Server{switcherCache: NewFragmentCache(5000), mux: http.NewServeMux(), log: log, auth: auth, views: views, Version: version, MaxBody: 1 << 20}
}

// AddProjectNav appends an entry to every project's module navigation.
// path is relative to the project ("" for its home, "/board" …); modules
// register their entries at start-up in app.go, in display order. needs,
// if given, is the action a member must have to be shown the entry, so
// nobody is offered a link that answers "not found".
func (s *Server) AddProjectNav(key, path, section string, needs ...access.Action) {
	it := NavItem{Key: key, Href: path, Name: section}
	if len(needs) > 0 {
		it.Needs = needs[0]
	}
	s.projectNav = append(s.projectNav, it)
}

// ProjectNav returns the module navigation of a project for the caller
// with membership m.
func (c *Ctx) ProjectNav(m access.Membership) []NavItem {
	base := "/projects/" + strconv.FormatInt(m.ProjectID, 10)
	out := make([]NavItem, 0, len(c.s.projectNav))
	for _, it := range c.s.projectNav {
		if it.Needs != "" && !c.P.Can(m, it.Needs) {
			continue
		}
		it.Href = base + it.Href
		out = append(out, it)
	}
	return out
}

// SetNav installs the project switcher provider.
func (s *Server) SetNav(n NavProvider) { s.nav = n }

// Handler returns the full middleware chain around the mux.
func (s *Server) Handler(metrics *Metrics) http.Handler {
	var h http.Handler = s.mux
	h = securityHeaders(h)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := i18n.Negotiate(r.Header.Get("Accept-Language"))
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintln(w, i18n.T(lang, "error.cross_origin"))
	}))
	h = cop.Handler(h)
	if metrics != nil {
		h = metrics.Middleware(h, func(r *http.Request) string { return r.Pattern })
	}
	h = AccessLog(s.log, h)
	return h
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// No inline script anywhere: every script is a static file.
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// wrap turns a Handler into an http.Handler: recover, authenticate, pick
// the language, bound the body, run, map errors.
func (s *Server) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &Ctx{W: w, R: r, API: rt.API, s: s}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "value", v, "stack", string(debug.Stack()), "request_id", RequestID(r.Context()))
				s.writeError(c, apperr.New(apperr.Internal, "error.internal"))
			}
		}()
		if id := RequestID(r.Context()); id != "" && s.RequestContext != nil {
			c.R = r.WithContext(s.RequestContext(r.Context(), id))
		}
		if r.Body != nil {
			limit := s.MaxBody
			if rt.MaxBody > 0 {
				limit = rt.MaxBody
			}
			c.R.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		c.P = s.authenticate(c)
		c.Lang = language(c.R, c.P)
		if !rt.Public && c.P == nil {
			s.writeError(c, apperr.New(apperr.Unauthenticated, "auth.login_required"))
			return
		}
		if err := checkQuery(c.R); err != nil {
			s.writeError(c, err)
			return
		}
		if err := rt.handler(c); err != nil {
			s.writeError(c, err)
		}
	})
}

func (s *Server) authenticate(c *Ctx) *access.Principal {
	if s.auth == nil {
		return nil
	}
	ctx := c.R.Context()
	if h := c.R.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil
		}
		p, err := s.auth.TokenPrincipal(ctx, strings.TrimSpace(tok))
		if err != nil {
			return nil
		}
		return p
	}
	ck, err := c.R.Cookie(SessionCookie)
	if err != nil {
		return nil
	}
	p, err := s.auth.SessionPrincipal(ctx, ck.Value)
	if err != nil {
		return nil
	}
	return p
}

// language: the account's preference, then the lang cookie (set by the
// switcher before login), then Accept-Language; Chinese by default.
func language(r *http.Request, p *access.Principal) i18n.Lang {
	if p != nil {
		if l := i18n.Parse(p.Locale); l != "" {
			return l
		}
	}
	if ck, err := r.Cookie("lang"); err == nil {
		if l := i18n.Parse(ck.Value); l != "" {
			return l
		}
	}
	return i18n.Negotiate(r.Header.Get("Accept-Language"))
}
