package finance_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"golive/internal/access"
	"golive/internal/app/apptest"
	"golive/internal/apperr"
	"golive/internal/finance"
)

func field(t *testing.T, err error, name string) {
	t.Helper()
	if e := apperr.As(err); e.Code != apperr.Invalid || !e.HasField(name) {
		t.Fatalf("want a message on %q, got %v", name, err)
	}
}

func code(t *testing.T, err error, c apperr.Code) {
	t.Helper()
	if apperr.CodeOf(err) != c {
		t.Fatalf("want %s, got %v", c, err)
	}
}

func TestLaborLifecycle(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		svc := e.App.Finance
		a, b := e.ProjectA.ID, e.ProjectB.ID
		pm, dev, fin, cust := e.Users[apptest.PM].P, e.Users[apptest.Developer].P, e.Users[apptest.Finance].P, e.Users[apptest.CustomerPM].P
		if _, err := e.App.Projects.AddMember(ctx, pm, b, projectMember(e.Users[apptest.Developer].ID, access.RoleDeveloper)); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddRateCard(ctx, fin, finance.RateCardInput{UserID: dev.UserID, CostHour: "100", ValidFrom: "2026-01-01"}); err != nil {
			t.Fatal(err)
		}
		in := finance.LaborInput{Date: "2026-03-02", UserID: dev.UserID, Unit: "hour", Qty: 1000, Description: "配置"}

		// Refusals name the field.
		neg := in
		neg.Qty = -100
		_, err := svc.CreateLabor(ctx, dev, a, neg)
		field(t, err, "qty")
		other := in
		other.UserID = pm.UserID
		_, err = svc.CreateLabor(ctx, dev, a, other)
		code(t, err, apperr.Forbidden)
		_, err = svc.CreateLabor(ctx, cust, a, in)
		code(t, err, apperr.NotFound)

		r1, err := svc.CreateLabor(ctx, dev, a, in)
		if err != nil {
			t.Fatal(err)
		}
		if r1.CostMinor != nil {
			t.Fatal("a developer received the cost of a record")
		}
		// 10 h on A + 15 h on B is more than 24 h that day, across projects.
		over := in
		over.Qty = 1500
		_, err = svc.CreateLabor(ctx, dev, b, over)
		field(t, err, "qty")
		over.Qty = 1400
		if _, err := svc.CreateLabor(ctx, dev, b, over); err != nil {
			t.Fatal(err)
		}

		// Submit, approve; the approved record is locked.
		if _, err := svc.SubmitLabor(ctx, dev, a, []int64{r1.ID}); err != nil {
			t.Fatal(err)
		}
		_, err = svc.DecideLabor(ctx, dev, a, []int64{r1.ID}, true, "")
		code(t, err, apperr.Forbidden)
		_, err = svc.DecideLabor(ctx, pm, a, []int64{r1.ID}, false, " ")
		field(t, err, "reason")
		if _, err := svc.DecideLabor(ctx, pm, a, []int64{r1.ID}, true, ""); err != nil {
			t.Fatal(err)
		}
		// The PM heard of the submission, the developer of the approval;
		// neither note carries a cost.
		for _, n := range []struct {
			user int64
			key  string
		}{{pm.UserID, "finance.note_submitted"}, {dev.UserID, "finance.note_approved"}} {
			var c int
			var params string
			if err := e.App.DB.QueryRow(ctx, `SELECT COUNT(*), MAX(params) FROM notifications WHERE user_id = ? AND msg_key = ?`, n.user, n.key).Scan(&c, &params); err != nil || c != 1 || strings.Contains(params, "1000") {
				t.Errorf("notification %s to %d: %d %q %v", n.key, n.user, c, params, err)
			}
		}
		got, err := svc.GetLabor(ctx, pm, a, r1.ID)
		if err != nil || !got.Locked || got.Status != finance.LaborApproved || got.CostMinor == nil || *got.CostMinor != 100000 {
			t.Fatalf("approved: %+v %v", got, err)
		}
		edit := in
		edit.Qty, edit.Version = 900, got.Version
		_, err = svc.UpdateLabor(ctx, pm, a, r1.ID, edit)
		code(t, err, apperr.Conflict)
		code(t, svc.DeleteLabor(ctx, pm, a, r1.ID, got.Version), apperr.Conflict)

		// Correction: a reversal, then a new record.
		rev, err := svc.ReverseLabor(ctx, pm, a, r1.ID, "填错工时")
		if err != nil || rev.Qty != -1000 || rev.ReversalOf != r1.ID || !rev.Locked || *rev.CostMinor != -100000 {
			t.Fatalf("reversal: %+v %v", rev, err)
		}
		_, err = svc.ReverseLabor(ctx, pm, a, r1.ID, "again")
		code(t, err, apperr.Conflict)
		fix := in
		fix.Qty = 900
		r2, err := svc.CreateLabor(ctx, dev, a, fix)
		if err != nil {
			t.Fatal(err)
		}
		svc.SubmitLabor(ctx, dev, a, []int64{r2.ID})
		if _, err := svc.DecideLabor(ctx, pm, a, []int64{r2.ID}, true, ""); err != nil {
			t.Fatal(err)
		}
		acts, err := svc.Actuals(ctx, a, "2026-03-01", "2026-03-31")
		if err != nil || len(acts) != 1 || acts[0].CostMinor != 90000 || acts[0].HoursCenti != 900 {
			t.Fatalf("actuals after correction: %+v %v", acts, err)
		}

		// A closed month refuses new records and changes.
		code(t, svc.CloseMonth(ctx, dev, a, "2026-03", true), apperr.Forbidden)
		if err := svc.CloseMonth(ctx, fin, a, "2026-03", true); err != nil {
			t.Fatal(err)
		}
		late := in
		late.Date, late.Qty = "2026-03-20", 100
		_, err = svc.CreateLabor(ctx, dev, a, late)
		field(t, err, "date")
		late.Date = "2026-04-01"
		if _, err := svc.CreateLabor(ctx, dev, a, late); err != nil {
			t.Fatal(err)
		}

		// Summary by person and month.
		sum, err := svc.Summary(ctx, pm, finance.SummaryQuery{ProjectID: a, From: "2026-03-01", To: "2026-03-31", GroupBy: finance.ByPerson, Period: finance.PerMonth})
		if err != nil || len(sum.Rows) != 1 || sum.Total.Hours != 900 || sum.Total.CostMinor != 90000 || sum.Total.Records != 3 {
			t.Fatalf("summary: %+v %v", sum, err)
		}
		_, err = svc.Summary(ctx, dev, finance.SummaryQuery{ProjectID: a, From: "2026-03-01", To: "2026-03-31"})
		code(t, err, apperr.NotFound)
		_, err = svc.Summary(ctx, pm, finance.SummaryQuery{ProjectID: a, From: "2026-03-31", To: "2026-03-01"})
		field(t, err, "to")
	})
}

