package methodology

import (
	"math"
	"slices"

	"golive/internal/apperr"
	"golive/internal/calendar"
)

// PlanParams are what a project gives a template.
type PlanParams struct {
	Start   calendar.Date
	GoLive  calendar.Date
	HasLive bool     // GoLive is set
	Modules []string // selected module keys (subset of the template's)
	Lang    string   // language of the generated names
}

// Plan is a template turned into dated rows, ready to insert.
type Plan struct {
	Phases       []PlanPhase
	Milestones   []PlanMilestone
	Deliverables []PlanDeliverable
	Tasks        []PlanTask
	Deps         [][2]int // indexes into Tasks: predecessor, successor (FS)
	RACI         []PlanRACI
	Scale        float64 // factor applied to the template's durations
}

type PlanPhase struct {
	Key, Name  string
	Start, End calendar.Date
	Gate       []string
}

type PlanMilestone struct {
	Name            string
	Phase           int
	Due             calendar.Date
	CustomerVisible bool
}

type PlanDeliverable struct {
	Name            string
	Phase           int
	Due             calendar.Date
	CustomerVisible bool
}

type PlanTask struct {
	Key             string
	Title           string
	Phase           int
	Start, End      calendar.Date
	Days            int
	CustomerVisible bool
}

type PlanRACI struct {
	Activity string
	Cells    map[string]string
}

