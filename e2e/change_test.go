package e2e

import (
	"context"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"golive/internal/app/apptest"
	"golive/internal/change"
	"golive/internal/requirement"
)

// TestRequirementsSignoffAndChangeControl: the customer PM opens V1.0 of
// the Requirements Confirmation, signs it in the browser (signer, time,
// address and hash appear; the sign button is gone); a change request
// raised by a key user is approved by the board's votes — the customer
// PM's vote leaves it open (quorum 2), the PM's decides it — and V1.1
// appears, with the difference from V1.0 shown field by field.
func TestRequirementsSignoffAndChangeControl(t *testing.T) {
	b := newBrowser(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		pm, cpm, ku := e.Users[apptest.PM].P, e.Users[apptest.CustomerPM].P, e.Users[apptest.KeyUser].P
		a := e.ProjectA.ID
		rs := e.App.Requirements
		var ids []int64
		for _, in := range []requirement.Input{
			{Title: "生产工单按批次追溯物料", Module: "生产管理", Priority: "must", Value: 5, Effort: 4, Acceptance: "扫码可查批次", CustomerVisible: true},
			{Title: "设备 OEE 看板", Module: "设备管理", Priority: "should", Value: 4, Effort: 3, CustomerVisible: true},
		} {
			r, err := rs.Create(ctx, pm, a, in)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.ID)
		}
		if _, err := rs.Review(ctx, pm, a, requirement.ReviewInput{IDs: ids, Action: "submit"}); err != nil {
			t.Fatal(err)
		}
		if _, err := rs.Review(ctx, cpm, a, requirement.ReviewInput{IDs: ids, Action: "confirm"}); err != nil {
			t.Fatal(err)
		}
		if _, err := rs.CreateFunction(ctx, pm, a, requirement.FunctionInput{Title: "批次条码采集", Type: "custom", EffortTenths: 120, RequirementIDs: ids[:1]}); err != nil {
			t.Fatal(err)
		}
		v1, err := e.App.Change.CreateBaseline(ctx, pm, a, change.BaselineInput{Title: "甲项目需求确认书"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Change.SaveBoard(ctx, pm, a, change.BoardInput{Members: []int64{pm.UserID, cpm.UserID, e.Users[apptest.Consultant].ID},
			Chair: pm.UserID, Rule: change.RuleMajority, Quorum: 2}); err != nil {
			t.Fatal(err)
		}
		cr, err := e.App.Change.Create(ctx, ku, a, change.CRInput{Title: "OEE 看板增加停机原因分析", Reason: "试运行发现需要按停机原因改善", EffortTenths: 60, Items: []change.ItemInput{
			{Target: "requirement", Op: "change", TargetID: ids[1], Values: change.Values{Title: "设备 OEE 看板（含停机原因）", Module: "设备管理", Priority: "must", Value: 5, Effort: 4}},
			{Target: "function", Op: "add", Values: change.Values{Name: "停机原因采集界面", Kind: "custom", EffortTenths: 60, ReqIDs: ids[1:]}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		pid := strconv.FormatInt(a, 10)

		tb := b.session(t, e)
		tb.loginAs(apptest.CustomerPM)
		if st := tb.open("/projects/" + pid + "/confirmations/" + strconv.FormatInt(v1.ID, 10)); st != 200 {
			t.Fatalf("V1.0: %d", st)
		}
		mustContain(t, "V1.0", tb.bodyText(), "甲项目需求确认书", "V1.0", "待签署", "REQ-001", "生产工单按批次追溯物料", "F-001", v1.SHA256)
		if st := tb.submit(chromedp.Click(chromedp.ID("bl-sign-submit"))); st != 200 {
			t.Fatalf("sign: %d", st)
		}
		mustContain(t, "signed", tb.bodyText(), "已签署 V1.0", "127.0.0.1")
		if n := eval[int](tb, `document.querySelectorAll('#bl-sign-submit').length`); n != 0 {
			t.Error("the sign button is still there after signing")
		}
		tb.shot("baseline-signed")
		// Printed (the browser prints it to PDF): the document alone.
		media := func(m string) chromedp.Action[chromedp.Void] {
			return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
				return chromedp.Void{}, tg.Call(ctx, "Emulation.setEmulatedMedia", map[string]any{"media": m}, nil)
			}
		}
		tb.do(media("print"))
		for _, sel := range []string{".sidebar", ".toolbar", ".topbar"} {
			if d := eval[string](tb, `getComputedStyle(document.querySelector('`+sel+`')).display`); d != "none" {
				t.Errorf("printed page shows %s (%s)", sel, d)
			}
		}
		if d := eval[string](tb, `getComputedStyle(document.getElementById('bl-doc')).display`); d == "none" {
			t.Error("the printed page hides the document")
		}
		tb.shot("baseline-print")
		tb.do(media(""))

		// The customer PM votes: one vote of a quorum of two leaves it open.
		if st := tb.open("/projects/" + pid + "/changes/" + strconv.FormatInt(cr.ID, 10)); st != 200 {
			t.Fatalf("request: %d", st)
		}
		mustContain(t, "request", tb.bodyText(), "CR-001", "OEE 看板增加停机原因分析", "评审中", "设备 OEE 看板（含停机原因）")
		mustNotContain(t, "request as customer", tb.bodyText(), "费用")
		if st := tb.submit(chromedp.Click(chromedp.ID("cr-vote-submit"))); st != 200 {
			t.Fatalf("vote: %d", st)
		}
		mustContain(t, "after the customer's vote", tb.text("#cr-status"), "评审中")
		tb.logout()

		tb.loginAs(apptest.PM)
		tb.open("/projects/" + pid + "/changes/" + strconv.FormatInt(cr.ID, 10))
		tb.do(chromedp.SetValue(chromedp.ID("cr-comment"), "影响可控，同意"))
		if st := tb.submit(chromedp.Click(chromedp.ID("cr-vote-submit"))); st != 200 {
			t.Fatalf("PM vote: %d", st)
		}
		mustContain(t, "decided", tb.text("#cr-status"), "已批准")
		tb.shot("change-approved")
		if st := tb.submit(chromedp.Click(chromedp.ID("cr-baseline"))); st != 200 {
			t.Fatalf("open V1.1: %d", st)
		}
		mustContain(t, "V1.1", tb.bodyText(), "V1.1", "由 CR-001 生成", "停机原因采集界面", "待签署")

		// The list compares the two latest versions.
		tb.open("/projects/" + pid + "/confirmations")
		mustContain(t, "versions", tb.text("#bl-list"), "V1.0", "V1.1", "已签署", "CR-001")
		if st := tb.submit(chromedp.Click(chromedp.CSS(`#bl-diff button`))); st != 200 {
			t.Fatalf("diff: %d", st)
		}
		diff := tb.text("#bl-diff-table")
		mustContain(t, "diff", diff, "修改", "REQ-002", "优先级", "应该做", "必须做", "新增", "F-002", "停机原因采集界面")
		mustNotContain(t, "diff", diff, "REQ-001")
		tb.shot("baseline-diff")
		tb.open("/projects/" + pid + "/changes")
		mustContain(t, "list", tb.bodyText(), "范围蔓延", "CR-001", "已批准")
		tb.shot("change-list")

		// A new request from the form: a bad effort is named on the form,
		// what was typed stays; corrected, it opens CR-002 with its impact.
		tb.submit(chromedp.Click(chromedp.ID("cr-new")))
		tb.fill("cr-title", "日报增加设备停机时长")
		tb.fill("cr-effort", "三天")
		tb.do(chromedp.SetValue(chromedp.CSS(`select[name="item0_target"]`), "function"))
		tb.do(chromedp.SetValue(chromedp.CSS(`select[name="item0_op"]`), "add"))
		tb.do(chromedp.SetValue(chromedp.CSS(`input[name="item0_title"]`), "停机时长日报"))
		tb.do(chromedp.SetValue(chromedp.CSS(`select[name="item0_kind"]`), "report"))
		tb.do(chromedp.SetValue(chromedp.CSS(`input[name="item0_effort"]`), "1.5"))
		if st := tb.submit(chromedp.Click(chromedp.ID("cr-submit"))); st != 400 {
			t.Fatalf("bad effort: %d", st)
		}
		mustContain(t, "refused form", tb.bodyText(), "请输入人天数")
		if v := tb.value("#cr-title"); v != "日报增加设备停机时长" {
			t.Errorf("title typed was lost: %q", v)
		}
		tb.shot("change-form-error")
		tb.fill("cr-effort", "1.5")
		if st := tb.submit(chromedp.Click(chromedp.ID("cr-submit"))); st != 200 {
			t.Fatalf("submit: %d %s", st, clip(tb.bodyText()))
		}
		mustContain(t, "CR-002", tb.bodyText(), "CR-002", "日报增加设备停机时长", "评审中", "停机时长日报", "报表")
	})
}
