package work

import (
	"reflect"
	"testing"
)

func TestParsePredecessors(t *testing.T) {
	cases := []struct {
		in   string
		want []PredRef
		err  string
	}{
		{"", nil, ""},
		{"3", []PredRef{{3, "FS", 0}}, ""},
		{"3FS+2, 5SS", []PredRef{{3, "FS", 2}, {5, "SS", 0}}, ""},
		{"3ff-1；#7sf+3d，8", []PredRef{{3, "FF", -1}, {7, "SF", 3}, {8, "FS", 0}}, ""},
		{"3 FS + 2", []PredRef{{3, "FS", 2}}, ""},
		{"3XX", nil, "planxlsx.err_pred_syntax"},
		{"FS3", nil, "planxlsx.err_pred_syntax"},
		{"3FS+", nil, "planxlsx.err_pred_syntax"},
		{"3FS+1000", nil, "planxlsx.err_pred_syntax"},
		{"0", nil, "planxlsx.err_pred_syntax"},
		{"3, 3SS", nil, "planxlsx.err_pred_dup"},
	}
	for _, c := range cases {
		got, key, _ := ParsePredecessors(c.in)
		if key != c.err || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: got %v %q, want %v %q", c.in, got, key, c.want, c.err)
		}
	}
}

func FuzzParsePredecessors(f *testing.F) {
	for _, s := range []string{"3FS+2, 5SS", "1", "", "7SF-3", "2，3；4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rs, key, _ := ParsePredecessors(s)
		if key != "" {
			if rs != nil {
				t.Fatalf("%q: refs with an error", s)
			}
			return
		}
		for _, r := range rs {
			if r.Number <= 0 || r.Lag > maxPredLag || r.Lag < -maxPredLag {
				t.Fatalf("%q: bad ref %+v", s, r)
			}
		}
		// Formatting and parsing again gives the same refs.
		again, key2, _ := ParsePredecessors(FormatPredecessors(rs))
		if key2 != "" || len(again) != len(rs) || (len(rs) > 0 && !reflect.DeepEqual(again, rs)) {
			t.Fatalf("%q: round trip %v → %v (%s)", s, rs, again, key2)
		}
	})
}
