package app_test

import (
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golive/internal/app/apptest"
	"golive/internal/db"
	"golive/internal/discuss"
	"golive/internal/notify"
	"golive/internal/work"
)

// The discuss and notify rows of the authorization matrix. Project A gets
// a customer-visible task {dtask} carrying an internal comment whose body
// is the internal mark: customers must never find it in a thread, vendor
// members must. {dcomment} and {datt} are a fresh comment and attachment
// by the PM on {dtask} for every request (a permitted delete takes
// nothing from the next caller); {nid} is a fresh notification of the
// caller.
//
// Uploads: the matrix sends forms and JSON, not multipart bodies, so the
// callers allowed to upload get 400 ("choose a file") — after the
// permission check, which is what the row proves; TestDiscussUploads sends
// real files.

func init() {
	authzModuleRows = append(authzModuleRows, authzDiscussRows)
	authzExpanders = append(authzExpanders, func(t *testing.T, x *authzFix, path string, who apptest.Who) string {
		if strings.Contains(path, "{dtask}") {
			path = strings.ReplaceAll(path, "{dtask}", itoa(authzDiscussTask(t, x)))
		}
		if strings.Contains(path, "{dcomment}") {
			c, err := x.e.App.Discuss.AddComment(x.ctx, x.p(apptest.PM), discuss.Ref{Kind: work.DiscussKind, ID: authzDiscussTask(t, x)}, discuss.CommentInput{Body: "矩阵评论 " + strconv.Itoa(x.next())})
			if err != nil {
				t.Fatal(err)
			}
			path = strings.ReplaceAll(path, "{dcomment}", itoa(c.ID))
		}
		if strings.Contains(path, "{datt}") {
			path = strings.ReplaceAll(path, "{datt}", itoa(authzDiscussAttachment(t, x)))
		}
		if strings.Contains(path, "{nid}") {
			if who == apptest.Anonymous {
				who = apptest.PM
			}
			var id int64
			err := x.e.App.DB.Tx(x.ctx, func(tx *db.Tx) error {
				if err := x.e.App.Notify.Add(x.ctx, tx, notify.Note{UserID: x.e.Users[who].ID, Kind: "test", Key: "notify.title", Link: "/projects"}); err != nil {
					return err
				}
				return tx.QueryRow(x.ctx, `SELECT MAX(id) FROM notifications WHERE user_id = ?`, x.e.Users[who].ID).Scan(&id)
			})
			if err != nil {
				t.Fatal(err)
			}
			path = strings.ReplaceAll(path, "{nid}", itoa(id))
		}
		return path
	})
}

var authzDiscussTasks sync.Map // *authzFix → task id

