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
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// CreateLabor adds a draft record.
func (a *API) CreateLabor(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if _, err := a.svc.laborAccess(c.Context(), c.P, id); err != nil {
		return err
	}
	var in LaborInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	r, err := a.svc.CreateLabor(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, r)
}

// UpdateLabor changes a draft or rejected record (send its version).
func (a *API) UpdateLabor(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	rid, err := c.PathID("rid")
	if err != nil {
		return err
	}
	if _, err := a.svc.laborAccess(c.Context(), c.P, id); err != nil {
		return err
	}
	var in LaborInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	r, err := a.svc.UpdateLabor(c.Context(), c.P, id, rid, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// DeleteLabor removes a draft or rejected record (?version=).
func (a *API) DeleteLabor(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	rid, err := c.PathID("rid")
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
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, Count{n})
}

// Decide approves or rejects records (PM).
func (a *API) Decide(c *web.Ctx) error {
	id, in, err := a.ids(c)
	if err != nil {
		return err
	}
	n, err := a.svc.DecideLabor(c.Context(), c.P, id, in.IDs, in.Approve, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, Count{n})
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
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, w)
}

// SaveWeek saves grid cells in one transaction.
func (a *API) SaveWeek(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if _, err := a.svc.laborAccess(c.Context(), c.P, id); err != nil {
		return err
	}
	var in GridInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	n, err := a.svc.SaveWeek(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, Count{n})
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
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// Actuals is the actual cost per day and category (?from=&to=).
func (a *API) Actuals(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	out, err := a.svc.ActualsFor(c.Context(), c.P, id, c.R.URL.Query().Get("from"), c.R.URL.Query().Get("to"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// Budgets lists the budget versions.
func (a *API) Budgets(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	out, err := a.svc.Budgets(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// ProposeBudget adds a proposed version.
func (a *API) ProposeBudget(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := a.svc.costAccess(c.Context(), c.P, id); err != nil {
		return err
	}
	var in BudgetInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	b, err := a.svc.ProposeBudget(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, b)
}

// DecideBudget approves or rejects a proposed version.
func (a *API) DecideBudget(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	bid, err := c.PathID("bid")
	if err != nil {
		return err
	}
	if err := a.svc.costAccess(c.Context(), c.P, id); err != nil {
		return err
	}
	var in BudgetDecision
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	b, err := a.svc.DecideBudget(c.Context(), c.P, id, bid, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, b)
}

// Expenses lists expenses.
func (a *API) Expenses(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	out, err := a.svc.ListExpenses(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// CreateExpense adds a draft expense.
func (a *API) CreateExpense(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if _, err := a.svc.laborAccess(c.Context(), c.P, id); err != nil {
		return err
	}
	var in ExpenseInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	e, err := a.svc.CreateExpense(c.Context(), c.P, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, e)
}

// ActOnExpense submits, approves or rejects an expense.
func (a *API) ActOnExpense(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	eid, err := c.PathID("eid")
	if err != nil {
		return err
	}
	if _, _, err := a.svc.GetExpense(c.Context(), c.P, id, eid); err != nil {
		return err
	}
	var in ExpenseAction
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	e, err := a.svc.ActOnExpense(c.Context(), c.P, id, eid, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, e)
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
	if err := rateAccess(c.P); err != nil {
		return err
	}
	var in RateCardInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	r, err := a.svc.AddRateCard(c.Context(), c.P, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, r)
}

// AddTradeRate adds a trade rate row.
func (a *API) AddTradeRate(c *web.Ctx) error {
	if err := rateAccess(c.P); err != nil {
		return err
	}
	var in TradeRateInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	r, err := a.svc.AddTradeRate(c.Context(), c.P, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, r)
}

// Subcontractors lists subcontractors with their workers.
func (a *API) Subcontractors(c *web.Ctx) error {
	out, err := a.svc.Subcontractors(c.Context(), c.P)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// AddSubcontractor creates a subcontractor.
func (a *API) AddSubcontractor(c *web.Ctx) error {
	if err := rateAccess(c.P); err != nil {
		return err
	}
	var in SubcontractorInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	r, err := a.svc.CreateSubcontractor(c.Context(), c.P, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, r)
}

// AddWorker creates a day worker.
func (a *API) AddWorker(c *web.Ctx) error {
	if err := rateAccess(c.P); err != nil {
		return err
	}
	var in WorkerInput
	if err := c.DecodeJSON(&in); err != nil {
		return err
	}
	r, err := a.svc.CreateWorker(c.Context(), c.P, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, r)
}
