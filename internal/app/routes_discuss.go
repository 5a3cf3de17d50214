package app

import (
	"golive/internal/discuss"
	"golive/internal/notify"
	"golive/internal/web"
	"golive/internal/work"
)

// discussRoutes: comments and attachments (the discuss platform service,
// mounted under each kind's own paths — tasks so far), task watchers, and
// the notifications centre with its header badge and settings section.
func (a *App) discussRoutes() {
	s := a.Server
	dw := discuss.NewWeb(a.Discuss)
	nw := notify.NewWeb(a.Notify)
	ww := work.NewWeb(a.Work)
	wapi := work.NewAPI(a.Work)
	task := dw.For(work.DiscussKind, "tid")
	a.Work.SetDiscussion(dw.Panel)
	s.SetUnread(a.Notify.UnreadCount)
	s.AddSettingsSection(nw.SettingsSection)
	// The multipart envelope around a file needs a little room over the file limit.
	upload := web.BodyLimit(a.Discuss.MaxUpload + 1<<20)

	s.Page("GET /projects/{id}/tasks/{tid}/comments.xlsx", task.Export)
	s.Page("POST /projects/{id}/tasks/{tid}/comments", task.Post)
	s.Page("POST /projects/{id}/tasks/{tid}/attachments", task.Upload, upload)
	s.Page("POST /projects/{id}/tasks/{tid}/watchers", ww.Watch)
	s.Page("GET /comments/{cid}/edit", dw.EditForm)
	s.Page("POST /comments/{cid}/edit", dw.Edit)
	s.Page("POST /comments/{cid}/delete", dw.Delete)
	s.Page("GET /attachments/{aid}", dw.Download)
	s.Page("POST /attachments/{aid}/delete", dw.DeleteAttachment)

	s.Page("GET /notifications", nw.Page)
	s.Page("GET /notifications.xlsx", nw.Export)
	s.Page("GET /notifications/{nid}/open", nw.Open)
	s.Page("POST /notifications/read-all", nw.ReadAll)
	s.Page("POST /settings/notifications", nw.SavePrefs)

	type D = web.Doc
	doc := web.WithDoc
	s.API("GET /api/v1/projects/{id}/tasks/{tid}/comments", task.APIComments, doc(D{Tag: "discuss", Summary: "A task's comments, oldest first (customers never see internal ones)", Out: []discuss.Comment{}}))
	s.API("POST /api/v1/projects/{id}/tasks/{tid}/comments", task.APIPost, doc(D{Tag: "discuss", Summary: "Comment on a task (Markdown; @name or @email mentions notify project members who can see the task; internal: vendor staff only)", In: discuss.CommentInput{}, Out: discuss.Comment{}, Status: 201}))
	s.API("GET /api/v1/projects/{id}/tasks/{tid}/attachments", task.APIAttachments, doc(D{Tag: "discuss", Summary: "A task's attachments, newest first", Out: []discuss.Attachment{}}))
	s.API("POST /api/v1/projects/{id}/tasks/{tid}/attachments", task.APIUpload, upload, doc(D{Tag: "discuss", Summary: "Attach a file to a task: multipart/form-data with an optional \"internal\" field (1, vendor staff only) before the \"file\" part; at most 20 MiB", Upload: []string{"internal"}, Out: discuss.Attachment{}, Status: 201}))
	s.API("POST /api/v1/projects/{id}/tasks/{tid}/watchers", wapi.Watch, doc(D{Tag: "work", Summary: "Watch or unwatch a task (user_id 0: yourself; others: PM or assignee)", In: work.WatchInput{}, Out: work.Watchers{}}))
	s.API("PATCH /api/v1/comments/{cid}", dw.APIEdit, doc(D{Tag: "discuss", Summary: "Edit your own comment; send the version you read (stale: 409)", In: discuss.CommentEdit{}, Out: discuss.Comment{}}))
	s.API("DELETE /api/v1/comments/{cid}", dw.APIDelete, doc(D{Tag: "discuss", Summary: "Move a comment to the trash (its author or a moderator)", Status: 204}))
	s.API("GET /api/v1/attachments/{aid}", dw.Download, doc(D{Tag: "discuss", Summary: "Download an attachment (Content-Disposition carries the file name, RFC 5987 for non-ASCII)", Binary: "application/octet-stream"}))
	s.API("DELETE /api/v1/attachments/{aid}", dw.APIDeleteAttachment, doc(D{Tag: "discuss", Summary: "Move an attachment to the trash (its uploader or a moderator)", Status: 204}))

	s.API("GET /api/v1/notifications", nw.APIList, doc(D{Tag: "notifications", Summary: "The caller's notifications, newest first, text in the caller's language (unread=1: unread only)", Out: notify.Notification{}, Paged: true, Query: []string{"unread", "page", "per_page"}}))
	s.API("GET /api/v1/notifications/unread-count", nw.APICount, doc(D{Tag: "notifications", Summary: "How many notifications the caller has not read", Out: notify.Count{}}))
	s.API("POST /api/v1/notifications/{nid}/read", nw.APIRead, doc(D{Tag: "notifications", Summary: "Mark one notification read", Status: 204}))
	s.API("POST /api/v1/notifications/read-all", nw.APIReadAll, doc(D{Tag: "notifications", Summary: "Mark every notification read", Out: notify.Marked{}}))
	s.API("GET /api/v1/notifications/prefs", nw.APIGetPrefs, doc(D{Tag: "notifications", Summary: "The caller's notification preferences", Out: notify.Prefs{}}))
	s.API("PUT /api/v1/notifications/prefs", nw.APISetPrefs, doc(D{Tag: "notifications", Summary: "Change the caller's notification preferences (version 0 the first time; stale: 409)", In: notify.PrefsInput{}, Out: notify.Prefs{}}))
}