// BuildPlan lays a valid body onto the working calendar. Phases follow one
// another; each lasts its Days working days times a scale factor chosen so
// that the go-live phase (or the last phase) ends on the go-live date when
// one is given (phases after it, such as hypercare, keep their length).
// Tasks keep their relative position in their phase, scaled the same way,
// then a forward pass moves successors after their predecessors; a task is
// never moved outside its phase (when compressed hard it is clamped to the
// phase's last day).
func BuildPlan(b Body, cal *calendar.Calendar, p PlanParams) (Plan, error) {
	var plan Plan
	n := len(b.Phases)
	if n == 0 {
		return plan, apperr.InvalidField("template_id", "meth.tpl.no_phases")
	}
	anchor := n - 1
	for i, ph := range b.Phases {
		if ph.GoLive {
			anchor = i
		}
	}
	day0 := cal.Ordinal(cal.Next(p.Start))
	lengths := make([]int, n)
	plan.Scale = 1
	if p.HasLive {
		if p.GoLive < p.Start {
			return plan, apperr.InvalidField("golive_date", "meth.apply.golive_before_start")
		}
		// Working days from the first working day to go-live, inclusive.
		w := cal.Ordinal(p.GoLive+1) - day0
		if w < anchor+1 {
			return plan, apperr.InvalidField("golive_date", "meth.apply.golive_too_early", anchor+1)
		}
		sum := 0
		for i := 0; i <= anchor; i++ {
			sum += b.Phases[i].Days
		}
		plan.Scale = float64(w) / float64(sum)
		// Round cumulative boundaries, not each length, so the anchor ends
		// exactly on go-live whatever the rounding; every phase keeps a day.
		cum, prev := 0, 0
		for i := 0; i <= anchor; i++ {
			cum += b.Phases[i].Days
			end := int(math.Round(float64(cum) * plan.Scale))
			end = max(end, prev+1)
			end = min(end, w-(anchor-i)) // leave a day for each later phase
			lengths[i] = end - prev
			prev = end
		}
	} else {
		for i := 0; i <= anchor; i++ {
			lengths[i] = b.Phases[i].Days
		}
	}
	for i := anchor + 1; i < n; i++ {
		lengths[i] = b.Phases[i].Days
	}

	selected := map[string]string{} // module key -> name
	var modOrder []string
	for _, m := range b.Modules {
		if slices.Contains(p.Modules, m.Key) {
			selected[m.Key] = m.Name.In(p.Lang)
			modOrder = append(modOrder, m.Key)
		}
	}

	phaseOrd := make([][2]int, n) // first and last working-day ordinal
	ord := day0
	taskIdx := map[string][]int{} // template task key -> generated tasks
	taskMod := []string{}         // module key of each generated task ("" if none)
	for i, ph := range b.Phases {
		first, last := ord, ord+lengths[i]-1
		ord = last + 1
		phaseOrd[i] = [2]int{first, last}
		pp := PlanPhase{Key: ph.Key, Name: ph.Name.In(p.Lang), Start: cal.Nth(first), End: cal.Nth(last)}
		for _, g := range ph.Gate {
			pp.Gate = append(pp.Gate, g.In(p.Lang))
		}
		plan.Phases = append(plan.Phases, pp)
		for _, d := range ph.Deliverables {
			plan.Deliverables = append(plan.Deliverables, PlanDeliverable{Name: d.Name.In(p.Lang), Phase: i, Due: pp.End, CustomerVisible: d.CustomerVisible})
		}
		g := float64(lengths[i]) / float64(ph.Days)
		for _, t := range ph.Tasks {
			// Scale the task's two boundaries with the same rounding (as
			// the phases' boundaries are), not its offset and length
			// apart: tasks that touch in the template then touch in the
			// plan, with no day's gap or overlap between a predecessor
			// and its successor (上线确认 right after the cutover, on the
			// go-live date).
			off := min(int(math.Round(float64(t.Offset)*g)), lengths[i]-1)
			dur := max(1, int(math.Round(float64(t.Offset+t.Days)*g))-off)
			copies := []string{""}
			if t.PerModule && len(modOrder) > 0 {
				copies = modOrder
			}
			for _, mk := range copies {
				title := t.Name.In(p.Lang)
				if mk != "" {
					title += "：" + selected[mk]
					if p.Lang == "en" {
						title = t.Name.In(p.Lang) + ": " + selected[mk]
					}
				}
				s := first + off
				e := min(s+dur-1, last)
				taskIdx[t.Key] = append(taskIdx[t.Key], len(plan.Tasks))
				taskMod = append(taskMod, mk)
				plan.Tasks = append(plan.Tasks, PlanTask{Key: t.Key, Title: title, Phase: i, Start: calendar.Date(s), End: calendar.Date(e),
					Days: dur, CustomerVisible: t.CustomerVisible})
			}
		}
	}
	// Dependencies: a per-module task waits for the same module's copy of a
	// per-module predecessor, and for every copy of anything else.
	for _, ph := range b.Phases {
		for _, t := range ph.Tasks {
			for _, succ := range taskIdx[t.Key] {
				for _, d := range t.Deps {
					for _, pred := range taskIdx[d] {
						if taskMod[succ] != "" && taskMod[pred] != "" && taskMod[succ] != taskMod[pred] {
							continue
						}
						plan.Deps = append(plan.Deps, [2]int{pred, succ})
					}
				}
			}
		}
	}
	// Forward pass in generation order: predecessors are generated first
	// (same or earlier phase, and Validate refuses cycles), except within a
	// phase where a task may name a later row; repeat until stable.
	for range len(plan.Tasks) + 1 {
		moved := false
		for _, d := range plan.Deps {
			pred, succ := &plan.Tasks[d[0]], &plan.Tasks[d[1]]
			if int(succ.Start) > int(pred.End) {
				continue
			}
			last := phaseOrd[succ.Phase][1]
			s := min(int(pred.End)+1, last)
			if s == int(succ.Start) {
				continue
			}
			succ.Start = calendar.Date(s)
			succ.End = calendar.Date(min(s+succ.Days-1, last))
			moved = true
		}
		if !moved {
			break
		}
	}
	// Clamping at a phase's end can leave a successor overlapping its
	// predecessor; shorten (then move earlier) the predecessor instead,
	// never before its phase starts.
	for range len(plan.Tasks) + 1 {
		moved := false
		for i := len(plan.Deps) - 1; i >= 0; i-- {
			d := plan.Deps[i]
			pred, succ := &plan.Tasks[d[0]], &plan.Tasks[d[1]]
			if int(succ.Start) > int(pred.End) {
				continue
			}
			first := phaseOrd[pred.Phase][0]
			end := int(succ.Start) - 1
			if end < first {
				continue // nothing left to give: the phase is too short for the chain
			}
			if end >= int(pred.Start) {
				pred.End = calendar.Date(end)
			} else {
				pred.Start, pred.End = calendar.Date(end), calendar.Date(end)
			}
			moved = true
		}
		if !moved {
			break
		}
	}
	for i := range plan.Tasks {
		t := &plan.Tasks[i]
		t.Days = int(t.End-t.Start) + 1 // clamping may have shortened it
		t.Start, t.End = cal.Nth(int(t.Start)), cal.Nth(int(t.End))
	}
	for _, m := range b.Milestones {
		i := slices.IndexFunc(b.Phases, func(ph TplPhase) bool { return ph.Key == m.Phase })
		if i < 0 {
			continue
		}
		due := plan.Phases[i].End
		if m.At == "start" {
			due = plan.Phases[i].Start
		}
		plan.Milestones = append(plan.Milestones, PlanMilestone{Name: m.Name.In(p.Lang), Phase: i, Due: due, CustomerVisible: true})
	}
	for _, r := range b.RACI {
		cells := map[string]string{}
		for k, v := range r.Cells {
			cells[k] = v
		}
		plan.RACI = append(plan.RACI, PlanRACI{Activity: r.Activity.In(p.Lang), Cells: cells})
	}
	return plan, nil
}
