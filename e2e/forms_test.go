package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"golive/internal/app/apptest"
	"golive/internal/db"
	"golive/internal/project"
)

// TestEditConflict opens one project's edit form in two tabs. The first
// save wins; the second gets the 409 page with 保存冲突 and keeps what was
// typed, and the stored project holds only the first change.
func TestEditConflict(t *testing.T) {
	b := newBrowser(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		first := b.session(t, e)
		first.loginAs(apptest.PM)
		second := first.another() // same person, second tab

		edit := "/projects/" + strconv.FormatInt(e.ProjectA.ID, 10) + "/edit"
		for _, tb := range []*tab{first, second} {
			if st := tb.open(edit); st != 200 {
				t.Fatalf("open %s: status %d", edit, st)
			}
			tb.do(chromedp.WaitVisible(chromedp.ID("name")))
		}

		const firstDesc = "上线前完成第三轮用户验收测试。"
		first.fill("description", firstDesc)
		if st := first.submit(chromedp.Click(chromedp.CSS(`form.form button[type=submit]`))); st != 200 {
			t.Fatalf("first save: status %d: %s", st, clip(first.bodyText()))
		}
		mustContain(t, "first save", first.bodyText(), "已保存", firstDesc)

		const secondName, secondDesc = "甲项目（二期）", "第二个人写的说明：不能丢。"
		second.fill("name", secondName)
		second.fill("description", secondDesc)
		if st := second.submit(chromedp.Click(chromedp.CSS(`form.form button[type=submit]`))); st != 409 {
			t.Fatalf("second save: status %d, want 409: %s", st, clip(second.bodyText()))
		}
		second.do(chromedp.WaitVisible(chromedp.ID("conflict")))
		mustContain(t, "conflict notice", second.text("#conflict"), "保存冲突", "加载最新版本")
		if v := second.value("#name"); v != secondName {
			t.Errorf("name after conflict = %q, want the typed %q", v, secondName)
		}
		if v := second.value("#description"); v != secondDesc {
			t.Errorf("description after conflict = %q, want the typed %q", v, secondDesc)
		}
		second.shot("conflict")

		pr, _, err := e.App.Projects.Get(context.Background(), e.Users[apptest.PM].P, e.ProjectA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if pr.Name != e.ProjectA.Name || pr.Description != firstDesc {
			t.Errorf("stored project = %q / %q, want the first save only (%q / %q)", pr.Name, pr.Description, e.ProjectA.Name, firstDesc)
		}

		// 加载最新版本 brings the first person's text into a clean form.
		second.submit(chromedp.Click(chromedp.CSS(`#conflict a`)))
		if v := second.value("#description"); v != firstDesc {
			t.Errorf("reloaded description = %q, want %q", v, firstDesc)
		}
	})
}

// TestNewProjectValidation submits the new-project form with an empty name
// and a go-live date before the start date: the form comes back with the
// errors in Chinese next to their fields, keeps the input, and nothing is
// created.
func TestNewProjectValidation(t *testing.T) {
	b := newBrowser(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		tb := b.session(t, e)
		tb.loginAs(apptest.PM)
		tb.open("/projects/new")
		const code = "BAD-DATES"
		tb.do(
			chromedp.WaitVisible(chromedp.ID("code")),
			chromedp.SendKeys(chromedp.ID("code"), code),
			chromedp.SetValue(chromedp.ID("customer_company_id"), strconv.FormatInt(e.CompanyA.ID, 10)),
			chromedp.SetValue(chromedp.ID("start_date"), "2026-05-01"),
			chromedp.SetValue(chromedp.ID("golive_date"), "2026-04-01"),
			chromedp.SendKeys(chromedp.ID("budget"), "1,000"),
		)
		if st := tb.submit(chromedp.Click(chromedp.CSS(`form.form button[type=submit]`))); st != 400 {
			t.Fatalf("submit: status %d, want 400", st)
		}
		if p := tb.path(); p != "/projects" {
			t.Errorf("after invalid submit at %s, want the form answered at /projects", p)
		}
		mustContain(t, "summary", tb.text(".alert.error"), "请修正下面标红的字段")
		mustContain(t, "breadcrumbs", tb.text(".topbar .crumbs"), "项目", "新建项目")
		// Each message sits in the row of its own field, which is marked.
		fieldErr := func(id string) string {
			return eval[string](tb, `(() => { const r = document.getElementById(`+strconv.Quote(id)+`).closest('.row');
				const e = r.querySelector('.field-error');
				return r.classList.contains('invalid') && e ? e.textContent.trim() : ''; })()`)
		}
		// Messages are "label: message" (the same text the API returns).
		if got := fieldErr("name"); !strings.HasSuffix(got, "必填") {
			t.Errorf("name error = %q, want …必填", got)
		}
		if got := fieldErr("golive_date"); !strings.HasSuffix(got, "上线日期不能早于开始日期") {
			t.Errorf("go-live error = %q, want …上线日期不能早于开始日期", got)
		}
		for _, id := range []string{"code", "start_date", "customer_company_id", "budget"} {
			if got := fieldErr(id); got != "" {
				t.Errorf("%s has an error %q, want none", id, got)
			}
		}
		if n := eval[int](tb, `document.querySelectorAll('.field-error').length`); n != 2 {
			t.Errorf("%d field errors on the page, want 2", n)
		}
		// What was typed is still there.
		for id, want := range map[string]string{"code": code, "start_date": "2026-05-01", "golive_date": "2026-04-01", "budget": "1,000",
			"customer_company_id": strconv.FormatInt(e.CompanyA.ID, 10)} {
			if v := tb.value("#" + id); v != want {
				t.Errorf("%s after the error = %q, want %q", id, v, want)
			}
		}
		tb.shot("validation")

		_, total, err := e.App.Projects.List(context.Background(), e.Users[apptest.PM].P, project.ListFilter{Q: code}, db.Page{Number: 1, Size: 10})
		if err != nil {
			t.Fatal(err)
		}
		if total != 0 {
			t.Errorf("%d projects named %s exist after a rejected form, want 0", total, code)
		}
	})
}
