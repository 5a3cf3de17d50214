// Package web is the HTTP layer shared by every module: the route list,
// the request context handed to handlers, rendering of full pages and htmx
// fragments, JSON and form decoding, error mapping, and middleware.
//
// Handlers return errors; one function (writeError) maps apperr codes to
// HTTP statuses for pages and for the API, so no handler decides a status
// for a failure on its own.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/i18n"
)

// Handler answers one request.
type Handler func(c *Ctx) error

// Ctx is what a handler works with.
type Ctx struct {
	W    http.ResponseWriter
	R    *http.Request
	P    *access.Principal // nil on public routes without a session
	Lang i18n.Lang
	API  bool
	s    *Server
}

func (c *Ctx) Context() context.Context { return c.R.Context() }

// T translates a key in the caller's language.
func (c *Ctx) T(key string, args ...any) string { return i18n.T(c.Lang, key, args...) }

// HTMX reports a request made by htmx (answer with a fragment).
func (c *Ctx) HTMX() bool { return c.R.Header.Get("HX-Request") == "true" }

// PathID parses a numeric path value; a malformed id is simply not found.
func (c *Ctx) PathID(name string) (int64, error) {
	id, err := strconv.ParseInt(c.R.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.NotFoundErr()
	}
	return id, nil
}

// QueryInt reads a positive integer query parameter, def when absent or bad.
func (c *Ctx) QueryInt(name string, def int) int {
	v, err := strconv.Atoi(c.R.URL.Query().Get(name))
	if err != nil || v < 0 {
		return def
	}
	return v
}

// JSON writes v with status.
func (c *Ctx) JSON(status int, v any) error {
	c.W.Header().Set("Content-Type", "application/json; charset=utf-8")
	c.W.WriteHeader(status)
	return json.NewEncoder(c.W).Encode(v)
}

// Redirect answers a form post: htmx follows HX-Redirect, browsers 303.
func (c *Ctx) Redirect(to string) error {
	if c.HTMX() {
		c.W.Header().Set("HX-Redirect", to)
		c.W.WriteHeader(http.StatusNoContent)
		return nil
	}
	http.Redirect(c.W, c.R, to, http.StatusSeeOther)
	return nil
}

// Flash stores a one-shot message shown on the next page.
func (c *Ctx) Flash(key string, args ...any) {
	msg := c.T(key, args...)
	http.SetCookie(c.W, &http.Cookie{Name: "flash", Value: url.QueryEscape(msg), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.R.TLS != nil, MaxAge: 60})
}

// FieldErrors translates the field messages of an invalid-input error;
// nil when err is not a field error.
func (c *Ctx) FieldErrors(err error) map[string]string {
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != apperr.Invalid || len(e.Fields) == 0 {
		return nil
	}
	return translateFields(c.Lang, e)
}

func translateFields(l i18n.Lang, e *apperr.Error) map[string]string {
	out := make(map[string]string, len(e.Fields))
	for f, key := range e.Fields {
		// A field the catalog does not know (an unknown JSON member the
		// client sent) is shown as sent rather than as a raw catalog key.
		label := f
		if i18n.Has("field." + f) {
			label = i18n.T(l, "field."+f)
		}
		out[f] = label + ": " + i18n.T(l, key, e.FieldArgs[f]...)
	}
	return out
}

