package costcentre

import (
	"context"
	"testing"
	"unicode/utf8"
)

// FuzzPortfolioFilter: any query string is refused with a field or
// accepted with a known sort, never a panic.
func FuzzPortfolioFilter(f *testing.F) {
	for _, s := range [][3]string{{"", "", ""}, {"PA", "active", "-cpi"}, {"甲项目", "archived", "margin_pct"}, {"x", "closed", "--code"}, {"\x00", "", "-"}} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, q, status, sort string) {
		pf := PortfolioFilter{Q: q, Status: status, Sort: sort}
		if err := pf.Validate(); err != nil {
			return
		}
		if pf.Sort != "" {
			ok := false
			for _, k := range PortfolioSorts {
				ok = ok || pf.Sort == k || pf.Sort == "-"+k
			}
			if !ok {
				t.Fatalf("sort %q accepted", pf.Sort)
			}
		}
		if utf8.RuneCountInString(pf.Q) > 100 {
			t.Fatalf("long q accepted")
		}
	})
}

// FuzzPlannedCostsMonths: month bounds from the fund centre's request are
// refused with a field before any query, or are real months in order.
func FuzzPlannedCostsMonths(f *testing.F) {
	for _, s := range [][2]string{{"2026-01", "2026-12"}, {"2026-13", "2026-01"}, {"", ""}, {"2026-05", "2025-05"}, {"0001-01", "9999-12"}} {
		f.Add(s[0], s[1])
	}
	s := &Service{}
	f.Fuzz(func(t *testing.T, from, to string) {
		defer func() {
			// A valid range reaches the database, which this Service lacks.
			if r := recover(); r != nil && validMonths(from, to) {
				return
			} else if r != nil {
				t.Fatalf("panic on refused input %q %q: %v", from, to, r)
			}
		}()
		_, _ = s.PlannedCosts(context.Background(), 1, from, to)
	})
}