func TestWeekGridAndImport(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		svc := e.App.Finance
		a := e.ProjectA.ID
		pm, dev, fin := e.Users[apptest.PM].P, e.Users[apptest.Developer].P, e.Users[apptest.Finance].P
		sc, err := svc.CreateSubcontractor(ctx, fin, finance.SubcontractorInput{Name: "华东安装队"})
		if err != nil {
			t.Fatal(err)
		}
		w1, err := svc.CreateWorker(ctx, fin, finance.WorkerInput{SubcontractorID: sc.ID, Name: "张三", Trade: "电工"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddTradeRate(ctx, fin, finance.TradeRateInput{Trade: "电工", Unit: "day", Cost: "400", ValidFrom: "2026-01-01"}); err != nil {
			t.Fatal(err)
		}
		_, err = svc.AddTradeRate(ctx, dev, finance.TradeRateInput{Trade: "电工", Unit: "day", Cost: "400", ValidFrom: "2026-01-01"})
		code(t, err, apperr.NotFound)

		wk, err := svc.Week(ctx, pm, a, "2026-03-04")
		if err != nil || wk.Start != "2026-03-02" || len(wk.Days) != 7 {
			t.Fatalf("week: %+v %v", wk, err)
		}
		uk, wkKey := "u"+itoa(dev.UserID), "w"+itoa(w1.ID)
		// One bad cell fails the whole save and names the cell.
		_, err = svc.SaveWeek(ctx, pm, a, finance.GridInput{Week: "2026-03-02", Cells: []finance.GridCellInput{
			{Person: uk, Date: "2026-03-02", Qty: "8"}, {Person: uk, Date: "2026-03-03", Qty: "-2"}, {Person: wkKey, Date: "2026-03-02", Qty: "4"},
		}})
		e1 := apperr.As(err)
		if !e1.HasField(finance.CellField(uk, "2026-03-03")) || !e1.HasField(finance.CellField(wkKey, "2026-03-02")) || e1.HasField(finance.CellField(uk, "2026-03-02")) {
			t.Fatalf("per-cell errors: %+v", e1)
		}
		if l, _ := svc.ListLabor(ctx, pm, a, finance.LaborFilter{}); len(l) != 0 {
			t.Fatalf("a failed save wrote %d records", len(l))
		}
		n, err := svc.SaveWeek(ctx, pm, a, finance.GridInput{Week: "2026-03-02", Cells: []finance.GridCellInput{
			{Person: uk, Date: "2026-03-02", Qty: "8"}, {Person: uk, Date: "2026-03-03", Qty: "7.5"}, {Person: wkKey, Date: "2026-03-02", Qty: "1"},
		}})
		if err != nil || n != 3 {
			t.Fatalf("save: %d %v", n, err)
		}
		// A cell changed since it was read is a conflict, not overwritten.
		pw, _ := svc.Week(ctx, pm, a, "2026-03-02")
		var seen int64
		for _, r := range pw.Rows {
			if r.Key == uk {
				seen = r.Cells[1].Version
			}
		}
		if _, err := svc.SaveWeek(ctx, pm, a, finance.GridInput{Week: "2026-03-02", Cells: []finance.GridCellInput{{Person: uk, Date: "2026-03-03", Qty: "7", Version: seen}}}); err != nil {
			t.Fatal(err)
		}
		_, err = svc.SaveWeek(ctx, dev, a, finance.GridInput{Week: "2026-03-02", Cells: []finance.GridCellInput{{Person: uk, Date: "2026-03-03", Qty: "7.5", Version: seen}}})
		if e := apperr.As(err); e.Code != apperr.Conflict || !e.HasField(finance.CellField(uk, "2026-03-03")) {
			t.Fatalf("stale cell: %v", err)
		}
		// A developer sees and saves only their own row.
		dw, _ := svc.Week(ctx, dev, a, "2026-03-02")
		if len(dw.Rows) != 1 || dw.Rows[0].Key != uk || dw.Rows[0].Total != 1500 || len(dw.Pending) != 2 {
			t.Fatalf("developer's week: %+v", dw)
		}
		_, err = svc.SaveWeek(ctx, dev, a, finance.GridInput{Week: "2026-03-02", Cells: []finance.GridCellInput{{Person: wkKey, Date: "2026-03-03", Qty: "1"}}})
		if !apperr.As(err).HasField(finance.CellField(wkKey, "2026-03-03")) {
			t.Fatalf("developer saved a worker's cell: %v", err)
		}
		if _, err := svc.SubmitLabor(ctx, dev, a, dw.Pending); err != nil {
			t.Fatal(err)
		}
		// Submitted cells are read-only in the grid.
		_, err = svc.SaveWeek(ctx, dev, a, finance.GridInput{Week: "2026-03-02", Cells: []finance.GridCellInput{{Person: uk, Date: "2026-03-02", Qty: "6"}}})
		if !apperr.As(err).HasField(finance.CellField(uk, "2026-03-02")) {
			t.Fatalf("edited a submitted cell: %v", err)
		}

		// Import: a bad row reports its row and field; nothing is written.
		sheet := func(rows ...[]any) []byte {
			f := excelize.NewFile()
			for i, r := range append([][]any{{"日期", "姓名", "数量", "单位"}}, rows...) {
				cell, _ := excelize.CoordinatesToCellName(1, i+1)
				f.SetSheetRow("Sheet1", cell, &r)
			}
			var buf bytes.Buffer
			f.Write(&buf)
			return buf.Bytes()
		}
		rep, err := svc.ImportLabor(ctx, pm, a, sc.ID, sheet([]any{"2026-03-04", "张三", "1", "工日"}, []any{"2026-03-05", "王五", "1", "工日"}, []any{"2026-03-06", "张三", "-1", "工日"}))
		if err != nil || rep.Created != 0 || len(rep.Errors) != 2 || rep.Errors[0].Row != 3 || rep.Errors[0].Field != "name" || rep.Errors[1].Field != "qty" {
			t.Fatalf("import report: %+v %v", rep, err)
		}
		// 1 day on 03-02 already (8 h) + 2.5 days = 28 h: over 24 h.
		rep, err = svc.ImportLabor(ctx, pm, a, sc.ID, sheet([]any{"2026-03-02", "张三", "2.5", "工日"}))
		if err != nil || rep.Created != 0 || len(rep.Errors) != 1 || rep.Errors[0].Field != "qty" {
			t.Fatalf("import over 24h: %+v %v", rep, err)
		}
		rep, err = svc.ImportLabor(ctx, pm, a, sc.ID, sheet([]any{"2026-03-04", "张三", "1", "工日"}, []any{"2026/3/5", "张三", "0.5", "天"}))
		if err != nil || rep.Created != 2 || len(rep.Errors) != 0 {
			t.Fatalf("import: %+v %v", rep, err)
		}
		_, err = svc.ImportLabor(ctx, dev, a, sc.ID, sheet([]any{"2026-03-04", "张三", "1", "工日"}))
		code(t, err, apperr.Forbidden)

		// The subcontractor's monthly sheet (approved labor only).
		l, _ := svc.ListLabor(ctx, pm, a, finance.LaborFilter{Person: wkKey})
		var ids []int64
		for _, r := range l {
			ids = append(ids, r.ID)
		}
		svc.SubmitLabor(ctx, pm, a, ids)
		if _, err := svc.DecideLabor(ctx, pm, a, ids, true, ""); err != nil {
			t.Fatal(err)
		}
		sh, err := svc.MonthlySheet(ctx, pm, a, sc.ID, "2026-03")
		if err != nil || len(sh.Rows) != 1 || sh.Total != 250 || sh.CostMinor != 100000 || sh.Rows[0].Days[3] != 100 || len(sh.Dates) != 31 {
			t.Fatalf("sheet: %+v %v", sh, err)
		}
	})
}

