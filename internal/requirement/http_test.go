package requirement_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"golive/internal/app/apptest"
	"golive/internal/requirement"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func upload(t *testing.T, e *apptest.Env, who apptest.Who, path, name string, data []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", e.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: "golive_session", Value: e.Users[who].Session})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func workbook(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func contains(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: %q missing", what, w)
		}
	}
}

// Bad input on the pages: each refused with the field named in Chinese,
// the form keeping what was typed, and nothing written.
func TestBadInputPages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := itoa(e.ProjectA.ID)
		base := "/projects/" + a + "/requirements"
		r := e.Do(t, apptest.Consultant, "POST", base, url.Values{"title": {""}, "module": {"采购管理"}, "priority": {"urgent"}, "value": {"9"}, "source_url": {"javascript:alert(1)"}}.Encode())
		if r.Status != 400 {
			t.Fatalf("bad create: %d", r.Status)
		}
		contains(t, "bad create", r.Body, "标题: 必填", "优先级", "不是允许的取值", "价值(1-5)", "请填写 1 到 5 的整数", "来源链接", `value="采购管理"`)
		rs, _, _ := e.App.Requirements.List(ctx, e.Users[apptest.PM].P, e.ProjectA.ID, requirement.Filter{})
		if len(rs) != 0 {
			t.Fatalf("bad create wrote %d rows", len(rs))
		}
		// A number ever used is refused, naming it.
		r = e.Do(t, apptest.Consultant, "POST", base, url.Values{"title": {"采购审批"}, "value": {"3"}, "effort": {"3"}}.Encode())
		if r.Status != 303 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		rs, _, _ = e.App.Requirements.List(ctx, e.Users[apptest.PM].P, e.ProjectA.ID, requirement.Filter{})
		if err := e.App.Requirements.Delete(ctx, e.Users[apptest.PM].P, e.ProjectA.ID, rs[0].ID, rs[0].Version); err != nil {
			t.Fatal(err)
		}
		r = e.Do(t, apptest.Consultant, "POST", base, url.Values{"number": {"REQ-001"}, "title": {"复用"}}.Encode())
		if r.Status != 400 {
			t.Fatalf("reuse: %d", r.Status)
		}
		contains(t, "reuse", r.Body, "编号 REQ-001 已被使用过（包括已删除的需求）", `value="复用"`)
		// A stale edit is 409 and keeps the typed text.
		x, err := e.App.Requirements.Create(ctx, e.Users[apptest.Consultant].P, e.ProjectA.ID, requirement.Input{Title: "库存盘点", CustomerVisible: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Requirements.Update(ctx, e.Users[apptest.PM].P, e.ProjectA.ID, x.ID, requirement.Input{Title: "库存盘点（PM 改）", CustomerVisible: true, Version: 1}); err != nil {
			t.Fatal(err)
		}
		r = e.Do(t, apptest.Consultant, "POST", base+"/"+itoa(x.ID)+"/edit", url.Values{"title": {"循环盘点"}, "version": {"1"}}.Encode())
		if r.Status != 409 {
			t.Fatalf("stale: %d", r.Status)
		}
		contains(t, "stale", r.Body, "其他人刚刚修改过", `value="循环盘点"`, `name="version" value="2"`)
		// Clarification without a comment, on the requirement's page.
		if _, err := e.App.Requirements.Review(ctx, e.Users[apptest.Consultant].P, e.ProjectA.ID, requirement.ReviewInput{IDs: []int64{x.ID}, Action: "submit"}); err != nil {
			t.Fatal(err)
		}
		r = e.Do(t, apptest.CustomerPM, "POST", base+"/review", url.Values{"rid": {itoa(x.ID)}, "action": {"clarify"}}.Encode())
		if r.Status != 400 {
			t.Fatalf("clarify without comment: %d", r.Status)
		}
		contains(t, "clarify", r.Body, "要求澄清或拒绝时请填写评审意见")
		// Bulk with nothing selected.
		r = e.Do(t, apptest.CustomerPM, "POST", base+"/review", url.Values{"action": {"confirm"}}.Encode())
		if r.Status != 400 {
			t.Fatalf("nothing selected: %d", r.Status)
		}
		contains(t, "none selected", r.Body, "请至少选择一条需求")
		r = e.Do(t, apptest.Consultant, "POST", base+"/review", url.Values{"action": {"submit"}, "ids": {"abc"}}.Encode())
		if r.Status != 400 {
			t.Fatalf("bad id: %d", r.Status)
		}
		// A bad filter, a bad effort.
		if r = e.Do(t, apptest.PM, "GET", base+"?status=bogus", nil); r.Status != 400 {
			t.Fatalf("bad filter: %d", r.Status)
		}
		r = e.Do(t, apptest.PM, "POST", "/projects/"+a+"/functions", url.Values{"title": {"接口"}, "type": {"interface"}, "effort": {"1.25"}}.Encode())
		if r.Status != 400 {
			t.Fatalf("bad effort: %d", r.Status)
		}
		contains(t, "bad effort", r.Body, "最多一位小数", `value="1.25"`, `value="接口"`)
		// The API: unknown member, bad JSON, stale version.
		api := "/api/v1/projects/" + a + "/requirements"
		if r = e.Do(t, apptest.PM, "POST", api, `{"title":"x","colour":"red"}`); r.Status != 400 {
			t.Fatalf("unknown member: %d", r.Status)
		}
		if r = e.Do(t, apptest.PM, "POST", api, `{"title":`); r.Status != 400 {
			t.Fatalf("bad json: %d", r.Status)
		}
		if r = e.Do(t, apptest.PM, "PUT", api+"/"+itoa(x.ID), `{"title":"x","version":1}`); r.Status != 409 {
			t.Fatalf("API stale: %d %s", r.Status, r.Body)
		}
		if r = e.Do(t, apptest.PM, "DELETE", api+"/"+itoa(x.ID), nil); r.Status != 400 {
			t.Fatalf("delete without version: %d", r.Status)
		}
		if r = e.Do(t, apptest.PM, "POST", api+"/"+itoa(x.ID)+"/move", `{"priority":"urgent","version":1}`); r.Status != 400 {
			t.Fatalf("bad move: %d", r.Status)
		}
		if r = e.Do(t, apptest.PM, "GET", "/api/v1/projects/"+a+"/trace?filter=x", nil); r.Status != 400 {
			t.Fatalf("bad trace filter: %d", r.Status)
		}
	})
}

