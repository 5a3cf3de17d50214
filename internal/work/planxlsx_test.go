package work_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"golive/internal/app/apptest"
	"golive/internal/work"
)

func TestPlanExport(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		dev := e.Users[apptest.Developer]
		parent := mustCreate(t, e, apptest.PM, a, work.Input{Title: "蓝图设计", StartDate: "2026-02-02", DueDate: "2026-02-13"})
		child := mustCreate(t, e, apptest.PM, a, work.Input{Title: "流程梳理", ParentID: &parent.ID, StartDate: "2026-02-02", DueDate: "2026-02-06",
			AssigneeIDs: []int64{dev.ID}, CustomerVisible: true})
		next := mustCreate(t, e, apptest.PM, a, work.Input{Title: "方案评审"})
		if _, err := e.App.Work.AddDependency(ctx, p(e, apptest.PM), a, work.DepInput{PredID: child.ID, SuccID: next.ID, Type: "FS", LagDays: 2}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Work.AddDependency(ctx, p(e, apptest.PM), a, work.DepInput{PredID: parent.ID, SuccID: next.ID, Type: "SS"}); err != nil {
			t.Fatal(err)
		}

		r := e.Do(t, apptest.PM, "GET", "/projects/"+strconv.FormatInt(a, 10)+"/plan.xlsx", nil)
		if r.Status != 200 || !strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("export: %d %s", r.Status, r.Body)
		}
		f, err := excelize.OpenReader(strings.NewReader(r.Body), excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) != 2 {
			t.Fatalf("sheets %v, want the plan and its notes", sheets)
		}
		rows, err := f.GetRows(sheets[0])
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(rows[0][:10], "|"); got != "编号|上级编号|标题|开始|结束|工期(工作日)|前置任务|负责人|状态|客户可见" {
			t.Fatalf("header %q", got)
		}
		if vis, _ := f.GetColVisible(sheets[0], "K"); vis {
			t.Error("the version column must be hidden")
		}
		byTitle := map[string][]string{}
		for _, row := range rows[1:] {
			for len(row) < 11 {
				row = append(row, "")
			}
			byTitle[row[2]] = row
		}
		c := byTitle["流程梳理"]
		if c == nil || c[0] != strconv.FormatInt(child.Number, 10) || c[1] != strconv.FormatInt(parent.Number, 10) ||
			c[3] != "2026-02-02" || c[4] != "2026-02-06" || c[7] != dev.Email || c[9] != "是" || c[10] != strconv.FormatInt(child.Version, 10) {
			t.Errorf("child row %q", c)
		}
		n := byTitle["方案评审"]
		want := map[string]bool{strconv.FormatInt(child.Number, 10) + "FS+2": true, strconv.FormatInt(parent.Number, 10) + "SS": true}
		refs, key, _ := work.ParsePredecessors(n[6])
		if key != "" || len(refs) != 2 {
			t.Fatalf("predecessors %q", n[6])
		}
		for _, ref := range refs {
			if !want[work.FormatPredecessors([]work.PredRef{ref})] {
				t.Errorf("predecessors %q", n[6])
			}
		}
		if n[1] != "" || n[9] != "否" {
			t.Errorf("top-level internal row %q", n)
		}
		notes, _ := f.GetRows(sheets[1])
		if len(notes) != 11 || notes[6][0] != "前置任务" || !strings.Contains(notes[6][1], "3FS+2") {
			t.Errorf("notes %q", notes)
		}

		// Customers and finance never get the plan (it holds internal tasks).
		for _, who := range []apptest.Who{apptest.KeyUser, apptest.CustomerPM, apptest.Finance} {
			if r := e.Do(t, who, "GET", "/projects/"+strconv.FormatInt(a, 10)+"/plan.xlsx", nil); r.Status != 403 {
				t.Errorf("%s: %d", who, r.Status)
			}
		}
	})
}
