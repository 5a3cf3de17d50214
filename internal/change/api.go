package change

import (
	"net/http"
	"strconv"

	"golive/internal/apperr"
	"golive/internal/web"
)

// API holds the JSON handlers; they call the same service methods.
type API struct{ svc *Service }

func NewAPI(svc *Service) *API { return &API{svc: svc} }

// change answers a JSON change in project id, whose change control the
// caller must be able to see (web.JSONChange).
func change[In, Out any](a *API, c *web.Ctx, id int64, status int, do func(in In) (Out, error)) error {
	return web.JSONChange(c, status, func() error {
		_, err := a.svc.access(c.Context(), c.P, id)
		return err
	}, do)
}

func (a *API) List(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	out, err := a.svc.List(c.Context(), c.P, id)
	return web.Reply(c, http.StatusOK, out, err)
}

func (a *API) Create(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	return change(a, c, id, http.StatusCreated, func(in CRInput) (CR, error) {
		return a.svc.Create(c.Context(), c.P, id, in)
	})
}

func (a *API) Get(c *web.Ctx) error {
	id, cid, err := c.ProjectPathID("cid")
	if err != nil {
		return err
	}
	out, err := a.svc.Get(c.Context(), c.P, id, cid)
	return web.Reply(c, http.StatusOK, out, err)
}

func (a *API) decide(c *web.Ctx, do func(id, cid int64, in DecideInput) (CR, error)) error {
	id, cid, err := c.ProjectPathID("cid")
	if err != nil {
		return err
	}
	return change(a, c, id, http.StatusOK, func(in DecideInput) (CR, error) { return do(id, cid, in) })
}

func (a *API) Vote(c *web.Ctx) error {
	id, cid, err := c.ProjectPathID("cid")
	if err != nil {
		return err
	}
	return change(a, c, id, http.StatusOK, func(in VoteInput) (CR, error) {
		return a.svc.Vote(c.Context(), c.P, id, cid, in)
	})
}

func (a *API) Close(c *web.Ctx) error {
	return a.decide(c, func(id, cid int64, in DecideInput) (CR, error) { return a.svc.Close(c.Context(), c.P, id, cid, in) })
}

func (a *API) Approve(c *web.Ctx) error {
	return a.decide(c, func(id, cid int64, in DecideInput) (CR, error) {
		return a.svc.ApproveStandard(c.Context(), c.P, id, cid, in)
	})
}

func (a *API) Withdraw(c *web.Ctx) error {
	return a.decide(c, func(id, cid int64, in DecideInput) (CR, error) { return a.svc.Withdraw(c.Context(), c.P, id, cid, in) })
}

func (a *API) Board(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	out, err := a.svc.Board(c.Context(), c.P, id)
	return web.Reply(c, http.StatusOK, out, err)
}

func (a *API) SaveBoard(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	return change(a, c, id, http.StatusOK, func(in BoardInput) (BoardView, error) {
		return a.svc.SaveBoard(c.Context(), c.P, id, in)
	})
}

func (a *API) Log(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	out, err := a.svc.Log(c.Context(), c.P, id)
	return web.Reply(c, http.StatusOK, out, err)
}

func (a *API) Creep(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	out, err := a.svc.ScopeCreep(c.Context(), c.P, id)
	return web.Reply(c, http.StatusOK, out, err)
}

func (a *API) Baselines(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	out, err := a.svc.Baselines(c.Context(), c.P, id)
	return web.Reply(c, http.StatusOK, out, err)
}

func (a *API) CreateBaseline(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	return change(a, c, id, http.StatusCreated, func(in BaselineInput) (Baseline, error) {
		return a.svc.CreateBaseline(c.Context(), c.P, id, in)
	})
}

func (a *API) Baseline(c *web.Ctx) error {
	id, bid, err := c.ProjectPathID("bid")
	if err != nil {
		return err
	}
	out, err := a.svc.GetBaseline(c.Context(), c.P, id, bid)
	return web.Reply(c, http.StatusOK, out, err)
}

func (a *API) UpdateBaseline(c *web.Ctx) error {
	id, bid, err := c.ProjectPathID("bid")
	if err != nil {
		return err
	}
	return change(a, c, id, http.StatusOK, func(in BaselineInput) (Baseline, error) {
		return a.svc.UpdateBaseline(c.Context(), c.P, id, bid, in)
	})
}

func (a *API) Sign(c *web.Ctx) error {
	id, bid, err := c.ProjectPathID("bid")
	if err != nil {
		return err
	}
	return change(a, c, id, http.StatusOK, func(in SignInput) (Baseline, error) {
		return a.svc.Sign(c.Context(), c.P, id, bid, in, clientIP(c.R))
	})
}

// DiffOut is the answer of the diff endpoint.
type DiffOut struct {
	From  string     `json:"from"`
	To    string     `json:"to"`
	Items []ItemDiff `json:"items"`
}

// diffRange reads the two baselines a diff compares (?from=&to=), naming
// each one missing.
func diffRange(c *web.Ctx) (from, to int64, err error) {
	q := c.R.URL.Query()
	from, err1 := strconv.ParseInt(q.Get("from"), 10, 64)
	to, err2 := strconv.ParseInt(q.Get("to"), 10, 64)
	if err1 != nil || err2 != nil {
		var f apperr.Fields
		if err1 != nil {
			f.Add("from", "validate.required")
		}
		if err2 != nil {
			f.Add("to", "validate.required")
		}
		return 0, 0, f.Err()
	}
	return from, to, nil
}

func (a *API) Diff(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	from, to, err := diffRange(c)
	if err != nil {
		return err
	}
	x, y, d, err := a.svc.DiffBaselines(c.Context(), c.P, id, from, to)
	if err != nil {
		return err
	}
	if d == nil {
		d = []ItemDiff{}
	}
	return c.JSON(http.StatusOK, DiffOut{From: x.Label, To: y.Label, Items: d})
}
