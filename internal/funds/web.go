package funds

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"golive/internal/apperr"
	"golive/internal/i18n"
	"golive/internal/money"
	"golive/internal/project"
	"golive/internal/web"
)

// Web holds the HTML handlers of the fund centre.
type Web struct{ svc *Service }

func NewWeb(svc *Service) *Web { return &Web{svc: svc} }

func base(id int64) string { return "/projects/" + strconv.FormatInt(id, 10) + "/funds" }

// ContractBlock is a contract with its schedule, for the pages.
type ContractBlock struct {
	Contract
	Milestones []Milestone
}

// InvoiceForm and ReceiptForm keep what the user typed.
type InvoiceForm struct {
	MilestoneID, Number, Kind, Amount, Tax, IssueDate, Notes string
}

type ReceiptForm struct {
	MilestoneID, Amount, ReceiptDate, Method, Reference, Notes string
	Prepayment                                                 bool
}

// MilestoneOption is one choice in the invoice/receipt forms.
type MilestoneOption struct {
	ID    int64
	Label string
}

type fundsPage struct {
	web.Base
	PID       int64
	Path      string
	Full      bool // vendor view
	Manage    bool
	Contracts []ContractBlock
	Rec       ProjectReceivable
	Aged      []Milestone // milestones fallen due with money outstanding
	Invoices  []Invoice
	Receipts  []Receipt
	Options   []MilestoneOption
	Inv       InvoiceForm
	Rcp       ReceiptForm
	Form      string // which form failed: "invoice" or "receipt"
	Errs      map[string]string
	Today     string
	Buckets   []string
	Methods   []string
	InvKinds  []string
	NumberOf  map[int64]string // contract id → number
}

func (h *Web) load(c *web.Ctx, pid int64) (fundsPage, error) {
	v, manage, err := h.svc.Access(c.Context(), c.P, pid)
	if err != nil {
		return fundsPage{}, err
	}
	pr, _, err := h.svc.projects.Get(c.Context(), c.P, pid)
	if err != nil {
		return fundsPage{}, err
	}
	vm := fundsPage{Base: project.ProjectBase(c, pr, "funds", "funds.title"), PID: pid, Path: base(pid), Full: v == ViewFull, Manage: manage,
		Today: Today(), Buckets: Buckets, Methods: ReceiptMethods, InvKinds: InvoiceKinds, NumberOf: map[int64]string{}}
	cs, _, err := h.svc.Contracts(c.Context(), c.P, pid)
	if err != nil {
		return vm, err
	}
	rec, ms, _, err := h.svc.ProjectReceivable(c.Context(), c.P, pid, "")
	if err != nil {
		return vm, err
	}
	vm.Rec = rec
	for _, ct := range cs {
		b := ContractBlock{Contract: ct}
		vm.NumberOf[ct.ID] = ct.Number
		for _, m := range ms {
			if m.ContractID == ct.ID {
				b.Milestones = append(b.Milestones, m)
				vm.Options = append(vm.Options, MilestoneOption{ID: m.ID, Label: ct.Number + " · " + m.Name + " · " + money.Format(m.OutstandingMinor)})
			}
		}
		vm.Contracts = append(vm.Contracts, b)
	}
	for _, m := range ms {
		if m.Bucket != "" {
			vm.Aged = append(vm.Aged, m)
		}
	}
	if vm.Invoices, _, err = h.svc.Invoices(c.Context(), c.P, pid); err != nil {
		return vm, err
	}
	if vm.Full {
		if vm.Receipts, err = h.svc.Receipts(c.Context(), c.P, pid); err != nil {
			return vm, err
		}
	}
	// The forms start on the most overdue milestone, else the first unpaid.
	first := ""
	for _, m := range ms {
		if m.OutstandingMinor > 0 && first == "" {
			first = strconv.FormatInt(m.ID, 10)
		}
	}
	if len(vm.Aged) > 0 {
		worst := vm.Aged[0]
		for _, m := range vm.Aged {
			if m.DaysOverdue > worst.DaysOverdue {
				worst = m
			}
		}
		first = strconv.FormatInt(worst.ID, 10)
	}
	vm.Inv = InvoiceForm{Kind: InvoiceSpecial, IssueDate: vm.Today, MilestoneID: first}
	vm.Rcp = ReceiptForm{Method: "transfer", ReceiptDate: vm.Today, MilestoneID: first}
	return vm, nil
}

