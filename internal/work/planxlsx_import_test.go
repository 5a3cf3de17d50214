package work_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"golive/internal/app/apptest"
	"golive/internal/apperr"
	"golive/internal/work"
)

// planSheet exports A's plan as the PM and opens it for editing.
func planSheet(t *testing.T, e *apptest.Env) (*excelize.File, string, map[string]int) {
	t.Helper()
	r := e.Do(t, apptest.PM, "GET", "/projects/"+strconv.FormatInt(e.ProjectA.ID, 10)+"/plan.xlsx", nil)
	if r.Status != 200 {
		t.Fatalf("export %d", r.Status)
	}
	f, err := excelize.OpenReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetList()[0]
	rows, _ := f.GetRows(sheet)
	line := map[string]int{}
	for i, row := range rows {
		if len(row) > 2 {
			line[row[2]] = i + 1
		}
	}
	return f, sheet, line
}

func set(t *testing.T, f *excelize.File, sheet, cell string, v any) {
	t.Helper()
	if err := f.SetCellValue(sheet, cell, v); err != nil {
		t.Fatal(err)
	}
}

func bytesOf(t *testing.T, f *excelize.File) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestPlanImport(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		pm := p(e, apptest.PM)
		dev := e.Users[apptest.Developer]
		one := mustCreate(t, e, apptest.PM, a, work.Input{Title: "蓝图设计", StartDate: "2026-02-02", DueDate: "2026-02-13"})
		two := mustCreate(t, e, apptest.PM, a, work.Input{Title: "流程梳理", StartDate: "2026-02-02", DueDate: "2026-02-06"})
		three := mustCreate(t, e, apptest.PM, a, work.Input{Title: "方案评审"})
		n := func(tk work.Task) string { return strconv.FormatInt(tk.Number, 10) }

		// A clean edit: move one, link three after two, assign, add a new task.
		f, sh, line := planSheet(t, e)
		l1, l2, l3 := strconv.Itoa(line["蓝图设计"]), strconv.Itoa(line["流程梳理"]), strconv.Itoa(line["方案评审"])
		set(t, f, sh, "E"+l1, "2026-02-20")
		set(t, f, sh, "C"+l2, "流程梳理（含审批）")
		set(t, f, sh, "H"+l2, dev.Email)
		set(t, f, sh, "G"+l3, n(two)+"FS+2, "+n(one)+"SS")
		set(t, f, sh, "B"+l3, n(one))
		set(t, f, sh, "C20", "新任务")
		set(t, f, sh, "D20", "2026-03-02")
		set(t, f, sh, "E20", "2026-03-06")
		set(t, f, sh, "G20", n(three))
		set(t, f, sh, "J20", "是")
		data := bytesOf(t, f)
		res, err := e.App.Work.ImportPlan(ctx, pm, a, data, false, false)
		if err != nil || len(res.Issues) != 0 || res.Creates != 1 || res.Updates != 3 || res.Applied {
			t.Fatalf("preview: %+v %v", res, err)
		}
		if got, _, _ := e.App.Work.Get(ctx, pm, a, one.ID); got.DueDate != "2026-02-13" {
			t.Fatal("a preview wrote")
		}
		res, err = e.App.Work.ImportPlan(ctx, pm, a, data, true, false)
		if err != nil || !res.Applied {
			t.Fatalf("apply: %+v %v", res, err)
		}
		if got, _, _ := e.App.Work.Get(ctx, pm, a, one.ID); got.DueDate != "2026-02-20" {
			t.Errorf("due %q", got.DueDate)
		}
		got2, _, _ := e.App.Work.Get(ctx, pm, a, two.ID)
		if got2.Title != "流程梳理（含审批）" || len(got2.Assignees) != 1 || got2.Assignees[0].ID != dev.ID {
			t.Errorf("two %+v", got2)
		}
		got3, _, _ := e.App.Work.Get(ctx, pm, a, three.ID)
		if got3.ParentID == nil || *got3.ParentID != one.ID {
			t.Errorf("parent of three %v", got3.ParentID)
		}
		deps, _ := e.App.Work.Dependencies(ctx, pm, a, three.ID)
		if len(deps) != 3 { // two→three, one→three, three→new
			t.Errorf("deps %+v", deps)
		}
		var created int
		e.App.DB.QueryRow(ctx, `SELECT COUNT(*) FROM tasks WHERE project_id = ? AND title = ? AND customer_visible = ?`, a, "新任务", true).Scan(&created)
		if created != 1 {
			t.Errorf("new task: %d", created)
		}
		var audits int
		e.App.DB.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE project_id = ? AND action = ?`, a, "plan_import").Scan(&audits)
		if audits != 1 {
			t.Errorf("audit rows %d", audits)
		}

		// Importing the same file again: stale rows are conflicts.
		res, err = e.App.Work.ImportPlan(ctx, pm, a, data, true, false)
		if err != nil || res.Applied || len(res.Issues) == 0 || res.Issues[0].Key != "planxlsx.err_stale" {
			t.Fatalf("stale: %+v %v", res, err)
		}

		// Bad rows are reported by line and column; nothing is written.
		f, sh, line = planSheet(t, e)
		l1, l2, l3 = strconv.Itoa(line["蓝图设计"]), strconv.Itoa(line["流程梳理（含审批）"]), strconv.Itoa(line["方案评审"])
		set(t, f, sh, "E"+l1, "2026-01-01")         // before its start
		set(t, f, sh, "H"+l2, "nobody@example.com") // not a member
		set(t, f, sh, "G"+l1, n(three))             // one → three exists (SS): a cycle
		set(t, f, sh, "C"+l3, "方案评审 v2")            // a good row
		set(t, f, sh, "I"+l3, "不存在的状态")             // now bad
		set(t, f, sh, "C30", "好的新任务")               // a good new row
		data = bytesOf(t, f)
		res, err = e.App.Work.ImportPlan(ctx, pm, a, data, true, false)
		if err != nil || res.Applied {
			t.Fatalf("bad apply: %+v %v", res, err)
		}
		want := map[string]bool{l1 + "|planxlsx.col_due": true, l2 + "|planxlsx.col_assignees": true, l3 + "|planxlsx.col_status": true}
		for _, is := range res.Issues {
			delete(want, strconv.Itoa(is.Row)+"|"+is.Column)
		}
		if len(want) != 0 {
			t.Errorf("missing issues %v in %+v", want, res.Issues)
		}
		if got, _, _ := e.App.Work.Get(ctx, pm, a, three.ID); got.Title != "方案评审" {
			t.Error("a refused import wrote")
		}

		// The user chooses to import only the valid rows.
		res, err = e.App.Work.ImportPlan(ctx, pm, a, data, true, true)
		if err != nil || !res.Applied || res.Creates != 1 {
			t.Fatalf("valid only: %+v %v", res, err)
		}
		e.App.DB.QueryRow(ctx, `SELECT COUNT(*) FROM tasks WHERE project_id = ? AND title = ?`, a, "好的新任务").Scan(&created)
		if created != 1 {
			t.Error("the valid row was not imported")
		}
		if got, _, _ := e.App.Work.Get(ctx, pm, a, one.ID); got.DueDate != "2026-02-20" {
			t.Error("a bad row was imported")
		}

		// A corrupt file, a non-xlsx file; customers never import.
		for _, bad := range [][]byte{[]byte("PK\x03\x04garbage"), []byte("title,start\nx,y\n")} {
			if _, err := e.App.Work.ImportPlan(ctx, pm, a, bad, false, false); apperr.CodeOf(err) != apperr.Invalid || !apperr.As(err).HasField("file") {
				t.Errorf("corrupt: %v", err)
			}
		}
		if _, err := e.App.Work.ImportPlan(ctx, p(e, apptest.CustomerPM), a, data, false, false); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("customer: %v", err)
		}
	})
}
