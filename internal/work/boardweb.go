package work

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"golive/internal/access"
	"golive/internal/live"
	"golive/internal/project"
	"golive/internal/web"
)

// cardLabels are the strings every card shares, translated once per page.
type cardLabels struct {
	Priority    map[string]string
	Overdue     string
	Visible     string
	Checklist   string
	ShowVisible bool
	ProjectID   int64
}

// cardView is one card as the template renders it.
type cardView struct {
	C    Card
	Lane string
	Rank string
	L    *cardLabels
}

type cellView struct {
	Status string
	Lane   string
	HTML   template.HTML // the cards, rendered by cardView.writeHTML
}

type laneView struct {
	Key   string
	Name  string
	Count int
	Cells []cellView
}

type columnView struct {
	Column
	Label    string
	MoreHref string // shows the whole column when cards are beyond the cap
}

type boardPage struct {
	web.Base
	P        project.Project
	Columns  []columnView
	Lanes    []laneView
	Swimlane string
	Filter   Filter
	Opts     filterOpts
	Query    string // the board's filter, for card fragments
	CanEdit  bool
	Total    int
}

func swimlaneOf(c *web.Ctx) string {
	switch v := c.R.URL.Query().Get("swimlane"); v {
	case LaneAssignee, LanePhase:
		return v
	}
	return LaneNone
}

func formatRank(r float64) string { return strconv.FormatFloat(r, 'g', -1, 64) }

