package work_test

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/apperr"
	"golive/internal/work"
)

func sampleMSPDI(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/mspdi/erp_rollout_2019.xml")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestMSPDIImport(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		pm := p(e, apptest.PM)
		data := sampleMSPDI(t)

		res, err := e.App.Work.ImportMSPDI(ctx, pm, a, data, false, false)
		if err != nil || len(res.Issues) != 0 || res.Creates != 15 || res.Links != 10 || res.Applied {
			t.Fatalf("preview: %+v %v", res, err)
		}
		notes := ""
		for _, n := range res.Notes {
			notes += n.Key + " "
			for _, a := range n.Args {
				if s, ok := a.(string); ok {
					notes += s
				}
			}
		}
		if !strings.Contains(notes, "mspdi.note_calendars") || !strings.Contains(notes, "李顾问") || strings.Contains(notes, "王经理") {
			t.Errorf("notes: %s", notes)
		}
		if ts, _, _ := e.App.Work.All(ctx, pm, a, work.Filter{}); len(ts) != 0 {
			t.Fatalf("a preview wrote %d tasks", len(ts))
		}

		res, err = e.App.Work.ImportMSPDI(ctx, pm, a, data, true, false)
		if err != nil || !res.Applied || res.Creates != 15 {
			t.Fatalf("apply: %+v %v", res, err)
		}
		ts, _, err := e.App.Work.All(ctx, pm, a, work.Filter{})
		if err != nil || len(ts) != 15 {
			t.Fatalf("tasks %d %v", len(ts), err)
		}
		by := map[string]work.Task{}
		byID := map[int64]work.Task{}
		for _, tk := range ts {
			by[tk.Title] = tk
			byID[tk.ID] = tk
		}
		parent := func(title string) string {
			tk := by[title]
			if tk.ParentID == nil {
				return ""
			}
			return byID[*tk.ParentID].Title
		}
		// Three outline levels become the WBS.
		if parent("供应链流程访谈") != "业务流程调研" || parent("业务流程调研") != "需求调研" || parent("需求调研") != "" {
			t.Errorf("WBS: %q %q %q", parent("供应链流程访谈"), parent("业务流程调研"), parent("需求调研"))
		}
		if m := by["启动阶段完成"]; !m.Milestone || m.StartDate != "2026-03-05" || m.DueDate != "2026-03-05" || m.CustomerVisible {
			t.Errorf("milestone: %+v", m)
		}
		// 2026-04-06 is 清明 on this calendar: the review moves a day and keeps two working days.
		if r := by["方案评审"]; r.StartDate != "2026-04-07" || r.DueDate != "2026-04-08" || len(r.Assignees) != 2 {
			t.Errorf("review: %s..%s %+v", r.StartDate, r.DueDate, r.Assignees)
		}
		if k := by["项目启动会"]; k.EstimateMin != 960 || k.Status != "done" || !strings.Contains(k.Description, "会议纪要") {
			t.Errorf("kickoff: %+v", k)
		}
		deps, err := e.App.Work.Dependencies(ctx, pm, a, 0)
		if err != nil || len(deps) != 10 {
			t.Fatalf("deps %d %v", len(deps), err)
		}
		got := map[string]string{}
		for _, d := range deps {
			got[d.SuccTitle] = d.PredTitle + " " + d.Type + " " + strings.Repeat("+", d.LagDays)
		}
		for succ, want := range map[string]string{
			"供应链流程访谈": "财务流程访谈 SS +", "生产流程访谈": "供应链流程访谈 FF ", "调研差旅安排": "财务流程访谈 SF ",
			"方案评审": "蓝图方案设计 FS ++", "项目章程编制": "项目启动会 FS ",
		} {
			if got[succ] != want {
				t.Errorf("%s: %q, want %q", succ, got[succ], want)
			}
		}
	})
}

// A file with bad rows reports each one with MS Project's task ID and
// imports nothing, unless the PM asks for the valid rows only.
func TestMSPDIImportBadRows(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		pm := p(e, apptest.PM)
		task := func(uid, level int, name, preds string) string {
			return "<Task><UID>" + strconv.Itoa(uid) + "</UID><ID>" + strconv.Itoa(uid) + "</ID><Name>" + name + "</Name><OutlineLevel>" + strconv.Itoa(level) +
				"</OutlineLevel><Start>2026-03-02T08:00:00</Start><Duration>PT16H0M0S</Duration>" + preds + "</Task>"
		}
		link := func(uid int) string {
			return "<PredecessorLink><PredecessorUID>" + strconv.Itoa(uid) + "</PredecessorUID><Type>1</Type></PredecessorLink>"
		}
		doc := `<?xml version="1.0" encoding="UTF-8"?><Project xmlns="http://schemas.microsoft.com/project"><Tasks>` +
			task(1, 1, "甲", "") + task(2, 2, "乙", link(3)) + task(3, 2, "丙", link(2)) + task(4, 2, "丁", link(99)) +
			task(5, 2, "", "") + task(6, 1, "戊", link(1)) + `</Tasks></Project>`

		res, err := e.App.Work.ImportMSPDI(ctx, pm, a, []byte(doc), true, false)
		if err != nil || res.Applied {
			t.Fatalf("apply with bad rows: %+v %v", res, err)
		}
		rows := map[int]string{}
		for _, is := range res.Issues {
			rows[is.Row] += is.Key
		}
		if !strings.Contains(rows[3], "work.dep_cycle") || !strings.Contains(rows[4], "mspdi.err_unknown_pred") || !strings.Contains(rows[5], "validate.") || len(rows) != 3 {
			t.Fatalf("issues: %+v", res.Issues)
		}
		if ts, _, _ := e.App.Work.All(ctx, pm, a, work.Filter{}); len(ts) != 0 {
			t.Fatalf("bad file wrote %d tasks", len(ts))
		}
		res, err = e.App.Work.ImportMSPDI(ctx, pm, a, []byte(doc), true, true)
		if err != nil || !res.Applied || res.Creates != 3 || res.Links != 1 {
			t.Fatalf("valid only: %+v %v", res, err)
		}

		// Files refused whole are a field error, never a 500.
		for _, bad := range []string{`<!DOCTYPE x><Project/>`, `not xml`, `<Workbook/>`} {
			_, err := e.App.Work.ImportMSPDI(ctx, pm, a, []byte(bad), false, false)
			if apperr.CodeOf(err) != apperr.Invalid {
				t.Errorf("%q: %v", bad, err)
			}
		}
		// Another company's customer does not see the project; a key user may not import.
		if _, err := e.App.Work.ImportMSPDI(ctx, p(e, apptest.OtherCust), a, sampleMSPDI(t), false, false); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("other customer: %v", err)
		}
		if _, err := e.App.Work.ImportMSPDI(ctx, p(e, apptest.KeyUser), a, sampleMSPDI(t), false, false); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("key user: %v", err)
		}
	})
}
