package work

import (
	"context"
	"database/sql"
	"sort"
	"strconv"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
)

// Swimlane groupings of the board.
const (
	LaneNone     = ""
	LaneAssignee = "assignee"
	LanePhase    = "phase"
)

// Card is a task as the board shows it: only what a card needs, read in
// one query so a board of thousands of cards stays fast.
type Card struct {
	ID              int64
	Number          int64
	Title           string
	Status          string
	Rank            float64
	Priority        string
	DueDate         string
	PhaseID         int64
	PhaseName       string
	Labels          []string
	CustomerVisible bool
	Assignees       []Person
	CheckDone       int
	CheckTotal      int
	Version         int64
	Overdue         bool // due before today and not done
}

// Lane is the key a card sits under in a swimlane grouping.
func (c Card) Lane(swimlane string) string {
	switch swimlane {
	case LaneAssignee:
		if len(c.Assignees) == 0 {
			return "u0"
		}
		return "u" + strconv.FormatInt(c.Assignees[0].ID, 10)
	case LanePhase:
		return "p" + strconv.FormatInt(c.PhaseID, 10)
	}
	return "all"
}

// Column is one status of the board with its WIP figures.
type Column struct {
	Status Status
	Count  int // cards in the status the viewer may see, ignoring filters
	Over   bool
	AtMax  bool
	Hidden int // cards that pass the filter but are beyond the column's cap
}

// ColumnCap is how many cards a column shows until the viewer asks for
// all of them: a column of thousands of finished cards helps nobody, and
// the board of a large project stays fast.
const ColumnCap = 50

// Lane is one swimlane: a cell of cards per column.
type Lane struct {
	Key   string
	Name  string // "" with LaneNone; the template names the unassigned / no-phase lanes
	Cells [][]Card
	Count int
}

// Board is the kanban of one project as one viewer sees it.
type Board struct {
	Columns  []Column
	Lanes    []Lane
	Swimlane string
	Total    int
}

// Board reads the board of a project: columns by status, cards ordered by
// rank, grouped into swimlanes. Each column shows at most ColumnCap cards
// unless its status is in expand (or expand holds "all"). WIP counts
// ignore the filters (a limit is about the column, not the view) but never
// count what the viewer may not see.
func (s *Service) Board(ctx context.Context, p *access.Principal, projectID int64, f Filter, swimlane, today string, expand map[string]bool) (Board, error) {
	_, internal, err := s.access(ctx, p, projectID)
	if err != nil {
		return Board{}, err
	}
	ss, err := s.workflow(ctx, projectID)
	if err != nil {
		return Board{}, err
	}
	f.Status = ""
	counts, err := s.columnCounts(ctx, projectID, internal, Filter{})
	if err != nil {
		return Board{}, err
	}
	shown := counts
	if !f.Empty() {
		if shown, err = s.columnCounts(ctx, projectID, internal, f); err != nil {
			return Board{}, err
		}
	}
	var cards []Card
	if expand["all"] {
		if cards, err = s.cards(ctx, projectID, internal, f, 0, today, ss); err != nil {
			return Board{}, err
		}
	} else {
		for _, st := range ss {
			if shown[st.Key] == 0 {
				continue
			}
			g := f
			g.Status = st.Key
			limit := ColumnCap
			if expand[st.Key] {
				limit = 0
			}
			cs, err := s.column(ctx, projectID, internal, g, limit, today, ss)
			if err != nil {
				return Board{}, err
			}
			cards = append(cards, cs...)
		}
		if err := s.cardDetails(ctx, projectID, cards); err != nil {
			return Board{}, err
		}
	}
	b := Board{Swimlane: swimlane}
	col := map[string]int{}
	for i, st := range ss {
		col[st.Key] = i
		b.Columns = append(b.Columns, Column{Status: st})
	}
	perCol := map[string]int{}
	for _, c := range cards {
		perCol[c.Status]++
	}
	for i := range b.Columns {
		c := &b.Columns[i]
		c.Count = counts[c.Status.Key]
		c.Hidden = shown[c.Status.Key] - perCol[c.Status.Key]
		b.Total += shown[c.Status.Key]
		if lim := c.Status.WIPLimit; lim > 0 {
			c.Over, c.AtMax = c.Count > lim, c.Count == lim
		}
	}
	lanes := map[string]*Lane{}
	var order []string
	for _, c := range cards {
		i, ok := col[c.Status]
		if !ok {
			continue // a status removed from the workflow: not on the board
		}
		key := c.Lane(swimlane)
		l := lanes[key]
		if l == nil {
			l = &Lane{Key: key, Cells: make([][]Card, len(ss))}
			switch swimlane {
			case LaneAssignee:
				if len(c.Assignees) > 0 {
					l.Name = c.Assignees[0].Name
				}
			case LanePhase:
				l.Name = c.PhaseName
			}
			lanes[key] = l
			order = append(order, key)
		}
		l.Cells[i] = append(l.Cells[i], c)
		l.Count++
	}
	if internal && swimlane != LaneNone {
		if err := s.addEmptyLanes(ctx, p, projectID, swimlane, f, len(ss), lanes, &order); err != nil {
			return Board{}, err
		}
	}
	if swimlane == LanePhase {
		phases, err := s.Phases(ctx, projectID)
		if err != nil {
			return Board{}, err
		}
		seq := map[string]int{}
		for i, ph := range phases {
			seq["p"+strconv.FormatInt(ph.ID, 10)] = i + 1
		}
		// Phases in plan order; tasks without a phase last.
		sort.SliceStable(order, func(i, j int) bool {
			a, b := seq[order[i]], seq[order[j]]
			if a == 0 {
				a = 1 << 30
			}
			if b == 0 {
				b = 1 << 30
			}
			return a < b
		})
	} else if swimlane == LaneAssignee {
		// People by name; unassigned last.
		sort.SliceStable(order, func(i, j int) bool {
			a, b := lanes[order[i]], lanes[order[j]]
			if (a.Key == "u0") != (b.Key == "u0") {
				return b.Key == "u0"
			}
			return a.Name < b.Name
		})
	}
	for _, k := range order {
		b.Lanes = append(b.Lanes, *lanes[k])
	}
	if len(b.Lanes) == 0 {
		b.Lanes = []Lane{{Key: "all", Cells: make([][]Card, len(ss))}}
	}
	return b, nil
}

