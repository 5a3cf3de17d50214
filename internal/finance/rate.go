package finance

import "sort"

// Units of a labor quantity and of a trade rate.
const (
	UnitDay  = "day"  // 工日
	UnitHour = "hour" // 小时
)

// HoursPerDay converts days to hours for the 24-hour check and for a day
// rate applied to hours (and back).
const HoursPerDay = 8

// Categories of budget lines, expenses and actuals, in display order.
const (
	CatLabor       = "labor"
	CatTravel      = "travel"
	CatOutsourcing = "outsourcing"
	CatSoftware    = "software_hardware"
	CatOther       = "other"
)

// Categories lists every category in display order.
var Categories = []string{CatLabor, CatTravel, CatOutsourcing, CatSoftware, CatOther}

// ValidCategory reports whether c is a known category.
func ValidCategory(c string) bool {
	for _, k := range Categories {
		if k == c {
			return true
		}
	}
	return false
}

// divRound divides n by d (d > 0) rounding half away from zero, so that
// -x rounds to exactly the negative of x.
func divRound(n, d int64) int64 {
	if n < 0 {
		return -divRound(-n, d)
	}
	return (n + d/2) / d
}

// CostOf is the cost in fen of qtyCenti hundredths of unit at a rate per
// rateUnit, rounded half away from zero once per record. A day rate for
// hours (or an hour rate for days) converts at HoursPerDay.
func CostOf(qtyCenti int64, unit string, rateMinor int64, rateUnit string) int64 {
	switch {
	case unit == rateUnit:
		return divRound(qtyCenti*rateMinor, 100)
	case unit == UnitHour && rateUnit == UnitDay:
		return divRound(qtyCenti*rateMinor, 100*HoursPerDay)
	default: // days at an hour rate
		return divRound(qtyCenti*rateMinor*HoursPerDay, 100)
	}
}

// HoursCenti is the hour equivalent of a quantity, in hundredths.
func HoursCenti(qtyCenti int64, unit string) int64 {
	if unit == UnitDay {
		return qtyCenti * HoursPerDay
	}
	return qtyCenti
}

// Rate is one row of rate history as the lookup sees it. DayMinor and
// HourMinor are -1 where not set.
type Rate struct {
	From      string // valid_from_date
	DayMinor  int64
	HourMinor int64
}

// History is the rate rows of one subject (a person, a role or a trade),
// sorted by From.
type History []Rate

// At returns the rate valid on date (the greatest From <= date).
func (h History) At(date string) (Rate, bool) {
	i := sort.Search(len(h), func(i int) bool { return h[i].From > date })
	if i == 0 {
		return Rate{}, false
	}
	return h[i-1], true
}

// price returns the cost of a quantity at r, preferring the rate of the
// same unit; ok is false when r has no rate at all.
func (r Rate) price(qtyCenti int64, unit string) (int64, bool) {
	same, other, otherUnit := r.DayMinor, r.HourMinor, UnitHour
	if unit == UnitHour {
		same, other, otherUnit = r.HourMinor, r.DayMinor, UnitDay
	}
	if same >= 0 {
		return CostOf(qtyCenti, unit, same, unit), true
	}
	if other >= 0 {
		return CostOf(qtyCenti, unit, other, otherUnit), true
	}
	return 0, false
}

// Rates is the whole rate book, loaded once for a computation.
type Rates struct {
	User   map[int64]History
	Worker map[int64]History
	Role   map[string]History
	Trade  map[string]History // key: TradeKey(trade, unit)
}

// TradeKey keys Rates.Trade: a trade's day rates and hour rates are two
// histories.
func TradeKey(trade, unit string) string { return trade + "\x00" + unit }

// LaborLine is what the lookup needs of a labor record.
type LaborLine struct {
	Date     string
	UserID   int64
	WorkerID int64
	Role     string // the user's role on the project
	Trade    string
	Unit     string
	QtyCenti int64
}

// Cost prices a labor line with the rate valid on its day (see the
// package comment for the order); ok is false when no rate applies.
func (rs *Rates) Cost(l LaborLine) (int64, bool) {
	try := func(h History) (int64, bool) {
		if r, ok := h.At(l.Date); ok {
			return r.price(l.QtyCenti, l.Unit)
		}
		return 0, false
	}
	if l.WorkerID != 0 {
		if c, ok := try(rs.Worker[l.WorkerID]); ok {
			return c, true
		}
		return rs.trade(l, try)
	}
	if c, ok := try(rs.User[l.UserID]); ok {
		return c, true
	}
	if c, ok := try(rs.Role[l.Role]); ok {
		return c, true
	}
	return rs.trade(l, try)
}

func (rs *Rates) trade(l LaborLine, try func(History) (int64, bool)) (int64, bool) {
	if l.Trade == "" {
		return 0, false
	}
	other := UnitDay
	if l.Unit == UnitDay {
		other = UnitHour
	}
	if c, ok := try(rs.Trade[TradeKey(l.Trade, l.Unit)]); ok {
		return c, true
	}
	return try(rs.Trade[TradeKey(l.Trade, other)])
}
