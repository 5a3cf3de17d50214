package change

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Content is what a Requirements Confirmation baseline (需求确认书) states:
// the confirmed requirements, the function list and which function serves
// which requirement. It is stored as canonical JSON with the baseline and
// signed by its SHA-256.
type Content struct {
	Requirements []Req     `json:"requirements"`
	Functions    []Func    `json:"functions"`
	Links        []Mapping `json:"links"`
}

// Req is one requirement as the baseline states it.
type Req struct {
	Number      string `json:"number"` // REQ-001
	Title       string `json:"title"`
	Description string `json:"description"`
	Module      string `json:"module"`
	Priority    string `json:"priority"` // must / should / could / wont
	Acceptance  string `json:"acceptance"`
	Source      string `json:"source"`
	Value       int64  `json:"value"`
	Effort      int64  `json:"effort"`
}

// Func is one function of the function list (功能清单).
type Func struct {
	Number       string `json:"number"` // FN-001
	Name         string `json:"name"`
	Kind         string `json:"kind"` // standard / config / custom / report / interface / data
	Description  string `json:"description"`
	EffortTenths int64  `json:"effort_tenths"` // person-days × 10
}

// Mapping links a requirement to a function by their numbers.
type Mapping struct {
	Req  string `json:"req"`
	Func string `json:"func"`
}

// canonVersion prefixes the serialisation: a future format change must
// never silently produce the hash of an old one.
const canonVersion = "golive-requirements-baseline/1\n"

// normText makes equal text equal bytes: Unicode NFC, CRLF/CR → LF,
// trailing spaces of lines and surrounding blank space removed.
func normText(s string) string {
	s = norm.NFC.String(s)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\u3000")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// numberKey orders "REQ-2" before "REQ-10": the prefix, then the numeric
// tail, then the whole text.
func numberKey(a, b string) int {
	pa, na := splitNumber(a)
	pb, nb := splitNumber(b)
	return cmp.Or(strings.Compare(pa, pb), cmp.Compare(na, nb), strings.Compare(a, b))
}

func splitNumber(s string) (string, int64) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	n, _ := strconv.ParseInt(s[i:], 10, 64)
	return s[:i], n
}

// Normalize returns the content in canonical form: text normalised, lists
// ordered by number, links ordered and de-duplicated. It does not modify c.
func (c Content) Normalize() Content {
	var out Content
	out.Requirements = make([]Req, 0, len(c.Requirements))
	for _, r := range c.Requirements {
		r.Number, r.Title, r.Description = normText(r.Number), normText(r.Title), normText(r.Description)
		r.Module, r.Priority, r.Acceptance, r.Source = normText(r.Module), normText(r.Priority), normText(r.Acceptance), normText(r.Source)
		out.Requirements = append(out.Requirements, r)
	}
	slices.SortStableFunc(out.Requirements, func(a, b Req) int { return numberKey(a.Number, b.Number) })
	out.Functions = make([]Func, 0, len(c.Functions))
	for _, f := range c.Functions {
		f.Number, f.Name, f.Kind, f.Description = normText(f.Number), normText(f.Name), normText(f.Kind), normText(f.Description)
		out.Functions = append(out.Functions, f)
	}
	slices.SortStableFunc(out.Functions, func(a, b Func) int { return numberKey(a.Number, b.Number) })
	out.Links = make([]Mapping, 0, len(c.Links))
	for _, l := range c.Links {
		out.Links = append(out.Links, Mapping{Req: normText(l.Req), Func: normText(l.Func)})
	}
	slices.SortFunc(out.Links, func(a, b Mapping) int {
		return cmp.Or(numberKey(a.Req, b.Req), numberKey(a.Func, b.Func))
	})
	out.Links = slices.Compact(out.Links)
	return out
}

// Canonical is the byte form that is hashed and signed: the version line,
// then the normalised content as JSON. Struct fields keep their declared
// order, lists are sorted, there are no maps, and numbers are integers, so
// the same content gives the same bytes on every machine and database.
func (c Content) Canonical() []byte {
	b, err := json.Marshal(c.Normalize())
	if err != nil { // cannot happen: strings and integers only
		panic(err)
	}
	return append([]byte(canonVersion), b...)
}

// Hash is the hex SHA-256 of Canonical.
func (c Content) Hash() string {
	h := sha256.Sum256(c.Canonical())
	return hex.EncodeToString(h[:])
}

// EffortTenths is the function list's total effort (person-days × 10).
func (c Content) EffortTenths() int64 {
	var n int64
	for _, f := range c.Functions {
		n += f.EffortTenths
	}
	return n
}

// FuncsOf lists the numbers of the functions serving a requirement.
func (c Content) FuncsOf(req string) []string {
	var out []string
	for _, l := range c.Links {
		if l.Req == req {
			out = append(out, l.Func)
		}
	}
	return out
}
