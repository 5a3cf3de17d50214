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
	"golive/internal/requirement"
)

// TestRequirementMatrixDrag: with the demo's requirement pool, the
// consultant opens the priority matrix, drags 移动端报工（安卓 PDA） from
// 应该做 to the top of 必须做; the page says it is saved, the stored
// priority follows, and a reload shows the card in 必须做. A confirmed
// requirement dragged out of its column snaps back with the reason. The
// pool, the function list and the traceability matrix render with the
// same data (screenshots of each).
func TestRequirementMatrixDrag(t *testing.T) {
	b := newBrowser(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		a := e.ProjectA.ID
		if err := demo.LoadRequirements(ctx, e.App, []int64{a}); err != nil {
			t.Fatal(err)
		}
		pm := e.Users[apptest.PM].P
		find := func(title string) requirement.Requirement {
			rs, _, err := e.App.Requirements.List(ctx, pm, a, requirement.Filter{Text: title})
			if err != nil || len(rs) != 1 {
				t.Fatalf("find %s: %v %d", title, err, len(rs))
			}
			return rs[0]
		}
		pda := find("移动端报工")
		if pda.Priority != "should" {
			t.Fatalf("fixture: %s", pda.Priority)
		}
		base := "/projects/" + strconv.FormatInt(a, 10)
		tb := b.session(t, e)
		tb.loginAs(apptest.Consultant)
		tb.open(base + "/requirements/matrix")
		mustContain(t, "matrix", tb.bodyText(), "必须做", "应该做", "可延后", "不做", "价值 × 工作量")
		card := `#req-matrix .req-card[data-id="` + strconv.FormatInt(pda.ID, 10) + `"]`
		tb.drag(card, `#col-must .req-card:nth-child(2)`)
		tb.do(chromedp.Poll[chromedp.Void](`document.getElementById('req-matrix-live').textContent.indexOf('已保存') >= 0`, chromedp.WithPollingTimeout(5*time.Second)))
		if got := find("移动端报工"); got.Priority != "must" {
			t.Fatalf("stored priority: %s", got.Priority)
		}
		// The value × effort chart follows: REQ-020 is now a must-have bubble.
		inMust := eval[bool](tb, `Chart.getChart('req-quadrant').data.datasets[0].data.some(p => p.label.indexOf('`+pda.Ref()+`') >= 0)`)
		inShould := eval[bool](tb, `Chart.getChart('req-quadrant').data.datasets[1].data.some(p => p.label.indexOf('`+pda.Ref()+`') >= 0)`)
		if !inMust || inShould {
			t.Fatalf("chart after drag: must %v, should %v", inMust, inShould)
		}
		tb.shot("requirement-matrix-dragged")
		mustOrder := func() string {
			return eval[string](tb, `Array.from(document.querySelectorAll('#col-must .req-card')).map(c => c.dataset.id).join(',')`)
		}
		before := mustOrder()
		tb.open(base + "/requirements/matrix")
		if after := mustOrder(); after != before || !strings.Contains(","+after+",", ","+strconv.FormatInt(pda.ID, 10)+",") {
			t.Fatalf("必须做 after reload %s, before %s", after, before)
		}
		// A confirmed requirement cannot leave its column: it snaps back.
		erp := find("生产工单从 ERP")
		ecard := `#req-matrix .req-card[data-id="` + strconv.FormatInt(erp.ID, 10) + `"]`
		tb.drag(ecard, `#col-could .req-card`)
		tb.do(chromedp.Poll[chromedp.Void](`document.getElementById('req-matrix-live').textContent.indexOf('未能保存') >= 0`, chromedp.WithPollingTimeout(5*time.Second)))
		mustContain(t, "refused", tb.text("#req-matrix-live"), "变更控制")
		if in := eval[bool](tb, `!!document.querySelector('#col-must `+ecard[len("#req-matrix "):]+`')`); !in {
			t.Fatalf("confirmed card did not snap back")
		}
		if got := find("生产工单从 ERP"); got.Priority != "must" {
			t.Fatalf("confirmed requirement moved: %s", got.Priority)
		}
		tb.shot("requirement-matrix-refused")

		tb.open(base + "/requirements")
		mustContain(t, "pool", tb.bodyText(), "需求池", "REQ-001", "生产工单从 ERP 自动下达到 MES", "已确认", "待评审", "草稿")
		tb.shot("requirement-pool")
		tb.open(base + "/functions")
		mustContain(t, "functions", tb.bodyText(), "功能清单", "F-001", "ERP 生产订单同步接口", "二次开发")
		tb.shot("requirement-functions")
		tb.open(base + "/trace?filter=no_function")
		mustContain(t, "trace", tb.bodyText(), "追溯矩阵", "缺少功能")
		tb.shot("requirement-trace")

		// The customer PM reviews 设备点检与保养计划: asking for
		// clarification needs a comment; with one it goes back to draft
		// and the comment shows in the log.
		ck := find("设备点检与保养计划")
		cb := b.session(t, e)
		cb.loginAs(apptest.CustomerPM)
		cb.open(base + "/requirements/" + strconv.FormatInt(ck.ID, 10))
		if st := cb.submit(chromedp.Click(chromedp.ID("do-clarify"))); st != 400 {
			t.Fatalf("clarify without comment: %d", st)
		}
		mustContain(t, "clarify refused", cb.bodyText(), "要求澄清或拒绝时请填写评审意见")
		cb.fill("req-comment", "点检项由谁维护？请补充设备清单")
		if st := cb.submit(chromedp.Click(chromedp.ID("do-clarify"))); st != 200 {
			t.Fatalf("clarify: %d", st)
		}
		mustContain(t, "clarified", cb.bodyText(), "已退回 1 条需求要求澄清", "草稿", "点检项由谁维护？请补充设备清单")
		cb.shot("requirement-clarified")
		// The customer never sees the internal requirement.
		cb.open(base + "/requirements")
		mustNotContain(t, "customer pool", cb.bodyText(), "MES 与 ERP 主数据一致性校验")
	})
}
