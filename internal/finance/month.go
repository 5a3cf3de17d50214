package finance

import (
	"fmt"

	"golive/internal/apperr"
	"golive/internal/calendar"
	"golive/internal/money"
)

// ParseMonth checks 'YYYY-MM' and returns its first day.
func ParseMonth(m string) (calendar.Date, error) {
	d, err := calendar.Parse(m + "-01")
	if err != nil || len(m) != 7 {
		return 0, apperr.InvalidField("month", "finance.month_invalid")
	}
	return d, nil
}

// MonthBounds returns the first and last day of a valid month.
func MonthBounds(m string) (string, string) {
	first, _ := ParseMonth(m)
	next, _ := ParseMonth(AddMonths(m, 1))
	return first.String(), (next - 1).String()
}

// AddMonths moves a valid month by n months.
func AddMonths(m string, n int) string {
	var y, mo int
	fmt.Sscanf(m, "%d-%d", &y, &mo)
	t := (y*12 + mo - 1) + n
	return fmt.Sprintf("%04d-%02d", t/12, t%12+1)
}

func plain(minor int64) string {
	if minor == 0 {
		return ""
	}
	return money.Plain(minor)
}
