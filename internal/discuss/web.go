package discuss

import (
	"errors"
	"html/template"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"golive/internal/apperr"
	"golive/internal/web"
)

// Web holds the HTML and JSON handlers. A module mounts the per-object
// ones under its own paths with For (e.g. /projects/{id}/tasks/{tid}/…);
// the per-comment and per-attachment ones live at /comments/{cid} and
// /attachments/{aid} for every kind.
type Web struct{ svc *Service }

func NewWeb(s *Service) *Web { return &Web{svc: s} }

// panelView is the discussion fragment: comments, attachments, forms.
type panelView struct {
	web.Base
	Obj      Target
	Comments []Comment
	Files    []Attachment
	EditID   int64
	Draft    string
	Internal bool
	Errors   map[string]string
	Conflict bool
	MaxMB    int64
	People   []Candidate // who may be mentioned (chips under the comment box)
}

// Panel renders an object's discussion for embedding in the module's page.
func (h *Web) Panel(c *web.Ctx, ref Ref) (template.HTML, error) {
	vm, err := h.panel(c, ref)
	if err != nil {
		return "", err
	}
	return c.Fragment("discuss/_panel.html", vm)
}

func (h *Web) panel(c *web.Ctx, ref Ref) (panelView, error) {
	th, err := h.svc.Thread(c.Context(), c.P, ref)
	if err != nil {
		return panelView{}, err
	}
	t := th.Target
	vm := panelView{Base: web.Base{Lang: c.Lang, User: c.P}, Obj: t, Comments: th.Comments, Files: th.Attachments, MaxMB: h.svc.MaxUpload >> 20}
	if t.CanComment {
		if vm.People, err = h.svc.Candidates(c.Context(), t); err != nil {
			return vm, err
		}
	}
	return vm, nil
}

// answer ends a page action: htmx gets the refreshed panel, a plain form
// post goes back to the object's page.
func (h *Web) answer(c *web.Ctx, ref Ref, mod func(*panelView)) error {
	return h.answerStatus(c, ref, http.StatusOK, mod)
}

func (h *Web) answerStatus(c *web.Ctx, ref Ref, status int, mod func(*panelView)) error {
	if !c.HTMX() {
		t, err := h.svc.resolve(c.Context(), c.P, ref)
		if err != nil {
			return err
		}
		return c.Redirect(t.Link + "#discussion")
	}
	vm, err := h.panel(c, ref)
	if err != nil {
		return err
	}
	if mod != nil {
		mod(&vm)
	}
	return c.Render(status, "discuss/_panel.html", vm)
}

// failed shows a form failure inside the panel for htmx (so the person's
// text stays), or as an error page otherwise.
func (h *Web) failed(c *web.Ctx, ref Ref, err error, mod func(*panelView)) error {
	fields, conflict, status, ok := c.FormFailure(err)
	if !ok || !c.HTMX() {
		return err
	}
	// htmx swaps 4xx bodies too (app.js), so the panel with the person's
	// text and the reason replaces the old one.
	return h.answerStatus(c, ref, status, func(vm *panelView) {
		vm.Errors, vm.Conflict = fields, conflict
		if mod != nil {
			mod(vm)
		}
	})
}

// Object are the handlers of one kind of object, mounted by a module.
type Object struct {
	h            *Web
	kind, idName string
}

// For binds the per-object handlers to kind, with the object id in path
// value idName and the project in path value "id".
func (h *Web) For(kind, idName string) Object { return Object{h: h, kind: kind, idName: idName} }

func (o Object) ref(c *web.Ctx) (Ref, error) {
	pid, err := c.PathID("id")
	if err != nil {
		return Ref{}, err
	}
	id, err := c.PathID(o.idName)
	if err != nil {
		return Ref{}, err
	}
	return Ref{Kind: o.kind, ID: id, ProjectID: pid}, nil
}

// Post adds a comment from the page form.
func (o Object) Post(c *web.Ctx) error {
	ref, err := o.ref(c)
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := CommentInput{Body: c.FormValue("body"), Internal: c.FormValue("internal") == "1"}
	if _, err := o.h.svc.AddComment(c.Context(), c.P, ref, in); err != nil {
		return o.h.failed(c, ref, err, func(vm *panelView) { vm.Draft, vm.Internal = in.Body, in.Internal })
	}
	return o.h.answer(c, ref, nil)
}

