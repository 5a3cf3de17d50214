package methodology

import (
	"strings"
	"testing"

	"golive/internal/apperr"
)

func TestComputeHealth(t *testing.T) {
	ms := func(due ...string) []MilestoneFact {
		var out []MilestoneFact
		for i, d := range due {
			out = append(out, MilestoneFact{Name: "M" + itoa(int64(i)), Due: d})
		}
		return out
	}
	cases := []struct {
		name  string
		f     HealthFacts
		want  string
		codes []string
	}{
		{"nothing late", HealthFacts{Today: "2026-05-10", Milestones: ms("2026-05-10", "2026-06-01"), CriticalKnown: true}, "green", nil},
		{"milestone a day late", HealthFacts{Today: "2026-05-10", Milestones: ms("2026-05-09"), CriticalKnown: true}, "amber", []string{"meth.health.milestone_overdue"}},
		{"milestone a week late", HealthFacts{Today: "2026-05-10", Milestones: ms("2026-05-03"), CriticalKnown: true}, "red", []string{"meth.health.milestone_overdue"}},
		{"internal milestone late", HealthFacts{Today: "2026-05-10", HiddenOverdue: 2, CriticalKnown: true}, "amber", []string{"meth.health.internal_milestones_overdue"}},
		{"two blockers", HealthFacts{Today: "2026-05-10", Blockers: 2, CriticalKnown: true}, "amber", []string{"meth.health.blockers"}},
		{"three blockers", HealthFacts{Today: "2026-05-10", Blockers: 3, CriticalKnown: true}, "red", []string{"meth.health.blockers"}},
		{"critical slip", HealthFacts{Today: "2026-05-10", CriticalKnown: true, CriticalOverdue: 1, OverdueTasks: 5, OpenTasks: 10}, "amber", []string{"meth.health.critical_overdue"}},
		{"critical slip x3", HealthFacts{Today: "2026-05-10", CriticalKnown: true, CriticalOverdue: 3, OverdueTasks: 3, OpenTasks: 100}, "red", []string{"meth.health.critical_overdue"}},
		{"late off the critical path", HealthFacts{Today: "2026-05-10", CriticalKnown: true, CriticalOverdue: 0, OverdueTasks: 8, OpenTasks: 10}, "green", nil},
		{"no critical path: some overdue", HealthFacts{Today: "2026-05-10", OverdueTasks: 1, OpenTasks: 100}, "amber", []string{"meth.health.tasks_overdue"}},
		{"no critical path: a fifth overdue", HealthFacts{Today: "2026-05-10", OverdueTasks: 20, OpenTasks: 100}, "red", []string{"meth.health.tasks_overdue"}},
		{"long tail summed up", HealthFacts{Today: "2026-05-10", Milestones: ms("2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04", "2026-05-05", "2026-05-06", "2026-05-09"), CriticalKnown: true}, "red",
			[]string{"meth.health.milestone_overdue", "meth.health.milestone_overdue", "meth.health.milestone_overdue", "meth.health.milestone_overdue", "meth.health.milestone_overdue", "meth.health.more_milestones_overdue"}},
		{"worst first", HealthFacts{Today: "2026-05-10", Milestones: ms("2026-05-09"), Blockers: 4, CriticalKnown: true}, "red", []string{"meth.health.blockers", "meth.health.milestone_overdue"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, reasons := ComputeHealth(c.f)
			if got != c.want {
				t.Errorf("health %s, want %s (%+v)", got, c.want, reasons)
			}
			var codes []string
			for _, r := range reasons {
				codes = append(codes, r.Code)
			}
			if strings.Join(codes, ",") != strings.Join(c.codes, ",") {
				t.Errorf("reasons %v, want %v", codes, c.codes)
			}
		})
	}
}

func TestDiffLines(t *testing.T) {
	cases := []struct {
		a, b string
		want string
	}{
		{"", "", ""},
		{"a\nb\nc", "a\nb\nc", "=a =b =c"},
		{"a\nb\nc", "a\nc", "=a -b =c"},
		{"a\nc", "a\nb\nc", "=a +b =c"},
		{"目标 95%", "目标 98%", "-目标 95% +目标 98%"},
		{"", "new", "+new"},
		{"old", "", "-old"},
	}
	for _, c := range cases {
		var parts []string
		for _, l := range DiffLines(c.a, c.b) {
			parts = append(parts, l.Op+l.Text)
		}
		if got := strings.Join(parts, " "); got != c.want {
			t.Errorf("DiffLines(%q, %q) = %q, want %q", c.a, c.b, got, c.want)
		}
	}
}

