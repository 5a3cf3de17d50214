package research

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golive/internal/apperr"
)

// Question types.
const (
	TypeShort  = "short"  // one line of text
	TypeLong   = "long"   // paragraphs
	TypeSingle = "single" // one of the options
	TypeMulti  = "multi"  // any of the options
	TypeScale  = "scale"  // 1–5
	TypeTable  = "table"  // fixed columns, rows added by the respondent
)

// Types lists the question types in display order.
var Types = []string{TypeShort, TypeLong, TypeSingle, TypeMulti, TypeScale, TypeTable}

// Limits of a questionnaire's body and of its answers.
const (
	MaxSections  = 30
	MaxQuestions = 200
	MaxOptions   = 30
	MaxColumns   = 12
	MaxTableRows = 100
	MaxTextRunes = 5000 // one text answer or table cell
	maxLabel     = 200  // question text, option, column, section title
	MaxBodyText  = 64 << 10
)

// Body is the content of a template or a questionnaire: sections of
// questions. Keys (q1, q2, …) are given in order when the body is parsed;
// a sent questionnaire's body no longer changes, so the keys of its
// answers stay meaningful.
type Body struct {
	Sections []Section `json:"sections"`
}

// Section is a titled group of questions.
type Section struct {
	Title     string     `json:"title"`
	Questions []Question `json:"questions"`
}

// Question is one question.
type Question struct {
	Key      string   `json:"key"`
	Type     string   `json:"type" enum:"short,long,single,multi,scale,table"`
	Text     string   `json:"text"`
	Required bool     `json:"required,omitempty"`
	Options  []string `json:"options,omitempty"` // single, multi
	Columns  []string `json:"columns,omitempty"` // table
}

// Questions returns every question in order.
func (b Body) Questions() []Question {
	var out []Question
	for _, s := range b.Sections {
		out = append(out, s.Questions...)
	}
	return out
}

// Question finds a question by key.
func (b Body) Question(key string) (Question, bool) {
	for _, s := range b.Sections {
		for _, q := range s.Questions {
			if q.Key == key {
				return q, true
			}
		}
	}
	return Question{}, false
}

func validType(t string) bool {
	for _, x := range Types {
		if x == t {
			return true
		}
	}
	return false
}

// cleanLabel trims a label and reports whether it is acceptable.
func cleanLabel(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxLabel {
		return s, false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return s, false
		}
	}
	return s, true
}

// Normalize checks a body (from JSON or from ParseText), trims its labels
// and numbers its questions q1, q2, …; field names the input field errors
// are reported under.
func (b *Body) Normalize(field string) error {
	var f apperr.Fields
	if len(b.Sections) > MaxSections {
		f.Add(field, "research.err_too_many_sections", MaxSections)
		return f.Err()
	}
	n := 0
	for si := range b.Sections {
		s := &b.Sections[si]
		if s.Title != "" {
			t, ok := cleanLabel(s.Title)
			if !ok {
				f.Add(field, "research.err_section_title", si+1)
				return f.Err()
			}
			s.Title = t
		}
		for qi := range s.Questions {
			q := &s.Questions[qi]
			n++
			if n > MaxQuestions {
				f.Add(field, "research.err_too_many_questions", MaxQuestions)
				return f.Err()
			}
			q.Key = "q" + strconv.Itoa(n)
			if !validType(q.Type) {
				f.Add(field, "research.err_question_type", n)
				return f.Err()
			}
			t, ok := cleanLabel(q.Text)
			if !ok {
				f.Add(field, "research.err_question_text", n)
				return f.Err()
			}
			q.Text = t
			switch q.Type {
			case TypeSingle, TypeMulti:
				q.Columns = nil
				if len(q.Options) < 2 || len(q.Options) > MaxOptions {
					f.Add(field, "research.err_options", n, MaxOptions)
					return f.Err()
				}
				seen := map[string]bool{}
				for i, o := range q.Options {
					o, ok := cleanLabel(o)
					if !ok || seen[o] {
						f.Add(field, "research.err_option", n, i+1)
						return f.Err()
					}
					seen[o] = true
					q.Options[i] = o
				}
			case TypeTable:
				q.Options = nil
				if len(q.Columns) < 1 || len(q.Columns) > MaxColumns {
					f.Add(field, "research.err_columns", n, MaxColumns)
					return f.Err()
				}
				for i, c := range q.Columns {
					c, ok := cleanLabel(c)
					if !ok {
						f.Add(field, "research.err_column", n, i+1)
						return f.Err()
					}
					q.Columns[i] = c
				}
			default:
				q.Options, q.Columns = nil, nil
			}
		}
	}
	if n == 0 {
		f.Add(field, "research.err_no_questions")
	}
	return f.Err()
}

