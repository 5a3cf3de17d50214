package engine

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"golive/internal/apperr"
)

func csvOpener(text string) Opener {
	return func() (RowReader, error) { return OpenCSV(strings.NewReader(text), Limits{}) }
}

type runOut struct {
	res     *Result
	cleaned [][]string
	report  *excelize.File
}

// run runs spec over a CSV text with an auto mapping, a CSV and an .xlsx
// cleaned sink and the error report, and reads the outputs back.
func run(t *testing.T, spec Spec, text string, env Env) runOut {
	t.Helper()
	prog, err := Compile(spec)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	rd, err := csvOpener(text)()
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	m := AutoMap(rd.Header(), spec)
	var cleanCSV, cleanX, rep bytes.Buffer
	res, err := Run(context.Background(), prog, csvOpener(text), m, env, Sinks{
		Cleaned: []RowWriter{NewCSVWriter(&cleanCSV), NewXLSXWriter(&cleanX, "data")},
		Errors:  NewErrorReport(&rep),
	})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if got := res.Clean + res.Fixed + res.Rejected + res.Duplicates; got != res.Read {
		t.Errorf("clean+fixed+rejected+duplicates = %d, read %d", got, res.Read)
	}
	body := strings.TrimPrefix(cleanCSV.String(), "\uFEFF")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	xf, err := excelize.OpenReader(&cleanX)
	if err != nil {
		t.Fatalf("cleaned xlsx: %v", err)
	}
	xrows, _ := xf.GetRows("data")
	if len(xrows) != len(rows) {
		t.Errorf("cleaned xlsx has %d rows, csv %d", len(xrows), len(rows))
	}
	rf, err := excelize.OpenReader(&rep)
	if err != nil {
		t.Fatalf("error report: %v", err)
	}
	return runOut{res: res, cleaned: rows, report: rf}
}

var customerSpec = Spec{
	Object: "customer", Label: "客户主数据",
	Fields: []Field{
		{Code: "code", Label: "客户编码", Type: TypeText, Required: true, Unique: true, Pattern: `C\d{4}`, Cleanse: Cleanse{Trim: true, HalfWidth: true, Case: "upper"}},
		{Code: "name", Label: "客户名称", Type: TypeText, Required: true, MaxLength: 10, Cleanse: Cleanse{Trim: true}},
		{Code: "type", Label: "客户类型", Type: TypeCode, Allowed: []string{"A", "B"}, Default: "B", Cleanse: Cleanse{CodeMap: "cust_type"}},
		{Code: "credit", Label: "信用额度", Type: TypeDecimal, Scale: 2, Sum: true},
		{Code: "since", Label: "开始日期", Type: TypeDate},
		{Code: "until", Label: "结束日期", Type: TypeDate},
		{Code: "active", Label: "启用", Type: TypeBool},
		{Code: "region", Label: "区域", Type: TypeCode, Lookup: &Lookup{List: "regions"}},
	},
	Keys: []Key{{Name: "name_region", Fields: []string{"name", "region"}}},
	Rules: []Rule{
		{Name: "dates", Expr: "until >= since", Message: "结束日期不能早于开始日期", MessageEN: "end before start"},
		{Name: "credit_a", Expr: `type == "A" ? credit != nil && credit > 0 : true`, Message: "A 类客户须有信用额度"},
	},
}