// authzDiscussTask creates {dtask} once per fixture: customer-visible, with
// an internal comment that carries the internal mark.
func authzDiscussTask(t *testing.T, x *authzFix) int64 {
	t.Helper()
	if id, ok := authzDiscussTasks.Load(x); ok {
		return id.(int64)
	}
	var id int64
	err := x.e.App.DB.Tx(x.ctx, func(tx *db.Tx) error {
		var n int64
		if err := tx.QueryRow(x.ctx, `SELECT COALESCE(MAX(number), 0) FROM tasks WHERE project_id = ?`, x.e.ProjectA.ID).Scan(&n); err != nil {
			return err
		}
		now := time.Now().UnixMilli()
		return tx.QueryRow(x.ctx, `INSERT INTO tasks (project_id, number, title, status, customer_visible, created_ms, updated_ms) VALUES (?, ?, '讨论授权任务', 'todo', ?, ?, ?) RETURNING id`,
			x.e.ProjectA.ID, n+1, true, now, now).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	authzDiscussTasks.Store(x, id)
	if _, err := x.e.App.Discuss.AddComment(x.ctx, x.p(apptest.Consultant), discuss.Ref{Kind: work.DiscussKind, ID: id}, discuss.CommentInput{Body: authzInternalMark + " 内部评论", Internal: true}); err != nil {
		t.Fatal(err)
	}
	return id
}

func authzDiscussAttachment(t *testing.T, x *authzFix) int64 {
	t.Helper()
	d := x.e.App.Discuss
	sp, err := d.Spool(strings.NewReader("矩阵附件内容 " + strconv.Itoa(x.next())))
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	a, err := d.Attach(x.ctx, x.p(apptest.PM), discuss.Ref{Kind: work.DiscussKind, ID: authzDiscussTask(t, x)}, "验收记录.txt", false, sp)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

func authzDiscussPrep(t *testing.T, x *authzFix, _ apptest.Who) { authzDiscussTask(t, x) }

// authzPrefsVersion is who's notification preferences version (0: none yet).
func authzPrefsVersion(t *testing.T, x *authzFix, who apptest.Who) int64 {
	t.Helper()
	if who == apptest.Anonymous {
		return 0
	}
	pr, err := x.e.App.Notify.GetPrefs(x.ctx, x.p(who))
	if err != nil {
		t.Fatal(err)
	}
	return pr.Version
}

func authzDiscussRows() []authzRow {
	commentForm := func(_ *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"body": {"矩阵表单评论 " + strconv.Itoa(x.next())}}.Encode()
	}
	commentJSON := func(_ *testing.T, x *authzFix, _ apptest.Who) any {
		return map[string]any{"body": "矩阵接口评论 " + strconv.Itoa(x.next())}
	}
	editForm := authzForm(url.Values{"body": {"改过的评论"}, "version": {"1"}}.Encode())
	editJSON := authzJSON(map[string]any{"body": "改过的评论", "version": 1})
	prefsForm := func(t *testing.T, x *authzFix, who apptest.Who) any {
		return url.Values{"email": {"1"}, "version": {strconv.FormatInt(authzPrefsVersion(t, x, who), 10)}}.Encode()
	}
	prefsJSON := func(t *testing.T, x *authzFix, who apptest.Who) any {
		return map[string]any{"email": true, "version": authzPrefsVersion(t, x, who)}
	}
	watch := authzForm(url.Values{"on": {"1"}}.Encode())
	watchJSON := authzJSON(map[string]any{"user_id": 0, "watching": true})
	return []authzRow{
		//                                                                          anon  oc   ku   ex   cpm  dev  con  fin  pm   admin
		// Everyone who sees a customer-visible task may comment on it and watch it.
		{pattern: "GET /projects/{id}/tasks/{tid}/comments.xlsx", path: "/projects/{A}/tasks/{dtask}/comments.xlsx", prep: authzDiscussPrep,
			want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /projects/{id}/tasks/{tid}/comments", path: "/projects/{A}/tasks/{dtask}/comments", body: commentForm,
			want: authzWant{303, 404, 303, 303, 303, 303, 303, 303, 303, 303}},
		{pattern: "POST /projects/{id}/tasks/{tid}/attachments", path: "/projects/{A}/tasks/{dtask}/attachments", body: authzForm("x=1"),
			want: authzWant{303, 404, 400, 400, 400, 400, 400, 400, 400, 400}},
		{pattern: "POST /projects/{id}/tasks/{tid}/watchers", path: "/projects/{A}/tasks/{dtask}/watchers", body: watch,
			want: authzWant{303, 404, 303, 303, 303, 303, 303, 303, 303, 303}},
		// Only the author (the PM) edits a comment.
		{pattern: "GET /comments/{cid}/edit", path: "/comments/{dcomment}/edit",
			want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 403}},
		{pattern: "POST /comments/{cid}/edit", path: "/comments/{dcomment}/edit", body: editForm,
			want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 403}},
		// The author or a moderator (PM, administrators) deletes.
		{pattern: "POST /comments/{cid}/delete", path: "/comments/{dcomment}/delete",
			want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "GET /attachments/{aid}", path: "/attachments/{datt}",
			want: authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /attachments/{aid}/delete", path: "/attachments/{datt}/delete",
			want: authzWant{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		// Notifications are personal: everyone has their own.
		{pattern: "GET /notifications", path: "/notifications",
			want: authzWant{303, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /notifications.xlsx", path: "/notifications.xlsx?all=1",
			want: authzWant{303, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /notifications/{nid}/open", path: "/notifications/{nid}/open",
			want: authzWant{303, 303, 303, 303, 303, 303, 303, 303, 303, 303}},
		{pattern: "POST /notifications/read-all", path: "/notifications/read-all",
			want: authzWant{303, 303, 303, 303, 303, 303, 303, 303, 303, 303}},
		{pattern: "POST /settings/notifications", path: "/settings/notifications", body: prefsForm,
			want: authzWant{303, 303, 303, 303, 303, 303, 303, 303, 303, 303}},

		{pattern: "GET /api/v1/projects/{id}/tasks/{tid}/comments", path: "/api/v1/projects/{A}/tasks/{dtask}/comments", prep: authzDiscussPrep, internal: true,
			want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/tasks/{tid}/comments", path: "/api/v1/projects/{A}/tasks/{dtask}/comments", body: commentJSON,
			want: authzWant{401, 404, 201, 201, 201, 201, 201, 201, 201, 201}},
		{pattern: "GET /api/v1/projects/{id}/tasks/{tid}/attachments", path: "/api/v1/projects/{A}/tasks/{dtask}/attachments",
			want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/tasks/{tid}/attachments", path: "/api/v1/projects/{A}/tasks/{dtask}/attachments", body: authzJSON(map[string]any{}),
			want: authzWant{401, 404, 400, 400, 400, 400, 400, 400, 400, 400}},
		{pattern: "POST /api/v1/projects/{id}/tasks/{tid}/watchers", path: "/api/v1/projects/{A}/tasks/{dtask}/watchers", body: watchJSON,
			want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "PATCH /api/v1/comments/{cid}", path: "/api/v1/comments/{dcomment}", body: editJSON,
			want: authzWant{401, 404, 403, 403, 403, 403, 403, 403, 200, 403}},
		{pattern: "DELETE /api/v1/comments/{cid}", path: "/api/v1/comments/{dcomment}",
			want: authzWant{401, 404, 403, 403, 403, 403, 403, 403, 204, 204}},
		{pattern: "GET /api/v1/attachments/{aid}", path: "/api/v1/attachments/{datt}",
			want: authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "DELETE /api/v1/attachments/{aid}", path: "/api/v1/attachments/{datt}",
			want: authzWant{401, 404, 403, 403, 403, 403, 403, 403, 204, 204}},

		{pattern: "GET /api/v1/notifications", path: "/api/v1/notifications",
			want: authzWant{401, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /api/v1/notifications/unread-count", path: "/api/v1/notifications/unread-count",
			want: authzWant{401, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/notifications/{nid}/read", path: "/api/v1/notifications/{nid}/read",
			want: authzWant{401, 204, 204, 204, 204, 204, 204, 204, 204, 204}},
		{pattern: "POST /api/v1/notifications/read-all", path: "/api/v1/notifications/read-all",
			want: authzWant{401, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /api/v1/notifications/prefs", path: "/api/v1/notifications/prefs",
			want: authzWant{401, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "PUT /api/v1/notifications/prefs", path: "/api/v1/notifications/prefs", body: prefsJSON,
			want: authzWant{401, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
	}
}
