package web

import (
	"strconv"

	"golive/internal/db"
)

// Pager is the view model of the page links under a list.
type Pager struct {
	Page, Pages, Total int
	Prev, Next         string
}

// PageParam reads ?page= and ?per_page= from the request.
func (c *Ctx) PageParam(def, max int) db.Page {
	return db.Page{Number: c.QueryInt("page", 1), Size: c.QueryInt("per_page", def)}.Norm(def, max)
}

// NewPager builds links that keep the other query parameters.
func (c *Ctx) NewPager(p db.Page, total int) Pager {
	pages := (total + p.Size - 1) / p.Size
	if pages < 1 {
		pages = 1
	}
	link := func(n int) string {
		q := c.R.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return c.R.URL.Path + "?" + q.Encode()
	}
	pg := Pager{Page: p.Number, Pages: pages, Total: total}
	if p.Number > 1 {
		pg.Prev = link(p.Number - 1)
	}
	if p.Number < pages {
		pg.Next = link(p.Number + 1)
	}
	return pg
}

// Paged is the API's list envelope.
type Paged[T any] struct {
	Items   []T `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

// NewPaged never returns null items: an empty list is [].
func NewPaged[T any](items []T, total int, p db.Page) Paged[T] {
	if items == nil {
		items = []T{}
	}
	return Paged[T]{Items: items, Total: total, Page: p.Number, PerPage: p.Size}
}
