package engine

import (
	"regexp"
	"slices"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"

	"golive/internal/apperr"
)

// Program is a compiled Spec: patterns, allowed-value sets and rule
// programs built once, shared read-only by any number of runs.
type Program struct {
	spec   Spec
	fields []cfield
	byCode map[string]int
	keys   []ckey
	rules  []crule
	dedup  []int // field indexes of the de-duplication key; nil: no dedup
	surv   Survivor
}

type cfield struct {
	Field
	re      matcher
	allowed map[string]struct{}
	inRule  bool // read by a cross-field rule: typed value bound per row
}

type ckey struct {
	Key
	idx []int
}

type crule struct {
	Rule
	prog   *vm.Program
	fields []int     // fields the expression reads
	fast   *fastRule // set when the rule is a plain comparison
}

// fastRule is a rule of the form `a OP b` (OP one of < <= > >=, a
// and b fields or literals of comparable types). Most rules are, and
// evaluating them directly skips boxing the row's values for the VM. The
// result is the one expr gives, including its nil semantics.
type fastRule struct {
	op   string
	str  bool // compare as strings (text, code, date), else as numbers
	l, r fastOperand
}

type fastOperand struct {
	field int // -1 for a literal
	num   float64
	str   string
}

// Limits of a spec, so a pasted spec cannot make a run pathological.
const (
	MaxFields  = 200
	MaxRules   = 100
	MaxAllowed = 1000
	MaxScale   = 6
)

var codeRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// Compile checks spec and builds its Program. A field with a bad code,
// type or pattern, a key or rule naming an unknown field, or a rule that
// does not compile is an *apperr.Error (code invalid) whose key and
// arguments name the offending field or rule, so the datamigration module
// can refuse to save such a spec.
func Compile(spec Spec) (*Program, error) {
	p := &Program{spec: spec, byCode: map[string]int{}}
	if strings.TrimSpace(spec.Object) != "" && !codeRE.MatchString(spec.Object) {
		return nil, invalidField("spec", "dataengine.spec.bad_object", spec.Object)
	}
	if len(spec.Fields) == 0 {
		return nil, invalidField("spec", "dataengine.spec.no_fields")
	}
	if len(spec.Fields) > MaxFields {
		return nil, invalidField("spec", "dataengine.spec.too_many_fields", MaxFields)
	}
	for i, f := range spec.Fields {
		if !codeRE.MatchString(f.Code) {
			return nil, invalidField("spec", "dataengine.spec.bad_code", i+1, f.Code)
		}
		if _, dup := p.byCode[f.Code]; dup {
			return nil, invalidField("spec", "dataengine.spec.dup_code", f.Code)
		}
		if strings.TrimSpace(f.Label) == "" {
			return nil, invalidField("spec", "dataengine.spec.no_label", f.Code)
		}
		cf := cfield{Field: f}
		switch f.Type {
		case TypeText, TypeInt, TypeDate, TypeBool, TypeCode:
		case TypeDecimal:
			if f.Scale < 0 || f.Scale > MaxScale {
				return nil, invalidField("spec", "dataengine.spec.bad_scale", f.Code, MaxScale)
			}
		case "":
			cf.Type = TypeText
		default:
			return nil, invalidField("spec", "dataengine.spec.bad_type", f.Code, string(f.Type))
		}
		if f.Type != TypeDecimal && f.Scale != 0 {
			cf.Scale = 0
		}
		if f.MaxLength < 0 {
			return nil, invalidField("spec", "dataengine.spec.bad_length", f.Code)
		}
		if f.Pattern != "" {
			re, err := compilePattern(f.Pattern)
			if err != nil {
				return nil, invalidField("spec", "dataengine.spec.bad_pattern", f.Code, err.Error())
			}
			cf.re = re
		}
		if len(f.Allowed) > MaxAllowed {
			return nil, invalidField("spec", "dataengine.spec.too_many_allowed", f.Code, MaxAllowed)
		}
		if len(f.Allowed) > 0 {
			cf.allowed = make(map[string]struct{}, len(f.Allowed))
			for _, a := range f.Allowed {
				cf.allowed[a] = struct{}{}
			}
		}
		if f.Type == TypeCode && len(f.Allowed) == 0 && f.Lookup == nil {
			return nil, invalidField("spec", "dataengine.spec.code_without_list", f.Code)
		}
		if l := f.Lookup; l != nil {
			if (l.List == "") == (l.Object == "") || (l.Object != "" && l.Field == "") {
				return nil, invalidField("spec", "dataengine.spec.bad_lookup", f.Code)
			}
		}
		switch f.Cleanse.Case {
		case "", "upper", "lower":
		default:
			return nil, invalidField("spec", "dataengine.spec.bad_case", f.Code, f.Cleanse.Case)
		}
		if f.Default != "" {
			if _, ok := normalizeTyped(cf.Type, cf.Scale, f.Default); !ok {
				return nil, invalidField("spec", "dataengine.spec.bad_default", f.Code, f.Default)
			}
		}
		p.byCode[f.Code] = i
		p.fields = append(p.fields, cf)
	}
	names := map[string]bool{}
	for _, k := range spec.Keys {
		if k.Name == "" || names["key:"+k.Name] {
			return nil, invalidField("spec", "dataengine.spec.bad_key_name", k.Name)
		}
		names["key:"+k.Name] = true
		if len(k.Fields) < 1 {
			return nil, invalidField("spec", "dataengine.spec.key_no_fields", k.Name)
		}
		ck := ckey{Key: k}
		for _, c := range k.Fields {
			i, ok := p.byCode[c]
			if !ok {
				return nil, invalidField("spec", "dataengine.spec.key_unknown_field", k.Name, c)
			}
			ck.idx = append(ck.idx, i)
		}
		p.keys = append(p.keys, ck)
	}
	if len(spec.Rules) > MaxRules {
		return nil, invalidField("spec", "dataengine.spec.too_many_rules", MaxRules)
	}
	env := p.typedEnv()
	for _, r := range spec.Rules {
		if !codeRE.MatchString(r.Name) || names["rule:"+r.Name] {
			return nil, invalidField("spec", "dataengine.spec.bad_rule_name", r.Name)
		}
		names["rule:"+r.Name] = true
		if strings.TrimSpace(r.Expr) == "" {
			return nil, invalidField("spec", "dataengine.spec.rule_empty", r.Name)
		}
		if strings.TrimSpace(r.Message) == "" {
			return nil, invalidField("spec", "dataengine.spec.rule_no_message", r.Name)
		}
		v := &identVisitor{known: p.byCode}
		prog, err := expr.Compile(r.Expr, expr.Env(env), expr.AsBool(), expr.Patch(v))
		if err != nil {
			return nil, invalidField("spec", "dataengine.spec.rule_compile", r.Name, oneLine(err.Error()))
		}
		slices.Sort(v.used)
		cr := crule{Rule: r, prog: prog, fields: slices.Compact(v.used), fast: p.fastRule(r.Expr)}
		if cr.fast == nil {
			for _, i := range cr.fields {
				p.fields[i].inRule = true
			}
		}
		p.rules = append(p.rules, cr)
	}
	if d := spec.Dedup; d != nil {
		switch d.Survivor {
		case "":
			p.surv = SurvivorFirst
		case SurvivorFirst, SurvivorLast, SurvivorMostComplete:
			p.surv = d.Survivor
		default:
			return nil, invalidField("spec", "dataengine.spec.bad_survivor", string(d.Survivor))
		}
		p.dedup = []int{}
		if len(d.Fields) == 0 {
			for i := range p.fields {
				p.dedup = append(p.dedup, i)
			}
		}
		for _, c := range d.Fields {
			i, ok := p.byCode[c]
			if !ok {
				return nil, invalidField("spec", "dataengine.spec.dedup_unknown_field", c)
			}
			p.dedup = append(p.dedup, i)
		}
	}
	return p, nil
}

