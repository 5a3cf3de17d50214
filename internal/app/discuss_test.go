package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"golive/internal/app/apptest"
	"golive/internal/db"
	"golive/internal/discuss"
	"golive/internal/notify"
	"golive/internal/work"
)

// Service tests of comments, attachments, mentions and watchers through
// the HTTP API, on both dialects.

// discussTask creates a task on project A (or B) directly and returns its id.
func discussTask(t *testing.T, e *apptest.Env, projectID int64, title string, visible bool) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := e.App.DB.Tx(ctx, func(tx *db.Tx) error {
		var n int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(number), 0) FROM tasks WHERE project_id = ?`, projectID).Scan(&n); err != nil {
			return err
		}
		now := time.Now().UnixMilli()
		return tx.QueryRow(ctx, `INSERT INTO tasks (project_id, number, title, status, customer_visible, created_ms, updated_ms) VALUES (?, ?, ?, 'todo', ?, ?, ?) RETURNING id`,
			projectID, n+1, title, visible, now, now).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// notified lists who got a notification of kind since the test began.
func notified(t *testing.T, e *apptest.Env, kind string) []apptest.Who {
	t.Helper()
	rows, err := e.App.DB.Query(context.Background(), `SELECT user_id FROM notifications WHERE kind = ? ORDER BY user_id`, kind)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []apptest.Who
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		for who, u := range e.Users {
			if u.ID == id {
				out = append(out, who)
			}
		}
	}
	slices.Sort(out)
	return out
}

func clearNotifications(t *testing.T, e *apptest.Env) {
	t.Helper()
	if _, err := e.App.DB.Exec(context.Background(), `DELETE FROM notifications`); err != nil {
		t.Fatal(err)
	}
}

func taskComments(a, tid int64) string {
	return "/api/v1/projects/" + itoa(a) + "/tasks/" + itoa(tid) + "/comments"
}

func TestDiscussMentionsResolveOnlyToMembersWhoSeeTheTask(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		vis := discussTask(t, e, a, "客户可见任务", true)
		hidden := discussTask(t, e, a, "内部任务", false)

		// On a visible task: pm by name, key_user by e-mail; outsider (no member)
		// and other_customer (another company) are not candidates; the author
		// is never told.
		body := "@pm 请确认，@key_user@fixture.test 也看一下；@outsider @other_customer @consultant"
		r := e.Do(t, apptest.Consultant, "POST", taskComments(a, vis), map[string]any{"body": body})
		if r.Status != 201 {
			t.Fatalf("comment: %d %s", r.Status, r.Body)
		}
		if got, want := notified(t, e, "mention"), []apptest.Who{apptest.KeyUser, apptest.PM}; !slices.Equal(got, want) {
			t.Errorf("mentioned %v, want %v", got, want)
		}
		clearNotifications(t, e)

		// On a task customers cannot see, a customer is never a candidate.
		r = e.Do(t, apptest.Consultant, "POST", taskComments(a, hidden), map[string]any{"body": "@key_user @developer 看下"})
		if r.Status != 201 {
			t.Fatalf("comment: %d %s", r.Status, r.Body)
		}
		if got, want := notified(t, e, "mention"), []apptest.Who{apptest.Developer}; !slices.Equal(got, want) {
			t.Errorf("mentioned %v, want %v", got, want)
		}
		clearNotifications(t, e)

		// An internal comment on a visible task: customers are not candidates either.
		r = e.Do(t, apptest.Consultant, "POST", taskComments(a, vis), map[string]any{"body": "@key_user @pm 内部讨论", "internal": true})
		if r.Status != 201 {
			t.Fatalf("comment: %d %s", r.Status, r.Body)
		}
		if got, want := notified(t, e, "mention"), []apptest.Who{apptest.PM}; !slices.Equal(got, want) {
			t.Errorf("mentioned %v, want %v", got, want)
		}
	})
}

func TestDiscussInternalCommentsAreInvisibleToCustomers(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		tid := discussTask(t, e, a, "可见任务", true)
		// The key user watches the task and so follows every public comment.
		if r := e.Do(t, apptest.KeyUser, "POST", "/api/v1/projects/"+itoa(a)+"/tasks/"+itoa(tid)+"/watchers", map[string]any{"watching": true}); r.Status != 200 {
			t.Fatalf("watch: %d %s", r.Status, r.Body)
		}
		const secret = "内部报价-QX93"
		if r := e.Do(t, apptest.PM, "POST", taskComments(a, tid), map[string]any{"body": secret, "internal": true}); r.Status != 201 {
			t.Fatalf("internal comment: %d %s", r.Status, r.Body)
		}
		if got := notified(t, e, "comment"); len(got) != 0 {
			t.Errorf("an internal comment notified %v", got)
		}
		if r := e.Do(t, apptest.PM, "POST", taskComments(a, tid), map[string]any{"body": "公开说明"}); r.Status != 201 {
			t.Fatalf("comment: %d %s", r.Status, r.Body)
		}
		if got, want := notified(t, e, "comment"), []apptest.Who{apptest.KeyUser}; !slices.Equal(got, want) {
			t.Errorf("a public comment notified %v, want %v", got, want)
		}
		for _, who := range []apptest.Who{apptest.KeyUser, apptest.CustomerPM, apptest.Executive} {
			r := e.Do(t, who, "GET", taskComments(a, tid), nil)
			var cs []discuss.Comment
			r.JSON(t, &cs)
			if r.Status != 200 || len(cs) != 1 || strings.Contains(r.Body, secret) {
				t.Errorf("%s sees %d comments: %s", who, len(cs), r.Body)
			}
			page := e.Do(t, who, "GET", "/projects/"+itoa(a)+"/tasks/"+itoa(tid), nil)
			if page.Status != 200 || strings.Contains(page.Body, secret) || !strings.Contains(page.Body, "公开说明") {
				t.Errorf("%s task page: %d, secret shown or public comment missing", who, page.Status)
			}
			// The internal flag is not theirs to set.
			if r := e.Do(t, who, "POST", taskComments(a, tid), map[string]any{"body": "x", "internal": true}); r.Status != 400 {
				t.Errorf("%s posted an internal comment: %d", who, r.Status)
			}
		}
		// The internal comment's id is not found for a customer.
		var id int64
		if err := e.App.DB.QueryRow(context.Background(), `SELECT id FROM comments WHERE internal = ?`, true).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if r := e.Do(t, apptest.KeyUser, "DELETE", "/api/v1/comments/"+itoa(id), nil); r.Status != 404 {
			t.Errorf("customer deleting an internal comment: %d", r.Status)
		}
		r := e.Do(t, apptest.Developer, "GET", taskComments(a, tid), nil)
		if !strings.Contains(r.Body, secret) {
			t.Errorf("vendor staff do not see the internal comment: %s", r.Body)
		}
		// The Excel export follows the same rule.
		xlsx := "/projects/" + itoa(a) + "/tasks/" + itoa(tid) + "/comments.xlsx"
		for who, want := range map[apptest.Who]bool{apptest.KeyUser: false, apptest.Developer: true} {
			r := e.Do(t, who, "GET", xlsx, nil)
			f, err := excelize.OpenReader(strings.NewReader(r.Body))
			if err != nil {
				t.Fatalf("%s export: %d %v", who, r.Status, err)
			}
			rows, _ := f.GetRows(f.GetSheetList()[0])
			f.Close()
			all := fmt.Sprint(rows)
			if strings.Contains(all, secret) != want || !strings.Contains(all, "公开说明") {
				t.Errorf("%s export: %v", who, rows)
			}
		}
	})
}

func TestDiscussOtherCompanyAndInternalTasksAreNotFound(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a, b := e.ProjectA.ID, e.ProjectB.ID
		vis := discussTask(t, e, a, "甲任务", true)
		hidden := discussTask(t, e, a, "甲内部任务", false)
		bTask := discussTask(t, e, b, "乙任务", true)
		r := e.Do(t, apptest.PM, "POST", taskComments(a, vis), map[string]any{"body": "甲的评论"})
		var c discuss.Comment
		r.JSON(t, &c)
		for _, p := range []struct {
			who          apptest.Who
			method, path string
			body         any
			want         int
		}{
			{apptest.OtherCust, "GET", taskComments(a, vis), nil, 404},
			{apptest.OtherCust, "POST", taskComments(a, vis), map[string]any{"body": "x"}, 404},
			{apptest.OtherCust, "PATCH", "/api/v1/comments/" + itoa(c.ID), map[string]any{"body": "x", "version": 1}, 404},
			{apptest.Outsider, "GET", taskComments(a, vis), nil, 404},
			{apptest.KeyUser, "GET", taskComments(a, hidden), nil, 404},
			{apptest.KeyUser, "POST", taskComments(a, hidden), map[string]any{"body": "x"}, 404},
			// B's task named under A: not found even for the PM of both.
			{apptest.PM, "GET", taskComments(a, bTask), nil, 404},
			{apptest.PM, "POST", taskComments(a, bTask), map[string]any{"body": "x"}, 404},
			{apptest.KeyUser, "GET", taskComments(b, bTask), nil, 404},
		} {
			if got := e.Do(t, p.who, p.method, p.path, p.body); got.Status != p.want {
				t.Errorf("%s %s as %s: %d, want %d: %s", p.method, p.path, p.who, got.Status, p.want, got.Body)
			}
		}
		var n int
		if err := e.App.DB.QueryRow(context.Background(), `SELECT count(*) FROM comments`).Scan(&n); err != nil || n != 1 {
			t.Errorf("comments written: %d %v", n, err)
		}
	})
}

func TestDiscussStaleEditIsAConflict(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		tid := discussTask(t, e, a, "任务", true)
		r := e.Do(t, apptest.Consultant, "POST", taskComments(a, tid), map[string]any{"body": "第一版"})
		var c discuss.Comment
		r.JSON(t, &c)
		path := "/api/v1/comments/" + itoa(c.ID)
		if r := e.Do(t, apptest.Consultant, "PATCH", path, map[string]any{"body": "第二版 @pm", "version": c.Version}); r.Status != 200 {
			t.Fatalf("edit: %d %s", r.Status, r.Body)
		}
		// The edit mentions the PM for the first time: they are told once.
		if got := notified(t, e, "mention"); !slices.Equal(got, []apptest.Who{apptest.PM}) {
			t.Errorf("edit mentioned %v", got)
		}
		if r := e.Do(t, apptest.Consultant, "PATCH", path, map[string]any{"body": "第三版", "version": c.Version}); r.Status != 409 {
			t.Errorf("stale edit: %d %s", r.Status, r.Body)
		}
		if r := e.Do(t, apptest.PM, "PATCH", path, map[string]any{"body": "别人改", "version": c.Version + 1}); r.Status != 403 {
			t.Errorf("someone else's edit: %d", r.Status)
		}
		var body string
		if err := e.App.DB.QueryRow(context.Background(), `SELECT body FROM comments WHERE id = ?`, c.ID).Scan(&body); err != nil || body != "第二版 @pm" {
			t.Errorf("body %q %v", body, err)
		}
		// A page edit with the stale version keeps the typed text and says why.
		form := "body=" + "页面改动" + "&version=" + itoa(c.Version)
		req, _ := http.NewRequest("POST", e.URL+"/comments/"+itoa(c.ID)+"/edit", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("HX-Request", "true")
		req.AddCookie(&http.Cookie{Name: "golive_session", Value: e.Users[apptest.Consultant].Session})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 409 || !strings.Contains(string(b), "页面改动") || !strings.Contains(string(b), "刚被修改") {
			t.Errorf("htmx stale edit: %d %s", resp.StatusCode, b)
		}
	})
}

func TestDiscussDeleteAndRestoreThroughTheTrash(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		tid := discussTask(t, e, a, "任务", true)
		r := e.Do(t, apptest.KeyUser, "POST", taskComments(a, tid), map[string]any{"body": "客户的意见"})
		var c discuss.Comment
		r.JSON(t, &c)
		att := uploadFile(t, e, apptest.KeyUser, a, tid, "现场照片.txt", []byte("照片说明"), false)
		if att.Status != 201 {
			t.Fatalf("upload: %d %s", att.Status, att.Body)
		}
		var at discuss.Attachment
		att.JSON(t, &at)
		// The PM moderates: deletes the customer's comment and file.
		if r := e.Do(t, apptest.PM, "DELETE", "/api/v1/comments/"+itoa(c.ID), nil); r.Status != 204 {
			t.Fatalf("delete: %d %s", r.Status, r.Body)
		}
		if r := e.Do(t, apptest.PM, "DELETE", "/api/v1/attachments/"+itoa(at.ID), nil); r.Status != 204 {
			t.Fatalf("delete attachment: %d %s", r.Status, r.Body)
		}
		if r := e.Do(t, apptest.KeyUser, "GET", taskComments(a, tid), nil); strings.Contains(r.Body, "客户的意见") {
			t.Errorf("deleted comment still listed")
		}
		if r := e.Do(t, apptest.KeyUser, "GET", "/api/v1/attachments/"+itoa(at.ID), nil); r.Status != 404 {
			t.Errorf("deleted attachment downloads: %d", r.Status)
		}
		// The author finds both in their trash and restores them.
		tr := e.Do(t, apptest.KeyUser, "GET", "/api/v1/trash", nil)
		if !strings.Contains(tr.Body, `"kind":"comment"`) || !strings.Contains(tr.Body, `"kind":"attachment"`) {
			t.Fatalf("trash: %s", tr.Body)
		}
		if r := e.Do(t, apptest.Executive, "POST", "/api/v1/trash/comment/"+itoa(c.ID)+"/restore", nil); r.Status != 403 {
			t.Errorf("someone else restoring: %d", r.Status)
		}
		if r := e.Do(t, apptest.KeyUser, "POST", "/api/v1/trash/comment/"+itoa(c.ID)+"/restore", nil); r.Status != 204 {
			t.Fatalf("restore: %d %s", r.Status, r.Body)
		}
		if r := e.Do(t, apptest.KeyUser, "POST", "/api/v1/trash/attachment/"+itoa(at.ID)+"/restore", nil); r.Status != 204 {
			t.Fatalf("restore attachment: %d %s", r.Status, r.Body)
		}
		if r := e.Do(t, apptest.KeyUser, "GET", taskComments(a, tid), nil); !strings.Contains(r.Body, "客户的意见") {
			t.Errorf("restored comment missing: %s", r.Body)
		}
		if r := e.Do(t, apptest.KeyUser, "GET", "/api/v1/attachments/"+itoa(at.ID), nil); r.Status != 200 || r.Body != "照片说明" {
			t.Errorf("restored attachment: %d %q", r.Status, r.Body)
		}
		var n int
		if err := e.App.DB.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE entity IN ('comment', 'attachment') AND action IN ('delete', 'restore')`).Scan(&n); err != nil || n != 4 {
			t.Errorf("audit rows: %d %v", n, err)
		}
	})
}

