package funds

import (
	"strconv"

	"golive/internal/web"
)

func rowsOf[T any](items []T, f func(T) []any) func() ([]any, bool, error) {
	i := 0
	return func() ([]any, bool, error) {
		if i >= len(items) {
			return nil, false, nil
		}
		r := f(items[i])
		i++
		return r, true, nil
	}
}

func (h *Web) fileName(pid int64, what string) string {
	return "funds-" + strconv.FormatInt(pid, 10) + "-" + what + "-" + Today() + ".xlsx"
}

// ExportContracts writes the project's contracts (no internal notes).
func (h *Web) ExportContracts(c *web.Ctx) error {
	pid, err := c.PathID("id")
	if err != nil {
		return err
	}
	cs, _, err := h.svc.Contracts(c.Context(), c.P, pid)
	if err != nil {
		return err
	}
	cols := []web.Column{{Header: c.T("funds.col.number"), Width: 18}, {Header: c.T("funds.col.title"), Width: 30}, {Header: c.T("funds.col.customer"), Width: 20},
		{Header: c.T("funds.col.amount"), Kind: web.ColMoney}, {Header: c.T("funds.col.tax_rate"), Width: 8}, {Header: c.T("funds.col.tax"), Kind: web.ColMoney},
		{Header: c.T("funds.col.total"), Kind: web.ColMoney}, {Header: c.T("funds.col.currency"), Width: 6}, {Header: c.T("funds.col.signed"), Kind: web.ColDate}}
	return web.ServeXLSX(c.W, h.fileName(pid, "contracts"), c.T("funds.contracts"), cols, rowsOf(cs, func(x Contract) []any {
		return []any{x.Number, x.Title, x.CustomerName, x.AmountMinor, Percent(x.TaxRateBP), x.TaxMinor, x.TotalMinor, x.Currency, x.SignedDate}
	}))
}

// ExportMilestones writes the payment schedule with receivables and ageing.
func (h *Web) ExportMilestones(c *web.Ctx) error {
	pid, err := c.PathID("id")
	if err != nil {
		return err
	}
	ms, _, err := h.svc.ProjectMilestones(c.Context(), c.P, pid, "")
	if err != nil {
		return err
	}
	cs, _, err := h.svc.Contracts(c.Context(), c.P, pid)
	if err != nil {
		return err
	}
	num := map[int64]string{}
	for _, x := range cs {
		num[x.ID] = x.Number
	}
	cols := []web.Column{{Header: c.T("funds.col.number"), Width: 18}, {Header: c.T("funds.col.milestone"), Width: 14}, {Header: c.T("funds.col.share"), Width: 8},
		{Header: c.T("funds.col.due_amount"), Kind: web.ColMoney}, {Header: c.T("funds.col.trigger"), Width: 24}, {Header: c.T("funds.col.planned"), Kind: web.ColDate},
		{Header: c.T("funds.col.warranty"), Kind: web.ColInt}, {Header: c.T("funds.col.due_date"), Kind: web.ColDate},
		{Header: c.T("funds.col.invoiced"), Kind: web.ColMoney}, {Header: c.T("funds.col.received"), Kind: web.ColMoney}, {Header: c.T("funds.col.outstanding"), Kind: web.ColMoney},
		{Header: c.T("funds.col.days_overdue"), Kind: web.ColInt}, {Header: c.T("funds.col.bucket"), Width: 10}}
	return web.ServeXLSX(c.W, h.fileName(pid, "schedule"), c.T("funds.schedule"), cols, rowsOf(ms, func(m Milestone) []any {
		share := ""
		if m.ShareBP > 0 {
			share = Percent(m.ShareBP)
		}
		trig := c.T("funds.trigger." + m.Trigger)
		if m.TriggerName != "" {
			trig += ": " + m.TriggerName
		}
		bucket := ""
		if m.Bucket != "" {
			bucket = c.T("funds.bucket." + m.Bucket)
		}
		return []any{num[m.ContractID], m.Name, share, m.AmountMinor, trig, m.PlannedDate, m.WarrantyMonths, m.DueDate,
			m.InvoicedMinor, m.ReceivedMinor, m.OutstandingMinor, m.DaysOverdue, bucket}
	}))
}

