package engine

import (
	"strings"
	"testing"

	"golive/internal/apperr"
	"golive/internal/i18n"
)

func TestCompileRefusesBadSpecs(t *testing.T) {
	base := func() Spec {
		return Spec{Object: "x", Label: "X", Fields: []Field{
			{Code: "a", Label: "甲", Type: TypeInt},
			{Code: "b", Label: "乙", Type: TypeDate},
		}}
	}
	for _, c := range []struct {
		name   string
		change func(*Spec)
		key    string
		naming string // the message names this
	}{
		{"no fields", func(s *Spec) { s.Fields = nil }, "dataengine.spec.no_fields", ""},
		{"bad object", func(s *Spec) { s.Object = "1x" }, "dataengine.spec.bad_object", "1x"},
		{"bad code", func(s *Spec) { s.Fields[0].Code = "a-b" }, "dataengine.spec.bad_code", "a-b"},
		{"dup code", func(s *Spec) { s.Fields[1].Code = "a" }, "dataengine.spec.dup_code", "a"},
		{"no label", func(s *Spec) { s.Fields[0].Label = " " }, "dataengine.spec.no_label", "a"},
		{"bad type", func(s *Spec) { s.Fields[0].Type = "money" }, "dataengine.spec.bad_type", "money"},
		{"bad scale", func(s *Spec) { s.Fields[0].Type, s.Fields[0].Scale = TypeDecimal, 9 }, "dataengine.spec.bad_scale", "a"},
		{"bad pattern", func(s *Spec) { s.Fields[0].Pattern = "([a-z" }, "dataengine.spec.bad_pattern", "a"},
		{"code without list", func(s *Spec) { s.Fields[0].Type = TypeCode }, "dataengine.spec.code_without_list", "a"},
		{"bad lookup", func(s *Spec) { s.Fields[0].Lookup = &Lookup{Object: "m"} }, "dataengine.spec.bad_lookup", "a"},
		{"bad case", func(s *Spec) { s.Fields[0].Cleanse.Case = "title" }, "dataengine.spec.bad_case", "title"},
		{"bad default", func(s *Spec) { s.Fields[1].Default = "tomorrow" }, "dataengine.spec.bad_default", "tomorrow"},
		{"negative length", func(s *Spec) { s.Fields[0].MaxLength = -1 }, "dataengine.spec.bad_length", "a"},
		{"key unknown field", func(s *Spec) { s.Keys = []Key{{Name: "k", Fields: []string{"a", "zz"}}} }, "dataengine.spec.key_unknown_field", "zz"},
		{"key without name", func(s *Spec) { s.Keys = []Key{{Fields: []string{"a"}}} }, "dataengine.spec.bad_key_name", ""},
		{"rule does not compile", func(s *Spec) { s.Rules = []Rule{{Name: "r1", Expr: "a >", Message: "m"}} }, "dataengine.spec.rule_compile", "r1"},
		{"rule unknown name", func(s *Spec) { s.Rules = []Rule{{Name: "r2", Expr: "zz > 1", Message: "m"}} }, "dataengine.spec.rule_compile", "r2"},
		{"rule wrong types", func(s *Spec) { s.Rules = []Rule{{Name: "r3", Expr: `a > "x"`, Message: "m"}} }, "dataengine.spec.rule_compile", "r3"},
		{"rule not boolean", func(s *Spec) { s.Rules = []Rule{{Name: "r4", Expr: "a + 1", Message: "m"}} }, "dataengine.spec.rule_compile", "r4"},
		{"rule no message", func(s *Spec) { s.Rules = []Rule{{Name: "r5", Expr: "a > 1"}} }, "dataengine.spec.rule_no_message", "r5"},
		{"rule twice", func(s *Spec) {
			s.Rules = []Rule{{Name: "r", Expr: "a > 1", Message: "m"}, {Name: "r", Expr: "a > 2", Message: "m"}}
		}, "dataengine.spec.bad_rule_name", "r"},
		{"bad survivor", func(s *Spec) { s.Dedup = &Dedup{Survivor: "best"} }, "dataengine.spec.bad_survivor", "best"},
		{"dedup unknown", func(s *Spec) { s.Dedup = &Dedup{Fields: []string{"q"}} }, "dataengine.spec.dedup_unknown_field", "q"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := base()
			c.change(&s)
			_, err := Compile(s)
			e := apperr.As(err)
			if err == nil || e.Code != apperr.Invalid || e.Key != c.key {
				t.Fatalf("got %v, want %s", err, c.key)
			}
			msg := i18n.T(i18n.ZH, e.Key, e.Args...)
			if c.naming != "" && !strings.Contains(msg, c.naming) {
				t.Errorf("message %q does not name %q", msg, c.naming)
			}
			if strings.Contains(msg, "%!") {
				t.Errorf("bad format: %q", msg)
			}
		})
	}
	if _, err := Compile(base()); err != nil {
		t.Fatal(err)
	}
}

