package work

import (
	"context"
	"errors"
	"math"
	"sort"
	"strconv"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/calendar"
	"golive/internal/db"
	"golive/internal/project"
)

// An MS Project plan is imported as new tasks added to the project (MS
// Project's UIDs mean nothing here, so nothing is matched or updated). The
// outline becomes the WBS, links become dependencies with their lag in
// whole working days, and dates are laid onto this project's working
// calendar: a task starts on its MS Project start day (or the next working
// day) and keeps its working-day duration, so a holiday MS Project did not
// know about pushes the finish rather than shortening the task. Summary
// tasks then span their children, as MS Project itself computes them.

// mspdiLine is one task of the file on its way into the project.
type mspdiLine struct {
	t        *MSTask
	row      int // MS Project's ID, the row number the PM sees there
	parent   int64
	in       Input
	start    calendar.Date
	due      calendar.Date
	dated    bool
	duration int
	links    []PredRef // Number holds the predecessor's UID
	bad      bool
}

// mspdiTypes maps PredecessorLink/Type to ours.
var mspdiTypes = map[int]string{0: "FF", 1: "FS", 2: "SF", 3: "SS"}

// ImportMSPDI reads an MS Project XML plan into the project. Without apply
// it only reports: the tasks are written in a transaction that is rolled
// back, so every check is the service's own. With apply it writes all the
// tasks in one transaction, and only when no row is bad, unless validOnly.
// Notes in the result tell what was read but not taken (calendars,
// resources that are not members).
func (s *Service) ImportMSPDI(ctx context.Context, p *access.Principal, projectID int64, data []byte, apply, validOnly bool) (PlanResult, error) {
	m, _, err := s.access(ctx, p, projectID)
	if err != nil {
		return PlanResult{}, err
	}
	if !p.Can(m, access.TaskEdit) || !p.Can(m, access.TaskCreate) {
		return PlanResult{}, apperr.ForbiddenErr()
	}
	pr, err := ParseMSPDI(data)
	if err != nil {
		var me *MSPDIError
		if errors.As(err, &me) {
			return PlanResult{}, apperr.InvalidField("file", me.Key, me.Args...)
		}
		return PlanResult{}, apperr.InvalidField("file", "mspdi.err_not_mspdi")
	}
	ss, err := s.workflow(ctx, projectID)
	if err != nil {
		return PlanResult{}, err
	}
	members, err := s.Members(ctx, p, projectID)
	if err != nil {
		return PlanResult{}, err
	}
	cal, err := loadPlanCalendar(ctx, s.db, projectID)
	if err != nil {
		return PlanResult{}, apperr.Wrap(err)
	}

	var res PlanResult
	add := func(row int, col, key string, args ...any) {
		res.Issues = append(res.Issues, PlanIssue{Row: row, Column: col, Key: key, Args: args})
	}
	note := func(key string, args ...any) { res.Notes = append(res.Notes, PlanIssue{Key: key, Args: args}) }
	if pr.Calendars > 0 {
		note("mspdi.note_calendars", pr.Calendars)
	}

	lines := mspdiLines(pr, cal, ss, add)
	byUID := map[int64]*mspdiLine{}
	for i := range lines {
		byUID[lines[i].t.UID] = &lines[i]
	}
	mspdiPeople(pr, members, byUID, note)
	mspdiLinks(pr, lines, byUID, add)
	for i := range lines {
		for _, is := range res.Issues {
			if is.Row == lines[i].row {
				lines[i].bad = true
			}
		}
	}

	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID, true); err != nil {
			return err
		}
		ids := map[int64]int64{} // UID → created task id
		var number int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(number), 0) FROM tasks WHERE project_id = ?`, projectID).Scan(&number); err != nil {
			return err
		}
		for i := range lines {
			l := &lines[i]
			if l.bad {
				continue
			}
			// A child of a row left out hangs from the nearest ancestor
			// that made it, so "only the valid rows" keeps the rest of
			// the outline.
			for up := l.parent; up != 0 && byUID[up] != nil; up = byUID[up].parent {
				if id, ok := ids[up]; ok {
					l.in.ParentID = &id
					break
				}
			}
			if err := l.in.Validate(); err != nil {
				fieldIssues(l.row, err, mspdiAdd(add))
				l.bad = true
				continue
			}
			if err := checkRefs(ctx, tx, projectID, ss, &l.in, nil); err != nil {
				if apperr.CodeOf(err) != apperr.Invalid {
					return err
				}
				fieldIssues(l.row, err, mspdiAdd(add))
				l.bad = true
				continue
			}
			number++
			id, err := s.insertImported(ctx, tx, p, projectID, ss, number, l)
			if err != nil {
				return err
			}
			ids[l.t.UID] = id
			res.Creates++
		}
		for i := range lines {
			l := &lines[i]
			succ, ok := ids[l.t.UID]
			if !ok {
				continue
			}
			for _, r := range l.links {
				pred, ok := ids[r.Number]
				if !ok {
					continue // its row was left out (only with validOnly)
				}
				if _, err := tx.Exec(ctx, `INSERT INTO task_deps (project_id, pred_id, succ_id, type, lag_days, created_ms) VALUES (?, ?, ?, ?, ?, ?)`,
					projectID, pred, succ, r.Type, r.Lag, db.Now()); err != nil {
					return err
				}
				res.Links++
			}
		}
		sort.SliceStable(res.Issues, func(i, j int) bool { return res.Issues[i].Row < res.Issues[j].Row })
		if !apply || (len(res.Issues) > 0 && !validOnly) {
			return errPlanPreview
		}
		res.Applied = true
		if res.Creates > 0 {
			s.notify(tx, projectID, Notice{Kind: NoticeReorder}) // open boards reload whole
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "project", EntityID: projectID, Action: "mspdi_import",
			Summary: "MS Project import: " + strconv.Itoa(res.Creates) + " tasks, " + strconv.Itoa(res.Links) + " links", Internal: true})
	})
	if err != nil && !errors.Is(err, errPlanPreview) {
		return PlanResult{}, apperr.Wrap(err)
	}
	return res, nil
}

// mspdiAdd adapts the report function to fieldIssues, naming the columns
// by MS Project's field names rather than the Excel sheet's.
func mspdiAdd(add func(int, string, string, ...any)) func(int, string, string, ...any) {
	cols := map[string]string{
		"planxlsx.col_title": "mspdi.col_name", "planxlsx.col_start": "mspdi.col_start", "planxlsx.col_due": "mspdi.col_finish",
		"planxlsx.col_parent": "mspdi.col_outline", "planxlsx.col_assignees": "mspdi.col_resources",
	}
	return func(row int, col, key string, args ...any) {
		if c, ok := cols[col]; ok {
			col = c
		}
		if col == "" {
			col = "mspdi.col_task"
		}
		add(row, col, key, args...)
	}
}

// mspdiLines turns the file's tasks into lines in file order: outline to
// parents, dates onto the calendar, percent complete to a status.
func mspdiLines(pr *MSProject, cal *calendar.Calendar, ss []Status, add func(int, string, string, ...any)) []mspdiLine {
	statusOf := func(cat string) string {
		for _, st := range ss {
			if st.Category == cat {
				return st.Key
			}
		}
		return ss[0].Key
	}
	var lines []mspdiLine
	var stack []int64 // UIDs of the open outline, index = level-1
	seen := map[int64]bool{}
	for i := range pr.Tasks {
		t := &pr.Tasks[i]
		if t.Null || t.OutlineLevel == 0 || t.UID == 0 && t.ID == 0 {
			continue // the project summary task (row 0) and blank rows
		}
		row := int(min(max(t.ID, 0), math.MaxInt32))
		l := mspdiLine{t: t, row: row}
		for _, f := range t.Bad {
			add(row, "mspdi.col_task", "mspdi.err_field", f)
		}
		if seen[t.UID] {
			add(row, "mspdi.col_task", "mspdi.err_dup_uid", t.UID)
			continue
		}
		seen[t.UID] = true
		level := t.OutlineLevel
		if level < 0 {
			level = strings.Count(t.OutlineNumber, ".") + 1
		}
		if level > len(stack)+1 {
			add(row, "mspdi.col_outline", "mspdi.err_outline_jump", level, len(stack))
			level = len(stack) + 1
		}
		stack = append(stack[:level-1], t.UID)
		if level > 1 {
			l.parent = stack[level-2]
		}
		l.in = Input{Title: t.Name, Description: t.Notes, Priority: "normal", Status: ss[0].Key}
		switch {
		case t.Percent >= 100:
			l.in.Status = statusOf(CatDone)
		case t.Percent > 0:
			l.in.Status = statusOf(CatDoing)
		}
		if t.WorkMin > 0 {
			l.in.EstimateMin = t.WorkMin
			l.in.RemainingMin = t.WorkMin * int64(100-t.Percent) / 100
		}
		if t.RemainingMin >= 0 && t.WorkMin > 0 {
			l.in.RemainingMin = t.RemainingMin
		}
		if t.Start != "" {
			sd, ok := mspdiDate(t.Start)
			if !ok {
				add(row, "mspdi.col_start", "planxlsx.err_date", t.Start)
			} else {
				l.start, l.dated = cal.Next(calendar.MustParse(sd)), true
			}
		}
		if l.dated {
			days := 0
			switch {
			case t.Milestone:
			case t.DurationMin >= 0:
				days = max(int(math.Round(float64(t.DurationMin)/float64(pr.MinutesPerDay))), 1)
			default:
				fd, ok := mspdiDate(t.Finish)
				if !ok {
					add(row, "mspdi.col_finish", "planxlsx.err_date", t.Finish)
				} else {
					days = max(cal.WorkdaysBetween(l.start, calendar.MustParse(fd)+1), 1)
				}
			}
			l.duration = days
			l.due = l.start
			if days > 1 {
				l.due = cal.AddWorkdays(l.start, days-1)
			}
		}
		lines = append(lines, l)
	}
	// A task with children spans them, as MS Project computes a summary
	// task (a parent comes before its children, so walking backwards sees
	// every child before its parent).
	idx := map[int64]int{}
	for i := range lines {
		idx[lines[i].t.UID] = i
	}
	spanned := make([]bool, len(lines))
	for i := len(lines) - 1; i >= 0; i-- {
		c := &lines[i]
		pi, ok := idx[c.parent]
		if c.parent == 0 || !ok || !c.dated {
			continue
		}
		par := &lines[pi]
		if !spanned[pi] {
			par.start, par.due, par.dated, spanned[pi] = c.start, c.due, true, true
			continue
		}
		par.start, par.due = min(par.start, c.start), max(par.due, c.due)
	}
	for i := range lines {
		if spanned[i] {
			lines[i].duration = max(cal.WorkdaysBetween(lines[i].start, lines[i].due+1), 1)
		}
	}
	for i := range lines {
		l := &lines[i]
		if l.dated {
			l.in.StartDate, l.in.DueDate = l.start.String(), l.due.String()
		}
	}
	return lines
}

// mspdiPeople assigns the resources that are project members (by e-mail,
// then by name) and notes those that are not.
func mspdiPeople(pr *MSProject, members []project.Member, byUID map[int64]*mspdiLine, note func(string, ...any)) {
	person := map[string]int64{}
	for _, mb := range members {
		person["e:"+strings.ToLower(mb.Email)] = mb.UserID
		person["n:"+strings.ToLower(mb.Name)] = mb.UserID
	}
	who := map[int64]int64{}
	var missing []string
	for _, r := range pr.Resources {
		if r.UID == 0 || r.Name == "" && r.Email == "" {
			continue
		}
		if id, ok := person["e:"+strings.ToLower(r.Email)]; ok && r.Email != "" {
			who[r.UID] = id
		} else if id, ok := person["n:"+strings.ToLower(r.Name)]; ok && r.Name != "" {
			who[r.UID] = id
		} else if r.Type == 1 || r.Type == 0 {
			missing = append(missing, r.Name)
		}
	}
	if len(missing) > 0 {
		note("mspdi.note_not_members", strings.Join(missing, "、"))
	}
	for _, a := range pr.Assignments {
		l, ok := byUID[a.TaskUID]
		id, member := who[a.ResourceUID]
		if !ok || !member || len(l.in.AssigneeIDs) >= maxPeople {
			continue
		}
		dup := false
		for _, have := range l.in.AssigneeIDs {
			dup = dup || have == id
		}
		if !dup {
			l.in.AssigneeIDs = append(l.in.AssigneeIDs, id)
		}
	}
}

// mspdiLinks checks every PredecessorLink (known task, not itself, no
// cycle) and converts its lag to working days.
func mspdiLinks(pr *MSProject, lines []mspdiLine, byUID map[int64]*mspdiLine, add func(int, string, string, ...any)) {
	var edges []depEdge
	name := func(uid int64) string {
		l := byUID[uid]
		return strconv.Itoa(l.row) + " " + l.t.Name
	}
	for i := range lines {
		l := &lines[i]
		seen := map[int64]bool{}
		for _, k := range l.t.Links {
			pl, ok := byUID[k.PredUID]
			if !ok {
				add(l.row, "mspdi.col_preds", "mspdi.err_unknown_pred", k.PredUID)
				continue
			}
			if k.PredUID == l.t.UID {
				add(l.row, "mspdi.col_preds", "mspdi.err_self_link")
				continue
			}
			if seen[k.PredUID] {
				continue // MS Project allows one link per pair; a copy adds nothing
			}
			seen[k.PredUID] = true
			typ, ok := mspdiTypes[k.Type]
			if !ok {
				add(l.row, "mspdi.col_preds", "mspdi.err_link_type", k.Type)
				continue
			}
			lag := mspdiLagDays(k, pr.MinutesPerDay, pl.duration)
			if lag > maxPredLag || lag < -maxPredLag {
				add(l.row, "mspdi.col_preds", "mspdi.err_lag", lag)
				continue
			}
			if c, ok := findCycle(edges, k.PredUID, l.t.UID); ok {
				names := make([]string, len(c))
				for j, uid := range c {
					names[j] = name(uid)
				}
				add(l.row, "mspdi.col_preds", "work.dep_cycle", strings.Join(names, " → "))
				continue
			}
			edges = append(edges, depEdge{pred: k.PredUID, succ: l.t.UID})
			l.links = append(l.links, PredRef{Number: k.PredUID, Type: typ, Lag: lag})
		}
	}
}

// mspdiLagDays converts LinkLag to whole working days. LinkLag is in
// tenths of a minute whatever the format; working formats count
// MinutesPerDay to a day, elapsed ones (e-minutes … e-months) 24 hours to
// a calendar day, taken as 5/7 of a working day each. Percent formats lag
// by a share of the predecessor's duration, LinkLag being the percent.
func mspdiLagDays(k MSLink, minutesPerDay int64, predDays int) int {
	minutes := float64(k.LagTenths) / 10
	var days float64
	switch f := k.LagFormat; {
	case f == 19 || f == 20 || f == 51 || f == 52:
		days = float64(predDays) * float64(k.LagTenths) / 100
	case f == 4 || f == 6 || f == 8 || f == 10 || f == 12 || f == 36 || f == 38 || f == 40 || f == 42 || f == 44:
		days = minutes / 1440 * 5 / 7
	default:
		days = minutes / float64(minutesPerDay)
	}
	if math.IsNaN(days) || days > 1e6 || days < -1e6 {
		return maxPredLag + 1
	}
	return int(math.Round(days))
}

// insertImported writes one new task of an import.
func (s *Service) insertImported(ctx context.Context, tx *db.Tx, p *access.Principal, projectID int64, ss []Status, number int64, l *mspdiLine) (int64, error) {
	in := l.in
	rank, err := endOfColumn(ctx, tx, projectID, in.Status)
	if err != nil {
		return 0, err
	}
	now := db.Now()
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO tasks (project_id, parent_id, number, title, description, status, rank, priority, start_date, due_date,
		duration_days, milestone, estimate_min, remaining_min, progress, labels, customer_visible, created_by, created_ms, updated_ms, done_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		projectID, in.ParentID, number, in.Title, in.Description, in.Status, rank, in.Priority, nullDate(in.StartDate), nullDate(in.DueDate),
		max(l.duration, 1), l.t.Milestone, in.EstimateMin, in.RemainingMin, l.t.Percent, "", false, creator(p), now, now,
		doneMS(categoryOf(ss, in.Status), nil)).Scan(&id)
	if err != nil {
		return 0, err
	}
	if err := replacePeople(ctx, tx, "task_assignees", id, in.AssigneeIDs); err != nil {
		return 0, err
	}
	return id, audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "task", EntityID: id, Action: "create",
		Summary: "#" + strconv.FormatInt(number, 10) + " " + in.Title, After: map[string]any{"title": in.Title, "start_date": in.StartDate,
			"due_date": in.DueDate, "source": "mspdi"}, Internal: true})
}