// uploadFile posts a real multipart upload through the API.
func uploadFile(t *testing.T, e *apptest.Env, who apptest.Who, projectID, taskID int64, name string, data []byte, internal bool) apptest.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if internal {
		mw.WriteField("internal", "1")
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", e.URL+"/api/v1/projects/"+itoa(projectID)+"/tasks/"+itoa(taskID)+"/attachments", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.Users[who].Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return apptest.Response{Status: resp.StatusCode, Header: resp.Header, Body: string(body)}
}

func TestDiscussUploads(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		a := e.ProjectA.ID
		tid := discussTask(t, e, a, "任务", true)
		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 100)...)
		r := uploadFile(t, e, apptest.Consultant, a, tid, `C:\资料\物料主数据 "v2".png`, png, false)
		if r.Status != 201 {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		var at discuss.Attachment
		r.JSON(t, &at)
		if at.FileName != "物料主数据 v2.png" || at.ContentType != "image/png" || !at.Thumb || at.Size != int64(len(png)) {
			t.Errorf("attachment %+v", at)
		}
		// The same bytes again are stored once.
		if r := uploadFile(t, e, apptest.PM, a, tid, "副本.png", png, true); r.Status != 201 {
			t.Fatalf("second upload: %d", r.Status)
		}
		var blobs int
		if err := e.App.DB.QueryRow(ctx, `SELECT count(*) FROM blobs`).Scan(&blobs); err != nil || blobs != 1 {
			t.Errorf("blobs: %d %v", blobs, err)
		}
		// Download: a safe Content-Disposition with the Chinese name (RFC 5987).
		d := e.Do(t, apptest.KeyUser, "GET", "/api/v1/attachments/"+itoa(at.ID), nil)
		cd := d.Header.Get("Content-Disposition")
		if d.Status != 200 || d.Body != string(png) || !strings.HasPrefix(cd, "attachment;") ||
			!strings.Contains(cd, "filename*=UTF-8''%E7%89%A9%E6%96%99%E4%B8%BB%E6%95%B0%E6%8D%AE%20v2.png") {
			t.Errorf("download: %d %q", d.Status, cd)
		}
		if in := e.Do(t, apptest.KeyUser, "GET", "/attachments/"+itoa(at.ID)+"?inline=1", nil); !strings.HasPrefix(in.Header.Get("Content-Disposition"), "inline;") || in.Header.Get("Content-Type") != "image/png" {
			t.Errorf("thumbnail: %q %q", in.Header.Get("Content-Disposition"), in.Header.Get("Content-Type"))
		}
		// The internal copy is not listed for the customer.
		l := e.Do(t, apptest.KeyUser, "GET", "/api/v1/projects/"+itoa(a)+"/tasks/"+itoa(tid)+"/attachments", nil)
		if strings.Contains(l.Body, "副本.png") {
			t.Errorf("customer sees the internal attachment: %s", l.Body)
		}
		// HTML is never served as a page.
		r = uploadFile(t, e, apptest.Consultant, a, tid, "x.html", []byte("<html><script>alert(1)</script></html>"), false)
		var h discuss.Attachment
		r.JSON(t, &h)
		hd := e.Do(t, apptest.Consultant, "GET", "/attachments/"+itoa(h.ID)+"?inline=1", nil)
		if !strings.HasPrefix(hd.Header.Get("Content-Disposition"), "attachment;") || strings.HasPrefix(hd.Header.Get("Content-Type"), "text/html") {
			t.Errorf("html download: %q %q", hd.Header.Get("Content-Disposition"), hd.Header.Get("Content-Type"))
		}

		// Over the limit: a clear 400 in the caller's language, nothing written.
		e.App.Discuss.MaxUpload = 1 << 20
		var before [2]int
		e.App.DB.QueryRow(ctx, `SELECT (SELECT count(*) FROM attachments), (SELECT count(*) FROM blobs)`).Scan(&before[0], &before[1])
		big := bytes.Repeat([]byte("x"), 1<<20+1)
		r = uploadFile(t, e, apptest.Consultant, a, tid, "大文件.bin", big, false)
		if r.Status != 400 || !strings.Contains(r.Body, "文件太大") || !strings.Contains(r.Body, "1 MB") {
			t.Errorf("too large (zh): %d %s", r.Status, r.Body)
		}
		if err := e.App.Auth.SetLocale(ctx, e.Users[apptest.Developer].P, "en"); err != nil {
			t.Fatal(err)
		}
		r = uploadFile(t, e, apptest.Developer, a, tid, "big.bin", big, false)
		if r.Status != 400 || !strings.Contains(r.Body, "too large") {
			t.Errorf("too large (en): %d %s", r.Status, r.Body)
		}
		var after [2]int
		e.App.DB.QueryRow(ctx, `SELECT (SELECT count(*) FROM attachments), (SELECT count(*) FROM blobs)`).Scan(&after[0], &after[1])
		if after != before {
			t.Errorf("a refused upload wrote rows: %v → %v", before, after)
		}
		// Beyond even the route's body limit: still a 400, not a broken connection.
		e.App.Discuss.MaxUpload = discuss.DefaultMaxUpload
		huge := bytes.Repeat([]byte("y"), discuss.DefaultMaxUpload+2<<20)
		if r := uploadFile(t, e, apptest.Consultant, a, tid, "巨大.bin", huge, false); r.Status != 400 || !strings.Contains(r.Body, "20 MB") {
			t.Errorf("over the route limit: %d %s", r.Status, r.Body)
		}
	})
}

