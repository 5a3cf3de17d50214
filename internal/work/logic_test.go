package work

import (
	"math"
	"slices"
	"strings"
	"testing"

	"golive/internal/access"
	"golive/internal/apperr"
)

func TestRankBetween(t *testing.T) {
	cases := []struct {
		name  string
		lo    float64
		hasLo bool
		hi    float64
		hasHi bool
		want  float64
		ok    bool
	}{
		{"empty column", 0, false, 0, false, rankStep, true},
		{"at the end", 3072, true, 0, false, 3072 + rankStep, true},
		{"at the top", 0, false, 1024, true, 0, true},
		{"at the top, negative", 0, false, -5, true, -5 - rankStep, true},
		{"between", 1024, true, 2048, true, 1536, true},
		{"between fractions", 1.5, true, 1.75, true, 1.625, true},
		{"gap too small", 1, true, 1 + 1e-7, true, 0, false},
		{"equal neighbours", 5, true, 5, true, 0, false},
		{"out of order", 6, true, 5, true, 0, false},
		{"huge end", math.MaxFloat64, true, 0, false, 0, false},
	}
	for _, c := range cases {
		got, ok := rankBetween(c.lo, c.hasLo, c.hi, c.hasHi)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("%s: rankBetween = %v, %v; want %v, %v", c.name, got, ok, c.want, c.ok)
		}
	}
	// Repeated insertion at the same spot exhausts the gap; the ranks
	// stay strictly between their neighbours until rankBetween says no.
	lo, hi := 1024.0, 2048.0
	n := 0
	for {
		r, ok := rankBetween(lo, true, hi, true)
		if !ok {
			break
		}
		if !(r > lo && r < hi) {
			t.Fatalf("step %d: %v not in (%v, %v)", n, r, lo, hi)
		}
		hi = r
		n++
	}
	if n < 20 || n > 60 {
		t.Errorf("%d insertions before renumbering; want a few dozen", n)
	}
	if got := renumber(3); !slices.Equal(got, []float64{1024, 2048, 3072}) {
		t.Errorf("renumber(3) = %v", got)
	}
}

func TestFindCycle(t *testing.T) {
	e := func(p, s int64) depEdge { return depEdge{p, s} }
	cases := []struct {
		name       string
		edges      []depEdge
		pred, succ int64
		want       []int64
	}{
		{"no edges", nil, 1, 2, nil},
		{"chain, no cycle", []depEdge{e(1, 2), e(2, 3)}, 1, 3, nil},
		{"two-cycle", []depEdge{e(1, 2)}, 2, 1, []int64{2, 1, 2}},
		{"three-cycle", []depEdge{e(1, 2), e(2, 3)}, 3, 1, []int64{3, 1, 2, 3}},
		{"branch", []depEdge{e(1, 2), e(1, 4), e(4, 5), e(5, 3)}, 3, 1, []int64{3, 1, 4, 5, 3}},
		{"diamond, no cycle", []depEdge{e(1, 2), e(1, 3), e(2, 4), e(3, 4)}, 1, 4, nil},
	}
	for _, c := range cases {
		got, ok := findCycle(c.edges, c.pred, c.succ)
		if ok != (c.want != nil) || !slices.Equal(got, c.want) {
			t.Errorf("%s: findCycle = %v, %v; want %v", c.name, got, ok, c.want)
		}
	}
}

