package research

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/discuss"
	"golive/internal/project"
	"golive/internal/web"
)

// DiscussionPanel renders an object's comments and attachments (discuss).
type DiscussionPanel func(c *web.Ctx, ref discuss.Ref) (template.HTML, error)

// Web holds the HTML handlers.
type Web struct {
	svc   *Service
	panel DiscussionPanel
}

// NewWeb builds the handlers; panel renders a record's discussion.
func NewWeb(svc *Service, panel DiscussionPanel) *Web { return &Web{svc: svc, panel: panel} }

func (h *Web) base(c *web.Ctx, projectID int64, titleKey string) (web.Base, project.Project, access.Membership, error) {
	pr, m, err := h.svc.projects.Get(c.Context(), c.P, projectID)
	if err != nil {
		return web.Base{}, pr, m, err
	}
	return project.ProjectBase(c, pr, "research", titleKey), pr, m, nil
}

// labels are the translated names the pages show for codes.
func labels(c *web.Ctx) map[string]string {
	out := map[string]string{}
	for _, k := range []string{TypeShort, TypeLong, TypeSingle, TypeMulti, TypeScale, TypeTable} {
		out["type."+k] = c.T("research.type." + k)
	}
	for _, k := range []string{QDraft, QSent} {
		out["q."+k] = c.T("research.qstatus." + k)
	}
	for _, k := range []string{StatusPending, StatusDraft, StatusSubmitted} {
		out["r."+k] = c.T("research.rstatus." + k)
	}
	for _, k := range []string{KindInterview, KindObservation} {
		out["kind."+k] = c.T("research.kind." + k)
	}
	for _, r := range append(append([]access.Role{}, access.VendorRoles...), access.CustomerRoles...) {
		out["role."+string(r)] = c.T("role." + string(r))
	}
	return out
}

// ----- the project's research page -----

type indexPage struct {
	web.Base
	P          project.Project
	Qs         []Questionnaire
	Records    []Record
	Templates  []Template
	CanManage  bool
	Vendor     bool
	L          map[string]string
	QForm      QuestionnaireInput
	QErrs      map[string]string
	RForm      RecordInput
	RInternal  bool
	RErrs      map[string]string
	OpenRecord bool
}

func (h *Web) index(c *web.Ctx, id int64) (indexPage, error) {
	b, pr, m, err := h.base(c, id, "research.title")
	if err != nil {
		return indexPage{}, err
	}
	vm := indexPage{Base: b, P: pr, Vendor: c.P.Vendor, CanManage: c.P.Can(m, access.ResearchManage), L: labels(c), RInternal: true,
		RForm: RecordInput{Kind: KindInterview}}
	if vm.Qs, _, err = h.svc.Questionnaires(c.Context(), c.P, id); err != nil {
		return vm, err
	}
	if vm.Records, _, err = h.svc.Records(c.Context(), c.P, id); err != nil {
		return vm, err
	}
	if vm.CanManage {
		if vm.Templates, err = h.svc.Templates(c.Context(), c.P); err != nil {
			return vm, err
		}
	}
	return vm, nil
}

// recordFields is the record form's fields (new and edit forms).
type recordFields struct {
	web.Base
	F        RecordInput
	E        map[string]string
	Internal bool
}

// NewFields are the new-record form's fields.
func (vm indexPage) NewFields() recordFields {
	return recordFields{Base: vm.Base, F: vm.RForm, E: vm.RErrs, Internal: vm.RInternal}
}

// EditFields are the edit form's fields.
func (vm recordPage) EditFields() recordFields {
	return recordFields{Base: vm.Base, F: vm.Form, E: vm.Errs, Internal: vm.Internal}
}

// Index is the project's research page: questionnaires and records.
func (h *Web) Index(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	vm, err := h.index(c, id)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "research/index.html", vm)
}

func questionnaireForm(c *web.Ctx) QuestionnaireInput {
	in := QuestionnaireInput{Title: c.FormValue("title"), Description: c.FormValue("description"), DueDate: c.FormValue("due_date"), BodyText: c.FormValue("body")}
	in.TemplateID, _ = strconv.ParseInt(c.FormValue("template_id"), 10, 64)
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	return in
}

