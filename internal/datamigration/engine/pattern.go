package engine

import (
	"regexp"
	"regexp/syntax"
	"unicode/utf8"
)

// matcher is what a field's pattern check needs of a regular expression.
type matcher interface{ MatchString(string) bool }

// compilePattern compiles a field's pattern for whole-value matching.
// Most patterns in migration specs are a fixed sequence of characters and
// classes (C\d{7}, [A-Z]{2}\d{4}, 1[3-9]\d{9}, \d+): those are matched by
// seqMatcher in a few nanoseconds per character, where the regexp engine
// spent a sixth of a million-row run. Everything else goes to regexp,
// and the result is the same either way (FuzzPatternMatcher compares them).
func compilePattern(p string) (matcher, error) {
	re, err := regexp.Compile(`^(?:` + p + `)$`)
	if err != nil {
		return nil, err
	}
	if m, ok := newSeqMatcher(p); ok {
		return m, nil
	}
	return re, nil
}

// seqElem is one position of a sequence pattern: a set of runes repeated
// between min and max times (max < 0: unbounded).
type seqElem struct {
	ascii    [2]uint64 // bitmap of the ASCII runes in the set
	ranges   []rune    // all of the set as lo, hi pairs (for non-ASCII runes)
	min, max int
}

func (e *seqElem) has(r rune) bool {
	if r < utf8.RuneSelf {
		return e.ascii[r>>6]&(1<<(uint(r)&63)) != 0
	}
	for i := 0; i+1 < len(e.ranges); i += 2 {
		if r < e.ranges[i] {
			return false
		}
		if r <= e.ranges[i+1] {
			return true
		}
	}
	return false
}

// seqMatcher matches a value against a sequence in which only the last
// element may vary in length, so a left-to-right scan without
// backtracking decides.
type seqMatcher struct{ elems []seqElem }

func newSeqMatcher(p string) (*seqMatcher, bool) {
	re, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return nil, false
	}
	var nodes []*syntax.Regexp
	var flatten func(*syntax.Regexp) bool
	flatten = func(n *syntax.Regexp) bool {
		switch n.Op {
		case syntax.OpConcat:
			for _, s := range n.Sub {
				if !flatten(s) {
					return false
				}
			}
			return true
		case syntax.OpCapture:
			return flatten(n.Sub[0])
		case syntax.OpEmptyMatch:
			return true
		}
		nodes = append(nodes, n)
		return true
	}
	if !flatten(re) {
		return nil, false
	}
	// Leading ^ and trailing $ say what the whole-value match does anyway.
	if len(nodes) > 0 && nodes[0].Op == syntax.OpBeginText {
		nodes = nodes[1:]
	}
	if len(nodes) > 0 && nodes[len(nodes)-1].Op == syntax.OpEndText {
		nodes = nodes[:len(nodes)-1]
	}
	m := &seqMatcher{}
	for _, n := range nodes {
		switch n.Op {
		case syntax.OpLiteral:
			if n.Flags&syntax.FoldCase != 0 {
				return nil, false
			}
			for _, r := range n.Rune {
				m.elems = append(m.elems, newSeqElem([]rune{r, r}, 1, 1))
			}
			continue
		case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
			set, ok := runeSet(n.Sub[0])
			if !ok {
				return nil, false
			}
			lo, hi := n.Min, n.Max
			switch n.Op {
			case syntax.OpStar:
				lo, hi = 0, -1
			case syntax.OpPlus:
				lo, hi = 1, -1
			case syntax.OpQuest:
				lo, hi = 0, 1
			}
			m.elems = append(m.elems, newSeqElem(set, lo, hi))
			continue
		}
		set, ok := runeSet(n)
		if !ok {
			return nil, false
		}
		m.elems = append(m.elems, newSeqElem(set, 1, 1))
	}
	for i, e := range m.elems {
		if e.min != e.max && i != len(m.elems)-1 {
			return nil, false
		}
	}
	return m, true
}

// runeSet is the set of runes one single-character node matches.
func runeSet(n *syntax.Regexp) ([]rune, bool) {
	switch n.Op {
	case syntax.OpLiteral:
		if len(n.Rune) != 1 || n.Flags&syntax.FoldCase != 0 {
			return nil, false
		}
		return []rune{n.Rune[0], n.Rune[0]}, true
	case syntax.OpCharClass:
		return n.Rune, true
	case syntax.OpAnyCharNotNL:
		return []rune{0, '\n' - 1, '\n' + 1, utf8.MaxRune}, true
	case syntax.OpAnyChar:
		return []rune{0, utf8.MaxRune}, true
	}
	return nil, false
}

func newSeqElem(ranges []rune, min, max int) seqElem {
	e := seqElem{ranges: ranges, min: min, max: max}
	for i := 0; i+1 < len(ranges); i += 2 {
		for r := ranges[i]; r <= ranges[i+1] && r < utf8.RuneSelf; r++ {
			e.ascii[r>>6] |= 1 << (uint(r) & 63)
		}
	}
	return e
}

func (m *seqMatcher) MatchString(s string) bool {
	i := 0
	next := func() (rune, bool) {
		if i >= len(s) {
			return 0, false
		}
		if c := s[i]; c < utf8.RuneSelf {
			i++
			return rune(c), true
		}
		// Invalid UTF-8 reads as U+FFFD one byte at a time, as regexp does.
		r, w := utf8.DecodeRuneInString(s[i:])
		i += w
		return r, true
	}
	for k := range m.elems {
		e := &m.elems[k]
		for range e.min {
			r, ok := next()
			if !ok || !e.has(r) {
				return false
			}
		}
		if e.max == e.min {
			continue
		}
		// The last element: everything left must belong to it.
		for n := e.min; i < len(s); n++ {
			if e.max >= 0 && n >= e.max {
				return false
			}
			if r, _ := next(); !e.has(r) {
				return false
			}
		}
	}
	return i == len(s)
}
