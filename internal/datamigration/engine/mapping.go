package engine

import (
	"slices"
	"strings"
	"unicode"
)

// ColumnMap maps one file column, named by its header text, to a field.
type ColumnMap struct {
	Column string `json:"column"`          // header text as in the file
	Field  string `json:"field,omitempty"` // field code; empty: the column is ignored
}

// Mapping maps file columns to fields. It is remembered per object and
// exported with the spec for `golive data validate`.
type Mapping struct {
	Columns []ColumnMap `json:"columns"`
}

// HeaderCheck is the comparison of a file's header with a mapping.
type HeaderCheck struct {
	Missing    []string `json:"missing,omitempty"`    // labels of required fields no present column maps to
	Unmapped   []string `json:"unmapped,omitempty"`   // labels of optional fields no present column maps to
	Unexpected []string `json:"unexpected,omitempty"` // header columns that map to no field (ignored)
	Twice      []string `json:"twice,omitempty"`      // labels of fields two columns map to
}

// OK reports whether a run can go ahead: every required field has a
// column and no field has two.
func (h HeaderCheck) OK() bool { return len(h.Missing) == 0 && len(h.Twice) == 0 }

// Err is nil when OK, else an *apperr.Error naming the missing and the
// unexpected columns (and fields mapped twice).
func (h HeaderCheck) Err() error {
	if h.OK() {
		return nil
	}
	if len(h.Twice) > 0 {
		return invalidField("mapping", "dataengine.header.twice", strings.Join(h.Twice, "、"))
	}
	unexpected := strings.Join(h.Unexpected, "、")
	if unexpected == "" {
		unexpected = "-"
	}
	return invalidField("mapping", "dataengine.header.mismatch", strings.Join(h.Missing, "、"), unexpected)
}

// AutoMap proposes a mapping for header: a column maps to the field whose
// label or code it equals, ignoring case, full/half width, spaces, a
// leading "*" (required marker) and a trailing "(code)" as the template
// writes it. Columns that match nothing map to "".
func AutoMap(header []string, spec Spec) Mapping {
	idx := map[string]string{}
	for _, f := range spec.Fields {
		idx[headerKey(f.Code)] = f.Code
		idx[headerKey(f.Label)] = f.Code
		idx[headerKey(templateHeader(f))] = f.Code
	}
	used := map[string]bool{}
	m := Mapping{Columns: make([]ColumnMap, 0, len(header))}
	for _, h := range header {
		code := idx[headerKey(h)]
		if code == "" {
			// "客户编码 (customer_code)" typed by hand with other spacing.
			if i := strings.LastIndexAny(h, "(（"); i > 0 {
				inner := strings.TrimRight(h[i:], ")） ")
				inner = strings.TrimLeft(inner, "(（")
				if c := idx[headerKey(inner)]; c != "" {
					code = c
				} else {
					code = idx[headerKey(h[:i])]
				}
			}
		}
		if code != "" && used[code] {
			code = ""
		}
		if code != "" {
			used[code] = true
		}
		m.Columns = append(m.Columns, ColumnMap{Column: h, Field: code})
	}
	return m
}

// templateHeader is the header cell the template writes for f.
func templateHeader(f Field) string {
	s := f.Label + " (" + f.Code + ")"
	if f.Required {
		s = "*" + s
	}
	return s
}

// headerKey folds a header cell for comparison.
func headerKey(s string) string {
	s = HalfWidth(s)
	var b strings.Builder
	for _, r := range s {
		if unicode.IsSpace(r) || r == '*' {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// Check compares header with the mapping for prog's spec. A mapping entry
// whose column is not in the header does not count, so a stale mapping
// shows its fields as missing rather than silently reading nothing.
func (m Mapping) Check(header []string, prog *Program) HeaderCheck {
	var h HeaderCheck
	byCol := map[string]string{}
	for _, c := range m.Columns {
		if _, seen := byCol[c.Column]; !seen {
			byCol[c.Column] = c.Field
		}
	}
	count := map[string]int{}
	for _, col := range header {
		code, ok := byCol[col]
		if !ok || code == "" {
			if strings.TrimSpace(col) != "" {
				h.Unexpected = append(h.Unexpected, col)
			}
			continue
		}
		if _, known := prog.byCode[code]; !known {
			h.Unexpected = append(h.Unexpected, col)
			continue
		}
		count[code]++
	}
	for _, f := range prog.fields {
		switch n := count[f.Code]; {
		case n == 0 && f.Required && f.Default == "":
			h.Missing = append(h.Missing, f.Label)
		case n == 0:
			h.Unmapped = append(h.Unmapped, f.Label)
		case n > 1:
			h.Twice = append(h.Twice, f.Label)
		}
	}
	return h
}

// columns resolves the mapping against header: for each field, the index
// of its column in the row, or -1.
func (m Mapping) columns(header []string, prog *Program) []int {
	byCol := map[string]string{}
	for _, c := range m.Columns {
		if _, seen := byCol[c.Column]; !seen {
			byCol[c.Column] = c.Field
		}
	}
	out := make([]int, len(prog.fields))
	for i := range out {
		out[i] = -1
	}
	for ci, col := range header {
		if i, ok := prog.byCode[byCol[col]]; ok && out[i] == -1 {
			out[i] = ci
		}
	}
	return out
}

// Fields returns the codes the mapping uses, in column order.
func (m Mapping) Fields() []string {
	var out []string
	for _, c := range m.Columns {
		if c.Field != "" && !slices.Contains(out, c.Field) {
			out = append(out, c.Field)
		}
	}
	return out
}