// columnCounts counts the cards per status that the viewer may see and
// that pass f.
func (s *Service) columnCounts(ctx context.Context, projectID int64, internal bool, f Filter) (map[string]int, error) {
	where, args := filterWhere(projectID, internal, f)
	rows, err := s.db.Query(ctx, `SELECT t.status, count(*) FROM tasks t WHERE `+where+` GROUP BY t.status`, args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, apperr.Wrap(err)
		}
		out[st] = n
	}
	return out, apperr.Wrap(rows.Err())
}

// ColumnCounts is columnCounts for a viewer: the board's live updates
// refresh the WIP figures with it.
func (s *Service) ColumnCounts(ctx context.Context, p *access.Principal, projectID int64) (map[string]int, error) {
	_, internal, err := s.access(ctx, p, projectID)
	if err != nil {
		return nil, err
	}
	return s.columnCounts(ctx, projectID, internal, Filter{})
}

// cardCols are what a card shows; phase names, assignees and checklist
// figures are filled in by batch queries (cardDetails), which costs less
// than a join and two subqueries on every row.
const cardCols = `SELECT t.id, t.number, t.title, t.status, t.rank, t.priority, COALESCE(t.due_date, ''), COALESCE(t.phase_id, 0),
	t.labels, t.customer_visible, t.version FROM tasks t WHERE `

// cards reads the cards of a project (one card with only) ordered by
// rank, with their assignees.
func (s *Service) cards(ctx context.Context, projectID int64, internal bool, f Filter, only int64, today string, ss []Status) ([]Card, error) {
	where, args := filterWhere(projectID, internal, f)
	if only != 0 {
		where += " AND t.id = ?"
		args = append(args, only)
	}
	out, err := s.cardRows(ctx, where+` ORDER BY t.rank, t.id`, args, today, ss)
	if err != nil {
		return nil, err
	}
	return out, s.cardDetails(ctx, projectID, out)
}

// column reads one status column in rank order, at most limit cards (0:
// all), without assignees.
func (s *Service) column(ctx context.Context, projectID int64, internal bool, f Filter, limit int, today string, ss []Status) ([]Card, error) {
	where, args := filterWhere(projectID, internal, f)
	where += ` ORDER BY t.rank, t.id`
	if limit > 0 {
		where += ` LIMIT ?`
		args = append(args, limit)
	}
	return s.cardRows(ctx, where, args, today, ss)
}

