package finance

import "testing"

func TestParseQty(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Qty
		bad  bool
	}{
		{"8", 800, false}, {"7.5", 750, false}, {"0.25", 25, false}, {".5", 50, false}, {"", 0, false},
		{"-1", -100, true}, {"1.234", 0, true}, {"1.", 0, true}, {"abc", 0, true}, {"1e3", 0, true}, {"1234567", 0, true},
	} {
		got, err := ParseQty(c.in)
		if (err != nil) != c.bad || (!c.bad && got != c.want) {
			t.Errorf("%q: %d %v", c.in, got, err)
		}
	}
	for q, s := range map[Qty]string{750: "7.5", 800: "8", 25: "0.25", -25: "-0.25", 0: "0"} {
		if q.String() != s {
			t.Errorf("%d: %q", q, q.String())
		}
	}
}