// Show renders the fund centre of a project.
func (h *Web) Show(c *web.Ctx) error {
	pid, err := c.PathID("id")
	if err != nil {
		return err
	}
	vm, err := h.load(c, pid)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "funds/funds.html", vm)
}

// Print renders the payment schedule for the customer (print CSS).
func (h *Web) Print(c *web.Ctx) error {
	pid, err := c.PathID("id")
	if err != nil {
		return err
	}
	vm, err := h.load(c, pid)
	if err != nil {
		return err
	}
	vm.Title = c.T("funds.print_title") + " · " + vm.Title
	if n := len(vm.Crumbs); n > 0 {
		vm.Crumbs[n-1] = web.Crumb{Label: c.T("funds.title"), Href: base(pid)}
		vm.Crumbs = append(vm.Crumbs, web.Crumb{Label: c.T("funds.print_title")})
	}
	return c.Render(http.StatusOK, "funds/print.html", vm)
}

// parseMoney reads an amount typed in yuan ("1,234.56"); "" is 0.
func parseMoney(f *apperr.Fields, field, s string) int64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	v, err := money.Parse(s)
	if err != nil {
		f.Add(field, "funds.err_amount")
	}
	return v
}

// parsePercent reads a percentage typed as "30", "12.5" or "6%" into basis
// points (3000, 1250, 600); "" is 0.
func parsePercent(f *apperr.Fields, field, s string) int64 {
	s = strings.TrimSuffix(strings.TrimSpace(s), "%")
	if s == "" {
		return 0
	}
	v, err := money.Parse(s) // two decimals, like fen: 12.5 → 1250
	if err != nil || strings.ContainsAny(s, "¥￥,") {
		f.Add(field, "funds.err_percent")
	}
	return v
}

func formID(s string) int64 { v, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 64); return v }

// failed re-renders the fund page with the failed form as typed.
func (h *Web) failed(c *web.Ctx, pid int64, form string, inv InvoiceForm, rcp ReceiptForm, err error) error {
	fe, _, status, ok := formFailure(c, err)
	if !ok {
		return err
	}
	vm, lerr := h.load(c, pid)
	if lerr != nil {
		return lerr
	}
	vm.Form, vm.Errs = form, fe
	if form == "invoice" {
		vm.Inv = inv
	} else {
		vm.Rcp = rcp
	}
	return c.Render(status, "funds/funds.html", vm)
}

// CreateInvoice posts the invoice form.
func (h *Web) CreateInvoice(c *web.Ctx) error {
	pid, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	if _, _, err := h.svc.can(c.Context(), c.P, pid, true); err != nil {
		return err
	}
	form := InvoiceForm{MilestoneID: c.FormValue("milestone_id"), Number: c.FormValue("number"), Kind: c.FormValue("kind"),
		Amount: c.FormValue("amount_minor"), Tax: c.FormValue("tax_minor"), IssueDate: c.FormValue("issue_date"), Notes: c.FormValue("notes")}
	var f apperr.Fields
	in := InvoiceInput{MilestoneID: formID(form.MilestoneID), Number: form.Number, Kind: form.Kind, IssueDate: form.IssueDate, Notes: form.Notes,
		AmountMinor: parseMoney(&f, "amount_minor", form.Amount), TaxMinor: parseMoney(&f, "tax_minor", form.Tax)}
	err = f.Err()
	if err == nil {
		_, err = h.svc.CreateInvoice(c.Context(), c.P, pid, in)
	}
	if err != nil {
		return h.failed(c, pid, "invoice", form, ReceiptForm{}, err)
	}
	c.Flash("funds.invoice_saved", in.Number)
	return c.Redirect(base(pid) + "#invoices")
}

