// Package calendar is the working calendar: which days are worked, given a
// weekly pattern (Saturday and Sunday off in China), public holidays, and
// the make-up working days (调休) that the State Council moves onto
// weekends around them. It is pure and uses only the standard library.
//
// Dates are a small Date type: the number of days since 1970-01-01 in the
// proleptic Gregorian calendar, with no time of day and no zone. Adding a
// day is adding 1; "2006-01-02" text converts both ways. Plans are made in
// dates, never instants, so a date never shifts with a time zone.
//
// Working-day arithmetic is built on one function, the ordinal of a date:
// the number of working days strictly before it (counted from an arbitrary
// origin). Two dates' ordinals differ by the working days between them,
// and the n-th working day is found by inverting the ordinal. Both take
// O(log E) for E exception days, so scheduling 10,000 tasks converts dates
// in microseconds.
package calendar

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Date is a calendar day: days since 1970-01-01. The zero value is
// 1970-01-01; use a separate flag where a date may be absent.
type Date int32

// Layout is the text form of a Date.
const Layout = "2006-01-02"

// ErrDate is returned by Parse for text that is not a YYYY-MM-DD date.
var ErrDate = errors.New("calendar: not a YYYY-MM-DD date")

// Parse reads "2006-01-02". Out-of-range days (2026-02-30) are errors.
func Parse(s string) (Date, error) {
	if len(s) != 10 {
		return 0, ErrDate
	}
	t, err := time.Parse(Layout, s)
	if err != nil {
		return 0, ErrDate
	}
	return Of(t), nil
}

// MustParse is Parse for literals in tests and data tables.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(fmt.Sprintf("calendar.MustParse(%q): %v", s, err))
	}
	return d
}

// Of is the date of t in t's own location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return FromYMD(y, m, d)
}

