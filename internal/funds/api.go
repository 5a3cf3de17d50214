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

// read answers a GET: the path ids, then get, answered with 200.
func read(c *web.Ctx, get func(id []int64) (any, error), names ...string) error {
	id, err := ids(c, names...)
	if err != nil {
		return err
	}
	v, err := get(id)
	return web.Reply(c, http.StatusOK, v, err)
}

// readAsOf answers a GET of the project's figures on the date ?as_of=:
// the caller may see the fund centre, the date is valid, then get.
func (a *API) readAsOf(c *web.Ctx, get func(projectID int64, asOf string) (any, error)) error {
	return read(c, func(id []int64) (any, error) {
		if _, _, err := a.svc.can(c.Context(), c.P, id[0], false); err != nil {
			return nil, err
		}
		d, err := asOf(c)
		if err != nil {
			return nil, err
		}
		return get(id[0], d)
	}, "id")
}

// write answers a JSON change (web.JSONChange): the path ids, the caller
// may manage the project's funds, the body decodes into In, then do; the
// result goes out with status.
func write[In, Out any](a *API, c *web.Ctx, status int, do func(id []int64, in In) (Out, error), names ...string) error {
	id, err := ids(c, names...)
	if err != nil {
		return err
	}
	return web.JSONChange(c, status, func() error {
		_, _, err := a.svc.can(c.Context(), c.P, id[0], true)
		return err
	}, func(in In) (Out, error) { return do(id, in) })
}

// remove answers a DELETE: the path ids, then del, answered with 204.
func remove(c *web.Ctx, del func(id []int64) error, names ...string) error {
	id, err := ids(c, names...)
	if err != nil {
		return err
	}
	if err := del(id); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) Contracts(c *web.Ctx) error {
	return read(c, func(id []int64) (any, error) {
		cs, _, err := a.svc.Contracts(c.Context(), c.P, id[0])
		return cs, err
	}, "id")
}

func (a *API) Contract(c *web.Ctx) error {
	return read(c, func(id []int64) (any, error) {
		ct, _, err := a.svc.Contract(c.Context(), c.P, id[0], id[1])
		return ct, err
	}, "id", "cid")
}

func (a *API) CreateContract(c *web.Ctx) error {
	return write(a, c, http.StatusCreated, func(id []int64, in ContractInput) (Contract, error) {
		return a.svc.CreateContract(c.Context(), c.P, id[0], in)
	}, "id")
}

func (a *API) UpdateContract(c *web.Ctx) error {
	return write(a, c, http.StatusOK, func(id []int64, in ContractInput) (Contract, error) {
		return a.svc.UpdateContract(c.Context(), c.P, id[0], id[1], in)
	}, "id", "cid")
}

func (a *API) DeleteContract(c *web.Ctx) error {
	return remove(c, func(id []int64) error {
		return a.svc.DeleteContract(c.Context(), c.P, id[0], id[1])
	}, "id", "cid")
}

func (a *API) SetSchedule(c *web.Ctx) error {
	return write(a, c, http.StatusOK, func(id []int64, in ScheduleInput) ([]Milestone, error) {
		return a.svc.SetSchedule(c.Context(), c.P, id[0], id[1], in)
	}, "id", "cid")
}

func (a *API) Milestones(c *web.Ctx) error {
	return a.readAsOf(c, func(projectID int64, d string) (any, error) {
		ms, _, err := a.svc.ProjectMilestones(c.Context(), c.P, projectID, d)
		return ms, err
	})
}

func (a *API) Receivable(c *web.Ctx) error {
	return a.readAsOf(c, func(projectID int64, d string) (any, error) {
		r, _, _, err := a.svc.ProjectReceivable(c.Context(), c.P, projectID, d)
		return r, err
	})
}

func (a *API) Invoices(c *web.Ctx) error {
	return read(c, func(id []int64) (any, error) {
		is, _, err := a.svc.Invoices(c.Context(), c.P, id[0])
		return is, err
	}, "id")
}

func (a *API) CreateInvoice(c *web.Ctx) error {
	return write(a, c, http.StatusCreated, func(id []int64, in InvoiceInput) (Invoice, error) {
		return a.svc.CreateInvoice(c.Context(), c.P, id[0], in)
	}, "id")
}

func (a *API) DeleteInvoice(c *web.Ctx) error {
	return remove(c, func(id []int64) error {
		return a.svc.DeleteInvoice(c.Context(), c.P, id[0], id[1])
	}, "id", "iid")
}

func (a *API) Receipts(c *web.Ctx) error {
	return read(c, func(id []int64) (any, error) {
		return a.svc.Receipts(c.Context(), c.P, id[0])
	}, "id")
}

func (a *API) CreateReceipt(c *web.Ctx) error {
	return write(a, c, http.StatusCreated, func(id []int64, in ReceiptInput) (Receipt, error) {
		return a.svc.CreateReceipt(c.Context(), c.P, id[0], in)
	}, "id")
}

func (a *API) DeleteReceipt(c *web.Ctx) error {
	return remove(c, func(id []int64) error {
		return a.svc.DeleteReceipt(c.Context(), c.P, id[0], id[1])
	}, "id", "rid")
}

func (a *API) Forecast(c *web.Ctx) error {
	return read(c, func(id []int64) (any, error) {
		return a.svc.Forecast(c.Context(), c.P, id[0], c.R.URL.Query().Get("from"), c.QueryInt("months", 12))
	}, "id")
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
