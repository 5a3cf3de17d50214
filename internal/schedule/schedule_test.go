package schedule

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"golive/internal/calendar"
)

var (
	plain = calendar.New(calendar.Weekends, nil)
	china = calendar.ChinaCalendar()
	d     = calendar.MustParse
)

// want is one task's expected dates and float ("" skips a check).
type want struct {
	es, ef, ls, lf string
	float          int
	critical       bool
}

func fixed(id int64, dur int, start string) Task {
	return Task{ID: id, Duration: dur, Fixed: true, Start: d(start)}
}

func TestCompute(t *testing.T) {
	mon := "2026-03-02" // a Monday with no holiday near it
	for _, tc := range []struct {
		name  string
		cal   *calendar.Calendar
		start string
		tasks []Task
		deps  []Dep
		want  map[int64]want
		crit  []int64
		fin   string
	}{
		{
			name: "FS lag 0 over a weekend", cal: plain, start: mon,
			tasks: []Task{{ID: 1, Duration: 5}, {ID: 2, Duration: 3}},
			deps:  []Dep{{1, 2, FS, 0}},
			want: map[int64]want{
				1: {"2026-03-02", "2026-03-06", "2026-03-02", "2026-03-06", 0, true},
				2: {"2026-03-09", "2026-03-11", "2026-03-09", "2026-03-11", 0, true},
			},
			crit: []int64{1, 2}, fin: "2026-03-11",
		},
		{
			name: "FS lag +2", cal: plain, start: mon,
			tasks: []Task{{ID: 1, Duration: 5}, {ID: 2, Duration: 3}},
			deps:  []Dep{{1, 2, FS, 2}},
			want:  map[int64]want{2: {"2026-03-11", "2026-03-13", "2026-03-11", "2026-03-13", 0, true}},
			fin:   "2026-03-13",
		},
		{
			name: "FS lag -2 (lead) overlaps", cal: plain, start: mon,
			tasks: []Task{{ID: 1, Duration: 5}, {ID: 2, Duration: 3}},
			deps:  []Dep{{1, 2, FS, -2}},
			want:  map[int64]want{2: {"2026-03-05", "2026-03-09", "2026-03-05", "2026-03-09", 0, true}},
			fin:   "2026-03-09",
		},
		{
			name: "SS lag 0 and float of the shorter", cal: plain, start: mon,
			tasks: []Task{{ID: 1, Duration: 5}, {ID: 2, Duration: 2}},
			deps:  []Dep{{1, 2, SS, 0}},
			want: map[int64]want{
				1: {"2026-03-02", "2026-03-06", "2026-03-02", "2026-03-06", 0, true},
				2: {"2026-03-02", "2026-03-03", "2026-03-05", "2026-03-06", 3, false},
			},
			crit: []int64{1},
		},
		{
			name: "SS lag +2", cal: plain, start: mon,
			tasks: []Task{{ID: 1, Duration: 5}, {ID: 2, Duration: 5}},
			deps:  []Dep{{1, 2, SS, 2}},
			want: map[int64]want{
				1: {"2026-03-02", "2026-03-06", "2026-03-02", "2026-03-06", 0, true},
				2: {"2026-03-04", "2026-03-10", "2026-03-04", "2026-03-10", 0, true},
			},
		},
		{
			name: "SS lag -1 stops at the plan start", cal: plain, start: mon,
			tasks: []Task{{ID: 1, Duration: 2}, {ID: 2, Duration: 2}},
			deps:  []Dep{{1, 2, SS, -1}},
			want:  map[int64]want{2: {es: "2026-03-02", ef: "2026-03-03"}},
		},
		{
			name: "FF lag 0 finishes together", cal: plain, start: mon,
			tasks: []Task{{ID: 1, Duration: 5}, {ID: 2, Duration: 2}},
			deps:  []Dep{{1, 2, FF, 0}},
			want: map[int64]want{
				2: {"2026-03-05", "2026-03-06", "2026-03-05", "2026-03-06", 0, true},
			},
			crit: []int64{1, 2},
		},
		{
			name: "FF lag +1 and -3", cal: plain, start: mon,
			tasks: []Task{{ID: 1, Duration: 5}, {ID: 2, Duration: 2}, {ID: 3, Duration: 1}},
			deps:  []Dep{{1, 2, FF, 1}, {1, 3, FF, -3}},
			want: map[int64]want{
				2: {es: "2026-03-06", ef: "2026-03-09", float: 0, critical: true},
				3: {es: "2026-03-03", ef: "2026-03-03", ls: "2026-03-09", float: 4},
			},
			fin: "2026-03-09",
		},
		{
			name: "SF lag 0: finish no earlier than the day before the predecessor starts", cal: plain, start: mon,
			tasks: []Task{fixed(1, 2, "2026-03-09"), {ID: 2, Duration: 3}},
			deps:  []Dep{{1, 2, SF, 0}},
			want: map[int64]want{
				1: {"2026-03-09", "2026-03-10", "2026-03-09", "2026-03-10", 0, true},
				2: {"2026-03-04", "2026-03-06", "2026-03-06", "2026-03-10", 2, false},
			},
		},
		{
			name: "SF lag +3 and -2", cal: plain, start: mon,
			tasks: []Task{fixed(1, 2, "2026-03-09"), {ID: 2, Duration: 2}, {ID: 3, Duration: 2}},
			deps:  []Dep{{1, 2, SF, 3}, {1, 3, SF, -2}},
			want: map[int64]want{
				2: {es: "2026-03-10", ef: "2026-03-11", float: 0, critical: true},
				3: {es: "2026-03-03", ef: "2026-03-04", ls: "2026-03-10", float: 5},
			},
			fin: "2026-03-11",
		},
		{
			name: "milestone between tasks: dated at the end of Friday", cal: plain, start: mon,
			tasks: []Task{{ID: 1, Duration: 5}, {ID: 2, Duration: 0}, {ID: 3, Duration: 2}},
			deps:  []Dep{{1, 2, FS, 0}, {2, 3, FS, 0}},
			want: map[int64]want{
				2: {"2026-03-06", "2026-03-06", "2026-03-06", "2026-03-06", 0, true},
				3: {"2026-03-09", "2026-03-10", "2026-03-09", "2026-03-10", 0, true},
			},
			crit: []int64{1, 2, 3},
		},
		{
			name: "Chinese New Year and its make-up Saturday", cal: china, start: "2026-02-11",
			tasks: []Task{{ID: 1, Duration: 3}, {ID: 2, Duration: 3}},
			deps:  []Dep{{1, 2, FS, 0}},
			want: map[int64]want{
				1: {es: "2026-02-11", ef: "2026-02-13", critical: true},
				2: {es: "2026-02-14", ef: "2026-02-25", critical: true}, // Sat 14 (make-up), then 24, 25
			},
			fin: "2026-02-25",
		},
		{
			name: "plan starting on a holiday starts after it", cal: china, start: "2026-10-01",
			tasks: []Task{{ID: 1, Duration: 2}},
			want:  map[int64]want{1: {es: "2026-10-08", ef: "2026-10-09", critical: true}},
		},
		{
			name: "lag counts working days across 国庆", cal: china, start: "2026-09-28",
			tasks: []Task{{ID: 1, Duration: 3}, {ID: 2, Duration: 1}},
			deps:  []Dep{{1, 2, FS, 2}},                                    // 1 ends Wed Sep 30; +2 working days skips Oct 1–7 and Oct 8
			want:  map[int64]want{2: {es: "2026-10-10", ef: "2026-10-10"}}, // a make-up Saturday
		},
		{
			name: "merge: the longer branch is critical", cal: plain, start: mon,
			tasks: []Task{{ID: 1, Duration: 5}, {ID: 2, Duration: 2}, {ID: 3, Duration: 1}},
			deps:  []Dep{{1, 3, FS, 0}, {2, 3, FS, 0}},
			want: map[int64]want{
				1: {float: 0, critical: true},
				2: {es: "2026-03-02", ls: "2026-03-05", lf: "2026-03-06", float: 3},
				3: {es: "2026-03-09", critical: true},
			},
			crit: []int64{1, 3},
		},
		{
			name: "disconnected chains", cal: plain, start: mon,
			tasks: []Task{{ID: 10, Duration: 3}, {ID: 11, Duration: 3}, {ID: 20, Duration: 2}, {ID: 21, Duration: 1}, {ID: 30, Duration: 0}},
			deps:  []Dep{{10, 11, FS, 0}, {20, 21, FS, 0}},
			want: map[int64]want{
				11: {ef: "2026-03-09", critical: true},
				20: {float: 3},
				21: {es: "2026-03-04", lf: "2026-03-09", float: 3},
				// A lone milestone is dated the plan's first day at the earliest
				// and its last day at the latest.
				30: {es: "2026-03-02", ef: "2026-03-02", ls: "2026-03-09", float: 5},
			},
			crit: []int64{10, 11},
		},
		{
			name: "fixed start later than the network needs", cal: plain, start: mon,
			tasks: []Task{{ID: 1, Duration: 2}, fixed(2, 2, "2026-03-16"), {ID: 3, Duration: 1}},
			deps:  []Dep{{1, 2, FS, 0}},
			want: map[int64]want{
				1: {es: "2026-03-02", float: 8},
				2: {es: "2026-03-16", ef: "2026-03-17", critical: true},
				3: {float: 11},
			},
			crit: []int64{2},
		},
		{
			name: "milestones: a kick-off on the first day, a fixed one, one started with SS", cal: plain, start: mon,
			tasks: []Task{{ID: 1, Duration: 0}, {ID: 2, Duration: 3}, fixed(3, 0, "2026-03-04"), {ID: 4, Duration: 0}},
			deps:  []Dep{{1, 2, FS, 0}, {2, 4, SS, 0}},
			want: map[int64]want{
				1: {es: "2026-03-02", ef: "2026-03-02", critical: true},
				2: {es: "2026-03-03", ef: "2026-03-05", critical: true}, // the day after the kick-off
				3: {es: "2026-03-04", ls: "2026-03-05", float: 1},
				4: {es: "2026-03-02", ls: "2026-03-05", float: 3}, // task 2's start is the end of the day before
			},
			fin: "2026-03-05",
		},
		{
			name: "no tasks", cal: plain, start: "2026-03-07",
			fin: "2026-03-09",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Compute(Plan{Start: d(tc.start), Calendar: tc.cal, Tasks: tc.tasks, Deps: tc.deps})
			if err != nil {
				t.Fatal(err)
			}
			for i, task := range tc.tasks {
				w, ok := tc.want[task.ID]
				if !ok {
					continue
				}
				got := res.Tasks[i]
				check := func(what, want string, got calendar.Date) {
					if want != "" && got.String() != want {
						t.Errorf("task %d %s = %s, want %s", task.ID, what, got, want)
					}
				}
				check("ES", w.es, got.ES)
				check("EF", w.ef, got.EF)
				check("LS", w.ls, got.LS)
				check("LF", w.lf, got.LF)
				if got.Float != w.float {
					t.Errorf("task %d float = %d, want %d", task.ID, got.Float, w.float)
				}
				if got.Critical != w.critical && (w.critical || w.float > 0) {
					t.Errorf("task %d critical = %v, want %v", task.ID, got.Critical, w.critical)
				}
			}
			if tc.crit != nil && !slices.Equal(res.Critical, tc.crit) {
				t.Errorf("critical path %v, want %v", res.Critical, tc.crit)
			}
			if tc.fin != "" && res.Finish.String() != tc.fin {
				t.Errorf("finish %s, want %s", res.Finish, tc.fin)
			}
		})
	}
}

