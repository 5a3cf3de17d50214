// Package money formats and parses amounts kept as integer minor units
// (fen). Floating point never touches a stored amount.
package money

import (
	"errors"
	"strconv"
	"strings"
)

var ErrFormat = errors.New("money: not an amount")

// Format renders minor units as ¥1,234.56 (negative as -¥1,234.56).
func Format(minor int64) string {
	if minor < 0 {
		return "-¥" + Plain(minor)[1:]
	}
	return "¥" + Plain(minor)
}

// Plain renders minor units as 1,234.56 without a symbol.
func Plain(minor int64) string {
	neg := minor < 0
	u := uint64(minor)
	if neg {
		u = uint64(-minor)
	}
	yuan, fen := u/100, u%100
	s := strconv.FormatUint(yuan, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	b.WriteByte('.')
	b.WriteByte(byte('0' + fen/10))
	b.WriteByte(byte('0' + fen%10))
	return b.String()
}

// Parse reads what a person types — "1234", "1,234.5", "¥1,234.56",
// "-12.30", full-width digits are not accepted here (the data-migration
// cleansers handle those) — into minor units. More than two decimals or an
// amount beyond ±90 trillion yuan is an error, never a silent rounding.
func Parse(s string) (int64, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "¥")
	s = strings.TrimPrefix(s, "￥")
	neg := false
	if strings.HasPrefix(s, "-") {
		neg = true
		s = s[1:]
	}
	s = strings.TrimPrefix(strings.TrimPrefix(s, "¥"), "￥")
	if s == "" {
		return 0, ErrFormat
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if hasDot && (len(frac) == 0 || len(frac) > 2) {
		return 0, ErrFormat
	}
	// Thousands separators are allowed only in groups of three.
	if strings.Contains(whole, ",") {
		groups := strings.Split(whole, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return 0, ErrFormat
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, ErrFormat
			}
		}
		whole = strings.Join(groups, "")
	}
	if whole == "" || len(whole) > 14 {
		return 0, ErrFormat
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, ErrFormat
		}
	}
	y, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, ErrFormat
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	v := y*100 + f
	if neg {
		v = -v
	}
	return v, nil
}
