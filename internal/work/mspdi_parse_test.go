package work

import (
	"errors"
	"os"
	"strings"
	"testing"

	"golive/internal/calendar"
)

func TestParseISODuration(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"PT40H0M0S", 2400, true},
		{"PT7H30M0S", 450, true},
		{"PT0H0M0S", 0, true},
		{"P2DT4H0M0S", 2*1440 + 240, true},
		{"-PT8H0M0S", -480, true},
		{"PT0.5H", 30, true},
		{"PT90S", 2, true}, // 1.5 minutes rounds to 2
		{"P1W", 7 * 1440, true},
		{"P1Y", 0, false},
		{"P1M", 0, false}, // months are not a length in minutes
		{"PT", 0, false},
		{"P", 0, false},
		{"40H", 0, false},
		{"PTH", 0, false},
		{"PT1H1H", 60 + 60, true},
		{"PT1X", 0, false},
		{"PTT1H", 0, false},
		{"PT99999999999H", 0, false},
	}
	for _, c := range cases {
		got, ok := ParseISODuration(c.in)
		if ok != c.ok || ok && got != c.want {
			t.Errorf("%q: got %d %v, want %d %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestParseMSPDISample(t *testing.T) {
	data, err := os.ReadFile("testdata/mspdi/erp_rollout_2019.xml")
	if err != nil {
		t.Fatal(err)
	}
	pr, err := ParseMSPDI(data)
	if err != nil {
		t.Fatal(err)
	}
	if pr.Name != "ERP实施计划.xml" || pr.MinutesPerDay != 480 || pr.Calendars != 1 || len(pr.Tasks) != 16 || len(pr.Resources) != 4 || len(pr.Assignments) != 13 {
		t.Fatalf("project: %q %d cal %d tasks %d res %d asg %d", pr.Name, pr.MinutesPerDay, pr.Calendars, len(pr.Tasks), len(pr.Resources), len(pr.Assignments))
	}
	by := map[string]MSTask{}
	for _, tk := range pr.Tasks {
		if len(tk.Bad) > 0 {
			t.Errorf("%s: bad fields %v", tk.Name, tk.Bad)
		}
		by[tk.Name] = tk
	}
	if tk := by["供应链流程访谈"]; tk.UID != 8 || tk.OutlineLevel != 3 || tk.OutlineNumber != "2.1.2" || tk.DurationMin != 1440 ||
		tk.Percent != 60 || len(tk.Links) != 1 || tk.Links[0] != (MSLink{PredUID: 7, Type: 3, LagTenths: 4800, LagFormat: 7}) {
		t.Errorf("供应链流程访谈: %+v", tk)
	}
	if tk := by["启动阶段完成"]; !tk.Milestone || tk.Summary || tk.DurationMin != 0 {
		t.Errorf("milestone: %+v", tk)
	}
	if tk := by["需求调研"]; !tk.Summary || tk.OutlineLevel != 1 {
		t.Errorf("summary: %+v", tk)
	}
	if tk := by["项目启动会"]; !strings.Contains(tk.Notes, "会议纪要") || tk.WorkMin != 960 || tk.Start != "2026-03-02T08:00:00" {
		t.Errorf("notes/work: %+v", tk)
	}
	types := map[int]bool{}
	for _, tk := range pr.Tasks {
		for _, l := range tk.Links {
			types[l.Type] = true
		}
	}
	if len(types) != 4 {
		t.Errorf("link types in the sample: %v, want all four", types)
	}
}

func TestParseMSPDIRefuses(t *testing.T) {
	const head = `<?xml version="1.0" encoding="UTF-8"?>`
	deep := head + `<Project xmlns="http://schemas.microsoft.com/project"><Tasks><Task>` + strings.Repeat("<a>", 20) + strings.Repeat("</a>", 20) + `</Task></Tasks></Project>`
	many := head + `<Project xmlns="http://schemas.microsoft.com/project"><Tasks>` + strings.Repeat("<Task><UID>1</UID></Task>", MSPDIMaxTasks+1) + `</Tasks></Project>`
	cases := []struct {
		name, in, key string
	}{
		{"doctype", head + `<!DOCTYPE Project [<!ENTITY x "y">]><Project xmlns="http://schemas.microsoft.com/project"/>`, "mspdi.err_doctype"},
		{"billion laughs", head + `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><Project>&lol2;</Project>`, "mspdi.err_doctype"},
		{"unknown entity", head + `<Project xmlns="http://schemas.microsoft.com/project"><Name>&xxe;</Name></Project>`, "mspdi.err_xml"},
		{"other root", head + `<Workbook/>`, "mspdi.err_not_mspdi"},
		{"other namespace", head + `<Project xmlns="urn:other"/>`, "mspdi.err_not_mspdi"},
		{"not xml", "PK\x03\x04 an xlsx", "mspdi.err_xml"},
		{"empty", "", "mspdi.err_not_mspdi"},
		{"gbk", head + "<Project><Name>\xb2\xe2</Name></Project>", "mspdi.err_encoding"},
		{"charset", `<?xml version="1.0" encoding="GB2312"?><Project/>`, "mspdi.err_xml"},
		{"too deep", deep, "mspdi.err_depth"},
		{"too many tasks", many, "mspdi.err_too_many_tasks"},
		{"unclosed", head + `<Project><Tasks><Task>`, "mspdi.err_xml"},
		{"too big", head + `<Project><Name>` + strings.Repeat("x", PlanMaxBytes) + `</Name></Project>`, "mspdi.err_too_big"},
	}
	for _, c := range cases {
		_, err := ParseMSPDI([]byte(c.in))
		var me *MSPDIError
		if !errors.As(err, &me) || me.Key != c.key {
			t.Errorf("%s: got %v, want %s", c.name, err, c.key)
		}
	}
}

func TestParseMSPDIBadFields(t *testing.T) {
	in := `<Project xmlns="http://schemas.microsoft.com/project"><Tasks><Task><UID>1</UID><ID>1</ID><Name>x</Name>
		<Duration>forty hours</Duration><PercentComplete>140</PercentComplete>
		<PredecessorLink><PredecessorUID>2</PredecessorUID><Type>9</Type></PredecessorLink></Task></Tasks></Project>`
	pr, err := ParseMSPDI([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(pr.Tasks[0].Bad, ","); got != "Duration,PercentComplete,PredecessorLink/Type" {
		t.Fatalf("bad fields: %s", got)
	}
}

func TestMSPDILagDays(t *testing.T) {
	cases := []struct {
		l    MSLink
		pred int
		want int
	}{
		{MSLink{LagTenths: 4800, LagFormat: 7}, 1, 1},      // 1 day
		{MSLink{LagTenths: 9600, LagFormat: 7}, 1, 2},      // 2 days
		{MSLink{LagTenths: -4800, LagFormat: 5}, 1, -1},    // -8 hours
		{MSLink{LagTenths: 2400, LagFormat: 5}, 1, 1},      // 4 hours rounds to a day
		{MSLink{LagTenths: 14400 * 7, LagFormat: 8}, 1, 5}, // 7 elapsed days ≈ 5 working days
		{MSLink{LagTenths: 50, LagFormat: 19}, 10, 5},      // 50% of a 10-day predecessor
		{MSLink{LagTenths: 0, LagFormat: 7}, 3, 0},
	}
	for _, c := range cases {
		if got := mspdiLagDays(c.l, 480, c.pred); got != c.want {
			t.Errorf("%+v: %d, want %d", c.l, got, c.want)
		}
	}
}

// The sample's dates land on China's calendar: 方案评审 starts on
// 2026-04-06 in MS Project, which is 清明 here, so it moves to the 7th and
// keeps its two working days.
func TestMSPDILinesCalendar(t *testing.T) {
	data, _ := os.ReadFile("testdata/mspdi/erp_rollout_2019.xml")
	pr, err := ParseMSPDI(data)
	if err != nil {
		t.Fatal(err)
	}
	ss := defaultStatusesForTest()
	var issues []PlanIssue
	lines := mspdiLines(pr, calendar.ChinaCalendar(), ss, func(row int, col, key string, args ...any) {
		issues = append(issues, PlanIssue{Row: row, Column: col, Key: key, Args: args})
	})
	if len(issues) > 0 || len(lines) != 15 {
		t.Fatalf("%d lines, issues %+v", len(lines), issues)
	}
	by := map[string]mspdiLine{}
	for _, l := range lines {
		by[l.t.Name] = l
	}
	check := func(name, start, due, status string, parent int64) {
		t.Helper()
		l := by[name]
		if l.in.StartDate != start || l.in.DueDate != due || l.in.Status != status || l.parent != parent {
			t.Errorf("%s: %s..%s %s parent %d", name, l.in.StartDate, l.in.DueDate, l.in.Status, l.parent)
		}
	}
	check("方案评审", "2026-04-07", "2026-04-08", "todo", 13)
	check("方案设计", "2026-03-19", "2026-04-08", "todo", 0) // spans its children, the moved one included
	check("启动阶段完成", "2026-03-05", "2026-03-05", "done", 1)
	check("供应链流程访谈", "2026-03-09", "2026-03-11", "doing", 6)
	check("业务流程调研", "2026-03-06", "2026-03-11", "doing", 5)
	if l := by["项目启动会"]; l.in.EstimateMin != 960 || l.in.RemainingMin != 0 {
		t.Errorf("effort: %+v", l.in)
	}
}

func defaultStatusesForTest() []Status {
	var ss []Status
	for i, c := range Categories {
		ss = append(ss, Status{Key: c, Category: c, Seq: i})
	}
	return ss
}

// FuzzParseMSPDI: no input panics, hangs or returns a project beyond the
// limits; the seed corpus under testdata/fuzz holds the sample's shapes.
func FuzzParseMSPDI(f *testing.F) {
	if data, err := os.ReadFile("testdata/mspdi/erp_rollout_2019.xml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`<Project xmlns="http://schemas.microsoft.com/project"><Tasks><Task><UID>1</UID><Duration>PT8H0M0S</Duration></Task></Tasks></Project>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		pr, err := ParseMSPDI(data)
		if err != nil {
			var me *MSPDIError
			if !errors.As(err, &me) || me.Key == "" {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if len(pr.Tasks) > MSPDIMaxTasks {
			t.Fatalf("%d tasks", len(pr.Tasks))
		}
		for _, tk := range pr.Tasks {
			if len(tk.Links) > mspdiMaxLinks || tk.Percent < 0 || tk.Percent > 100 {
				t.Fatalf("task %+v", tk)
			}
		}
		// The lines built from any file stay within the service's limits.
		lines := mspdiLines(pr, calendar.ChinaCalendar(), defaultStatusesForTest(), func(int, string, string, ...any) {})
		for _, l := range lines {
			if l.in.StartDate != "" && l.in.DueDate < l.in.StartDate {
				t.Fatalf("due before start: %+v", l.in)
			}
		}
	})
}
