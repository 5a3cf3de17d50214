package funds

import (
	"testing"

	"golive/internal/apperr"
)

func TestRoundTax(t *testing.T) {
	for _, c := range []struct{ amount, bp, want int64 }{
		{100_000_00, 600, 6_000_00},   // ¥100,000 × 6 % = ¥6,000
		{1_00, 600, 6},                // ¥1 × 6 % = 6 fen
		{8, 600, 0},                   // 0.48 fen → 0
		{9, 600, 1},                   // 0.54 fen → 1
		{25, 200, 1},                  // exactly 0.5 fen → half-up to 1
		{75, 200, 2},                  // 1.5 fen → 2
		{123_456_78, 1300, 16_049_38}, // 1,604,938.14 fen → 1,604,938
		{0, 600, 0},
		{MaxAmountMinor, MaxTaxRateBP, MaxAmountMinor},
	} {
		if got := RoundTax(c.amount, c.bp); got != c.want {
			t.Errorf("RoundTax(%d, %d) = %d, want %d", c.amount, c.bp, got, c.want)
		}
	}
}

func TestSplitShares(t *testing.T) {
	sh := func(bps ...int64) []MilestoneInput {
		var out []MilestoneInput
		for _, b := range bps {
			out = append(out, MilestoneInput{ShareBP: b})
		}
		return out
	}
	// 30/40/25/5 of ¥1,060,000.00 split exactly.
	got, err := SplitShares(106_000_000, sh(3000, 4000, 2500, 500))
	if err != nil || got[0] != 31_800_000 || got[1] != 42_400_000 || got[2] != 26_500_000 || got[3] != 5_300_000 {
		t.Fatalf("30/40/25/5: %v %v", got, err)
	}
	// Thirds of 100 fen by cumulative rounding: 33.33 → 33, 66.66 → 67, 100: 33 + 34 + 33.
	got, err = SplitShares(100, sh(3333, 3333, 3334))
	if err != nil || got[0] != 33 || got[1] != 34 || got[2] != 33 {
		t.Fatalf("thirds: %v %v", got, err)
	}
	// Shares rounded one by one would give the last −1 fen; cumulative rounding never does.
	got, err = SplitShares(2, sh(2500, 2500, 2500, 2499, 1))
	if err != nil || got[0]+got[1]+got[2]+got[3]+got[4] != 2 {
		t.Fatalf("tiny total: %v %v", got, err)
	}
	for _, v := range got {
		if v < 0 {
			t.Fatalf("negative milestone: %v", got)
		}
	}
	// 30/40/25 = 95 %: refused naming the sum.
	_, err = SplitShares(100_00, sh(3000, 4000, 2500))
	if e := apperr.As(err); e == nil || !e.HasField("milestones") || e.Fields["milestones"] != "funds.err_shares_sum" || e.FieldArgs["milestones"][0] != "95.00%" {
		t.Fatalf("95 %%: %#v", err)
	}
	_, err = SplitShares(100_00, sh(6000, 5000))
	if apperr.As(err) == nil {
		t.Fatal("110 % accepted")
	}
	// Fixed amounts plus a share: must add up to the total.
	got, err = SplitShares(1000_00, []MilestoneInput{{AmountMinor: 300_00}, {ShareBP: 7000}})
	if err != nil || got[0] != 300_00 || got[1] != 700_00 {
		t.Fatalf("amount + share: %v %v", got, err)
	}
	_, err = SplitShares(1000_00, []MilestoneInput{{AmountMinor: 300_00}, {AmountMinor: 600_00}})
	if e := apperr.As(err); e == nil || e.Fields["milestones"] != "funds.err_amounts_sum" {
		t.Fatalf("amounts short: %v", err)
	}
}

func TestBucketAndAge(t *testing.T) {
	for _, c := range []struct {
		name             string
		amount, received int64
		due, asOf        string
		wantOut          int64
		wantDays         int
		wantBucket       string
		overdue          bool
	}{
		{"not due yet", 1000, 0, "2026-03-10", "2026-03-01", 1000, 0, "", false},
		{"no due date (trigger pending)", 1000, 0, "", "2026-03-01", 1000, 0, "", false},
		{"due today: 0 days, not overdue", 1000, 0, "2026-03-01", "2026-03-01", 1000, 0, Bucket0to30, false},
		{"1 day", 1000, 0, "2026-03-01", "2026-03-02", 1000, 1, Bucket0to30, true},
		{"30 days is still 0-30", 1000, 0, "2026-03-01", "2026-03-31", 1000, 30, Bucket0to30, true},
		{"31 days", 1000, 0, "2026-03-01", "2026-04-01", 1000, 31, Bucket31to60, true},
		{"60 days", 1000, 0, "2026-03-01", "2026-04-30", 1000, 60, Bucket31to60, true},
		{"61 days", 1000, 0, "2026-03-01", "2026-05-01", 1000, 61, Bucket61to90, true},
		{"90 days", 1000, 0, "2026-03-01", "2026-05-30", 1000, 90, Bucket61to90, true},
		{"91 days", 1000, 0, "2026-03-01", "2026-05-31", 1000, 91, BucketOver90, true},
		{"partial receipt ages the rest", 1000, 400, "2026-01-01", "2026-02-15", 600, 45, Bucket31to60, true},
		{"paid in full: not aged", 1000, 1000, "2026-01-01", "2026-06-01", 0, 0, "", false},
		{"prepaid beyond: outstanding 0", 1000, 1500, "2026-01-01", "2026-06-01", 0, 0, "", false},
		{"across a leap day", 1000, 0, "2028-02-28", "2028-03-01", 1000, 2, Bucket0to30, true},
	} {
		m := Milestone{AmountMinor: c.amount, ReceivedMinor: c.received, DueDate: c.due}
		m.Age(c.asOf)
		if m.OutstandingMinor != c.wantOut || m.DaysOverdue != c.wantDays || m.Bucket != c.wantBucket || m.Overdue() != c.overdue {
			t.Errorf("%s: out %d days %d bucket %q overdue %v", c.name, m.OutstandingMinor, m.DaysOverdue, m.Bucket, m.Overdue())
		}
	}
}