func TestDepCritical(t *testing.T) {
	tasks := []Task{{ID: 1, Duration: 5}, {ID: 2, Duration: 2}, {ID: 3, Duration: 1}, {ID: 4, Duration: 1}}
	deps := []Dep{{1, 3, FS, 0}, {2, 3, FS, 0}, {1, 4, SS, 0}}
	res, err := Compute(Plan{Start: d("2026-03-02"), Calendar: plain, Tasks: tasks, Deps: deps})
	if err != nil {
		t.Fatal(err)
	}
	if want := []bool{true, false, false}; !slices.Equal(res.DepCritical, want) {
		t.Errorf("DepCritical = %v, want %v", res.DepCritical, want)
	}
}

func TestCycles(t *testing.T) {
	for _, tc := range []struct {
		name string
		deps []Dep
		want []int64
	}{
		{"two tasks", []Dep{{1, 2, FS, 0}, {2, 1, SS, 0}}, []int64{1, 2}},
		{"three tasks", []Dep{{3, 1, FS, 0}, {1, 2, FS, 0}, {2, 3, FF, 2}}, []int64{1, 2, 3}},
		{"self", []Dep{{2, 2, FS, 0}}, []int64{2}},
		{"behind an acyclic part", []Dep{{5, 4, FS, 0}, {4, 2, FS, 0}, {2, 3, FS, 0}, {3, 4, FS, 0}, {1, 5, FS, 0}}, []int64{2, 3, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tasks := []Task{{ID: 1, Duration: 1}, {ID: 2, Duration: 1}, {ID: 3, Duration: 1}, {ID: 4, Duration: 1}, {ID: 5, Duration: 1}}
			_, err := Compute(Plan{Start: d("2026-03-02"), Calendar: plain, Tasks: tasks, Deps: tc.deps})
			var ce *CycleError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a cycle", err)
			}
			if !slices.Equal(ce.IDs, tc.want) {
				t.Errorf("cycle %v, want %v (%v)", ce.IDs, tc.want, err)
			}
			if _, err := Push(Plan{Start: d("2026-03-02"), Calendar: plain, Tasks: tasks, Deps: tc.deps}, 1, d("2026-03-03")); !errors.As(err, &ce) {
				t.Errorf("Push err = %v, want a cycle", err)
			}
		})
	}
}