func TestRunCleansValidatesAndReports(t *testing.T) {
	text := "客户编码,客户名称,客户类型,信用额度,开始日期,结束日期,启用,区域\n" +
		"C0001,华东机械,A,\"1,000.5\",2024/1/5,2024-12-31,是,SH\n" + // 2: fixed (number, date, bool)
		"c0002, 北方  贸易 ,old,0,2024-01-01,,否,BJ\n" + // 3: fixed (case, trim, code map old→A) but credit 0 → rule credit_a
		"Ｃ０００３,南方,,12.345,2024-02-30,2024-01-01,Y,GZ\n" + // 4: half width, default; type errors (scale, date)
		"C0001,重复公司,B,,,,,SH\n" + // 5: unique repeats line 2
		"C0005,华东机械,B,,2024-05-01,2024-04-01,,SH\n" + // 6: key repeats line 2; rule dates
		"C0006,,X,abc,,,maybe,XX\n" + // 7: required, allowed, decimal, bool, lookup
		"C0007,一个名字特别特别长的公司,B,5,,,,SH\n" + // 8: max length
		"C07,好,B,5,,,,SH\n" + // 9: pattern
		"C0009,好公司,B,(1.5),2024年3月1日,20240302,1,SH\n" // 10: clean after fixes
	out := run(t, customerSpec, text, Env{
		CodeMaps:   map[string]map[string]string{"cust_type": {"old": "A"}},
		LookupSets: map[string]*KeySet{"regions": NewKeySet("SH", "BJ", "GZ")},
	})
	res := out.res
	if res.Read != 9 || res.Rejected != 7 || res.Fixed != 2 || res.Clean != 0 {
		t.Errorf("totals read %d rejected %d fixed %d clean %d", res.Read, res.Rejected, res.Fixed, res.Clean)
	}
	want := map[string]int64{
		"rule.credit_a": 1, "credit.type": 2, "since.type": 1, "code.unique": 1, "key.name_region": 1,
		"rule.dates": 1, "name.required": 1, "type.allowed": 1, "active.type": 1, "region.lookup": 1,
		"name.max_length": 1, "code.pattern": 1,
	}
	for id, n := range want {
		if res.ByRule[id] != n {
			t.Errorf("ByRule[%s] = %d, want %d", id, res.ByRule[id], n)
		}
	}
	if len(res.ByRule) != len(want) {
		t.Errorf("ByRule = %v", res.ByRule)
	}
	for kind, n := range map[FixKind]int64{FixNumber: 5, FixDate: 3, FixBool: 4, FixCase: 1, FixTrim: 1, FixCodeMap: 1, FixHalfWidth: 1, FixDefault: 1} {
		if res.Fixes[kind] != n {
			t.Errorf("Fixes[%s] = %d, want %d (all %v)", kind, res.Fixes[kind], n, res.Fixes)
		}
	}
	if res.Sums["credit"] != "999.00" {
		t.Errorf("sum of credit = %q", res.Sums["credit"])
	}
	if res.Score != 22.2 {
		t.Errorf("score %v", res.Score)
	}
	if s := res.Samples["code.unique"]; len(s) != 1 || s[0].Line != 5 || s[0].Message != "客户编码：“C0001”与第 2 行重复" || s[0].Column != "客户编码" {
		t.Errorf("unique sample %+v", s)
	}
	if s := res.Samples["rule.dates"]; len(s) != 1 || s[0].Line != 6 || s[0].MessageEN != "end before start" {
		t.Errorf("rule sample %+v", s)
	}
	if s := res.Samples["credit.type"]; len(s) != 2 || !strings.Contains(s[0].Message, "小数位超过 2 位") {
		t.Errorf("scale sample %+v", s)
	}
	// Cleaned: the accepted rows, normalised, in spec order.
	wantClean := [][]string{
		{"code", "name", "type", "credit", "since", "until", "active", "region"},
		{"C0001", "华东机械", "A", "1000.50", "2024-01-05", "2024-12-31", "true", "SH"},
		{"C0009", "好公司", "B", "-1.50", "2024-03-01", "2024-03-02", "true", "SH"},
	}
	if len(out.cleaned) != len(wantClean) {
		t.Fatalf("cleaned %v", out.cleaned)
	}
	for i := range wantClean {
		if strings.Join(out.cleaned[i], "|") != strings.Join(wantClean[i], "|") {
			t.Errorf("cleaned row %d = %v, want %v", i, out.cleaned[i], wantClean[i])
		}
	}
	// The error report: source header + 行号 + 错误; original cells; the
	// offending ones filled.
	rep := out.report
	sheet := rep.GetSheetList()[0]
	rows, _ := rep.GetRows(sheet)
	if len(rows) != 8 {
		t.Fatalf("report rows %d", len(rows))
	}
	if rows[0][8] != "行号" || rows[0][9] != "错误" {
		t.Errorf("report header %v", rows[0])
	}
	// Row for line 3 (credit_a): original cells as typed, type and credit highlighted.
	r := rows[1]
	if r[0] != "c0002" || r[1] != " 北方  贸易 " || r[8] != "3" || r[9] != "A 类客户须有信用额度" {
		t.Errorf("report row %q", r)
	}
	filled := func(cell string) bool {
		id, _ := rep.GetCellStyle(sheet, cell)
		st, _ := rep.GetStyle(id)
		return st != nil && len(st.Fill.Color) > 0 && st.Fill.Color[0] == "FFC7CE"
	}
	for cell, want := range map[string]bool{"C2": true, "D2": true, "A2": false, "B2": false,
		"D3": true, "E3": true, "F3": false, "B6": true, "C6": true, "D6": true, "G6": true, "H6": true, "A6": false} {
		if filled(cell) != want {
			t.Errorf("cell %s filled = %v, want %v", cell, !want, want)
		}
	}
	if !strings.Contains(rows[5][9], "客户名称：必填") || !strings.Contains(rows[5][9], "；") {
		t.Errorf("several messages joined: %q", rows[5][9])
	}
}

