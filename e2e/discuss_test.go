package e2e

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"golive/internal/app/apptest"
	"golive/internal/work"
)

// TestCommentMentionReachesThePM: a consultant comments "@pm …" on a task
// (the thread updates without a page load) and attaches a screenshot; the
// PM's header shows an unread badge, the notification centre lists the
// mention, and following it opens the task at the comment.
func TestCommentMentionReachesThePM(t *testing.T) {
	b := newBrowser(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		pm := e.Users[apptest.PM]
		a := e.ProjectA.ID
		tk, err := e.App.Work.Create(ctx, pm.P, a, work.Input{Title: "物料主数据清洗", CustomerVisible: true, AssigneeIDs: []int64{e.Users[apptest.Consultant].ID}})
		if err != nil {
			t.Fatal(err)
		}
		taskPath := "/projects/" + strconv.FormatInt(a, 10) + "/tasks/" + strconv.FormatInt(tk.ID, 10)

		con := b.session(t, e)
		con.loginAs(apptest.Consultant)
		if st := con.open(taskPath); st != 200 {
			t.Fatalf("task page: %d", st)
		}
		eval[chromedp.Void](con, `window.__samePage = 1`)
		// The PM's chip under the box writes the mention; the rest is typed.
		con.do(chromedp.Click(chromedp.CSS(`[data-mention="pm"]`)))
		con.do(chromedp.SendKeys(chromedp.ID("comment-body"), "请确认 **计量单位** 的映射规则，见附件。"))
		if v := con.value("#comment-body"); v != "@pm 请确认 **计量单位** 的映射规则，见附件。" {
			t.Fatalf("comment box holds %q", v)
		}
		con.do(chromedp.Click(chromedp.ID("comment-submit")))
		con.do(chromedp.Poll[chromedp.Void](`document.querySelectorAll('#comments .comment').length === 1`, chromedp.WithPollingTimeout(5*time.Second)))
		if !eval[bool](con, `window.__samePage === 1`) {
			t.Error("posting the comment reloaded the page")
		}
		mustContain(t, "thread", con.text("#comments"), "consultant", "计量单位")
		if got := eval[string](con, `document.querySelector('#comments .comment-body strong').textContent`); got != "计量单位" {
			t.Errorf("markdown: %q", got)
		}
		// A small image becomes a thumbnail.
		img := filepath.Join(t.TempDir(), "映射规则.png")
		if err := os.WriteFile(img, samplePNG(t), 0o644); err != nil {
			t.Fatal(err)
		}
		con.do(chromedp.SetUploadFiles(chromedp.CSS(`#upload-file`), []string{img}))
		con.do(chromedp.Click(chromedp.CSS(`#upload-form button[type=submit]`)))
		con.do(chromedp.Poll[chromedp.Void](`document.querySelectorAll('#attachments .attachment').length === 1 && document.querySelector('#attachments img.thumb').naturalWidth > 0`, chromedp.WithPollingTimeout(5*time.Second)))
		mustContain(t, "attachments", con.text("#attachments"), "映射规则.png")
		// Edit in place: the thread swaps to a form and back, no page load.
		con.do(chromedp.Click(chromedp.CSS(`#comments .comment-head a[hx-get]`)))
		con.do(chromedp.WaitVisible(chromedp.CSS(`#comments .comment-edit textarea`)))
		// htmx wires swapped-in content when it settles, a moment after it is
		// visible; a click before that would post the form the old way.
		con.do(chromedp.Poll[chromedp.Void](`(f => !!(f && f['htmx-internal-data'] && f['htmx-internal-data'].initHash))(document.querySelector('#comments .comment-edit'))`, chromedp.WithPollingTimeout(5*time.Second)))
		eval[chromedp.Void](con, `document.querySelector('#comments .comment-edit textarea').value = '@pm 请确认 **计量单位** 的映射规则（已补充换算表），见附件。'`)
		con.do(chromedp.Click(chromedp.CSS(`#comments .comment-edit button[type=submit]`)))
		con.do(chromedp.Poll[chromedp.Void](`document.querySelector('#comments .comment-edit') === null && document.querySelector('#comments .comment-body').textContent.includes('换算表')`, chromedp.WithPollingTimeout(5*time.Second)))
		mustContain(t, "edited comment", con.text("#comments"), "已编辑")
		if !eval[bool](con, `window.__samePage === 1`) {
			t.Error("editing the comment reloaded the page")
		}
		con.shot("discuss-thread")

		// The PM sees the badge on any page.
		pmTab := b.session(t, e)
		pmTab.loginAs(apptest.PM)
		if st := pmTab.open("/projects"); st != 200 {
			t.Fatalf("projects: %d", st)
		}
		if got := pmTab.text("#unread-count"); got != "1" {
			t.Fatalf("unread badge %q", got)
		}
		pmTab.shot("discuss-badge")
		if st := pmTab.submit(chromedp.Click(chromedp.ID("notifications-bell"))); st != 200 {
			t.Fatalf("notifications: %d", st)
		}
		list := pmTab.text("#notifications")
		mustContain(t, "notification", list, "consultant", "提到了你", "物料主数据清洗", "计量单位")
		// The edit kept the same mention: the PM was told once.
		if n := eval[int](pmTab, `document.querySelectorAll('#notifications li').length`); n != 1 {
			t.Errorf("%d notifications, want 1", n)
		}
		pmTab.shot("discuss-notifications")
		if st := pmTab.submit(chromedp.Click(chromedp.CSS(`#notifications a`))); st != 200 {
			t.Fatalf("open notification: %d", st)
		}
		if p := pmTab.path(); !strings.HasPrefix(p, taskPath+"#comment-") {
			t.Errorf("the notification led to %s, want %s#comment-…", p, taskPath)
		}
		mustContain(t, "task page", pmTab.text("#discussion"), "计量单位", "映射规则.png")
		if n := eval[int](pmTab, `document.querySelectorAll('#unread-count').length`); n != 0 {
			t.Error("the badge is still shown after reading the only notification")
		}
		pmTab.shot("discuss-task")
	})
}

// samplePNG draws a small diagram-like image.
func samplePNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 160, 100))
	for y := 0; y < 100; y++ {
		for x := 0; x < 160; x++ {
			c := color.RGBA{0xe8, 0xf0, 0xfe, 0xff}
			if x > 20 && x < 70 && y > 30 && y < 70 {
				c = color.RGBA{0x1a, 0x73, 0xe8, 0xff}
			} else if x > 90 && x < 140 && y > 30 && y < 70 {
				c = color.RGBA{0x34, 0xa8, 0x53, 0xff}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
