package e2e

import (
	"context"
	"encoding/base64"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"golive/internal/app/apptest"
	"golive/internal/datamigration"
)

// fetchBytes downloads a same-origin URL with the page's cookies, as the
// browser would on a click, and returns the body and its content type.
func (tb *tab) fetchBytes(href string) ([]byte, string) {
	tb.t.Helper()
	type res struct {
		B64  string `json:"b64"`
		Type string `json:"type"`
		OK   bool   `json:"ok"`
	}
	js := `fetch(` + strconv.Quote(href) + `).then(async r => { const b = new Uint8Array(await r.arrayBuffer()); let s = ''; for (let i = 0; i < b.length; i += 8192) { s += String.fromCharCode.apply(null, b.subarray(i, i + 8192)); } return {b64: btoa(s), type: r.headers.get('Content-Type') || '', ok: r.ok}; })`
	r, err := chromedp.Run(tb.ctx, chromedp.Evaluate[res](js, chromedp.EvalAwaitPromise))
	if err != nil || !r.OK {
		tb.t.Fatalf("download %s: %v %+v", href, err, r.Type)
	}
	b, err := base64.StdEncoding.DecodeString(r.B64)
	if err != nil {
		tb.t.Fatal(err)
	}
	return b, r.Type
}

// waitAcrossReload polls a condition through page loads (a Poll action
// fails when the page it runs in navigates away).
func (tb *tab) waitAcrossReload(js string, d time.Duration) {
	tb.t.Helper()
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		if ok, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](js)); err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	tb.t.Fatalf("waited %v for %s (at %s)", d, js, tb.location())
}

