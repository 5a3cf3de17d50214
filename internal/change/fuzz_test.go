package change

import (
	"strings"
	"testing"
)

// ParseTenths reads person-days typed on forms: it never panics, accepts
// only what FormatTenths can print back, and never a negative value.
func FuzzParseTenths(f *testing.F) {
	for _, s := range []string{"", "0", "5.5", "12", " 3.0 ", "-1", "1e3", "1.25", "９", "٣", "999999.9", "0x10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := ParseTenths(s)
		if !ok {
			return
		}
		if n < 0 {
			t.Fatalf("%q → %d", s, n)
		}
		back, ok := ParseTenths(FormatTenths(n))
		if !ok || back != n {
			t.Fatalf("%q → %d → %q → %d", s, n, FormatTenths(n), back)
		}
		if strings.TrimSpace(s) != "" && n == 0 && !strings.Contains(s, "0") {
			t.Fatalf("%q read as zero", s)
		}
	})
}

// Decide is total: any ballots on any board give an outcome and never a
// decision without quorum.
func FuzzDecide(f *testing.F) {
	f.Add([]byte{3, 1, 2, 0, 1, 1, 2, 2, 0}, uint8(0), true)
	f.Add([]byte{5, 0, 3, 1, 1, 1}, uint8(1), false)
	f.Fuzz(func(t *testing.T, b []byte, rule uint8, final bool) {
		if len(b) < 3 {
			return
		}
		n := int(b[0]%8) + 1
		bd := Board{Chair: int64(b[1]%uint8(n)) + 1, Rule: Rules[int(rule)%len(Rules)], Quorum: int(b[2] % 10)}
		for i := 1; i <= n; i++ {
			bd.Members = append(bd.Members, int64(i))
		}
		var votes []Ballot
		for i := 3; i+1 < len(b); i += 2 {
			votes = append(votes, Ballot{UserID: int64(b[i] % 10), Vote: Votes[int(b[i+1])%len(Votes)]})
		}
		out, why := Decide(bd, votes, final)
		if out != Pending && CountOf(bd, votes).Cast < max(bd.Quorum, 1) {
			t.Fatalf("decided %s (%s) without quorum", out, why)
		}
	})
}