func TestRunMissingLookupSetIsSkipped(t *testing.T) {
	text := "客户编码,客户名称,区域\nC0001,甲,ZZ\n"
	out := run(t, customerSpec, text, Env{})
	if out.res.Rejected != 0 || len(out.res.SkippedLookups) != 1 || out.res.SkippedLookups[0] != "regions" {
		t.Errorf("%+v", out.res)
	}
}

func TestRunRuleWithEmptyValuePasses(t *testing.T) {
	// until is empty: `until >= since` cannot be evaluated and passes, as a
	// SQL CHECK does; credit_a tests for nil explicitly and fails.
	text := "客户编码,客户名称,客户类型,信用额度,开始日期,结束日期\nC0001,甲,A,,2024-01-01,\nC0002,乙,B,,2024-01-01,\n"
	out := run(t, customerSpec, text, Env{LookupSets: map[string]*KeySet{"regions": NewKeySet()}})
	if out.res.Rejected != 1 || out.res.ByRule["rule.credit_a"] != 1 || out.res.ByRule["rule.dates"] != 0 {
		t.Errorf("%+v", out.res.ByRule)
	}
}

func TestRunHeaderMismatch(t *testing.T) {
	prog, _ := Compile(customerSpec)
	text := "客户编码,备注,电话\nC0001,x,y\n"
	rd, _ := csvOpener(text)()
	_, err := Run(context.Background(), prog, csvOpener(text), AutoMap(rd.Header(), customerSpec), Env{}, Sinks{})
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Key != "dataengine.header.mismatch" {
		t.Fatalf("err %v", err)
	}
	if ae.Args[0] != "客户名称" || ae.Args[1] != "备注、电话" {
		t.Errorf("args %v", ae.Args)
	}
}

func TestRunNoDataRows(t *testing.T) {
	prog, _ := Compile(customerSpec)
	text := "客户编码,客户名称\n,,\n"
	rd, _ := csvOpener(text)()
	_, err := Run(context.Background(), prog, csvOpener(text), AutoMap(rd.Header(), customerSpec), Env{}, Sinks{})
	if apperr.As(err).Key != "dataengine.file.no_rows" {
		t.Fatalf("err %v", err)
	}
}

