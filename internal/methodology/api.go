package methodology

import (
	"net/http"
	"strconv"

	"golive/internal/apperr"
	"golive/internal/web"
)

// API holds the JSON handlers; they call the same service methods as the
// pages, so the permission checks are the same.
type API struct{ svc *Service }

func NewAPI(svc *Service) *API { return &API{svc: svc} }

func ids(c *web.Ctx, names ...string) ([]int64, error) {
	out := make([]int64, len(names))
	for i, n := range names {
		id, err := c.PathID(n)
		if err != nil {
			return nil, err
		}
		out[i] = id
	}
	return out, nil
}

// Templates.

func (a *API) Templates(c *web.Ctx) error {
	ts, err := a.svc.ListTemplates(c.Context(), c.P)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ts)
}

func (a *API) Template(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	t, err := a.svc.GetTemplate(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

func (a *API) CreateTemplate(c *web.Ctx) error {
	if !c.P.CanAdminister() {
		return apperr.NotFoundErr()
	}
	var in TemplateInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	t, _, err := a.svc.CreateTemplate(c.Context(), c.P, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, t)
}

func (a *API) UpdateTemplate(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if !c.P.CanAdminister() {
		return apperr.NotFoundErr()
	}
	var in TemplateInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	t, _, err := a.svc.UpdateTemplate(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

// CopyInput names a template's copy ("" for "<name>（副本）").
type CopyInput struct {
	Name string `json:"name" maxLength:"100"`
}

func (a *API) CopyTemplate(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if !c.P.CanAdminister() {
		return apperr.NotFoundErr()
	}
	var in CopyInput
	if c.R.ContentLength != 0 {
		if err := c.DecodeJSON(&in); err != nil {
			return err
		}
	}
	t, err := a.svc.CopyTemplate(c.Context(), c.P, id, in.Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, t)
}

func (a *API) DeleteTemplate(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := a.svc.DeleteTemplate(c.Context(), c.P, id); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

// Apply and plan.

func (a *API) Apply(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if _, err := a.svc.projects.Access(c.Context(), c.P, id); err != nil {
		return err
	}
	var in ApplyInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	if in.Lang == "" {
		in.Lang = string(c.Lang)
	}
	res, err := a.svc.Apply(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, res)
}

func (a *API) Phases(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	out, err := a.svc.Phases(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (a *API) ReviewGate(c *web.Ctx) error {
	v, err := ids(c, "id", "pid")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, func() error {
		_, err := a.svc.Phase(c.Context(), c.P, v[0], v[1])
		return err
	}, func(in GateInput) (Phase, error) {
		return a.svc.ReviewGate(c.Context(), c.P, v[0], v[1], in)
	})
}

func (a *API) Milestones(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	out, err := a.svc.Milestones(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// saveJSON decodes in after the project (and the object, when oid names
// one) is known to be visible, so a caller learns nothing from a 400.
func (a *API) visible(c *web.Ctx) (int64, error) {
	id, err := c.PathID("id")
	if err != nil {
		return 0, err
	}
	_, err = a.svc.projects.Access(c.Context(), c.P, id)
	return id, err
}

func (a *API) CreateMilestone(c *web.Ctx) error {
	id, err := a.visible(c)
	if err != nil {
		return err
	}
	var in MilestoneInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	m, err := a.svc.SaveMilestone(c.Context(), c.P, id, 0, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, m)
}

func (a *API) UpdateMilestone(c *web.Ctx) error {
	v, err := ids(c, "id", "mid")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, func() error {
		_, err := a.visible(c)
		return err
	}, func(in MilestoneInput) (Milestone, error) {
		return a.svc.SaveMilestone(c.Context(), c.P, v[0], v[1], in)
	})
}

func (a *API) Deliverables(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	q := c.R.URL.Query()
	f := DeliverableFilter{Status: q.Get("status")}
	if s := q.Get("phase_id"); s != "" {
		if f.PhaseID, err = strconv.ParseInt(s, 10, 64); err != nil || f.PhaseID <= 0 {
			if _, aerr := a.svc.projects.Access(c.Context(), c.P, id); aerr != nil {
				return aerr
			}
			return apperr.InvalidField("phase_id", "validate.type", "integer")
		}
	}
	out, err := a.svc.Deliverables(c.Context(), c.P, id, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (a *API) CreateDeliverable(c *web.Ctx) error {
	id, err := a.visible(c)
	if err != nil {
		return err
	}
	var in DeliverableInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	d, err := a.svc.SaveDeliverable(c.Context(), c.P, id, 0, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, d)
}

func (a *API) UpdateDeliverable(c *web.Ctx) error {
	v, err := ids(c, "id", "did")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, func() error {
		_, err := a.svc.Deliverable(c.Context(), c.P, v[0], v[1])
		return err
	}, func(in DeliverableInput) (Deliverable, error) {
		return a.svc.SaveDeliverable(c.Context(), c.P, v[0], v[1], in)
	})
}

func (a *API) DeliverableAction(action string) web.Handler {
	return func(c *web.Ctx) error {
		v, err := ids(c, "id", "did")
		if err != nil {
			return err
		}
		if _, err := a.svc.Deliverable(c.Context(), c.P, v[0], v[1]); err != nil {
			return err
		}
		var d Deliverable
		switch action {
		case "submit":
			var in VersionInput
			if err := c.DecodeJSON(&in); err != nil {
				return err
			}
			d, err = a.svc.SubmitDeliverable(c.Context(), c.P, v[0], v[1], in)
		default:
			var in ReviewInput
			if err := c.DecodeJSON(&in); err != nil {
				return err
			}
			if action == "accept" {
				d, err = a.svc.AcceptDeliverable(c.Context(), c.P, v[0], v[1], in)
			} else {
				d, err = a.svc.RejectDeliverable(c.Context(), c.P, v[0], v[1], in)
			}
		}
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, d)
	}
}

// Charter.

func (a *API) Charter(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	v := 0
	if s := c.R.URL.Query().Get("v"); s != "" {
		if v, err = strconv.Atoi(s); err != nil || v <= 0 {
			if _, aerr := a.svc.projects.Access(c.Context(), c.P, id); aerr != nil {
				return aerr
			}
			return apperr.InvalidField("v", "validate.type", "integer")
		}
	}
	out, err := a.svc.Charter(c.Context(), c.P, id, v)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (a *API) SaveCharter(c *web.Ctx) error {
	id, err := a.visible(c)
	if err != nil {
		return err
	}
	var in CharterInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	ch, err := a.svc.SaveCharter(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ch)
}

func (a *API) SignCharter(c *web.Ctx) error {
	id, err := a.visible(c)
	if err != nil {
		return err
	}
	var in VersionInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	ch, err := a.svc.SignCharter(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ch)
}

func (a *API) CharterDiff(c *web.Ctx) error {
	id, err := a.visible(c)
	if err != nil {
		return err
	}
	q := c.R.URL.Query()
	from, err1 := strconv.Atoi(q.Get("from"))
	to, err2 := strconv.Atoi(q.Get("to"))
	if err1 != nil || from <= 0 {
		return apperr.InvalidField("from", "meth.charter.diff_versions")
	}
	if err2 != nil || to <= 0 {
		return apperr.InvalidField("to", "meth.charter.diff_versions")
	}
	d, err := a.svc.DiffCharter(c.Context(), c.P, id, from, to)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// Stakeholders and A/B roles.

func (a *API) Stakeholders(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	out, err := a.svc.Stakeholders(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (a *API) CreateStakeholder(c *web.Ctx) error {
	id, err := a.visible(c)
	if err != nil {
		return err
	}
	var in StakeholderInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	s, err := a.svc.SaveStakeholder(c.Context(), c.P, id, 0, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s)
}

func (a *API) UpdateStakeholder(c *web.Ctx) error {
	v, err := ids(c, "id", "sid")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, func() error {
		_, err := a.svc.Stakeholder(c.Context(), c.P, v[0], v[1])
		return err
	}, func(in StakeholderInput) (Stakeholder, error) {
		return a.svc.SaveStakeholder(c.Context(), c.P, v[0], v[1], in)
	})
}

func (a *API) DeleteStakeholder(c *web.Ctx) error {
	v, err := ids(c, "id", "sid")
	if err != nil {
		return err
	}
	if err := a.svc.DeleteStakeholder(c.Context(), c.P, v[0], v[1]); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) Responsibilities(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	out, err := a.svc.Responsibilities(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (a *API) CreateResponsibility(c *web.Ctx) error {
	id, err := a.visible(c)
	if err != nil {
		return err
	}
	var in ResponsibilityInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	r, err := a.svc.SaveResponsibility(c.Context(), c.P, id, 0, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, r)
}

func (a *API) UpdateResponsibility(c *web.Ctx) error {
	v, err := ids(c, "id", "rid")
	if err != nil {
		return err
	}
	if _, err := a.visible(c); err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, func() error {
		_, err := getResponsibility(c.Context(), a.svc.db, v[0], v[1])
		return err
	}, func(in ResponsibilityInput) (Responsibility, error) {
		return a.svc.SaveResponsibility(c.Context(), c.P, v[0], v[1], in)
	})
}

func (a *API) DeleteResponsibility(c *web.Ctx) error {
	v, err := ids(c, "id", "rid")
	if err != nil {
		return err
	}
	if err := a.svc.DeleteResponsibility(c.Context(), c.P, v[0], v[1]); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

// RACI.

func (a *API) RACI(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	mx, err := a.svc.Matrix(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, mx)
}

func (a *API) CreateActivity(c *web.Ctx) error {
	id, err := a.visible(c)
	if err != nil {
		return err
	}
	var in RACIInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	act, err := a.svc.SaveActivity(c.Context(), c.P, id, 0, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, act)
}

func (a *API) UpdateActivity(c *web.Ctx) error {
	v, err := ids(c, "id", "aid")
	if err != nil {
		return err
	}
	if _, err := a.visible(c); err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, func() error {
		_, err := getActivity(c.Context(), a.svc.db, v[0], v[1])
		return err
	}, func(in RACIInput) (RACIActivity, error) {
		return a.svc.SaveActivity(c.Context(), c.P, v[0], v[1], in)
	})
}

func (a *API) DeleteActivity(c *web.Ctx) error {
	v, err := ids(c, "id", "aid")
	if err != nil {
		return err
	}
	if err := a.svc.DeleteActivity(c.Context(), c.P, v[0], v[1]); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

// Health and portfolio.

func translateReasons(c *web.Ctx, h *Health) { reasonTexts(c, h) }

func (a *API) Health(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	h, err := a.svc.Health(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	translateReasons(c, &h)
	return c.JSON(http.StatusOK, h)
}

func (a *API) OverrideHealth(c *web.Ctx) error {
	id, err := a.visible(c)
	if err != nil {
		return err
	}
	var in HealthInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	h, err := a.svc.OverrideHealth(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	translateReasons(c, &h)
	return c.JSON(http.StatusOK, h)
}

func (a *API) Portfolio(c *web.Ctx) error {
	q := c.R.URL.Query()
	f := PortfolioFilter{Q: q.Get("q"), Status: q.Get("status"), Health: q.Get("health"), Product: q.Get("product")}
	items, err := a.svc.Portfolio(c.Context(), c.P, f)
	if err != nil {
		return err
	}
	for i := range items {
		translateReasons(c, &items[i].Health)
	}
	return c.JSON(http.StatusOK, items)
}
