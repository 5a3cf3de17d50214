package change

import (
	"reflect"
	"testing"
)

func sampleContent() Content {
	return Content{
		Requirements: []Req{
			{Number: "REQ-10", Title: "批次追溯", Priority: "must", Value: 5, Effort: 3, Acceptance: "扫码可查"},
			{Number: "REQ-2", Title: "安全库存预警", Priority: "should", Value: 3, Effort: 2, Description: "低于安全库存\r\n时提醒"},
		},
		Functions: []Func{
			{Number: "FN-2", Name: "预警报表", Kind: "report", EffortTenths: 15},
			{Number: "FN-1", Name: "批次条码接口", Kind: "interface", EffortTenths: 40},
		},
		Links: []Mapping{{"REQ-2", "FN-2"}, {"REQ-10", "FN-1"}, {"REQ-2", "FN-2"}},
	}
}

func TestCanonicalStable(t *testing.T) {
	a := sampleContent()
	b := sampleContent()
	// Reordered, CRLF vs LF, trailing spaces, NFD vs NFC: same content.
	b.Requirements[0], b.Requirements[1] = b.Requirements[1], b.Requirements[0]
	b.Requirements[0].Description = "低于安全库存  \n时提醒"
	b.Functions[0], b.Functions[1] = b.Functions[1], b.Functions[0]
	b.Links = []Mapping{{"REQ-10", "FN-1"}, {"REQ-2", "FN-2"}}
	if a.Hash() != b.Hash() {
		t.Fatalf("same content, different hash:\n%s\n%s", a.Canonical(), b.Canonical())
	}
	nfd := Content{Requirements: []Req{{Number: "REQ-1", Title: "Cafe\u0301"}}}
	nfc := Content{Requirements: []Req{{Number: "REQ-1", Title: "Caf\u00e9"}}}
	if nfd.Hash() != nfc.Hash() {
		t.Error("NFD and NFC text hash differently")
	}
	if len(a.Hash()) != 64 {
		t.Errorf("hash %q", a.Hash())
	}
	// The order REQ-2 before REQ-10 (numeric, not text).
	if n := a.Normalize().Requirements[0].Number; n != "REQ-2" {
		t.Errorf("first requirement %s", n)
	}
	// Fixed point of the format: a regression here would invalidate every signature.
	const want = `golive-requirements-baseline/1
{"requirements":[{"number":"REQ-1","title":"Café","description":"","module":"","priority":"","acceptance":"","source":"","value":0,"effort":0}],"functions":[],"links":[]}`
	if got := string(nfc.Canonical()); got != want {
		t.Errorf("canonical form changed:\n%s\nwant\n%s", got, want)
	}
}

func TestCanonicalAnyChangeChangesHash(t *testing.T) {
	base := sampleContent().Hash()
	mut := []func(*Content){
		func(c *Content) { c.Requirements[0].Title += "x" },
		func(c *Content) { c.Requirements[1].Description = "改" },
		func(c *Content) { c.Requirements[0].Module = "仓储" },
		func(c *Content) { c.Requirements[0].Priority = "could" },
		func(c *Content) { c.Requirements[0].Acceptance = "" },
		func(c *Content) { c.Requirements[0].Source = "interview" },
		func(c *Content) { c.Requirements[0].Value++ },
		func(c *Content) { c.Requirements[0].Effort++ },
		func(c *Content) { c.Requirements[0].Number = "REQ-11" },
		func(c *Content) { c.Functions[0].EffortTenths++ },
		func(c *Content) { c.Functions[0].Kind = "custom" },
		func(c *Content) { c.Functions[0].Name = "别名" },
		func(c *Content) { c.Functions[1].Description = "d" },
		func(c *Content) { c.Links = c.Links[:1] },
		func(c *Content) { c.Links = append(c.Links, Mapping{"REQ-10", "FN-2"}) },
		func(c *Content) { c.Functions = c.Functions[:1] },
		func(c *Content) { c.Requirements = append(c.Requirements, Req{Number: "REQ-3"}) },
	}
	seen := map[string]int{base: -1}
	for i, m := range mut {
		c := sampleContent()
		m(&c)
		h := c.Hash()
		if j, dup := seen[h]; dup {
			t.Errorf("mutation %d hashes like %d", i, j)
		}
		seen[h] = i
	}
}

func TestDiff(t *testing.T) {
	a := sampleContent()
	b := sampleContent()
	b.Requirements[0].Priority = "could"
	b.Requirements = append(b.Requirements[:1], Req{Number: "REQ-3", Title: "新需求"})
	b.Functions[0].EffortTenths = 20
	b.Links = append(b.Links, Mapping{"REQ-10", "FN-2"})
	got := Diff(a, b)
	want := []ItemDiff{
		{Kind: "requirement", Number: "REQ-3", Title: "新需求", Op: "added"},
		{Kind: "requirement", Number: "REQ-10", Title: "批次追溯", Op: "changed", Fields: []FieldChange{{"priority", "must", "could"}, {"functions", "FN-1", "FN-1, FN-2"}}},
		{Kind: "requirement", Number: "REQ-2", Title: "安全库存预警", Op: "removed"},
		{Kind: "function", Number: "FN-2", Title: "预警报表", Op: "changed", Fields: []FieldChange{{"effort", "1.5", "2"}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("diff\n%+v\nwant\n%+v", got, want)
	}
	if d := Diff(a, a); len(d) != 0 {
		t.Errorf("self diff %+v", d)
	}
}

func TestTenths(t *testing.T) {
	for in, want := range map[string]int64{"": 0, "0": 0, "3": 30, "12.5": 125, " 1.0 ": 10} {
		if got, ok := ParseTenths(in); !ok || got != want {
			t.Errorf("%q: %d %v", in, got, ok)
		}
	}
	for _, bad := range []string{"-1", "1.25", "abc", ".5", "1e3", "+2", "1.x", "9999999"} {
		if _, ok := ParseTenths(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
	if FormatTenths(125) != "12.5" || FormatTenths(30) != "3" {
		t.Error("format")
	}
}
