package schedule

// Node is one task of the WBS for the progress roll-up.
type Node struct {
	ID       int64
	Parent   int64   // 0 for a top-level task
	Progress float64 // 0–100, used for tasks without children
	Effort   int64   // estimate (any unit, minutes in golive); used for tasks without children
}

// Rollup computes every task's progress from its subtasks, weighted by
// effort:
//
//   - a task without children keeps its own progress and effort;
//   - a parent's effort is the sum of its children's (its own estimate is
//     ignored once it has children: the work is in the children);
//   - a parent's progress is the effort-weighted mean of its children's
//     progress; when none of its children has any effort estimated, the
//     children count equally.
//
// A parent that is not in the list makes its children top-level; a loop in
// the parent links (bad data) is broken where it is found rather than
// followed for ever.
func Rollup(nodes []Node) map[int64]float64 {
	idx := make(map[int64]int, len(nodes))
	for i, n := range nodes {
		idx[n.ID] = i
	}
	children := make([][]int, len(nodes))
	parent := make([]int, len(nodes))
	for i, n := range nodes {
		parent[i] = -1
		if p, ok := idx[n.Parent]; ok && n.Parent != 0 && p != i {
			parent[i] = p
		}
	}
	// Break loops: walk up from each node; a node met twice on one walk
	// loses its parent.
	state := make([]uint8, len(nodes)) // 0 new, 1 on the current walk, 2 done
	var walk []int
	for i := range nodes {
		walk = walk[:0]
		for j := i; j >= 0 && state[j] == 0; j = parent[j] {
			state[j] = 1
			walk = append(walk, j)
			if p := parent[j]; p >= 0 && state[p] == 1 {
				parent[j] = -1
			}
		}
		for _, j := range walk {
			state[j] = 2
		}
	}
	for i := range nodes {
		if p := parent[i]; p >= 0 {
			children[p] = append(children[p], i)
		}
	}
	progress := make([]float64, len(nodes))
	effort := make([]int64, len(nodes))
	done := make([]bool, len(nodes))
	var visit func(i int)
	visit = func(i int) {
		if done[i] {
			return
		}
		done[i] = true
		ch := children[i]
		if len(ch) == 0 {
			progress[i] = clamp(nodes[i].Progress)
			effort[i] = max(nodes[i].Effort, 0)
			return
		}
		var sumE int64
		var sumPE, sumP float64
		for _, c := range ch {
			visit(c)
			sumE += effort[c]
			sumPE += progress[c] * float64(effort[c])
			sumP += progress[c]
		}
		effort[i] = sumE
		if sumE > 0 {
			progress[i] = sumPE / float64(sumE)
		} else {
			progress[i] = sumP / float64(len(ch))
		}
	}
	out := make(map[int64]float64, len(nodes))
	for i, n := range nodes {
		visit(i)
		out[n.ID] = progress[i]
	}
	return out
}

func clamp(p float64) float64 {
	if p < 0 {
		return 0
	}
	if p > 100 {
		return 100
	}
	return p
}
