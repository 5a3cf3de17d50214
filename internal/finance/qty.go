package finance

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// Qty is a quantity of hours or days in hundredths (7.5 = 750). In JSON it
// is a number or a string ("7.5"); at most two decimals.
type Qty int64

// QtyInvalid marks a quantity that was not a number (Validate refuses it
// with a message on the field).
const QtyInvalid Qty = -1 << 62

var (
	errQtyFormat   = errors.New("qty: not a number with at most two decimals")
	errQtyNegative = errors.New("qty: negative")
)

// ParseQty reads "8", "7.5", "0.25", "７.５" is not accepted. An empty
// string is 0.
func ParseQty(s string) (Qty, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	if (dot && (frac == "" || len(frac) > 2)) || len(whole) > 6 {
		return 0, errQtyFormat
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, errQtyFormat
		}
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	v := Qty(w*100 + f)
	if neg && v != 0 {
		return -v, errQtyNegative
	}
	return v, nil
}

// String renders 750 as "7.5", 800 as "8", -25 as "-0.25".
func (q Qty) String() string {
	v := int64(q)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	s := strconv.FormatInt(v/100, 10)
	if f := v % 100; f != 0 {
		fs := strconv.FormatInt(f+100, 10)[1:]
		s += "." + strings.TrimRight(fs, "0")
	}
	return sign + s
}

func (q Qty) MarshalJSON() ([]byte, error) { return []byte(q.String()), nil }

func (q *Qty) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" {
		*q = 0
		return nil
	}
	v, err := ParseQty(s)
	if err != nil && !errors.Is(err, errQtyNegative) {
		v = QtyInvalid
	}
	*q = v // negative and malformed values are refused by Validate, naming the field
	return nil
}

var _ json.Marshaler = Qty(0)