// CreateQuestionnaire copies a template into the project.
func (h *Web) CreateQuestionnaire(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := questionnaireForm(c)
	if in.TemplateID == 0 && in.BodyText == "" {
		in.BodyText = "* [long] " + c.T("research.blank_question")
	}
	q, err := h.svc.CreateQuestionnaire(c.Context(), c.P, id, in)
	if err != nil {
		return refill(c, err, "research/index.html", func() (indexPage, error) { return h.index(c, id) }, func(vm *indexPage, fe map[string]string, _ bool) {
			vm.QForm, vm.QErrs = in, fe
		})
	}
	c.Flash("research.q_created", q.Title)
	return c.Redirect(QuestionnaireLink(id, q.ID))
}

func recordForm(c *web.Ctx) RecordInput {
	in := RecordInput{Kind: c.FormValue("kind"), Title: c.FormValue("title"), Interviewee: c.FormValue("interviewee"), HeldDate: c.FormValue("held_date"),
		Place: c.FormValue("place"), Participants: c.FormValue("participants"), Notes: c.FormValue("notes")}
	internal := c.FormValue("internal") == "1"
	in.Internal = &internal
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	return in
}

// CreateRecord adds an interview or observation record.
func (h *Web) CreateRecord(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := recordForm(c)
	x, err := h.svc.CreateRecord(c.Context(), c.P, id, in)
	if err != nil {
		return refill(c, err, "research/index.html", func() (indexPage, error) { return h.index(c, id) }, func(vm *indexPage, fe map[string]string, _ bool) {
			vm.RForm, vm.RInternal, vm.RErrs, vm.OpenRecord = in, *in.Internal, fe, true
		})
	}
	c.Flash("research.r_created", x.Title)
	return c.Redirect(RecordLink(id, x.ID))
}

