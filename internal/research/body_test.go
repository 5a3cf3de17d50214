package research

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"golive/internal/apperr"
)

func TestParseText(t *testing.T) {
	b, err := ParseText("# 一\n* [short] 名称\n[single] 币种 | 人民币 | 美元\n\n# 二\n[table] 仓库 | 名称 | 面积\n[scale] 满意度")
	if err != nil {
		t.Fatal(err)
	}
	qs := b.Questions()
	if len(b.Sections) != 2 || len(qs) != 4 || qs[0].Key != "q1" || !qs[0].Required || qs[1].Options[1] != "美元" || qs[2].Columns[1] != "面积" || qs[3].Key != "q4" {
		t.Fatalf("parsed %+v", b)
	}
	again, err := ParseText(b.Text())
	if err != nil || !reflect.DeepEqual(again, b) {
		t.Fatalf("round trip: %v\n%+v\n%+v", err, again, b)
	}
	for _, bad := range []struct{ text, key string }{
		{"名称", "research.err_line_type"},
		{"[date] 日期", "research.err_line_type"},
		{"[short] 名称 | 多余", "research.err_line_extra"},
		{"[single] 只有一个 | 甲", "research.err_options"},
		{"[single] 重复 | 甲 | 甲", "research.err_option"},
		{"[table] 无列", "research.err_columns"},
		{"[short]", "research.err_question_text"},
		{"# 空分组", "research.err_no_questions"},
		{"", "research.err_no_questions"},
	} {
		_, err := ParseText(bad.text)
		e := apperr.As(err)
		if e == nil || e.Fields["body"] != bad.key {
			t.Errorf("%q: want %s, got %v", bad.text, bad.key, err)
		}
	}
}

func TestSentences(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"月结太慢。每月五天！", []string{"月结太慢。", "每月五天！"}},
		{"版本 v1.2 可用.下一句", []string{"版本 v1.2 可用.下一句"}},
		{"Slow close. Five days!\nNeed 3.5 days?", []string{"Slow close.", "Five days!", "Need 3.5 days?"}},
		{"真的吗？！”他说。", []string{"真的吗？！”", "他说。"}},
		{"  \n\n ", nil},
	} {
		if got := Sentences(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzParseText: any text either is refused with a field error or parses
// into a body whose written form parses back to the same body.
func FuzzParseText(f *testing.F) {
	for _, s := range []string{"* [short] 名称", "# 一\n[multi] 甲 | 乙 | 丙\n[table] 表 | 列", "[scale] 满意度\r\n[long] 说明", "[single] | |", "#\n#\n[short] x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseText(s)
		if err != nil {
			if apperr.CodeOf(err) != apperr.Invalid {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		again, err := ParseText(b.Text())
		if err != nil || !reflect.DeepEqual(again, b) {
			t.Fatalf("%q: round trip %v", s, err)
		}
	})
}

// FuzzCheck: answers decoded from any JSON are accepted only when every
// kept answer fits its question.
func FuzzCheck(f *testing.F) {
	b, err := ParseText("* [short] 名称\n[single] 币种 | 人民币 | 美元\n[multi] 核算 | 部门 | 项目\n[scale] 满意度\n[table] 仓库 | 名称 | 面积\n[long] 说明")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{`{"q1":{"text":"甲"}}`, `{"q2":{"choices":["人民币"]},"q4":{"scale":3}}`, `{"q5":{"rows":[["a","b"],["",""]]}}`, `{"q9":{}}`, `{"q4":{"scale":-1}}`} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, submit bool) {
		var in Answers
		if json.Unmarshal([]byte(s), &in) != nil {
			return
		}
		out, err := b.Check(in, submit)
		if err != nil {
			if apperr.CodeOf(err) != apperr.Invalid {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if submit && out["q1"].Text == "" {
			t.Fatalf("%q: required q1 empty on submit", s)
		}
		for k, a := range out {
			q, ok := b.Question(k)
			if !ok {
				t.Fatalf("%q: unknown %s kept", s, k)
			}
			for _, c := range a.Choices {
				if !contains(q.Options, c) {
					t.Fatalf("%q: choice %q kept", s, c)
				}
			}
			if a.Scale < 0 || a.Scale > 5 {
				t.Fatalf("%q: scale %d kept", s, a.Scale)
			}
			for _, r := range a.Rows {
				if len(r) != len(q.Columns) {
					t.Fatalf("%q: row %v kept", s, r)
				}
			}
		}
	})
}

// FuzzSentences: splitting loses no visible character.
func FuzzSentences(f *testing.F) {
	for _, s := range []string{"月结太慢。每月五天！", "a. b.c\nd?", "。。。", "3.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		strip := func(x string) string {
			return strings.Map(func(r rune) rune {
				if unicode.IsSpace(r) {
					return -1
				}
				return r
			}, x)
		}
		got := Sentences(s)
		if strip(strings.Join(got, "")) != strip(s) {
			t.Fatalf("%q → %q", s, got)
		}
		for _, x := range got {
			if strings.TrimSpace(x) == "" {
				t.Fatalf("%q: blank sentence", s)
			}
		}
	})
}
