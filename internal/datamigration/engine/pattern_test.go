package engine

import (
	"regexp"
	"testing"
)

var patternCases = []string{
	`C\d{7}`, `[A-Z]{2}\d{4}`, `1[3-9]\d{9}`, `\d+`, `[A-Z0-9]{1,20}`, `M\d*`, `\d{6}(\d{2})?`,
	`^\d{3}$`, `.`, `.{2,}`, `[^0-9]+`, `物料\d{3}`, `(?i)abc`, `a|b`, `ab|cd`, `\d+x`, `(ab)+`, ``, `\p{Han}{2,4}`,
	`[\x{4e00}-\x{9fa5}]+`, `a?`, `\w{3}`, `\s*`,
}

var patternInputs = []string{
	"", "C1234567", "C123456", "C12345678", "c1234567", "AB1234", "Ab1234", "13912345678", "12912345678",
	"123", "12a", "ABC123", "M", "M12", "12345678", "1234567", "x", "\n", "ab", "abc", "ABC", "物料123",
	"物料12", "中文", "中文字符串测试", "\xff", "\xff\xfe", "a\xffb", "abab", "12x", " ", "  \t",
}

// The fast sequence matcher and regexp agree on every pattern it takes,
// and it takes the common shapes of migration specs.
func TestPatternMatcherAgreesWithRegexp(t *testing.T) {
	for _, p := range patternCases {
		m, err := compilePattern(p)
		if err != nil {
			t.Fatalf("%q: %v", p, err)
		}
		re := regexp.MustCompile(`^(?:` + p + `)$`)
		for _, in := range patternInputs {
			if got, want := m.MatchString(in), re.MatchString(in); got != want {
				t.Errorf("pattern %q, value %q: fast %v, regexp %v", p, in, got, want)
			}
		}
	}
	for _, p := range []string{`C\d{7}`, `1[3-9]\d{9}`, `\d+`, `[A-Z0-9]{1,20}`, `物料\d{3}`} {
		if _, ok := newSeqMatcher(p); !ok {
			t.Errorf("%q should take the fast path", p)
		}
	}
	for _, p := range []string{`(?i)abc`, `ab|cd`, `\d+x`, `(ab)+`} {
		if _, ok := newSeqMatcher(p); ok {
			t.Errorf("%q must go to regexp", p)
		}
	}
}

func FuzzPatternMatcher(f *testing.F) {
	for i, p := range patternCases {
		f.Add(p, patternInputs[i%len(patternInputs)])
	}
	f.Fuzz(func(t *testing.T, p, in string) {
		re, err := regexp.Compile(`^(?:` + p + `)$`)
		if err != nil {
			return
		}
		m, ok := newSeqMatcher(p)
		if !ok {
			return
		}
		if got, want := m.MatchString(in), re.MatchString(in); got != want {
			t.Fatalf("pattern %q, value %q: fast %v, regexp %v", p, in, got, want)
		}
	})
}

// A value canonicalScaled takes is one the general path would keep as is,
// with the same number.
func FuzzCanonicalScaled(f *testing.F) {
	for _, s := range []string{"0", "0.00", "-5.00", "1234.25", "007", "-0", "-0.00", "1.2", "12.345", "9223372036854775807", "99999999999999999.99", "1,234.50", "-", ".5", "5."} {
		for scale := range 4 {
			f.Add(s, scale)
		}
	}
	f.Fuzz(func(t *testing.T, s string, scale int) {
		if scale < 0 || scale > 6 {
			return
		}
		v, ok := canonicalScaled(s, scale)
		if !ok {
			return
		}
		n, ok := parseNumber(s)
		if !ok {
			t.Fatalf("%q (scale %d): fast path took a value the parser refuses", s, scale)
		}
		want, ok := n.scaled(scale)
		if !ok || want != v || string(appendScaled(nil, want, scale)) != s {
			t.Fatalf("%q (scale %d): fast %d, parser %d %v", s, scale, v, want, ok)
		}
	})
}