// Import: a file with bad rows imports nothing and lists every problem by
// row; the exported pool imports into another project unchanged.
func TestImportExport(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a, b := itoa(e.ProjectA.ID), itoa(e.ProjectB.ID)
		pm := e.Users[apptest.PM].P
		if _, err := e.App.Requirements.Create(ctx, pm, e.ProjectA.ID, requirement.Input{Number: 7, Title: "已有七号"}); err != nil {
			t.Fatal(err)
		}
		bad := workbook(t, [][]any{
			{"编号", "需求标题", "业务流程/模块", "优先级", "价值", "工作量", "客户可见"},
			{"", "销售订单审批", "销售", "必须做", 5, 2, "是"},
			{"", "发票打印", "财务", "急", 3, 3, "是"},
			{"REQ-007", "七号重复", "", "M", 3, 9, "否"},
			{"REQ-010", "十号", "", "should", 3, 3, "也许"},
			{"REQ-010", "十号又一次", "", "", "", "", ""},
			{"", "", "", "", "", "", ""},
		})
		st, body := upload(t, e, apptest.Consultant, "/projects/"+a+"/requirements/import", "需求清单.xlsx", bad)
		if st != 422 {
			t.Fatalf("bad import: %d", st)
		}
		contains(t, "bad import", body, "本次没有导入任何需求", "不是允许的取值", "编号 REQ-007 已被使用过", "请填写 1 到 5 的整数", "请填写“是”或“否”", "编号 REQ-010 在文件中重复（第 5 行已使用）")
		rs, _, _ := e.App.Requirements.List(ctx, pm, e.ProjectA.ID, requirement.Filter{})
		if len(rs) != 1 {
			t.Fatalf("bad import wrote rows: %d", len(rs))
		}
		if st, body := upload(t, e, apptest.Consultant, "/projects/"+a+"/requirements/import", "x.xlsx", []byte("not a workbook")); st != 400 || !strings.Contains(body, "无法读取该文件") {
			t.Fatalf("not xlsx: %d", st)
		}
		if st, body := upload(t, e, apptest.Consultant, "/projects/"+a+"/requirements/import", "x.xlsx", workbook(t, [][]any{{"名称", "说明"}, {"a", "b"}})); st != 400 || !strings.Contains(body, "找不到表头") {
			t.Fatalf("no title column: %d", st)
		}
		good := workbook(t, [][]any{
			{"Number", "Title", "Process / module", "Priority", "Value", "Effort", "Acceptance criteria"},
			{"", "Sales order approval", "Sales", "Must have", 5, 2, "Orders above ¥50,000 need approval"},
			{"REQ-012", "发票打印", "财务", "可延后", 3, 3, ""},
		})
		if st, body := upload(t, e, apptest.Consultant, "/projects/"+a+"/requirements/import", "good.xlsx", good); st != 303 {
			t.Fatalf("good import: %d %s", st, body)
		}
		rs, _, _ = e.App.Requirements.List(ctx, pm, e.ProjectA.ID, requirement.Filter{})
		if len(rs) != 3 || rs[1].Number != 12 || rs[1].Priority != "could" || rs[2].Number != 13 || rs[2].Priority != "must" || rs[2].Acceptance == "" {
			t.Fatalf("imported: %+v", rs)
		}
		// Round trip: A's export imports into B with the same numbers.
		r := e.Do(t, apptest.PM, "GET", "/projects/"+a+"/requirements.xlsx", nil)
		if r.Status != 200 {
			t.Fatalf("export: %d", r.Status)
		}
		if st, body := upload(t, e, apptest.PM, "/projects/"+b+"/requirements/import", "export.xlsx", []byte(r.Body)); st != 303 {
			t.Fatalf("round trip: %d %s", st, body)
		}
		rb, _, _ := e.App.Requirements.List(ctx, pm, e.ProjectB.ID, requirement.Filter{})
		if len(rb) != 3 {
			t.Fatalf("round trip rows: %d", len(rb))
		}
		for i := range rb {
			if rb[i].Number != rs[i].Number || rb[i].Title != rs[i].Title || rb[i].Priority != rs[i].Priority || rb[i].Module != rs[i].Module || rb[i].Acceptance != rs[i].Acceptance {
				t.Errorf("round trip %d: %+v vs %+v", i, rb[i], rs[i])
			}
		}
		// Exported again into A: every number is taken, nothing imported.
		if st, _ := upload(t, e, apptest.PM, "/projects/"+a+"/requirements/import", "export.xlsx", []byte(r.Body)); st != 422 {
			t.Fatalf("re-import: %d", st)
		}
		// The other exports are real workbooks.
		for _, p := range []string{"/projects/" + a + "/functions.xlsx", "/projects/" + a + "/trace.xlsx"} {
			r := e.Do(t, apptest.KeyUser, "GET", p, nil)
			if r.Status != 200 {
				t.Fatalf("%s: %d", p, r.Status)
			}
			f, err := excelize.OpenReader(strings.NewReader(r.Body))
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			f.Close()
		}
	})
}