func TestUnknownAndDuplicateTasks(t *testing.T) {
	var ue *UnknownTaskError
	_, err := Compute(Plan{Calendar: plain, Tasks: []Task{{ID: 1}}, Deps: []Dep{{1, 9, FS, 0}}})
	if !errors.As(err, &ue) || ue.ID != 9 || ue.Duplicate {
		t.Errorf("unknown successor: %v", err)
	}
	_, err = Compute(Plan{Calendar: plain, Tasks: []Task{{ID: 1}, {ID: 1}}})
	if !errors.As(err, &ue) || !ue.Duplicate {
		t.Errorf("duplicate: %v", err)
	}
}

func TestWouldCycle(t *testing.T) {
	deps := []Dep{{1, 2, FS, 0}, {2, 3, FS, 0}, {3, 4, SS, 0}, {5, 6, FS, 0}}
	for _, tc := range []struct {
		add  Dep
		want []int64
	}{
		{Dep{4, 1, FS, 0}, []int64{4, 1, 2, 3}},
		{Dep{3, 2, FF, 0}, []int64{3, 2}},
		{Dep{2, 2, FS, 0}, []int64{2}},
		{Dep{1, 4, FS, 0}, nil}, // a shortcut, not a cycle
		{Dep{6, 1, FS, 0}, nil},
		{Dep{4, 5, FS, 0}, nil},
	} {
		got, ok := WouldCycle(deps, tc.add)
		if ok != (tc.want != nil) || !slices.Equal(got, tc.want) {
			t.Errorf("WouldCycle(+%v) = %v, %v; want %v", tc.add, got, ok, tc.want)
		}
	}
}

