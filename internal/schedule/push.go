package schedule

import (
	"fmt"

	"golive/internal/calendar"
)

// Move is a task's new dates after Push. Finish is its last working day
// (its start for a milestone).
type Move struct {
	ID            int64
	Start, Finish calendar.Date
}

// TooEarlyError: the requested start breaks a dependency. Earliest is the
// first start the predecessor allows.
type TooEarlyError struct {
	Pred     int64
	Type     DepType
	Lag      int
	Earliest calendar.Date
}

func (e *TooEarlyError) Error() string {
	return fmt.Sprintf("schedule: %s dependency on task %d allows a start on %s at the earliest", e.Type, e.Pred, e.Earliest)
}

// Push moves one task to start on start (the next working day if start is
// not one) and pushes its successors, transitively, just far enough to
// satisfy their dependencies. It is what dragging a bar on the Gantt does.
//
// In p, a task with Fixed set is where the plan has it now; a task without
// a start (not yet scheduled) is placed as early as its predecessors and
// the plan start allow. Only the moved task and tasks that come after it
// through dependencies can change; successors that already leave enough
// room stay where they are (moving a task earlier never pulls others
// along). A start that one of the moved task's own predecessors does not
// allow is refused with a TooEarlyError. Moves lists every task whose
// dates change, the moved task first, then in dependency order.
func Push(p Plan, moved int64, start calendar.Date) ([]Move, error) {
	nw, err := build(p.Tasks, p.Deps)
	if err != nil {
		return nil, err
	}
	mi, ok := nw.indexOf[moved]
	if !ok {
		return nil, &UnknownTaskError{ID: moved}
	}
	cal := p.Calendar
	n := nw.n
	// Tasks downstream of the moved one.
	down := make([]bool, n)
	down[mi] = true
	stack := []int32{mi}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, e := range nw.outIdx[nw.outOff[i]:nw.outOff[i+1]] {
			if s := nw.esucc[e]; !down[s] {
				down[s] = true
				stack = append(stack, s)
			}
		}
	}
	s0 := int32(cal.Ordinal(p.Start))
	es := make([]int32, n)
	// A task's first day, a milestone's date (the day its boundary ends).
	first := func(k, d int32) calendar.Date { return cal.Nth(int(k - atEnd(d))) }
	var moves []Move
	for _, i := range nw.order {
		t := &p.Tasks[i]
		d := nw.dur[i]
		// What the predecessors require.
		req, by := int32(-1<<30), int32(-1)
		for _, e := range nw.inIdx[nw.inOff[i]:nw.inOff[i+1]] {
			pr := nw.epred[e]
			if b := bound(nw.etype[e], nw.elag[e], es[pr], es[pr]+nw.dur[pr], d); b > req {
				req, by = b, e
			}
		}
		cur := int32(0)
		if t.Fixed {
			cur = anchor(cal, t.Start, d)
		}
		switch {
		case i == mi:
			target := anchor(cal, start, d)
			if by >= 0 && target < req {
				return nil, &TooEarlyError{Pred: p.Tasks[nw.epred[by]].ID, Type: nw.etype[by], Lag: int(nw.elag[by]), Earliest: first(req, d)}
			}
			es[i] = target
		case down[i] && t.Fixed:
			es[i] = max(cur, req)
		case t.Fixed:
			es[i] = cur
		default:
			es[i] = max(s0+atEnd(d), req)
		}
		if down[i] && (!t.Fixed || es[i] != cur || i == mi) {
			if i == mi && t.Fixed && es[i] == cur && cal.IsWorkday(t.Start) {
				continue // dropped where it was
			}
			mv := Move{ID: t.ID, Start: first(es[i], d), Finish: cal.Nth(int(es[i] + d - 1))}
			if i == mi {
				moves = append([]Move{mv}, moves...)
			} else {
				moves = append(moves, mv)
			}
		}
	}
	return moves, nil
}

// WouldCycle reports whether adding dep to deps would close a circle and,
// if so, the tasks on it in order from dep.Pred: Pred → Succ → … → Pred.
// The dependency editor calls it before saving so that the refusal can
// name the tasks.
func WouldCycle(deps []Dep, dep Dep) ([]int64, bool) {
	if dep.Pred == dep.Succ {
		return []int64{dep.Pred}, true
	}
	out := make(map[int64][]int64, len(deps))
	for _, d := range deps {
		out[d.Pred] = append(out[d.Pred], d.Succ)
	}
	// Breadth-first from Succ looking for Pred; parents rebuild the path.
	parent := map[int64]int64{dep.Succ: dep.Succ}
	queue := []int64{dep.Succ}
	for h := 0; h < len(queue); h++ {
		x := queue[h]
		for _, y := range out[x] {
			if _, seen := parent[y]; seen {
				continue
			}
			parent[y] = x
			if y == dep.Pred {
				var back []int64
				for z := y; z != dep.Succ; z = parent[z] {
					back = append(back, z)
				}
				back = append(back, dep.Succ)
				// back is Pred … Succ against the arrows; Pred first, then
				// Succ onwards along them.
				cyc := []int64{dep.Pred}
				for k := len(back) - 1; k >= 1; k-- {
					cyc = append(cyc, back[k])
				}
				return cyc, true
			}
			queue = append(queue, y)
		}
	}
	return nil, false
}
