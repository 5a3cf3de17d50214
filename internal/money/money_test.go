package money

import "testing"

func TestFormat(t *testing.T) {
	cases := map[int64]string{0: "¥0.00", 5: "¥0.05", 123456: "¥1,234.56", -100: "-¥1.00", -650000: "-¥6,500.00", -9223372036854775808: "-¥92,233,720,368,547,758.08", 100000000: "¥1,000,000.00"}
	for in, want := range cases {
		if got := Format(in); got != want {
			t.Errorf("Format(%d) = %q, want %q", in, got, want)
		}
	}
	if Plain(-123456) != "-1,234.56" {
		t.Errorf("Plain(-123456) = %q", Plain(-123456))
	}
}

func TestParse(t *testing.T) {
	ok := map[string]int64{"1234": 123400, "1,234.5": 123450, "¥1,234.56": 123456, "￥12": 1200, "-12.30": -1230, "0.01": 1, " 7 ": 700}
	for in, want := range ok {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "abc", "1.234", "12,34", "1,2345", "1.", ".5", "--1", "1e5", "999999999999999", "¥", "1 000"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1,234.56", "¥0.01", "-5", "99999999999999.99", "1,2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			return
		}
		// Whatever parses must print and parse back to the same amount.
		back, err := Parse(Plain(v))
		if err != nil || back != v {
			t.Fatalf("Parse(%q)=%d, Plain=%q, back=%d err=%v", s, v, Plain(v), back, err)
		}
	})
}