// ExportQuestionnaires writes the questionnaire list as .xlsx.
func (h *Web) ExportQuestionnaires(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	qs, _, err := h.svc.Questionnaires(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	L := labels(c)
	cols := []web.Column{{Header: "#", Kind: web.ColInt, Width: 6}, {Header: c.T("field.title"), Kind: web.ColText, Width: 30},
		{Header: c.T("field.status"), Kind: web.ColText, Width: 10}, {Header: c.T("research.col.recipients"), Kind: web.ColInt, Width: 10},
		{Header: c.T("research.col.submitted"), Kind: web.ColInt, Width: 10}, {Header: c.T("research.col.due"), Kind: web.ColText, Width: 12},
		{Header: c.T("research.col.mine"), Kind: web.ColText, Width: 10}}
	i := 0
	return web.ServeXLSX(c.W, "questionnaires-"+itoa(id)+".xlsx", c.T("research.questionnaires"), cols, func() ([]any, bool, error) {
		if i >= len(qs) {
			return nil, false, nil
		}
		q := qs[i]
		i++
		mine := ""
		if q.Mine != nil {
			mine = L["r."+q.Mine.Status]
		}
		return []any{q.ID, q.Title, L["q."+q.Status], q.Recipients, q.Submitted, q.DueDate, mine}, true, nil
	})
}

// ExportRecords writes the record list as .xlsx (notes included).
func (h *Web) ExportRecords(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	rs, _, err := h.svc.Records(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	L := labels(c)
	cols := []web.Column{{Header: "#", Kind: web.ColInt, Width: 6}, {Header: c.T("research.field.kind"), Kind: web.ColText, Width: 10},
		{Header: c.T("research.field.held_date"), Kind: web.ColText, Width: 12}, {Header: c.T("field.title"), Kind: web.ColText, Width: 28},
		{Header: c.T("research.field.interviewee"), Kind: web.ColText, Width: 18}, {Header: c.T("research.field.place"), Kind: web.ColText, Width: 16},
		{Header: c.T("research.field.participants"), Kind: web.ColText, Width: 24}, {Header: c.T("research.field.notes"), Kind: web.ColText, Width: 60}}
	i := 0
	return web.ServeXLSX(c.W, "research-records-"+itoa(id)+".xlsx", c.T("research.records"), cols, func() ([]any, bool, error) {
		if i >= len(rs) {
			return nil, false, nil
		}
		x := rs[i]
		i++
		return []any{x.ID, L["kind."+x.Kind], x.HeldDate, x.Title, x.Interviewee, x.Place, x.Participants, x.Notes}, true, nil
	})
}

// ----- one questionnaire -----

type qPage struct {
	web.Base
	P          project.Project
	Q          Questionnaire
	L          map[string]string
	CanManage  bool
	Form       QuestionnaireInput
	Errs       map[string]string
	Conflict   bool
	Recipients []Recipient
	SendErrs   map[string]string
	Responses  []Response
	Agg        Aggregate
	// The answer form (recipients).
	Mine      *Response
	Answers   Answers
	AnsErrs   map[string]string
	CanAnswer bool
	Locked    bool
	query     map[string]string
}

// BarData is a chart's data for chart.js (data-points).
func (q QuestionAgg) BarData() string {
	b, _ := json.Marshal(q.Counts)
	return string(b)
}

// AverageText shows a scale's average with one decimal.
func (q QuestionAgg) AverageText() string { return strconv.FormatFloat(q.Average, 'f', 1, 64) }

func (h *Web) qpage(c *web.Ctx, id, qid int64) (qPage, error) {
	b, pr, m, err := h.base(c, id, "research.questionnaire")
	if err != nil {
		return qPage{}, err
	}
	q, _, err := h.svc.Questionnaire(c.Context(), c.P, id, qid)
	if err != nil {
		return qPage{}, err
	}
	b.Title = q.Title + " · " + pr.Name
	b.Crumbs = append(b.Crumbs[:len(b.Crumbs)-1], web.Crumb{Label: c.T("research.title"), Href: projectPath(id)}, web.Crumb{Label: q.Title})
	vm := qPage{Base: b, P: pr, Q: q, L: labels(c), CanManage: c.P.Can(m, access.ResearchManage), Mine: q.Mine,
		query: map[string]string{"more": c.R.URL.Query().Get("more")}}
	vm.Form = QuestionnaireInput{Title: q.Title, Description: q.Description, DueDate: q.DueDate, BodyText: q.Body.Text(), Version: q.Version}
	if q.Mine != nil {
		vm.Answers = q.Mine.Answers
		vm.CanAnswer = c.P.Can(m, access.ResearchAnswer) && q.Mine.Status != StatusSubmitted
		vm.Locked = q.Mine.Status == StatusSubmitted
	}
	if c.P.Can(m, access.InternalView) {
		if _, vm.Responses, err = h.svc.Responses(c.Context(), c.P, id, qid); err != nil {
			return vm, err
		}
		vm.Agg = aggregate(q.Body, vm.Responses)
	}
	if vm.CanManage {
		if vm.Recipients, err = h.svc.Recipients(c.Context(), c.P, id); err != nil {
			return vm, err
		}
	}
	return vm, nil
}

func (vm qPage) view() string {
	if vm.Mine != nil && !vm.User.Vendor {
		return "research/answer.html"
	}
	return "research/questionnaire.html"
}

// Sent reports whether a user already has the questionnaire.
func (vm qPage) Sent(userID int64) bool {
	for _, r := range vm.Responses {
		if r.UserID == userID {
			return true
		}
	}
	return false
}

// ShowQuestionnaire: vendor staff manage it and read its responses; a
// recipient fills it in.
func (h *Web) ShowQuestionnaire(c *web.Ctx) error {
	id, qid, err := c.ProjectPathID("qid")
	if err != nil {
		return err
	}
	vm, err := h.qpage(c, id, qid)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, vm.view(), vm)
}

// refill answers a form whose save failed: an error that is not about the
// form goes on as it is; otherwise page builds the page again, fill puts
// what the user typed and the errors on it, and it is rendered with the
// error's status (400, or 409 for a stale version).
func refill[VM any](c *web.Ctx, err error, view string, page func() (VM, error), fill func(vm *VM, fe map[string]string, conflict bool)) error {
	fe, conflict, status, ok := c.FormFailure(err)
	if !ok {
		return err
	}
	vm, perr := page()
	if perr != nil {
		return perr
	}
	fill(&vm, fe, conflict)
	return c.Render(status, view, vm)
}

// UpdateQuestionnaire saves the edit form of a draft questionnaire.
func (h *Web) UpdateQuestionnaire(c *web.Ctx) error {
	id, qid, err := c.ProjectPathID("qid")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := questionnaireForm(c)
	if _, err := h.svc.UpdateQuestionnaire(c.Context(), c.P, id, qid, in); err != nil {
		return refill(c, err, "research/questionnaire.html", func() (qPage, error) { return h.qpage(c, id, qid) }, func(vm *qPage, fe map[string]string, conflict bool) {
			if !conflict {
				vm.Form = in
			}
			vm.Errs, vm.Conflict = fe, conflict
		})
	}
	c.Flash("research.saved")
	return c.Redirect(QuestionnaireLink(id, qid))
}

// Send addresses the questionnaire to the checked people.
func (h *Web) Send(c *web.Ctx) error {
	id, qid, err := c.ProjectPathID("qid")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	var in SendInput
	for _, v := range c.R.PostForm["user_id"] {
		u, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return apperr.InvalidField("user_ids", "research.err_recipient")
		}
		in.UserIDs = append(in.UserIDs, u)
	}
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	q, err := h.svc.Send(c.Context(), c.P, id, qid, in)
	if err != nil {
		return refill(c, err, "research/questionnaire.html", func() (qPage, error) { return h.qpage(c, id, qid) }, func(vm *qPage, fe map[string]string, conflict bool) {
			vm.SendErrs, vm.Conflict = fe, conflict
		})
	}
	c.Flash("research.sent", q.Recipients)
	return c.Redirect(QuestionnaireLink(id, qid))
}

