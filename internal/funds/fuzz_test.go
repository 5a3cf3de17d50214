package funds_test

import (
	"bytes"
	"testing"

	"golive/internal/funds"
	"golive/internal/web"
)

// A payment schedule arrives as JSON from the API (and row by row from the
// form): nothing may panic, and a schedule that passes validation and the
// split always adds up to the contract total exactly, with every milestone
// between 0 and the total.
func FuzzSchedule(f *testing.F) {
	f.Add(`{"version":1,"milestones":[{"kind":"advance","share_bp":3000,"trigger":"date","planned_date":"2026-01-15"},{"kind":"progress","share_bp":7000,"trigger":"date","planned_date":"2026-03-01"}]}`, int64(106_000_000))
	f.Add(`{"version":1,"milestones":[{"kind":"other","amount_minor":100,"trigger":"date","planned_date":"2026-02-30"}]}`, int64(100))
	f.Add(`{"version":1,"milestones":[{"kind":"retention","share_bp":3333,"trigger":"milestone","trigger_id":7,"warranty_months":12},{"kind":"other","share_bp":6667,"trigger":"date","planned_date":"2026-01-31"}]}`, int64(1))
	f.Add(`{"milestones":[{"share_bp":-1}]}`, int64(-5))
	f.Fuzz(func(t *testing.T, body string, total int64) {
		var in funds.ScheduleInput
		if web.DecodeJSON(bytes.NewReader([]byte(body)), &in) != nil || in.Validate() != nil {
			return
		}
		if total < 0 || total > funds.MaxAmountMinor {
			return
		}
		amounts, err := funds.SplitShares(total, in.Milestones)
		if err != nil {
			return
		}
		var sum int64
		for _, a := range amounts {
			if a < 0 || a > total {
				t.Fatalf("milestone of %d in a total of %d: %v", a, total, amounts)
			}
			sum += a
		}
		if sum != total {
			t.Fatalf("milestones add up to %d, not %d: %v", sum, total, amounts)
		}
		for _, m := range in.Milestones {
			if d := funds.DueDate(m.Trigger, m.PlannedDate, m.PlannedDate, m.WarrantyMonths); m.PlannedDate != "" && len(d) != 10 {
				t.Fatalf("due date %q from %q + %d months", d, m.PlannedDate, m.WarrantyMonths)
			}
		}
	})
}

// Months of the forecast come from the query string.
func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"2026-03", "", "2026-13", "99999-01", "2026-3", "１２"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := funds.ParseMonth(s)
		if err == nil && (len(m) != 7 || m[4] != '-') {
			t.Fatalf("ParseMonth(%q) = %q", s, m)
		}
	})
}