// ParseText reads the editing format of a body, one question a line:
//
//	# 基本信息                         a section
//	* [short] 公司名称                  "*" marks a required question
//	[single] 记账本位币 | 人民币 | 美元    options after "|"
//	[table] 现有科目 | 编码 | 名称        columns after "|"
//
// Blank lines are ignored. Errors name the line.
func ParseText(text string) (Body, error) {
	var b Body
	fail := func(line int, key string) (Body, error) {
		return Body{}, apperr.InvalidField("body", key, line)
	}
	if len(text) > MaxBodyText {
		return Body{}, apperr.InvalidField("body", "validate.too_long", MaxBodyText)
	}
	if !utf8.ValidString(text) {
		return Body{}, apperr.InvalidField("body", "validate.utf8")
	}
	for i, raw := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "#") {
			title := strings.TrimSpace(strings.TrimLeft(line, "#"))
			if len(b.Sections) >= MaxSections {
				return fail(i+1, "research.err_line_sections")
			}
			b.Sections = append(b.Sections, Section{Title: title})
			continue
		}
		var q Question
		if strings.HasPrefix(line, "*") {
			q.Required = true
			line = strings.TrimSpace(line[1:])
		}
		if !strings.HasPrefix(line, "[") {
			return fail(i+1, "research.err_line_type")
		}
		end := strings.Index(line, "]")
		if end < 0 {
			return fail(i+1, "research.err_line_type")
		}
		q.Type = strings.ToLower(strings.TrimSpace(line[1:end]))
		if !validType(q.Type) {
			return fail(i+1, "research.err_line_type")
		}
		parts := strings.Split(line[end+1:], "|")
		q.Text = strings.TrimSpace(parts[0])
		var rest []string
		for _, p := range parts[1:] {
			if p = strings.TrimSpace(p); p != "" {
				rest = append(rest, p)
			}
		}
		switch q.Type {
		case TypeSingle, TypeMulti:
			q.Options = rest
		case TypeTable:
			q.Columns = rest
		default:
			if len(rest) > 0 {
				return fail(i+1, "research.err_line_extra")
			}
		}
		if len(b.Sections) == 0 {
			b.Sections = append(b.Sections, Section{})
		}
		s := &b.Sections[len(b.Sections)-1]
		if len(b.Questions()) >= MaxQuestions {
			return fail(i+1, "research.err_line_questions")
		}
		s.Questions = append(s.Questions, q)
	}
	// Drop empty sections (a heading with nothing under it).
	out := b.Sections[:0]
	for _, s := range b.Sections {
		if len(s.Questions) > 0 {
			out = append(out, s)
		}
	}
	b.Sections = out
	if err := b.Normalize("body"); err != nil {
		return Body{}, err
	}
	return b, nil
}

