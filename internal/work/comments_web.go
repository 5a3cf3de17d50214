package work

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/discuss"
	"golive/internal/web"
)

// Comments, attachments and watchers on the task page. The thread itself
// belongs to the discuss platform service; app.go hands the work service a
// function that renders it, so the task page embeds it without knowing
// how it is built.

// DiscussionPanel renders an object's comments and attachments.
type DiscussionPanel func(c *web.Ctx, ref discuss.Ref) (template.HTML, error)

// SetDiscussion installs the task page's discussion renderer.
func (s *Service) SetDiscussion(p DiscussionPanel) { s.discussion = p }

// watchView is the watchers box of the task page.
type watchView struct {
	Watching  bool
	CanManage bool // PM or assignee: may add and remove others
	Others    []Option
	Error     string
}

// taskExtras fills the discussion and watchers of the task page.
func (h *Web) taskExtras(c *web.Ctx, vm *taskPage, m access.Membership) error {
	if h.svc.discussion != nil {
		d, err := h.svc.discussion(c, discuss.Ref{Kind: DiscussKind, ID: vm.Task.ID, ProjectID: vm.P.ID})
		if err != nil {
			return err
		}
		vm.Discussion = d
	}
	w := &vm.Watch
	for _, p := range vm.Task.Watchers {
		w.Watching = w.Watching || p.ID == c.P.UserID
	}
	assignee := false
	for _, a := range vm.Task.Assignees {
		assignee = assignee || a.ID == c.P.UserID
	}
	w.CanManage = c.P.Can(m, access.TaskDelete) || (assignee && c.P.Can(m, access.TaskEdit))
	if !w.CanManage {
		return nil
	}
	ms, err := h.svc.Members(c.Context(), c.P, vm.P.ID)
	if err != nil {
		return err
	}
	watching := map[int64]bool{}
	for _, p := range vm.Task.Watchers {
		watching[p.ID] = true
	}
	for _, mb := range ms {
		if watching[mb.UserID] || (!mb.Vendor && !vm.Task.CustomerVisible) {
			continue
		}
		w.Others = append(w.Others, Option{ID: mb.UserID, Name: mb.Name})
	}
	return nil
}

// Watch is the task page's watchers form: user_id empty means the caller;
// on=1 adds, anything else removes.
func (h *Web) Watch(c *web.Ctx) error {
	id, tid, err := ids(c)
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	uid := c.P.UserID
	if v := strings.TrimSpace(c.FormValue("user_id")); v != "" {
		if uid, err = strconv.ParseInt(v, 10, 64); err != nil || uid <= 0 {
			return apperr.InvalidField("user_id", "validate.required")
		}
	}
	if err := h.svc.SetWatching(c.Context(), c.P, id, tid, uid, c.FormValue("on") == "1"); err != nil {
		return err
	}
	return c.Redirect(taskLink(id, tid) + "#watchers")
}

// WatchInput adds (watching true) or removes a watcher; user_id 0 is the
// caller.
type WatchInput struct {
	UserID   int64 `json:"user_id"`
	Watching bool  `json:"watching"`
}

// Watchers is a task's watcher list after a change.
type Watchers struct {
	Watchers []Person `json:"watchers"`
}

// APIWatch changes a task's watchers.
func (a *API) Watch(c *web.Ctx) error {
	id, tid, err := ids(c)
	if err != nil {
		return err
	}
	var in WatchInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	if in.UserID == 0 {
		in.UserID = c.P.UserID
	}
	if err := a.svc.SetWatching(c.Context(), c.P, id, tid, in.UserID, in.Watching); err != nil {
		return err
	}
	t, _, err := a.svc.Get(c.Context(), c.P, id, tid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, Watchers{Watchers: t.Watchers})
}