// fastRule recognises `a OP b` over fields and literals.
func (p *Program) fastRule(src string) *fastRule {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil
	}
	b, ok := tree.Node.(*ast.BinaryNode)
	if !ok {
		return nil
	}
	switch b.Operator {
	case "<", "<=", ">", ">=":
	default:
		// expr's == and != treat an empty (nil) operand differently by
		// type; those rules stay with the VM.
		return nil
	}
	l, lk := p.operand(b.Left)
	r, rk := p.operand(b.Right)
	if lk == 0 || lk != rk || l.field < 0 && r.field < 0 {
		return nil
	}
	return &fastRule{op: b.Operator, str: lk == 's', l: l, r: r}
}

// operand reads a field or a literal; kind 'n' number, 's' string, 0 other.
func (p *Program) operand(n ast.Node) (fastOperand, byte) {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		i, ok := p.byCode[n.Value]
		if !ok {
			return fastOperand{}, 0
		}
		switch p.fields[i].Type {
		case TypeInt, TypeDecimal:
			return fastOperand{field: i}, 'n'
		case TypeText, TypeCode, TypeDate:
			return fastOperand{field: i}, 's'
		}
	case *ast.IntegerNode:
		return fastOperand{field: -1, num: float64(n.Value)}, 'n'
	case *ast.FloatNode:
		return fastOperand{field: -1, num: n.Value}, 'n'
	case *ast.StringNode:
		return fastOperand{field: -1, str: n.Value}, 's'
	case *ast.UnaryNode:
		if n.Operator == "-" {
			if o, k := p.operand(n.Node); k == 'n' && o.field < 0 {
				o.num = -o.num
				return o, k
			}
		}
	}
	return fastOperand{}, 0
}

// typedEnv is the compile-time environment: one value of each field's
// type, so `amount > "x"` fails when the spec is saved, not per row.
func (p *Program) typedEnv() map[string]any {
	env := make(map[string]any, len(p.fields))
	for _, f := range p.fields {
		switch f.Type {
		case TypeInt:
			env[f.Code] = 0
		case TypeDecimal:
			env[f.Code] = 0.0
		case TypeBool:
			env[f.Code] = false
		default:
			env[f.Code] = ""
		}
	}
	return env
}

// identVisitor records which fields an expression reads (rules are only
// bound the fields they use, and the error report highlights those cells).
type identVisitor struct {
	known map[string]int
	used  []int
}

func (v *identVisitor) Visit(node *ast.Node) {
	if id, ok := (*node).(*ast.IdentifierNode); ok {
		if i, ok := v.known[id.Value]; ok {
			v.used = append(v.used, i)
		}
	}
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r", "")
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// Spec returns the spec the program was compiled from.
func (p *Program) Spec() Spec { return p.spec }

// LookupSets lists the names of the sets (Env.LookupSets) the spec's
// lookups need, in field order, without repeats.
func (p *Program) LookupSets() []string {
	var out []string
	for _, f := range p.fields {
		if f.Lookup != nil && !slices.Contains(out, f.Lookup.SetName()) {
			out = append(out, f.Lookup.SetName())
		}
	}
	return out
}

// CodeMaps lists the names of the code-mapping tables the spec needs.
func (p *Program) CodeMaps() []string {
	var out []string
	for _, f := range p.fields {
		if f.Cleanse.CodeMap != "" && !slices.Contains(out, f.Cleanse.CodeMap) {
			out = append(out, f.Cleanse.CodeMap)
		}
	}
	return out
}

func invalidField(field, key string, args ...any) *apperr.Error {
	return &apperr.Error{Code: apperr.Invalid, Key: key, Args: args,
		Fields: map[string]string{field: key}, FieldArgs: map[string][]any{field: args}}
}

func invalid(key string, args ...any) *apperr.Error {
	return &apperr.Error{Code: apperr.Invalid, Key: key, Args: args}
}
