package discuss

import (
	"html/template"
	"mime"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

var cands = []Candidate{
	{UserID: 1, Name: "张伟", Email: "zhangwei@vendor.cn"},
	{UserID: 2, Name: "张伟强", Email: "zwq@vendor.cn"},
	{UserID: 3, Name: "Ann", Email: "ann@customer.cn"},
	{UserID: 4, Name: "Anna Li", Email: "anna@customer.cn"},
	{UserID: 5, Name: "王芳", Email: ""},
}

func TestParseMentions(t *testing.T) {
	for _, c := range []struct {
		text string
		want []int64
	}{
		{"@张伟 请看", []int64{1}},
		{"@张伟请看一下", []int64{1}},             // no space after a Chinese name
		{"@张伟强 和 @张伟", []int64{2, 1}},       // longest name wins
		{"请@王芳确认", []int64{5}},              // after a Chinese character
		{"@Ann, @Anna Li", []int64{3, 4}},   // ASCII names need a boundary
		{"@Annabel", nil},                   // not Ann
		{"@ANN@CUSTOMER.CN 你好", []int64{3}}, // e-mail, any case
		{"mail zhangwei@vendor.cn or a@张伟", nil},
		{"@张伟 @张伟 @zhangwei@vendor.cn", []int64{1}},
		{"@李四 @", nil},
		{"@ann.", []int64{3}},
		{"@ann.smith", nil},
		{"", nil},
	} {
		if got := ParseMentions(c.text, cands); !slices.Equal(got, c.want) {
			t.Errorf("%q: %v, want %v", c.text, got, c.want)
		}
	}
}

func FuzzParseMentions(f *testing.F) {
	for _, s := range []string{"@张伟 请看", "@ann@customer.cn", "a@b @Anna Li", "@@@", "@\xff张伟", "请@王芳确认"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := ParseMentions(s, cands)
		seen := map[int64]bool{}
		for _, id := range got {
			if id < 1 || id > 5 || seen[id] {
				t.Fatalf("%q: %v", s, got)
			}
			seen[id] = true
		}
		if len(got) > 0 && !strings.Contains(s, "@") {
			t.Fatalf("%q: mentions without @", s)
		}
	})
}

func TestRenderMarkdownIsSafe(t *testing.T) {
	for _, c := range []struct{ in, must, mustNot string }{
		{"**重要** 请看", "<strong>重要</strong>", ""},
		{"<script>alert(1)</script>", "", "<script"},
		{"<img src=x onerror=alert(1)>", "", "onerror"},
		{"[点我](javascript:alert(1))", "<a href=\"\">", "javascript:"},
		{"第一行\n第二行", "<br", ""},
		{"| a | b |\n|---|---|\n| 1 | 2 |", "<table>", ""},
	} {
		got := string(RenderMarkdown(c.in))
		if c.must != "" && !strings.Contains(got, c.must) {
			t.Errorf("%q → %q: missing %q", c.in, got, c.must)
		}
		if c.mustNot != "" && strings.Contains(strings.ToLower(got), c.mustNot) {
			t.Errorf("%q → %q: contains %q", c.in, got, c.mustNot)
		}
	}
}

var (
	badTag  = regexp.MustCompile(`<(script|iframe|style|object|embed|form|input|svg|math|link|meta|base)[\s>/]`)
	badAttr = regexp.MustCompile(`<[a-z][^>]*\son[a-z]+\s*=`)
	badURL  = regexp.MustCompile(`(href|src)\s*=\s*"\s*(javascript:|vbscript:|data:text)`)
)

func FuzzRenderMarkdown(f *testing.F) {
	for _, s := range []string{"**b** _i_", "<script>x</script>", "[a](javascript:alert(1))", "<a href=\"x\" onclick=\"y\">z</a>", "```\n<b>\n```", "![x](data:text/html,<script>)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := strings.ToLower(string(RenderMarkdown(s)))
		// Text may say anything (it is escaped); tags and attributes may not.
		if badTag.MatchString(out) || badAttr.MatchString(out) || badURL.MatchString(out) {
			t.Fatalf("%q rendered %q", s, out)
		}
		_ = template.HTML(out)
	})
}

func TestContentDisposition(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"report.xlsx", `attachment; filename="report.xlsx"; filename*=UTF-8''report.xlsx`},
		{"需求确认书 v2.docx", `attachment; filename="_____ v2.docx"; filename*=UTF-8''%E9%9C%80%E6%B1%82%E7%A1%AE%E8%AE%A4%E4%B9%A6%20v2.docx`},
		{"计划.pdf", `attachment; filename="download.pdf"; filename*=UTF-8''%E8%AE%A1%E5%88%92.pdf`},
	} {
		if got := ContentDisposition(false, c.name); got != c.want {
			t.Errorf("%q: %s, want %s", c.name, got, c.want)
		}
	}
}

func FuzzContentDisposition(f *testing.F) {
	for _, s := range []string{"a.txt", "需求.docx", "a\"b;c\\d\r\n.txt", "../../etc/passwd", "C:\\x\\计划.mpp", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name := CleanFileName(s)
		if !utf8.ValidString(name) || strings.ContainsAny(name, "/\"\r\n") || utf8.RuneCountInString(name) > 200 {
			t.Fatalf("clean %q → %q", s, name)
		}
		if name == "" {
			return
		}
		cd := ContentDisposition(true, name)
		if strings.ContainsAny(cd, "\r\n") {
			t.Fatalf("header injection: %q", cd)
		}
		typ, params, err := mime.ParseMediaType(cd)
		if err != nil || typ != "inline" || params["filename"] != name {
			t.Fatalf("%q: %q → %v %v %v", name, cd, typ, params, err)
		}
	})
}
