package engine

import "testing"

// Every plain comparison the engine evaluates itself must give what expr
// gives (with an error, i.e. an empty operand in an ordering, passing).
func TestFastRulesAgreeWithExpr(t *testing.T) {
	spec := Spec{Object: "x", Label: "x", Fields: []Field{
		{Code: "a", Label: "a", Type: TypeInt}, {Code: "b", Label: "b", Type: TypeDecimal, Scale: 2},
		{Code: "d1", Label: "d1", Type: TypeDate}, {Code: "d2", Label: "d2", Type: TypeDate},
		{Code: "s", Label: "s", Type: TypeText},
	}}
	var exprs []string
	for _, op := range []string{"<", "<=", ">", ">="} {
		exprs = append(exprs, "a "+op+" b", "b "+op+" 0", "a "+op+" -3", "0.5 "+op+" b", "d1 "+op+" d2", `s `+op+` "m"`, `d1 `+op+` "2024-06-01"`)
	}
	for i, e := range exprs {
		spec.Rules = append(spec.Rules, Rule{Name: "r" + string(rune('a'+i/26)) + string(rune('a'+i%26)), Expr: e, Message: e})
	}
	p, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, rule := range p.rules {
		if rule.fast == nil {
			t.Fatalf("%s has no fast path", rule.Expr)
		}
	}
	// Force the expr path for comparison.
	for i := range p.fields {
		p.fields[i].inRule = true
	}
	r := newRunner(p, []int{0, 1, 2, 3, 4}, Env{}, Sinks{})
	values := [][]string{
		{"1", "1.00", "2024-01-01", "2024-01-01", "m"},
		{"-3", "-3.5", "2024-01-02", "2024-01-01", "a"},
		{"", "", "", "", ""},
		{"5", "", "2024-12-31", "", "z"},
		{"", "0.5", "", "2024-06-01", ""},
		{"0", "0", "2024-06-01", "2024-06-02", "mm"},
	}
	for _, row := range values {
		r.cleanseRow(row)
		r.bind()
		for _, rule := range p.rules {
			fast := r.fastEval(rule.fast)
			out, err := r.machine.Run(rule.prog, r.exprEnv)
			want := true
			if err == nil {
				want = out.(bool)
			}
			if fast != want {
				t.Errorf("%q on %q: fast %v, expr %v (err %v)", rule.Expr, row, fast, want, err)
			}
		}
	}
}