// Status maps an error code to an HTTP status. The one place this is decided.
func Status(code apperr.Code) int {
	switch code {
	case apperr.Invalid:
		return http.StatusBadRequest
	case apperr.NotFound:
		return http.StatusNotFound
	case apperr.Forbidden:
		return http.StatusForbidden
	case apperr.Conflict:
		return http.StatusConflict
	case apperr.Unauthenticated:
		return http.StatusUnauthorized
	case apperr.TooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// ErrorBody is the API's error envelope.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

type ErrorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func (s *Server) writeError(c *Ctx, err error) {
	e := apperr.As(err)
	status := Status(e.Code)
	if status == http.StatusInternalServerError {
		s.log.Error("request failed", "err", err, "path", c.R.URL.Path, "method", c.R.Method, "request_id", RequestID(c.R.Context()))
	}
	if c.API {
		body := ErrorBody{Error: ErrorDetail{Code: string(e.Code), Message: i18n.T(c.Lang, e.Key, e.Args...)}}
		if len(e.Fields) > 0 {
			body.Error.Fields = translateFields(c.Lang, e)
		}
		if e.Code == apperr.Unauthenticated {
			c.W.Header().Set("WWW-Authenticate", `Bearer realm="golive"`)
		}
		_ = c.JSON(status, body)
		return
	}
	if e.Code == apperr.Unauthenticated {
		next := c.R.URL.RequestURI()
		if c.R.Method != http.MethodGet {
			next = "/"
		}
		to := "/login?next=" + url.QueryEscape(next)
		if c.HTMX() {
			c.W.Header().Set("HX-Redirect", to)
			c.W.WriteHeader(http.StatusUnauthorized)
			return
		}
		http.Redirect(c.W, c.R, to, http.StatusSeeOther)
		return
	}
	s.renderError(c, status, e)
}

// Route is one registered endpoint: the single list the authorization
// matrix test and the OpenAPI document are checked against.
type Route struct {
	Method string
	Path   string
	API    bool
	Public bool
	Doc    Doc
	// MaxBody overrides the server's body limit for uploads (0: default).
	MaxBody int64
	handler Handler
}

// Pattern is the ServeMux pattern.
func (r Route) Pattern() string { return r.Method + " " + r.Path }

// Doc describes an API route for the OpenAPI document.
type Doc struct {
	Summary string
	Tag     string
	In      any      // request body type (zero value), nil for none
	Out     any      // response body type (zero value), nil for 204
	Status  int      // success status, 200 by default
	Query   []string // documented query parameters
	Paged   bool     // Out is wrapped in a paging envelope
	Binary  string   // media type for non-JSON responses (Excel)
	// Upload documents a multipart/form-data body: these text fields, then
	// a binary "file" part (attachments).
	Upload []string
}

// Opt configures a route.
type Opt func(*Route)

// Public marks a route that needs no login.
func Public(r *Route) { r.Public = true }

// BodyLimit raises (or lowers) the body limit of one route, for uploads.
func BodyLimit(n int64) Opt { return func(r *Route) { r.MaxBody = n } }

// WithDoc attaches API documentation.
func WithDoc(d Doc) Opt { return func(r *Route) { r.Doc = d } }

// Page registers an HTML route.
func (s *Server) Page(pattern string, h Handler, opts ...Opt) {
	s.add(pattern, false, h, opts)
}

// API registers a JSON route.
func (s *Server) API(pattern string, h Handler, opts ...Opt) {
	s.add(pattern, true, h, opts)
}

func (s *Server) add(pattern string, api bool, h Handler, opts []Opt) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		panic("route without method: " + pattern)
	}
	rt := Route{Method: method, Path: path, API: api, handler: h}
	for _, o := range opts {
		o(&rt)
	}
	s.routes = append(s.routes, rt)
	s.mux.Handle(pattern, s.wrap(rt))
}

// Routes returns every registered route.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

// Handle mounts a plain http.Handler (static files, health, metrics).
func (s *Server) Handle(pattern string, h http.Handler) {
	method, path, _ := strings.Cut(pattern, " ")
	s.routes = append(s.routes, Route{Method: method, Path: path, Public: true})
	s.mux.Handle(pattern, h)
}

// Logger exposes the server's logger to modules.
func (s *Server) Logger() *slog.Logger { return s.log }

// CatchAll answers every unmatched path with the 404 page, or the JSON
// error for paths under /api/, instead of the mux's bare text.
func (s *Server) CatchAll() {
	page := s.wrap(Route{Public: true, handler: func(c *Ctx) error { return apperr.NotFoundErr() }})
	api := s.wrap(Route{Public: true, API: true, handler: func(c *Ctx) error { return apperr.NotFoundErr() }})
	s.mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			api.ServeHTTP(w, r)
			return
		}
		page.ServeHTTP(w, r)
	}))
}

// FormFailure decides how a failed form post is answered: field errors and
// a stale version re-render the form with what the user typed (400 / 409);
// ok is false for anything else, which the caller returns as an error page.
func (c *Ctx) FormFailure(err error) (fields map[string]string, conflict bool, status int, ok bool) {
	fields = c.FieldErrors(err)
	conflict = apperr.CodeOf(err) == apperr.Conflict && apperr.As(err).Key == "error.conflict"
	switch {
	case conflict:
		return fields, true, http.StatusConflict, true
	case fields != nil:
		return fields, false, http.StatusBadRequest, true
	}
	return nil, false, 0, false
}
