package funds

import (
	"strings"
	"time"

	"golive/internal/apperr"
	"golive/internal/validate"
)

// Limits on amounts: 1 trillion yuan in fen keeps amount × 10000 inside int64.
const (
	MaxAmountMinor = 100_000_000_000_000
	MaxTaxRateBP   = 10000
	FullShareBP    = 10000
)

// Trigger kinds of a payment milestone.
const (
	TriggerDate      = "date"
	TriggerMilestone = "milestone" // a project milestone's acceptance
	TriggerDocument  = "document"  // a signed (accepted) deliverable
)

// Milestone kinds: the four defaults and "other".
const (
	KindAdvance    = "advance"    // 首付款
	KindProgress   = "progress"   // 进度款
	KindAcceptance = "acceptance" // 验收款
	KindRetention  = "retention"  // 质保金
	KindOther      = "other"
)

// Invoice kinds.
const (
	InvoiceSpecial    = "special"    // 增值税专用发票
	InvoiceOrdinary   = "ordinary"   // 增值税普通发票
	InvoiceElectronic = "electronic" // 电子发票
)

// Receipt methods.
var ReceiptMethods = []string{"transfer", "acceptance_bill", "cheque", "cash", "other"} // 银行转账/承兑汇票/支票/现金/其他

// InvoiceKinds lists the invoice kinds in display order.
var InvoiceKinds = []string{InvoiceSpecial, InvoiceOrdinary, InvoiceElectronic}

// MilestoneKinds lists the milestone kinds in display order.
var MilestoneKinds = []string{KindAdvance, KindProgress, KindAcceptance, KindRetention, KindOther}

// TriggerKinds lists the trigger kinds in display order.
var TriggerKinds = []string{TriggerDate, TriggerMilestone, TriggerDocument}

// DefaultSchedule is the usual split of an implementation contract:
// 首付款 30 %, 进度款 40 %, 验收款 25 %, 质保金 5 % with a 12-month warranty.
// The schedule form starts from it; every row can be changed.
var DefaultSchedule = []MilestoneInput{
	{Kind: KindAdvance, ShareBP: 3000, Trigger: TriggerDate},
	{Kind: KindProgress, ShareBP: 4000, Trigger: TriggerDate},
	{Kind: KindAcceptance, ShareBP: 2500, Trigger: TriggerDate},
	{Kind: KindRetention, ShareBP: 500, Trigger: TriggerDate, WarrantyMonths: 12},
}

// Contract is a sales contract of a project.
type Contract struct {
	ID                int64  `json:"id"`
	ProjectID         int64  `json:"project_id"`
	Number            string `json:"number"`
	Title             string `json:"title"`
	CustomerCompanyID int64  `json:"customer_company_id"`
	CustomerName      string `json:"customer_name"`
	AmountMinor       int64  `json:"amount_minor"`
	TaxRateBP         int64  `json:"tax_rate_bp"`
	TaxMinor          int64  `json:"tax_minor"`
	TotalMinor        int64  `json:"total_minor"`
	Currency          string `json:"currency"`
	SignedDate        string `json:"signed_date,omitempty"`
	Notes             string `json:"notes,omitempty"` // internal: vendor only
	CreatedMS         int64  `json:"created_ms"`
	UpdatedMS         int64  `json:"updated_ms"`
	DeletedMS         *int64 `json:"deleted_ms,omitempty"`
	Version           int64  `json:"version"`
}

// ContractInput creates or edits a contract. Version is required on edit.
type ContractInput struct {
	Number      string `json:"number"`
	Title       string `json:"title"`
	AmountMinor int64  `json:"amount_minor"`
	TaxRateBP   int64  `json:"tax_rate_bp"`
	Currency    string `json:"currency"`
	SignedDate  string `json:"signed_date"`
	Notes       string `json:"notes"`
	Version     int64  `json:"version,omitempty"`
}

// Validate checks the input.
func (in *ContractInput) Validate() error {
	var f apperr.Fields
	validate.Line(&f, "number", &in.Number, 1, 60)
	validate.Line(&f, "title", &in.Title, 0, 200)
	amount(&f, "amount_minor", in.AmountMinor)
	if in.TaxRateBP < 0 || in.TaxRateBP > MaxTaxRateBP {
		f.Add("tax_rate_bp", "funds.err_tax_rate")
	}
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	if in.Currency == "" {
		in.Currency = "CNY"
	}
	if len(in.Currency) != 3 || strings.Trim(in.Currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		f.Add("currency", "funds.err_currency")
	}
	validate.Date(&f, "signed_date", &in.SignedDate, false)
	validate.Text(&f, "notes", &in.Notes, 0, 4000)
	return f.Err()
}

