package research

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
)

// Sentences splits notes into sentences: after 。！？!? and a newline
// always, after "." only when a space or the end follows (so "3.5 万" and
// "v1.2" stay whole). Each sentence keeps its end mark; blanks are dropped.
func Sentences(notes string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	rs := []rune(notes)
	const closers = "”’」』)）\"'"
	ended := false // the sentence has its end mark; closing quotes may follow
	for i, r := range rs {
		next := rune(0)
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		switch {
		case r == '\n' || r == '\r':
			flush()
			ended = false
			continue
		case strings.ContainsRune("。！？!?", r):
			cur.WriteRune(r)
			ended = true
		case r == '.':
			cur.WriteRune(r)
			ended = next == 0 || unicode.IsSpace(next)
		case ended && strings.ContainsRune(closers, r):
			cur.WriteRune(r)
		default:
			cur.WriteRune(r)
			ended = false
			continue
		}
		// Keep a run of end marks and closing quotes with the sentence.
		if ended && (next == 0 || !strings.ContainsRune("。！？!?"+closers, next)) {
			flush()
			ended = false
		}
	}
	flush()
	return out
}

// sentenceKey names a sentence by its text, so an edit of the notes that
// moves a sentence keeps its link to the requirement it became.
func sentenceKey(s string) string {
	h := sha256.Sum256([]byte(s))
	return "s:" + hex.EncodeToString(h[:8])
}

// OptionCount is how many people chose an option (or a scale value).
type OptionCount struct {
	Label string `json:"label"`
	N     int    `json:"n"`
}

// TextAnswer is one person's text answer, for the per-question view.
type TextAnswer struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// QuestionAgg is one question aggregated over the submitted responses.
type QuestionAgg struct {
	Key      string        `json:"key"`
	Section  string        `json:"section"`
	Type     string        `json:"type"`
	Text     string        `json:"text"`
	Answered int           `json:"answered"`
	Counts   []OptionCount `json:"counts,omitempty"`  // single, multi, scale (1–5)
	Average  float64       `json:"average,omitempty"` // scale
	Texts    []TextAnswer  `json:"texts,omitempty"`   // short, long, table (one line per person)
}

// Aggregate counts the submitted responses per question.
type Aggregate struct {
	Submitted int           `json:"submitted"`
	Questions []QuestionAgg `json:"questions"`
}

// aggregate computes the per-question view of submitted responses.
func aggregate(b Body, rs []Response) Aggregate {
	var out Aggregate
	for _, r := range rs {
		if r.Status == StatusSubmitted {
			out.Submitted++
		}
	}
	for _, s := range b.Sections {
		for _, q := range s.Questions {
			qa := QuestionAgg{Key: q.Key, Section: s.Title, Type: q.Type, Text: q.Text}
			switch q.Type {
			case TypeSingle, TypeMulti:
				for _, o := range q.Options {
					qa.Counts = append(qa.Counts, OptionCount{Label: o})
				}
			case TypeScale:
				for _, l := range []string{"1", "2", "3", "4", "5"} {
					qa.Counts = append(qa.Counts, OptionCount{Label: l})
				}
			}
			sum := 0
			for _, r := range rs {
				if r.Status != StatusSubmitted {
					continue
				}
				a, ok := r.Answers[q.Key]
				if !ok || a.empty() {
					continue
				}
				qa.Answered++
				switch q.Type {
				case TypeSingle, TypeMulti:
					for _, c := range a.Choices {
						for i := range qa.Counts {
							if qa.Counts[i].Label == c {
								qa.Counts[i].N++
							}
						}
					}
				case TypeScale:
					if a.Scale >= 1 && a.Scale <= 5 {
						qa.Counts[a.Scale-1].N++
						sum += a.Scale
					}
				default:
					qa.Texts = append(qa.Texts, TextAnswer{Name: r.UserName, Text: AnswerText(q, a)})
				}
			}
			if q.Type == TypeScale && qa.Answered > 0 {
				qa.Average = float64(sum) / float64(qa.Answered)
			}
			out.Questions = append(out.Questions, qa)
		}
	}
	return out
}
