package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"golive/internal/app/apptest"
	"golive/internal/demo"
)

// TestFundsReceiptMovesAgeing: finance opens the fund centre of the demo
// contract (30/40/25/5, the progress payment 40 days overdue and partly
// paid), is refused a receipt larger than what is outstanding (the field
// is named), records a receipt against the overdue milestone and sees the
// ageing table's 31–60 column and the overdue total fall. The customer's
// PM sees the schedule and what is due but no internal notes or receipts;
// the forecast draws its chart with planned costs from the cost centre.
func TestFundsReceiptMovesAgeing(t *testing.T) {
	b := newBrowser(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		if err := demo.LoadFunds(ctx, e.App, []int64{e.ProjectA.ID}); err != nil {
			t.Fatal(err)
		}
		base := "/projects/" + strconv.FormatInt(e.ProjectA.ID, 10) + "/funds"
		fin := b.session(t, e)
		fin.loginAs(apptest.Finance)
		if st := fin.open(base); st != 200 {
			t.Fatalf("fund centre: %d", st)
		}
		mustContain(t, "fund centre", fin.bodyText(), "合同与回款", "JG-HT-2026-018", "首付款", "进度款", "验收款", "质保金", "逾期 40 天", "¥1,908,000.00")
		if got := fin.text("#age-31-60"); got != "¥463,200.00" {
			t.Fatalf("31–60 before: %q", got)
		}
		if got := fin.text("#kpi-overdue"); got != "¥463,200.00" {
			t.Fatalf("overdue before: %q", got)
		}
		fin.shot("funds-before")

		// The progress payment is the second option of the receipt form.
		progress := eval[string](fin, `Array.from(document.querySelectorAll('#rc-ms option')).find(o => o.textContent.includes('进度款')).value`)
		fin.do(chromedp.SetValue(chromedp.ID("rc-ms"), progress))
		fin.fill("rc-amount", "1,000,000.00")
		if st := fin.submit(chromedp.Click(chromedp.ID("rc-save"))); st != 400 {
			t.Fatalf("over-receipt: %d", st)
		}
		mustContain(t, "over-receipt", fin.text("#rc-amount-error"), "金额", "¥463,200.00", "预收款")
		if got := fin.value("#rc-amount"); got != "1,000,000.00" {
			t.Errorf("the typed amount was lost: %q", got)
		}
		fin.do(chromedp.SetValue(chromedp.ID("rc-ms"), progress))
		fin.fill("rc-amount", "200,000.00")
		fin.do(chromedp.SetValue(chromedp.ID("rc-method"), "transfer"))
		if st := fin.submit(chromedp.Click(chromedp.ID("rc-save"))); st != 200 {
			t.Fatalf("receipt: %d", st)
		}
		mustContain(t, "after the receipt", fin.bodyText(), "已登记收款 ¥200,000.00")
		if got := fin.text("#age-31-60"); got != "¥263,200.00" {
			t.Fatalf("31–60 after: %q", got)
		}
		if got := fin.text("#kpi-overdue"); got != "¥263,200.00" {
			t.Fatalf("overdue after: %q", got)
		}
		fin.do(chromedp.ScrollIntoView("#ageing"))
		fin.shot("funds-after-receipt")

		// The schedule form: a share typed wrong comes back on its row, as typed.
		fin.do(chromedp.ScrollIntoView("h1"))
		fin.do(chromedp.Click(chromedp.CSS(`a[id^="schedule-"]`)))
		fin.do(chromedp.WaitVisible(chromedp.ID("schedule-form")))
		fin.do(chromedp.SetValue(chromedp.CSS(`input[name="m1_share"]`), "4O"))
		if st := fin.submit(chromedp.Click(chromedp.ID("schedule-save"))); st != 400 {
			t.Fatalf("schedule with a typo: %d", st)
		}
		mustContain(t, "schedule error", fin.text("#schedule-errors"), "第 2 行", "比例")
		if got := fin.value(`input[name="m1_share"]`); got != "4O" {
			t.Errorf("the typed share was lost: %q", got)
		}
		fin.shot("funds-schedule-error")

		// The forecast draws its chart; planned costs come from the cost
		// centre (wired in app.go), so the "not available" note is gone.
		if st := fin.open(base + "/forecast"); st != 200 {
			t.Fatalf("forecast: %d", st)
		}
		mustContain(t, "forecast", fin.bodyText(), "资金流预测", "计划成本")
		mustNotContain(t, "forecast", fin.bodyText(), "计划成本暂不可用")
		fin.do(chromedp.Poll[chromedp.Void](`typeof Chart !== "undefined" && Chart.getChart(document.getElementById("funds-cashflow")) !== undefined`, chromedp.WithPollingTimeout(5*time.Second)))
		fin.shot("funds-forecast")

		// The customer's PM: schedule and dues, nothing internal.
		cpm := b.session(t, e)
		cpm.loginAs(apptest.CustomerPM)
		if st := cpm.open(base); st != 200 {
			t.Fatalf("customer fund centre: %d", st)
		}
		body := cpm.bodyText()
		mustContain(t, "customer view", body, "进度款", "¥263,200.00", "32000387")
		mustNotContain(t, "customer view", body, "商务让利", "年度预算追加", "工行", "银承", "收款记录", "登记收款", "内部")
		if html := cpm.html(); strings.Contains(html, "receipt-form") || strings.Contains(html, "/forecast") {
			t.Errorf("the customer is offered receipts or the forecast")
		}
		cpm.open(base + "/print")
		mustContain(t, "print", cpm.bodyText(), "付款计划", "当前应付")
		cpm.shot("funds-customer-print")
	})
}
