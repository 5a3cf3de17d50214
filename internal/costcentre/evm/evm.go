// Package evm computes earned value from a baseline plan, the progress of
// its tasks and actual costs. It is pure: no database, no HTTP, no clock.
//
// Units: money in integer fen, effort in integer minutes (shown as
// person-days of 8 hours by the caller). Every division that produces
// money or effort rounds half away from zero, once, at the end of the
// computation (see MulDiv), so the PV curve ends exactly at BAC and the
// figures of one table add up the way a reader checks them by hand.
// Ratios (SPI, CPI, TCPI) are float64 with a validity flag: a zero
// denominator gives an undefined ratio (shown as "—"), never Inf or NaN.
package evm

import (
	"math/big"
	"math/bits"
	"sort"

	"golive/internal/calendar"
)

// MinutesPerDay converts effort minutes to person-days.
const MinutesPerDay = 480

// Task is a leaf task of the baseline plan.
type Task struct {
	ID          int64
	Start, End  calendar.Date // baseline dates (inclusive)
	EstimateMin int64         // planned effort; the task's share of BAC
	Progress    int           // 0..100 now
	DoneDay     calendar.Date // day it was finished (0: not finished)
}

// Actual is what was spent on one day.
type Actual struct {
	Day       calendar.Date
	CostMinor int64 // fen
	EffortMin int64 // approved labor minutes
}

// MulDiv returns a×b/c rounded half away from zero, exactly (no overflow).
// c == 0 returns 0 and false.
func MulDiv(a, b, c int64) (int64, bool) {
	if c == 0 {
		return 0, false
	}
	// Fast path: the product fits in 63 bits (always, for realistic sums).
	ua, ub, uc := abs(a), abs(b), abs(c)
	if hi, lo := bits.Mul64(ua, ub); hi == 0 && lo < 1<<63 && uc < 1<<63 {
		q, r := lo/uc, lo%uc
		if 2*r >= uc {
			q++
		}
		if (a < 0) != (b < 0) != (c < 0) && q != 0 {
			return -int64(q), true
		}
		return int64(q), true
	}
	n := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
	d := big.NewInt(c)
	neg := (n.Sign() < 0) != (d.Sign() < 0)
	n.Abs(n)
	d.Abs(d)
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	if r.Lsh(r, 1).Cmp(d) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	return q.Int64(), true
}

func abs(v int64) uint64 {
	if v < 0 {
		return uint64(-v)
	}
	return uint64(v)
}

// Ratio is a quotient that may be undefined (zero denominator).
type Ratio struct {
	Value float64 `json:"value"`
	OK    bool    `json:"ok"` // false: undefined (zero denominator), shown as "—"
}

func ratio(num, den int64) Ratio {
	if den == 0 {
		return Ratio{}
	}
	return Ratio{Value: float64(num) / float64(den), OK: true}
}

// Amount is a money or effort figure that may be undefined (it needed a
// division by zero, e.g. EAC = BAC/CPI before any value is earned).
type Amount struct {
	Value int64 `json:"value"`
	OK    bool  `json:"ok"` // false: undefined (zero denominator), shown as "—"
}

func def(v int64) Amount { return Amount{Value: v, OK: true} }

// Figures are the earned-value indicators at one status date, all in one
// unit (fen or minutes).
type Figures struct {
	BAC         int64  `json:"bac"`
	PV          int64  `json:"pv"`
	EV          int64  `json:"ev"`
	AC          int64  `json:"ac"`
	SV          int64  `json:"sv"`           // EV − PV
	CV          int64  `json:"cv"`           // EV − AC
	SPI         Ratio  `json:"spi"`          // EV / PV
	CPI         Ratio  `json:"cpi"`          // EV / AC
	EAC         Amount `json:"eac"`          // BAC / CPI
	EACAtypical Amount `json:"eac_atypical"` // AC + (BAC − EV): the rest at plan rate
	EACBoth     Amount `json:"eac_cpi_spi"`  // AC + (BAC − EV)/(CPI×SPI)
	ETC         Amount `json:"etc"`          // EAC − AC
	VAC         Amount `json:"vac"`          // BAC − EAC
	TCPI        Ratio  `json:"tcpi"`         // (BAC − EV)/(BAC − AC)
}

