package work

import (
	"fmt"
	"strconv"
	"strings"

	"golive/internal/calendar"
)

// The chart is laid out here, in Go, as numbers the template prints into
// SVG attributes: no chart library, nothing computed in the browser, and
// nothing that needs an inline style (the CSP forbids those). Classes
// carry the look (app.css, "Gantt" section).

// Geometry shared with gantt.js and app.css.
const (
	ganttRowH    = 28
	ganttHeaderH = 48
	ganttBarH    = 14
)

// ganttZooms are the day widths of the zoom levels.
var ganttZooms = map[string]int{"day": 28, "week": 10, "month": 4}

type ganttChart struct {
	Width, Height int
	DayW          int
	Zoom          string
	From          string // the first day drawn
	Months        []ganttLabel
	Ticks         []ganttLabel
	Off           []ganttBand
	HasToday      bool
	TodayX        int
	Rows          []ganttRow
	Arrows        []ganttArrow
	Critical      int // critical tasks drawn
	HasBaseline   bool
}

type ganttLabel struct {
	X, W  int
	Label string
}

type ganttBand struct {
	X, W    int
	Holiday bool
	Title   string
}

type ganttArrow struct {
	D        string
	Critical bool
	Title    string
}

// ganttRow is one line of the chart: a phase, a task (a parent task is a
// summary) or a milestone of the methodology.
type ganttRow struct {
	Kind      string // phase, task, summary, milestone
	IsTask    bool   // a row of the tasks table (a milestone may be one)
	ID        int64
	Number    int64
	WBS       string
	Title     string
	Level     int
	Start     string
	Due       string
	Days      int
	Y         int // top of the row
	CY        int // vertical centre
	HasBar    bool
	X, W      int
	BarY      int
	ProgW     int
	Progress  int
	Diamond   string // polygon points for milestones
	Critical  bool
	Cancelled bool
	Done      bool
	Visible   bool // customer-visible (vendor staff see the mark)
	Scheduled bool
	Float     int
	Version   int64
	Tip       string
	// Baseline.
	HasBase     bool
	BX, BW, BY  int
	BaseDiamond string
	BaseStart   string
	BaseDue     string
	HasSlip     bool
	Slip        int
	SlipX       int
	SlipLabel   string
	Late        bool
}

// chartInput is what buildChart draws.
type chartInput struct {
	a        analysis
	internal bool // the caller sees internal tasks
	base     map[int64][2]string
	zoom     string
	today    calendar.Date
	t        func(key string, args ...any) string
}

