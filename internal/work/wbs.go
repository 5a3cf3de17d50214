package work

import "strconv"

// TreeRow is a task placed in the WBS: its depth, its outline code
// ("1.2.3") and whether tasks hang below it.
type TreeRow struct {
	Task     Task
	Depth    int
	Code     string
	Children int
}

// Tree orders tasks depth-first, siblings by number. A task whose parent
// is not among ts (hidden from the caller, or filtered away) is a root, so
// nothing the caller may see disappears.
func Tree(ts []Task) []TreeRow {
	present := make(map[int64]bool, len(ts))
	for _, t := range ts {
		present[t.ID] = true
	}
	kids := map[int64][]int{}
	var roots []int
	for i, t := range ts {
		if t.ParentID != nil && present[*t.ParentID] && *t.ParentID != t.ID {
			kids[*t.ParentID] = append(kids[*t.ParentID], i)
		} else {
			roots = append(roots, i)
		}
	}
	out := make([]TreeRow, 0, len(ts))
	seen := make(map[int64]bool, len(ts))
	type frame struct {
		idx   []int
		pos   int
		depth int
		code  string
	}
	stack := []frame{{idx: roots}}
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.pos >= len(f.idx) {
			stack = stack[:len(stack)-1]
			continue
		}
		i := f.idx[f.pos]
		f.pos++
		t := ts[i]
		if seen[t.ID] {
			continue
		}
		seen[t.ID] = true
		code := strconv.Itoa(f.pos)
		if f.code != "" {
			code = f.code + "." + code
		}
		out = append(out, TreeRow{Task: t, Depth: f.depth, Code: code, Children: len(kids[t.ID])})
		if len(kids[t.ID]) > 0 {
			stack = append(stack, frame{idx: kids[t.ID], depth: f.depth + 1, code: code})
		}
	}
	// A cycle in stored data (never written by this module) would leave
	// tasks unreached; show them at the top level rather than lose them.
	for _, t := range ts {
		if !seen[t.ID] {
			out = append(out, TreeRow{Task: t, Code: "?"})
		}
	}
	return out
}
