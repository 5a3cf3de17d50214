package finance

import "testing"

func TestCostOfRounding(t *testing.T) {
	for _, c := range []struct {
		name      string
		qty       int64
		unit      string
		rate      int64
		rateUnit  string
		wantMinor int64
	}{
		{"whole hours", 800, UnitHour, 12345, UnitHour, 98760},
		{"half up at .5 fen", 50, UnitHour, 101, UnitHour, 51},                   // 0.5 h × ¥1.01 = 50.5 fen → 51
		{"below half down", 50, UnitHour, 99, UnitHour, 50},                      // 49.5 → 50 (half up)
		{"0.25 h", 25, UnitHour, 101, UnitHour, 25},                              // 25.25 → 25
		{"0.75 h", 75, UnitHour, 101, UnitHour, 76},                              // 75.75 → 76
		{"reversal mirrors", -50, UnitHour, 101, UnitHour, -51},                  // half away from zero
		{"days", 150, UnitDay, 80000, UnitDay, 120000},                           // 1.5 工日 × ¥800
		{"hours at a day rate", 300, UnitHour, 80000, UnitDay, 30000},            // 3 h × ¥800/8
		{"hours at a day rate rounds once", 100, UnitHour, 10001, UnitDay, 1250}, // 10001/8 = 1250.125
		{"days at an hour rate", 50, UnitDay, 10000, UnitHour, 40000},            // 0.5 d × 8 h × ¥100
		{"zero", 0, UnitHour, 10000, UnitHour, 0},
	} {
		if got := CostOf(c.qty, c.unit, c.rate, c.rateUnit); got != c.wantMinor {
			t.Errorf("%s: %d, want %d", c.name, got, c.wantMinor)
		}
	}
}

func TestRateValidOnTheDay(t *testing.T) {
	rs := &Rates{
		User:   map[int64]History{1: {{From: "2026-01-01", DayMinor: -1, HourMinor: 10000}, {From: "2026-03-01", DayMinor: -1, HourMinor: 12000}}},
		Worker: map[int64]History{},
		Role:   map[string]History{"consultant": {{From: "2025-01-01", DayMinor: 96000, HourMinor: -1}}},
		Trade: map[string]History{
			TradeKey("电工", UnitDay):  {{From: "2026-01-01", DayMinor: 40000, HourMinor: -1}, {From: "2026-07-01", DayMinor: 45000, HourMinor: -1}},
			TradeKey("焊工", UnitHour): {{From: "2026-01-01", DayMinor: -1, HourMinor: 6000}},
		},
	}
	for _, c := range []struct {
		name string
		l    LaborLine
		want int64
		ok   bool
	}{
		{"before any own rate: role", LaborLine{Date: "2025-12-31", UserID: 1, Role: "consultant", Unit: UnitHour, QtyCenti: 800}, 96000, true},
		{"first own rate", LaborLine{Date: "2026-02-28", UserID: 1, Role: "consultant", Unit: UnitHour, QtyCenti: 800}, 80000, true},
		{"valid from is inclusive", LaborLine{Date: "2026-03-01", UserID: 1, Unit: UnitHour, QtyCenti: 800}, 96000, true},
		{"trade before change", LaborLine{Date: "2026-06-30", WorkerID: 9, Trade: "电工", Unit: UnitDay, QtyCenti: 100}, 40000, true},
		{"trade after change", LaborLine{Date: "2026-07-01", WorkerID: 9, Trade: "电工", Unit: UnitDay, QtyCenti: 100}, 45000, true},
		{"trade other unit", LaborLine{Date: "2026-07-01", WorkerID: 9, Trade: "电工", Unit: UnitHour, QtyCenti: 400}, 22500, true},
		{"hour trade for days", LaborLine{Date: "2026-07-01", WorkerID: 9, Trade: "焊工", Unit: UnitDay, QtyCenti: 100}, 48000, true},
		{"before the trade rate exists", LaborLine{Date: "2025-12-31", WorkerID: 9, Trade: "电工", Unit: UnitDay, QtyCenti: 100}, 0, false},
		{"unknown trade", LaborLine{Date: "2026-07-01", WorkerID: 9, Trade: "木工", Unit: UnitDay, QtyCenti: 100}, 0, false},
	} {
		got, ok := rs.Cost(c.l)
		if got != c.want || ok != c.ok {
			t.Errorf("%s: %d %v, want %d %v", c.name, got, ok, c.want, c.ok)
		}
	}
}
