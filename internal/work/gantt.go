package work

// The Gantt chart, scheduling and baselines (gantt*.go).
//
// The plan is what the tasks table says: each task's start and due date.
// The chart draws it; the critical path method (internal/schedule) runs
// over it with every dated task's start as a start-no-earlier-than, so a
// consistent plan keeps its dates and the analysis adds float and the
// critical path. Durations are working days on the project's calendar
// (weekends, China's holidays and make-up days, the instance's and the
// project's calendar_days rows): from start to due inclusive when both are
// set, else duration_days; a task flagged milestone has none.
//
// Dragging a bar (or the reschedule form) moves one task and pushes its
// successors just far enough for their dependencies (schedule.Push), all
// in one transaction with one audit row and one live notice per task moved.
// It is refused, changing nothing, when the task's version is stale (409),
// when a predecessor does not allow the start, or when a moved task would
// leave its phase's dates (400 naming the task).
//
// A baseline freezes every live task's start and due date under a name;
// the chart draws a chosen baseline under the bars with the slippage of
// each task's finish in working days.
//
// Cancelled tasks are drawn but take no part in the schedule (their
// dependencies are ignored). Customers see customer-visible tasks only:
// the critical path is computed on the whole plan, then filtered.

import (
	"golive/internal/apperr"
	"golive/internal/calendar"
	"golive/internal/validate"
)

// ScheduledTask is one task with its plan and critical-path figures, as
// GET /api/v1/projects/{id}/schedule returns it.
type ScheduledTask struct {
	ID              int64   `json:"id"`
	Number          int64   `json:"number"`
	Title           string  `json:"title"`
	ParentID        *int64  `json:"parent_id"`
	PhaseID         *int64  `json:"phase_id"`
	Status          string  `json:"status"`
	Milestone       bool    `json:"milestone"`
	CustomerVisible bool    `json:"customer_visible"`
	StartDate       string  `json:"start_date" format:"date"`
	DueDate         string  `json:"due_date" format:"date"`
	DurationDays    int     `json:"duration_days"`
	Progress        float64 `json:"progress"` // rolled up from subtasks, weighted by effort
	Scheduled       bool    `json:"scheduled"`
	ES              string  `json:"es,omitempty" format:"date"`
	EF              string  `json:"ef,omitempty" format:"date"`
	LS              string  `json:"ls,omitempty" format:"date"`
	LF              string  `json:"lf,omitempty" format:"date"`
	TotalFloat      int     `json:"total_float"`
	Critical        bool    `json:"critical"`
	BaselineStart   string  `json:"baseline_start,omitempty" format:"date"`
	BaselineDue     string  `json:"baseline_due,omitempty" format:"date"`
	SlipDays        *int    `json:"slip_days,omitempty"` // finish against the baseline, working days (late > 0)
	Version         int64   `json:"version"`
}

// Schedule is the critical-path analysis of a project's plan.
type Schedule struct {
	ProjectID  int64           `json:"project_id"`
	Start      string          `json:"start" format:"date"`
	Finish     string          `json:"finish" format:"date"`
	BaselineID int64           `json:"baseline_id,omitempty"`
	Critical   []int64         `json:"critical"` // critical task ids by early start
	Tasks      []ScheduledTask `json:"tasks"`
	Deps       []ScheduledDep  `json:"dependencies"`
	// Cycle names the tasks of a dependency cycle ("#3 A → #5 B → #3 A")
	// when the stored graph has one; there is no analysis then.
	Cycle string `json:"cycle,omitempty"`
}

// ScheduledDep is a dependency between two tasks the caller sees.
type ScheduledDep struct {
	PredID   int64  `json:"pred_id"`
	SuccID   int64  `json:"succ_id"`
	Type     string `json:"type" enum:"FS,SS,FF,SF"`
	LagDays  int    `json:"lag_days"`
	Critical bool   `json:"critical"`
}

// RescheduleInput moves a task to a new start.
type RescheduleInput struct {
	StartDate string `json:"start_date" format:"date"`
	Version   int64  `json:"version"`
}

// Validate checks the date and the version the move was made against.
func (in *RescheduleInput) Validate() error {
	var f apperr.Fields
	validate.Date(&f, "start_date", &in.StartDate, true)
	if !f.Has("start_date") {
		if d, err := calendar.Parse(in.StartDate); err != nil || d.Time().Year() < 2000 || d.Time().Year() > 2100 {
			f.Add("start_date", "gantt.date_range")
		}
	}
	if in.Version <= 0 {
		f.Add("version", "validate.required")
	}
	return f.Err()
}

// MovedTask is a task whose dates a reschedule changed.
type MovedTask struct {
	ID        int64  `json:"id"`
	Number    int64  `json:"number"`
	Title     string `json:"title"`
	StartDate string `json:"start_date" format:"date"`
	DueDate   string `json:"due_date" format:"date"`
	Version   int64  `json:"version"`
}

// Rescheduled is the answer to a reschedule: the moved task first, then
// the successors it pushed.
type Rescheduled struct {
	Moved []MovedTask `json:"moved"`
}

// Baseline is a named, frozen copy of the plan's dates.
type Baseline struct {
	ID            int64  `json:"id"`
	ProjectID     int64  `json:"project_id"`
	Name          string `json:"name"`
	CreatedBy     *int64 `json:"created_by"`
	CreatedByName string `json:"created_by_name"`
	CreatedMS     int64  `json:"created_ms"`
	TaskCount     int    `json:"task_count"`
}

// BaselineInput names a new baseline.
type BaselineInput struct {
	Name string `json:"name" maxLength:"100"`
}

func (in *BaselineInput) Validate() error {
	var f apperr.Fields
	validate.Line(&f, "name", &in.Name, 1, 100)
	return f.Err()
}