// CreateReceipt posts the receipt form.
func (h *Web) CreateReceipt(c *web.Ctx) error {
	pid, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	if _, _, err := h.svc.can(c.Context(), c.P, pid, true); err != nil {
		return err
	}
	form := ReceiptForm{MilestoneID: c.FormValue("milestone_id"), Amount: c.FormValue("amount_minor"), ReceiptDate: c.FormValue("receipt_date"),
		Method: c.FormValue("method"), Reference: c.FormValue("reference"), Notes: c.FormValue("notes"), Prepayment: c.FormValue("prepayment") != ""}
	var f apperr.Fields
	in := ReceiptInput{MilestoneID: formID(form.MilestoneID), ReceiptDate: form.ReceiptDate, Method: form.Method, Reference: form.Reference,
		Notes: form.Notes, Prepayment: form.Prepayment, AmountMinor: parseMoney(&f, "amount_minor", form.Amount)}
	err = f.Err()
	if err == nil {
		_, err = h.svc.CreateReceipt(c.Context(), c.P, pid, in)
	}
	if err != nil {
		return h.failed(c, pid, "receipt", InvoiceForm{}, form, err)
	}
	c.Flash("funds.receipt_saved", money.Format(in.AmountMinor))
	return c.Redirect(base(pid) + "#ageing")
}

// DeleteInvoice and DeleteReceipt move an entry to the trash.
func (h *Web) DeleteInvoice(c *web.Ctx) error { return h.deleteEntry(c, "iid", invoiceLedger) }
func (h *Web) DeleteReceipt(c *web.Ctx) error { return h.deleteEntry(c, "rid", receiptLedger) }

func (h *Web) deleteEntry(c *web.Ctx, param string, k ledgerKind) error {
	pid, err := c.PathID("id")
	if err != nil {
		return err
	}
	id, err := c.PathID(param)
	if err != nil {
		return err
	}
	if err := h.svc.deleteEntry(c.Context(), c.P, pid, id, k); err != nil {
		return err
	}
	c.Flash("funds.deleted")
	return c.Redirect(base(pid))
}

// Alerts sends today's overdue alerts now.
func (h *Web) Alerts(c *web.Ctx) error {
	pid, err := c.PathID("id")
	if err != nil {
		return err
	}
	n, err := h.svc.AlertNow(c.Context(), c.P, pid)
	if err != nil {
		return err
	}
	c.Flash("funds.alerts_sent", n)
	return c.Redirect(base(pid) + "#ageing")
}

// ----- contract form -----

type contractPage struct {
	web.Base
	PID      int64
	Path     string
	ID       int64 // 0: new
	Number   string
	Title    string
	Amount   string
	TaxRate  string
	Currency string
	Signed   string
	Notes    string
	Version  int64
	Errs     map[string]string
	Conflict bool
}

func (h *Web) contractBase(c *web.Ctx, pid int64, key string) (web.Base, error) {
	if _, _, err := h.svc.can(c.Context(), c.P, pid, true); err != nil {
		return web.Base{}, err
	}
	pr, _, err := h.svc.projects.Get(c.Context(), c.P, pid)
	if err != nil {
		return web.Base{}, err
	}
	b := project.ProjectBase(c, pr, "funds", key)
	return b, nil
}

// NewContract shows the empty contract form.
func (h *Web) NewContract(c *web.Ctx) error {
	pid, err := c.PathID("id")
	if err != nil {
		return err
	}
	b, err := h.contractBase(c, pid, "funds.new_contract")
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "funds/contract_form.html", contractPage{Base: b, PID: pid, Path: base(pid), TaxRate: "6", Currency: "CNY"})
}

// EditContract shows a contract's edit form.
func (h *Web) EditContract(c *web.Ctx) error {
	pid, err := c.PathID("id")
	if err != nil {
		return err
	}
	cid, err := c.PathID("cid")
	if err != nil {
		return err
	}
	b, err := h.contractBase(c, pid, "funds.edit_contract")
	if err != nil {
		return err
	}
	ct, _, err := h.svc.Contract(c.Context(), c.P, pid, cid)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "funds/contract_form.html", contractFormOf(b, pid, ct))
}

