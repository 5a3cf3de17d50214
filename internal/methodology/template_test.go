package methodology

import (
	"strings"
	"testing"

	"golive/internal/calendar"
	"golive/internal/i18n"
)

func TestDefaultTemplateIsValid(t *testing.T) {
	b := DefaultBody()
	if probs := b.Validate(); len(probs) != 0 {
		t.Fatalf("built-in template: %v", probs)
	}
	want := []string{"启动", "需求调研", "方案设计", "系统配置", "数据迁移", "测试验证", "培训", "上线切换", "运维优化"}
	if len(b.Phases) != len(want) {
		t.Fatalf("%d phases", len(b.Phases))
	}
	for i, ph := range b.Phases {
		if ph.Name.ZH != want[i] || ph.Name.EN == "" {
			t.Errorf("phase %d: %+v", i+1, ph.Name)
		}
		if len(ph.Gate) == 0 || len(ph.Deliverables) == 0 || len(ph.Tasks) == 0 {
			t.Errorf("phase %s lacks gate items, deliverables or tasks", ph.Name.ZH)
		}
		for _, tk := range ph.Tasks {
			if tk.Name.EN == "" {
				t.Errorf("task %s has no English name", tk.Key)
			}
		}
	}
	if !b.Phases[7].GoLive {
		t.Error("上线切换 is not the go-live phase")
	}
}

// edit returns a copy of the default body changed by f.
func edit(f func(b *Body)) Body {
	b := DefaultBody()
	f(&b)
	return b
}

func TestValidateNamesTheElement(t *testing.T) {
	cases := []struct {
		name    string
		body    Body
		section string
		key     string
		text    string // the Chinese message must contain this
	}{
		{"unknown dependency", edit(func(b *Body) { b.Phases[2].Tasks[1].Deps = []string{"nope"} }), "phases", "meth.tpl.dep_unknown", "阶段 3 的任务 2：依赖的任务 key「nope」不存在"},
		{"self dependency", edit(func(b *Body) { b.Phases[0].Tasks[0].Deps = []string{"init-team"} }), "phases", "meth.tpl.dep_self", "阶段 1 的任务 1"},
		{"later phase", edit(func(b *Body) { b.Phases[0].Tasks[0].Deps = []string{"req-plan"} }), "phases", "meth.tpl.dep_later", "在后面的阶段"},
		{"cycle", edit(func(b *Body) { b.Phases[0].Tasks[0].Deps = []string{"init-kickoff"} }), "phases", "meth.tpl.dep_cycle", "init-team"},
		{"duplicate task key", edit(func(b *Body) { b.Phases[1].Tasks[0].Key = "init-team" }), "phases", "meth.tpl.task_dup", "阶段 2 的任务 1"},
		{"task outside phase", edit(func(b *Body) { b.Phases[0].Tasks[4].Offset = 9; b.Phases[0].Tasks[4].Days = 2 }), "phases", "meth.tpl.task_outside", "阶段 1 的任务 5"},
		{"zero days", edit(func(b *Body) { b.Phases[3].Days = 0 }), "phases", "meth.tpl.phase_days", "阶段 4"},
		{"bad phase key", edit(func(b *Body) { b.Phases[1].Key = "需求" }), "phases", "meth.tpl.phase_key", "阶段 2"},
		{"two go-live phases", edit(func(b *Body) { b.Phases[8].GoLive = true }), "phases", "meth.tpl.golive_twice", "阶段 9"},
		{"no phases", Body{}, "phases", "meth.tpl.no_phases", "至少"},
		{"empty gate text", edit(func(b *Body) { b.Phases[0].Gate[1] = Text{} }), "phases", "meth.tpl.gate_text", "阶段 1 的检查项 2"},
		{"milestone phase", edit(func(b *Body) { b.Milestones[0].Phase = "ghost" }), "milestones", "meth.tpl.milestone_phase", "里程碑 1"},
		{"milestone at", edit(func(b *Body) { b.Milestones[1].At = "middle" }), "milestones", "meth.tpl.milestone_at", "里程碑 2"},
		{"raci two A", edit(func(b *Body) { b.RACI[0].Cells["role:consultant"] = "A" }), "raci", "meth.raci.one_a", "当前 2 个"},
		{"raci bad party", edit(func(b *Body) { b.RACI[2].Cells["role:boss"] = "R" }), "raci", "meth.tpl.raci_cell", "RACI 第 3 行"},
		{"module dup", edit(func(b *Body) { b.Modules[1].Key = b.Modules[0].Key }), "modules", "meth.tpl.module_dup", "模块 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			probs := c.body.Validate()
			var found *Problem
			for i := range probs {
				if probs[i].Key == c.key {
					found = &probs[i]
				}
			}
			if found == nil {
				t.Fatalf("no %s among %v", c.key, probs)
			}
			if found.Section != c.section {
				t.Errorf("section %q, want %q", found.Section, c.section)
			}
			if msg := i18n.T(i18n.ZH, found.Key, found.Args...); !strings.Contains(msg, c.text) {
				t.Errorf("message %q lacks %q", msg, c.text)
			}
			if msg := i18n.T(i18n.EN, found.Key, found.Args...); strings.Contains(msg, "%!") {
				t.Errorf("English message %q has bad arguments", msg)
			}
		})
	}
}

func TestTemplateInputValidate(t *testing.T) {
	in := TemplateInput{Name: "  ", Body: edit(func(b *Body) { b.Phases[2].Tasks[1].Deps = []string{"x"} })}
	probs, err := in.Validate(true)
	if err == nil || len(probs) != 1 {
		t.Fatalf("err %v, probs %v", err, probs)
	}
	e := err.Error()
	for _, f := range []string{"invalid"} {
		if !strings.Contains(e, f) {
			t.Errorf("%s", e)
		}
	}
}

