package finance

import (
	"io"
	"net/http"
	"strconv"

	"golive/internal/apperr"
	"golive/internal/web"
)

// API holds the JSON handlers (the same service methods as the pages).
type API struct{ svc *Service }

func NewAPI(svc *Service) *API { return &API{svc: svc} }

// laborCheck: may the caller record labor and expenses in project id?
func (a *API) laborCheck(c *web.Ctx, id int64) func() error {
	return func() error {
		_, err := a.svc.laborAccess(c.Context(), c.P, id)
		return err
	}
}

// IDsInput names records for submit and decide.
type IDsInput struct {
	IDs     []int64 `json:"ids"`
	Approve bool    `json:"approve,omitempty"` // decide only
	Reason  string  `json:"reason,omitempty"`  // decide (reject) and reverse
}

// Count answers how many records a bulk action touched.
type Count struct {
	Count int `json:"count"`
}

// Labor lists records (?from=&to=&status=&person=).
func (a *API) Labor(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	q := c.R.URL.Query()
	out, err := a.svc.ListLabor(c.Context(), c.P, id, LaborFilter{From: q.Get("from"), To: q.Get("to"), Status: q.Get("status"), Person: q.Get("person")})
	return web.Reply(c, http.StatusOK, out, err)
}

// CreateLabor adds a draft record.
func (a *API) CreateLabor(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusCreated, a.laborCheck(c, id), func(in LaborInput) (LaborRecord, error) {
		return a.svc.CreateLabor(c.Context(), c.P, id, in)
	})
}

// UpdateLabor changes a draft or rejected record (send its version).
func (a *API) UpdateLabor(c *web.Ctx) error {
	id, rid, err := c.ProjectPathID("rid")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, a.laborCheck(c, id), func(in LaborInput) (LaborRecord, error) {
		return a.svc.UpdateLabor(c.Context(), c.P, id, rid, in)
	})
}

// DeleteLabor removes a draft or rejected record (?version=).
func (a *API) DeleteLabor(c *web.Ctx) error {
	id, rid, err := c.ProjectPathID("rid")
	if err != nil {
		return err
	}
	v, _ := strconv.ParseInt(c.R.URL.Query().Get("version"), 10, 64)
	if err := a.svc.DeleteLabor(c.Context(), c.P, id, rid, v); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) ids(c *web.Ctx) (int64, IDsInput, error) {
	var in IDsInput
	id, err := c.PathID("id")
	if err != nil {
		return 0, in, err
	}
	if _, err := a.svc.laborAccess(c.Context(), c.P, id); err != nil {
		return 0, in, err
	}
	return id, in, c.DecodeJSON(&in)
}

// Submit submits records.
func (a *API) Submit(c *web.Ctx) error {
	id, in, err := a.ids(c)
	if err != nil {
		return err
	}
	n, err := a.svc.SubmitLabor(c.Context(), c.P, id, in.IDs)
	return web.Reply(c, http.StatusOK, Count{n}, err)
}

// Decide approves or rejects records (PM).
func (a *API) Decide(c *web.Ctx) error {
	id, in, err := a.ids(c)
	if err != nil {
		return err
	}
	n, err := a.svc.DecideLabor(c.Context(), c.P, id, in.IDs, in.Approve, in.Reason)
	return web.Reply(c, http.StatusOK, Count{n}, err)
}

// Reverse adds the reversal of an approved record.
func (a *API) Reverse(c *web.Ctx) error {
	id, in, err := a.ids(c)
	if err != nil {
		return err
	}
	rid, err := c.PathID("rid")
	if err != nil {
		return err
	}
	r, err := a.svc.ReverseLabor(c.Context(), c.P, id, rid, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, r)
}

// Week reads the grid (?week=).
func (a *API) Week(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	w, err := a.svc.Week(c.Context(), c.P, id, c.R.URL.Query().Get("week"))
	return web.Reply(c, http.StatusOK, w, err)
}

// SaveWeek saves grid cells in one transaction.
func (a *API) SaveWeek(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, a.laborCheck(c, id), func(in GridInput) (Count, error) {
		n, err := a.svc.SaveWeek(c.Context(), c.P, id, in)
		return Count{n}, err
	})
}

// Import imports a foreman's sheet: the body is the .xlsx itself,
// ?subcontractor_id= names whose workers it lists. 200 with the report
// (created > 0) or 422 with the per-row errors.
func (a *API) Import(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if _, err := a.svc.laborAccess(c.Context(), c.P, id); err != nil {
		return err
	}
	sub, _ := strconv.ParseInt(c.R.URL.Query().Get("subcontractor_id"), 10, 64)
	data, err := io.ReadAll(io.LimitReader(c.R.Body, ImportMaxBytes+1))
	if err != nil {
		return apperr.New(apperr.Invalid, "error.body_unreadable")
	}
	rep, err := a.svc.ImportLabor(c.Context(), c.P, id, sub, data)
	if err != nil {
		return err
	}
	if len(rep.Errors) > 0 {
		translateReport(c, &rep)
		return c.JSON(http.StatusUnprocessableEntity, rep)
	}
	return c.JSON(http.StatusOK, rep)
}