func TestDiscussWatchersAndFollowers(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		vis := discussTask(t, e, a, "任务", true)
		hidden := discussTask(t, e, a, "内部任务", false)
		// The developer is the assignee of the visible task.
		if _, err := e.App.DB.Exec(context.Background(), `INSERT INTO task_assignees (task_id, user_id) VALUES (?, ?)`, vis, e.Users[apptest.Developer].ID); err != nil {
			t.Fatal(err)
		}
		w := func(tid int64) string { return "/api/v1/projects/" + itoa(a) + "/tasks/" + itoa(tid) + "/watchers" }
		for _, p := range []struct {
			who  apptest.Who
			tid  int64
			body map[string]any
			want int
		}{
			{apptest.Consultant, vis, map[string]any{"user_id": e.Users[apptest.Finance].ID, "watching": true}, 403}, // not PM, not assignee
			{apptest.Developer, vis, map[string]any{"user_id": e.Users[apptest.Finance].ID, "watching": true}, 200},  // assignee
			{apptest.PM, hidden, map[string]any{"user_id": e.Users[apptest.KeyUser].ID, "watching": true}, 400},      // cannot see it
			{apptest.PM, vis, map[string]any{"user_id": e.Users[apptest.Outsider].ID, "watching": true}, 400},        // not a member
			{apptest.KeyUser, hidden, map[string]any{"watching": true}, 404},
			{apptest.CustomerPM, vis, map[string]any{"watching": true}, 200},
		} {
			if r := e.Do(t, p.who, "POST", w(p.tid), p.body); r.Status != p.want {
				t.Errorf("%s watch %v: %d, want %d: %s", p.who, p.body, r.Status, p.want, r.Body)
			}
		}
		// A comment by the finance watcher tells the assignee and the other
		// watcher, not its author.
		if r := e.Do(t, apptest.Finance, "POST", taskComments(a, vis), map[string]any{"body": "预算确认"}); r.Status != 201 {
			t.Fatalf("comment: %d", r.Status)
		}
		if got, want := notified(t, e, "comment"), []apptest.Who{apptest.CustomerPM, apptest.Developer}; !slices.Equal(got, want) {
			t.Errorf("notified %v, want %v", got, want)
		}
		if r := e.Do(t, apptest.CustomerPM, "POST", w(vis), map[string]any{"watching": false}); r.Status != 200 || strings.Contains(r.Body, "customer_pm") {
			t.Errorf("unwatch: %d %s", r.Status, r.Body)
		}
		_ = work.DiscussKind
	})
}

