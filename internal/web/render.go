package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/i18n"
	"golive/internal/money"
)

//go:embed static all:templates
var embedded embed.FS

// China keeps one offset all year, so a fixed zone needs no tzdata.
var China = time.FixedZone("CST", 8*3600)

// Views parses page templates at start-up (or on every request with
// --dev) and serves static assets under content-hashed URLs.
type Views struct {
	dev     bool
	devRoot string // repository root when dev is on
	sources []viewSource
	mu      sync.RWMutex
	pages   map[string]*template.Template
	assets  map[string]string // file name -> short content hash
	static  fs.FS
}

type viewSource struct {
	prefix  string
	fsys    fs.FS
	devPath string // path relative to the repository root
}

// NewViews prepares the platform templates. With dev set, templates and
// static files are read from devRoot on disk so edits show on reload.
func NewViews(dev bool, devRoot string) *Views {
	v := &Views{dev: dev, devRoot: devRoot}
	st, _ := fs.Sub(embedded, "static")
	tpl, _ := fs.Sub(embedded, "templates")
	if dev {
		st = os.DirFS(path.Join(devRoot, "internal/web/static"))
	}
	v.static = st
	v.Add("web", tpl, "internal/web/templates")
	return v
}

// Add registers a module's templates under a prefix ("project").
func (v *Views) Add(prefix string, fsys fs.FS, devPath string) {
	v.sources = append(v.sources, viewSource{prefix: prefix, fsys: fsys, devPath: devPath})
}

// Load parses everything; called once at start-up so a broken template
// stops the process before it serves anyone.
func (v *Views) Load() error {
	assets, err := hashAssets(v.static)
	if err != nil {
		return err
	}
	pages, err := v.parse()
	if err != nil {
		return err
	}
	v.mu.Lock()
	v.assets, v.pages = assets, pages
	v.mu.Unlock()
	return nil
}

func hashAssets(fsys fs.FS) (map[string]string, error) {
	out := map[string]string{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		out[p] = hex.EncodeToString(h[:5])
		return nil
	})
	return out, err
}

func (v *Views) source(s viewSource) fs.FS {
	if v.dev {
		return os.DirFS(path.Join(v.devRoot, s.devPath))
	}
	return s.fsys
}

func (v *Views) funcs() template.FuncMap {
	return template.FuncMap{
		"asset":      v.assetURL,
		"money":      money.Format,
		"plainMoney": money.Plain,
		"datetime": func(ms int64) string {
			if ms == 0 {
				return ""
			}
			return time.UnixMilli(ms).In(China).Format("2006-01-02 15:04")
		},
		"dateOf": func(ms int64) string {
			if ms == 0 {
				return ""
			}
			return time.UnixMilli(ms).In(China).Format("2006-01-02")
		},
		"deref": func(p *int64) int64 {
			if p == nil {
				return 0
			}
			return *p
		},
		// change shows one audited value: JSON decoding makes every number a
		// float64, which would print as 8.888888e+06; money (*_minor, in
		// fen) is shown as ¥88,888.88.
		"change": func(field string, v any) string {
			if n, ok := v.(float64); ok {
				if strings.HasSuffix(field, "_minor") {
					return money.Format(int64(math.Round(n)))
				}
				return strconv.FormatFloat(n, 'f', -1, 64)
			}
			if v == nil {
				return ""
			}
			return fmt.Sprint(v)
		},
		"pct": func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
		"add": func(a, b int) int { return a + b },
		"query": func(kv ...any) template.URL {
			q := url.Values{}
			for i := 0; i+1 < len(kv); i += 2 {
				if s := fmt.Sprint(kv[i+1]); s != "" && s != "0" {
					q.Set(fmt.Sprint(kv[i]), s)
				}
			}
			if len(q) == 0 {
				return ""
			}
			return template.URL("?" + q.Encode())
		},
	}
}

