package research

import (
	"net/http"

	"golive/internal/web"
)

// API holds the JSON handlers; they call the same service methods as the pages.
type API struct{ svc *Service }

func NewAPI(svc *Service) *API { return &API{svc: svc} }

func (a *API) Templates(c *web.Ctx) error {
	ts, err := a.svc.Templates(c.Context(), c.P)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ts)
}

func (a *API) Template(c *web.Ctx) error {
	tid, err := c.PathID("tid")
	if err != nil {
		return err
	}
	t, err := a.svc.Template(c.Context(), c.P, tid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

func (a *API) CreateTemplate(c *web.Ctx) error {
	if err := libraryManage(c.P); err != nil {
		return err
	}
	var in TemplateInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	t, err := a.svc.CreateTemplate(c.Context(), c.P, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, t)
}

func (a *API) Questionnaires(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	qs, _, err := a.svc.Questionnaires(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, qs)
}

func (a *API) Questionnaire(c *web.Ctx) error {
	id, qid, err := ids(c, "qid")
	if err != nil {
		return err
	}
	q, _, err := a.svc.Questionnaire(c.Context(), c.P, id, qid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, q)
}

func (a *API) CreateQuestionnaire(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if _, err := a.svc.can(c.Context(), c.P, id, ""); err != nil {
		return err
	}
	var in QuestionnaireInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	q, err := a.svc.CreateQuestionnaire(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, q)
}

func (a *API) Send(c *web.Ctx) error {
	id, qid, err := ids(c, "qid")
	if err != nil {
		return err
	}
	if _, err := a.svc.can(c.Context(), c.P, id, ""); err != nil {
		return err
	}
	var in SendInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	q, err := a.svc.Send(c.Context(), c.P, id, qid, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, q)
}

func (a *API) Responses(c *web.Ctx) error {
	id, qid, err := ids(c, "qid")
	if err != nil {
		return err
	}
	_, rs, err := a.svc.Responses(c.Context(), c.P, id, qid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rs)
}

func (a *API) Aggregate(c *web.Ctx) error {
	id, qid, err := ids(c, "qid")
	if err != nil {
		return err
	}
	_, ag, err := a.svc.Aggregate(c.Context(), c.P, id, qid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ag)
}

// Answer saves (or with submit: true, submits) the caller's own response.
func (a *API) Answer(c *web.Ctx) error {
	id, qid, err := ids(c, "qid")
	if err != nil {
		return err
	}
	if _, _, err := a.svc.Questionnaire(c.Context(), c.P, id, qid); err != nil {
		return err
	}
	var in AnswerInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	r, err := a.svc.SaveAnswers(c.Context(), c.P, id, qid, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

func (a *API) Records(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	rs, _, err := a.svc.Records(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rs)
}

func (a *API) Record(c *web.Ctx) error {
	id, rid, err := ids(c, "rid")
	if err != nil {
		return err
	}
	x, _, err := a.svc.Record(c.Context(), c.P, id, rid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, x)
}

func (a *API) CreateRecord(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if _, err := a.svc.can(c.Context(), c.P, id, ""); err != nil {
		return err
	}
	var in RecordInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	x, err := a.svc.CreateRecord(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, x)
}

func (a *API) UpdateRecord(c *web.Ctx) error {
	id, rid, err := ids(c, "rid")
	if err != nil {
		return err
	}
	if _, err := a.svc.can(c.Context(), c.P, id, ""); err != nil {
		return err
	}
	var in RecordInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	x, err := a.svc.UpdateRecord(c.Context(), c.P, id, rid, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, x)
}

func (a *API) DeleteRecord(c *web.Ctx) error {
	id, rid, err := ids(c, "rid")
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
	id, rid, err := ids(c, "rid")
	if err != nil {
		return err
	}
	x, err := a.svc.RestoreRecord(c.Context(), c.P, id, rid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, x)
}
