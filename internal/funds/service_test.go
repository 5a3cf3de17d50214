package funds_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/apperr"
	"golive/internal/funds"
	"golive/internal/methodology"
)

var ctx = context.Background()

func fieldErr(t *testing.T, err error, field string) {
	t.Helper()
	e := apperr.As(err)
	if e == nil || e.Code != apperr.Invalid || !e.HasField(field) {
		t.Fatalf("want invalid %s, got %v", field, err)
	}
}

func code(t *testing.T, err error, c apperr.Code) {
	t.Helper()
	if apperr.CodeOf(err) != c {
		t.Fatalf("want %s, got %v", c, err)
	}
}

// schedule is 30/40/25/5 with planned dates; the retention waits for the
// acceptance milestone plus 12 months.
func schedule(version, acceptanceID int64) funds.ScheduleInput {
	return funds.ScheduleInput{Version: version, Milestones: []funds.MilestoneInput{
		{Kind: funds.KindAdvance, ShareBP: 3000, Trigger: funds.TriggerDate, PlannedDate: "2026-01-15"},
		{Kind: funds.KindProgress, ShareBP: 4000, Trigger: funds.TriggerDate, PlannedDate: "2026-04-01", Notes: "内部：客户资金紧张"},
		{Kind: funds.KindAcceptance, ShareBP: 2500, Trigger: funds.TriggerMilestone, TriggerID: acceptanceID, PlannedDate: "2026-07-01"},
		{Kind: funds.KindRetention, ShareBP: 500, Trigger: funds.TriggerMilestone, TriggerID: acceptanceID, PlannedDate: "2027-07-01", WarrantyMonths: 12},
	}}
}

