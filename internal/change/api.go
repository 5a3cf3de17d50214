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

func (a *API) List(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	out, err := a.svc.List(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (a *API) Create(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if _, err := a.svc.access(c.Context(), c.P, id); err != nil {
		return err
	}
	var in CRInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	out, err := a.svc.Create(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

func (a *API) Get(c *web.Ctx) error {
	id, cid, err := ids(c, "cid")
	if err != nil {
		return err
	}
	out, err := a.svc.Get(c.Context(), c.P, id, cid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (a *API) decide(c *web.Ctx, do func(id, cid int64, in DecideInput) (CR, error)) error {
	id, cid, err := ids(c, "cid")
	if err != nil {
		return err
	}
	if _, err := a.svc.access(c.Context(), c.P, id); err != nil {
		return err
	}
	var in DecideInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	out, err := do(id, cid, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (a *API) Vote(c *web.Ctx) error {
	id, cid, err := ids(c, "cid")
	if err != nil {
		return err
	}
	if _, err := a.svc.access(c.Context(), c.P, id); err != nil {
		return err
	}
	var in VoteInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	out, err := a.svc.Vote(c.Context(), c.P, id, cid, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
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
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (a *API) SaveBoard(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if _, err := a.svc.access(c.Context(), c.P, id); err != nil {
		return err
	}
	var in BoardInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	out, err := a.svc.SaveBoard(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (a *API) Log(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	out, err := a.svc.Log(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (a *API) Creep(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	out, err := a.svc.ScopeCreep(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (a *API) Baselines(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	out, err := a.svc.Baselines(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (a *API) CreateBaseline(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if _, err := a.svc.access(c.Context(), c.P, id); err != nil {
		return err
	}
	var in BaselineInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	out, err := a.svc.CreateBaseline(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

func (a *API) Baseline(c *web.Ctx) error {
	id, bid, err := ids(c, "bid")
	if err != nil {
		return err
	}
	out, err := a.svc.GetBaseline(c.Context(), c.P, id, bid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (a *API) UpdateBaseline(c *web.Ctx) error {
	id, bid, err := ids(c, "bid")
	if err != nil {
		return err
	}
	if _, err := a.svc.access(c.Context(), c.P, id); err != nil {
		return err
	}
	var in BaselineInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	out, err := a.svc.UpdateBaseline(c.Context(), c.P, id, bid, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (a *API) Sign(c *web.Ctx) error {
	id, bid, err := ids(c, "bid")
	if err != nil {
		return err
	}
	if _, err := a.svc.access(c.Context(), c.P, id); err != nil {
		return err
	}
	var in SignInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	out, err := a.svc.Sign(c.Context(), c.P, id, bid, in, clientIP(c.R))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// DiffOut is the answer of the diff endpoint.
type DiffOut struct {
	From  string     `json:"from"`
	To    string     `json:"to"`
	Items []ItemDiff `json:"items"`
}

func (a *API) Diff(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
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
		return f.Err()
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