func day(s string) calendar.Date { return calendar.MustParse(s) }

func TestBuildPlan(t *testing.T) {
	cal := calendar.New(calendar.Weekends, calendar.China())
	cases := []struct {
		name          string
		start, golive string
		modules       []string
		firstStart    string
		goliveEnd     string // end of 上线切换
		lastEnd       string // end of the last phase, "" not checked
		tasks         int
		err           string // field that fails
	}{
		// Unscaled: 10+20+20+25+15+20+10+8 = 128 working days to go-live.
		{name: "no go-live date", start: "2026-01-05", firstStart: "2026-01-05", tasks: 48},
		{name: "start on a Saturday moves to Monday", start: "2026-01-10", firstStart: "2026-01-12", tasks: 48},
		{name: "start on a public holiday", start: "2026-10-01", firstStart: "2026-10-08", tasks: 48},
		{name: "scaled to go-live", start: "2026-01-05", golive: "2026-06-30", firstStart: "2026-01-05", goliveEnd: "2026-06-30", tasks: 48},
		{name: "go-live on a Sunday ends on the Friday before", start: "2026-03-02", golive: "2026-11-29", firstStart: "2026-03-02", goliveEnd: "2026-11-27", tasks: 48},
		{name: "per-module tasks", start: "2026-01-05", golive: "2026-12-31", modules: []string{"finance", "sales", "quality"}, firstStart: "2026-01-05", goliveEnd: "2026-12-31", tasks: 48 + 7*2},
		{name: "compressed hard", start: "2026-03-02", golive: "2026-03-11", firstStart: "2026-03-02", goliveEnd: "2026-03-11", tasks: 48},
		{name: "too early", start: "2026-03-02", golive: "2026-03-10", err: "golive_date"},
		{name: "before start", start: "2026-03-02", golive: "2026-03-01", err: "golive_date"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := PlanParams{Start: day(c.start), Modules: c.modules, Lang: "zh-CN"}
			if c.golive != "" {
				p.GoLive, p.HasLive = day(c.golive), true
			}
			plan, err := BuildPlan(DefaultBody(), cal, p)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), "invalid") {
					t.Fatalf("err %v, want invalid %s", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := plan.Phases[0].Start.String(); got != c.firstStart {
				t.Errorf("first phase starts %s, want %s", got, c.firstStart)
			}
			if c.goliveEnd != "" {
				if got := plan.Phases[7].End.String(); got != c.goliveEnd {
					t.Errorf("go-live phase ends %s, want %s", got, c.goliveEnd)
				}
			}
			if len(plan.Tasks) != c.tasks {
				t.Errorf("%d tasks, want %d", len(plan.Tasks), c.tasks)
			}
			for i, ph := range plan.Phases {
				if !cal.IsWorkday(ph.Start) || !cal.IsWorkday(ph.End) || ph.End < ph.Start {
					t.Errorf("phase %s %s..%s", ph.Name, ph.Start, ph.End)
				}
				if i > 0 && cal.AddWorkdays(plan.Phases[i-1].End, 1) != ph.Start {
					t.Errorf("gap or overlap before phase %s", ph.Name)
				}
			}
			for _, tk := range plan.Tasks {
				ph := plan.Phases[tk.Phase]
				if tk.Start < ph.Start || tk.End > ph.End || tk.End < tk.Start || !cal.IsWorkday(tk.Start) || !cal.IsWorkday(tk.End) {
					t.Errorf("task %s %s..%s outside %s %s..%s", tk.Title, tk.Start, tk.End, ph.Name, ph.Start, ph.End)
				}
				if tk.Days != cal.WorkdaysBetween(tk.Start, tk.End+1) {
					t.Errorf("task %s: %d days for %s..%s", tk.Title, tk.Days, tk.Start, tk.End)
				}
			}
			if c.name != "compressed hard" {
				for _, d := range plan.Deps {
					if a, b := plan.Tasks[d[0]], plan.Tasks[d[1]]; b.Start <= a.End {
						t.Errorf("%s (%s..%s) does not finish before %s starts %s", a.Title, a.Start, a.End, b.Title, b.Start)
					}
				}
			}
			if len(plan.Milestones) != 7 || plan.Milestones[5].Due != plan.Phases[7].End {
				t.Errorf("milestones %+v", plan.Milestones)
			}
		})
	}
}

func TestBuildPlanPerModuleDependencies(t *testing.T) {
	cal := calendar.New(calendar.Weekends, nil)
	plan, err := BuildPlan(DefaultBody(), cal, PlanParams{Start: day("2026-01-05"), Modules: []string{"finance", "sales"}, Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	idx := map[string]int{}
	for i, tk := range plan.Tasks {
		idx[tk.Title] = i
	}
	has := func(a, b string) bool {
		for _, d := range plan.Deps {
			if d == [2]int{idx[a], idx[b]} {
				return true
			}
		}
		return false
	}
	// Same module to same module; a plain task waits for every copy.
	if !has("Customer data collection and cleansing: Finance", "Trial migration") || !has("Customer data collection and cleansing: Sales", "Trial migration") {
		t.Error("a plain successor must wait for every module's copy")
	}
	if !has("Key-user training: Finance", "End-user training") {
		t.Error("missing dependency")
	}
	if has("Write training materials and manuals: Finance", "Key-user training: Sales") {
		t.Error("a per-module task must not wait for another module's copy")
	}
	if !has("Write training materials and manuals: Sales", "Key-user training: Sales") {
		t.Error("a per-module task waits for its own module's predecessor")
	}
}
