package requirement_test

import (
	"strings"
	"testing"

	"golive/internal/apperr"
	"golive/internal/requirement"
)

// FuzzParseList: any upload is either a list of rows (each with a title
// of at most 200 characters once valid) or an error on "file"; never a
// panic. testdata/fuzz/FuzzParseList holds real workbooks as seeds.
func FuzzParseList(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("PK\x03\x04 not really a zip"))
	f.Add([]byte("编号,需求标题\n1,x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, issues, err := requirement.ParseList(data)
		if err != nil {
			if e := apperr.As(err); e == nil || !e.HasField("file") {
				t.Fatalf("error not on file: %v", err)
			}
			return
		}
		for _, r := range rows {
			if r.Row < 1 {
				t.Fatalf("row number %d", r.Row)
			}
		}
		for _, is := range issues {
			if is.Key == "" || is.Field == "" {
				t.Fatalf("issue without key or field: %+v", is)
			}
		}
	})
}

// FuzzParseDays: person-days typed on a form round-trip through tenths.
func FuzzParseDays(f *testing.F) {
	for _, s := range []string{"", "0", "1.5", "2", "0.5人天", "10000", "1.25", "-1", "1e3", "１.５", " 3 ", ".5", "5."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := requirement.ParseDays(s)
		if !ok {
			return
		}
		if n < 0 {
			t.Fatalf("%q → %d", s, n)
		}
		if back, ok := requirement.ParseDays(requirement.Days(n)); !ok || back != n {
			t.Fatalf("%q → %d → %q → %d", s, n, requirement.Days(n), back)
		}
	})
}

// FuzzParseRef: a number cell reads as 1..99999 or not at all.
func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"REQ-001", "req-7", "7", "0", "REQ-", "REQ-100000", "-3", "REQ-0x10", " REQ-12 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := requirement.ParseRef(s, "REQ-")
		if ok && (n < 1 || n > requirement.MaxNumber) {
			t.Fatalf("%q → %d", s, n)
		}
		if ok {
			if m, ok2 := requirement.ParseRef(requirement.ReqRef(n), "REQ-"); !ok2 || m != n || !strings.HasPrefix(requirement.ReqRef(n), "REQ-") {
				t.Fatalf("%q → %d → %s → %d", s, n, requirement.ReqRef(n), m)
			}
		}
	})
}