// Text writes a body in the editing format ParseText reads.
func (b Body) Text() string {
	var sb strings.Builder
	for i, s := range b.Sections {
		if i > 0 {
			sb.WriteString("\n")
		}
		if s.Title != "" {
			sb.WriteString("# " + s.Title + "\n")
		}
		for _, q := range s.Questions {
			if q.Required {
				sb.WriteString("* ")
			}
			sb.WriteString("[" + q.Type + "] " + q.Text)
			for _, o := range append(append([]string(nil), q.Options...), q.Columns...) {
				sb.WriteString(" | " + o)
			}
			sb.WriteString("\n")
		}
	}
	return sb.String()
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func decodeBody(s string) Body {
	var b Body
	_ = json.Unmarshal([]byte(s), &b)
	return b
}

// Answer is one person's answer to one question; which field is used
// depends on the question's type.
type Answer struct {
	Text    string     `json:"text,omitempty"`    // short, long
	Choices []string   `json:"choices,omitempty"` // single (one), multi
	Scale   int        `json:"scale,omitempty"`   // 1–5
	Rows    [][]string `json:"rows,omitempty"`    // table: one cell per column
}

// Answers are a response's answers by question key.
type Answers map[string]Answer

func (a Answer) empty() bool {
	return strings.TrimSpace(a.Text) == "" && len(a.Choices) == 0 && a.Scale == 0 && len(a.Rows) == 0
}

// Check validates answers against the body: unknown questions, choices
// not among the options, a scale outside 1–5, table rows of the wrong
// width and over-long text are refused; on submit, required questions
// must be answered. Errors are reported per question key. Empty answers
// and empty table rows are dropped.
func (b Body) Check(in Answers, submit bool) (Answers, error) {
	var f apperr.Fields
	out := Answers{}
	for k := range in {
		if _, ok := b.Question(k); !ok {
			f.Add("answers", "research.err_unknown_question", k)
			return nil, f.Err()
		}
	}
	for _, q := range b.Questions() {
		a := in[q.Key]
		switch q.Type {
		case TypeShort, TypeLong:
			a = Answer{Text: strings.TrimSpace(a.Text)}
			if !utf8.ValidString(a.Text) {
				f.Add(q.Key, "validate.utf8")
			} else if utf8.RuneCountInString(a.Text) > MaxTextRunes {
				f.Add(q.Key, "validate.too_long", MaxTextRunes)
			} else if q.Type == TypeShort && strings.ContainsAny(a.Text, "\r\n") {
				f.Add(q.Key, "validate.single_line")
			}
		case TypeSingle, TypeMulti:
			a = Answer{Choices: a.Choices}
			if q.Type == TypeSingle && len(a.Choices) > 1 {
				f.Add(q.Key, "research.err_one_choice")
				break
			}
			seen := map[string]bool{}
			for _, c := range a.Choices {
				if !contains(q.Options, c) {
					f.Add(q.Key, "research.err_choice")
					break
				}
				if seen[c] {
					f.Add(q.Key, "research.err_choice")
					break
				}
				seen[c] = true
			}
		case TypeScale:
			a = Answer{Scale: a.Scale}
			if a.Scale < 0 || a.Scale > 5 {
				f.Add(q.Key, "research.err_scale")
			}
		case TypeTable:
			rows := [][]string{}
			if len(a.Rows) > MaxTableRows {
				f.Add(q.Key, "research.err_rows", MaxTableRows)
				break
			}
			for i, r := range a.Rows {
				if len(r) != len(q.Columns) {
					f.Add(q.Key, "research.err_row_width", i+1, len(q.Columns))
					break
				}
				blank := true
				cells := make([]string, len(r))
				for j, c := range r {
					c = strings.TrimSpace(c)
					if !utf8.ValidString(c) || utf8.RuneCountInString(c) > maxLabel*5 || strings.ContainsAny(c, "\r\n") {
						f.Add(q.Key, "research.err_cell", i+1, q.Columns[j])
						break
					}
					cells[j] = c
					if c != "" {
						blank = false
					}
				}
				if !blank {
					rows = append(rows, cells)
				}
			}
			a = Answer{}
			if len(rows) > 0 {
				a.Rows = rows
			}
		}
		if f.Has(q.Key) {
			continue
		}
		if a.empty() {
			if submit && q.Required {
				f.Add(q.Key, "validate.required")
			}
			continue
		}
		out[q.Key] = a
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// AnswerText shows an answer in one line (exports, candidates).
func AnswerText(q Question, a Answer) string {
	switch q.Type {
	case TypeSingle, TypeMulti:
		return strings.Join(a.Choices, "；")
	case TypeScale:
		if a.Scale == 0 {
			return ""
		}
		return strconv.Itoa(a.Scale)
	case TypeTable:
		var rows []string
		for _, r := range a.Rows {
			rows = append(rows, strings.Join(r, " / "))
		}
		return strings.Join(rows, "；")
	}
	return a.Text
}

// Lookup returns the question of a key (the zero Question when none).
func (b Body) Lookup(key string) Question {
	q, _ := b.Question(key)
	return q
}