func contractFormOf(b web.Base, pid int64, ct Contract) contractPage {
	return contractPage{Base: b, PID: pid, Path: base(pid), ID: ct.ID, Number: ct.Number, Title: ct.Title, Amount: money.Plain(ct.AmountMinor),
		TaxRate: strings.TrimSuffix(Percent(ct.TaxRateBP), "%"), Currency: ct.Currency, Signed: ct.SignedDate, Notes: ct.Notes, Version: ct.Version}
}

// SaveContract creates (no cid) or updates a contract from the form.
func (h *Web) SaveContract(c *web.Ctx) error {
	pid, err := c.PathID("id")
	if err != nil {
		return err
	}
	var cid int64
	if c.R.PathValue("cid") != "" {
		if cid, err = c.PathID("cid"); err != nil {
			return err
		}
	}
	if err := c.Form(); err != nil {
		return err
	}
	key := "funds.new_contract"
	if cid != 0 {
		key = "funds.edit_contract"
	}
	b, err := h.contractBase(c, pid, key)
	if err != nil {
		return err
	}
	vm := contractPage{Base: b, PID: pid, Path: base(pid), ID: cid, Number: c.FormValue("number"), Title: c.FormValue("title"), Amount: c.FormValue("amount_minor"),
		TaxRate: c.FormValue("tax_rate_bp"), Currency: c.FormValue("currency"), Signed: c.FormValue("signed_date"), Notes: c.FormValue("notes")}
	vm.Version = formID(c.FormValue("version"))
	var f apperr.Fields
	in := ContractInput{Number: vm.Number, Title: vm.Title, AmountMinor: parseMoney(&f, "amount_minor", vm.Amount), Currency: vm.Currency,
		SignedDate: vm.Signed, Notes: vm.Notes, Version: vm.Version}
	in.TaxRateBP = parsePercent(&f, "tax_rate_bp", vm.TaxRate)
	if strings.TrimSpace(vm.Amount) == "" {
		f.Add("amount_minor", "validate.required")
	}
	err = f.Err()
	var saved Contract
	if err == nil {
		if cid == 0 {
			saved, err = h.svc.CreateContract(c.Context(), c.P, pid, in)
		} else {
			saved, err = h.svc.UpdateContract(c.Context(), c.P, pid, cid, in)
		}
	}
	if err != nil {
		fe, conflict, status, ok := formFailure(c, err)
		if !ok {
			return err
		}
		vm.Errs, vm.Conflict = fe, conflict
		if conflict {
			if cur, _, cerr := h.svc.Contract(c.Context(), c.P, pid, cid); cerr == nil {
				vm.Version = cur.Version
			}
		}
		return c.Render(status, "funds/contract_form.html", vm)
	}
	c.Flash("funds.contract_saved", saved.Number)
	if cid == 0 {
		return c.Redirect(base(pid) + "/contracts/" + strconv.FormatInt(saved.ID, 10) + "/schedule")
	}
	return c.Redirect(base(pid))
}

// DeleteContract moves a contract to the trash.
func (h *Web) DeleteContract(c *web.Ctx) error {
	pid, err := c.PathID("id")
	if err != nil {
		return err
	}
	cid, err := c.PathID("cid")
	if err != nil {
		return err
	}
	if err := h.svc.DeleteContract(c.Context(), c.P, pid, cid); err != nil {
		return err
	}
	c.Flash("funds.deleted")
	return c.Redirect(base(pid))
}

// ----- schedule form -----

// ScheduleRow is one row of the schedule form as typed.
type ScheduleRow struct {
	ID, Kind, Name, Share, Amount, Trigger, Planned, Warranty, Notes string
}

type schedulePage struct {
	web.Base
	PID        int64
	Path       string
	Contract   Contract
	Rows       []ScheduleRow
	Milestones []TriggerOption
	Documents  []TriggerOption
	Kinds      []string
	Errs       map[string]string
	RowErrs    map[int]map[string]string
	Conflict   bool
}