func amount(f *apperr.Fields, field string, v int64) {
	if v < 0 {
		f.Add(field, "funds.err_negative")
	} else if v > MaxAmountMinor {
		f.Add(field, "funds.err_too_large")
	}
}

// RoundTax is amount × rateBP / 10000 rounded half-up to the fen (amounts
// are never negative here).
func RoundTax(amountMinor, rateBP int64) int64 {
	return (amountMinor*rateBP + 5000) / 10000
}

// Milestone is a payment milestone of a contract with what was invoiced and
// received against it (as of the day it was read).
type Milestone struct {
	ID             int64  `json:"id"`
	ProjectID      int64  `json:"project_id"`
	ContractID     int64  `json:"contract_id"`
	Seq            int    `json:"seq"`
	Kind           string `json:"kind"`
	Name           string `json:"name"`
	ShareBP        int64  `json:"share_bp"`
	AmountMinor    int64  `json:"amount_minor"`
	Trigger        string `json:"trigger"`
	TriggerID      int64  `json:"trigger_id,omitempty"`
	TriggerName    string `json:"trigger_name,omitempty"`
	TriggerDate    string `json:"trigger_date,omitempty"` // when the trigger happened
	PlannedDate    string `json:"planned_date,omitempty"`
	WarrantyMonths int    `json:"warranty_months"`
	DueDate        string `json:"due_date,omitempty"` // empty: not due yet
	Notes          string `json:"notes,omitempty"`    // internal
	Version        int64  `json:"version"`

	InvoicedMinor    int64  `json:"invoiced_minor"`
	ReceivedMinor    int64  `json:"received_minor"`
	OutstandingMinor int64  `json:"outstanding_minor"`
	DaysOverdue      int    `json:"days_overdue"`
	Bucket           string `json:"ageing_bucket,omitempty"` // "" when not due

	triggerInternal bool // the trigger is not customer-visible
}

// MilestoneInput is one row of a contract's schedule. ID is set for an
// existing milestone (kept, with its invoices and receipts); rows without
// ID are added; existing milestones left out are removed (refused when
// they carry invoices or receipts). Exactly one of ShareBP and AmountMinor
// is given.
type MilestoneInput struct {
	ID             int64  `json:"id,omitempty"`
	Kind           string `json:"kind"`
	Name           string `json:"name"`
	ShareBP        int64  `json:"share_bp"`
	AmountMinor    int64  `json:"amount_minor"`
	Trigger        string `json:"trigger"`
	TriggerID      int64  `json:"trigger_id,omitempty"`
	PlannedDate    string `json:"planned_date"`
	WarrantyMonths int    `json:"warranty_months"`
	Notes          string `json:"notes"`
}

// ScheduleInput replaces a contract's payment schedule. Version is the
// contract's version (the schedule is part of the contract).
type ScheduleInput struct {
	Milestones []MilestoneInput `json:"milestones"`
	Version    int64            `json:"version"`
}

// Validate checks each row; the shares' sum is checked by SplitShares.
func (in *ScheduleInput) Validate() error {
	var f apperr.Fields
	if in.Version <= 0 {
		f.Add("version", "validate.required")
	}
	if len(in.Milestones) == 0 {
		f.Add("milestones", "funds.err_no_milestones")
	}
	if len(in.Milestones) > 50 {
		f.Add("milestones", "funds.err_too_many")
	}
	for i := range in.Milestones {
		m := &in.Milestones[i]
		p := "milestones." + itoa(i) + "."
		validate.Enum(&f, p+"kind", m.Kind, MilestoneKinds...)
		validate.Line(&f, p+"name", &m.Name, 0, 60)
		if m.ShareBP < 0 {
			f.Add(p+"share_bp", "funds.err_negative")
		} else if m.ShareBP > FullShareBP {
			f.Add(p+"share_bp", "funds.err_share_range")
		}
		amount(&f, p+"amount_minor", m.AmountMinor)
		if m.ShareBP > 0 && m.AmountMinor > 0 {
			f.Add(p+"amount_minor", "funds.err_share_or_amount")
		}
		if m.ShareBP == 0 && m.AmountMinor == 0 && !f.Has(p+"share_bp") && !f.Has(p+"amount_minor") {
			f.Add(p+"share_bp", "funds.err_share_or_amount")
		}
		validate.Enum(&f, p+"trigger", m.Trigger, TriggerKinds...)
		if (m.Trigger == TriggerMilestone || m.Trigger == TriggerDocument) && m.TriggerID <= 0 {
			f.Add(p+"trigger_id", "validate.required")
		}
		if m.Trigger == TriggerDate {
			m.TriggerID = 0
		}
		validate.Date(&f, p+"planned_date", &m.PlannedDate, m.Trigger == TriggerDate)
		if m.WarrantyMonths < 0 || m.WarrantyMonths > 120 {
			f.Add(p+"warranty_months", "funds.err_warranty")
		}
		validate.Text(&f, p+"notes", &m.Notes, 0, 2000)
	}
	return f.Err()
}