func TestSummarise(t *testing.T) {
	asOf := "2026-06-30"
	ms := []Milestone{
		{ProjectID: 1, AmountMinor: 300, ReceivedMinor: 300, InvoicedMinor: 300, DueDate: "2026-01-10"}, // paid
		{ProjectID: 1, AmountMinor: 400, ReceivedMinor: 100, InvoicedMinor: 400, DueDate: "2026-03-01"}, // 121 days: 90+
		{ProjectID: 1, AmountMinor: 250, DueDate: "2026-06-15"},                                         // 15 days
		{ProjectID: 1, AmountMinor: 50, DueDate: "2027-06-15"},                                          // not due
		{ProjectID: 2, AmountMinor: 80, DueDate: "2026-05-01"},                                          // 60 days
	}
	for i := range ms {
		ms[i].Age(asOf)
	}
	got := Summarise([]int64{1, 2, 3}, ms)
	p1 := got[0]
	if p1.ContractMinor != 1000 || p1.InvoicedMinor != 700 || p1.ReceivedMinor != 400 || p1.OutstandingMinor != 550 || p1.NotDueMinor != 50 ||
		p1.OverdueMinor != 550 || p1.OverdueCount != 2 || p1.Age0to30 != 250 || p1.AgeOver90 != 300 || p1.Age31to60 != 0 {
		t.Fatalf("project 1: %+v", p1)
	}
	if got[1].Age31to60 != 80 || got[1].OverdueMinor != 80 {
		t.Fatalf("project 2: %+v", got[1])
	}
	if len(got) != 3 || got[2].ContractMinor != 0 {
		t.Fatalf("project 3 (no contract): %+v", got)
	}
}

func TestDueDateAndMonths(t *testing.T) {
	for _, c := range []struct {
		trigger, planned, happened string
		months                     int
		want                       string
	}{
		{TriggerDate, "2026-03-15", "", 0, "2026-03-15"},
		{TriggerMilestone, "2026-03-15", "", 12, ""},                     // acceptance not yet
		{TriggerMilestone, "2026-03-15", "2026-04-20", 12, "2027-04-20"}, // 质保金: acceptance + 12 months
		{TriggerDocument, "", "2026-01-31", 1, "2026-02-28"},             // clamped to month end
		{TriggerDate, "2028-02-29", "", 12, "2029-02-28"},
	} {
		if got := DueDate(c.trigger, c.planned, c.happened, c.months); got != c.want {
			t.Errorf("%+v: %q", c, got)
		}
	}
}

func TestBuildForecast(t *testing.T) {
	ms := []Milestone{
		{AmountMinor: 1000, ReceivedMinor: 400, DueDate: "2026-01-15"},       // late: 600 expected in the first month
		{AmountMinor: 500, PlannedDate: "2026-03-10"},                        // not triggered: on its planned date
		{AmountMinor: 300, DueDate: "2026-03-31", PlannedDate: "2026-01-01"}, // due date wins over the planned one
		{AmountMinor: 200, ReceivedMinor: 200, DueDate: "2026-02-01"},        // paid: nothing expected
		{AmountMinor: 900, DueDate: "2026-09-01"},                            // beyond the horizon
		{AmountMinor: 100}, // no date at all
	}
	for i := range ms {
		ms[i].Age("2026-02-15")
	}
	f := BuildForecast("2026-02", 3, ms, map[string]int64{"2026-02": 50}, map[string]int64{"2026-02": 100, "2026-04": 700})
	want := []ForecastMonth{
		{Month: "2026-02", ExpectedMinor: 600, ReceivedMinor: 50, CostMinor: 100, NetMinor: 550, CumulMinor: 550},
		{Month: "2026-03", ExpectedMinor: 800, NetMinor: 800, CumulMinor: 1350},
		{Month: "2026-04", CostMinor: 700, NetMinor: -700, CumulMinor: 650},
	}
	if !f.CostsAvailable || f.From != "2026-02" || f.To != "2026-04" || len(f.Months) != 3 {
		t.Fatalf("forecast: %+v", f)
	}
	for i, w := range want {
		if f.Months[i] != w {
			t.Errorf("month %d: %+v, want %+v", i, f.Months[i], w)
		}
	}
	// Without planned costs: said so, costs 0.
	if f := BuildForecast("2026-12", 2, ms, nil, nil); f.CostsAvailable || f.To != "2027-01" || f.Months[0].ExpectedMinor != 2300 { // everything unpaid and dated before is late by then
		t.Fatalf("no costs: %+v", f)
	}
}