// parse builds one template set per page: the platform layout and
// partials, the module's fragments ("_*.html"), and the page itself.
func (v *Views) parse() (map[string]*template.Template, error) {
	base := template.New("").Funcs(v.funcs())
	platform := v.source(v.sources[0])
	if _, err := base.ParseFS(platform, "_*.html"); err != nil {
		return nil, fmt.Errorf("platform templates: %w", err)
	}
	pages := map[string]*template.Template{}
	for _, src := range v.sources {
		fsys := v.source(src)
		names, err := fs.Glob(fsys, "*.html")
		if err != nil {
			return nil, err
		}
		modBase := base
		var frags []string
		for _, n := range names {
			if strings.HasPrefix(n, "_") {
				frags = append(frags, n)
			}
		}
		if src.prefix != "web" && len(frags) > 0 {
			modBase = template.Must(base.Clone())
			if _, err := modBase.ParseFS(fsys, frags...); err != nil {
				return nil, fmt.Errorf("%s fragments: %w", src.prefix, err)
			}
		}
		for _, n := range names {
			t := template.Must(modBase.Clone())
			if !strings.HasPrefix(n, "_") {
				if _, err := t.ParseFS(fsys, n); err != nil {
					return nil, fmt.Errorf("%s/%s: %w", src.prefix, n, err)
				}
			}
			pages[src.prefix+"/"+n] = t
		}
	}
	return pages, nil
}

func (v *Views) assetURL(name string) string {
	v.mu.RLock()
	h := v.assets[name]
	v.mu.RUnlock()
	return "/static/" + name + "?v=" + h
}

func (v *Views) lookup(name string) (*template.Template, error) {
	if v.dev {
		if err := v.Load(); err != nil {
			return nil, err
		}
	}
	v.mu.RLock()
	t := v.pages[name]
	v.mu.RUnlock()
	if t == nil {
		return nil, fmt.Errorf("no template %q", name)
	}
	return t, nil
}

// StaticHandler serves assets; a request carrying the current hash is
// cached for a year, anything else briefly.
func (v *Views) StaticHandler() http.Handler {
	fsrv := http.StripPrefix("/static/", http.FileServerFS(v.static))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		v.mu.RLock()
		h, ok := v.assets[name]
		v.mu.RUnlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.URL.Query().Get("v") == h {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		fsrv.ServeHTTP(w, r)
	})
}

// Base is embedded in every page's view model.
type Base struct {
	SwitcherOptions template.HTML
	Lang            i18n.Lang
	User            *access.Principal
	Title           string
	Flash           string
	Projects        []NavProject
	Project         *ProjectNav // the current project, for the sidebar
	Section         string      // active sidebar entry
	Crumbs          []Crumb
	Version         string
	Path            string
	Unread          int // unread notifications, for the header badge
	// notices computes the overview warnings of a project (see
	// OverviewNotices); nil outside a request.
	notices func(projectID int64) []Notice
}

// OverviewNotices returns the modules' warnings for the current project's
// overview page, nothing on any other page.
func (b Base) OverviewNotices() []Notice {
	if b.Project == nil || b.Section != "overview" || b.notices == nil {
		return nil
	}
	return b.notices(b.Project.ID)
}

// ProjectNav describes the current project in the sidebar.
type ProjectNav struct {
	ID    int64
	Code  string
	Name  string
	Items []NavItem
}

// NavItem is one entry of a project's module navigation.
type NavItem struct {
	Key  string // catalog key of the label
	Href string
	Name string // section name for highlighting
	// Needs, when set, is the action a member must have to see the entry.
	Needs access.Action
}

// Crumb is one breadcrumb.
type Crumb struct {
	Label string
	Href  string
}

// T translates in the page's language.
func (b Base) T(key string, args ...any) string { return i18n.T(b.Lang, key, args...) }

// Langs lists the languages for the switcher.
func (b Base) Langs() []i18n.Lang { return i18n.Langs }

// Base builds the common part of a page's view model.
func (c *Ctx) Base(titleKey string, args ...any) Base {
	b := Base{Lang: c.Lang, User: c.P, Title: c.T(titleKey, args...), Version: c.s.Version, Path: c.R.URL.Path}
	if ck, err := c.R.Cookie("flash"); err == nil {
		if msg, err := url.QueryUnescape(ck.Value); err == nil {
			b.Flash = msg
		}
		http.SetCookie(c.W, &http.Cookie{Name: "flash", Path: "/", MaxAge: -1})
	}
	if c.P != nil && c.s.nav != nil {
		b.Projects = c.s.nav(c.Context(), c.P)
		b.SwitcherOptions = c.switcherOptions(b.Projects)
	}
	if c.P != nil && c.s.unread != nil {
		b.Unread = c.s.unread(c.Context(), c.P)
	}
	if c.P != nil && len(c.s.notices) > 0 {
		b.notices = func(id int64) []Notice {
			var out []Notice
			for _, p := range c.s.notices {
				out = append(out, p(c, id)...)
			}
			return out
		}
	}
	return b
}