func (s *Service) cardRows(ctx context.Context, where string, args []any, today string, ss []Status) ([]Card, error) {
	rows, err := s.db.Query(ctx, cardCols+where, args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	closed := map[string]bool{}
	for _, st := range ss {
		closed[st.Key] = st.Category == CatDone || st.Category == CatCancelled
	}
	var out []Card
	for rows.Next() {
		var c Card
		var labels string
		if err := rows.Scan(&c.ID, &c.Number, &c.Title, &c.Status, &c.Rank, &c.Priority, &c.DueDate, &c.PhaseID,
			&labels, &c.CustomerVisible, &c.Version); err != nil {
			return nil, apperr.Wrap(err)
		}
		c.Labels = splitStored(labels)
		c.Overdue = c.DueDate != "" && c.DueDate < today && !closed[c.Status]
		out = append(out, c)
	}
	return out, apperr.Wrap(rows.Err())
}

// cardDetails fills in the cards' phase names, assignees and checklist
// figures: by id for a board's worth, for the whole project when there
// are thousands (one scan beats a huge IN list).
func (s *Service) cardDetails(ctx context.Context, projectID int64, cards []Card) error {
	if len(cards) == 0 {
		return nil
	}
	idx := make(map[int64]int, len(cards))
	ids := make([]int64, len(cards))
	phases := false
	for i, c := range cards {
		idx[c.ID] = i
		ids[i] = c.ID
		phases = phases || c.PhaseID != 0
	}
	if phases {
		ps, err := s.Phases(ctx, projectID)
		if err != nil {
			return err
		}
		name := make(map[int64]string, len(ps))
		for _, p := range ps {
			name[p.ID] = p.Name
		}
		for i := range cards {
			cards[i].PhaseName = name[cards[i].PhaseID]
		}
	}
	var rows *sql.Rows
	var err error
	whole := len(cards) > 1000
	if whole {
		rows, err = s.db.Query(ctx, `SELECT a.task_id, u.id, u.name FROM task_assignees a JOIN tasks t ON t.id = a.task_id JOIN users u ON u.id = a.user_id
			WHERE t.project_id = ? AND t.deleted_ms IS NULL ORDER BY u.name, u.id`, projectID)
	} else {
		in, args := inPadded(ids)
		rows, err = s.db.Query(ctx, `SELECT a.task_id, u.id, u.name FROM task_assignees a JOIN users u ON u.id = a.user_id WHERE a.task_id IN (`+in+`) ORDER BY u.name, u.id`, args...)
	}
	if err != nil {
		return apperr.Wrap(err)
	}
	for rows.Next() {
		var tid int64
		var p Person
		if err := rows.Scan(&tid, &p.ID, &p.Name); err != nil {
			rows.Close()
			return apperr.Wrap(err)
		}
		if i, ok := idx[tid]; ok {
			cards[i].Assignees = append(cards[i].Assignees, p)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return apperr.Wrap(err)
	}
	const checks = `SELECT c.task_id, count(*), COALESCE(SUM(CASE WHEN c.done THEN 1 ELSE 0 END), 0) FROM checklist_items c`
	if whole {
		rows, err = s.db.Query(ctx, checks+` JOIN tasks t ON t.id = c.task_id WHERE t.project_id = ? AND t.deleted_ms IS NULL GROUP BY c.task_id`, projectID)
	} else {
		in, args := inPadded(ids)
		rows, err = s.db.Query(ctx, checks+` WHERE c.task_id IN (`+in+`) GROUP BY c.task_id`, args...)
	}
	if err != nil {
		return apperr.Wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var tid int64
		var total, done int
		if err := rows.Scan(&tid, &total, &done); err != nil {
			return apperr.Wrap(err)
		}
		if i, ok := idx[tid]; ok {
			cards[i].CheckTotal, cards[i].CheckDone = total, done
		}
	}
	return apperr.Wrap(rows.Err())
}

// Card reads one card for a viewer: found is false when the card exists
// for them but does not pass the board's filter (the page then drops it).
// A card the viewer may not see is not found.
func (s *Service) Card(ctx context.Context, p *access.Principal, projectID, taskID int64, f Filter, today string) (Card, bool, error) {
	_, internal, err := s.access(ctx, p, projectID)
	if err != nil {
		return Card{}, false, err
	}
	ss, err := s.workflow(ctx, projectID)
	if err != nil {
		return Card{}, false, err
	}
	all, err := s.cards(ctx, projectID, internal, Filter{}, taskID, today, ss)
	if err != nil {
		return Card{}, false, err
	}
	if len(all) == 0 {
		return Card{}, false, apperr.NotFoundErr()
	}
	f.Status = ""
	if f.Empty() {
		return all[0], true, nil
	}
	match, err := s.cards(ctx, projectID, internal, f, taskID, today, ss)
	if err != nil {
		return Card{}, false, err
	}
	return all[0], len(match) == 1, nil
}

// Initials is what a card shows of a person: the last two characters of a
// Chinese name, the initials of a Latin one.
func Initials(name string) string {
	name = strings.TrimSpace(name)
	r := []rune(name)
	if len(r) == 0 {
		return "?"
	}
	if r[0] > 0x2e80 {
		if len(r) > 2 {
			return string(r[len(r)-2:])
		}
		return name
	}
	parts := strings.Fields(name)
	out := ""
	for _, p := range parts {
		out += strings.ToUpper(string([]rune(p)[0]))
		if len(out) >= 2 {
			break
		}
	}
	return out
}