func TestBudgetsAndExpenses(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		svc := e.App.Finance
		a := e.ProjectA.ID
		pm, dev, fin, cust := e.Users[apptest.PM].P, e.Users[apptest.Developer].P, e.Users[apptest.Finance].P, e.Users[apptest.CustomerPM].P
		pct := int64(31)
		_, err := svc.ProposeBudget(ctx, fin, a, finance.BudgetInput{ContingencyPct: &pct, Lines: []finance.BudgetLineInput{{Category: "labor", Amount: "100000"}}})
		field(t, err, "contingency_pct")
		pct = 15
		b1, err := svc.ProposeBudget(ctx, fin, a, finance.BudgetInput{ContingencyPct: &pct, Lines: []finance.BudgetLineInput{{Category: "labor", Amount: "100,000.00"}, {Category: "travel", Amount: "20000"}}})
		if err != nil || b1.Kind != finance.KindOriginal || b1.BaseMinor != 12000000 || b1.ContingencyMinor != 1800000 || b1.TotalMinor != 13800000 {
			t.Fatalf("original: %+v %v", b1, err)
		}
		_, err = svc.DecideBudget(ctx, fin, a, b1.ID, finance.BudgetDecision{Approve: true, Version: b1.Version})
		code(t, err, apperr.Forbidden)
		_, err = svc.Budgets(ctx, dev, a)
		code(t, err, apperr.NotFound)
		_, err = svc.Budgets(ctx, cust, a)
		code(t, err, apperr.NotFound)
		_, err = svc.DecideBudget(ctx, pm, a, b1.ID, finance.BudgetDecision{Approve: true, Version: b1.Version + 1})
		code(t, err, apperr.Conflict)
		if _, err := svc.DecideBudget(ctx, pm, a, b1.ID, finance.BudgetDecision{Approve: true, Version: b1.Version}); err != nil {
			t.Fatal(err)
		}
		_, err = svc.ProposeBudget(ctx, fin, a, finance.BudgetInput{Lines: []finance.BudgetLineInput{{Category: "labor", Amount: "1"}}})
		field(t, err, "reason")
		if err := svc.ProposeRevisionFromChange(ctx, a, 5, "CR-005", 500000); err != nil {
			t.Fatal(err)
		}
		bs, _ := svc.Budgets(ctx, pm, a)
		if len(bs) != 2 || bs[0].Status != finance.StatusProposed || bs[0].ByCategory()["labor"] != 10500000 || bs[0].ContingencyPct != 15 {
			t.Fatalf("revision from change: %+v", bs)
		}
		if _, err := svc.DecideBudget(ctx, pm, a, bs[0].ID, finance.BudgetDecision{Approve: true, Version: bs[0].Version}); err != nil {
			t.Fatal(err)
		}
		cur, ok, err := svc.BudgetCurrent(ctx, a)
		if !ok || err != nil || cur.Seq != 2 || cur.BaseMinor != 12500000 {
			t.Fatalf("current: %+v %v %v", cur, ok, err)
		}

		// Expenses: draft, submit, approve; only approved ones are costs.
		_, err = svc.CreateExpense(ctx, dev, a, finance.ExpenseInput{Date: "2026-03-03", Category: "travel", Amount: "-1", Description: "x"})
		field(t, err, "amount")
		ex, err := svc.CreateExpense(ctx, dev, a, finance.ExpenseInput{Date: "2026-03-03", Category: "travel", Amount: "1,234.56", Tax: "74.07", Description: "上海出差高铁"})
		if err != nil || ex.AmountMinor != 123456 || ex.TaxMinor != 7407 {
			t.Fatalf("expense: %+v %v", ex, err)
		}
		_, err = svc.ActOnExpense(ctx, dev, a, ex.ID, finance.ExpenseAction{Action: "approve", Version: ex.Version})
		code(t, err, apperr.Forbidden)
		ex, err = svc.ActOnExpense(ctx, dev, a, ex.ID, finance.ExpenseAction{Action: "submit", Version: ex.Version})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.ActOnExpense(ctx, pm, a, ex.ID, finance.ExpenseAction{Action: "approve", Version: ex.Version}); err != nil {
			t.Fatal(err)
		}
		acts, _ := svc.Actuals(ctx, a, "2026-03-01", "2026-03-31")
		if len(acts) != 1 || acts[0].Category != "travel" || acts[0].CostMinor != 123456 {
			t.Fatalf("expense actuals: %+v", acts)
		}
		_, err = svc.ListExpenses(ctx, cust, a)
		code(t, err, apperr.NotFound)
	})
}