// SplitShares turns the rows of a schedule into fen of total.
//
// All rows by share: the shares must add up to exactly 100 %, and each
// milestone gets round(total × its cumulative share) − round(total × the
// cumulative share before it), rounding half-up: the milestones add up to
// the total exactly and none is negative, whatever the shares (rounding
// each share alone and giving the last the remainder can go negative:
// 25/25/25/24.99/0.01 % of 2 fen).
//
// Some rows by fixed amount: amounts are taken as given, shares rounded
// half-up one by one, and the rows must add up to the total; a rounding
// difference of at most one fen per row goes to the last share row when
// that leaves it non-negative.
func SplitShares(total int64, rows []MilestoneInput) ([]int64, error) {
	out := make([]int64, len(rows))
	var shares, sum int64
	last := -1
	allShares := true
	for _, r := range rows {
		if r.ShareBP > 0 {
			shares += r.ShareBP
		} else {
			allShares = false
		}
	}
	if allShares {
		if shares != FullShareBP {
			return nil, apperr.InvalidField("milestones", "funds.err_shares_sum", percentText(shares))
		}
		var cum, prev int64
		for i, r := range rows {
			cum += r.ShareBP
			at := RoundTax(total, cum)
			out[i] = at - prev
			prev = at
		}
		return out, nil
	}
	for i, r := range rows {
		if r.ShareBP > 0 {
			out[i] = RoundTax(total, r.ShareBP)
			last = i
		} else {
			out[i] = r.AmountMinor
		}
		sum += out[i]
	}
	diff := total - sum
	if last >= 0 && diff != 0 && abs(diff) <= int64(len(rows)) && out[last]+diff >= 0 {
		out[last] += diff
		diff = 0
	}
	if diff != 0 {
		return nil, apperr.InvalidField("milestones", "funds.err_amounts_sum", fen(sum), fen(total))
	}
	return out, nil
}

// InvoiceInput records an invoice issued against a milestone.
type InvoiceInput struct {
	MilestoneID int64  `json:"milestone_id"`
	Number      string `json:"number"`
	Kind        string `json:"kind"`
	AmountMinor int64  `json:"amount_minor"`
	TaxMinor    int64  `json:"tax_minor"`
	IssueDate   string `json:"issue_date"`
	Notes       string `json:"notes"`
}

// Validate checks the input.
func (in *InvoiceInput) Validate() error {
	var f apperr.Fields
	if in.MilestoneID <= 0 {
		f.Add("milestone_id", "validate.required")
	}
	validate.Line(&f, "number", &in.Number, 1, 40)
	validate.Enum(&f, "kind", in.Kind, InvoiceKinds...)
	amount(&f, "amount_minor", in.AmountMinor)
	if in.AmountMinor == 0 && !f.Has("amount_minor") {
		f.Add("amount_minor", "funds.err_positive")
	}
	amount(&f, "tax_minor", in.TaxMinor)
	validate.Date(&f, "issue_date", &in.IssueDate, true)
	validate.Text(&f, "notes", &in.Notes, 0, 2000)
	return f.Err()
}

// ReceiptInput records money received against a milestone.
type ReceiptInput struct {
	MilestoneID int64  `json:"milestone_id"`
	AmountMinor int64  `json:"amount_minor"`
	ReceiptDate string `json:"receipt_date"`
	Method      string `json:"method"`
	Prepayment  bool   `json:"prepayment"`
	Reference   string `json:"reference"`
	Notes       string `json:"notes"`
}

// Validate checks the input.
func (in *ReceiptInput) Validate() error {
	var f apperr.Fields
	if in.MilestoneID <= 0 {
		f.Add("milestone_id", "validate.required")
	}
	amount(&f, "amount_minor", in.AmountMinor)
	if in.AmountMinor == 0 && !f.Has("amount_minor") {
		f.Add("amount_minor", "funds.err_positive")
	}
	validate.Date(&f, "receipt_date", &in.ReceiptDate, true)
	validate.Enum(&f, "method", in.Method, ReceiptMethods...)
	validate.Line(&f, "reference", &in.Reference, 0, 100)
	validate.Text(&f, "notes", &in.Notes, 0, 2000)
	return f.Err()
}

