package e2e

import (
	"context"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"golive/internal/access"
	"golive/internal/app/apptest"
	"golive/internal/research"
)

// TestResearchQuestionnaire: a consultant sends a questionnaire; the key
// user follows the notification, is told which required questions are
// missing, saves a draft, submits, and finds the answers locked; the
// consultant then sees the response and the per-question aggregate with
// its bar charts.
func TestResearchQuestionnaire(t *testing.T) {
	b := newBrowser(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		s, con := e.App.Research, e.Users[apptest.Consultant].P
		q, err := s.CreateQuestionnaire(ctx, con, e.ProjectA.ID, research.QuestionnaireInput{Title: "仓储业务调研", BodyText: "# 一、仓库概况\n* [short] 仓库名称\n* [single] 仓库类型 | 常温 | 冷藏 | 冷冻\n[multi] 收货依据 | 采购订单 | ASN | 退货单\n* [scale] 收货效率满意度\n[table] 库区 | 库区名称 | 库位数量\n[long] 其他问题"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Send(ctx, con, e.ProjectA.ID, q.ID, research.SendInput{UserIDs: []int64{e.Users[apptest.KeyUser].ID}, Version: q.Version}); err != nil {
			t.Fatal(err)
		}
		tb := b.session(t, e)
		tb.loginAs(apptest.KeyUser)
		// The project overview says a questionnaire waits.
		tb.open("/projects/" + strconv.FormatInt(e.ProjectA.ID, 10))
		mustContain(t, "overview", tb.bodyText(), "有 1 份调研问卷等您填写")
		// The notification leads to the form.
		if st := tb.open("/notifications"); st != 200 {
			t.Fatalf("notifications: %d", st)
		}
		mustContain(t, "notifications", tb.bodyText(), "仓储业务调研")
		href := eval[string](tb, `Array.from(document.querySelectorAll('a')).find(a => a.textContent.includes('仓储业务调研')).getAttribute('href')`)
		if st := tb.open(href); st != 200 {
			t.Fatalf("open from notification: %d", st)
		}
		path := "/projects/" + strconv.FormatInt(e.ProjectA.ID, 10) + "/research/questionnaires/" + strconv.FormatInt(q.ID, 10)
		if tb.path() != path {
			t.Fatalf("notification led to %s, want %s", tb.path(), path)
		}
		// Submitting with required questions empty names them.
		if st := tb.submit(chromedp.Click(chromedp.ID("rs-submit"))); st != 400 {
			t.Fatalf("empty submit: %d", st)
		}
		if n := eval[int](tb, `document.querySelectorAll('fieldset.rs-question.invalid').length`); n != 3 {
			t.Fatalf("%d questions marked, want the 3 required ones", n)
		}
		// Fill in, save a draft, then submit.
		tb.do(chromedp.SendKeys(chromedp.CSS(`input[name="q1"]`), "华东配送中心"),
			chromedp.Click(chromedp.CSS(`input[name="q2"][value="冷藏"]`)),
			chromedp.Click(chromedp.CSS(`input[name="q3"][value="ASN"]`)),
			chromedp.Click(chromedp.CSS(`input[name="q3"][value="退货单"]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name="q5.r0.c0"]`), "冷藏一区"),
			chromedp.SendKeys(chromedp.CSS(`input[name="q5.r0.c1"]`), "240"))
		if st := tb.submit(chromedp.Click(chromedp.ID("rs-save"))); st != 200 {
			t.Fatalf("save draft: %d", st)
		}
		mustContain(t, "draft", tb.text("#rs-mystatus"), "已暂存")
		if v := tb.value(`input[name="q5.r0.c0"]`); v != "冷藏一区" {
			t.Fatalf("table cell after draft: %q", v)
		}
		tb.do(chromedp.Click(chromedp.CSS(`input[name="q4"][value="4"]`)),
			chromedp.SendKeys(chromedp.CSS(`textarea[name="q6"]`), "月底盘点要停发货半天。"))
		tb.shot("research-answer")
		if st := tb.submit(chromedp.Click(chromedp.ID("rs-submit"))); st != 200 {
			t.Fatalf("submit: %d: %s", st, clip(tb.bodyText()))
		}
		mustContain(t, "submitted", tb.bodyText(), "已提交", "答案已锁定")
		if n := eval[int](tb, `document.querySelectorAll('#rs-submit').length`); n != 0 {
			t.Fatalf("a submitted questionnaire still offers submit")
		}
		tb.logout()

		tb.loginAs(apptest.Consultant)
		if st := tb.open(path); st != 200 {
			t.Fatalf("consultant's page: %d", st)
		}
		mustContain(t, "responses", tb.text("#rs-responses"), "已提交 1 / 1", "已提交")
		agg := tb.text("#rs-aggregate")
		mustContain(t, "aggregate", agg, "仓库类型", "冷藏", "平均 4.0", "华东配送中心", "冷藏一区 / 240")
		// The charts drew (one per choice or scale question answered).
		tb.waitAcrossReload(`document.querySelectorAll('canvas[data-rs-bars]').length === 3 && Array.from(document.querySelectorAll('canvas[data-rs-bars]')).every(c => window.Chart && Chart.getChart(c))`, 5e9)
		if n := eval[int](tb, `Chart.getChart(document.querySelector('#agg-q2 canvas')).data.datasets[0].data[1]`); n != 1 {
			t.Fatalf("冷藏 bar: %d", n)
		}
		tb.shot("research-aggregate")
		// The same page in English.
		if st := tb.submit(chromedp.Click(chromedp.CSS(`form[action="/lang"] button[value="en"]`))); st != 200 {
			t.Fatalf("switch to English: %d", st)
		}
		mustContain(t, "English aggregate", tb.text("#rs-aggregate"), "Per question", "1 answered", "average 4.0")
		tb.shot("research-aggregate-en")
		tb.submit(chromedp.Click(chromedp.CSS(`form[action="/lang"] button[value="zh-CN"]`)))
		if st := tb.submit(chromedp.Click(chromedp.CSS(`#rs-responses tbody a`))); st != 200 {
			t.Fatalf("response page: %d", st)
		}
		mustContain(t, "response", tb.bodyText(), "华东配送中心", "ASN", "4 / 5")
	})
}

// TestResearchRecord: a consultant writes up an interview, turns one of
// its sentences into a requirement (the pool stands in as a recorder) and
// sees the link back; the key user never sees the internal record.
func TestResearchRecord(t *testing.T) {
	b := newBrowser(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		var got []research.Candidate
		e.App.Research.SetCandidateSink(func(_ context.Context, _ *access.Principal, c research.Candidate) (int64, string, error) {
			got = append(got, c)
			return 77, "REQ-007", nil
		})
		tb := b.session(t, e)
		tb.loginAs(apptest.Consultant)
		base := "/projects/" + strconv.FormatInt(e.ProjectA.ID, 10) + "/research"
		if st := tb.open(base); st != 200 {
			t.Fatalf("research page: %d", st)
		}
		tb.do(chromedp.Click(chromedp.CSS(`#rs-r-new-box summary`)))
		tb.fill("rs-rtitle", "财务总监访谈")
		tb.do(chromedp.SetValue(chromedp.ID("rs-date"), "2026-03-01"))
		tb.fill("rs-who", "刘总监")
		tb.fill("rs-notes", "月结要 6 天。希望自动对账！\n审批走纸质单据？")
		if st := tb.submit(chromedp.Click(chromedp.CSS(`#rs-r-new button[type=submit]`))); st != 200 {
			t.Fatalf("create record: %d: %s", st, clip(tb.bodyText()))
		}
		if n := eval[int](tb, `document.querySelectorAll('.rs-sentences li').length`); n != 3 {
			t.Fatalf("%d sentences, want 3", n)
		}
		if st := tb.submit(chromedp.Click(chromedp.CSS(`#s-2 button`))); st != 200 {
			t.Fatalf("to requirement: %d", st)
		}
		mustContain(t, "converted", tb.text("#s-2"), "已转为 REQ-007")
		if href := eval[string](tb, `document.querySelector('#s-2 a').getAttribute('href')`); href != "/projects/"+strconv.FormatInt(e.ProjectA.ID, 10)+"/requirements/77" {
			t.Fatalf("link %s", href)
		}
		if len(got) != 1 || got[0].Title != "希望自动对账！" || got[0].SourceKind != "interview" {
			t.Fatalf("candidates %+v", got)
		}
		tb.shot("research-record")
		recordPath := tb.path()
		tb.open(base)
		mustContain(t, "research page", tb.bodyText(), "财务总监访谈", "内部")
		tb.shot("research-index")
		if st := tb.open("/research/templates"); st != 200 {
			t.Fatalf("library: %d", st)
		}
		mustContain(t, "library", tb.bodyText(), "财务模块调研问卷", "仓储业务调研问卷")
		tb.shot("research-library")
		tb.logout()
		tb.loginAs(apptest.KeyUser)
		if st := tb.open(recordPath); st != 404 {
			t.Fatalf("key user opens the internal record: %d", st)
		}
		tb.open(base)
		mustNotContain(t, "key user's research page", tb.bodyText(), "财务总监访谈")
	})
}
