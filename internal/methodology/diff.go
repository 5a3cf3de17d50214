package methodology

import (
	"strconv"
	"strings"
)

// DiffLine is one line of a line diff: "=" kept, "-" removed, "+" added.
type DiffLine struct {
	Op   string `json:"op" enum:"=,-,+"`
	Text string `json:"text"`
}

// DiffLines compares two texts line by line (longest common subsequence).
// Charter fields are a few dozen lines, so the quadratic table is fine;
// beyond maxDiffLines the texts are shown as replaced wholesale.
func DiffLines(a, b string) []DiffLine {
	x, y := splitLines(a), splitLines(b)
	const maxDiffLines = 2000
	if len(x) > maxDiffLines || len(y) > maxDiffLines {
		out := make([]DiffLine, 0, len(x)+len(y))
		for _, l := range x {
			out = append(out, DiffLine{"-", l})
		}
		for _, l := range y {
			out = append(out, DiffLine{"+", l})
		}
		return out
	}
	n, m := len(x), len(y)
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	out := []DiffLine{}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case x[i] == y[j]:
			out = append(out, DiffLine{"=", x[i]})
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, DiffLine{"-", x[i]})
			i++
		default:
			out = append(out, DiffLine{"+", y[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, DiffLine{"-", x[i]})
	}
	for ; j < m; j++ {
		out = append(out, DiffLine{"+", y[j]})
	}
	return out
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