// Invoice is an invoice issued.
type Invoice struct {
	ID          int64  `json:"id"`
	ProjectID   int64  `json:"project_id"`
	ContractID  int64  `json:"contract_id"`
	MilestoneID int64  `json:"milestone_id"`
	Milestone   string `json:"milestone_name"`
	Number      string `json:"number"`
	Kind        string `json:"kind"`
	AmountMinor int64  `json:"amount_minor"`
	TaxMinor    int64  `json:"tax_minor"`
	TotalMinor  int64  `json:"total_minor"`
	IssueDate   string `json:"issue_date"`
	Notes       string `json:"notes,omitempty"` // internal
	DeletedMS   *int64 `json:"deleted_ms,omitempty"`
	Version     int64  `json:"version"`
}

// Receipt is money received.
type Receipt struct {
	ID          int64  `json:"id"`
	ProjectID   int64  `json:"project_id"`
	ContractID  int64  `json:"contract_id"`
	MilestoneID int64  `json:"milestone_id"`
	Milestone   string `json:"milestone_name"`
	AmountMinor int64  `json:"amount_minor"`
	ReceiptDate string `json:"receipt_date"`
	Method      string `json:"method"`
	Prepayment  bool   `json:"prepayment"`
	Reference   string `json:"reference,omitempty"` // internal
	Notes       string `json:"notes,omitempty"`     // internal
	DeletedMS   *int64 `json:"deleted_ms,omitempty"`
	Version     int64  `json:"version"`
}

// Ageing buckets by days past the due date.
const (
	Bucket0to30  = "0-30"
	Bucket31to60 = "31-60"
	Bucket61to90 = "61-90"
	BucketOver90 = "90+"
)

// Buckets lists the ageing buckets in order.
var Buckets = []string{Bucket0to30, Bucket31to60, Bucket61to90, BucketOver90}

// Bucket names the ageing bucket of an amount daysPast days past its due
// date (0 = due today).
func Bucket(daysPast int) string {
	switch {
	case daysPast <= 30:
		return Bucket0to30
	case daysPast <= 60:
		return Bucket31to60
	case daysPast <= 90:
		return Bucket61to90
	default:
		return BucketOver90
	}
}

// DaysBetween counts calendar days from a to b (b − a); both YYYY-MM-DD.
func DaysBetween(a, b string) int {
	ta, err1 := time.Parse("2006-01-02", a)
	tb, err2 := time.Parse("2006-01-02", b)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(tb.Sub(ta).Hours() / 24)
}

// AddMonths adds months to a date, clamping to the last day of a shorter
// month (2026-01-31 + 1 month = 2026-02-28).
func AddMonths(date string, months int) string {
	t, err := time.Parse("2006-01-02", date)
	if err != nil {
		return date
	}
	if months == 0 {
		return date
	}
	first := time.Date(t.Year(), t.Month()+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	d := t.Day()
	if d > last {
		d = last
	}
	return time.Date(first.Year(), first.Month(), d, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
}

// DueDate is when a milestone falls due: its trigger's date plus the
// warranty months; "" while the trigger has not happened.
func DueDate(trigger, plannedDate, triggerDate string, warrantyMonths int) string {
	base := triggerDate
	if trigger == TriggerDate {
		base = plannedDate
	}
	if base == "" {
		return ""
	}
	return AddMonths(base, warrantyMonths)
}

// Age fills a milestone's outstanding amount, days overdue and bucket as
// of a day, from its amount, due date and what was received.
func (m *Milestone) Age(asOf string) {
	m.OutstandingMinor = m.AmountMinor - m.ReceivedMinor
	if m.OutstandingMinor < 0 {
		m.OutstandingMinor = 0
	}
	m.DaysOverdue, m.Bucket = 0, ""
	if m.DueDate == "" || m.DueDate > asOf || m.OutstandingMinor == 0 {
		return
	}
	d := DaysBetween(m.DueDate, asOf)
	m.DaysOverdue = d
	m.Bucket = Bucket(d)
}

// Overdue reports whether the milestone is past its due date and not paid.
func (m *Milestone) Overdue() bool { return m.Bucket != "" && m.DaysOverdue > 0 }

var china = time.FixedZone("CST", 8*3600)

// Today is the current day in China.
func Today() string { return time.Now().In(china).Format("2006-01-02") }

func dateOfMS(ms int64) string { return time.UnixMilli(ms).In(china).Format("2006-01-02") }

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// TaxRateText shows the tax rate as "6%".
func (c Contract) TaxRateText() string { return Percent(c.TaxRateBP) }

// ShareText shows a share-based milestone's share ("30%"), "" for a fixed amount.
func (m Milestone) ShareText() string {
	if m.ShareBP == 0 {
		return ""
	}
	return Percent(m.ShareBP)
}