// Compute derives every indicator from BAC, PV, EV and AC.
func Compute(bac, pv, ev, ac int64) Figures {
	f := Figures{BAC: bac, PV: pv, EV: ev, AC: ac, SV: ev - pv, CV: ev - ac}
	f.SPI = ratio(ev, pv)
	f.CPI = ratio(ev, ac)
	// EAC = BAC / CPI = BAC × AC / EV.
	if ev != 0 && ac != 0 {
		v, _ := MulDiv(bac, ac, ev)
		f.EAC = def(v)
	}
	f.EACAtypical = def(ac + bac - ev)
	// CPI × SPI = EV² / (AC × PV) → (BAC − EV) / (CPI × SPI) = (BAC−EV)×AC×PV / EV².
	if ev != 0 && ac != 0 && pv != 0 {
		n := new(big.Int).Mul(big.NewInt(bac-ev), big.NewInt(ac))
		n.Mul(n, big.NewInt(pv))
		d := new(big.Int).Mul(big.NewInt(ev), big.NewInt(ev))
		f.EACBoth = def(ac + roundQuo(n, d))
	}
	if f.EAC.OK {
		f.ETC = def(f.EAC.Value - ac)
		f.VAC = def(bac - f.EAC.Value)
	}
	f.TCPI = ratio(bac-ev, bac-ac)
	return f
}

func roundQuo(n, d *big.Int) int64 {
	neg := (n.Sign() < 0) != (d.Sign() < 0)
	n = new(big.Int).Abs(n)
	d = new(big.Int).Abs(d)
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	if r.Lsh(r, 1).Cmp(d) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	return q.Int64()
}

// Workdays tells which days are working days (a *calendar.Calendar).
type Workdays interface {
	IsWorkday(d calendar.Date) bool
}

// Plan is a baseline ready to be read at any date.
type Plan struct {
	BACMinor  int64 // budget at completion, fen
	EffortMin int64 // Σ weights: planned effort at completion, minutes
	Start     calendar.Date
	End       calendar.Date
	// cumWeight[i] is the planned effort (minutes, each task's share
	// rounded per day so a task's days sum to its estimate) from Start up
	// to and including Start+i.
	cumWeight []int64
	tasks     []Task
	weightSum int64 // Σ weights of tasks (== EffortMin unless estimates were all 0)
	weights   []int64
}

// NewPlan spreads each task's weight (its estimate; when no task has an
// estimate, its number of working days) evenly over the working days of
// its baseline window, and BAC over the plan in proportion to the weights.
// A task whose window has no working day puts its weight on its end day.
func NewPlan(bacMinor int64, tasks []Task, cal Workdays) *Plan {
	p := &Plan{BACMinor: bacMinor, tasks: tasks}
	if len(tasks) == 0 {
		return p
	}
	p.Start, p.End = tasks[0].Start, tasks[0].End
	for _, t := range tasks {
		if t.Start < p.Start {
			p.Start = t.Start
		}
		if t.End > p.End {
			p.End = t.End
		}
	}
	byEstimate := false
	for _, t := range tasks {
		if t.EstimateMin > 0 {
			byEstimate = true
		}
	}
	n := int(p.End-p.Start) + 1
	daily := make([]int64, n)
	p.weights = make([]int64, len(tasks))
	for i, t := range tasks {
		var days []calendar.Date
		for d := t.Start; d <= t.End; d++ {
			if cal == nil || cal.IsWorkday(d) {
				days = append(days, d)
			}
		}
		if len(days) == 0 {
			days = []calendar.Date{t.End}
		}
		w := t.EstimateMin
		if !byEstimate {
			w = int64(len(days))
		}
		if w < 0 {
			w = 0
		}
		p.weights[i] = w
		p.weightSum += w
		// Cumulative rounding: day k of m carries round(w×k/m) − round(w×(k−1)/m),
		// so the task's days add up to w exactly.
		var prev int64
		for k, d := range days {
			c, _ := MulDiv(w, int64(k+1), int64(len(days)))
			daily[int(d-p.Start)] += c - prev
			prev = c
		}
	}
	if byEstimate {
		p.EffortMin = p.weightSum
	} else {
		for _, t := range tasks {
			p.EffortMin += max(t.EstimateMin, 0)
		}
	}
	p.cumWeight = make([]int64, n)
	var run int64
	for i, v := range daily {
		run += v
		p.cumWeight[i] = run
	}
	return p
}

// plannedWeight is the cumulative planned weight at the end of day d.
func (p *Plan) plannedWeight(d calendar.Date) int64 {
	if len(p.cumWeight) == 0 || d < p.Start {
		return 0
	}
	if d >= p.End {
		return p.weightSum
	}
	return p.cumWeight[int(d-p.Start)]
}

// PV is the planned value (fen) at the end of day d.
func (p *Plan) PV(d calendar.Date) int64 {
	v, _ := MulDiv(p.BACMinor, p.plannedWeight(d), p.weightSum)
	return v
}

