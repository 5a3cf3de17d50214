package demo

import (
	"context"
	"fmt"
	"time"

	"golive/internal/access"
	"golive/internal/app"
	"golive/internal/calendar"
	"golive/internal/finance"
)

// LoadFinance gives the instance a rate book (role and personal rate
// cards, one personal rate changed two weeks ago, day-labor rates by
// trade), a subcontractor with four day workers, and the first demo
// project a month of labor records (staff in hours, day workers in days;
// last month approved, this week still to submit or approve), some
// expenses in every state and an approved budget with a revision proposed
// by a change request.
func LoadFinance(ctx context.Context, a *app.App, projectIDs []int64) error {
	if len(projectIDs) == 0 {
		return nil
	}
	pid := projectIDs[0]
	pm, err := projectPM(ctx, a, pid)
	if err != nil {
		return err
	}
	fin := &access.Principal{Role: access.RoleFinance, Vendor: true}
	if err := a.DB.QueryRow(ctx, `SELECT id, company_id, name FROM users WHERE role = 'finance' ORDER BY id LIMIT 1`).Scan(&fin.UserID, &fin.CompanyID, &fin.Name); err != nil {
		return fmt.Errorf("finance user: %w", err)
	}
	svc := a.Finance
	today := calendar.Of(time.Now())
	for _, r := range []finance.RateCardInput{
		{Role: "pm", CostDay: "1,600", BillDay: "3,200", ValidFrom: "2026-01-01", Note: "2026 年标准费率"},
		{Role: "consultant", CostDay: "1,200", BillDay: "2,600", ValidFrom: "2026-01-01", Note: "2026 年标准费率"},
		{Role: "developer", CostDay: "1,000", BillDay: "2,000", ValidFrom: "2026-01-01", Note: "2026 年标准费率"},
		{Role: "finance", CostDay: "900", ValidFrom: "2026-01-01"},
	} {
		if _, err := svc.AddRateCard(ctx, fin, r); err != nil {
			return fmt.Errorf("rate card: %w", err)
		}
	}
	var consultant int64
	if err := a.DB.QueryRow(ctx, `SELECT id FROM users WHERE email = 'consultant@demo.golive'`).Scan(&consultant); err != nil {
		return err
	}
	for _, r := range []finance.RateCardInput{
		{UserID: consultant, CostHour: "170", BillHour: "350", ValidFrom: "2026-01-01", Note: "高级顾问"},
		{UserID: consultant, CostHour: "185", BillHour: "380", ValidFrom: (today - 14).String(), Note: "年中调薪"},
	} {
		if _, err := svc.AddRateCard(ctx, fin, r); err != nil {
			return fmt.Errorf("personal rate: %w", err)
		}
	}
	for _, r := range []finance.TradeRateInput{
		{Trade: "电工", Unit: "day", Cost: "450", Bill: "600", ValidFrom: "2026-01-01"},
		{Trade: "焊工", Unit: "day", Cost: "500", Bill: "650", ValidFrom: "2026-01-01"},
		{Trade: "普工", Unit: "day", Cost: "300", Bill: "420", ValidFrom: "2026-01-01"},
		{Trade: "调试工", Unit: "hour", Cost: "80", Bill: "120", ValidFrom: "2026-01-01"},
		{Trade: "电工", Unit: "day", Cost: "480", Bill: "630", ValidFrom: (today - 30).String(), Note: "旺季上调"},
	} {
		if _, err := svc.AddTradeRate(ctx, fin, r); err != nil {
			return fmt.Errorf("trade rate: %w", err)
		}
	}
	sub, err := svc.CreateSubcontractor(ctx, fin, finance.SubcontractorInput{Name: "昆山华建机电安装队", Contact: "钱建华", Phone: "138-1234-5678"})
	if err != nil {
		return err
	}
	for _, w := range []finance.WorkerInput{{Name: "赵大勇", Trade: "电工"}, {Name: "钱小二", Trade: "焊工"}, {Name: "孙强", Trade: "普工"}, {Name: "李铁柱", Trade: "电工"}} {
		w.SubcontractorID = sub.ID
		if _, err := svc.CreateWorker(ctx, fin, w); err != nil {
			return err
		}
	}

	// Five weeks of labor: four approved, this week saved but not yet
	// submitted for the staff and submitted for the day workers.
	thisWeek, _ := finance.MondayOf(today.String())
	for wk := 4; wk >= 0; wk-- {
		mon := thisWeek - calendar.Date(7*wk)
		grid, err := svc.Week(ctx, pm, pid, mon.String())
		if err != nil {
			return err
		}
		var cells []finance.GridCellInput
		for ri, row := range grid.Rows {
			for d := 0; d < 5; d++ {
				day := mon + calendar.Date(d)
				if day > today {
					continue
				}
				qty := "8"
				if row.Unit == finance.UnitDay {
					qty = "1"
					if (ri+d+wk)%4 == 0 {
						qty = "0.5"
					}
				} else if (ri+d)%3 == 0 {
					qty = "7.5"
				}
				if row.Key[0] == 'u' && (ri+d+wk)%5 == 4 {
					continue // a day on another project or off
				}
				cells = append(cells, finance.GridCellInput{Person: row.Key, Date: day.String(), Qty: qty})
			}
		}
		if _, err := svc.SaveWeek(ctx, pm, pid, finance.GridInput{Week: mon.String(), Cells: cells}); err != nil {
			return fmt.Errorf("week %s: %w", mon, err)
		}
		grid, err = svc.Week(ctx, pm, pid, mon.String())
		if err != nil {
			return err
		}
		var ids, workerIDs []int64
		recs, err := svc.ListLabor(ctx, pm, pid, finance.LaborFilter{From: grid.Days[0], To: grid.Days[6], Status: finance.LaborDraft})
		if err != nil {
			return err
		}
		for _, r := range recs {
			ids = append(ids, r.ID)
			if r.WorkerID != 0 {
				workerIDs = append(workerIDs, r.ID)
			}
		}
		if wk == 0 {
			if len(workerIDs) > 0 {
				if _, err := svc.SubmitLabor(ctx, pm, pid, workerIDs); err != nil {
					return err
				}
			}
			continue
		}
		if len(ids) == 0 {
			continue
		}
		if _, err := svc.SubmitLabor(ctx, pm, pid, ids); err != nil {
			return err
		}
		if _, err := svc.DecideLabor(ctx, pm, pid, ids, true, ""); err != nil {
			return err
		}
	}

	for i, e := range []struct {
		in     finance.ExpenseInput
		action []string
	}{
		{finance.ExpenseInput{Date: (today - 20).String(), Category: "travel", Amount: "3,860.00", Tax: "231.60", Payee: "携程商旅", Description: "顾问赴苏州现场调研差旅（高铁 + 酒店 3 晚）"}, []string{"submit", "approve"}},
		{finance.ExpenseInput{Date: (today - 15).String(), Category: "software_hardware", Amount: "12,800.00", Tax: "1,664.00", Payee: "华为云", Description: "测试环境云服务器一年"}, []string{"submit", "approve"}},
		{finance.ExpenseInput{Date: (today - 6).String(), Category: "outsourcing", Amount: "28,000.00", Tax: "1,680.00", Payee: "昆山华建机电安装队", Description: "车间数采终端布线外包（第一期）"}, []string{"submit"}},
		{finance.ExpenseInput{Date: (today - 2).String(), Category: "other", Amount: "560.00", Description: "上线动员会物料"}, nil},
	} {
		x, err := svc.CreateExpense(ctx, pm, pid, e.in)
		if err != nil {
			return fmt.Errorf("expense %d: %w", i, err)
		}
		for _, act := range e.action {
			if x, err = svc.ActOnExpense(ctx, pm, pid, x.ID, finance.ExpenseAction{Action: act, Version: x.Version}); err != nil {
				return fmt.Errorf("expense %d %s: %w", i, act, err)
			}
		}
	}

	pct := int64(12)
	b, err := svc.ProposeBudget(ctx, fin, pid, finance.BudgetInput{ContingencyPct: &pct, Reason: "合同签订后的原始预算", Lines: []finance.BudgetLineInput{
		{Category: "labor", Amount: "1,150,000"}, {Category: "travel", Amount: "86,000"}, {Category: "outsourcing", Amount: "260,000"},
		{Category: "software_hardware", Amount: "120,000"}, {Category: "other", Amount: "24,000"}}})
	if err != nil {
		return fmt.Errorf("budget: %w", err)
	}
	if _, err := svc.DecideBudget(ctx, pm, pid, b.ID, finance.BudgetDecision{Approve: true, Note: "与合同报价一致", Version: b.Version}); err != nil {
		return err
	}
	// The hook change control calls when a change request is approved.
	return svc.ProposeRevisionFromChange(ctx, pid, 1, "CR-001", 4500000)
}
