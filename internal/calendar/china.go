package calendar

import "slices"

// China's public holidays and make-up working days (调休上班).
//
// 2025: 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号,
// 12 November 2024). 2026: 国务院办公厅关于2026年部分节假日安排的通知
// (4 November 2025).
//
// 2027 is PROVISIONAL: the State Council publishes each year's schedule in
// the November before, and 2027's was not available when this table was
// written. Its entries follow the rules stated in the 2025 notice (春节 8
// days from 除夕, 劳动节 5 days, 国庆节 7 days from 1 October, the other
// festivals 3 days or the day alone when it falls on a Wednesday) on the
// lunar dates of 2027, and every name says 暂定. Replace them with the
// official schedule once it is out; administrators can already correct
// them per instance or per project in the calendar_days table.

type chinaSpan struct {
	name     string
	from, to string   // holiday span, inclusive
	workdays []string // make-up working days
}

var chinaYears = map[int][]chinaSpan{
	2025: {
		{"元旦", "2025-01-01", "2025-01-01", nil},
		{"春节", "2025-01-28", "2025-02-04", []string{"2025-01-26", "2025-02-08"}},
		{"清明节", "2025-04-04", "2025-04-06", nil},
		{"劳动节", "2025-05-01", "2025-05-05", []string{"2025-04-27"}},
		{"端午节", "2025-05-31", "2025-06-02", nil},
		{"国庆节、中秋节", "2025-10-01", "2025-10-08", []string{"2025-09-28", "2025-10-11"}},
	},
	2026: {
		{"元旦", "2026-01-01", "2026-01-03", []string{"2026-01-04"}},
		{"春节", "2026-02-15", "2026-02-23", []string{"2026-02-14", "2026-02-28"}},
		{"清明节", "2026-04-04", "2026-04-06", nil},
		{"劳动节", "2026-05-01", "2026-05-05", []string{"2026-05-09"}},
		{"端午节", "2026-06-19", "2026-06-21", nil},
		{"中秋节", "2026-09-25", "2026-09-27", nil},
		{"国庆节", "2026-10-01", "2026-10-07", []string{"2026-09-20", "2026-10-10"}},
	},
	// PROVISIONAL (see above): not yet published by the State Council.
	2027: {
		{"元旦（暂定）", "2027-01-01", "2027-01-03", nil},
		{"春节（暂定）", "2027-02-05", "2027-02-12", []string{"2027-01-31", "2027-02-20"}},
		{"清明节（暂定）", "2027-04-03", "2027-04-05", nil},
		{"劳动节（暂定）", "2027-05-01", "2027-05-05", []string{"2027-05-08"}},
		{"端午节（暂定）", "2027-06-09", "2027-06-09", nil},
		{"中秋节（暂定）", "2027-09-15", "2027-09-15", nil},
		{"国庆节（暂定）", "2027-10-01", "2027-10-07", []string{"2027-09-26", "2027-10-09"}},
	},
}

// ChinaYears lists the years China returns data for.
func ChinaYears() []int { return []int{2025, 2026, 2027} }

// China returns the holidays (every day of each span, weekends included, so
// a chart can label them) and make-up workdays of the given years, in date
// order. Unknown years give nothing.
func China(years ...int) []Day {
	if len(years) == 0 {
		years = ChinaYears()
	}
	var out []Day
	for _, y := range years {
		for _, s := range chinaYears[y] {
			for d := MustParse(s.from); d <= MustParse(s.to); d++ {
				out = append(out, Day{Date: d, Kind: Holiday, Name: s.name})
			}
			for _, w := range s.workdays {
				out = append(out, Day{Date: MustParse(w), Kind: Workday, Name: s.name + "调休上班"})
			}
		}
	}
	sortDays(out)
	return out
}

// ChinaCalendar is the standard Chinese working calendar for the years
// China knows: Saturday and Sunday off, public holidays, make-up days.
func ChinaCalendar() *Calendar { return New(Weekends, China()) }

func sortDays(ds []Day) {
	slices.SortStableFunc(ds, func(a, b Day) int { return int(a.Date - b.Date) })
}