// FromYMD builds a date from its parts (normalising overflow like time.Date).
func FromYMD(y int, m time.Month, d int) Date {
	return Date(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// Time is the date at midnight UTC.
func (d Date) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String is "2006-01-02".
func (d Date) String() string { return d.Time().Format(Layout) }

// Weekday of the date (1970-01-01 was a Thursday).
func (d Date) Weekday() time.Weekday {
	w := (int(d) + 4) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// AddDays moves by calendar days.
func (d Date) AddDays(n int) Date { return d + Date(n) }

// Kind says how a listed day differs from the weekly pattern.
type Kind uint8

const (
	// Holiday: a day off, whatever weekday it falls on.
	Holiday Kind = iota + 1
	// Workday: a day worked, whatever weekday it falls on (调休上班).
	Workday
)

// String is the name stored in calendar_days.kind.
func (k Kind) String() string {
	switch k {
	case Holiday:
		return "holiday"
	case Workday:
		return "workday"
	}
	return "unknown"
}

// ParseKind reads "holiday" or "workday".
func ParseKind(s string) (Kind, bool) {
	switch s {
	case "holiday":
		return Holiday, true
	case "workday":
		return Workday, true
	}
	return 0, false
}

// Day is one listed exception to the weekly pattern.
type Day struct {
	Date Date
	Kind Kind
	Name string
}

// Calendar answers which days are worked. It is immutable after New and
// safe for concurrent use.
type Calendar struct {
	weekend [7]bool
	perWeek int // working weekdays in a week of the pattern
	// prefix[k] is the number of pattern working days among the first k
	// days of a week that starts on a Thursday (the epoch's weekday).
	prefix [8]int
	// Exceptions that change the pattern, sorted by date: a holiday on a
	// pattern working day (-1) or a workday on a pattern day off (+1).
	// Listed days that change nothing are dropped.
	exDates []Date
	exDelta []int8
	exCum   []int // exCum[i] = sum of exDelta[:i]
	exZero  int   // number of exceptions before the epoch
	names   map[Date]Day
}

// New builds a calendar. weekend lists the weekly days off; days lists the
// holidays and make-up workdays. When a date is listed twice, the later
// entry wins (so project rows can follow instance rows). A weekend that
// covers all seven days is treated as none: a calendar must have working
// days or nothing could ever be scheduled.
func New(weekend []time.Weekday, days []Day) *Calendar {
	c := &Calendar{names: make(map[Date]Day, len(days))}
	for _, w := range weekend {
		if w >= 0 && w <= 6 {
			c.weekend[w] = true
		}
	}
	for i := 0; i < 7; i++ {
		if !c.weekend[i] {
			c.perWeek++
		}
	}
	if c.perWeek == 0 {
		c.weekend = [7]bool{}
		c.perWeek = 7
	}
	for k := 0; k < 7; k++ {
		c.prefix[k+1] = c.prefix[k]
		if !c.weekend[(k+4)%7] {
			c.prefix[k+1]++
		}
	}
	for _, d := range days {
		if d.Kind == Holiday || d.Kind == Workday {
			c.names[d.Date] = d
		}
	}
	for date, d := range c.names {
		patternWork := !c.weekend[date.Weekday()]
		switch {
		case d.Kind == Holiday && patternWork:
			c.exDates = append(c.exDates, date)
		case d.Kind == Workday && !patternWork:
			c.exDates = append(c.exDates, date)
		}
	}
	slices.Sort(c.exDates)
	c.exDelta = make([]int8, len(c.exDates))
	c.exCum = make([]int, len(c.exDates)+1)
	for i, date := range c.exDates {
		if c.names[date].Kind == Holiday {
			c.exDelta[i] = -1
		} else {
			c.exDelta[i] = 1
		}
		c.exCum[i+1] = c.exCum[i] + int(c.exDelta[i])
	}
	c.exZero, _ = slices.BinarySearch(c.exDates, 0)
	return c
}

// Weekends is the usual Chinese working week: Saturday and Sunday off.
var Weekends = []time.Weekday{time.Saturday, time.Sunday}

// IsWorkday reports whether d is worked: a make-up workday always is, a
// holiday never is, otherwise the weekly pattern decides.
func (c *Calendar) IsWorkday(d Date) bool {
	if x, ok := c.names[d]; ok {
		return x.Kind == Workday
	}
	return !c.weekend[d.Weekday()]
}

// Lookup returns the listed exception on d, if any (for labels such as
// "春节" on a chart).
func (c *Calendar) Lookup(d Date) (Day, bool) {
	x, ok := c.names[d]
	return x, ok
}

// Days returns the listed exceptions in date order.
func (c *Calendar) Days() []Day {
	out := make([]Day, 0, len(c.names))
	for _, d := range c.names {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b Day) int { return int(a.Date - b.Date) })
	return out
}

// Ordinal is the number of working days strictly before d, counted from
// the epoch (negative before it). Ordinal(b) - Ordinal(a) is the number
// of working days in [a, b).
func (c *Calendar) Ordinal(d Date) int {
	return c.pattern(d) + c.exceptions(d)
}

// pattern counts the weekly pattern's working days in [epoch, d): whole
// weeks from the epoch (a Thursday), then the rest of the week.
func (c *Calendar) pattern(d Date) int {
	n := int(d)
	weeks, rest := n/7, n%7
	if rest < 0 {
		weeks--
		rest += 7
	}
	return weeks*c.perWeek + c.prefix[rest]
}

// exceptions is the net effect of the exceptions in [epoch, d) (or minus
// those in [d, epoch) before the epoch), so that Ordinal(epoch) == 0.
func (c *Calendar) exceptions(d Date) int {
	if len(c.exDates) == 0 {
		return 0
	}
	i, _ := slices.BinarySearch(c.exDates, d)
	return c.exCum[i] - c.exCum[c.exZero]
}

// patternNth is the working day numbered k under the weekly pattern alone.
func (c *Calendar) patternNth(k int) Date {
	weeks, r := k/c.perWeek, k%c.perWeek
	if r < 0 {
		weeks--
		r += c.perWeek
	}
	off := 0
	for c.prefix[off+1] <= r {
		off++
	}
	return Date(weeks*7 + off)
}

// Nth returns the working day whose ordinal is k: the (k+1)-th working
// day on or after the epoch for k >= 0. It inverts Ordinal:
// Ordinal(Nth(k)) == k and IsWorkday(Nth(k)).
func (c *Calendar) Nth(k int) Date {
	// Estimate under the weekly pattern with the exceptions around the
	// first guess (exact unless an exception lies in between), then
	// correct with jumps that can never overshoot: a working day takes at
	// least one calendar day.
	d := c.patternNth(k)
	if len(c.exDates) > 0 {
		d = c.patternNth(k - c.exceptions(d))
	}
	for {
		o := c.Ordinal(d)
		if o > k {
			d -= Date(o - k)
			continue
		}
		// o <= k: the answer is d or later.
		next := c.Ordinal(d + 1)
		if next > k { // d is the working day numbered k (o == k, d worked)
			return d
		}
		d += Date(k + 1 - next)
	}
}

// Next returns d when it is a working day, else the first working day
// after it.
func (c *Calendar) Next(d Date) Date { return c.Nth(c.Ordinal(d)) }

// Prev returns d when it is a working day, else the last working day
// before it.
func (c *Calendar) Prev(d Date) Date {
	if c.IsWorkday(d) {
		return d
	}
	return c.Nth(c.Ordinal(d) - 1)
}

// AddWorkdays moves n working days from d. From a working day, n = 1 is
// the next working day and n = -1 the previous one. A non-working d is
// first moved to the next working day, which counts as step zero: so
// AddWorkdays(saturday, 0) is Monday and AddWorkdays(saturday, 1) is
// Tuesday (for n < 0 the same anchor is used: Friday is -1 from Saturday).
func (c *Calendar) AddWorkdays(d Date, n int) Date {
	return c.Nth(c.Ordinal(d) + n)
}

// WorkdaysBetween counts the working days in [a, b): from a up to but not
// including b. It is negative when b is before a. The inclusive count of a
// task from start to finish is WorkdaysBetween(start, finish+1).
func (c *Calendar) WorkdaysBetween(a, b Date) int {
	return c.Ordinal(b) - c.Ordinal(a)
}

// Span returns the working days numbered k0 … k1-1 (Nth of each), found
// by one walk over the days rather than one search per day: converting a
// whole schedule's ordinals back to dates costs a few nanoseconds each.
func (c *Calendar) Span(k0, k1 int) []Date {
	if k1 <= k0 {
		return nil
	}
	out := make([]Date, 0, k1-k0)
	d := c.Nth(k0)
	i, _ := slices.BinarySearch(c.exDates, d)
	wd := int(d.Weekday())
	for {
		worked := !c.weekend[wd]
		if i < len(c.exDates) && c.exDates[i] == d {
			worked = c.exDelta[i] > 0
			i++
		}
		if worked {
			out = append(out, d)
			if len(out) == k1-k0 {
				return out
			}
		}
		d++
		if wd++; wd == 7 {
			wd = 0
		}
	}
}