func TestTree(t *testing.T) {
	id := func(v int64) *int64 { return &v }
	ts := []Task{
		{ID: 1, Number: 1, Title: "启动"},
		{ID: 2, Number: 2, Title: "需求", ParentID: nil},
		{ID: 3, Number: 3, Title: "访谈", ParentID: id(2)},
		{ID: 4, Number: 4, Title: "问卷", ParentID: id(2)},
		{ID: 5, Number: 5, Title: "问卷设计", ParentID: id(4)},
		{ID: 6, Number: 6, Title: "孤儿", ParentID: id(99)}, // parent hidden: a root
		{ID: 7, Number: 7, Title: "开工会", ParentID: id(1)},
	}
	var got []string
	for _, r := range Tree(ts) {
		got = append(got, r.Code+" "+r.Task.Title+" "+strings.Repeat(">", r.Depth))
	}
	want := []string{"1 启动 ", "1.1 开工会 >", "2 需求 ", "2.1 访谈 >", "2.2 问卷 >", "2.2.1 问卷设计 >>", "3 孤儿 "}
	if !slices.Equal(got, want) {
		t.Errorf("Tree:\n got %q\nwant %q", got, want)
	}
	// Stored data with a cycle loses nothing.
	cyc := []Task{{ID: 1, ParentID: id(2)}, {ID: 2, ParentID: id(1)}}
	if rows := Tree(cyc); len(rows) != 2 {
		t.Errorf("cyclic data: %d rows", len(rows))
	}
}

