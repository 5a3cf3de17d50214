package engine

import "testing"

func TestNormalizeDate(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"2024-01-05", "2024-01-05", true},
		{"2024/1/5", "2024-01-05", true},
		{"2024/01/05", "2024-01-05", true},
		{"2024.1.5", "2024-01-05", true},
		{"2024-1-5", "2024-01-05", true},
		{"2024年1月5日", "2024-01-05", true},
		{"2024年01月05号", "2024-01-05", true},
		{"2024年1月5", "2024-01-05", true},
		{"20240105", "2024-01-05", true},
		{"２０２４－０１－０５", "2024-01-05", true},
		{"  2024/1/5  ", "2024-01-05", true},
		{"2024/1/5 0:00", "2024-01-05", true},
		{"2024-01-05T10:30:00Z", "2024-01-05", true},
		{"2024/1/5 10:30:00", "2024-01-05", true},
		{"45296", "2024-01-05", true},
		{"45296.75", "2024-01-05", true},
		{"1", "1900-01-01", true},
		{"59", "1900-02-28", true},
		{"61", "1900-03-01", true},
		{"60", "", false}, // Excel's phantom 1900-02-29
		{"2024-02-29", "2024-02-29", true},
		{"2023-02-29", "", false},
		{"1900-02-29", "", false},
		{"2000-02-29", "2000-02-29", true},
		{"2024-13-01", "", false},
		{"2024-00-10", "", false},
		{"2024/4/31", "", false},
		{"2024/1-5", "", false},
		{"2024年1-5", "", false},
		{"24/1/5", "", false},
		{"1/5/2024", "", false},
		{"0", "", false},
		{"202401", "", false},
		{"2024010", "", false},
		{"2024-01-05x", "", false},
		{"2024-01-05 abc", "", false},
		{"", "", false},
		{"abc", "", false},
		{"0999-01-01", "", false},
	} {
		got, ok := NormalizeDate(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("NormalizeDate(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestNormalizeNumber(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"1234", "1234", true},
		{"1,234.50", "1234.5", true},
		{"1,234,567.00", "1234567", true},
		{"￥1,234", "1234", true},
		{"¥1,234", "1234", true},
		{"¥ 1,234.5元", "1234.5", true},
		{"$12", "12", true},
		{"1.2万", "12000", true},
		{"3亿", "300000000", true},
		{"1.5千", "1500", true},
		{"0.00012万", "1.2", true},
		{"(1,234.00)", "-1234", true},
		{"( 12.5 )", "-12.5", true},
		{"-0", "0", true},
		{"-12.30", "-12.3", true},
		{"+7", "7", true},
		{"１２３４．５", "1234.5", true},
		{"１，２３４", "1234", true},
		{"1.5E+03", "1500", true},
		{"1.5e-2", "0.015", true},
		{"123456789012345678", "123456789012345678", true},
		{"-￥5", "-5", true},
		{".5", "0.5", true},
		{"5.", "5", true},
		{"12,34", "", false},
		{"1,2345", "", false},
		{",123", "", false},
		{"1.2.3", "", false},
		{"12%", "", false},
		{"(-5)", "", false},
		{"abc", "", false},
		{"", "", false},
		{"-", "", false},
		{"1e999", "", false},
		{"99999999999999999999", "", false},
		{"1万万", "", false},
	} {
		got, ok := NormalizeNumber(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("NormalizeNumber(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestNormalizeTyped(t *testing.T) {
	for _, c := range []struct {
		typ   FieldType
		scale int
		in    string
		want  string
		ok    bool
	}{
		{TypeDecimal, 2, "1234.50", "1234.50", true},
		{TypeDecimal, 2, "1,234.5", "1234.50", true},
		{TypeDecimal, 2, "(3)", "-3.00", true},
		{TypeDecimal, 2, "1.234", "", false}, // more places than the scale: never rounded silently
		{TypeDecimal, 2, "1.230", "1.23", true},
		{TypeDecimal, 0, "12", "12", true},
		{TypeInt, 0, "1.2万", "12000", true},
		{TypeInt, 0, "1.5", "", false},
		{TypeInt, 0, "007", "7", true},
		{TypeBool, 0, "是", "true", true},
		{TypeBool, 0, "Ｎ", "false", true},
		{TypeBool, 0, "maybe", "", false},
		{TypeDate, 0, "2024/1/5", "2024-01-05", true},
		{TypeText, 0, " a ", " a ", true},
	} {
		got, ok := normalizeTyped(c.typ, c.scale, c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("normalizeTyped(%s,%d,%q) = %q, %v; want %q, %v", c.typ, c.scale, c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestNormalizeBool(t *testing.T) {
	for in, want := range map[string]bool{"是": true, "否": false, "Y": true, "no": false, "TRUE": true, "0": false, "√": true, "×": false, " 对 ": true} {
		if got, ok := NormalizeBool(in); !ok || got != want {
			t.Errorf("NormalizeBool(%q) = %v, %v", in, got, ok)
		}
	}
	if _, ok := NormalizeBool("2"); ok {
		t.Error("2 is not a boolean")
	}
}

func TestHalfWidth(t *testing.T) {
	for in, want := range map[string]string{
		"ＡＢＣ１２３": "ABC123",
		"（北京）":   "(北京)",
		"a　b":    "a b",
		"中文，不变":  "中文,不变",
		"plain":  "plain",
		"～！":     "~!",
		"。、【】":   "。、【】",
	} {
		if got := HalfWidth(in); got != want {
			t.Errorf("HalfWidth(%q) = %q, want %q", in, got, want)
		}
	}
	if n := testing.AllocsPerRun(10, func() { HalfWidth("plain 中文") }); n != 0 {
		t.Errorf("HalfWidth allocates %v times on clean input", n)
	}
}

func TestCollapseSpaces(t *testing.T) {
	for in, want := range map[string]string{
		"  a  b ":        "a b",
		"a\tb":           "a b",
		"a\u3000\u3000b": "a b",
		"\u00a0x\u00a0":  "x",
		"a b":            "a b",
		"":               "",
		"   ":            "",
		"中 文":            "中 文",
		"中  文\n":         "中 文",
	} {
		if got := CollapseSpaces(in); got != want {
			t.Errorf("CollapseSpaces(%q) = %q, want %q", in, got, want)
		}
	}
	if n := testing.AllocsPerRun(10, func() { CollapseSpaces("a b 中文") }); n != 0 {
		t.Errorf("CollapseSpaces allocates %v times on clean input", n)
	}
}

func TestCaseASCII(t *testing.T) {
	if s, ch := caseASCII("ab-Cd中", true); s != "AB-CD中" || !ch {
		t.Error(s)
	}
	if s, ch := caseASCII("AB", true); s != "AB" || ch {
		t.Error(s)
	}
	if s, ch := caseASCII("AbC", false); s != "abc" || !ch {
		t.Error(s)
	}
}
