package work

import (
	"strconv"
	"strings"
	"unicode"
)

// PredRef is one entry of the 前置任务 column: "3FS+2" = task 3,
// finish-to-start, lag 2 working days.
type PredRef struct {
	Number int64
	Type   string
	Lag    int
}

// maxPredLag bounds a lag in working days; more is a typo, not a plan.
const maxPredLag = 999

// ParsePredecessors reads "3FS+2, 5SS, 7" (type defaults to FS, lag to 0).
// Chinese commas and semicolons separate too, since PMs type them in Excel.
// It returns the message key of the first bad entry and that entry.
func ParsePredecessors(s string) ([]PredRef, string, string) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '，', '；', ';', '、':
			return ','
		case '＋':
			return '+'
		case '－':
			return '-'
		}
		return r
	}, s)
	var out []PredRef
	seen := map[int64]bool{}
	for _, part := range strings.Split(s, ",") {
		e := strings.TrimSpace(part)
		if e == "" {
			continue
		}
		r, ok := parsePredRef(e)
		if !ok {
			return nil, "planxlsx.err_pred_syntax", e
		}
		if seen[r.Number] {
			return nil, "planxlsx.err_pred_dup", e
		}
		seen[r.Number] = true
		out = append(out, r)
	}
	return out, "", ""
}

func parsePredRef(e string) (PredRef, bool) {
	e = strings.ToUpper(strings.ReplaceAll(e, " ", ""))
	e = strings.TrimPrefix(e, "#")
	i := 0
	for i < len(e) && e[i] >= '0' && e[i] <= '9' {
		i++
	}
	if i == 0 || i > 9 {
		return PredRef{}, false
	}
	n, err := strconv.ParseInt(e[:i], 10, 64)
	if err != nil || n <= 0 {
		return PredRef{}, false
	}
	r := PredRef{Number: n, Type: "FS"}
	rest := e[i:]
	if len(rest) >= 2 && unicode.IsLetter(rune(rest[0])) {
		t := rest[:2]
		switch t {
		case "FS", "SS", "FF", "SF":
			r.Type = t
		default:
			return PredRef{}, false
		}
		rest = rest[2:]
	}
	if rest == "" {
		return r, true
	}
	if rest[0] != '+' && rest[0] != '-' {
		return PredRef{}, false
	}
	num := strings.TrimSuffix(strings.TrimSuffix(rest[1:], "D"), "天")
	if num == "" || len(num) > 3 {
		return PredRef{}, false
	}
	for _, c := range num {
		if c < '0' || c > '9' {
			return PredRef{}, false
		}
	}
	lag, _ := strconv.Atoi(num)
	if lag > maxPredLag {
		return PredRef{}, false
	}
	if rest[0] == '-' {
		lag = -lag
	}
	r.Lag = lag
	return r, true
}

// FormatPredecessors is the inverse of ParsePredecessors.
func FormatPredecessors(rs []PredRef) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		s := strconv.FormatInt(r.Number, 10) + r.Type
		if r.Lag > 0 {
			s += "+" + strconv.Itoa(r.Lag)
		} else if r.Lag < 0 {
			s += strconv.Itoa(r.Lag)
		}
		parts[i] = s
	}
	return strings.Join(parts, ", ")
}