// DeleteQuestionnaire moves a questionnaire to the trash.
func (h *Web) DeleteQuestionnaire(c *web.Ctx) error {
	id, qid, err := c.ProjectPathID("qid")
	if err != nil {
		return err
	}
	if err := h.svc.DeleteQuestionnaire(c.Context(), c.P, id, qid); err != nil {
		return err
	}
	c.Flash("research.deleted")
	return c.Redirect(projectPath(id))
}

// answersFromForm reads the answer form: q1 (text, radio, checkboxes),
// q1.r0.c0 (table cells).
func answersFromForm(c *web.Ctx, b Body) Answers {
	out := Answers{}
	form := c.R.PostForm
	for _, q := range b.Questions() {
		var a Answer
		switch q.Type {
		case TypeShort, TypeLong:
			a.Text = form.Get(q.Key)
		case TypeSingle, TypeMulti:
			a.Choices = form[q.Key]
		case TypeScale:
			if v := form.Get(q.Key); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil {
					n = -1
				}
				a.Scale = n
			}
		case TypeTable:
			for r := 0; r < MaxTableRows+1; r++ {
				prefix := q.Key + ".r" + strconv.Itoa(r) + ".c"
				if _, ok := form[prefix+"0"]; !ok {
					break
				}
				row := make([]string, len(q.Columns))
				for j := range q.Columns {
					row[j] = form.Get(prefix + strconv.Itoa(j))
				}
				a.Rows = append(a.Rows, row)
			}
		}
		out[q.Key] = a
	}
	return out
}

// Answer saves the recipient's draft or submits it.
func (h *Web) Answer(c *web.Ctx) error {
	id, qid, err := c.ProjectPathID("qid")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	q, _, err := h.svc.Questionnaire(c.Context(), c.P, id, qid)
	if err != nil {
		return err
	}
	in := AnswerInput{Answers: answersFromForm(c, q.Body), Submit: c.FormValue("submit") == "1"}
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	if _, err := h.svc.SaveAnswers(c.Context(), c.P, id, qid, in); err != nil {
		fe, conflict, status, ok := c.FormFailure(err)
		if !ok {
			if e := apperr.As(err); e == nil || e.Key != "research.err_locked" {
				return err
			}
			status = http.StatusConflict
		}
		vm, perr := h.qpage(c, id, qid)
		if perr != nil {
			return perr
		}
		if !conflict && vm.CanAnswer {
			vm.Answers = in.Answers
		}
		// Errors sit beside their question: drop the "q3: " prefix.
		for k, v := range fe {
			fe[k] = strings.TrimPrefix(v, k+": ")
		}
		vm.AnsErrs, vm.Conflict = fe, conflict
		if status == http.StatusConflict && !conflict {
			vm.Flash = c.T("research.err_locked")
		}
		return c.Render(status, vm.view(), vm)
	}
	if in.Submit {
		c.Flash("research.submitted")
	} else {
		c.Flash("research.draft_saved")
	}
	if c.FormValue("more") != "" {
		return c.Redirect(QuestionnaireLink(id, qid) + "?more=" + c.FormValue("more") + "#" + c.FormValue("more"))
	}
	return c.Redirect(QuestionnaireLink(id, qid))
}