// upload reads a multipart body: the "internal" field, then the "file"
// part, which is spooled to disk (never held in memory) after the
// permission check.
func (o Object) upload(c *web.Ctx, ref Ref) (Attachment, error) {
	if _, err := o.h.svc.CanAttach(c.Context(), c.P, ref, false); err != nil {
		return Attachment{}, err
	}
	ct, _, _ := mime.ParseMediaType(c.R.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		return Attachment{}, apperr.InvalidField("file", "discuss.file_required")
	}
	mr, err := c.R.MultipartReader()
	if err != nil {
		return Attachment{}, apperr.InvalidField("file", "discuss.file_required")
	}
	internal := false
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return Attachment{}, apperr.InvalidField("file", "discuss.file_required")
		}
		if err != nil {
			var mb *http.MaxBytesError
			if errors.As(err, &mb) {
				return Attachment{}, o.h.svc.tooLarge()
			}
			return Attachment{}, apperr.New(apperr.Invalid, "error.body_unreadable")
		}
		switch part.FormName() {
		case "internal":
			b, _ := io.ReadAll(io.LimitReader(part, 16))
			internal = strings.TrimSpace(string(b)) == "1" || strings.TrimSpace(string(b)) == "true"
		case "file":
			if part.FileName() == "" {
				return Attachment{}, apperr.InvalidField("file", "discuss.file_required")
			}
			if _, err := o.h.svc.CanAttach(c.Context(), c.P, ref, internal); err != nil {
				return Attachment{}, err
			}
			sp, err := o.h.svc.Spool(part)
			if err != nil {
				return Attachment{}, err
			}
			defer sp.Close()
			return o.h.svc.Attach(c.Context(), c.P, ref, part.FileName(), internal, sp)
		}
		part.Close()
	}
}

// Upload attaches a file from the page form.
func (o Object) Upload(c *web.Ctx) error {
	ref, err := o.ref(c)
	if err != nil {
		return err
	}
	if _, err := o.upload(c, ref); err != nil {
		return o.h.failed(c, ref, err, nil)
	}
	return o.h.answer(c, ref, nil)
}

// APIComments lists the object's comments.
func (o Object) APIComments(c *web.Ctx) error {
	ref, err := o.ref(c)
	if err != nil {
		return err
	}
	cs, _, err := o.h.svc.Comments(c.Context(), c.P, ref)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cs)
}

// APIPost adds a comment.
func (o Object) APIPost(c *web.Ctx) error {
	ref, err := o.ref(c)
	if err != nil {
		return err
	}
	var in CommentInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	cm, err := o.h.svc.AddComment(c.Context(), c.P, ref, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, cm)
}

// APIAttachments lists the object's attachments.
func (o Object) APIAttachments(c *web.Ctx) error {
	ref, err := o.ref(c)
	if err != nil {
		return err
	}
	as, _, err := o.h.svc.Attachments(c.Context(), c.P, ref)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, as)
}

// APIUpload attaches a file (multipart/form-data: "internal", then "file").
func (o Object) APIUpload(c *web.Ctx) error {
	ref, err := o.ref(c)
	if err != nil {
		return err
	}
	a, err := o.upload(c, ref)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, a)
}

// ----- per comment -----

func (h *Web) commentRef(c *web.Ctx) (int64, Comment, error) {
	id, err := c.PathID("cid")
	if err != nil {
		return 0, Comment{}, err
	}
	cm, _, err := h.svc.Comment(c.Context(), c.P, id)
	return id, cm, err
}

// EditForm shows the panel with one comment in edit mode (htmx), or
// sends a plain browser to the object's page.
func (h *Web) EditForm(c *web.Ctx) error {
	id, cm, err := h.commentRef(c)
	if err != nil {
		return err
	}
	if !cm.CanEdit {
		return apperr.ForbiddenErr()
	}
	ref := Ref{Kind: cm.Kind, ID: cm.ObjectID}
	if !c.HTMX() {
		return h.answer(c, ref, nil)
	}
	return h.answer(c, ref, func(vm *panelView) { vm.EditID = id })
}

// Edit saves an edited comment.
func (h *Web) Edit(c *web.Ctx) error {
	id, cm, err := h.commentRef(c)
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	ref := Ref{Kind: cm.Kind, ID: cm.ObjectID}
	v, _ := strconv.ParseInt(c.FormValue("version"), 10, 64)
	in := CommentEdit{Body: c.FormValue("body"), Version: v}
	if _, err := h.svc.EditComment(c.Context(), c.P, id, in); err != nil {
		return h.failed(c, ref, err, func(vm *panelView) {
			vm.EditID = id
			for i := range vm.Comments {
				if vm.Comments[i].ID == id {
					// Keep what was typed; the form now carries the latest version.
					vm.Comments[i].Body = in.Body
				}
			}
		})
	}
	return h.answer(c, ref, nil)
}

