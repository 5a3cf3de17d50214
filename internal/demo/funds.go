package demo

import (
	"context"
	"time"

	"golive/internal/app"
	"golive/internal/funds"
)

// LoadFunds gives the first demo project a signed contract (¥1,800,000.00
// before tax at 6 %) with the usual 30/40/25/5 payment milestones: the
// advance invoiced and paid, the progress payment invoiced, overdue by 40
// days and partly paid, the acceptance payment and the retention waiting
// for the plan's last milestone (the retention 12 months after it). Dates
// are relative to today so the overdue one stays overdue.
func LoadFunds(ctx context.Context, a *app.App, projectIDs []int64) error {
	if len(projectIDs) == 0 {
		return nil
	}
	id := projectIDs[0]
	pm, err := projectPM(ctx, a, id)
	if err != nil {
		return err
	}
	today, _ := time.Parse("2006-01-02", funds.Today())
	day := func(offset int) string { return today.AddDate(0, 0, offset).Format("2006-01-02") }
	s := a.Funds
	c, err := s.CreateContract(ctx, pm, id, funds.ContractInput{Number: "JG-HT-2026-018", Title: "精工 MES 实施服务合同", AmountMinor: 1_800_000_00,
		TaxRateBP: 600, SignedDate: day(-120), Notes: "商务让利 5%，回款节点按客户年度预算拆分。"})
	if err != nil {
		return err
	}
	// The acceptance payment and the retention wait for the plan's last
	// milestone (final acceptance) when the plan has one.
	var accID int64
	var accDue string
	_ = a.DB.QueryRow(ctx, `SELECT id, COALESCE(due_date, '') FROM milestones WHERE project_id = ? AND deleted_ms IS NULL ORDER BY due_date DESC, id DESC LIMIT 1`, id).Scan(&accID, &accDue)
	if accDue == "" {
		accDue = day(100)
	}
	acceptance := funds.MilestoneInput{Kind: funds.KindAcceptance, ShareBP: 2500, Trigger: funds.TriggerDate, PlannedDate: funds.AddMonths(accDue, 1)}
	retention := funds.MilestoneInput{Kind: funds.KindRetention, ShareBP: 500, Trigger: funds.TriggerDate, PlannedDate: funds.AddMonths(accDue, 12), WarrantyMonths: 0}
	if accID != 0 {
		acceptance.Trigger, acceptance.TriggerID = funds.TriggerMilestone, accID
		retention.Trigger, retention.TriggerID, retention.WarrantyMonths = funds.TriggerMilestone, accID, 12
	}
	ms, err := s.SetSchedule(ctx, pm, id, c.ID, funds.ScheduleInput{Version: c.Version, Milestones: []funds.MilestoneInput{
		{Kind: funds.KindAdvance, ShareBP: 3000, Trigger: funds.TriggerDate, PlannedDate: day(-110)},
		{Kind: funds.KindProgress, ShareBP: 4000, Trigger: funds.TriggerDate, PlannedDate: day(-40), Notes: "客户财务称需走年度预算追加流程。"},
		acceptance, retention,
	}})
	if err != nil {
		return err
	}
	steps := []func() error{
		func() error {
			_, err := s.CreateInvoice(ctx, pm, id, funds.InvoiceInput{MilestoneID: ms[0].ID, Number: "32000261", Kind: funds.InvoiceSpecial,
				AmountMinor: 540_000_00, TaxMinor: 32_400_00, IssueDate: day(-112)})
			return err
		},
		func() error {
			_, err := s.CreateReceipt(ctx, pm, id, funds.ReceiptInput{MilestoneID: ms[0].ID, AmountMinor: ms[0].AmountMinor, ReceiptDate: day(-100),
				Method: "transfer", Reference: "工行 6222****0187"})
			return err
		},
		func() error {
			_, err := s.CreateInvoice(ctx, pm, id, funds.InvoiceInput{MilestoneID: ms[1].ID, Number: "32000387", Kind: funds.InvoiceSpecial,
				AmountMinor: 720_000_00, TaxMinor: 43_200_00, IssueDate: day(-42)})
			return err
		},
		func() error {
			_, err := s.CreateReceipt(ctx, pm, id, funds.ReceiptInput{MilestoneID: ms[1].ID, AmountMinor: 300_000_00, ReceiptDate: day(-20),
				Method: "acceptance_bill", Reference: "银承 3130 0051 2026"})
			return err
		},
	}
	for _, f := range steps {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}
