package work

import (
	"testing"
	"unicode/utf8"
)

// Status names and categories come from forms and JSON: validation never
// panics, and what it accepts is a trimmed, non-empty name of at most 30
// characters in a known category with a WIP limit in range.
func FuzzNewStatusInput(f *testing.F) {
	f.Add("客户确认", "done", 3)
	f.Add("  ", "doing", -1)
	f.Add("x\x00y", "finished", 1000)
	f.Fuzz(func(t *testing.T, name, category string, wip int) {
		in := NewStatusInput{Name: name, Category: category, WIPLimit: wip}
		if in.Validate() != nil {
			return
		}
		n := utf8.RuneCountInString(in.Name)
		if n == 0 || n > 30 || in.WIPLimit < 0 || in.WIPLimit > maxWIP {
			t.Fatalf("accepted %+v", in)
		}
		known := false
		for _, c := range Categories {
			known = known || c == in.Category
		}
		if !known {
			t.Fatalf("accepted category %q", in.Category)
		}
	})
}
