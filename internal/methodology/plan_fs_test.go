package methodology

import (
	"testing"

	"golive/internal/calendar"
)

// A finish-to-start link whose tasks touch in the template (the
// predecessor's offset + days is the successor's offset) must touch in
// every generated plan too: scaling the offset down and the length
// separately used to leave a day's gap, or an overlap the forward pass
// then fixed by pushing, so 上线确认 landed a day off its cutover or before
// the go-live date.
func TestBuildPlanKeepsTouchingLinks(t *testing.T) {
	cal := calendar.New(calendar.Weekends, calendar.China())
	b := DefaultBody()
	type pos struct{ phase, off, days int }
	tpl := map[string]pos{}
	for i, ph := range b.Phases {
		for _, tk := range ph.Tasks {
			tpl[tk.Key] = pos{i, tk.Offset, tk.Days}
		}
	}
	start := day("2026-01-05")
	for w := 130; w <= 300; w += 3 {
		golive := cal.AddWorkdays(start, w)
		plan, err := BuildPlan(b, cal, PlanParams{Start: start, Lang: "zh-CN", HasLive: true, GoLive: golive})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range plan.Deps {
			pr, su := plan.Tasks[d[0]], plan.Tasks[d[1]]
			a, z := tpl[pr.Key], tpl[su.Key]
			if a.phase != z.phase || a.off+a.days != z.off {
				continue
			}
			if cal.AddWorkdays(pr.End, 1) != su.Start {
				t.Errorf("go-live %s: %s ends %s, %s starts %s", golive, pr.Title, pr.End, su.Title, su.Start)
			}
		}
		for _, tk := range plan.Tasks {
			if tk.Key == "gl-confirm" && tk.End != golive {
				t.Errorf("go-live %s: 上线确认 ends %s", golive, tk.End)
			}
		}
	}
}
