package work

import (
	"bytes"
	"html"
	"strconv"
)

// writeHTML renders one board card. Cards are the board's hot path (a
// large board has hundreds, a full one thousands), and html/template spent
// ~200 allocations on each; this writes the same markup directly. Every
// value that is not a number goes through html.EscapeString, in text and
// in (always double-quoted) attributes alike.
func (v cardView) writeHTML(b *bytes.Buffer) {
	c := v.C
	esc := func(s string) { b.WriteString(html.EscapeString(s)) }
	num := func(n int64) { b.WriteString(strconv.FormatInt(n, 10)) }
	href := func() {
		b.WriteString(`/projects/`)
		num(v.L.ProjectID)
		b.WriteString(`/tasks/`)
		num(c.ID)
	}
	b.WriteString(`<article class="card-item prio-`)
	esc(c.Priority)
	if c.Overdue {
		b.WriteString(` overdue`)
	}
	b.WriteString(`" id="card-`)
	num(c.ID)
	b.WriteString(`" data-id="`)
	num(c.ID)
	b.WriteString(`" data-version="`)
	num(c.Version)
	b.WriteString(`" data-status="`)
	esc(c.Status)
	b.WriteString(`" data-rank="`)
	esc(v.Rank)
	b.WriteString(`" data-lane="`)
	esc(v.Lane)
	b.WriteString(`"><div class="card-top"><a class="card-no mono" href="`)
	href()
	b.WriteString(`">#`)
	num(c.Number)
	b.WriteString(`</a>`)
	if c.Priority != "normal" {
		b.WriteString(` <span class="badge prio `)
		esc(c.Priority)
		b.WriteString(`">`)
		esc(v.L.Priority[c.Priority])
		b.WriteString(`</span>`)
	}
	if v.L.ShowVisible && c.CustomerVisible {
		b.WriteString(` <span class="badge blue">`)
		esc(v.L.Visible)
		b.WriteString(`</span>`)
	}
	b.WriteString(`</div><a class="card-title" href="`)
	href()
	b.WriteString(`">`)
	esc(c.Title)
	b.WriteString(`</a>`)
	if len(c.Labels) > 0 {
		b.WriteString(`<div class="card-labels">`)
		for _, l := range c.Labels {
			b.WriteString(`<span class="label">`)
			esc(l)
			b.WriteString(`</span>`)
		}
		b.WriteString(`</div>`)
	}
	b.WriteString(`<div class="card-meta">`)
	if c.DueDate != "" {
		if c.Overdue {
			b.WriteString(`<span class="due late">`)
			esc(v.L.Overdue)
			b.WriteString(` `)
		} else {
			b.WriteString(`<span class="due">`)
		}
		esc(c.DueDate)
		b.WriteString(`</span>`)
	}
	if c.CheckTotal > 0 {
		b.WriteString(`<span class="check" title="`)
		esc(v.L.Checklist)
		b.WriteString(`">☑ `)
		num(int64(c.CheckDone))
		b.WriteString(`/`)
		num(int64(c.CheckTotal))
		b.WriteString(`</span>`)
	}
	b.WriteString(`<span class="people">`)
	for _, p := range c.Assignees {
		b.WriteString(`<span class="avatar" title="`)
		esc(p.Name)
		b.WriteString(`">`)
		esc(Initials(p.Name))
		b.WriteString(`</span>`)
	}
	b.WriteString(`</span></div></article>`)
}
