package calendar

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestParseAndString(t *testing.T) {
	for _, tc := range []struct {
		in   string
		ok   bool
		want time.Weekday
	}{
		{"1970-01-01", true, time.Thursday},
		{"2026-01-05", true, time.Monday},
		{"2024-02-29", true, time.Thursday},
		{"1969-12-31", true, time.Wednesday},
		{"2026-02-30", false, 0},
		{"2026-1-5", false, 0},
		{"", false, 0},
		{"2026-01-05T00:00:00Z", false, 0},
		{"20260105", false, 0},
	} {
		d, err := Parse(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("Parse(%q) err = %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		if !tc.ok {
			continue
		}
		if d.String() != tc.in {
			t.Errorf("Parse(%q).String() = %q", tc.in, d.String())
		}
		if d.Weekday() != tc.want {
			t.Errorf("%s is a %s, want %s", tc.in, d.Weekday(), tc.want)
		}
		if d.Weekday() != d.Time().Weekday() {
			t.Errorf("%s: Weekday %s disagrees with time %s", tc.in, d.Weekday(), d.Time().Weekday())
		}
	}
}

func TestChinaIsWorkday(t *testing.T) {
	c := ChinaCalendar()
	for _, tc := range []struct {
		day  string
		work bool
		why  string
	}{
		{"2026-01-01", false, "元旦 (Thursday)"},
		{"2026-01-02", false, "元旦 bridge Friday"},
		{"2026-01-04", true, "Sunday make-up day for 元旦"},
		{"2026-01-05", true, "ordinary Monday"},
		{"2026-01-10", false, "ordinary Saturday"},
		{"2026-02-13", true, "Friday before 春节"},
		{"2026-02-14", true, "Saturday make-up day for 春节"},
		{"2026-02-16", false, "除夕 (Monday)"},
		{"2026-02-23", false, "last day of 春节 (Monday)"},
		{"2026-02-24", true, "first day back"},
		{"2026-02-28", true, "Saturday make-up day after 春节"},
		{"2026-04-06", false, "清明 Monday"},
		{"2026-05-05", false, "劳动节 Tuesday"},
		{"2026-05-09", true, "Saturday make-up for 劳动节"},
		{"2026-06-19", false, "端午 Friday"},
		{"2026-09-20", true, "Sunday make-up for 国庆"},
		{"2026-09-25", false, "中秋 Friday"},
		{"2026-10-07", false, "国庆 Wednesday"},
		{"2026-10-10", true, "Saturday make-up for 国庆"},
		{"2026-10-11", false, "ordinary Sunday"},
		{"2025-01-26", true, "2025 春节 Sunday make-up"},
		{"2025-02-04", false, "2025 春节 last day"},
		{"2025-10-08", false, "2025 国庆/中秋 8th day"},
		{"2025-10-11", true, "2025 Saturday make-up"},
		{"2027-02-08", false, "2027 春节 (provisional)"},
	} {
		if got := c.IsWorkday(MustParse(tc.day)); got != tc.work {
			t.Errorf("%s (%s): IsWorkday = %v, want %v", tc.day, tc.why, got, tc.work)
		}
	}
}

func TestChinaNames(t *testing.T) {
	for _, d := range China(2027) {
		if !strings.Contains(d.Name, "暂定") {
			t.Errorf("2027 entry %s %q is not marked provisional", d.Date, d.Name)
		}
	}
	for _, d := range China(2025, 2026) {
		if strings.Contains(d.Name, "暂定") {
			t.Errorf("official entry %s %q is marked provisional", d.Date, d.Name)
		}
	}
	// 2026: 3+9+3+5+3+3+7 holidays and 6 make-up days.
	var hol, work int
	for _, d := range China(2026) {
		if d.Kind == Holiday {
			hol++
		} else {
			work++
		}
	}
	if hol != 33 || work != 6 {
		t.Errorf("2026 has %d holidays and %d make-up days, want 33 and 6", hol, work)
	}
	if len(China(1999)) != 0 {
		t.Error("an unknown year returned data")
	}
}

func TestAddWorkdays(t *testing.T) {
	china := ChinaCalendar()
	plain := New(Weekends, nil)
	// A project calendar: a company holiday on a Wednesday and a Saturday
	// worked for a cut-over weekend.
	custom := New(Weekends, []Day{
		{Date: MustParse("2026-03-11"), Kind: Holiday, Name: "厂庆"},
		{Date: MustParse("2026-03-14"), Kind: Workday, Name: "切换周末"},
	})
	for _, tc := range []struct {
		name string
		cal  *Calendar
		from string
		n    int
		want string
	}{
		{"plain +1 Friday → Monday", plain, "2026-03-06", 1, "2026-03-09"},
		{"plain +5 is a week", plain, "2026-03-09", 5, "2026-03-16"},
		{"plain -1 Monday → Friday", plain, "2026-03-09", -1, "2026-03-06"},
		{"plain 0 on a workday", plain, "2026-03-10", 0, "2026-03-10"},
		{"plain 0 on Saturday → Monday", plain, "2026-03-07", 0, "2026-03-09"},
		{"plain +1 from Saturday → Tuesday", plain, "2026-03-07", 1, "2026-03-10"},
		{"plain -1 from Saturday → Friday", plain, "2026-03-07", -1, "2026-03-06"},
		{"china over 春节", china, "2026-02-13", 2, "2026-02-24"},
		{"china onto a make-up Saturday", china, "2026-02-13", 1, "2026-02-14"},
		{"china back over 春节", china, "2026-02-24", -2, "2026-02-13"},
		{"china over 国庆 and its make-up", china, "2026-09-30", 1, "2026-10-08"},
		{"china make-up Saturday counts", china, "2026-10-09", 1, "2026-10-10"},
		{"china 0 on a holiday", china, "2026-10-01", 0, "2026-10-08"},
		{"china -1 from a holiday", china, "2026-10-01", -1, "2026-09-30"},
		{"china across 元旦 into 2026", china, "2025-12-31", 1, "2026-01-04"},
		{"china 2025 春节", china, "2025-01-27", 1, "2025-02-05"},
		{"custom skips the company holiday", custom, "2026-03-10", 1, "2026-03-12"},
		{"custom works the Saturday", custom, "2026-03-13", 1, "2026-03-14"},
		{"custom long span", custom, "2026-03-09", 10, "2026-03-23"},
		{"plain before the epoch", plain, "1969-12-29", 5, "1970-01-05"},
	} {
		got := tc.cal.AddWorkdays(MustParse(tc.from), tc.n).String()
		if got != tc.want {
			t.Errorf("%s: AddWorkdays(%s, %d) = %s, want %s", tc.name, tc.from, tc.n, got, tc.want)
		}
	}
}

func TestWorkdaysBetween(t *testing.T) {
	china := ChinaCalendar()
	// Brute force is the specification: count the worked days one by one.
	brute := func(c *Calendar, a, b Date) int {
		n, sign := 0, 1
		if b < a {
			a, b, sign = b, a, -1
		}
		for d := a; d < b; d++ {
			if c.IsWorkday(d) {
				n++
			}
		}
		return sign * n
	}
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"2026-03-09", "2026-03-16", 5},
		{"2026-03-16", "2026-03-09", -5},
		{"2026-03-09", "2026-03-09", 0},
		{"2026-02-09", "2026-03-02", 11},  // Feb 9–13 (5), Feb 14 (make-up), Feb 24–27 (4), Feb 28 (make-up)
		{"2026-09-28", "2026-10-12", 6},   // Sep 28–30, Oct 8, 9 and the make-up Saturday Oct 10
		{"2026-01-01", "2027-01-01", 248}, // 261 weekdays - 19 holidays on weekdays + 6 make-up days
		{"2025-01-01", "2026-01-01", 248}, // 261 - 18 + 5
	} {
		got := china.WorkdaysBetween(MustParse(tc.a), MustParse(tc.b))
		if got != tc.want {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if b := brute(china, MustParse(tc.a), MustParse(tc.b)); b != got {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, brute force %d", tc.a, tc.b, got, b)
		}
	}
}