// The settings page offers the e-mail preference once a mail server is
// configured, and saving it keeps the version (a stale save is 409).
func TestNotifySettingsPreference(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		if r := e.Do(t, apptest.KeyUser, "GET", "/settings", nil); r.Status != 200 || !strings.Contains(r.Body, `id="notify-prefs"`) || strings.Contains(r.Body, `id="notify-email"`) {
			t.Fatalf("settings without mail: %d", r.Status)
		}
		e.App.Notify.SetMailer(&notify.Mailer{Addr: "127.0.0.1:1", From: "noreply@example.cn"})
		defer e.App.Notify.SetMailer(nil)
		if r := e.Do(t, apptest.KeyUser, "GET", "/settings", nil); !strings.Contains(r.Body, `id="notify-email"`) {
			t.Fatalf("settings with mail: no checkbox")
		}
		if r := e.Do(t, apptest.KeyUser, "POST", "/settings/notifications", "email=1&version=0"); r.Status != 303 {
			t.Fatalf("save: %d %s", r.Status, r.Body)
		}
		if r := e.Do(t, apptest.KeyUser, "GET", "/settings", nil); !strings.Contains(r.Body, `id="notify-email" checked`) {
			t.Errorf("the preference did not stick")
		}
		if r := e.Do(t, apptest.KeyUser, "PUT", "/api/v1/notifications/prefs", map[string]any{"email": false, "version": 0}); r.Status != 409 {
			t.Errorf("stale save: %d %s", r.Status, r.Body)
		}
		// With the preference on, a mention queues a mail in the same transaction.
		tid := discussTask(t, e, e.ProjectA.ID, "任务", true)
		if r := e.Do(t, apptest.PM, "POST", taskComments(e.ProjectA.ID, tid), map[string]any{"body": "@key_user 请确认"}); r.Status != 201 {
			t.Fatalf("comment: %d", r.Status)
		}
		var n int
		if err := e.App.DB.QueryRow(context.Background(), `SELECT count(*) FROM mail_outbox WHERE to_addr = ?`, e.Users[apptest.KeyUser].Email).Scan(&n); err != nil || n != 1 {
			t.Errorf("outbox rows for the key user: %d %v", n, err)
		}
	})
}
