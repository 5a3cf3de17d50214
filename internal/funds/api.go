package funds

import (
	"net/http"

	"golive/internal/apperr"
	"golive/internal/validate"
	"golive/internal/web"
)

// API holds the JSON handlers; they call the same service methods as the
// pages.
type API struct{ svc *Service }

func NewAPI(svc *Service) *API { return &API{svc: svc} }

func ids(c *web.Ctx, names ...string) ([]int64, error) {
	out := make([]int64, len(names))
	for i, n := range names {
		v, err := c.PathID(n)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func asOf(c *web.Ctx) (string, error) {
	d := c.R.URL.Query().Get("as_of")
	var f apperr.Fields
	validate.Date(&f, "as_of", &d, false)
	return d, f.Err()
}

func (a *API) Contracts(c *web.Ctx) error {
	id, err := ids(c, "id")
	if err != nil {
		return err
	}
	cs, _, err := a.svc.Contracts(c.Context(), c.P, id[0])
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cs)
}

func (a *API) Contract(c *web.Ctx) error {
	id, err := ids(c, "id", "cid")
	if err != nil {
		return err
	}
	ct, _, err := a.svc.Contract(c.Context(), c.P, id[0], id[1])
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ct)
}

func (a *API) CreateContract(c *web.Ctx) error {
	id, err := ids(c, "id")
	if err != nil {
		return err
	}
	if _, _, err := a.svc.can(c.Context(), c.P, id[0], true); err != nil {
		return err
	}
	var in ContractInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	ct, err := a.svc.CreateContract(c.Context(), c.P, id[0], in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, ct)
}

func (a *API) UpdateContract(c *web.Ctx) error {
	id, err := ids(c, "id", "cid")
	if err != nil {
		return err
	}
	if _, _, err := a.svc.can(c.Context(), c.P, id[0], true); err != nil {
		return err
	}
	var in ContractInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	ct, err := a.svc.UpdateContract(c.Context(), c.P, id[0], id[1], in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ct)
}

func (a *API) DeleteContract(c *web.Ctx) error {
	id, err := ids(c, "id", "cid")
	if err != nil {
		return err
	}
	if err := a.svc.DeleteContract(c.Context(), c.P, id[0], id[1]); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) SetSchedule(c *web.Ctx) error {
	id, err := ids(c, "id", "cid")
	if err != nil {
		return err
	}
	if _, _, err := a.svc.can(c.Context(), c.P, id[0], true); err != nil {
		return err
	}
	var in ScheduleInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	ms, err := a.svc.SetSchedule(c.Context(), c.P, id[0], id[1], in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ms)
}

func (a *API) Milestones(c *web.Ctx) error {
	id, err := ids(c, "id")
	if err != nil {
		return err
	}
	if _, _, err := a.svc.can(c.Context(), c.P, id[0], false); err != nil {
		return err
	}
	d, err := asOf(c)
	if err != nil {
		return err
	}
	ms, _, err := a.svc.ProjectMilestones(c.Context(), c.P, id[0], d)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ms)
}

func (a *API) Receivable(c *web.Ctx) error {
	id, err := ids(c, "id")
	if err != nil {
		return err
	}
	if _, _, err := a.svc.can(c.Context(), c.P, id[0], false); err != nil {
		return err
	}
	d, err := asOf(c)
	if err != nil {
		return err
	}
	r, _, _, err := a.svc.ProjectReceivable(c.Context(), c.P, id[0], d)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

func (a *API) Invoices(c *web.Ctx) error {
	id, err := ids(c, "id")
	if err != nil {
		return err
	}
	is, _, err := a.svc.Invoices(c.Context(), c.P, id[0])
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, is)
}

func (a *API) CreateInvoice(c *web.Ctx) error {
	id, err := ids(c, "id")
	if err != nil {
		return err
	}
	if _, _, err := a.svc.can(c.Context(), c.P, id[0], true); err != nil {
		return err
	}
	var in InvoiceInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	x, err := a.svc.CreateInvoice(c.Context(), c.P, id[0], in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, x)
}

func (a *API) DeleteInvoice(c *web.Ctx) error {
	id, err := ids(c, "id", "iid")
	if err != nil {
		return err
	}
	if err := a.svc.DeleteInvoice(c.Context(), c.P, id[0], id[1]); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) Receipts(c *web.Ctx) error {
	id, err := ids(c, "id")
	if err != nil {
		return err
	}
	rs, err := a.svc.Receipts(c.Context(), c.P, id[0])
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rs)
}

func (a *API) CreateReceipt(c *web.Ctx) error {
	id, err := ids(c, "id")
	if err != nil {
		return err
	}
	if _, _, err := a.svc.can(c.Context(), c.P, id[0], true); err != nil {
		return err
	}
	var in ReceiptInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	x, err := a.svc.CreateReceipt(c.Context(), c.P, id[0], in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, x)
}

func (a *API) DeleteReceipt(c *web.Ctx) error {
	id, err := ids(c, "id", "rid")
	if err != nil {
		return err
	}
	if err := a.svc.DeleteReceipt(c.Context(), c.P, id[0], id[1]); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) Forecast(c *web.Ctx) error {
	id, err := ids(c, "id")
	if err != nil {
		return err
	}
	f, err := a.svc.Forecast(c.Context(), c.P, id[0], c.R.URL.Query().Get("from"), c.QueryInt("months", 12))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, f)
}

// AlertResult is the answer of the on-demand overdue alerts.
type AlertResult struct {
	Alerted int `json:"alerted"` // milestones alerted now (0 when already alerted today)
}

func (a *API) Alerts(c *web.Ctx) error {
	id, err := ids(c, "id")
	if err != nil {
		return err
	}
	n, err := a.svc.AlertNow(c.Context(), c.P, id[0])
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, AlertResult{Alerted: n})
}