// Delete moves a comment to the trash.
func (h *Web) Delete(c *web.Ctx) error {
	id, err := c.PathID("cid")
	if err != nil {
		return err
	}
	cm, err := h.svc.DeleteComment(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	if !c.HTMX() {
		c.Flash("discuss.comment_deleted")
	}
	return h.answer(c, Ref{Kind: cm.Kind, ID: cm.ObjectID}, nil)
}

func (h *Web) APIEdit(c *web.Ctx) error {
	id, err := c.PathID("cid")
	if err != nil {
		return err
	}
	var in CommentEdit
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	cm, err := h.svc.EditComment(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cm)
}

func (h *Web) APIDelete(c *web.Ctx) error {
	id, err := c.PathID("cid")
	if err != nil {
		return err
	}
	if _, err := h.svc.DeleteComment(c.Context(), c.P, id); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

// ----- per attachment -----

// Download serves an attachment. Only small images are ever shown inline
// (?inline=1, for thumbnails); everything else is a download, and the
// response may not run script even if a browser sniffed it as a page.
func (h *Web) Download(c *web.Ctx) error {
	id, err := c.PathID("aid")
	if err != nil {
		return err
	}
	a, data, err := h.svc.Open(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	inline := c.R.URL.Query().Get("inline") == "1" && inlineTypes[a.ContentType]
	hd := c.W.Header()
	ct := a.ContentType
	if !inline {
		ct = "application/octet-stream"
		if !strings.HasPrefix(a.ContentType, "text/html") && a.ContentType != "" {
			ct = a.ContentType
		}
	}
	hd.Set("Content-Type", ct)
	hd.Set("Content-Disposition", ContentDisposition(inline, a.FileName))
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Cache-Control", "private, max-age=3600")
	hd.Set("ETag", `"`+a.SHA256+`"`)
	hd.Set("Content-Length", strconv.Itoa(len(data)))
	if match := c.R.Header.Get("If-None-Match"); match == `"`+a.SHA256+`"` {
		c.W.WriteHeader(http.StatusNotModified)
		return nil
	}
	c.W.WriteHeader(http.StatusOK)
	if c.R.Method != http.MethodHead {
		_, err = c.W.Write(data)
	}
	return err
}

// ContentDisposition names a file for every browser: an ASCII fallback
// in filename= and the real (Chinese) name in RFC 5987 filename*.
func ContentDisposition(inline bool, name string) string {
	kind := "attachment"
	if inline {
		kind = "inline"
	}
	var ascii strings.Builder
	for _, r := range name {
		switch {
		case r < 0x20 || r == 0x7f || r == '"' || r == '\\' || r == ';':
			ascii.WriteByte('_')
		case r < 0x80:
			ascii.WriteRune(r)
		default:
			ascii.WriteByte('_')
		}
	}
	fallback := ascii.String()
	stem, ext := fallback, ""
	if i := strings.LastIndexByte(fallback, '.'); i > 0 {
		stem, ext = fallback[:i], fallback[i:]
	}
	// A name that was all Chinese would be a row of underscores.
	if strings.Trim(stem, "_. ") == "" {
		fallback = "download" + ext
	}
	return kind + `; filename="` + fallback + `"; filename*=UTF-8''` + rfc5987(name)
}

// rfc5987 percent-encodes everything but attr-char.
func rfc5987(s string) string {
	const attr = "!#$&+-.^_`|~"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ('a' <= ch && ch <= 'z') || ('A' <= ch && ch <= 'Z') || ('0' <= ch && ch <= '9') || strings.IndexByte(attr, ch) >= 0 {
			b.WriteByte(ch)
			continue
		}
		b.WriteString("%" + strings.ToUpper(strconv.FormatInt(int64(ch)>>4, 16)) + strings.ToUpper(strconv.FormatInt(int64(ch)&15, 16)))
	}
	return b.String()
}

// DeleteAttachment moves an attachment to the trash from the page.
func (h *Web) DeleteAttachment(c *web.Ctx) error {
	id, err := c.PathID("aid")
	if err != nil {
		return err
	}
	a, err := h.svc.DeleteAttachment(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	if !c.HTMX() {
		c.Flash("discuss.attachment_deleted")
	}
	return h.answer(c, Ref{Kind: a.Kind, ID: a.ObjectID}, nil)
}

func (h *Web) APIDeleteAttachment(c *web.Ctx) error {
	id, err := c.PathID("aid")
	if err != nil {
		return err
	}
	if _, err := h.svc.DeleteAttachment(c.Context(), c.P, id); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

// Export is the object's comments as a workbook, in the caller's
// language; internal comments only for vendor staff (the same list the
// page shows).
func (o Object) Export(c *web.Ctx) error {
	ref, err := o.ref(c)
	if err != nil {
		return err
	}
	cs, t, err := o.h.svc.Comments(c.Context(), c.P, ref)
	if err != nil {
		return err
	}
	cols := []web.Column{{Header: c.T("discuss.col.at"), Kind: web.ColDateTime}, {Header: c.T("discuss.col.author"), Kind: web.ColText},
		{Header: c.T("discuss.body"), Kind: web.ColText, Width: 80}}
	if t.SeesInternal {
		cols = append(cols, web.Column{Header: c.T("discuss.internal"), Kind: web.ColText})
	}
	i := 0
	next := func() ([]any, bool, error) {
		if i >= len(cs) {
			return nil, false, nil
		}
		cm := cs[i]
		i++
		row := []any{cm.CreatedMS, cm.AuthorName, cm.Body}
		if t.SeesInternal {
			row = append(row, map[bool]string{true: c.T("discuss.internal"), false: ""}[cm.Internal])
		}
		return row, true, nil
	}
	name := strings.NewReplacer("/", "-", "\\", "-", "#", "").Replace(t.Title)
	return web.ServeXLSX(c.W, name+"-"+c.T("discuss.comments")+".xlsx", c.T("discuss.comments"), cols, next)
}