// ExportInvoices writes the invoices issued (no internal notes).
func (h *Web) ExportInvoices(c *web.Ctx) error {
	pid, err := c.PathID("id")
	if err != nil {
		return err
	}
	is, _, err := h.svc.Invoices(c.Context(), c.P, pid)
	if err != nil {
		return err
	}
	cols := []web.Column{{Header: c.T("funds.col.invoice_no"), Width: 16}, {Header: c.T("funds.col.invoice_kind"), Width: 16}, {Header: c.T("funds.col.milestone"), Width: 14},
		{Header: c.T("funds.col.amount"), Kind: web.ColMoney}, {Header: c.T("funds.col.tax"), Kind: web.ColMoney}, {Header: c.T("funds.col.total"), Kind: web.ColMoney},
		{Header: c.T("funds.col.issue_date"), Kind: web.ColDate}}
	return web.ServeXLSX(c.W, h.fileName(pid, "invoices"), c.T("funds.invoices"), cols, rowsOf(is, func(x Invoice) []any {
		return []any{x.Number, c.T("funds.invoice." + x.Kind), x.Milestone, x.AmountMinor, x.TaxMinor, x.TotalMinor, x.IssueDate}
	}))
}

// ExportReceipts writes the receipts (vendor staff only).
func (h *Web) ExportReceipts(c *web.Ctx) error {
	pid, err := c.PathID("id")
	if err != nil {
		return err
	}
	rs, err := h.svc.Receipts(c.Context(), c.P, pid)
	if err != nil {
		return err
	}
	cols := []web.Column{{Header: c.T("funds.col.receipt_date"), Kind: web.ColDate}, {Header: c.T("funds.col.milestone"), Width: 14},
		{Header: c.T("funds.col.amount"), Kind: web.ColMoney}, {Header: c.T("funds.col.method"), Width: 12}, {Header: c.T("funds.col.prepayment"), Width: 8},
		{Header: c.T("funds.col.reference"), Width: 20}, {Header: c.T("funds.col.notes"), Width: 30}}
	return web.ServeXLSX(c.W, h.fileName(pid, "receipts"), c.T("funds.receipts"), cols, rowsOf(rs, func(x Receipt) []any {
		pre := ""
		if x.Prepayment {
			pre = c.T("funds.yes")
		}
		return []any{x.ReceiptDate, x.Milestone, x.AmountMinor, c.T("funds.method." + x.Method), pre, x.Reference, x.Notes}
	}))
}

// ExportForecast writes the monthly cash-flow forecast.
func (h *Web) ExportForecast(c *web.Ctx) error {
	pid, err := c.PathID("id")
	if err != nil {
		return err
	}
	f, err := h.svc.Forecast(c.Context(), c.P, pid, c.R.URL.Query().Get("from"), c.QueryInt("months", 12))
	if err != nil {
		return err
	}
	cols := []web.Column{{Header: c.T("funds.col.month"), Width: 10}, {Header: c.T("funds.col.expected"), Kind: web.ColMoney}, {Header: c.T("funds.col.received"), Kind: web.ColMoney},
		{Header: c.T("funds.col.planned_cost"), Kind: web.ColMoney}, {Header: c.T("funds.col.net"), Kind: web.ColMoney}, {Header: c.T("funds.col.cumulative"), Kind: web.ColMoney}}
	return web.ServeXLSX(c.W, h.fileName(pid, "cashflow"), c.T("funds.forecast"), cols, rowsOf(f.Months, func(m ForecastMonth) []any {
		var cost any = m.CostMinor
		if !f.CostsAvailable {
			cost = nil // not available: left empty, never a false 0
		}
		return []any{m.Month, m.ExpectedMinor, m.ReceivedMinor, cost, m.NetMinor, m.CumulMinor}
	}))
}