// Render writes a full page (or, for a fragment name "mod/_x.html", just
// the fragment) with status.
func (c *Ctx) Render(status int, name string, data any) error {
	t, err := c.s.views.lookup(name)
	if err != nil {
		return apperr.Wrap(err)
	}
	exec := "layout"
	if base := path.Base(name); strings.HasPrefix(base, "_") {
		exec = base
	}
	buf := renderBufs.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 1<<20 {
			buf.Reset()
			renderBufs.Put(buf)
		}
	}()
	if err := t.ExecuteTemplate(buf, exec, data); err != nil {
		return apperr.Wrap(err)
	}
	c.W.Header().Set("Content-Type", "text/html; charset=utf-8")
	c.W.WriteHeader(status)
	_, err = c.W.Write(buf.Bytes())
	return err
}

// renderBufs recycles the buffers pages are executed into (a page is
// built in memory so that a template error can still become an error
// page); a 50-row list would otherwise grow a new one on every request.
var renderBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// ErrorPage is the view model of 4xx/5xx pages.
type ErrorPage struct {
	Base
	Status  int
	Message string
}

func (s *Server) renderError(c *Ctx, status int, e *apperr.Error) {
	msg := i18n.T(c.Lang, e.Key, e.Args...)
	if len(e.Fields) > 0 {
		var parts []string
		for _, m := range translateFields(c.Lang, e) {
			parts = append(parts, m)
		}
		msg += " " + strings.Join(parts, "; ")
	}
	vm := ErrorPage{Base: c.Base("error.title." + fmt.Sprint(status)), Status: status, Message: msg}
	if c.HTMX() {
		// A fragment swap must not drop a whole page into a table cell:
		// answer with a toast-sized fragment and let htmx show it.
		c.W.Header().Set("HX-Retarget", "#toast")
		c.W.Header().Set("HX-Reswap", "innerHTML")
	}
	name := "web/error.html"
	if c.HTMX() {
		name = "web/_error.html"
	}
	if err := c.Render(status, name, vm); err != nil {
		c.W.Header().Set("Content-Type", "text/plain; charset=utf-8")
		c.W.WriteHeader(status)
		fmt.Fprintln(c.W, msg)
	}
}

// switcherOptions renders the project switcher's options, cached by their
// content: it is on every page and escaping it dominated small pages. The
// current project is selected by app.js from the URL.
func (c *Ctx) switcherOptions(ps []NavProject) template.HTML {
	var key strings.Builder
	for _, p := range ps {
		key.WriteString(strconv.FormatInt(p.ID, 10))
		key.WriteByte('\x00')
		key.WriteString(p.Code)
		key.WriteByte('\x00')
		key.WriteString(p.Name)
		key.WriteByte('\x01')
	}
	h, err := c.s.switcherCache.Get(c, key.String(), "web/_switcher.html", ps)
	if err != nil {
		c.s.log.Error("switcher", "err", err)
		return ""
	}
	return h
}

// Fragment executes a fragment template ("mod/_x.html") into a string, for
// handlers that compose or cache pieces of a page.
func (c *Ctx) Fragment(name string, data any) (template.HTML, error) {
	t, err := c.s.views.lookup(name)
	if err != nil {
		return "", apperr.Wrap(err)
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, path.Base(name), data); err != nil {
		return "", apperr.Wrap(err)
	}
	return template.HTML(b.String()), nil
}

// FragmentCache keeps rendered fragments by a key that the caller builds
// from everything the fragment shows (ids, versions, language, rights), so
// an entry can never be stale: a change makes a new key. It is bounded and
// simply starts over when full; every process has its own, which is safe
// because nothing but rendering work is saved.
type FragmentCache struct {
	mu  sync.RWMutex
	m   map[string]template.HTML
	max int
}

// NewFragmentCache holds at most max fragments.
func NewFragmentCache(max int) *FragmentCache {
	return &FragmentCache{m: make(map[string]template.HTML), max: max}
}

// Get renders name with data unless key is cached.
func (fc *FragmentCache) Get(c *Ctx, key, name string, data any) (template.HTML, error) {
	fc.mu.RLock()
	h, ok := fc.m[key]
	fc.mu.RUnlock()
	if ok && !c.s.views.dev {
		return h, nil
	}
	h, err := c.Fragment(name, data)
	if err != nil {
		return "", err
	}
	fc.mu.Lock()
	if len(fc.m) >= fc.max {
		fc.m = make(map[string]template.HTML, fc.max)
	}
	fc.m[key] = h
	fc.mu.Unlock()
	return h, nil
}