func TestPush(t *testing.T) {
	mon := d("2026-03-02")
	chain := []Task{fixed(1, 5, "2026-03-02"), fixed(2, 3, "2026-03-09"), fixed(3, 2, "2026-03-16"), fixed(4, 1, "2026-03-02")}
	chainDeps := []Dep{{1, 2, FS, 0}, {2, 3, FS, 0}}
	for _, tc := range []struct {
		name  string
		cal   *calendar.Calendar
		tasks []Task
		deps  []Dep
		move  int64
		to    string
		want  []string // "id start finish"
		early string   // expected TooEarlyError.Earliest
	}{
		{
			name: "successor pushed, slack absorbs the rest", cal: plain, tasks: chain, deps: chainDeps,
			move: 1, to: "2026-03-04",
			want: []string{"1 2026-03-04 2026-03-10", "2 2026-03-11 2026-03-13"},
		},
		{
			name: "a bigger move pushes the whole chain", cal: plain, tasks: chain, deps: chainDeps,
			move: 1, to: "2026-03-09",
			want: []string{"1 2026-03-09 2026-03-13", "2 2026-03-16 2026-03-18", "3 2026-03-19 2026-03-20"},
		},
		{
			name: "moving earlier pulls nothing", cal: plain, tasks: chain, deps: chainDeps,
			move: 3, to: "2026-03-12",
			want: []string{"3 2026-03-12 2026-03-13"},
		},
		{
			name: "a Saturday drop lands on Monday", cal: plain, tasks: chain, deps: chainDeps,
			move: 3, to: "2026-03-21",
			want: []string{"3 2026-03-23 2026-03-24"},
		},
		{
			name: "before the predecessor allows", cal: plain, tasks: chain, deps: chainDeps,
			move: 2, to: "2026-03-05", early: "2026-03-09",
		},
		{
			name: "successor pushed over a weekend and 春节", cal: china,
			tasks: []Task{fixed(1, 2, "2026-02-09"), fixed(2, 3, "2026-02-11")},
			deps:  []Dep{{1, 2, FS, 0}},
			move:  1, to: "2026-02-12",
			// 1: Thu 12, Fri 13. 2: Sat 14 (make-up), then Tue 24, Wed 25 after the holiday.
			want: []string{"1 2026-02-12 2026-02-13", "2 2026-02-14 2026-02-25"},
		},
		{
			name: "SS and FF successors with lags", cal: plain,
			tasks: []Task{fixed(1, 3, "2026-03-02"), fixed(2, 2, "2026-03-03"), fixed(3, 2, "2026-03-03")},
			deps:  []Dep{{1, 2, SS, 1}, {1, 3, FF, 0}},
			move:  1, to: "2026-03-05",
			want: []string{"1 2026-03-05 2026-03-09", "2 2026-03-06 2026-03-09", "3 2026-03-06 2026-03-09"},
		},
		{
			name: "a successor held by another, later predecessor", cal: plain,
			tasks: []Task{fixed(1, 1, "2026-03-02"), fixed(2, 5, "2026-03-02"), fixed(3, 1, "2026-03-09")},
			deps:  []Dep{{1, 3, FS, 0}, {2, 3, FS, 0}},
			move:  1, to: "2026-03-04",
			want: []string{"1 2026-03-04 2026-03-04"},
		},
		{
			name: "an unscheduled successor gets dates", cal: plain,
			tasks: []Task{fixed(1, 2, "2026-03-02"), {ID: 2, Duration: 1}},
			deps:  []Dep{{1, 2, FS, 0}},
			move:  1, to: "2026-03-03",
			want: []string{"1 2026-03-03 2026-03-04", "2 2026-03-05 2026-03-05"},
		},
		{
			name: "a milestone keeps one date", cal: plain,
			tasks: []Task{fixed(1, 2, "2026-03-02"), fixed(2, 0, "2026-03-04")},
			deps:  []Dep{{1, 2, FS, 0}},
			move:  1, to: "2026-03-05",
			want: []string{"1 2026-03-05 2026-03-06", "2 2026-03-06 2026-03-06"},
		},
		{
			name: "dropped where it was", cal: plain, tasks: chain, deps: chainDeps,
			move: 4, to: "2026-03-02",
			want: []string{},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			moves, err := Push(Plan{Start: mon, Calendar: tc.cal, Tasks: tc.tasks, Deps: tc.deps}, tc.move, d(tc.to))
			if tc.early != "" {
				var te *TooEarlyError
				if !errors.As(err, &te) || te.Earliest.String() != tc.early {
					t.Fatalf("err = %v, want too early (earliest %s)", err, tc.early)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, m := range moves {
				got = append(got, itoa(m.ID)+" "+m.Start.String()+" "+m.Finish.String())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("moves %v, want %v", got, tc.want)
			}
		})
	}
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

func TestRollup(t *testing.T) {
	for _, tc := range []struct {
		name  string
		nodes []Node
		want  map[int64]float64
	}{
		{
			name: "weighted by effort",
			nodes: []Node{
				{ID: 1}, {ID: 2, Parent: 1, Progress: 100, Effort: 60}, {ID: 3, Parent: 1, Progress: 0, Effort: 180},
			},
			want: map[int64]float64{1: 25, 2: 100, 3: 0},
		},
		{
			name: "two levels: a parent weighs what its children weigh",
			nodes: []Node{
				{ID: 1}, {ID: 2, Parent: 1}, {ID: 3, Parent: 2, Progress: 50, Effort: 100}, {ID: 4, Parent: 2, Progress: 100, Effort: 100},
				{ID: 5, Parent: 1, Progress: 0, Effort: 200},
			},
			want: map[int64]float64{1: 37.5, 2: 75},
		},
		{
			name:  "no estimates: children count equally",
			nodes: []Node{{ID: 1}, {ID: 2, Parent: 1, Progress: 30}, {ID: 3, Parent: 1, Progress: 60}},
			want:  map[int64]float64{1: 45},
		},
		{
			name:  "own progress of a parent is ignored",
			nodes: []Node{{ID: 1, Progress: 90, Effort: 999}, {ID: 2, Parent: 1, Progress: 10, Effort: 1}},
			want:  map[int64]float64{1: 10},
		},
		{
			name:  "a loop in the parent links does not hang",
			nodes: []Node{{ID: 1, Parent: 2, Progress: 20, Effort: 1}, {ID: 2, Parent: 1, Progress: 40, Effort: 1}},
			want:  map[int64]float64{},
		},
		{
			name:  "a missing parent makes a top-level task; progress is clamped",
			nodes: []Node{{ID: 1, Parent: 99, Progress: 150}},
			want:  map[int64]float64{1: 100},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Rollup(tc.nodes)
			if len(got) != len(tc.nodes) {
				t.Errorf("got %d results for %d tasks", len(got), len(tc.nodes))
			}
			for id, w := range tc.want {
				if g := got[id]; g < w-1e-9 || g > w+1e-9 {
					t.Errorf("task %d progress %.3f, want %.3f", id, g, w)
				}
			}
		})
	}
}

// bigPlan is the benchmark's project: n tasks, m dependencies of every
// type with lags between -2 and 5 days, always from an earlier task to a
// later one so the graph has no cycle, on the Chinese calendar.
func bigPlan(n, m int) Plan {
	r := rand.New(rand.NewPCG(7, 11))
	p := Plan{Start: d("2026-01-05"), Calendar: china, Tasks: make([]Task, n), Deps: make([]Dep, 0, m)}
	for i := range p.Tasks {
		p.Tasks[i] = Task{ID: int64(i + 1), Duration: r.IntN(10)}
		if i%50 == 0 {
			p.Tasks[i].Fixed, p.Tasks[i].Start = true, p.Start+calendar.Date(r.IntN(300))
		}
	}
	seen := map[[2]int]bool{}
	for len(p.Deps) < m {
		a := r.IntN(n - 1)
		b := a + 1 + r.IntN(min(n-a-1, 200))
		if seen[[2]int{a, b}] {
			continue
		}
		seen[[2]int{a, b}] = true
		p.Deps = append(p.Deps, Dep{Pred: int64(a + 1), Succ: int64(b + 1), Type: DepType(r.IntN(4)), Lag: r.IntN(8) - 2})
	}
	// Shuffle so that plan order is not already topological.
	r.Shuffle(len(p.Tasks), func(i, j int) { p.Tasks[i], p.Tasks[j] = p.Tasks[j], p.Tasks[i] })
	return p
}

func TestBigPlanIsConsistent(t *testing.T) {
	p := bigPlan(2000, 4000)
	res, err := Compute(p)
	if err != nil {
		t.Fatal(err)
	}
	pos := map[int64]int{}
	for i, task := range p.Tasks {
		pos[task.ID] = i
	}
	cal := p.Calendar
	ord := func(x calendar.Date) int { return cal.Ordinal(x) }
	for _, dep := range p.Deps {
		a, b := res.Tasks[pos[dep.Pred]], res.Tasks[pos[dep.Succ]]
		ad, bd := p.Tasks[pos[dep.Pred]].Duration, p.Tasks[pos[dep.Succ]].Duration
		// Boundaries: a milestone's is the end of its day.
		as, bs := ord(a.ES), ord(b.ES)
		if ad == 0 {
			as++
		}
		if bd == 0 {
			bs++
		}
		af, bf := as+ad, bs+bd
		var ok bool
		switch dep.Type {
		case FS:
			ok = bs >= af+dep.Lag
		case SS:
			ok = bs >= as+dep.Lag
		case FF:
			ok = bf >= af+dep.Lag
		case SF:
			ok = bf >= as+dep.Lag
		}
		if !ok {
			t.Fatalf("dependency %+v broken: %+v → %+v", dep, a, b)
		}
	}
	for i, x := range res.Tasks {
		if x.Float < 0 || x.LS < x.ES {
			t.Fatalf("task %d: negative float %+v", p.Tasks[i].ID, x)
		}
	}
	if len(res.Critical) == 0 {
		t.Fatal("no critical task")
	}
}

// BenchmarkCPM is the target: forward and backward pass and the
// critical path on 10,000 tasks and 20,000 dependencies in < 20 ms.
//
//	go test -run '^$' -bench CPM -benchmem ./internal/schedule/
func BenchmarkCPM(b *testing.B) {
	p := bigPlan(10_000, 20_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compute(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPush(b *testing.B) {
	p := bigPlan(10_000, 20_000)
	for i := range p.Tasks {
		p.Tasks[i].Fixed, p.Tasks[i].Start = true, p.Start
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Push(p, 1, p.Start+3); err != nil {
			b.Fatal(err)
		}
	}
}
