package evm

import (
	"math"
	"testing"

	"golive/internal/calendar"
)

var d = calendar.MustParse

func TestMulDivRoundsHalfAwayFromZero(t *testing.T) {
	for _, c := range []struct{ a, b, c, want int64 }{
		{1, 1, 2, 1}, {-1, 1, 2, -1}, {1, 1, 3, 0}, {2, 1, 3, 1}, {5, 1, -2, -3},
		{100, 2, 3, 67}, {1_000_000, 2400, 7200, 333_333},
		// products beyond int64: ¥100,000,000.00 × 10⁹ minutes
		{10_000_000_000, 1_000_000_000, 3_000_000_000, 3_333_333_333},
	} {
		got, ok := MulDiv(c.a, c.b, c.c)
		if !ok || got != c.want {
			t.Errorf("MulDiv(%d,%d,%d) = %d, want %d", c.a, c.b, c.c, got, c.want)
		}
	}
	if _, ok := MulDiv(1, 1, 0); ok {
		t.Error("division by zero reported as defined")
	}
}

// The worked example (docs/architecture.md, cost centre): BAC ¥10,000.00;
// T1 Mon 2 – Fri 6 March 2026, 5 person-days; T2 9–13 March, 10
// person-days; status date Tue 10 March; T1 finished on the 6th, T2 at
// 40 %; spent ¥1,500 on the 2nd, ¥3,000 on the 9th, ¥2,000 on the 10th.
func example() (*Plan, *Cumulative, calendar.Date) {
	tasks := []Task{
		{ID: 1, Start: d("2026-03-02"), End: d("2026-03-06"), EstimateMin: 2400, Progress: 100, DoneDay: d("2026-03-06")},
		{ID: 2, Start: d("2026-03-09"), End: d("2026-03-13"), EstimateMin: 4800, Progress: 40},
	}
	p := NewPlan(1_000_000, tasks, calendar.New(calendar.Weekends, nil))
	c := NewCumulative([]Actual{
		{Day: d("2026-03-09"), CostMinor: 300_000, EffortMin: 2400},
		{Day: d("2026-03-02"), CostMinor: 150_000, EffortMin: 1440},
		{Day: d("2026-03-10"), CostMinor: 200_000, EffortMin: 960},
	})
	return p, c, d("2026-03-10")
}

func TestPlannedValueSpreadsOverWorkingDays(t *testing.T) {
	p, _, _ := example()
	for _, c := range []struct {
		day      string
		pv, pvEf int64
	}{
		{"2026-03-01", 0, 0},
		{"2026-03-02", 66_667, 480}, // 480/7200 of BAC
		{"2026-03-04", 200_000, 1440},
		{"2026-03-07", 333_333, 2400}, // Saturday: nothing planned, ⅓ rounds down
		{"2026-03-08", 333_333, 2400},
		{"2026-03-10", 600_000, 4320},
		{"2026-03-13", 1_000_000, 7200},
		{"2026-12-31", 1_000_000, 7200},
	} {
		if got := p.PV(d(c.day)); got != c.pv {
			t.Errorf("PV(%s) = %d, want %d", c.day, got, c.pv)
		}
		if got := p.PVEffort(d(c.day)); got != c.pvEf {
			t.Errorf("PVEffort(%s) = %d, want %d", c.day, got, c.pvEf)
		}
	}
}

func near(r Ratio, want float64) bool { return r.OK && math.Abs(r.Value-want) < 1e-6 }

func TestStatusByHand(t *testing.T) {
	p, c, today := example()
	r := Status(p, c, today)
	m := r.Money
	if m.BAC != 1_000_000 || m.PV != 600_000 || m.EV != 600_000 || m.AC != 650_000 {
		t.Fatalf("BAC/PV/EV/AC = %d/%d/%d/%d", m.BAC, m.PV, m.EV, m.AC)
	}
	if m.SV != 0 || m.CV != -50_000 {
		t.Errorf("SV %d CV %d", m.SV, m.CV)
	}
	if !near(m.SPI, 1) || !near(m.CPI, 600_000.0/650_000) {
		t.Errorf("SPI %+v CPI %+v", m.SPI, m.CPI)
	}
	// BAC/CPI = 1,000,000 × 650,000 / 600,000 = 1,083,333.33…
	if m.EAC != (Amount{1_083_333, true}) || m.EACAtypical != (Amount{1_050_000, true}) || m.EACBoth != (Amount{1_083_333, true}) {
		t.Errorf("EAC %+v / %+v / %+v", m.EAC, m.EACAtypical, m.EACBoth)
	}
	if m.ETC != (Amount{433_333, true}) || m.VAC != (Amount{-83_333, true}) {
		t.Errorf("ETC %+v VAC %+v", m.ETC, m.VAC)
	}
	if !near(m.TCPI, 400_000.0/350_000) {
		t.Errorf("TCPI %+v", m.TCPI)
	}
	e := r.Effort
	if e.BAC != 7200 || e.PV != 4320 || e.EV != 4320 || e.AC != 4800 {
		t.Fatalf("effort BAC/PV/EV/AC = %d/%d/%d/%d", e.BAC, e.PV, e.EV, e.AC)
	}
	if !near(e.CPI, 0.9) || e.EAC != (Amount{8000, true}) {
		t.Errorf("effort CPI %+v EAC %+v", e.CPI, e.EAC)
	}
}