// TestAgainstBruteForce checks Ordinal, Nth, AddWorkdays and
// WorkdaysBetween against day-by-day stepping on random calendars.
func TestAgainstBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 40; round++ {
		var weekend []time.Weekday
		for w := time.Sunday; w <= time.Saturday; w++ {
			if r.IntN(4) == 0 {
				weekend = append(weekend, w)
			}
		}
		base := MustParse("2025-11-01")
		var days []Day
		for i := 0; i < r.IntN(60); i++ {
			k := Holiday
			if r.IntN(2) == 0 {
				k = Workday
			}
			days = append(days, Day{Date: base + Date(r.IntN(200)-20), Kind: k})
		}
		c := New(weekend, days)
		step := func(d Date, n int) Date { // the brute-force AddWorkdays
			for !c.IsWorkday(d) {
				d++
			}
			for ; n > 0; n-- {
				d++
				for !c.IsWorkday(d) {
					d++
				}
			}
			for ; n < 0; n++ {
				d--
				for !c.IsWorkday(d) {
					d--
				}
			}
			return d
		}
		for i := 0; i < 200; i++ {
			d := base + Date(r.IntN(260)-40)
			n := r.IntN(80) - 40
			if got, want := c.AddWorkdays(d, n), step(d, n); got != want {
				t.Fatalf("round %d weekend %v: AddWorkdays(%s, %d) = %s, want %s", round, weekend, d, n, got, want)
			}
			e := d + Date(r.IntN(100)-50)
			want := 0
			for x := min(d, e); x < max(d, e); x++ {
				if c.IsWorkday(x) {
					want++
				}
			}
			if e < d {
				want = -want
			}
			if got := c.WorkdaysBetween(d, e); got != want {
				t.Fatalf("round %d: WorkdaysBetween(%s, %s) = %d, want %d", round, d, e, got, want)
			}
			if w := c.Nth(c.Ordinal(d)); c.IsWorkday(d) && w != d {
				t.Fatalf("round %d: Nth(Ordinal(%s)) = %s", round, d, w)
			}
		}
	}
}

