// Package trash is soft delete's other half, built once: modules register
// a Source for each kind of row they soft-delete, and one page and one API
// list what the caller may restore and restore it through the module's own
// service (so its permission check and audit row apply).
package trash

import (
	"context"
	"embed"
	"io/fs"
	"net/http"
	"sort"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/web"
)

// Item is one deleted row.
type Item struct {
	Kind      string `json:"kind"`
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	Context   string `json:"context"` // e.g. the project it belonged to
	DeletedMS int64  `json:"deleted_ms"`
}

// Source is implemented by each module for each deletable kind.
type Source interface {
	Deleted(ctx context.Context, p *access.Principal) ([]Item, error)
	Restore(ctx context.Context, p *access.Principal, id int64) error
}

// Service aggregates the registered sources.
type Service struct {
	sources map[string]Source
}

func NewService() *Service { return &Service{sources: map[string]Source{}} }

// Register adds a kind ("project", "task", …); done at start-up.
func (s *Service) Register(kind string, src Source) { s.sources[kind] = src }

// List returns everything the caller may restore, newest first.
func (s *Service) List(ctx context.Context, p *access.Principal) ([]Item, error) {
	out := []Item{}
	for kind, src := range s.sources {
		items, err := src.Deleted(ctx, p)
		if err != nil {
			return nil, err
		}
		for i := range items {
			items[i].Kind = kind
		}
		out = append(out, items...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].DeletedMS > out[j].DeletedMS })
	return out, nil
}

// Restore puts one row back.
func (s *Service) Restore(ctx context.Context, p *access.Principal, kind string, id int64) error {
	src, ok := s.sources[kind]
	if !ok {
		return apperr.NotFoundErr()
	}
	return src.Restore(ctx, p, id)
}

//go:embed views/*.html
var viewFS embed.FS

// Views returns the module's templates.
func Views() fs.FS { v, _ := fs.Sub(viewFS, "views"); return v }

type page struct {
	web.Base
	Items []Item
}

// Page shows the trash.
func (s *Service) Page(c *web.Ctx) error {
	items, err := s.List(c.Context(), c.P)
	if err != nil {
		return err
	}
	vm := page{Base: c.Base("trash.title"), Items: items}
	vm.Section = "trash"
	vm.Crumbs = []web.Crumb{{Label: vm.Title}}
	return c.Render(http.StatusOK, "trash/list.html", vm)
}

// RestoreForm restores from the page.
func (s *Service) RestoreForm(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := s.Restore(c.Context(), c.P, c.R.PathValue("kind"), id); err != nil {
		return err
	}
	c.Flash("trash.restored")
	return c.Redirect("/trash")
}

// APIList is GET /api/v1/trash.
func (s *Service) APIList(c *web.Ctx) error {
	items, err := s.List(c.Context(), c.P)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, items)
}

// APIRestore is POST /api/v1/trash/{kind}/{id}/restore.
func (s *Service) APIRestore(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := s.Restore(c.Context(), c.P, c.R.PathValue("kind"), id); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}
