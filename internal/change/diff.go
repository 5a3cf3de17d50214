package change

import (
	"strconv"
	"strings"
)

// FieldChange is one field that differs between two versions.
type FieldChange struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// ItemDiff is one requirement or function that was added, removed or
// changed between two versions.
type ItemDiff struct {
	Kind   string        `json:"kind"` // requirement | function
	Number string        `json:"number"`
	Title  string        `json:"title"`
	Op     string        `json:"op"` // added | removed | changed
	Fields []FieldChange `json:"fields,omitempty"`
}

// Diff compares two baseline contents item by item (by number) and field
// by field; a requirement's functions count as one of its fields.
func Diff(a, b Content) []ItemDiff {
	a, b = a.Normalize(), b.Normalize()
	var out []ItemDiff
	reqFields := func(c Content, r Req) []FieldChange {
		return []FieldChange{{"title", r.Title, ""}, {"description", r.Description, ""}, {"module", r.Module, ""},
			{"priority", r.Priority, ""}, {"acceptance", r.Acceptance, ""}, {"source", r.Source, ""},
			{"value", strconv.FormatInt(r.Value, 10), ""}, {"effort", strconv.FormatInt(r.Effort, 10), ""},
			{"functions", strings.Join(c.FuncsOf(r.Number), ", "), ""}}
	}
	funcFields := func(f Func) []FieldChange {
		return []FieldChange{{"name", f.Name, ""}, {"kind", f.Kind, ""}, {"description", f.Description, ""},
			{"effort", FormatTenths(f.EffortTenths), ""}}
	}
	ra := map[string]Req{}
	for _, r := range a.Requirements {
		ra[r.Number] = r
	}
	rb := map[string]bool{}
	for _, r := range b.Requirements {
		rb[r.Number] = true
		old, ok := ra[r.Number]
		if !ok {
			out = append(out, ItemDiff{Kind: "requirement", Number: r.Number, Title: r.Title, Op: "added"})
			continue
		}
		if fs := changed(reqFields(a, old), reqFields(b, r)); len(fs) > 0 {
			out = append(out, ItemDiff{Kind: "requirement", Number: r.Number, Title: r.Title, Op: "changed", Fields: fs})
		}
	}
	for _, r := range a.Requirements {
		if !rb[r.Number] {
			out = append(out, ItemDiff{Kind: "requirement", Number: r.Number, Title: r.Title, Op: "removed"})
		}
	}
	fa := map[string]Func{}
	for _, f := range a.Functions {
		fa[f.Number] = f
	}
	fb := map[string]bool{}
	for _, f := range b.Functions {
		fb[f.Number] = true
		old, ok := fa[f.Number]
		if !ok {
			out = append(out, ItemDiff{Kind: "function", Number: f.Number, Title: f.Name, Op: "added"})
			continue
		}
		if fs := changed(funcFields(old), funcFields(f)); len(fs) > 0 {
			out = append(out, ItemDiff{Kind: "function", Number: f.Number, Title: f.Name, Op: "changed", Fields: fs})
		}
	}
	for _, f := range a.Functions {
		if !fb[f.Number] {
			out = append(out, ItemDiff{Kind: "function", Number: f.Number, Title: f.Name, Op: "removed"})
		}
	}
	return out
}

func changed(before, after []FieldChange) []FieldChange {
	var out []FieldChange
	for i := range before {
		if before[i].Before != after[i].Before {
			out = append(out, FieldChange{Field: before[i].Field, Before: before[i].Before, After: after[i].Before})
		}
	}
	return out
}

// FormatTenths shows person-days × 10 as "12.5".
func FormatTenths(n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n/10, 10)
	if n%10 != 0 {
		s += "." + strconv.FormatInt(n%10, 10)
	}
	if neg {
		s = "-" + s
	}
	return s
}

// ParseTenths reads "12.5" (person-days, at most one decimal) as 125.
func ParseTenths(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 6 || (dot && len(frac) != 1) {
		return 0, false
	}
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || n < 0 || strings.ContainsAny(whole, "+-") {
		return 0, false
	}
	n *= 10
	if dot {
		if frac[0] < '0' || frac[0] > '9' {
			return 0, false
		}
		n += int64(frac[0] - '0')
	}
	return n, true
}