// PVEffort is the planned effort (minutes) at the end of day d.
func (p *Plan) PVEffort(d calendar.Date) int64 {
	v, _ := MulDiv(p.EffortMin, p.plannedWeight(d), p.weightSum)
	return v
}

// earnedWeight is Σ weight × progress% at day d: today's progress for the
// status date, otherwise 100 % for tasks finished by d (the only history
// of progress the plan keeps). It returns weight × percent (×100).
func (p *Plan) earnedWeight(d calendar.Date, today calendar.Date) int64 {
	var s int64
	for i, t := range p.tasks {
		switch {
		case d >= today:
			s += p.weights[i] * int64(min(max(t.Progress, 0), 100))
		case t.DoneDay != 0 && t.DoneDay <= d:
			s += p.weights[i] * 100
		}
	}
	return s
}

// EV is the earned value (fen) at day d; today is the status date whose
// progress is known.
func (p *Plan) EV(d, today calendar.Date) int64 {
	v, _ := MulDiv(p.BACMinor, p.earnedWeight(d, today), p.weightSum*100)
	return v
}

// EVEffort is the earned effort (minutes).
func (p *Plan) EVEffort(d, today calendar.Date) int64 {
	v, _ := MulDiv(p.EffortMin, p.earnedWeight(d, today), p.weightSum*100)
	return v
}

// Cumulative sums actuals up to and including each day asked for.
type Cumulative struct {
	days []calendar.Date
	cost []int64
	eff  []int64
}

// NewCumulative sorts and accumulates actual days.
func NewCumulative(as []Actual) *Cumulative {
	as = append([]Actual(nil), as...)
	sort.Slice(as, func(i, j int) bool { return as[i].Day < as[j].Day })
	c := &Cumulative{}
	var cs, es int64
	for _, a := range as {
		cs += a.CostMinor
		es += a.EffortMin
		if n := len(c.days); n > 0 && c.days[n-1] == a.Day {
			c.cost[n-1], c.eff[n-1] = cs, es
			continue
		}
		c.days = append(c.days, a.Day)
		c.cost = append(c.cost, cs)
		c.eff = append(c.eff, es)
	}
	return c
}

// At returns cumulative cost and effort at the end of day d.
func (c *Cumulative) At(d calendar.Date) (int64, int64) {
	i := sort.Search(len(c.days), func(i int) bool { return c.days[i] > d })
	if i == 0 {
		return 0, 0
	}
	return c.cost[i-1], c.eff[i-1]
}

// First is the first day with an actual (0 when none).
func (c *Cumulative) First() calendar.Date {
	if len(c.days) == 0 {
		return 0
	}
	return c.days[0]
}

// Result is the status at one date in money and in effort.
type Result struct {
	Money  Figures
	Effort Figures // minutes
}

// Status computes the indicators at the end of day today.
func Status(p *Plan, c *Cumulative, today calendar.Date) Result {
	ac, acEff := c.At(today)
	return Result{
		Money:  Compute(p.BACMinor, p.PV(today), p.EV(today, today), ac),
		Effort: Compute(p.EffortMin, p.PVEffort(today), p.EVEffort(today, today), acEff),
	}
}

// Point is one step of the S-curve (cumulative values at the end of Day).
type Point struct {
	Day        calendar.Date
	PV, EV, AC int64 // fen
	HasEV      bool  // EV and AC are known only up to the status date
}

// Curve samples cumulative PV, EV and AC from the plan's (or the first
// actual's) start to its end (or today, whichever is later): by day when
// that is at most maxDaily days, otherwise at the end of each week
// (Sunday) plus the last day. EV and AC stop at today.
func Curve(p *Plan, c *Cumulative, today calendar.Date, maxDaily int) []Point {
	start, end := p.Start, p.End
	if f := c.First(); f != 0 && (start == 0 || f < start) {
		start = f
	}
	if start == 0 {
		return nil
	}
	if today > end {
		end = today
	}
	var days []calendar.Date
	if int(end-start)+1 <= maxDaily {
		for d := start; d <= end; d++ {
			days = append(days, d)
		}
	} else {
		for d := start; d <= end; d++ {
			if d.Weekday() == 0 || d == end || d == today {
				days = append(days, d)
			}
		}
	}
	out := make([]Point, 0, len(days))
	for _, d := range days {
		pt := Point{Day: d, PV: p.PV(d)}
		if d <= today {
			pt.HasEV = true
			pt.EV = p.EV(d, today)
			pt.AC, _ = c.At(d)
		}
		out = append(out, pt)
	}
	return out
}
