package e2e

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"golive/internal/app/apptest"
)

// TestMethodology is the methodology's main path in a browser: the PM
// creates a project from the standard template and sees its phases and
// milestones; on project 甲项目 the PM applies the template from the
// overview, drafts the charter with the executive as sponsor and submits
// a deliverable; the customer PM accepts it; the sponsor signs the
// charter; a key user reads the plan.
func TestMethodology(t *testing.T) {
	b := newBrowser(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		tb := b.session(t, e)
		a := "/projects/" + strconv.FormatInt(e.ProjectA.ID, 10)
		tb.loginAs(apptest.PM)

		// Project list → 从模板创建.
		tb.open("/projects")
		tb.submit(chromedp.Click(chromedp.ID("from-template")))
		tb.do(
			chromedp.WaitVisible(chromedp.ID("code")),
			chromedp.SendKeys(chromedp.ID("code"), "MB-ERP"),
			chromedp.SendKeys(chromedp.ID("name"), "模板创建的 ERP 项目"),
			chromedp.SetValue(chromedp.ID("customer_company_id"), strconv.FormatInt(e.CompanyA.ID, 10)),
			chromedp.SetValue(chromedp.ID("start_date"), "2026-03-02"),
			chromedp.SetValue(chromedp.ID("golive_date"), "2026-03-04"),
			chromedp.Click(chromedp.CSS(`input[name=modules][value=finance]`)),
			chromedp.Click(chromedp.CSS(`input[name=modules][value=purchasing]`)),
		)
		// A go-live too early is refused on the form, with what was typed kept.
		if st := tb.submit(chromedp.Click(chromedp.ID("apply-submit"))); st != 400 {
			t.Fatalf("too-early go-live: status %d", st)
		}
		mustContain(t, "go-live error", tb.bodyText(), "至少需要 8 个工作日")
		if v := tb.value("#code"); v != "MB-ERP" {
			t.Errorf("code after the error = %q", v)
		}
		tb.do(chromedp.SetValue(chromedp.ID("golive_date"), "2026-09-30"))
		if st := tb.submit(chromedp.Click(chromedp.ID("apply-submit"))); st != 200 {
			t.Fatalf("create from template: status %d: %s", st, clip(tb.bodyText()))
		}
		tb.do(chromedp.WaitVisible(chromedp.ID("phases")))
		phases := tb.text("#phases")
		mustContain(t, "generated phases", phases, "启动", "需求调研", "方案设计", "系统配置", "数据迁移", "测试验证", "培训", "上线切换", "2026-09-30", "运维优化")
		mustContain(t, "generated milestones", tb.text("#milestones"), "项目启动", "需求确认", "系统上线")
		mustContain(t, "flash", tb.bodyText(), "已生成 9 个阶段")
		tb.shot("methodology-from-template")

		// 甲项目: the overview offers the template; apply it.
		tb.open(a)
		mustContain(t, "overview notice", tb.text("#overview-notices"), "还没有阶段计划")
		tb.submit(chromedp.Click(chromedp.CSS(`#overview-notices a[href$="/apply-template"]`)))
		tb.do(
			chromedp.WaitVisible(chromedp.ID("start_date")),
			chromedp.SetValue(chromedp.ID("start_date"), "2026-01-05"),
			chromedp.SetValue(chromedp.ID("golive_date"), "2026-06-30"),
			chromedp.Click(chromedp.CSS(`input[name=modules][value=production]`)),
		)
		tb.shot("methodology-apply")
		if st := tb.submit(chromedp.Click(chromedp.ID("apply-submit"))); st != 200 {
			t.Fatalf("apply: status %d: %s", st, clip(tb.bodyText()))
		}
		mustContain(t, "plan of A", tb.text("#phases"), "上线切换", "2026-06-30")
		tb.shot("methodology-phases")

		// The charter, with the executive as sponsor.
		tb.open(a + "/charter/edit")
		execID := strconv.FormatInt(e.Users[apptest.Executive].ID, 10)
		tb.do(chromedp.WaitVisible(chromedp.ID("objectives")))
		tb.fill("objectives", "三个车间上线 MES，工单报工及时率 ≥ 95%")
		tb.fill("scope_in", "生产排程\n工单报工")
		tb.fill("success_criteria", "按期上线")
		tb.fill("budget_summary", "内部预算说明 QX7")
		tb.do(chromedp.SetValue(chromedp.ID("sponsor_id"), execID))
		if st := tb.submit(chromedp.Click(chromedp.ID("charter-save"))); st != 200 {
			t.Fatalf("save charter: %d: %s", st, clip(tb.bodyText()))
		}
		mustContain(t, "charter draft", tb.text("#charter"), "三个车间上线", "尚未签署", "内部预算说明 QX7")

		// Submit the charter deliverable for acceptance.
		tb.open(a + "/deliverables")
		delivID := eval[string](tb, `[...document.querySelectorAll('#deliverables tr')].find(r => r.textContent.includes('项目章程')).id.replace('deliv-', '')`)
		tb.submit(chromedp.Click(chromedp.CSS(`button[data-submit="` + delivID + `"]`)))
		mustContain(t, "submitted", tb.text("#deliv-"+delivID), "待验收")
		tb.logout()

		// The customer PM accepts it.
		tb.loginAs(apptest.CustomerPM)
		tb.open(a + "/deliverables")
		mustNotContain(t, "customer deliverables", tb.html(), "定制开发规格说明", "干系人登记册") // internal ones
		// Rejecting without a reason is refused.
		tb.submit(chromedp.Click(chromedp.CSS(`button[data-reject="` + delivID + `"]`)))
		mustContain(t, "reject without reason", tb.text("#review-error"), "原因")
		tb.do(chromedp.SendKeys(chromedp.CSS(`#deliv-`+delivID+` input[name=comment]`), "内容完整，同意。"))
		tb.submit(chromedp.Click(chromedp.CSS(`button[data-accept="` + delivID + `"]`)))
		row := tb.text("#deliv-" + delivID)
		mustContain(t, "accepted", row, "已验收", "customer_pm", "内容完整，同意。")
		tb.shot("methodology-accepted")
		tb.logout()

		// The sponsor signs the charter.
		tb.loginAs(apptest.Executive)
		tb.open(a + "/charter")
		mustNotContain(t, "sponsor's charter", tb.html(), "QX7")
		eval[bool](tb, `(window.confirm = function () { return true }, true)`)
		tb.submit(chromedp.Click(chromedp.ID("charter-sign")))
		sig := tb.text("#signature")
		mustContain(t, "signature", sig, "已由 executive 签署", "SHA-256", "内容与签署时一致")
		mustContain(t, "status", tb.text("#charter-status"), "已签署")
		tb.shot("methodology-charter-signed")
		tb.logout()

		// A key user reads phases, milestones and the signed charter.
		tb.loginAs(apptest.KeyUser)
		tb.open(a + "/phases")
		mustContain(t, "key user plan", tb.bodyText(), "启动", "系统上线", "项目健康度")
		mustNotContain(t, "key user plan", tb.html(), `href="`+a+`/apply-template"`, "QX7")
		tb.open(a + "/charter")
		mustContain(t, "key user charter", tb.text("#charter"), "三个车间上线", "已由 executive 签署")
		tb.open(a + "/raci")
		mustContain(t, "key user RACI", tb.text("#raci"), "需求调研与确认", "项目经理")
		tb.shot("methodology-raci")
	})
}
