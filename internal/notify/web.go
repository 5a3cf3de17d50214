package notify

import (
	"html/template"
	"net/http"
	"strings"

	"golive/internal/db"
	"golive/internal/web"
)

// Web holds the notification pages and API handlers.
type Web struct{ svc *Service }

func NewWeb(s *Service) *Web { return &Web{svc: s} }

type listPage struct {
	web.Base
	Items      []Notification
	UnreadOnly bool
	Pager      web.Pager
	Total      int
}

// Page is /notifications: unread by default, ?all=1 for every one.
func (h *Web) Page(c *web.Ctx) error {
	unread := c.R.URL.Query().Get("all") == ""
	page := c.PageParam(30, 200)
	items, total, err := h.svc.List(c.Context(), c.P, c.Lang, unread, page)
	if err != nil {
		return err
	}
	vm := listPage{Base: c.Base("notify.title"), Items: items, UnreadOnly: unread, Pager: c.NewPager(page, total), Total: total}
	vm.Section = "notifications"
	vm.Crumbs = []web.Crumb{{Label: vm.Title}}
	return c.Render(http.StatusOK, "notify/notifications.html", vm)
}

// Open marks a notification read and goes where it points, so following
// a notification is one click.
func (h *Web) Open(c *web.Ctx) error {
	id, err := c.PathID("nid")
	if err != nil {
		return err
	}
	n, err := h.svc.Get(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	if err := h.svc.MarkRead(c.Context(), c.P, id); err != nil {
		return err
	}
	return c.Redirect(safeLink(n.Link))
}

// safeLink keeps redirects inside golive whatever a writer stored.
func safeLink(l string) string {
	if !strings.HasPrefix(l, "/") || strings.HasPrefix(l, "//") || strings.HasPrefix(l, "/\\") {
		return "/notifications"
	}
	return l
}

func (h *Web) ReadAll(c *web.Ctx) error {
	if _, err := h.svc.MarkAllRead(c.Context(), c.P); err != nil {
		return err
	}
	c.Flash("notify.all_read")
	return c.Redirect("/notifications")
}

// SavePrefs is the settings page's e-mail form.
func (h *Web) SavePrefs(c *web.Ctx) error {
	if err := c.Form(); err != nil {
		return err
	}
	in := PrefsInput{Email: c.FormValue("email") == "1"}
	in.Version = parseInt(c.FormValue("version"))
	if _, err := h.svc.SetPrefs(c.Context(), c.P, in); err != nil {
		return err
	}
	c.Flash("notify.prefs_saved")
	return c.Redirect("/settings")
}

func parseInt(s string) int64 {
	var n int64
	for _, r := range s {
		if r < '0' || r > '9' || n > 1<<40 {
			return -1
		}
		n = n*10 + int64(r-'0')
	}
	return n
}

type prefsView struct {
	web.Base
	Prefs   Prefs
	Enabled bool
}

// SettingsSection renders the e-mail preference for the settings page.
func (h *Web) SettingsSection(c *web.Ctx) template.HTML {
	pr, err := h.svc.GetPrefs(c.Context(), c.P)
	if err != nil {
		return ""
	}
	out, err := c.Fragment("notify/_prefs.html", prefsView{Base: web.Base{Lang: c.Lang, User: c.P}, Prefs: pr, Enabled: h.svc.MailEnabled()})
	if err != nil {
		return ""
	}
	return out
}

// ----- API -----

// Count is the unread badge as JSON.
type Count struct {
	Unread int `json:"unread"`
}

// Marked says how many notifications were marked read.
type Marked struct {
	Marked int64 `json:"marked"`
}

func (h *Web) APIList(c *web.Ctx) error {
	unread := c.R.URL.Query().Get("unread") == "1" || c.R.URL.Query().Get("unread") == "true"
	page := c.PageParam(30, 200)
	items, total, err := h.svc.List(c.Context(), c.P, c.Lang, unread, page)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, web.NewPaged(items, total, page))
}

func (h *Web) APICount(c *web.Ctx) error {
	return c.JSON(http.StatusOK, Count{Unread: h.svc.UnreadCount(c.Context(), c.P)})
}

func (h *Web) APIRead(c *web.Ctx) error {
	id, err := c.PathID("nid")
	if err != nil {
		return err
	}
	if err := h.svc.MarkRead(c.Context(), c.P, id); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Web) APIReadAll(c *web.Ctx) error {
	n, err := h.svc.MarkAllRead(c.Context(), c.P)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, Marked{Marked: n})
}

func (h *Web) APIGetPrefs(c *web.Ctx) error {
	pr, err := h.svc.GetPrefs(c.Context(), c.P)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pr)
}

func (h *Web) APISetPrefs(c *web.Ctx) error {
	var in PrefsInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	pr, err := h.svc.SetPrefs(c.Context(), c.P, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pr)
}

// Export is the caller's notifications (the filter of the page) as a workbook.
func (h *Web) Export(c *web.Ctx) error {
	unread := c.R.URL.Query().Get("all") == ""
	items, _, err := h.svc.List(c.Context(), c.P, c.Lang, unread, db.Page{Number: 1, Size: 5000})
	if err != nil {
		return err
	}
	cols := []web.Column{{Header: c.T("notify.col.at"), Kind: web.ColDateTime}, {Header: c.T("notify.title"), Kind: web.ColText, Width: 80},
		{Header: c.T("notify.col.link"), Kind: web.ColText, Width: 40}, {Header: c.T("notify.col.read"), Kind: web.ColDateTime}}
	i := 0
	next := func() ([]any, bool, error) {
		if i >= len(items) {
			return nil, false, nil
		}
		n := items[i]
		i++
		return []any{n.CreatedMS, n.Text, n.Link, n.ReadMS}, true, nil
	}
	return web.ServeXLSX(c.W, c.T("notify.title")+".xlsx", c.T("notify.title"), cols, next)
}