func TestCompileRuleTypes(t *testing.T) {
	spec := Spec{Object: "x", Label: "X", Fields: []Field{
		{Code: "start", Label: "开始", Type: TypeDate}, {Code: "end", Label: "结束", Type: TypeDate},
		{Code: "amt", Label: "金额", Type: TypeDecimal, Scale: 2}, {Code: "qty", Label: "数量", Type: TypeInt},
		{Code: "ok", Label: "有效", Type: TypeBool}, {Code: "kind", Label: "类型", Type: TypeCode, Allowed: []string{"A"}},
	}, Rules: []Rule{
		{Name: "r1", Expr: "end >= start", Message: "m"},
		{Name: "r2", Expr: `kind == "A" ? amt > 0 : true`, Message: "m"},
		{Name: "r3", Expr: "qty * 2 < amt && ok", Message: "m"},
		{Name: "r4", Expr: `len(kind) == 1 && start startsWith "2024"`, Message: "m"},
	}}
	p, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.rules[2].fields; len(got) != 3 {
		t.Errorf("r3 reads %v", got)
	}
}

func TestAutoMapAndCheck(t *testing.T) {
	spec := Spec{Object: "x", Label: "X", Fields: []Field{
		{Code: "cust_code", Label: "客户编码", Required: true},
		{Code: "name", Label: "客户名称", Required: true},
		{Code: "tel", Label: "电话"},
		{Code: "kind", Label: "类型", Required: true, Default: "A"},
	}}
	p, _ := Compile(spec)
	m := AutoMap([]string{"*客户编码 (cust_code)", " ＮＡＭＥ ", "备注", "客户编码"}, spec)
	want := []string{"cust_code", "name", "", ""}
	for i, c := range m.Columns {
		if c.Field != want[i] {
			t.Errorf("column %q → %q, want %q", c.Column, c.Field, want[i])
		}
	}
	h := m.Check([]string{"*客户编码 (cust_code)", " ＮＡＭＥ ", "备注", "客户编码"}, p)
	if !h.OK() || len(h.Unexpected) != 2 || len(h.Unmapped) != 2 {
		t.Errorf("check %+v", h)
	}
	// A stale mapping: the file lost a column.
	h = m.Check([]string{"*客户编码 (cust_code)", "备注"}, p)
	if h.OK() || strings.Join(h.Missing, ",") != "客户名称" {
		t.Errorf("check %+v", h)
	}
	msg := i18n.T(i18n.ZH, apperr.As(h.Err()).Key, apperr.As(h.Err()).Args...)
	if !strings.Contains(msg, "客户名称") || !strings.Contains(msg, "备注") {
		t.Errorf("message %q", msg)
	}
	// Two columns on one field.
	m2 := Mapping{Columns: []ColumnMap{{Column: "a", Field: "name"}, {Column: "b", Field: "name"}, {Column: "c", Field: "cust_code"}}}
	if h := m2.Check([]string{"a", "b", "c"}, p); h.OK() || len(h.Twice) != 1 {
		t.Errorf("twice %+v", h)
	}
	if AutoMap([]string{"客户编码（cust_code）"}, spec).Columns[0].Field != "cust_code" {
		t.Error("full-width parentheses")
	}
}
