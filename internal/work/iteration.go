package work

import (
	"strconv"
	"time"

	"golive/internal/apperr"
	"golive/internal/calendar"
	"golive/internal/validate"
)

// Iteration statuses: a new iteration is planned (or active when today
// falls inside its dates); closing it is final.
const (
	IterPlanned = "planned"
	IterActive  = "active"
	IterClosed  = "closed"
)

// sprintDays is the default length of an iteration: two weeks.
const sprintDays = 14

// Iteration is a time box of a project's tasks, with its effort totals
// (minutes) over the tasks in it.
type Iteration struct {
	ID           int64  `json:"id"`
	ProjectID    int64  `json:"project_id"`
	Name         string `json:"name"`
	StartDate    string `json:"start_date"`
	EndDate      string `json:"end_date"`
	Goal         string `json:"goal"`
	Status       string `json:"status"`
	FocusPct     int    `json:"focus_pct"`
	Version      int64  `json:"version"`
	TaskCount    int    `json:"task_count"`
	CommittedMin int64  `json:"committed_min"`
	RemainingMin int64  `json:"remaining_min"`
	DoneMin      int64  `json:"done_min"`
}

// IterationInput is an iteration as sent. An empty end_date means two
// weeks from the start; version is required on update.
type IterationInput struct {
	Name      string `json:"name"`
	StartDate string `json:"start_date"`
	EndDate   string `json:"end_date"`
	Goal      string `json:"goal"`
	// FocusPct is the share of a working day spent on planned work, for
	// the default capacity (10–100; 0 means the default, 70).
	FocusPct int   `json:"focus_pct" minimum:"0" maximum:"100"`
	Version  int64 `json:"version"`
}

// defaultFocus is the focus factor of an iteration the PM has not tuned.
const defaultFocus = 70

func (in *IterationInput) Validate(update bool) error {
	var f apperr.Fields
	if in.FocusPct == 0 {
		in.FocusPct = defaultFocus
	} else if in.FocusPct < 10 || in.FocusPct > 100 {
		f.Add("focus_pct", "iterations.focus_range")
	}
	validate.Line(&f, "name", &in.Name, 1, 60)
	validate.Text(&f, "goal", &in.Goal, 0, 2000)
	validate.Date(&f, "start_date", &in.StartDate, true)
	validate.Date(&f, "end_date", &in.EndDate, false)
	if !f.Has("start_date") && !f.Has("end_date") {
		if in.EndDate == "" {
			in.EndDate = DefaultIterationEnd(in.StartDate)
		} else if in.EndDate < in.StartDate {
			f.Add("end_date", "iterations.end_before_start")
		}
	}
	if update && in.Version <= 0 {
		f.Add("version", "validate.required")
	}
	return f.Err()
}

// DefaultIterationEnd is the last day of a two-week iteration starting on
// start (a valid date).
func DefaultIterationEnd(start string) string {
	d, err := time.Parse(time.DateOnly, start)
	if err != nil {
		return start
	}
	return d.AddDate(0, 0, sprintDays-1).Format(time.DateOnly)
}

// AssignInput puts tasks into an iteration; iteration_id 0 returns them to
// the backlog.
type AssignInput struct {
	TaskIDs     []int64 `json:"task_ids"`
	IterationID int64   `json:"iteration_id"`
}

// CloseInput closes an iteration: its unfinished tasks go to move_to (an
// open iteration of the project) or, with 0, to the backlog.
type CloseInput struct {
	MoveTo  int64 `json:"move_to"`
	Version int64 `json:"version"`
}

// BurnPoint is one working day of a burndown: the remaining effort
// (minutes; -1 for a day still to come) and the ideal line.
type BurnPoint struct {
	Day       string  `json:"day"`
	Remaining int64   `json:"remaining_min"`
	Ideal     float64 `json:"ideal_min"`
}

// Burndown is an iteration's chart data.
type Burndown struct {
	Iteration Iteration   `json:"iteration"`
	Points    []BurnPoint `json:"points"`
}

// Velocity is the completed estimate of one closed iteration.
type Velocity struct {
	IterationID int64  `json:"iteration_id"`
	Name        string `json:"name"`
	DoneMin     int64  `json:"done_min"`
}

// BurnLine lays the working days (of cal, the project's calendar, so
// public holidays are not days the team is expected to burn) from start
// to end with the ideal line
// falling from total to zero; a day up to today takes the last known
// remaining value (remaining holds those known), later days are -1.
func BurnLine(cal *calendar.Calendar, start, end, today string, total int64, remaining map[string]int64) []BurnPoint {
	s, err1 := time.Parse(time.DateOnly, start)
	e, err2 := time.Parse(time.DateOnly, end)
	if err1 != nil || err2 != nil || e.Before(s) {
		return []BurnPoint{}
	}
	var days []string
	for d := s; !d.After(e); d = d.AddDate(0, 0, 1) {
		if cal.IsWorkday(calendar.Of(d)) {
			days = append(days, d.Format(time.DateOnly))
		}
	}
	out := make([]BurnPoint, 0, len(days))
	last := total
	for i, day := range days {
		ideal := float64(total)
		if len(days) > 1 {
			ideal = float64(total) * float64(len(days)-1-i) / float64(len(days)-1)
		}
		p := BurnPoint{Day: day, Ideal: ideal, Remaining: -1}
		if day <= today {
			if v, ok := remaining[day]; ok {
				last = v
			}
			p.Remaining = last
		}
		out = append(out, p)
	}
	return out
}

// H shows minutes of effort as hours for the pages ("7.5").
func (Iteration) H(min int64) string {
	return strconv.FormatFloat(float64(min)/60, 'f', -1, 64)
}