func TestInputValidate(t *testing.T) {
	neg := int64(-3)
	cases := []struct {
		name   string
		in     Input
		fields []string
	}{
		{"ok", Input{Title: "配置物料主数据"}, nil},
		{"title required", Input{Title: "  "}, []string{"title"}},
		{"title one line", Input{Title: "a\nb"}, []string{"title"}},
		{"due before start", Input{Title: "x", StartDate: "2026-03-10", DueDate: "2026-03-09"}, []string{"due_date"}},
		{"bad date", Input{Title: "x", StartDate: "2026-13-01"}, []string{"start_date"}},
		{"priority", Input{Title: "x", Priority: "asap"}, []string{"priority"}},
		{"negative effort", Input{Title: "x", EstimateMin: -1}, []string{"estimate_min"}},
		{"huge effort", Input{Title: "x", RemainingMin: maxMinutes + 1}, []string{"remaining_min"}},
		{"bad ids", Input{Title: "x", ParentID: &neg, AssigneeIDs: []int64{0}}, []string{"parent_id", "assignee_ids"}},
		{"label with comma", Input{Title: "x", Labels: []string{"a,b"}}, []string{"labels"}},
		{"too many labels", Input{Title: "x", Labels: strings.Split("a b c d e f g h i j k", " ")}, []string{"labels"}},
		{"empty checklist item", Input{Title: "x", Checklist: []ChecklistInput{{Text: " "}}}, []string{"checklist"}},
	}
	for _, c := range cases {
		err := c.in.Validate()
		if c.fields == nil {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		e := apperr.As(err)
		for _, f := range c.fields {
			if !e.HasField(f) {
				t.Errorf("%s: want field %s, got %v", c.name, f, e.Fields)
			}
		}
	}
	in := Input{Title: "x", Labels: []string{" 接口 ", "接口", "报表"}, AssigneeIDs: []int64{3, 1, 3}}
	if err := in.Validate(); err != nil || !slices.Equal(in.Labels, []string{"接口", "报表"}) || !slices.Equal(in.AssigneeIDs, []int64{1, 3}) || in.Priority != "normal" {
		t.Errorf("normalised: %v %+v", err, in)
	}
	if err := (&Input{Title: "x"}).ValidateUpdate(); !apperr.As(err).HasField("version") {
		t.Errorf("update without version: %v", err)
	}
}

func TestHours(t *testing.T) {
	cases := map[string]int64{"": 0, "1": 60, "1.5": 90, "0.25": 15, "2,000": 120000, " 8 ": 480}
	for in, want := range cases {
		var f apperr.Fields
		if got := parseHours(&f, "h", in); got != want || f.Err() != nil {
			t.Errorf("parseHours(%q) = %d, %v; want %d", in, got, f.Err(), want)
		}
	}
	for _, bad := range []string{"abc", "1.234", "-1", "1e3", "NaN", "Inf", ".", "0x10", "200000"} {
		var f apperr.Fields
		parseHours(&f, "h", bad)
		if f.Err() == nil {
			t.Errorf("parseHours(%q) accepted", bad)
		}
	}
	if FormatHours(90) != "1.5" || FormatHours(0) != "" || FormatHours(480) != "8" {
		t.Error("FormatHours")
	}
}

func TestChecklistAndLabelsText(t *testing.T) {
	got := ParseChecklist("[x] 准备环境\n\n  [ ] 导入数据 \r\n核对报表")
	want := []ChecklistInput{{"准备环境", true}, {"导入数据", false}, {"核对报表", false}}
	if !slices.Equal(got, want) {
		t.Errorf("ParseChecklist = %v", got)
	}
	if s := FormatChecklist([]ChecklistItem{{Text: "a", Done: true}, {Text: "b"}}); s != "[x] a\nb\n" {
		t.Errorf("FormatChecklist = %q", s)
	}
	if got := SplitLabels("接口，报表、 数据,,"); !slices.Equal(got, []string{"接口", "报表", " 数据"}) {
		t.Errorf("SplitLabels = %q", got)
	}
}

func TestPatchApply(t *testing.T) {
	ph := int64(5)
	base := Input{Title: "旧", PhaseID: &ph, Labels: []string{"a"}, Version: 1}
	zero, title, v := int64(0), "新", true
	got := Patch{Title: &title, PhaseID: &zero, CustomerVisible: &v, Version: 3}.Apply(base)
	if got.Title != "新" || got.PhaseID != nil || !got.CustomerVisible || got.Version != 3 || !slices.Equal(got.Labels, []string{"a"}) {
		t.Errorf("Apply = %+v", got)
	}
}

func TestMoveAndDepInput(t *testing.T) {
	if err := (&MoveInput{}).Validate(); !apperr.As(err).HasField("status") || !apperr.As(err).HasField("version") {
		t.Errorf("empty move: %v", err)
	}
	if err := (&MoveInput{Status: "doing", BeforeID: 4, AfterID: 4, Version: 1}).Validate(); !apperr.As(err).HasField("after_id") {
		t.Errorf("same neighbours: %v", err)
	}
	d := DepInput{PredID: 1, SuccID: 1, Type: "xx", LagDays: 999}
	e := apperr.As(d.Validate())
	for _, f := range []string{"succ_id", "type", "lag_days"} {
		if !e.HasField(f) {
			t.Errorf("dep input: want %s in %v", f, e.Fields)
		}
	}
	d = DepInput{PredID: 1, SuccID: 2, Type: " ss "}
	if err := d.Validate(); err != nil || d.Type != "SS" {
		t.Errorf("dep type normalised: %v %q", err, d.Type)
	}
}

// The work actions of the roles × actions table.
func TestWorkActions(t *testing.T) {
	vendor := &access.Principal{UserID: 1, Vendor: true}
	customer := &access.Principal{UserID: 2}
	type row struct {
		p    *access.Principal
		role access.Role
		a    access.Action
		want bool
	}
	rows := []row{
		{vendor, access.RolePM, access.TaskDelete, true},
		{vendor, access.RolePM, access.WorkflowManage, true},
		{vendor, access.RoleConsultant, access.TaskEdit, true},
		{vendor, access.RoleDeveloper, access.TaskCreate, true},
		{vendor, access.RoleDeveloper, access.TaskDelete, false},
		{vendor, access.RoleConsultant, access.WorkflowManage, false},
		{vendor, access.RoleFinance, access.TaskView, true},
		{vendor, access.RoleFinance, access.TaskEdit, false},
		{customer, access.RoleCustomerPM, access.TaskView, true},
		{customer, access.RoleCustomerPM, access.TaskEdit, false},
		{customer, access.RoleKeyUser, access.TaskCreate, false},
		{customer, access.RoleExecutive, access.InternalView, false},
	}
	for _, r := range rows {
		if got := r.p.Can(access.Membership{Role: r.role, Member: true}, r.a); got != r.want {
			t.Errorf("%s %s = %v, want %v", r.role, r.a, got, r.want)
		}
	}
}

func TestInitials(t *testing.T) {
	for in, want := range map[string]string{"王磊": "王磊", "欧阳娜娜": "娜娜", "Alice Zhang": "AZ", "bob": "B", "": "?"} {
		if got := Initials(in); got != want {
			t.Errorf("Initials(%q) = %q, want %q", in, got, want)
		}
	}
}
