package validate_test

import (
	"reflect"
	"strings"
	"testing"

	"golive/internal/apperr"
	"golive/internal/i18n"
	"golive/internal/validate"
)

// result runs one check on a fresh Fields and returns the key and args
// recorded for field "f" ("" when the value passed).
func result(check func(f *apperr.Fields)) (string, []any) {
	var f apperr.Fields
	check(&f)
	err := f.Err()
	if err == nil {
		return "", nil
	}
	e := err.(*apperr.Error)
	return e.Fields["f"], e.FieldArgs["f"]
}

type vcase struct {
	name  string
	in    string
	key   string
	args  []any
	after string // the normalised value when the check passes ("" = unchanged trimmed input)
}

func runCases(t *testing.T, cases []vcase, check func(f *apperr.Fields, v *string)) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.in
			key, args := result(func(f *apperr.Fields) { check(f, &v) })
			if key != tc.key {
				t.Fatalf("%q: key %q, want %q", tc.in, key, tc.key)
			}
			if tc.key != "" && !i18n.Has(tc.key) {
				t.Fatalf("key %q is not in the catalog", tc.key)
			}
			if !reflect.DeepEqual(args, tc.args) {
				t.Fatalf("%q: args %v, want %v", tc.in, args, tc.args)
			}
			if tc.key == "" && tc.after != "" && v != tc.after {
				t.Fatalf("%q normalised to %q, want %q", tc.in, v, tc.after)
			}
		})
	}
}

func TestText(t *testing.T) {
	runCases(t, []vcase{
		{name: "ok", in: "甲项目", after: "甲项目"},
		{name: "trimmed", in: "  甲项目 \n", after: "甲项目"},
		{name: "multi-line allowed", in: "第一行\n第二行\t缩进", after: "第一行\n第二行\t缩进"},
		{name: "empty required", in: "", key: "validate.required"},
		{name: "spaces only", in: "   \t ", key: "validate.required"},
		{name: "too short", in: "a", key: "validate.too_short", args: []any{2}},
		{name: "exactly max runes", in: strings.Repeat("中", 10), after: strings.Repeat("中", 10)},
		{name: "max+1 runes", in: strings.Repeat("中", 11), key: "validate.too_long", args: []any{10}},
		{name: "invalid UTF-8", in: "ab\xffcd", key: "validate.utf8"},
		{name: "truncated rune", in: "中"[:2], key: "validate.utf8"},
		{name: "NUL", in: "a\x00b", key: "validate.control_char"},
		{name: "escape", in: "a\x1b[31mb", key: "validate.control_char"},
		{name: "DEL", in: "ab\x7f", key: "validate.control_char"},
		{name: "C1 control", in: "ab\u0085c", key: "validate.control_char"},
	}, func(f *apperr.Fields, v *string) { validate.Text(f, "f", v, 2, 10) })

	// min 0: optional.
	runCases(t, []vcase{
		{name: "optional empty", in: ""},
		{name: "optional long", in: strings.Repeat("x", 6), key: "validate.too_long", args: []any{5}},
	}, func(f *apperr.Fields, v *string) { validate.Text(f, "f", v, 0, 5) })
}

func TestLine(t *testing.T) {
	runCases(t, []vcase{
		{name: "ok", in: " 甲 项目 ", after: "甲 项目"},
		{name: "newline", in: "a\nb", key: "validate.single_line"},
		{name: "carriage return", in: "a\rb", key: "validate.single_line"},
		{name: "tab", in: "a\tb", key: "validate.single_line"},
		{name: "trailing newline is trimmed", in: "ab\n", after: "ab"},
		{name: "too long wins over newline", in: "a\n" + strings.Repeat("b", 20), key: "validate.too_long", args: []any{10}},
		{name: "required", in: "", key: "validate.required"},
	}, func(f *apperr.Fields, v *string) { validate.Line(f, "f", v, 1, 10) })
}