// Board renders the kanban.
func (h *Web) Board(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	pr, m, err := h.svc.Project(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	f, err := filterOf(c)
	if err != nil {
		return err
	}
	f.Status = ""
	lane := swimlaneOf(c)
	expand := map[string]bool{}
	for _, v := range c.R.URL.Query()["more"] {
		expand[v] = true
	}
	// The columns of a board are the same for every viewer of the same
	// kind (customer or vendor) in one language with the same filter, and
	// stay so until the project changes: they are kept in the read cache.
	day := todayStr()
	internal := c.P.Can(m, access.InternalView)
	key := "board|" + pid(id) + "|" + strconv.FormatBool(internal) + "|" + string(c.Lang) + "|" + day + "|" + c.R.URL.RawQuery
	var r boardRender
	if v, ok := h.svc.cache.get(id, key); ok {
		r = v.(boardRender)
	} else {
		st := h.svc.cache.stamp(id)
		b, err := h.svc.Board(c.Context(), c.P, id, f, lane, day, expand)
		if err != nil {
			return err
		}
		r = h.renderBoard(c, m, id, b, lane)
		h.svc.cache.put(id, key, st, r)
	}
	l := newLabels(c, r.statuses)
	vm := boardPage{Base: project.ProjectBase(c, pr, "board", "work.board"), P: pr, Swimlane: lane, Filter: f,
		Query: filterQuery(f, "swimlane", lane), CanEdit: c.P.Can(m, access.TaskEdit), Total: r.total, Columns: r.columns, Lanes: r.lanes}
	if vm.Opts, err = h.filterOpts(c, id, r.statuses, l); err != nil {
		return err
	}
	return c.Render(http.StatusOK, "work/board.html", vm)
}

// boardRender is the part of a board page that the read cache keeps.
type boardRender struct {
	statuses []Status
	columns  []columnView
	lanes    []laneView
	total    int
}

func (h *Web) renderBoard(c *web.Ctx, m access.Membership, id int64, b Board, lane string) boardRender {
	r := boardRender{total: b.Total, statuses: make([]Status, len(b.Columns))}
	for i, col := range b.Columns {
		r.statuses[i] = col.Status
	}
	l := newLabels(c, r.statuses)
	cl := h.cardLabels(c, m, id)
	for _, col := range b.Columns {
		cv := columnView{Column: col, Label: l.statusName(col.Status.Key)}
		if col.Hidden > 0 {
			q := c.R.URL.Query()
			q.Add("more", col.Status.Key)
			cv.MoreHref = "/projects/" + pid(id) + "/board?" + q.Encode()
		}
		r.columns = append(r.columns, cv)
	}
	r.lanes = make([]laneView, len(b.Lanes))
	var buf bytes.Buffer
	for i, ln := range b.Lanes {
		lv := laneView{Key: ln.Key, Name: ln.Name, Count: ln.Count, Cells: make([]cellView, len(ln.Cells))}
		if lv.Name == "" {
			switch lane {
			case LaneAssignee:
				lv.Name = c.T("work.unassigned")
			case LanePhase:
				lv.Name = c.T("work.no_phase")
			}
		}
		for j, cell := range ln.Cells {
			buf.Reset()
			for _, card := range cell {
				cardView{C: card, Lane: ln.Key, Rank: formatRank(card.Rank), L: cl}.writeHTML(&buf)
			}
			lv.Cells[j] = cellView{Status: r.statuses[j].Key, Lane: ln.Key, HTML: template.HTML(buf.String())}
		}
		r.lanes[i] = lv
	}
	return r
}

func (h *Web) cardLabels(c *web.Ctx, m access.Membership, projectID int64) *cardLabels {
	cl := &cardLabels{Priority: map[string]string{}, Overdue: c.T("work.overdue"), Visible: c.T("work.customer_visible_badge"),
		Checklist: c.T("field.checklist"), ShowVisible: c.P.Can(m, access.InternalView), ProjectID: projectID}
	for _, p := range Priorities {
		cl.Priority[p] = c.T("work.priority." + p)
	}
	return cl
}

// Card answers one card for the board's live updates, read with the
// viewer's permissions and the board's filter: the card's HTML, or 204
// when it no longer belongs on this viewer's board (filtered away). A card
// the viewer may not see is 404. The column counts travel in a header so
// the WIP warnings stay right.
func (h *Web) Card(c *web.Ctx) error {
	id, tid, err := ids(c)
	if err != nil {
		return err
	}
	m, _, err := h.svc.access(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	f, err := filterOf(c)
	if err != nil {
		return err
	}
	card, match, err := h.svc.Card(c.Context(), c.P, id, tid, f, todayStr())
	if err != nil {
		return err
	}
	counts, err := h.svc.ColumnCounts(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(counts)
	c.W.Header().Set("X-Board-Counts", string(b))
	c.W.Header().Set("Cache-Control", "no-store")
	if !match {
		c.W.WriteHeader(http.StatusNoContent)
		return nil
	}
	var buf bytes.Buffer
	cardView{C: card, Lane: card.Lane(swimlaneOf(c)), Rank: formatRank(card.Rank), L: h.cardLabels(c, m, id)}.writeHTML(&buf)
	c.W.Header().Set("Content-Type", "text/html; charset=utf-8")
	c.W.WriteHeader(http.StatusOK)
	_, err = c.W.Write(buf.Bytes())
	return err
}

// streamRecheck is how often an open stream re-checks that its viewer
// may still see the project (a member removed, a project deleted).
var streamRecheck = 25 * time.Second

// Events is the board's server-sent event stream. Notices carry ids and
// versions only; the page then fetches the card with its own permissions.
// For a viewer who sees only customer-visible tasks, notices about tasks
// that were never visible to customers are dropped, and a task that
// stopped being visible arrives as "gone".
func (h *Web) Events(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	_, internal, err := h.svc.access(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	if !live.WantsStream(c.R) {
		// Not an EventSource: answer with an empty stream that ends at
		// once rather than hold the connection forever.
		_, err := live.StartStream(c.W, 2000)
		return err
	}
	ctx := c.Context()
	events := h.svc.live.Subscribe(ctx, Topic(id))
	st, err := live.StartStream(c.W, 2000)
	if err != nil {
		return nil
	}
	if err := st.Send("ready", nil); err != nil {
		return nil
	}
	tick := time.NewTicker(streamRecheck)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case e, ok := <-events:
			if !ok {
				return nil
			}
			name, data, send := filterNotice(e, internal)
			if !send {
				continue
			}
			if err := st.Send(name, data); err != nil {
				return nil
			}
		case <-tick.C:
			if _, _, err := h.svc.access(ctx, c.P, id); err != nil {
				_ = st.Send("denied", nil)
				return nil
			}
			if err := st.Ping(); err != nil {
				return nil
			}
		}
	}
}

// filterNotice decides what a viewer's stream carries of a notice.
func filterNotice(e live.Event, internal bool) (string, []byte, bool) {
	if e.Name == live.Resync {
		return live.Resync, nil, true
	}
	var n Notice
	if err := json.Unmarshal(e.Data, &n); err != nil {
		return "", nil, false
	}
	if !internal {
		switch {
		case n.Kind == NoticeReorder:
		case !n.Visible && !n.WasVisible:
			return "", nil, false
		case !n.Visible:
			n = Notice{Kind: NoticeGone, TaskID: n.TaskID}
		}
	}
	out := struct {
		TaskID  int64  `json:"task_id,omitempty"`
		Version int64  `json:"version,omitempty"`
		Status  string `json:"status,omitempty"`
	}{n.TaskID, n.Version, n.Status}
	b, _ := json.Marshal(out)
	return n.Kind, b, true
}