// ExportResponses writes the responses as .xlsx: one row per person, one
// column per question, and a sheet of aggregates.
func (h *Web) ExportResponses(c *web.Ctx) error {
	id, qid, err := c.ProjectPathID("qid")
	if err != nil {
		return err
	}
	q, rs, err := h.svc.Responses(c.Context(), c.P, id, qid)
	if err != nil {
		return err
	}
	return writeResponses(c, q, rs)
}

// ----- one response -----

type respPage struct {
	web.Base
	P          project.Project
	Q          Questionnaire
	R          Response
	L          map[string]string
	Links      map[string]Link
	CanManage  bool
	CanConvert bool
}

// ShowResponse is one person's answers.
func (h *Web) ShowResponse(c *web.Ctx) error {
	id, qid, err := c.ProjectPathID("qid")
	if err != nil {
		return err
	}
	rid, err := c.PathID("rid")
	if err != nil {
		return err
	}
	b, pr, m, err := h.base(c, id, "research.response")
	if err != nil {
		return err
	}
	q, r, err := h.svc.Response(c.Context(), c.P, id, qid, rid)
	if err != nil {
		return err
	}
	b.Title = q.Title + " · " + r.UserName
	b.Crumbs = append(b.Crumbs[:len(b.Crumbs)-1], web.Crumb{Label: c.T("research.title"), Href: projectPath(id)},
		web.Crumb{Label: q.Title, Href: QuestionnaireLink(id, qid)}, web.Crumb{Label: r.UserName})
	vm := respPage{Base: b, P: pr, Q: q, R: r, L: labels(c), CanManage: c.P.Can(m, access.ResearchManage)}
	vm.CanConvert = vm.CanManage && h.svc.HasSink() && r.Status == StatusSubmitted
	if vm.Links, err = h.svc.ResponseLinks(c.Context(), id, qid, rid); err != nil {
		return err
	}
	return c.Render(http.StatusOK, "research/response.html", vm)
}

// Reopen unlocks a submitted response.
func (h *Web) Reopen(c *web.Ctx) error {
	id, qid, err := c.ProjectPathID("qid")
	if err != nil {
		return err
	}
	rid, err := c.PathID("rid")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	var in ReopenInput
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	r, err := h.svc.Reopen(c.Context(), c.P, id, qid, rid, in)
	if err != nil {
		return err
	}
	c.Flash("research.reopened", r.UserName)
	return c.Redirect(QuestionnaireLink(id, qid))
}

// AnswerToRequirement turns one answer into a requirement.
func (h *Web) AnswerToRequirement(c *web.Ctx) error {
	id, qid, err := c.ProjectPathID("qid")
	if err != nil {
		return err
	}
	rid, err := c.PathID("rid")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	key := c.FormValue("question")
	l, err := h.svc.AnswerToRequirement(c.Context(), c.P, id, qid, rid, key)
	if err != nil {
		return err
	}
	c.Flash("research.converted", l.ReqNumber)
	return c.Redirect(QuestionnaireLink(id, qid) + "/responses/" + itoa(rid) + "#" + key)
}

// ----- records -----

// Sentence is one sentence of a record's notes with the requirement it became.
type Sentence struct {
	N    int
	Text string
	Link *Link
}