func itoa(v int64) string { return fmtInt(v) }

func TestDeletedDraftRestoresWithinTheRules(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		svc := e.App.Finance
		a := e.ProjectA.ID
		dev, fin := e.Users[apptest.Developer].P, e.Users[apptest.Finance].P
		r, err := svc.CreateLabor(ctx, dev, a, finance.LaborInput{Date: "2026-05-04", UserID: dev.UserID, Unit: "hour", Qty: 1000})
		if err != nil {
			t.Fatal(err)
		}
		code(t, svc.DeleteLabor(ctx, dev, a, r.ID, r.Version+1), apperr.Conflict)
		if err := svc.DeleteLabor(ctx, dev, a, r.ID, r.Version); err != nil {
			t.Fatal(err)
		}
		items, err := e.App.Trash.List(ctx, dev)
		found := false
		for _, it := range items {
			found = found || (it.Kind == "labor_record" && it.ID == r.ID)
		}
		if err != nil || !found {
			t.Fatalf("trash: %+v %v", items, err)
		}
		// Meanwhile 20 h were entered that day: restoring would exceed 24 h.
		other, err := svc.CreateLabor(ctx, dev, a, finance.LaborInput{Date: "2026-05-04", UserID: dev.UserID, Unit: "hour", Qty: 2000})
		if err != nil {
			t.Fatal(err)
		}
		field(t, svc.RestoreLabor(ctx, dev, r.ID), "qty")
		if err := svc.DeleteLabor(ctx, dev, a, other.ID, other.Version); err != nil {
			t.Fatal(err)
		}
		if err := svc.CloseMonth(ctx, fin, a, "2026-05", true); err != nil {
			t.Fatal(err)
		}
		field(t, svc.RestoreLabor(ctx, dev, r.ID), "date")
		svc.CloseMonth(ctx, fin, a, "2026-05", false)
		if err := svc.RestoreLabor(ctx, dev, r.ID); err != nil {
			t.Fatal(err)
		}
		if l, _ := svc.ListLabor(ctx, dev, a, finance.LaborFilter{}); len(l) != 1 || l[0].ID != r.ID {
			t.Fatalf("after restore: %+v", l)
		}
	})
}