func TestZeroDenominatorsAreUndefined(t *testing.T) {
	f := Compute(0, 0, 0, 0)
	if f.SPI.OK || f.CPI.OK || f.EAC.OK || f.EACBoth.OK || f.ETC.OK || f.VAC.OK || f.TCPI.OK {
		t.Errorf("undefined figures reported as defined: %+v", f)
	}
	if !f.EACAtypical.OK || f.EACAtypical.Value != 0 {
		t.Errorf("AC + (BAC−EV) is always defined: %+v", f.EACAtypical)
	}
	// Money spent, nothing earned yet: CPI is 0, EAC is unknowable.
	f = Compute(1000, 500, 0, 200)
	if !near(f.CPI, 0) || f.EAC.OK || f.EACBoth.OK {
		t.Errorf("EV 0: CPI %+v EAC %+v both %+v", f.CPI, f.EAC, f.EACBoth)
	}
	// Spent the whole budget: TCPI undefined.
	if f := Compute(1000, 1000, 800, 1000); f.TCPI.OK {
		t.Errorf("TCPI with BAC = AC: %+v", f.TCPI)
	}
}

func TestTaskDaysAddUpToItsEstimate(t *testing.T) {
	// 100 minutes over three days: 33, 34, 33.
	p := NewPlan(300, []Task{{Start: d("2026-03-02"), End: d("2026-03-04"), EstimateMin: 100}}, calendar.New(calendar.Weekends, nil))
	want := []int64{33, 67, 100}
	for i, w := range want {
		if got := p.PVEffort(d("2026-03-02").AddDays(i)); got != w {
			t.Errorf("day %d: %d, want %d", i, got, w)
		}
	}
	if p.PV(d("2026-03-04")) != 300 {
		t.Error("PV does not end at BAC")
	}
}

func TestHolidaysCarryNoPlannedValue(t *testing.T) {
	cal := calendar.New(calendar.Weekends, []calendar.Day{
		{Date: d("2026-03-03"), Kind: calendar.Holiday},
		{Date: d("2026-03-07"), Kind: calendar.Workday}, // make-up Saturday
	})
	p := NewPlan(4000, []Task{{Start: d("2026-03-02"), End: d("2026-03-07"), EstimateMin: 400}}, cal)
	// Working days: 2, 4, 5, 6, 7 → 80 minutes each.
	for day, want := range map[string]int64{"2026-03-02": 800, "2026-03-03": 800, "2026-03-04": 1600, "2026-03-06": 3200, "2026-03-07": 4000} {
		if got := p.PV(d(day)); got != want {
			t.Errorf("PV(%s) = %d, want %d", day, got, want)
		}
	}
}

func TestWithoutEstimatesWorkingDaysWeigh(t *testing.T) {
	cal := calendar.New(calendar.Weekends, nil)
	p := NewPlan(900, []Task{
		{Start: d("2026-03-02"), End: d("2026-03-03"), Progress: 100}, // 2 days
		{Start: d("2026-03-04"), End: d("2026-03-04")},                // 1 day
	}, cal)
	if got := p.PV(d("2026-03-03")); got != 600 {
		t.Errorf("PV = %d, want 600", got)
	}
	if got := p.EV(d("2026-03-04"), d("2026-03-04")); got != 600 {
		t.Errorf("EV = %d, want 600", got)
	}
	if p.EffortMin != 0 {
		t.Errorf("effort BAC %d without estimates", p.EffortMin)
	}
}

func TestEmptyPlan(t *testing.T) {
	p := NewPlan(1000, nil, nil)
	c := NewCumulative([]Actual{{Day: d("2026-03-02"), CostMinor: 10}})
	r := Status(p, c, d("2026-03-05"))
	if r.Money.PV != 0 || r.Money.EV != 0 || r.Money.AC != 10 || r.Money.SPI.OK {
		t.Errorf("%+v", r.Money)
	}
	if pts := Curve(p, c, d("2026-03-05"), 120); len(pts) != 4 || pts[3].AC != 10 {
		t.Errorf("curve %+v", pts)
	}
}

func TestCurve(t *testing.T) {
	p, c, today := example()
	pts := Curve(p, c, today, 120)
	if len(pts) != 12 || pts[0].Day != d("2026-03-02") || pts[11].Day != d("2026-03-13") {
		t.Fatalf("days: %d %+v", len(pts), pts)
	}
	// Before today EV counts finished tasks only; after today no EV or AC.
	if pts[4].EV != 333_333 || pts[1].EV != 0 || pts[8].EV != 600_000 || pts[8].AC != 650_000 {
		t.Errorf("EV/AC: %+v %+v %+v", pts[1], pts[4], pts[8])
	}
	if pts[9].HasEV || pts[11].PV != 1_000_000 {
		t.Errorf("after today: %+v", pts[9])
	}
	// Weekly: Sundays, today and the last day.
	w := Curve(p, c, today, 5)
	var got []string
	for _, pt := range w {
		got = append(got, pt.Day.String())
	}
	if len(got) != 3 || got[0] != "2026-03-08" || got[1] != "2026-03-10" || got[2] != "2026-03-13" {
		t.Errorf("weekly: %v", got)
	}
}