type recordPage struct {
	web.Base
	P          project.Project
	R          Record
	L          map[string]string
	Sentences  []Sentence
	CanManage  bool
	CanConvert bool
	Form       RecordInput
	Internal   bool
	Errs       map[string]string
	Conflict   bool
	Discussion template.HTML
}

func (h *Web) recordPage(c *web.Ctx, id, rid int64) (recordPage, error) {
	b, pr, m, err := h.base(c, id, "research.record")
	if err != nil {
		return recordPage{}, err
	}
	x, _, err := h.svc.Record(c.Context(), c.P, id, rid)
	if err != nil {
		return recordPage{}, err
	}
	b.Title = x.Title + " · " + pr.Name
	b.Crumbs = append(b.Crumbs[:len(b.Crumbs)-1], web.Crumb{Label: c.T("research.title"), Href: projectPath(id)}, web.Crumb{Label: x.Title})
	vm := recordPage{Base: b, P: pr, R: x, L: labels(c), CanManage: c.P.Can(m, access.ResearchManage), Internal: x.Internal}
	vm.CanConvert = vm.CanManage && h.svc.HasSink()
	vm.Form = RecordInput{Kind: x.Kind, Title: x.Title, Interviewee: x.Interviewee, HeldDate: x.HeldDate, Place: x.Place, Participants: x.Participants, Notes: x.Notes, Version: x.Version}
	links, err := h.svc.RecordLinks(c.Context(), x)
	if err != nil {
		return vm, err
	}
	for i, s := range Sentences(x.Notes) {
		st := Sentence{N: i + 1, Text: s}
		if l, ok := links[i+1]; ok {
			st.Link = &l
		}
		vm.Sentences = append(vm.Sentences, st)
	}
	if h.panel != nil {
		if vm.Discussion, err = h.panel(c, discuss.Ref{Kind: DiscussKind, ID: rid, ProjectID: id}); err != nil {
			return vm, err
		}
	}
	return vm, nil
}

// ShowRecord is a record with its sentences, edit form and discussion.
func (h *Web) ShowRecord(c *web.Ctx) error {
	id, rid, err := c.ProjectPathID("rid")
	if err != nil {
		return err
	}
	vm, err := h.recordPage(c, id, rid)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "research/record.html", vm)
}

// UpdateRecord saves the record's edit form.
func (h *Web) UpdateRecord(c *web.Ctx) error {
	id, rid, err := c.ProjectPathID("rid")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := recordForm(c)
	if _, err := h.svc.UpdateRecord(c.Context(), c.P, id, rid, in); err != nil {
		return refill(c, err, "research/record.html", func() (recordPage, error) { return h.recordPage(c, id, rid) }, func(vm *recordPage, fe map[string]string, conflict bool) {
			if !conflict {
				vm.Form, vm.Internal = in, *in.Internal
			}
			vm.Errs, vm.Conflict = fe, conflict
		})
	}
	c.Flash("research.saved")
	return c.Redirect(RecordLink(id, rid))
}

// DeleteRecord moves a record to the trash.
func (h *Web) DeleteRecord(c *web.Ctx) error {
	id, rid, err := c.ProjectPathID("rid")
	if err != nil {
		return err
	}
	if err := h.svc.DeleteRecord(c.Context(), c.P, id, rid); err != nil {
		return err
	}
	c.Flash("research.deleted")
	return c.Redirect(projectPath(id))
}

// SentenceToRequirement turns one sentence of the notes into a requirement.
func (h *Web) SentenceToRequirement(c *web.Ctx) error {
	id, rid, err := c.ProjectPathID("rid")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	n, err := strconv.Atoi(strings.TrimSpace(c.FormValue("sentence")))
	if err != nil {
		return apperr.InvalidField("sentence", "research.err_sentence")
	}
	l, err := h.svc.SentenceToRequirement(c.Context(), c.P, id, rid, n)
	if err != nil {
		return err
	}
	c.Flash("research.converted", l.ReqNumber)
	return c.Redirect(RecordLink(id, rid) + "#s-" + strconv.Itoa(n))
}

// ----- the template library -----

type libraryPage struct {
	web.Base
	Templates []Template
	CanManage bool
	Form      TemplateInput
	Errs      map[string]string
	Example   string
}