func TestLaterEntryWinsAndAllWeekend(t *testing.T) {
	d := MustParse("2026-10-10") // a make-up Saturday in the instance calendar
	c := New(Weekends, append(China(2026), Day{Date: d, Kind: Holiday, Name: "项目停工"}))
	if c.IsWorkday(d) {
		t.Error("the project's holiday did not override the instance's make-up day")
	}
	if x, _ := c.Lookup(d); x.Name != "项目停工" {
		t.Errorf("Lookup = %+v", x)
	}
	all := New([]time.Weekday{0, 1, 2, 3, 4, 5, 6}, nil)
	if !all.IsWorkday(d) || all.AddWorkdays(d, 3) != d+3 {
		t.Error("a seven-day weekend should fall back to working every day")
	}
}

func BenchmarkAddWorkdays(b *testing.B) {
	c := ChinaCalendar()
	d := MustParse("2026-01-05")
	for i := 0; b.Loop(); i++ {
		_ = c.AddWorkdays(d, i%500)
	}
}

func TestSpan(t *testing.T) {
	c := ChinaCalendar()
	k0 := c.Ordinal(MustParse("2025-12-20"))
	got := c.Span(k0, k0+300)
	if len(got) != 300 {
		t.Fatalf("Span returned %d days", len(got))
	}
	for i, d := range got {
		if want := c.Nth(k0 + i); d != want {
			t.Fatalf("Span[%d] = %s, Nth = %s", i, d, want)
		}
	}
	if c.Span(5, 5) != nil {
		t.Error("empty span is not empty")
	}
}
