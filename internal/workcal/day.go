package workcal

import (
	"strconv"
	"strings"
	"time"

	"golive/internal/apperr"
	"golive/internal/calendar"
	"golive/internal/validate"
)

// Years a calendar may be shown or edited for.
const (
	MinYear = 2000
	MaxYear = 2100
)

// Sources of a day's status, lowest layer first.
const (
	SourcePattern  = ""         // the weekly pattern alone
	SourceChina    = "china"    // China's shipped holidays and make-up days
	SourceInstance = "instance" // an administrator's override
	SourceProject  = "project"  // the project's own override
)

// DayInput sets one day: a holiday or a make-up working day, with a name.
type DayInput struct {
	Day     string `json:"-"` // from the path (API) or the form
	Kind    string `json:"kind" enum:"holiday,workday"`
	Name    string `json:"name" maxLength:"40"`
	Version int64  `json:"version"` // of the override being changed; 0 when the day has none
}

func (in *DayInput) Validate() error {
	var f apperr.Fields
	in.Day = strings.TrimSpace(in.Day)
	if d, err := calendar.Parse(in.Day); err != nil {
		f.Add("day", "validate.date")
	} else if y := d.Time().Year(); y < MinYear || y > MaxYear {
		f.Add("day", "workcal.year_range", MinYear, MaxYear)
	}
	in.Kind = strings.TrimSpace(in.Kind)
	if in.Kind == "" {
		f.Add("kind", "validate.required")
	} else {
		validate.Enum(&f, "kind", in.Kind, "holiday", "workday")
	}
	validate.Line(&f, "name", &in.Name, 1, 40)
	if in.Version < 0 {
		f.Add("version", "validate.required")
	}
	return f.Err()
}

// ResetInput puts a day back to the layer below.
type ResetInput struct {
	Version int64 `json:"version"`
}

// ParseYear reads a year parameter; "" is the current year in China.
func ParseYear(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Now().In(chinaZone).Year(), nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < MinYear || y > MaxYear {
		return 0, apperr.InvalidField("year", "workcal.year_range", MinYear, MaxYear)
	}
	return y, nil
}

var chinaZone = time.FixedZone("CST", 8*3600)

// Cell is one day of the year as the calendar shows it.
type Cell struct {
	Date     string `json:"date"`
	Day      int    `json:"-"`
	Weekday  int    `json:"weekday"` // 0 Sunday … 6 Saturday
	Working  bool   `json:"working"`
	Kind     string `json:"kind,omitempty"`    // holiday, workday: an exception to the week
	Name     string `json:"name,omitempty"`    // the exception's name
	Source   string `json:"source,omitempty"`  // which layer decided: china, instance, project
	Override int64  `json:"version,omitempty"` // version of this layer's own override, 0: none
	Estimate bool   `json:"provisional,omitempty"`
}

// Weekend reports whether the day is a Saturday or Sunday.
func (c Cell) Weekend() bool { return c.Weekday == 0 || c.Weekday == 6 }

// Class is the cell's look: work, off (weekend), holiday, makeup.
func (c Cell) Class() string {
	switch {
	case c.Kind == "holiday" && !c.Working:
		return "holiday"
	case c.Kind == "workday" && c.Working && c.Weekend():
		return "makeup"
	case c.Working:
		return "work"
	}
	return "off"
}

// Month is one month of cells with the blanks before its first day
// (weeks start on Monday, as Chinese calendars print them).
type Month struct {
	Month int    `json:"month"`
	Lead  []int  `json:"-"`
	Cells []Cell `json:"days"`
}

// Year is a calendar year of one layer stack.
type Year struct {
	Year        int     `json:"year"`
	ProjectID   int64   `json:"project_id"` // 0: the instance calendar
	Provisional bool    `json:"provisional"`
	Workdays    int     `json:"workdays"`
	Holidays    int     `json:"holidays"` // holiday days off on what would be a working weekday
	Makeups     int     `json:"makeups"`  // make-up working days on weekends
	Months      []Month `json:"months"`
	Exceptions  []Cell  `json:"exceptions"` // every listed day of the year, in date order
	Overrides   int     `json:"overrides"`  // this layer's own rows in the year
}

// Mon0 is the weekday counted from Monday (0) to Sunday (6).
func (c Cell) Mon0() int { return (c.Weekday + 6) % 7 }
