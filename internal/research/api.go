package research

import (
	"net/http"

	"golive/internal/web"
)

// API holds the JSON handlers; they call the same service methods as the pages.
type API struct{ svc *Service }

func NewAPI(svc *Service) *API { return &API{svc: svc} }

// canManage is the check before a change in a project's research.
func (a *API) canManage(c *web.Ctx, id int64) func() error {
	return func() error {
		_, err := a.svc.can(c.Context(), c.P, id, "")
		return err
	}
}

func (a *API) Templates(c *web.Ctx) error {
	ts, err := a.svc.Templates(c.Context(), c.P)
	return web.Reply(c, http.StatusOK, ts, err)
}

func (a *API) Template(c *web.Ctx) error {
	tid, err := c.PathID("tid")
	if err != nil {
		return err
	}
	t, err := a.svc.Template(c.Context(), c.P, tid)
	return web.Reply(c, http.StatusOK, t, err)
}

func (a *API) CreateTemplate(c *web.Ctx) error {
	return web.JSONChange(c, http.StatusCreated, func() error { return libraryManage(c.P) }, func(in TemplateInput) (Template, error) {
		return a.svc.CreateTemplate(c.Context(), c.P, in)
	})
}

func (a *API) Questionnaires(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	qs, _, err := a.svc.Questionnaires(c.Context(), c.P, id)
	return web.Reply(c, http.StatusOK, qs, err)
}

func (a *API) Questionnaire(c *web.Ctx) error {
	id, qid, err := c.ProjectPathID("qid")
	if err != nil {
		return err
	}
	q, _, err := a.svc.Questionnaire(c.Context(), c.P, id, qid)
	return web.Reply(c, http.StatusOK, q, err)
}

func (a *API) CreateQuestionnaire(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusCreated, a.canManage(c, id), func(in QuestionnaireInput) (Questionnaire, error) {
		return a.svc.CreateQuestionnaire(c.Context(), c.P, id, in)
	})
}

func (a *API) Send(c *web.Ctx) error {
	id, qid, err := c.ProjectPathID("qid")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, a.canManage(c, id), func(in SendInput) (Questionnaire, error) {
		return a.svc.Send(c.Context(), c.P, id, qid, in)
	})
}

func (a *API) Responses(c *web.Ctx) error {
	id, qid, err := c.ProjectPathID("qid")
	if err != nil {
		return err
	}
	_, rs, err := a.svc.Responses(c.Context(), c.P, id, qid)
	return web.Reply(c, http.StatusOK, rs, err)
}

func (a *API) Aggregate(c *web.Ctx) error {
	id, qid, err := c.ProjectPathID("qid")
	if err != nil {
		return err
	}
	_, ag, err := a.svc.Aggregate(c.Context(), c.P, id, qid)
	return web.Reply(c, http.StatusOK, ag, err)
}

// Answer saves (or with submit: true, submits) the caller's own response.
func (a *API) Answer(c *web.Ctx) error {
	id, qid, err := c.ProjectPathID("qid")
	if err != nil {
		return err
	}
	seen := func() error {
		_, _, err := a.svc.Questionnaire(c.Context(), c.P, id, qid)
		return err
	}
	return web.JSONChange(c, http.StatusOK, seen, func(in AnswerInput) (Response, error) {
		return a.svc.SaveAnswers(c.Context(), c.P, id, qid, in)
	})
}

func (a *API) Records(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	rs, _, err := a.svc.Records(c.Context(), c.P, id)
	return web.Reply(c, http.StatusOK, rs, err)
}

func (a *API) Record(c *web.Ctx) error {
	id, rid, err := c.ProjectPathID("rid")
	if err != nil {
		return err
	}
	x, _, err := a.svc.Record(c.Context(), c.P, id, rid)
	return web.Reply(c, http.StatusOK, x, err)
}

func (a *API) CreateRecord(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusCreated, a.canManage(c, id), func(in RecordInput) (Record, error) {
		return a.svc.CreateRecord(c.Context(), c.P, id, in)
	})
}

func (a *API) UpdateRecord(c *web.Ctx) error {
	id, rid, err := c.ProjectPathID("rid")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, a.canManage(c, id), func(in RecordInput) (Record, error) {
		return a.svc.UpdateRecord(c.Context(), c.P, id, rid, in)
	})
}

func (a *API) DeleteRecord(c *web.Ctx) error {
	id, rid, err := c.ProjectPathID("rid")
	if err != nil {
		return err
	}
	if err := a.svc.DeleteRecord(c.Context(), c.P, id, rid); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) RestoreRecord(c *web.Ctx) error {
	id, rid, err := c.ProjectPathID("rid")
	if err != nil {
		return err
	}
	x, err := a.svc.RestoreRecord(c.Context(), c.P, id, rid)
	return web.Reply(c, http.StatusOK, x, err)
}