// Summary totals approved labor (?from=&to=&group_by=&period=&subcontractor_id=).
func (a *API) Summary(c *web.Ctx) error {
	var id int64
	if c.R.PathValue("id") != "" {
		var err error
		if id, err = c.PathID("id"); err != nil {
			return err
		}
	}
	q := c.R.URL.Query()
	sq := SummaryQuery{ProjectID: id, From: q.Get("from"), To: q.Get("to"), GroupBy: q.Get("group_by"), Period: q.Get("period")}
	sq.SubcontractorID, _ = strconv.ParseInt(q.Get("subcontractor_id"), 10, 64)
	r, err := a.svc.Summary(c.Context(), c.P, sq)
	return web.Reply(c, http.StatusOK, r, err)
}

// Actuals is the actual cost per day and category (?from=&to=).
func (a *API) Actuals(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	out, err := a.svc.ActualsFor(c.Context(), c.P, id, c.R.URL.Query().Get("from"), c.R.URL.Query().Get("to"))
	return web.Reply(c, http.StatusOK, out, err)
}

// Budgets lists the budget versions.
func (a *API) Budgets(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	out, err := a.svc.Budgets(c.Context(), c.P, id)
	return web.Reply(c, http.StatusOK, out, err)
}

// ProposeBudget adds a proposed version.
func (a *API) ProposeBudget(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusCreated, func() error { return a.svc.costAccess(c.Context(), c.P, id) }, func(in BudgetInput) (Budget, error) {
		return a.svc.ProposeBudget(c.Context(), c.P, id, in)
	})
}

// DecideBudget approves or rejects a proposed version.
func (a *API) DecideBudget(c *web.Ctx) error {
	id, bid, err := c.ProjectPathID("bid")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, func() error { return a.svc.costAccess(c.Context(), c.P, id) }, func(in BudgetDecision) (Budget, error) {
		return a.svc.DecideBudget(c.Context(), c.P, id, bid, in)
	})
}

// Expenses lists expenses.
func (a *API) Expenses(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	out, err := a.svc.ListExpenses(c.Context(), c.P, id)
	return web.Reply(c, http.StatusOK, out, err)
}

// CreateExpense adds a draft expense.
func (a *API) CreateExpense(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusCreated, a.laborCheck(c, id), func(in ExpenseInput) (Expense, error) {
		return a.svc.CreateExpense(c.Context(), c.P, id, in)
	})
}

// ActOnExpense submits, approves or rejects an expense.
func (a *API) ActOnExpense(c *web.Ctx) error {
	id, eid, err := c.ProjectPathID("eid")
	if err != nil {
		return err
	}
	return web.JSONChange(c, http.StatusOK, func() error {
		_, _, err := a.svc.GetExpense(c.Context(), c.P, id, eid)
		return err
	}, func(in ExpenseAction) (Expense, error) {
		return a.svc.ActOnExpense(c.Context(), c.P, id, eid, in)
	})
}

// RateBook is the whole rate book.
type RateBook struct {
	Cards  []RateCard  `json:"rate_cards"`
	Trades []TradeRate `json:"trade_rates"`
}

// Rates lists rate cards and trade rates.
func (a *API) Rates(c *web.Ctx) error {
	cards, err := a.svc.RateCards(c.Context(), c.P)
	if err != nil {
		return err
	}
	trades, err := a.svc.TradeRates(c.Context(), c.P)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, RateBook{cards, trades})
}

// AddRateCard adds a rate card row.
func (a *API) AddRateCard(c *web.Ctx) error {
	return web.JSONChange(c, http.StatusCreated, func() error { return rateAccess(c.P) }, func(in RateCardInput) (RateCard, error) {
		return a.svc.AddRateCard(c.Context(), c.P, in)
	})
}

// AddTradeRate adds a trade rate row.
func (a *API) AddTradeRate(c *web.Ctx) error {
	return web.JSONChange(c, http.StatusCreated, func() error { return rateAccess(c.P) }, func(in TradeRateInput) (TradeRate, error) {
		return a.svc.AddTradeRate(c.Context(), c.P, in)
	})
}

// Subcontractors lists subcontractors with their workers.
func (a *API) Subcontractors(c *web.Ctx) error {
	out, err := a.svc.Subcontractors(c.Context(), c.P)
	return web.Reply(c, http.StatusOK, out, err)
}

// AddSubcontractor creates a subcontractor.
func (a *API) AddSubcontractor(c *web.Ctx) error {
	return web.JSONChange(c, http.StatusCreated, func() error { return rateAccess(c.P) }, func(in SubcontractorInput) (Subcontractor, error) {
		return a.svc.CreateSubcontractor(c.Context(), c.P, in)
	})
}

// AddWorker creates a day worker.
func (a *API) AddWorker(c *web.Ctx) error {
	return web.JSONChange(c, http.StatusCreated, func() error { return rateAccess(c.P) }, func(in WorkerInput) (Worker, error) {
		return a.svc.CreateWorker(c.Context(), c.P, in)
	})
}