func (h *Web) library(c *web.Ctx) (libraryPage, error) {
	ts, err := h.svc.Templates(c.Context(), c.P)
	if err != nil {
		return libraryPage{}, err
	}
	b := c.Base("research.library")
	b.Section = "research_library"
	b.Crumbs = []web.Crumb{{Label: c.T("research.library")}}
	return libraryPage{Base: b, Templates: ts, CanManage: CanManageLibrary(c.P), Example: c.T("research.body_example")}, nil
}

// Library lists the questionnaire templates.
func (h *Web) Library(c *web.Ctx) error {
	vm, err := h.library(c)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "research/templates.html", vm)
}

func templateForm(c *web.Ctx) TemplateInput {
	in := TemplateInput{Name: c.FormValue("name"), Description: c.FormValue("description"), BodyText: c.FormValue("body")}
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	return in
}

// CreateTemplate adds a template to the library.
func (h *Web) CreateTemplate(c *web.Ctx) error {
	if err := c.Form(); err != nil {
		return err
	}
	in := templateForm(c)
	t, err := h.svc.CreateTemplate(c.Context(), c.P, in)
	if err != nil {
		return refill(c, err, "research/templates.html", func() (libraryPage, error) { return h.library(c) }, func(vm *libraryPage, fe map[string]string, _ bool) {
			vm.Form, vm.Errs = in, fe
		})
	}
	c.Flash("research.t_created", t.Name)
	return c.Redirect("/research/templates/" + itoa(t.ID))
}

type templatePage struct {
	web.Base
	Tmpl      Template
	L         map[string]string
	CanManage bool
	Form      TemplateInput
	Errs      map[string]string
	Conflict  bool
	Example   string
}

func (h *Web) templatePage(c *web.Ctx, tid int64) (templatePage, error) {
	t, err := h.svc.Template(c.Context(), c.P, tid)
	if err != nil {
		return templatePage{}, err
	}
	b := c.Base("research.library")
	b.Section = "research_library"
	b.Title = t.Name
	b.Crumbs = []web.Crumb{{Label: c.T("research.library"), Href: "/research/templates"}, {Label: t.Name}}
	return templatePage{Base: b, Tmpl: t, L: labels(c), CanManage: CanManageLibrary(c.P), Example: c.T("research.body_example"),
		Form: TemplateInput{Name: t.Name, Description: t.Description, BodyText: t.Body.Text(), Version: t.Version}}, nil
}

// ShowTemplate shows a template with its edit form.
func (h *Web) ShowTemplate(c *web.Ctx) error {
	tid, err := c.PathID("tid")
	if err != nil {
		return err
	}
	vm, err := h.templatePage(c, tid)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "research/template.html", vm)
}

// UpdateTemplate saves a template's edit form.
func (h *Web) UpdateTemplate(c *web.Ctx) error {
	tid, err := c.PathID("tid")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := templateForm(c)
	if _, err := h.svc.UpdateTemplate(c.Context(), c.P, tid, in); err != nil {
		return refill(c, err, "research/template.html", func() (templatePage, error) { return h.templatePage(c, tid) }, func(vm *templatePage, fe map[string]string, conflict bool) {
			if !conflict {
				vm.Form = in
			}
			vm.Errs, vm.Conflict = fe, conflict
		})
	}
	c.Flash("research.saved")
	return c.Redirect("/research/templates/" + itoa(tid))
}

// DeleteTemplate moves a template to the trash.
func (h *Web) DeleteTemplate(c *web.Ctx) error {
	tid, err := c.PathID("tid")
	if err != nil {
		return err
	}
	if err := h.svc.DeleteTemplate(c.Context(), c.P, tid); err != nil {
		return err
	}
	c.Flash("research.deleted")
	return c.Redirect("/research/templates")
}

