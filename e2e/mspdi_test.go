package e2e

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"golive/internal/app/apptest"
)

// A PM who planned in MS Project uploads the XML it saved, reads the
// preview (what will be created, what was left out) and lands on the Gantt
// with the tasks, the milestones and the links drawn.
func TestMSPDIImportToGantt(t *testing.T) {
	b := newBrowser(t)
	sample, err := filepath.Abs(filepath.Join("..", "internal", "work", "testdata", "mspdi", "erp_rollout_2019.xml"))
	if err != nil {
		t.Fatal(err)
	}
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		tb := b.session(t, e)
		tb.loginAs(apptest.PM)
		a := strconv.FormatInt(e.ProjectA.ID, 10)
		if st := tb.open("/projects/" + a + "/plan/import"); st != 200 {
			t.Fatalf("import page: %d", st)
		}
		mustContain(t, "import page", tb.bodyText(), "Excel 计划", "Microsoft Project XML")
		tb.do(chromedp.SetUploadFiles(chromedp.CSS(`#import-mspdi input[type=file]`), []string{sample}))
		if st := tb.submit(chromedp.Click(chromedp.ID("mspdi-preview"))); st != 200 {
			t.Fatalf("preview: %d: %s", st, clip(tb.bodyText()))
		}
		mustContain(t, "preview", tb.text("#plan-summary"), "15", "10")
		mustContain(t, "notes", tb.text("#plan-notes"), "日历", "李顾问")
		tb.shot("mspdi-preview")
		if st := tb.submit(chromedp.Click(chromedp.ID("plan-apply"))); st != 200 {
			t.Fatalf("apply: %d: %s", st, clip(tb.bodyText()))
		}
		if p := tb.path(); p != "/projects/"+a+"/gantt" {
			t.Fatalf("after apply at %s", p)
		}
		tb.do(chromedp.WaitVisible(chromedp.CSS("svg.gantt-svg")))
		mustContain(t, "flash", tb.bodyText(), "已从 MS Project 导入 15 个任务、10 个依赖")
		mustContain(t, "task list", tb.text(".gantt-list"), "项目启动", "供应链流程访谈", "方案评审", "需求签字确认")
		count := func(sel string) int {
			return eval[int](tb, `document.querySelectorAll(`+strconv.Quote(sel)+`).length`)
		}
		if n := count("path.gantt-arrow"); n != 10 {
			t.Errorf("%d dependency arrows, want 10", n)
		}
		if n := count("polygon.gantt-diamond"); n != 2 {
			t.Errorf("%d milestones, want 2", n)
		}
		if n := count("g.gantt-task"); n < 15 {
			t.Errorf("%d task rows drawn, want 15", n)
		}
		tb.shot("mspdi-gantt")
	})
}