// ScheduleForm shows a contract's schedule form: its milestones, or the
// default 30/40/25/5 when it has none, and two blank rows.
func (h *Web) ScheduleForm(c *web.Ctx) error {
	pid, cid, vm, err := h.schedulePage(c)
	if err != nil {
		return err
	}
	ms, _, err := h.svc.Milestones(c.Context(), c.P, pid, cid)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		for _, d := range DefaultSchedule {
			vm.Rows = append(vm.Rows, ScheduleRow{Kind: d.Kind, Name: defaultName(d.Kind), Share: strings.TrimSuffix(Percent(d.ShareBP), "%"),
				Trigger: d.Trigger, Warranty: strconv.Itoa(d.WarrantyMonths)})
		}
	}
	for _, m := range ms {
		r := ScheduleRow{ID: strconv.FormatInt(m.ID, 10), Kind: m.Kind, Name: m.Name, Trigger: m.Trigger, Planned: m.PlannedDate,
			Warranty: strconv.Itoa(m.WarrantyMonths), Notes: m.Notes}
		if m.ShareBP > 0 {
			r.Share = strings.TrimSuffix(Percent(m.ShareBP), "%")
		} else {
			r.Amount = money.Plain(m.AmountMinor)
		}
		if m.Trigger != TriggerDate {
			r.Trigger = m.Trigger + ":" + strconv.FormatInt(m.TriggerID, 10)
		}
		vm.Rows = append(vm.Rows, r)
	}
	vm.Rows = append(vm.Rows, ScheduleRow{Kind: KindOther, Trigger: TriggerDate}, ScheduleRow{Kind: KindOther, Trigger: TriggerDate})
	return c.Render(http.StatusOK, "funds/schedule_form.html", vm)
}

func (h *Web) schedulePage(c *web.Ctx) (int64, int64, schedulePage, error) {
	pid, err := c.PathID("id")
	if err != nil {
		return 0, 0, schedulePage{}, err
	}
	cid, err := c.PathID("cid")
	if err != nil {
		return 0, 0, schedulePage{}, err
	}
	b, err := h.contractBase(c, pid, "funds.schedule")
	if err != nil {
		return 0, 0, schedulePage{}, err
	}
	ct, _, err := h.svc.Contract(c.Context(), c.P, pid, cid)
	if err != nil {
		return 0, 0, schedulePage{}, err
	}
	vm := schedulePage{Base: b, PID: pid, Path: base(pid), Contract: ct, Kinds: MilestoneKinds}
	if vm.Milestones, vm.Documents, err = h.svc.TriggerOptions(c.Context(), c.P, pid); err != nil {
		return 0, 0, vm, err
	}
	return pid, cid, vm, nil
}

