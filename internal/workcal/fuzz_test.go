package workcal_test

import (
	"strconv"
	"testing"

	"golive/internal/workcal"
)

// Year parameters and day forms come from the outside: nothing may panic,
// and whatever is accepted is inside the supported range.
func FuzzDayInput(f *testing.F) {
	f.Add("2026", "2026-05-04", "holiday", "劳动节")
	f.Add("", "2027-02-30", "workday", "")
	f.Add("-1", "1999-12-31", "vacation", " ")
	f.Fuzz(func(t *testing.T, year, day, kind, name string) {
		if y, err := workcal.ParseYear(year); err == nil && (y < workcal.MinYear || y > workcal.MaxYear) {
			t.Fatalf("ParseYear(%q) = %d", year, y)
		}
		in := workcal.DayInput{Day: day, Kind: kind, Name: name}
		if in.Validate() == nil {
			y, err := strconv.Atoi(in.Day[:4])
			if err != nil || y < workcal.MinYear || y > workcal.MaxYear || (in.Kind != "holiday" && in.Kind != "workday") || in.Name == "" {
				t.Fatalf("accepted %+v", in)
			}
		}
	})
}
