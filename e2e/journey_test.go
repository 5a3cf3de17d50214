package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"golive/internal/app/apptest"
)

// TestCustomerJourney is the main path through the app: the administrator
// creates a customer account for 甲客户 and reads its one-time password; the
// PM creates a project with a budget and adds that customer as a member;
// the customer logs in, sees only that project and never its budget, and
// switches the interface to English and back.
func TestCustomerJourney(t *testing.T) {
	b := newBrowser(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		tb := b.session(t, e)

		// The login page, in Chinese for a browser that asks for Chinese.
		tb.open("/login")
		tb.do(chromedp.WaitVisible(chromedp.ID("login-submit")))
		mustContain(t, "login page", tb.bodyText(), "登录", "邮箱", "密码")
		tb.shot("login")

		// A wrong password keeps the person on the form with a message.
		tb.do(
			chromedp.SendKeys(chromedp.ID("email"), e.Users[apptest.Admin].Email),
			chromedp.SendKeys(chromedp.ID("password"), "not-the-password"),
		)
		if st := tb.submit(chromedp.Click(chromedp.ID("login-submit"))); st < 400 {
			t.Errorf("wrong password: status %d, want 4xx", st)
		}
		tb.do(chromedp.WaitVisible(chromedp.ID("login-error")))
		if v := tb.value("#email"); v != e.Users[apptest.Admin].Email {
			t.Errorf("email after failed login = %q, want it kept", v)
		}
		tb.do(chromedp.Clear(chromedp.ID("email")))
		tb.login(e.Users[apptest.Admin].Email, apptest.Password)

		// Admin → 用户: create the customer's account; the password is
		// shown once on the answer page.
		tb.submit(chromedp.Click(chromedp.CSS(`.sidebar a[href="/admin/users"]`)))
		const custEmail, custName = "zhang.wei@jia.example", "张伟（甲方）"
		tb.do(
			chromedp.WaitVisible(chromedp.ID("email")),
			chromedp.SendKeys(chromedp.ID("email"), custEmail),
			chromedp.SendKeys(chromedp.ID("name"), custName),
			chromedp.SetValue(chromedp.ID("company_id"), strconv.FormatInt(e.CompanyA.ID, 10)),
			chromedp.SetValue(chromedp.ID("role"), "key_user"),
		)
		if st := tb.submit(chromedp.Click(chromedp.CSS(`form[action="/admin/users"] button[type=submit]`))); st != 200 {
			t.Fatalf("create user: status %d: %s", st, clip(tb.bodyText()))
		}
		secret := tb.text("#new-user-password")
		email, custPassword, ok := strings.Cut(secret, " / ")
		if !ok || email != custEmail || len(custPassword) < 8 {
			t.Fatalf("one-time password box = %q, want %q / <password>", secret, custEmail)
		}
		mustContain(t, "users table", tb.text("#users"), custName, "甲客户")
		tb.logout()

		// The PM creates a project for 甲客户 with a budget.
		tb.loginAs(apptest.PM)
		tb.submit(chromedp.Click(chromedp.CSS(`.toolbar a[href="/projects/new"]`)))
		const code, name, budget = "JK-WEB", "甲客户门户上线", "88,888.88"
		tb.do(
			chromedp.WaitVisible(chromedp.ID("code")),
			chromedp.SendKeys(chromedp.ID("code"), code),
			chromedp.SendKeys(chromedp.ID("name"), name),
			chromedp.SetValue(chromedp.ID("product"), "MES"),
			chromedp.SetValue(chromedp.ID("customer_company_id"), strconv.FormatInt(e.CompanyA.ID, 10)),
			chromedp.SetValue(chromedp.ID("start_date"), "2026-03-02"),
			chromedp.SetValue(chromedp.ID("golive_date"), "2026-09-30"),
			chromedp.SendKeys(chromedp.ID("budget"), budget),
			chromedp.SendKeys(chromedp.ID("description"), "第一期：门户与移动端。"),
		)
		if st := tb.submit(chromedp.Click(chromedp.CSS(`form.form button[type=submit]`))); st != 200 {
			t.Fatalf("create project: status %d: %s", st, clip(tb.bodyText()))
		}
		overview := tb.path()
		id, err := strconv.ParseInt(strings.TrimPrefix(overview, "/projects/"), 10, 64)
		if err != nil {
			t.Fatalf("after create at %s, want /projects/{id}", overview)
		}
		body := tb.bodyText()
		mustContain(t, "overview (PM)", body, "已创建项目："+name, "甲客户", "2026-09-30", "¥"+budget)
		// The activity feed records the creation (field changes are listed for edits).
		mustContain(t, "activity (PM)", tb.text(".timeline"), "创建了 项目 "+name)
		tb.shot("project-overview")

		// …and sees it in the list, budget included (the PM may).
		tb.submit(chromedp.Click(chromedp.CSS(`.sidebar a[href="/projects"]`)))
		tb.do(chromedp.WaitVisible(chromedp.ID("projects")))
		mustContain(t, "project list (PM)", tb.text("#projects"), code, name, "甲项目", "乙项目", "¥"+budget)
		tb.shot("projects-zh")

		// Members: from the list to the project, then its 项目成员 page, to
		// add the new customer account as key user.
		base := "/projects/" + strconv.FormatInt(id, 10)
		tb.submit(chromedp.Click(chromedp.CSS(`#projects a[href="` + base + `"]`)))
		tb.submit(chromedp.Click(chromedp.CSS(`.sidebar a[href="` + base + `/members"]`)))
		tb.do(chromedp.WaitVisible(chromedp.ID("member-user")))
		custID := eval[string](tb, `[...document.querySelectorAll('#member-user option')].find(o => o.textContent.includes(`+strconv.Quote(custName)+`)).value`)
		mustNotContain(t, "member candidates", tb.text("#member-user"), "other_customer") // 乙客户's people are not offered
		tb.do(
			chromedp.SetValue(chromedp.ID("member-user"), custID),
			chromedp.SetValue(chromedp.ID("member-role"), "key_user"),
		)
		if st := tb.submit(chromedp.Click(chromedp.CSS(`#add-member button[type=submit]`))); st != 200 {
			t.Fatalf("add member: status %d: %s", st, clip(tb.bodyText()))
		}
		mustContain(t, "members table", tb.text("#members"), custName, custEmail, "甲客户", "关键用户")
		tb.shot("members")
		tb.logout()

		// The customer logs in with the one-time password.
		tb.login(custEmail, custPassword)
		if p := tb.path(); p != "/projects" {
			t.Fatalf("customer landed on %s, want /projects", p)
		}
		tb.do(chromedp.WaitVisible(chromedp.ID("projects")))
		mustContain(t, "project list (customer)", tb.text("#projects"), code, name)
		// Not 乙客户's project, not 甲客户's other project (not a member),
		// and no money anywhere in the document — visible or not.
		noCost := []string{"88,888", "8888888", "8.888888e", "预算", "¥", "1,234,567", "9,876,543", "乙项目", "甲项目", "乙客户"}
		mustNotContain(t, "project list (customer)", tb.html(), noCost...)
		tb.submit(chromedp.Click(chromedp.CSS(`#projects a[href="` + base + `"]`)))
		mustContain(t, "overview (customer)", tb.bodyText(), name, "甲客户", "关键用户")
		mustNotContain(t, "overview (customer)", tb.html(), noCost...)
		if st := tb.open("/projects/" + strconv.FormatInt(e.ProjectB.ID, 10)); st != 404 {
			t.Errorf("customer opening 乙项目: status %d, want 404", st)
		}

		// Switch to English and back.
		tb.open("/projects")
		tb.submit(chromedp.Click(chromedp.CSS(`.topbar .lang-switch button[value="en"]`)))
		tb.do(chromedp.WaitVisible(chromedp.ID("projects")))
		if h := tb.text("h1"); h != "Projects" {
			t.Errorf("English h1 = %q, want Projects", h)
		}
		en := tb.bodyText()
		mustContain(t, "English list", en, "Projects", "Log out", name)
		mustNotContain(t, "English list", en, "项目列表", "退出")
		tb.shot("projects-en")
		tb.submit(chromedp.Click(chromedp.CSS(`.topbar .lang-switch button[value="zh-CN"]`)))
		if h := tb.text("h1"); h != "项目列表" {
			t.Errorf("Chinese h1 = %q, want 项目列表", h)
		}
		mustContain(t, "back in Chinese", tb.bodyText(), "退出", name)
	})
}