// ExportTemplates writes the library as .xlsx (one row per question).
func (h *Web) ExportTemplates(c *web.Ctx) error {
	ts, err := h.svc.Templates(c.Context(), c.P)
	if err != nil {
		return err
	}
	L := labels(c)
	type row struct {
		t Template
		s string
		q Question
	}
	var rows []row
	for _, t := range ts {
		for _, s := range t.Body.Sections {
			for _, q := range s.Questions {
				rows = append(rows, row{t, s.Title, q})
			}
		}
	}
	cols := []web.Column{{Header: c.T("research.field.template"), Kind: web.ColText, Width: 24}, {Header: c.T("research.col.section"), Kind: web.ColText, Width: 18},
		{Header: c.T("research.col.key"), Kind: web.ColText, Width: 6}, {Header: c.T("research.col.question"), Kind: web.ColText, Width: 40},
		{Header: c.T("research.col.type"), Kind: web.ColText, Width: 10}, {Header: c.T("research.col.required"), Kind: web.ColText, Width: 8},
		{Header: c.T("research.col.options"), Kind: web.ColText, Width: 40}}
	i := 0
	return web.ServeXLSX(c.W, "questionnaire-templates.xlsx", c.T("research.library"), cols, func() ([]any, bool, error) {
		if i >= len(rows) {
			return nil, false, nil
		}
		r := rows[i]
		i++
		req := ""
		if r.q.Required {
			req = "✓"
		}
		return []any{r.t.Name, r.s, r.q.Key, r.q.Text, L["type."+r.q.Type], req, strings.Join(append(append([]string{}, r.q.Options...), r.q.Columns...), " | ")}, true, nil
	})
}

// answerItem is one question of the answer form with the person's answer.
type answerItem struct {
	N        int
	Section  string // set on the first question of a section
	Q        Question
	A        Answer
	Chosen   map[string]bool
	Rows     [][]string // the answered rows plus blank ones to fill
	RowNames [][]string // input names of Rows' cells
	Err      string
}

// Items are the answer form's questions with the answers being edited.
func (vm qPage) Items() []answerItem {
	var out []answerItem
	n := 0
	extra := 3
	if vm.Query("more") != "" {
		extra = 8
	}
	for _, s := range vm.Q.Body.Sections {
		for i, q := range s.Questions {
			n++
			it := answerItem{N: n, Q: q, A: vm.Answers[q.Key], Chosen: map[string]bool{}, Err: vm.AnsErrs[q.Key]}
			if i == 0 {
				it.Section = s.Title
			}
			for _, c := range it.A.Choices {
				it.Chosen[c] = true
			}
			if q.Type == TypeScale && it.A.Scale > 0 {
				it.Chosen[strconv.Itoa(it.A.Scale)] = true
			}
			if q.Type == TypeTable {
				it.Rows = append(it.Rows, it.A.Rows...)
				if vm.CanAnswer {
					for j := 0; j < extra && len(it.Rows) < MaxTableRows; j++ {
						it.Rows = append(it.Rows, make([]string, len(q.Columns)))
					}
				}
				for r := range it.Rows {
					var names []string
					for c := range q.Columns {
						names = append(names, q.Key+".r"+strconv.Itoa(r)+".c"+strconv.Itoa(c))
					}
					it.RowNames = append(it.RowNames, names)
				}
			}
			out = append(out, it)
		}
	}
	return out
}

// Query reads a query parameter of the current page.
func (vm qPage) Query(name string) string { return vm.query[name] }

// Scale are the values of a 1–5 question.
func (answerItem) Scale() []string { return []string{"1", "2", "3", "4", "5"} }

// Cell returns cell c of row r.
func (it answerItem) Cell(r, c int) string {
	if r < len(it.Rows) && c < len(it.Rows[r]) {
		return it.Rows[r][c]
	}
	return ""
}

// Notices tells a recipient on the project overview how many
// questionnaires wait for their answers.
func (h *Web) Notices(c *web.Ctx, projectID int64) []web.Notice {
	if c.P == nil || c.P.Vendor {
		return nil
	}
	qs, _, err := h.svc.Questionnaires(c.Context(), c.P, projectID)
	if err != nil {
		return nil
	}
	open := 0
	for _, q := range qs {
		if q.Mine != nil && q.Mine.Status != StatusSubmitted {
			open++
		}
	}
	if open == 0 {
		return nil
	}
	return []web.Notice{{Level: "info", Text: c.T("research.notice_open", open), Href: projectPath(projectID), Link: c.T("research.notice_link")}}
}
