package audit

import (
	"context"
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"strconv"
	"time"

	"golive/internal/apperr"
	"golive/internal/web"
)

//go:embed views/*.html
var viewFS embed.FS

// Views returns the module's templates.
func Views() fs.FS { v, _ := fs.Sub(viewFS, "views"); return v }

func filterFrom(c *web.Ctx) (Filter, error) {
	q := c.R.URL.Query()
	f := Filter{Entity: q.Get("entity"), Action: q.Get("action")}
	f.ProjectID, _ = strconv.ParseInt(q.Get("project_id"), 10, 64)
	f.ActorID, _ = strconv.ParseInt(q.Get("actor_id"), 10, 64)
	for name, dst := range map[string]*int64{"from": &f.FromMS, "to": &f.ToMS} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", v, web.China)
		if err != nil {
			return f, apperr.InvalidField(name, "validate.date")
		}
		if name == "to" {
			t = t.AddDate(0, 0, 1)
		}
		*dst = t.UnixMilli()
	}
	return f, nil
}

type logPage struct {
	web.Base
	Rows  []Row
	Pager web.Pager
	Q     map[string]string
}

// Page is the administrators' audit log.
func (s *Service) Page(c *web.Ctx) error {
	if !c.P.CanAdminister() {
		return apperr.NotFoundErr()
	}
	f, err := filterFrom(c)
	if err != nil {
		return err
	}
	page := c.PageParam(50, 200)
	rows, total, err := s.List(c.Context(), c.P, f, page)
	if err != nil {
		return err
	}
	q := c.R.URL.Query()
	vm := logPage{Base: c.Base("audit.title"), Rows: rows, Pager: c.NewPager(page, total),
		Q: map[string]string{"entity": q.Get("entity"), "action": q.Get("action"), "from": q.Get("from"), "to": q.Get("to"), "project_id": q.Get("project_id"), "raw": q.Encode()}}
	vm.Section = "audit"
	vm.Crumbs = []web.Crumb{{Label: vm.Title}}
	return c.Render(http.StatusOK, "audit/log.html", vm)
}

// Export streams the filtered log as .xlsx.
func (s *Service) Export(c *web.Ctx) error {
	if !c.P.CanAdminister() {
		return apperr.NotFoundErr()
	}
	f, err := filterFrom(c)
	if err != nil {
		return err
	}
	cols := []web.Column{
		{Header: c.T("audit.col.id"), Kind: web.ColInt}, {Header: c.T("audit.col.at"), Kind: web.ColDateTime},
		{Header: c.T("audit.col.actor"), Kind: web.ColText}, {Header: c.T("audit.col.project"), Kind: web.ColInt},
		{Header: c.T("audit.col.entity"), Kind: web.ColText}, {Header: c.T("audit.col.entity_id"), Kind: web.ColInt},
		{Header: c.T("audit.col.action"), Kind: web.ColText}, {Header: c.T("audit.col.summary"), Kind: web.ColText, Width: 30},
		{Header: c.T("audit.col.changes"), Kind: web.ColText, Width: 60}, {Header: c.T("audit.col.request"), Kind: web.ColText},
	}
	// Keyset pagination over the log keeps memory flat for any size.
	var buf []Row
	before := int64(1 << 62)
	done := false
	next := func() ([]any, bool, error) {
		if len(buf) == 0 && !done {
			var err error
			buf, err = s.page(c.Context(), f, before, 500)
			if err != nil {
				return nil, false, err
			}
			done = len(buf) < 500
			if len(buf) > 0 {
				before = buf[len(buf)-1].ID
			}
		}
		if len(buf) == 0 {
			return nil, false, nil
		}
		r := buf[0]
		buf = buf[1:]
		changes, _ := json.Marshal(r.Changes)
		var pid any
		if r.ProjectID != nil {
			pid = *r.ProjectID
		}
		return []any{r.ID, r.AtMS, r.ActorName, pid, r.Entity, r.EntityID, r.Action, r.Summary, string(changes), r.RequestID}, true, nil
	}
	name := c.T("audit.title") + "-" + time.Now().In(web.China).Format("2006-01-02") + ".xlsx"
	return web.ServeXLSX(c.W, name, c.T("audit.title"), cols, next)
}

// page returns up to n rows with id < beforeID, newest first.
func (s *Service) page(ctx context.Context, f Filter, beforeID int64, n int) ([]Row, error) {
	where, args := f.where(true)
	rows, err := s.db.Query(ctx, `SELECT `+rowCols+` FROM audit_log WHERE `+where+` AND id < ? ORDER BY id DESC LIMIT ?`, append(args, beforeID, n)...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		r, err := scan(rows, true)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		out = append(out, r)
	}
	return out, apperr.Wrap(rows.Err())
}

// API is GET /api/v1/audit.
func (s *Service) API(c *web.Ctx) error {
	if !c.P.CanAdminister() {
		return apperr.NotFoundErr() // before the filter: a non-administrator learns nothing
	}
	f, err := filterFrom(c)
	if err != nil {
		return err
	}
	page := c.PageParam(50, 500)
	rows, total, err := s.List(c.Context(), c.P, f, page)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, web.NewPaged(rows, total, page))
}