// buildChart lays out the rows (phases in order, each with its tasks as a
// WBS tree by number, then its milestones), the date axis, the shading of
// days off, the bars, the baseline and the dependency arrows.
func buildChart(in chartInput) ganttChart {
	pd := in.a.pd
	cal := pd.Cal
	t := in.t
	vis := func(pt planTask) bool { return in.internal || pt.CustomerVisible }

	// Tree of visible tasks: a task whose parent the caller cannot see is
	// a root of its phase.
	byID := make(map[int64]planTask, len(pd.Tasks))
	for _, pt := range pd.Tasks {
		if vis(pt) {
			byID[pt.ID] = pt
		}
	}
	children := map[int64][]int64{}
	var roots []int64
	for _, pt := range pd.Tasks {
		if !vis(pt) {
			continue
		}
		if pt.ParentID != nil {
			if _, ok := byID[*pt.ParentID]; ok {
				children[*pt.ParentID] = append(children[*pt.ParentID], pt.ID)
				continue
			}
		}
		roots = append(roots, pt.ID)
	}
	phaseOf := func(id int64) int64 {
		if p := byID[id].PhaseID; p != nil {
			return *p
		}
		return 0
	}
	known := map[int64]bool{}
	for _, ph := range pd.Phases {
		known[ph.ID] = true
	}
	rootsOf := map[int64][]int64{}
	for _, id := range roots {
		ph := phaseOf(id)
		if !known[ph] {
			ph = 0
		}
		rootsOf[ph] = append(rootsOf[ph], id)
	}
	msOf := map[int64][]planMilestone{}
	for _, m := range pd.Milestones {
		if !in.internal && !m.CustomerVisible {
			continue
		}
		ph := int64(0)
		if m.PhaseID != nil && known[*m.PhaseID] {
			ph = *m.PhaseID
		}
		msOf[ph] = append(msOf[ph], m)
	}

	var rows []ganttRow
	var addTask func(id int64, wbs string, level int)
	addTask = func(id int64, wbs string, level int) {
		pt := byID[id]
		kind := "task"
		if len(children[id]) > 0 {
			kind = "summary"
		}
		rows = append(rows, ganttRow{Kind: kind, IsTask: true, ID: id, Number: pt.Number, WBS: wbs, Title: pt.Title, Level: level,
			Start: pt.Start, Due: pt.Due, Version: pt.Version, Visible: pt.CustomerVisible,
			Cancelled: pt.Category == CatCancelled, Done: pt.Category == CatDone})
		for i, c := range children[id] {
			addTask(c, wbs+"."+strconv.Itoa(i+1), level+1)
		}
	}
	addGroup := func(prefix string, level int, ids []int64, ms []planMilestone) {
		n := 0
		for _, id := range ids {
			n++
			addTask(id, prefix+strconv.Itoa(n), level)
		}
		for _, m := range ms {
			n++
			rows = append(rows, ganttRow{Kind: "milestone", ID: m.ID, WBS: prefix + strconv.Itoa(n), Title: m.Name, Level: level,
				Start: m.Due, Due: m.Due, Done: m.Status == "done", Visible: m.CustomerVisible})
		}
	}
	if len(pd.Phases) == 0 {
		addGroup("", 0, rootsOf[0], msOf[0])
	} else {
		for i, ph := range pd.Phases {
			rows = append(rows, ganttRow{Kind: "phase", ID: ph.ID, WBS: strconv.Itoa(i + 1), Title: ph.Name, Start: ph.Start, Due: ph.End, Visible: true})
			addGroup(strconv.Itoa(i+1)+".", 1, rootsOf[ph.ID], msOf[ph.ID])
		}
		if len(rootsOf[0]) > 0 || len(msOf[0]) > 0 {
			rows = append(rows, ganttRow{Kind: "phase", WBS: strconv.Itoa(len(pd.Phases) + 1), Title: t("gantt.no_phase"), Visible: true})
			addGroup(strconv.Itoa(len(pd.Phases)+1)+".", 1, rootsOf[0], msOf[0])
		}
	}
	// Summaries and phases without dates of their own span their tasks.
	spanOf := func(lo, hi string, start, due string) (string, string) {
		if start != "" && (lo == "" || start < lo) {
			lo = start
		}
		if due != "" && (hi == "" || due > hi) {
			hi = due
		}
		return lo, hi
	}
	for i := len(rows) - 1; i >= 0; i-- {
		r := &rows[i]
		if r.Kind != "summary" && r.Kind != "phase" {
			continue
		}
		lo, hi := "", ""
		for j := i + 1; j < len(rows) && rows[j].Level > r.Level; j++ {
			if rows[j].Cancelled {
				continue
			}
			lo, hi = spanOf(lo, hi, rows[j].Start, rows[j].Due)
		}
		if r.Kind == "phase" && r.Start != "" && r.Due != "" {
			continue // the phase's own dates
		}
		r.Start, r.Due = spanOf(lo, hi, r.Start, r.Due)
	}

	// The date range: everything drawn, plus a margin.
	lo, hi := "", ""
	for _, r := range rows {
		lo, hi = spanOf(lo, hi, r.Start, r.Due)
		if b, ok := in.base[r.ID]; ok && r.IsTask {
			lo, hi = spanOf(lo, hi, b[0], b[1])
		}
	}
	from, to := in.today-7, in.today+30
	if d, err := calendar.Parse(lo); err == nil {
		from = d
	}
	if d, err := calendar.Parse(hi); err == nil {
		to = d
	}
	if to < from {
		to = from
	}
	// Start on a Monday so the week ticks line up.
	from -= 2
	for from.Weekday() != 1 {
		from--
	}
	to += 7
	span := int(to-from) + 1
	zoom := in.zoom
	if _, ok := ganttZooms[zoom]; !ok {
		switch {
		case span <= 100:
			zoom = "day"
		case span <= 320:
			zoom = "week"
		default:
			zoom = "month"
		}
	}
	dayW := ganttZooms[zoom]
	ch := ganttChart{DayW: dayW, Zoom: zoom, From: from.String(), Width: span * dayW, HasBaseline: in.base != nil}
	x := func(d calendar.Date) int { return int(d-from) * dayW }

	// Axis: months on top; days, or Mondays, or nothing below.
	for d := from; d <= to; {
		tm := d.Time()
		next := calendar.FromYMD(tm.Year(), tm.Month()+1, 1)
		if next > to+1 {
			next = to + 1
		}
		label := tm.Format("2006-01")
		if int(next-d)*dayW < 48 {
			label = tm.Format("01")
		}
		ch.Months = append(ch.Months, ganttLabel{X: x(d), W: int(next-d) * dayW, Label: label})
		d = next
	}
	for d := from; d <= to; d++ {
		switch {
		case dayW >= 16:
			ch.Ticks = append(ch.Ticks, ganttLabel{X: x(d), W: dayW, Label: strconv.Itoa(d.Time().Day())})
		case dayW >= 8 && d.Weekday() == 1:
			ch.Ticks = append(ch.Ticks, ganttLabel{X: x(d), W: 7 * dayW, Label: d.Time().Format("1/2")})
		}
	}
	// Days off, merged into bands; holidays are named.
	for d := from; d <= to; d++ {
		if cal.IsWorkday(d) {
			continue
		}
		name := ""
		if x, ok := cal.Lookup(d); ok && x.Kind == calendar.Holiday {
			name = x.Name
		}
		if name == "" && dayW < 8 {
			continue // at a month's zoom, weekly stripes are noise; holidays stay
		}
		if n := len(ch.Off); n > 0 && ch.Off[n-1].X+ch.Off[n-1].W == x(d) && ch.Off[n-1].Title == name {
			ch.Off[n-1].W += dayW
			continue
		}
		ch.Off = append(ch.Off, ganttBand{X: x(d), W: dayW, Holiday: name != "", Title: name})
	}
	if in.today >= from && in.today <= to {
		ch.HasToday, ch.TodayX = true, x(in.today)+dayW/2
	}

	// Bars.
	pos := map[int64]int{} // task id → row
	for i := range rows {
		r := &rows[i]
		r.Y = ganttHeaderH + i*ganttRowH
		r.CY = r.Y + ganttRowH/2
		r.BarY = r.CY - ganttBarH/2
		if in.a.cycle == nil && r.IsTask {
			if tm, ok := in.a.times(r.ID); ok {
				r.Scheduled, r.Critical, r.Float = true, tm.Critical, tm.Float
			}
		}
		if r.IsTask {
			pos[r.ID] = i
			pt := byID[r.ID]
			r.Progress = int(in.a.progress[r.ID] + 0.5)
			if pt.Milestone {
				r.Kind = "milestone"
				if r.Start == "" {
					r.Start = r.Due
				}
				r.Due = r.Start
			}
		}
		s, err1 := calendar.Parse(r.Start)
		e, err2 := calendar.Parse(r.Due)
		if err1 != nil && err2 == nil {
			s, err1 = e, nil
		}
		if err2 != nil && err1 == nil {
			e, err2 = s, nil
		}
		if err1 != nil || err2 != nil {
			r.Tip = r.Title + "\n" + t("gantt.unscheduled")
			continue
		}
		if e < s {
			e = s
		}
		r.HasBar = true
		r.Days = cal.WorkdaysBetween(s, e+1)
		if r.Kind == "milestone" {
			// At the end of its day: after a bar that ends that day, before
			// one that starts the next.
			r.X, r.W = x(s)+dayW, 0
			r.Diamond = diamond(r.X, r.CY, 8)
			r.Tip = r.Title + "\n" + s.String()
		} else {
			r.X, r.W = x(s), int(e-s+1)*dayW
			r.ProgW = r.W * r.Progress / 100
			r.Tip = r.Title + "\n" + t("gantt.tip_dates", s.String(), e.String(), r.Days)
			if r.Kind != "phase" {
				r.Tip += "\n" + t("gantt.tip_progress", r.Progress)
			}
		}
		if r.Scheduled {
			r.Tip += "\n" + t("gantt.tip_float", r.Float)
			if r.Critical {
				r.Tip += " · " + t("gantt.critical")
				ch.Critical++
			}
		}
		if b, ok := in.base[r.ID]; ok && r.IsTask {
			bs, err1 := calendar.Parse(b[0])
			be, err2 := calendar.Parse(b[1])
			if err1 != nil && err2 == nil {
				bs, err1 = be, nil
			}
			if err2 != nil && err1 == nil {
				be, err2 = bs, nil
			}
			if err1 == nil && err2 == nil {
				r.HasBase, r.BaseStart, r.BaseDue = true, bs.String(), be.String()
				r.BY = r.Y + ganttRowH - 6
				if r.Kind == "milestone" {
					r.BaseDiamond = diamond(x(bs)+dayW, r.BY+2, 5)
				} else {
					r.BX, r.BW = x(bs), int(max(be, bs)-bs+1)*dayW
				}
				r.Slip = cal.WorkdaysBetween(be, e)
				if r.Slip != 0 {
					r.HasSlip, r.Late = true, r.Slip > 0
					r.SlipLabel = fmt.Sprintf("%+d", r.Slip)
					r.SlipX = max(x(e)+dayW, x(be)+dayW) + 4
				}
				r.Tip += "\n" + t("gantt.tip_baseline", bs.String(), be.String(), r.SlipLabel)
			}
		}
	}
	ch.Rows = rows
	ch.Height = ganttHeaderH + len(rows)*ganttRowH + 8

	// Arrows between drawn tasks the caller sees.
	if in.a.cycle == nil {
		for i, d := range in.a.sp.Deps {
			pi, ok1 := pos[d.Pred]
			si, ok2 := pos[d.Succ]
			if !ok1 || !ok2 || !rows[pi].HasBar || !rows[si].HasBar {
				continue
			}
			p, s := rows[pi], rows[si]
			ch.Arrows = append(ch.Arrows, ganttArrow{
				D:        arrowPath(p, s, d.Type.String()),
				Critical: in.a.res.DepCritical[i],
				Title:    fmt.Sprintf("#%d → #%d %s %+d", p.Number, s.Number, d.Type, d.Lag),
			})
		}
	}
	return ch
}