func TestRunCancel(t *testing.T) {
	prog, _ := Compile(customerSpec)
	var b strings.Builder
	b.WriteString("客户编码,客户名称\n")
	for i := range 5000 {
		b.WriteString("C")
		b.WriteString(strings.Repeat("0", 4))
		b.WriteString(",n")
		_ = i
		b.WriteString("\n")
	}
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	env := Env{ProgressEvery: 1000, Progress: func(n int64) {
		calls++
		cancel()
	}}
	text := b.String()
	rd, _ := csvOpener(text)()
	_, err := Run(ctx, prog, csvOpener(text), AutoMap(rd.Header(), customerSpec), env, Sinks{})
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Fatalf("err %v after %d progress calls", err, calls)
	}
}

func TestRunDedup(t *testing.T) {
	spec := Spec{Object: "x", Label: "x", Fields: []Field{
		{Code: "code", Label: "编码", Required: true, Cleanse: Cleanse{Trim: true}},
		{Code: "name", Label: "名称"},
		{Code: "tel", Label: "电话"},
	}}
	text := "编码,名称,电话\nA,甲,\nB,乙,1\n A ,甲2,2\nA,,\nB,乙,1\n"
	for _, c := range []struct {
		survivor Survivor
		fields   []string
		want     []string // cleaned rows (code|name|tel)
	}{
		{SurvivorFirst, []string{"code"}, []string{"A|甲|", "B|乙|1"}},
		{SurvivorLast, []string{"code"}, []string{"A||", "B|乙|1"}},
		{SurvivorMostComplete, []string{"code"}, []string{"B|乙|1", "A|甲2|2"}},
		{SurvivorFirst, nil, []string{"A|甲|", "B|乙|1", "A|甲2|2", "A||"}}, // exact duplicates only
	} {
		spec.Dedup = &Dedup{Fields: c.fields, Survivor: c.survivor}
		out := run(t, spec, text, Env{})
		var got []string
		for _, r := range out.cleaned[1:] {
			got = append(got, strings.Join(r, "|"))
		}
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%s %v: cleaned %v, want %v", c.survivor, c.fields, got, c.want)
		}
		if out.res.Duplicates != int64(5-len(c.want)) {
			t.Errorf("%s: duplicates %d", c.survivor, out.res.Duplicates)
		}
	}
}

func TestRunCollectsKeySets(t *testing.T) {
	mat := Spec{Object: "material", Label: "物料", Fields: []Field{{Code: "material_code", Label: "物料编码", Required: true}}}
	bom := Spec{Object: "bom", Label: "BOM", Fields: []Field{
		{Code: "parent", Label: "父项", Required: true, Lookup: &Lookup{Object: "material", Field: "material_code"}},
		{Code: "child", Label: "子项", Required: true, Lookup: &Lookup{Object: "material", Field: "material_code"}},
	}}
	mp, _ := Compile(mat)
	text := "物料编码\nM1\nM2\n"
	res, err := Run(context.Background(), mp, csvOpener(text), AutoMap([]string{"物料编码"}, mat), Env{}, Sinks{CollectKeys: []string{"material_code"}})
	if err != nil {
		t.Fatal(err)
	}
	set := res.KeySets["material_code"]
	if set.Len() != 2 {
		t.Fatalf("set %d", set.Len())
	}
	out := run(t, bom, "父项,子项\nM1,M2\nM1,M3\n", Env{LookupSets: map[string]*KeySet{"material.material_code": set}})
	if out.res.Rejected != 1 || out.res.Samples["child.lookup"][0].Value != "M3" {
		t.Errorf("%+v", out.res)
	}
}

func TestKeySetRoundTrip(t *testing.T) {
	s := NewKeySet("a", "b", "中文")
	var buf bytes.Buffer
	if _, err := s.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := ReadKeySet(&buf)
	if err != nil || back.Len() != 3 || !back.Has("中文") || back.Has("c") {
		t.Fatalf("%v %v", back, err)
	}
	if _, err := ReadKeySet(strings.NewReader("nope")); err == nil {
		t.Error("garbage accepted")
	}
	_ = io.EOF
}