func TestCharterHash(t *testing.T) {
	sp := int64(7)
	c := Charter{ProjectID: 3, VersionNo: 2, Objectives: "上线\n\"质量\"<追溯>", SponsorID: &sp, budget: "内部"}
	want := `{"budget_summary":"内部","key_dates":"","objectives":"上线\n\"质量\"\u003c追溯\u003e","project_id":3,"scope_in":"","scope_out":"","sponsor_id":7,"success_criteria":"","version_no":2}`
	if got := c.Canonical(); got != want {
		t.Fatalf("canonical\n%s\nwant\n%s", got, want)
	}
	h := c.Hash()
	c.Status, c.ContentHash = CharterSigned, h
	if !c.HashOK() {
		t.Error("hash does not verify")
	}
	c.ScopeIn = "changed"
	if c.HashOK() {
		t.Error("a changed charter still verifies")
	}
}

func TestInputsValidate(t *testing.T) {
	gate := func(decision, comment string, done ...bool) GateInput {
		in := GateInput{Decision: decision, Comment: comment, Version: 1}
		for _, d := range done {
			in.Items = append(in.Items, GateResult{Done: d})
		}
		return in
	}
	cases := []struct {
		name  string
		err   func() error
		field string // "" = valid
	}{
		{"pass all done", func() error { g := gate("pass", "", true, true); return g.Validate(2) }, ""},
		{"pass open item", func() error { g := gate("pass", "", true, false); return g.Validate(2) }, "decision"},
		{"conditional without actions", func() error { g := gate("conditional", " ", true, false); return g.Validate(2) }, "comment"},
		{"fail without reason", func() error { g := gate("fail", "", false, false); return g.Validate(2) }, "comment"},
		{"wrong item count", func() error { g := gate("pass", "", true); return g.Validate(2) }, "items"},
		{"no version", func() error { g := gate("pass", "", true); g.Version = 0; return g.Validate(1) }, "version"},
		{"reject without reason", func() error { r := ReviewInput{Version: 1}; return r.Validate(true) }, "comment"},
		{"accept without comment", func() error { r := ReviewInput{Version: 1}; return r.Validate(false) }, ""},
		{"milestone bad date", func() error { m := MilestoneInput{Name: "x", DueDate: "2026-02-30"}; return m.Validate(false) }, "due_date"},
		{"override without reason", func() error { h := HealthInput{Override: "red"}; return h.Validate() }, "comment"},
		{"clear override", func() error { h := HealthInput{}; return h.Validate() }, ""},
		{"raci no A", func() error {
			r := RACIInput{Name: "x", Cells: map[string]string{"role:pm": "R"}}
			return r.Validate(false)
		}, "cells"},
		{"raci lowercase a", func() error {
			r := RACIInput{Name: "x", Cells: map[string]string{"role:pm": "a"}}
			return r.Validate(false)
		}, ""},
		{"stakeholder phone", func() error {
			s := StakeholderInput{Side: "vendor", Name: "x", Phone: "call me"}
			return s.Validate(false)
		}, "phone"},
		{"stakeholder scale", func() error { s := StakeholderInput{Side: "vendor", Name: "x", Interest: 6}; return s.Validate(false) }, "interest"},
		{"responsibility A=B", func() error {
			r := ResponsibilityInput{Side: "vendor", Name: "x", PrimaryID: 3, BackupID: 3}
			return r.Validate(false)
		}, "backup_id"},
		{"charter without objectives", func() error { c := CharterInput{}; return c.Validate() }, "objectives"},
		{"apply go-live before start", func() error {
			a := ApplyInput{TemplateID: 1, StartDate: "2026-03-02", GoLiveDate: "2026-03-01"}
			return a.Validate()
		}, "golive_date"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.err()
			if c.field == "" {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want one on %s", c.field)
			}
			if e := asErr(err); !e.HasField(c.field) {
				t.Errorf("fields %v, want %s", e.Fields, c.field)
			}
		})
	}
}

func asErr(err error) *apperr.Error { return apperr.As(err) }