func TestContractScheduleLedger(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		svc := e.App.Funds
		pm, fin := e.Users[apptest.PM].P, e.Users[apptest.Finance].P
		a := e.ProjectA.ID

		// Bad input names the field; nothing is written.
		_, err := svc.CreateContract(ctx, pm, a, funds.ContractInput{Number: "HT-1", AmountMinor: -1, TaxRateBP: 600})
		fieldErr(t, err, "amount_minor")
		_, err = svc.CreateContract(ctx, pm, a, funds.ContractInput{Number: "HT-1", AmountMinor: 1, TaxRateBP: 10001})
		fieldErr(t, err, "tax_rate_bp")
		_, err = svc.CreateContract(ctx, pm, a, funds.ContractInput{Number: "HT-1", AmountMinor: 1, TaxRateBP: 600, SignedDate: "2026-02-30"})
		fieldErr(t, err, "signed_date")
		_, err = svc.CreateContract(ctx, pm, a, funds.ContractInput{Number: " ", AmountMinor: 1})
		fieldErr(t, err, "number")
		// Who may create: PM and finance; a consultant does not see funds, a customer may not change them.
		_, err = svc.CreateContract(ctx, e.Users[apptest.Consultant].P, a, funds.ContractInput{Number: "HT-1", AmountMinor: 1})
		code(t, err, apperr.NotFound)
		_, err = svc.CreateContract(ctx, e.Users[apptest.CustomerPM].P, a, funds.ContractInput{Number: "HT-1", AmountMinor: 1})
		code(t, err, apperr.Forbidden)

		c, err := svc.CreateContract(ctx, fin, a, funds.ContractInput{Number: "HT-2026-001", Title: "MES 实施服务合同", AmountMinor: 1_000_000_00, TaxRateBP: 600,
			SignedDate: "2026-01-05", Notes: "内部备注：折扣 8%"})
		if err != nil {
			t.Fatal(err)
		}
		if c.TaxMinor != 60_000_00 || c.TotalMinor != 1_060_000_00 || c.Currency != "CNY" || c.CustomerCompanyID != e.CompanyA.ID {
			t.Fatalf("contract: %+v", c)
		}
		_, err = svc.CreateContract(ctx, pm, a, funds.ContractInput{Number: "HT-2026-001", AmountMinor: 1})
		fieldErr(t, err, "number")
		amt, tax, cur, err := svc.ContractValue(ctx, a)
		if err != nil || amt != 1_000_000_00 || tax != 60_000_00 || cur != "CNY" {
			t.Fatalf("ContractValue: %d %d %s %v", amt, tax, cur, err)
		}
		if amt, tax, cur, err := svc.ContractValue(ctx, e.ProjectB.ID); err != nil || amt != 0 || tax != 0 || cur != "CNY" {
			t.Fatalf("no contract: %d %d %s %v", amt, tax, cur, err)
		}

		// The acceptance milestone of the project plan triggers 验收款 and 质保金.
		acc, err := e.App.Methodology.SaveMilestone(ctx, pm, a, 0, methodology.MilestoneInput{Name: "终验", DueDate: "2026-06-20", Status: "open", CustomerVisible: false})
		if err != nil {
			t.Fatal(err)
		}
		// Shares that do not add up to 100 % are refused with the sum.
		bad := schedule(c.Version, acc.ID)
		bad.Milestones[3].ShareBP = 0
		bad.Milestones = bad.Milestones[:3]
		_, err = svc.SetSchedule(ctx, pm, a, c.ID, bad)
		fieldErr(t, err, "milestones")
		if apperr.As(err).FieldArgs["milestones"][0] != "95.00%" {
			t.Fatalf("sum not named: %v", apperr.As(err).FieldArgs)
		}
		bad = schedule(c.Version, acc.ID)
		bad.Milestones[1].PlannedDate = "2026-13-01"
		_, err = svc.SetSchedule(ctx, pm, a, c.ID, bad)
		fieldErr(t, err, "milestones.1.planned_date")
		bad = schedule(c.Version, acc.ID)
		bad.Milestones[0].ShareBP = -3000
		_, err = svc.SetSchedule(ctx, pm, a, c.ID, bad)
		fieldErr(t, err, "milestones.0.share_bp")

		ms, err := svc.SetSchedule(ctx, pm, a, c.ID, schedule(c.Version, acc.ID))
		if err != nil {
			t.Fatal(err)
		}
		want := []int64{318_000_00, 424_000_00, 265_000_00, 53_000_00}
		for i, m := range ms {
			if m.AmountMinor != want[i] {
				t.Fatalf("milestone %d: %d, want %d", i, m.AmountMinor, want[i])
			}
		}
		if ms[0].Name != "首付款" || ms[2].DueDate != "" || ms[0].DueDate != "2026-01-15" {
			t.Fatalf("names/due: %+v", ms)
		}
		// The schedule is guarded by the contract's version.
		_, err = svc.SetSchedule(ctx, pm, a, c.ID, schedule(c.Version, acc.ID))
		code(t, err, apperr.Conflict)
		_, err = svc.UpdateContract(ctx, pm, a, c.ID, funds.ContractInput{Number: c.Number, AmountMinor: c.AmountMinor, TaxRateBP: 600, Version: c.Version})
		code(t, err, apperr.Conflict)

		// Invoices: unique numbers, positive amounts.
		inv := funds.InvoiceInput{MilestoneID: ms[0].ID, Number: "04400001", Kind: funds.InvoiceSpecial, AmountMinor: 300_000_00, TaxMinor: 18_000_00, IssueDate: "2026-01-10"}
		if _, err := svc.CreateInvoice(ctx, fin, a, inv); err != nil {
			t.Fatal(err)
		}
		_, err = svc.CreateInvoice(ctx, fin, a, inv)
		fieldErr(t, err, "number")
		inv.Number, inv.AmountMinor = "04400002", -5
		_, err = svc.CreateInvoice(ctx, fin, a, inv)
		fieldErr(t, err, "amount_minor")
		inv.AmountMinor, inv.Kind = 5, "发票"
		_, err = svc.CreateInvoice(ctx, fin, a, inv)
		fieldErr(t, err, "kind")

		// Receipts: the advance paid in full; the progress payment partly.
		rc := funds.ReceiptInput{MilestoneID: ms[0].ID, AmountMinor: 318_000_00, ReceiptDate: "2026-01-20", Method: "transfer"}
		if _, err := svc.CreateReceipt(ctx, fin, a, rc); err != nil {
			t.Fatal(err)
		}
		rc.AmountMinor = 1
		_, err = svc.CreateReceipt(ctx, fin, a, rc) // nothing outstanding any more
		fieldErr(t, err, "amount_minor")
		rc = funds.ReceiptInput{MilestoneID: ms[1].ID, AmountMinor: 424_000_01, ReceiptDate: "2026-04-10", Method: "acceptance_bill"}
		_, err = svc.CreateReceipt(ctx, fin, a, rc)
		fieldErr(t, err, "amount_minor")
		rc.AmountMinor = 100_000_00
		if _, err := svc.CreateReceipt(ctx, fin, a, rc); err != nil {
			t.Fatal(err)
		}
		rc.ReceiptDate = "2026-04-31"
		_, err = svc.CreateReceipt(ctx, fin, a, rc)
		fieldErr(t, err, "receipt_date")
		// A prepayment may exceed what is outstanding (on the acceptance payment, not due yet).
		pre := funds.ReceiptInput{MilestoneID: ms[2].ID, AmountMinor: 300_000_00, ReceiptDate: "2026-05-01", Method: "transfer"}
		_, err = svc.CreateReceipt(ctx, fin, a, pre)
		fieldErr(t, err, "amount_minor")
		pre.Prepayment = true
		prepaid, err := svc.CreateReceipt(ctx, fin, a, pre)
		if err != nil {
			t.Fatal(err)
		}

		// Receivables as of 2026-06-30: progress 324,000.00 outstanding, 90 days past 2026-04-01.
		rs, err := svc.Receivables(ctx, []int64{a, e.ProjectB.ID}, "2026-06-30")
		if err != nil {
			t.Fatal(err)
		}
		r := rs[0]
		if r.ContractMinor != 1_060_000_00 || r.InvoicedMinor != 318_000_00 || r.ReceivedMinor != 718_000_00 || r.OutstandingMinor != 324_000_00 ||
			r.OverdueMinor != 324_000_00 || r.Age61to90 != 324_000_00 || r.Age0to30+r.Age31to60+r.AgeOver90 != 0 || r.NotDueMinor != 53_000_00 {
			t.Fatalf("receivable 06-30: %+v", r)
		}
		if rs[1].ProjectID != e.ProjectB.ID || rs[1].ContractMinor != 0 {
			t.Fatalf("project B: %+v", rs[1])
		}
		// A day later it is in the over-90 bucket; as of 04-05 the April receipt does not count yet.
		rs, _ = svc.Receivables(ctx, []int64{a}, "2026-07-01")
		if rs[0].AgeOver90 != 324_000_00 {
			t.Fatalf("07-01: %+v", rs[0])
		}
		rs, _ = svc.Receivables(ctx, []int64{a}, "2026-04-05")
		if rs[0].Age0to30 != 424_000_00 || rs[0].ReceivedMinor != 318_000_00 {
			t.Fatalf("04-05: %+v", rs[0])
		}

		// Acceptance happens: 验收款 falls due (prepaid 300,000 of 265,000 → nothing outstanding),
		// 质保金 is due a year later.
		acc.Status, acc.DueDate = "done", "2026-06-20"
		if _, err := e.App.Methodology.SaveMilestone(ctx, pm, a, acc.ID, methodology.MilestoneInput{Name: acc.Name, DueDate: acc.DueDate, Status: "done", Version: acc.Version}); err != nil {
			t.Fatal(err)
		}
		all, _, err := svc.ProjectMilestones(ctx, pm, a, "")
		if err != nil || all[2].DueDate == "" || all[2].OutstandingMinor != 0 || all[3].DueDate != funds.AddMonths(all[2].DueDate, 12) {
			t.Fatalf("after acceptance: %+v %v", all, err)
		}

		// Customers: their PM sees the schedule but no internal notes and no
		// internal trigger names; key users, consultants and the other company see nothing.
		cms, v, err := svc.ProjectMilestones(ctx, e.Users[apptest.CustomerPM].P, a, "")
		if err != nil || v != funds.ViewCustomer || cms[1].Notes != "" || cms[2].TriggerName != "" || all[1].Notes == "" || all[2].TriggerName != "终验" {
			t.Fatalf("customer view: %v %+v", err, cms)
		}
		cc, _, err := svc.Contract(ctx, e.Users[apptest.Executive].P, a, c.ID)
		if err != nil || cc.Notes != "" {
			t.Fatalf("executive contract: %+v %v", cc, err)
		}
		_, err = svc.Receipts(ctx, e.Users[apptest.CustomerPM].P, a)
		code(t, err, apperr.NotFound)
		for _, who := range []apptest.Who{apptest.KeyUser, apptest.Consultant, apptest.Developer, apptest.OtherCust} {
			_, _, err := svc.ProjectMilestones(ctx, e.Users[who].P, a, "")
			code(t, err, apperr.NotFound)
		}

		// A milestone with receipts cannot be dropped from the schedule.
		c, _, _ = svc.Contract(ctx, pm, a, c.ID)
		s2 := schedule(c.Version, acc.ID)
		for i := range s2.Milestones {
			s2.Milestones[i].ID = all[i].ID
		}
		s2.Milestones = s2.Milestones[1:]
		s2.Milestones[0].ShareBP = 7000
		_, err = svc.SetSchedule(ctx, pm, a, c.ID, s2)
		fieldErr(t, err, "milestones")

		// Delete and restore: a receipt, then the whole contract.
		if err := svc.DeleteReceipt(ctx, fin, a, prepaid.ID); err != nil {
			t.Fatal(err)
		}
		if err := svc.RestoreReceipt(ctx, fin, prepaid.ID); err != nil {
			t.Fatal(err)
		}
		if err := svc.DeleteContract(ctx, pm, a, c.ID); err != nil {
			t.Fatal(err)
		}
		if amt, _, _, _ := svc.ContractValue(ctx, a); amt != 0 {
			t.Fatalf("deleted contract counted: %d", amt)
		}
		items, err := funds.ContractTrash{S: svc}.Deleted(ctx, pm)
		if err != nil || len(items) != 1 {
			t.Fatalf("trash: %v %v", items, err)
		}
		if _, err := (funds.ContractTrash{S: svc}).Deleted(ctx, e.Users[apptest.CustomerPM].P); err != nil {
			t.Fatal(err)
		}
		if err := svc.RestoreContract(ctx, e.Users[apptest.CustomerPM].P, c.ID); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("customer restored: %v", err)
		}
		if err := svc.RestoreContract(ctx, pm, c.ID); err != nil {
			t.Fatal(err)
		}
		if amt, _, _, _ := svc.ContractValue(ctx, a); amt != 1_000_000_00 {
			t.Fatalf("restored: %d", amt)
		}
		var audits int
		if err := e.App.DB.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity LIKE 'fund_%'`).Scan(&audits); err != nil || audits < 10 {
			t.Fatalf("audit rows: %d %v", audits, err)
		}
	})
}

func TestOverdueAlertsOncePerDay(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		svc := e.App.Funds
		pm, fin := e.Users[apptest.PM].P, e.Users[apptest.Finance].P
		a := e.ProjectA.ID
		c, err := svc.CreateContract(ctx, pm, a, funds.ContractInput{Number: "HT-A", AmountMinor: 100_000_00, TaxRateBP: 600})
		if err != nil {
			t.Fatal(err)
		}
		in := funds.ScheduleInput{Version: c.Version, Milestones: []funds.MilestoneInput{
			{Kind: funds.KindAdvance, ShareBP: 5000, Trigger: funds.TriggerDate, PlannedDate: "2026-01-10"},
			{Kind: funds.KindAcceptance, ShareBP: 5000, Trigger: funds.TriggerDate, PlannedDate: "2099-01-10"},
		}}
		if _, err := svc.SetSchedule(ctx, pm, a, c.ID, in); err != nil {
			t.Fatal(err)
		}
		count := func() int {
			var n int
			if err := e.App.DB.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE kind = 'payment_overdue' AND project_id = ?`, a).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		n, err := svc.SendOverdueAlerts(ctx, 0, "2026-02-01")
		if err != nil || n != 1 {
			t.Fatalf("first run: %d %v", n, err)
		}
		if got := count(); got != 2 { // the PM and finance
			t.Fatalf("notifications: %d", got)
		}
		if n, err := svc.SendOverdueAlerts(ctx, 0, "2026-02-01"); err != nil || n != 0 || count() != 2 {
			t.Fatalf("second run the same day: %d %v %d", n, err, count())
		}
		if n, _ := svc.SendOverdueAlerts(ctx, a, "2026-02-02"); n != 1 || count() != 4 {
			t.Fatalf("next day: %d %d", n, count())
		}
		// On demand: finance may, a customer may not.
		if _, err := svc.AlertNow(ctx, fin, a); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AlertNow(ctx, e.Users[apptest.CustomerPM].P, a); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("customer alerted: %v", err)
		}
		var customers int
		_ = e.App.DB.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE kind = 'payment_overdue' AND user_id IN (?, ?, ?)`,
			e.Users[apptest.CustomerPM].ID, e.Users[apptest.Executive].ID, e.Users[apptest.Consultant].ID).Scan(&customers)
		if customers != 0 {
			t.Fatalf("alerts reached %d non-finance users", customers)
		}
	})
}

func TestForecastPlannedCostsHook(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		svc := e.App.Funds
		fin := e.Users[apptest.Finance].P
		a := e.ProjectA.ID
		c, err := svc.CreateContract(ctx, fin, a, funds.ContractInput{Number: "HT-F", AmountMinor: 100_000_00, TaxRateBP: 0})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SetSchedule(ctx, fin, a, c.ID, funds.ScheduleInput{Version: c.Version, Milestones: []funds.MilestoneInput{
			{Kind: funds.KindAdvance, ShareBP: 10000, Trigger: funds.TriggerDate, PlannedDate: "2031-03-05"}}}); err != nil {
			t.Fatal(err)
		}
		svc.SetPlannedCosts(nil) // app.go wires the cost centre's; first without any
		f, err := svc.Forecast(ctx, fin, a, "2031-02", 3)
		if err != nil || f.CostsAvailable || f.Months[1].ExpectedMinor != 100_000_00 {
			t.Fatalf("without the hook: %+v %v", f, err)
		}
		var asked []string
		svc.SetPlannedCosts(func(_ context.Context, projectID int64, from, to string) (map[string]int64, error) {
			asked = append(asked, from, to)
			return map[string]int64{"2031-02": 30_000_00, "2031-04": 10_000_00}, nil
		})
		defer svc.SetPlannedCosts(nil)
		f, err = svc.Forecast(ctx, fin, a, "2031-02", 3)
		if err != nil || !f.CostsAvailable || len(asked) != 2 || asked[0] != "2031-02" || asked[1] != "2031-04" {
			t.Fatalf("with the hook: %+v %v %v", f, err, asked)
		}
		if f.Months[0].NetMinor != -30_000_00 || f.Months[1].CumulMinor != 70_000_00 || f.Months[2].CumulMinor != 60_000_00 {
			t.Fatalf("net: %+v", f.Months)
		}
		// Customers never get the forecast (it carries costs).
		if _, err := svc.Forecast(ctx, e.Users[apptest.CustomerPM].P, a, "", 0); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("customer forecast: %v", err)
		}
		_, err = svc.Forecast(ctx, fin, a, "2031-13", 3)
		fieldErr(t, err, "from")
	})
}

// The module's audit rows are internal (customers never see them) and
// their amounts and notes are stripped for vendor staff without CostView
// (consultants see that a contract changed, not its figures).
func TestFundsTimeline(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		fin := e.Users[apptest.Finance].P
		c, err := e.App.Funds.CreateContract(ctx, fin, a, funds.ContractInput{Number: "HT-T", AmountMinor: 777_777_77, TaxRateBP: 600, Notes: "回扣条款"})
		if err != nil {
			t.Fatal(err)
		}
		// The timeline shows the changed fields of an update.
		if _, err := e.App.Funds.UpdateContract(ctx, fin, a, c.ID, funds.ContractInput{Number: "HT-T", AmountMinor: 888_888_88, TaxRateBP: 600,
			Notes: "回扣条款已删除", Version: c.Version}); err != nil {
			t.Fatal(err)
		}
		path := "/projects/" + strconv.FormatInt(a, 10) + "/activity"
		for who, wantEntry := range map[apptest.Who]bool{apptest.CustomerPM: false, apptest.Executive: false, apptest.Consultant: true, apptest.Finance: true} {
			r := e.Do(t, who, "GET", path, nil)
			seesEntry := strings.Contains(r.Body, "HT-T")
			seesFigures := strings.Contains(r.Body, "777,777.77") || strings.Contains(r.Body, "回扣条款")
			if r.Status != 200 || seesEntry != wantEntry || seesFigures != (who == apptest.Finance) {
				t.Errorf("%s: %d, entry %v, figures %v", who, r.Status, seesEntry, seesFigures)
			}
		}
	})
}
