package discuss

import (
	"strings"
	"unicode/utf8"
)

// Candidate is someone who may be mentioned: a live member of the object's
// project who can see it.
type Candidate struct {
	UserID int64
	Name   string
	Email  string
}

// ParseMentions finds the people a text mentions, in order of first
// mention. A mention is "@" followed by a candidate's display name or
// e-mail address (case-insensitive for addresses). Chinese text puts no
// space after a name ("@张伟请看"), so names are matched against the
// candidates, longest first, rather than cut at the next space. The "@"
// must not follow a letter, digit or address character (so an e-mail
// address in the text mentions nobody), and an ASCII name must not run on
// into more ASCII letters ("@Ann" is not "@Anna").
func ParseMentions(text string, cands []Candidate) []int64 {
	var out []int64
	seen := map[int64]bool{}
	for i := 0; i < len(text); {
		j := strings.IndexByte(text[i:], '@')
		if j < 0 {
			break
		}
		at := i + j
		i = at + 1
		if at > 0 {
			prev, _ := utf8.DecodeLastRuneInString(text[:at])
			if prev < utf8.RuneSelf && (isWordByte(byte(prev)) || prev == '.' || prev == '+' || prev == '-') {
				continue
			}
		}
		rest := text[at+1:]
		best, bestLen := int64(0), 0
		for _, c := range cands {
			for _, label := range []string{c.Email, c.Name} {
				if label == "" || len(label) <= bestLen || len(label) > len(rest) {
					continue
				}
				if !strings.EqualFold(rest[:len(label)], label) {
					continue
				}
				if !boundary(label, rest[len(label):]) {
					continue
				}
				best, bestLen = c.UserID, len(label)
			}
		}
		if bestLen == 0 {
			continue
		}
		i = at + 1 + bestLen
		if !seen[best] {
			seen[best] = true
			out = append(out, best)
		}
	}
	return out
}

func isWordByte(b byte) bool {
	return b == '_' || ('0' <= b && b <= '9') || ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z')
}

// boundary: a label ending in an ASCII word character must not be followed
// by another one (nor by an address character that would continue it).
func boundary(label, after string) bool {
	if after == "" {
		return true
	}
	last, _ := utf8.DecodeLastRuneInString(label)
	next, _ := utf8.DecodeRuneInString(after)
	if last < utf8.RuneSelf && isWordByte(byte(last)) {
		if next < utf8.RuneSelf && (isWordByte(byte(next)) || next == '@') {
			return false
		}
		// "@bob.smith" when only "bob" is a candidate: the dot continues
		// the name unless it ends the sentence.
		if next == '.' {
			n2, _ := utf8.DecodeRuneInString(after[1:])
			if len(after) > 1 && n2 < utf8.RuneSelf && isWordByte(byte(n2)) {
				return false
			}
		}
	}
	return true
}