// SaveSchedule posts the schedule form. Blank rows are skipped; the row
// numbers in errors are those of the form.
func (h *Web) SaveSchedule(c *web.Ctx) error {
	if err := c.Form(); err != nil {
		return err
	}
	pid, cid, vm, err := h.schedulePage(c)
	if err != nil {
		return err
	}
	n, _ := strconv.Atoi(c.FormValue("rows"))
	if n < 0 || n > 60 {
		n = 0
	}
	var f apperr.Fields
	in := ScheduleInput{Version: formID(c.FormValue("version"))}
	formRow := []int{} // index in input → row of the form
	for i := 0; i < n; i++ {
		p := "m" + strconv.Itoa(i) + "_"
		r := ScheduleRow{ID: c.FormValue(p + "id"), Kind: c.FormValue(p + "kind"), Name: c.FormValue(p + "name"), Share: c.FormValue(p + "share"),
			Amount: c.FormValue(p + "amount"), Trigger: c.FormValue(p + "trigger"), Planned: c.FormValue(p + "planned"), Warranty: c.FormValue(p + "warranty"),
			Notes: c.FormValue(p + "notes")}
		vm.Rows = append(vm.Rows, r)
		if r.ID == "" && strings.TrimSpace(r.Share+r.Amount+r.Name+r.Planned+r.Notes) == "" {
			continue
		}
		k := "milestones." + strconv.Itoa(len(in.Milestones)) + "."
		mi := MilestoneInput{ID: formID(r.ID), Kind: r.Kind, Name: r.Name, PlannedDate: r.Planned, Notes: r.Notes,
			AmountMinor: parseMoney(&f, k+"amount_minor", r.Amount), ShareBP: parsePercent(&f, k+"share_bp", r.Share)}
		if w := strings.TrimSpace(r.Warranty); w != "" {
			wm, err := strconv.Atoi(w)
			if err != nil {
				f.Add(k+"warranty_months", "funds.err_warranty")
			}
			mi.WarrantyMonths = wm
		}
		kind, ref, _ := strings.Cut(r.Trigger, ":")
		mi.Trigger, mi.TriggerID = kind, formID(ref)
		in.Milestones = append(in.Milestones, mi)
		formRow = append(formRow, i)
	}
	err = f.Err()
	if err == nil {
		_, err = h.svc.SetSchedule(c.Context(), c.P, pid, cid, in)
	}
	if err != nil {
		fe, conflict, status, ok := formFailure(c, err)
		if !ok {
			return err
		}
		vm.Conflict = conflict
		vm.Errs, vm.RowErrs = map[string]string{}, map[int]map[string]string{}
		for k, msg := range fe {
			rest, found := strings.CutPrefix(k, "milestones.")
			if !found {
				vm.Errs[k] = msg
				continue
			}
			idx, field, _ := strings.Cut(rest, ".")
			j, _ := strconv.Atoi(idx)
			if j >= 0 && j < len(formRow) && field != "" {
				row := formRow[j]
				if vm.RowErrs[row] == nil {
					vm.RowErrs[row] = map[string]string{}
				}
				vm.RowErrs[row][field] = msg
				vm.Errs["row"+strconv.Itoa(row+1)+" "+field] = c.T("funds.row_error", row+1, msg)
			} else {
				vm.Errs[k] = msg
			}
		}
		return c.Render(status, "funds/schedule_form.html", vm)
	}
	c.Flash("funds.schedule_saved", vm.Contract.Number)
	return c.Redirect(base(pid))
}

// ----- forecast -----

type forecastPage struct {
	web.Base
	PID   int64
	Path  string
	F     Forecast
	Chart string // JSON for funds.js
}

// ForecastPage shows the monthly cash-flow chart and table.
func (h *Web) ForecastPage(c *web.Ctx) error {
	pid, err := c.PathID("id")
	if err != nil {
		return err
	}
	f, err := h.svc.Forecast(c.Context(), c.P, pid, c.R.URL.Query().Get("from"), c.QueryInt("months", 12))
	if err != nil {
		return err
	}
	pr, _, err := h.svc.projects.Get(c.Context(), c.P, pid)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(f.Months)
	return c.Render(http.StatusOK, "funds/forecast.html", forecastPage{Base: project.ProjectBase(c, pr, "funds", "funds.forecast"), PID: pid, Path: base(pid), F: f, Chart: string(b)})
}

// formFailure is web.Ctx.FormFailure labelling a row's field by its last
// segment ("milestones.2.share_bp" is labelled like share_bp: "比例").
func formFailure(c *web.Ctx, err error) (map[string]string, bool, int, bool) {
	_, conflict, status, ok := c.FormFailure(err)
	if !ok {
		return nil, false, 0, false
	}
	e := apperr.As(err)
	if e == nil || e.Code != apperr.Invalid {
		return nil, conflict, status, true
	}
	out := make(map[string]string, len(e.Fields))
	for f, key := range e.Fields {
		last := f
		if i := strings.LastIndexByte(f, '.'); i >= 0 {
			last = f[i+1:]
		}
		label := f
		if i18n.Has("field." + last) {
			label = c.T("field." + last)
		}
		out[f] = label + ": " + c.T(key, e.FieldArgs[f]...)
	}
	return out, conflict, status, true
}