// Comments on requirements go through discuss: a customer comments on a
// visible requirement, never on (or learns of) an internal one, and never
// reads an internal comment.
func TestRequirementComments(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := itoa(e.ProjectA.ID)
		cons := e.Users[apptest.Consultant].P
		vis, _ := e.App.Requirements.Create(ctx, cons, e.ProjectA.ID, requirement.Input{Title: "发货单打印", CustomerVisible: true})
		hid, _ := e.App.Requirements.Create(ctx, cons, e.ProjectA.ID, requirement.Input{Title: "内部报价口径", CustomerVisible: false})
		base := "/projects/" + a + "/requirements/"
		if r := e.Do(t, apptest.KeyUser, "POST", base+itoa(vis.ID)+"/comments", url.Values{"body": {"旧系统的发货单样式见附件"}}.Encode()); r.Status != 303 {
			t.Fatalf("customer comment: %d", r.Status)
		}
		if r := e.Do(t, apptest.KeyUser, "POST", base+itoa(hid.ID)+"/comments", url.Values{"body": {"x"}}.Encode()); r.Status != 404 {
			t.Fatalf("customer on internal: %d", r.Status)
		}
		if r := e.Do(t, apptest.Consultant, "POST", "/api/v1/projects/"+a+"/requirements/"+itoa(vis.ID)+"/comments", `{"body":"内部：需二次开发","internal":true}`); r.Status != 201 {
			t.Fatalf("internal comment: %d %s", r.Status, r.Body)
		}
		page := e.Do(t, apptest.KeyUser, "GET", base+itoa(vis.ID), nil)
		if page.Status != 200 || !strings.Contains(page.Body, "旧系统的发货单样式见附件") || strings.Contains(page.Body, "需二次开发") {
			t.Fatalf("customer page: %d", page.Status)
		}
		if page := e.Do(t, apptest.PM, "GET", base+itoa(vis.ID), nil); !strings.Contains(page.Body, "需二次开发") {
			t.Fatalf("vendor page lacks the internal comment")
		}
	})
}