// TestDataMigrationRun: a customer key user downloads the material
// template, fills it with the old system's data (three rows wrong among
// many good ones), uploads it, maps the columns, watches the progress bar,
// and downloads the error report, whose offending cells are highlighted.
func TestDataMigrationRun(t *testing.T) {
	b := newBrowser(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		o, err := e.App.DataMigration.CreateObject(ctx, e.Users[apptest.Consultant].P, e.ProjectA.ID, datamigration.ObjectInput{LibraryKey: "material"})
		if err != nil {
			t.Fatal(err)
		}
		tb := b.session(t, e)
		tb.loginAs(apptest.KeyUser)
		base := "/projects/" + strconv.FormatInt(e.ProjectA.ID, 10) + "/migration"
		if st := tb.open(base); st != 200 {
			t.Fatalf("objects list: %d", st)
		}
		mustContain(t, "objects list", tb.bodyText(), "物料主数据", "数据迁移")
		if st := tb.submit(chromedp.Click(chromedp.CSS(`#dm-objects a[href$="/objects/` + strconv.FormatInt(o.ID, 10) + `"]`))); st != 200 {
			t.Fatalf("object page: %d", st)
		}
		// The key user runs files but does not edit the specification.
		mustNotContain(t, "key user's object page", tb.html(), `id="dm-spec-form"`)

		// 1. The template.
		href := eval[string](tb, `document.getElementById('dm-template-xlsx').getAttribute('href')`)
		tpl, ctype := tb.fetchBytes(href)
		if !strings.Contains(ctype, "spreadsheetml") {
			t.Fatalf("template type %q", ctype)
		}
		f, err := excelize.OpenReader(strings.NewReader(string(tpl)))
		if err != nil {
			t.Fatalf("template: %v", err)
		}
		sheet := f.GetSheetList()[0]
		head, err := f.GetRows(sheet)
		if err != nil || len(head) == 0 || !strings.Contains(strings.Join(head[0], "|"), "物料编码") {
			t.Fatalf("template header: %v %v", head, err)
		}
		// 2. Filled with data: enough rows that the run takes a moment,
		// three of them wrong.
		col := map[string]int{}
		for i, h := range head[0] {
			code := h[strings.LastIndex(h, "(")+1 : len(h)-1]
			col[code] = i
		}
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			t.Fatal(err)
		}
		hdr := make([]any, len(head[0]))
		for i, h := range head[0] {
			hdr[i] = h
		}
		sw.SetRow("A1", hdr)
		bad := map[int]string{20001: "material_name", 40002: "base_unit", 50003: "standard_price"}
		const rows = 60000
		for i := 1; i <= rows; i++ {
			r := make([]any, len(head[0]))
			r[col["material_code"]] = "M" + strconv.Itoa(100000+i)
			r[col["material_name"]] = "螺栓" + strconv.Itoa(i)
			r[col["material_type"]] = "原材料"
			r[col["base_unit"]] = "个"
			r[col["standard_price"]] = "0.35"
			switch bad[i] {
			case "material_name":
				r[col["material_name"]] = ""
			case "base_unit":
				r[col["base_unit"]] = "打"
			case "standard_price":
				r[col["standard_price"]] = "-3.5"
			}
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := sw.SetRow(cell, r); err != nil {
				t.Fatal(err)
			}
		}
		if err := sw.Flush(); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "物料主数据-客户.xlsx")
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}

		// 3. Upload (in a fresh tab of the same session: building the
		// file took a while), check the proposed mapping, start.
		tb = tb.another()
		if st := tb.open(base + "/objects/" + strconv.FormatInt(o.ID, 10)); st != 200 {
			t.Fatalf("object page: %d", st)
		}
		tb.do(chromedp.SetUploadFiles(chromedp.ID("dm-file"), []string{path}))
		if st := tb.submit(chromedp.Click(chromedp.CSS(`#dm-upload button[type=submit]`))); st != 200 {
			t.Fatalf("upload: %d %s", st, clip(tb.bodyText()))
		}
		mustContain(t, "mapping page", tb.bodyText(), "列映射", "开始运行")
		if v := tb.value(`select[name="col.` + strconv.Itoa(col["material_code"]) + `"]`); v != "material_code" {
			t.Fatalf("material code column mapped to %q", v)
		}
		tb.shot("dm-mapping")
		if st := tb.submit(chromedp.Click(chromedp.ID("dm-start"))); st != 200 {
			t.Fatalf("start: %d", st)
		}

		// 4. The progress bar moves while the run reads the file.
		tb.do(chromedp.Poll[chromedp.Void](`(() => { const b = document.getElementById('dm-running'); return !!b && b.dataset.live === 'on' && +b.dataset.percent > 0 && +b.dataset.percent < 100; })()`,
			chromedp.WithPollingTimeout(40*time.Second), chromedp.WithPollingInterval(20*time.Millisecond)))
		pct := eval[int](tb, `+document.getElementById('dm-progress').value`)
		tb.shot("dm-progress")
		t.Logf("progress bar seen at %d%%", pct)
		// The page reloads into the results when the run ends (a fresh
		// tab's deadline: a loaded machine may take a while).
		runPath := tb.path()
		tb = tb.another()
		tb.open(runPath)
		tb.waitAcrossReload(`document.readyState === 'complete' && document.getElementById('dm-totals') !== null`, 60*time.Second)
		txt := tb.bodyText()
		mustContain(t, "results", txt, strconv.Itoa(rows), "已完成", "下载错误报告", "物料名称 · 必填", "基本单位 · 允许值", "规则 price_not_negative")
		if tot := tb.text("#dm-totals"); !strings.Contains(tot, "3") {
			t.Errorf("totals: %s", tot)
		}
		tb.do(chromedp.Poll[chromedp.Void](`(() => { const c = document.getElementById('dm-by-rule'); return !!c && c.width > 0; })()`, chromedp.WithPollingTimeout(5*time.Second)))
		tb.shot("dm-results")

		// 5. The error report: the three rows, the offending cells in red.
		rep, _ := tb.fetchBytes(eval[string](tb, `document.getElementById('dm-dl-errors').getAttribute('href')`))
		rf, err := excelize.OpenReader(strings.NewReader(string(rep)))
		if err != nil {
			t.Fatalf("error report: %v", err)
		}
		rs := rf.GetSheetList()[0]
		got, _ := rf.GetRows(rs)
		if len(got) != 4 {
			t.Fatalf("error report has %d rows: %v", len(got), got)
		}
		filled := func(c, r int) bool {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			id, err := rf.GetCellStyle(rs, cell)
			if err != nil {
				t.Fatal(err)
			}
			st, err := rf.GetStyle(id)
			if err != nil {
				t.Fatal(err)
			}
			return st != nil && len(st.Fill.Color) > 0 && st.Fill.Pattern == 1
		}
		for r := 1; r < len(got); r++ {
			code := got[r][col["material_code"]]
			n, _ := strconv.Atoi(strings.TrimPrefix(code, "M"))
			field := bad[n-100000]
			if field == "" {
				t.Fatalf("row %v is not one of the wrong ones", got[r])
			}
			if !filled(col[field], r) {
				t.Errorf("row %s: cell %s is not highlighted", code, field)
			}
			if filled(col["material_code"], r) {
				t.Errorf("row %s: the material code is highlighted too", code)
			}
			if msg := got[r][len(got[r])-1]; msg == "" {
				t.Errorf("row %s: no error message", code)
			}
		}
		// 6. The consultant sees the run in the object's history and trend.
		ct := b.session(t, e)
		ct.loginAs(apptest.Consultant)
		if st := ct.open(base + "/objects/" + strconv.FormatInt(o.ID, 10)); st != 200 {
			t.Fatalf("object page as consultant: %d", st)
		}
		mustContain(t, "object page", ct.bodyText(), "运行记录", "99.9%", "字段规范", "跨字段规则")
		ct.shot("dm-object")

	})
}