func TestEmail(t *testing.T) {
	runCases(t, []vcase{
		{name: "ok", in: "pm@example.com", after: "pm@example.com"},
		{name: "lower-cased and trimmed", in: "  PM@Example.COM ", after: "pm@example.com"},
		{name: "chinese domain", in: "张三@例子.中国", after: "张三@例子.中国"},
		{name: "no at", in: "pm.example.com", key: "validate.email"},
		{name: "display name", in: "PM <pm@example.com>", key: "validate.email"},
		{name: "two ats", in: "a@b@c", key: "validate.email"},
		{name: "space inside", in: "p m@example.com", key: "validate.email"},
		{name: "empty", in: "", key: "validate.required"},
		{name: "newline", in: "a@b.c\nbcc: x@y.z", key: "validate.single_line"},
		{name: "too long", in: strings.Repeat("a", 250) + "@b.cn", key: "validate.too_long", args: []any{254}},
		{name: "invalid UTF-8", in: "a\xff@b.c", key: "validate.utf8"},
	}, func(f *apperr.Fields, v *string) { validate.Email(f, "f", v) })
}

func TestDate(t *testing.T) {
	opt := []vcase{
		{name: "ok", in: "2026-11-22", after: "2026-11-22"},
		{name: "trimmed", in: " 2026-01-05 ", after: "2026-01-05"},
		{name: "empty optional", in: ""},
		{name: "slashes", in: "2026/01/05", key: "validate.date"},
		{name: "no padding", in: "2026-1-5", key: "validate.date"},
		{name: "not a day", in: "2026-02-30", key: "validate.date"},
		{name: "month 13", in: "2026-13-01", key: "validate.date"},
		{name: "with time", in: "2026-01-05T00:00:00Z", key: "validate.date"},
		{name: "chinese", in: "2026年1月5日", key: "validate.date"},
		{name: "leap day", in: "2028-02-29", after: "2028-02-29"},
	}
	runCases(t, opt, func(f *apperr.Fields, v *string) { validate.Date(f, "f", v, false) })
	runCases(t, []vcase{
		{name: "empty required", in: "", key: "validate.required"},
		{name: "blank required", in: "  ", key: "validate.required"},
	}, func(f *apperr.Fields, v *string) { validate.Date(f, "f", v, true) })
}

func TestEnum(t *testing.T) {
	runCases(t, []vcase{
		{name: "ok", in: "ERP"},
		{name: "other", in: "other"},
		{name: "unknown", in: "SAP", key: "validate.enum"},
		{name: "case matters", in: "erp", key: "validate.enum"},
		{name: "empty", in: "", key: "validate.required"},
	}, func(f *apperr.Fields, v *string) { validate.Enum(f, "f", *v, "ERP", "CRM", "other") })

	type role string
	key, _ := result(func(f *apperr.Fields) { validate.Enum[role](f, "f", "boss", "pm", "consultant") })
	if key != "validate.enum" {
		t.Fatalf("typed enum: %q", key)
	}
}

func TestPassword(t *testing.T) {
	runCases(t, []vcase{
		{name: "8 ascii", in: "abcdefgh"},
		{name: "8 runes of Chinese", in: "一二三四五六七八"},
		{name: "7", in: "abcdefg", key: "validate.too_short", args: []any{8}},
		{name: "empty", in: "", key: "validate.too_short", args: []any{8}},
		{name: "128", in: strings.Repeat("p", 128)},
		{name: "129", in: strings.Repeat("p", 129), key: "validate.too_long", args: []any{128}},
		{name: "invalid UTF-8", in: "abcdefgh\xff", key: "validate.utf8"},
		{name: "spaces are kept", in: "  correct horse  "},
	}, func(f *apperr.Fields, v *string) {
		before := *v
		validate.Password(f, "f", *v)
		if *v != before {
			panic("Password must not change the value")
		}
	})
}

// The first problem of a field wins; other fields are still collected.
func TestFieldsKeepFirstProblem(t *testing.T) {
	var f apperr.Fields
	name, code := "", "a\nb"
	validate.Line(&f, "name", &name, 1, 10)
	validate.Line(&f, "name", &code, 1, 10)
	validate.Line(&f, "code", &code, 1, 10)
	e := f.Err().(*apperr.Error)
	if e.Code != apperr.Invalid || e.Key != "error.invalid" {
		t.Fatalf("error %v", e)
	}
	if e.Fields["name"] != "validate.required" || e.Fields["code"] != "validate.single_line" || len(e.Fields) != 2 {
		t.Fatalf("fields %v", e.Fields)
	}
	var none apperr.Fields
	if none.Err() != nil {
		t.Fatal("no problems must mean a nil error")
	}
}