// The function edit form: bad input comes back on the edit form (400) with
// what was typed; a stale edit is 409, keeps the typed text and carries the
// current version so that the next save can succeed.
func TestFunctionEditFormFailures(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := itoa(e.ProjectA.ID)
		f, err := e.App.Requirements.CreateFunction(ctx, e.Users[apptest.PM].P, e.ProjectA.ID, requirement.FunctionInput{Title: "库存接口", Type: "interface", EffortTenths: 10})
		if err != nil {
			t.Fatal(err)
		}
		edit := "/projects/" + a + "/functions/" + itoa(f.ID) + "/edit"
		r := e.Do(t, apptest.PM, "POST", edit, url.Values{"title": {"库存接口 v2"}, "type": {"interface"}, "effort": {"1.25"}, "version": {itoa(f.Version)}}.Encode())
		if r.Status != 400 {
			t.Fatalf("bad effort on edit: %d", r.Status)
		}
		contains(t, "bad effort on edit", r.Body, "最多一位小数", `value="1.25"`, `value="库存接口 v2"`, `id="fn-form"`)
		if _, err := e.App.Requirements.UpdateFunction(ctx, e.Users[apptest.PM].P, e.ProjectA.ID, f.ID, requirement.FunctionInput{Title: "库存接口（PM 改）", Type: "interface", EffortTenths: 10, Version: f.Version}); err != nil {
			t.Fatal(err)
		}
		r = e.Do(t, apptest.PM, "POST", edit, url.Values{"title": {"库存同步接口"}, "type": {"interface"}, "effort": {"1"}, "version": {itoa(f.Version)}}.Encode())
		if r.Status != 409 {
			t.Fatalf("stale edit: %d", r.Status)
		}
		contains(t, "stale edit", r.Body, "其他人刚刚修改过", `value="库存同步接口"`, `name="version" value="`+itoa(f.Version+1)+`"`, `id="fn-form"`)
		if strings.Contains(r.Body, `name="version" value="`+itoa(f.Version)+`"`) {
			t.Fatalf("stale edit: the form still carries the old version %d", f.Version)
		}
	})
}
