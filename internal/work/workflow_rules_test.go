package work

import "testing"

func TestRemovableRules(t *testing.T) {
	st := func(id int64, cat string) Status { return Status{ID: id, Key: cat, Category: cat} }
	def := []Status{st(1, CatTodo), st(2, CatDoing), st(3, CatReview), st(4, CatDone), st(5, CatCancelled)}
	twoDone := append(append([]Status{}, def...), Status{ID: 6, Key: "s6", Category: CatDone})
	reordered := []Status{st(2, CatDoing), st(1, CatTodo), st(4, CatDone)}
	for _, c := range []struct {
		name string
		ss   []Status
		id   int64
		want string
	}{
		{"first status is the default", def, 1, "workflow.remove_first"},
		{"a middle status", def, 2, ""},
		{"the only done status", def, 4, "workflow.remove_last_done"},
		{"cancelled may go", def, 5, ""},
		{"one of two done statuses", twoDone, 4, ""},
		{"the other of two done statuses", twoDone, 6, ""},
		{"after a reorder the new first is kept", reordered, 2, "workflow.remove_first"},
		{"after a reorder the old first may go", reordered, 1, ""},
	} {
		s, _ := statusByID(c.ss, c.id)
		if got := removable(c.ss, s); got != c.want {
			t.Errorf("%s: removable = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestDuplicateStatusNames(t *testing.T) {
	ss := []Status{{ID: 1, Key: "todo", Category: CatTodo}, {ID: 2, Key: "doing", Custom: "实施中", Category: CatDoing}}
	for _, c := range []struct {
		name string
		self int64
		want bool
	}{
		{"待办", 0, true},      // the catalog's Chinese name of an unnamed default status
		{" To Do ", 0, true}, // …its English name, case and space ignored
		{"实施中", 0, true},     // a custom name
		{"实施中", 2, false},    // renaming a status to its own name
		{"进行中", 0, false},    // "doing" was renamed, so its default name is free
		{"客户确认", 0, false},
	} {
		if got := duplicateName(ss, c.self, c.name); got != c.want {
			t.Errorf("duplicateName(%q, self %d) = %v, want %v", c.name, c.self, got, c.want)
		}
	}
}