func diamond(cx, cy, r int) string {
	return fmt.Sprintf("%d,%d %d,%d %d,%d %d,%d", cx, cy-r, cx+r, cy, cx, cy+r, cx-r, cy)
}

// arrowPath routes a dependency arrow with right angles from the side of
// the predecessor the type names (start or finish) to the side of the
// successor, entering it in the direction of time.
func arrowPath(p, s ganttRow, typ string) string {
	const stub = 8
	side := func(r ganttRow, start bool) (int, int) { // x and the outward direction
		if r.Kind == "milestone" {
			if start {
				return r.X - 8, -1
			}
			return r.X + 8, 1
		}
		if start {
			return r.X, -1
		}
		return r.X + r.W, 1
	}
	x1, d1 := side(p, typ == "SS" || typ == "SF")
	x2, d2 := side(s, typ == "FS" || typ == "SS")
	y1, y2 := p.CY, s.CY
	xa, xb := x1+d1*stub, x2+d2*stub // just outside each end
	var b strings.Builder
	fmt.Fprintf(&b, "M%d %d", x1, y1)
	switch {
	case d1 != d2 && d1 > 0: // finish → start (FS): forwards when there is room
		if xb >= xa {
			fmt.Fprintf(&b, "H%d V%d H%d", xa, y2, x2)
		} else {
			mid := y1 + sign(y2-y1)*ganttRowH/2
			fmt.Fprintf(&b, "H%d V%d H%d V%d H%d", xa, mid, xb, y2, x2)
		}
	case d1 != d2: // start → finish (SF): backwards
		if xb <= xa {
			fmt.Fprintf(&b, "H%d V%d H%d", xa, y2, x2)
		} else {
			mid := y1 + sign(y2-y1)*ganttRowH/2
			fmt.Fprintf(&b, "H%d V%d H%d V%d H%d", xa, mid, xb, y2, x2)
		}
	case d1 < 0: // start → start
		v := min(xa, xb)
		fmt.Fprintf(&b, "H%d V%d H%d", v, y2, x2)
	default: // finish → finish
		v := max(xa, xb)
		fmt.Fprintf(&b, "H%d V%d H%d", v, y2, x2)
	}
	return b.String()
}

func sign(v int) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 1
}
