package funds_test

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/funds"
)

// Bad input through the API and the forms: a 4xx naming the field in the
// caller's language, never a 500, nothing half written.
func TestFundsBadInputHTTP(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := strconv.FormatInt(e.ProjectA.ID, 10)
		api := "/api/v1/projects/" + a + "/funds"
		page := "/projects/" + a + "/funds"
		check := func(what string, r apptest.Response, status int, wants ...string) {
			t.Helper()
			if r.Status != status {
				t.Errorf("%s: status %d, want %d: %.400s", what, r.Status, status, r.Body)
				return
			}
			for _, w := range wants {
				if !strings.Contains(r.Body, w) {
					t.Errorf("%s: body lacks %q: %.600s", what, w, r.Body)
				}
			}
		}
		fin := apptest.Finance
		check("negative amount", e.Do(t, fin, "POST", api+"/contracts", map[string]any{"number": "X-1", "amount_minor": -100, "tax_rate_bp": 600}), 400, `"amount_minor"`, "不能为负数")
		check("amount as text", e.Do(t, fin, "POST", api+"/contracts", map[string]any{"number": "X-1", "amount_minor": "一百", "tax_rate_bp": 600}), 400, "amount_minor")
		check("bad signing date", e.Do(t, fin, "POST", api+"/contracts", map[string]any{"number": "X-1", "amount_minor": 100, "tax_rate_bp": 600, "signed_date": "2026-02-30"}), 400, `"signed_date"`, "签订日期")
		check("tax rate", e.Do(t, fin, "POST", api+"/contracts", map[string]any{"number": "X-1", "amount_minor": 100, "tax_rate_bp": 20000}), 400, `"tax_rate_bp"`)
		var c funds.Contract
		r := e.Do(t, fin, "POST", api+"/contracts", funds.ContractInput{Number: "X-1", AmountMinor: 100_000_00, TaxRateBP: 600})
		check("create", r, 201)
		r.JSON(t, &c)
		check("duplicate number", e.Do(t, fin, "POST", api+"/contracts", funds.ContractInput{Number: "X-1", AmountMinor: 1, TaxRateBP: 600}), 400, `"number"`, "已被使用")
		cid := strconv.FormatInt(c.ID, 10)
		check("stale edit", e.Do(t, fin, "PUT", api+"/contracts/"+cid, funds.ContractInput{Number: "X-1", AmountMinor: 1, TaxRateBP: 600, Version: c.Version + 5}), 409)

		bad := funds.ScheduleInput{Version: c.Version, Milestones: []funds.MilestoneInput{
			{Kind: "advance", ShareBP: 3000, Trigger: "date", PlannedDate: "2026-01-10"},
			{Kind: "progress", ShareBP: 4000, Trigger: "date", PlannedDate: "2026-03-10"},
			{Kind: "acceptance", ShareBP: 2500, Trigger: "date", PlannedDate: "2026-06-10"},
		}}
		check("shares 95 %", e.Do(t, fin, "PUT", api+"/contracts/"+cid+"/schedule", bad), 400, `"milestones"`, "95.00%", "必须等于 100%")
		bad.Milestones[0].PlannedDate = "2026-1-10"
		bad.Milestones = append(bad.Milestones, funds.MilestoneInput{Kind: "retention", ShareBP: 500, Trigger: "date", PlannedDate: "2027-06-10"})
		check("bad planned date", e.Do(t, fin, "PUT", api+"/contracts/"+cid+"/schedule", bad), 400, `"milestones.0.planned_date"`)
		bad.Milestones[0].PlannedDate = "2026-01-10"
		bad.Milestones[1].Trigger, bad.Milestones[1].TriggerID = "milestone", 999999
		check("foreign trigger", e.Do(t, fin, "PUT", api+"/contracts/"+cid+"/schedule", bad), 400, `"milestones.1.trigger_id"`)
		bad.Milestones[1].Trigger, bad.Milestones[1].TriggerID = "date", 0
		var ms []funds.Milestone
		r = e.Do(t, fin, "PUT", api+"/contracts/"+cid+"/schedule", bad)
		check("schedule", r, 200)
		r.JSON(t, &ms)

		mid := ms[0].ID
		inv := funds.InvoiceInput{MilestoneID: mid, Number: "INV-1", Kind: "special", AmountMinor: 30_000_00, TaxMinor: 1_800_00, IssueDate: "2026-01-09"}
		check("invoice", e.Do(t, fin, "POST", api+"/invoices", inv), 201)
		check("duplicate invoice", e.Do(t, fin, "POST", api+"/invoices", inv), 400, `"number"`, "已登记过")
		inv.Number, inv.TaxMinor = "INV-2", -1
		check("negative tax", e.Do(t, fin, "POST", api+"/invoices", inv), 400, `"tax_minor"`)
		inv.TaxMinor, inv.MilestoneID = 0, 999999
		check("unknown milestone", e.Do(t, fin, "POST", api+"/invoices", inv), 400, `"milestone_id"`)

		rc := funds.ReceiptInput{MilestoneID: mid, AmountMinor: ms[0].AmountMinor + 1, ReceiptDate: "2026-01-20", Method: "transfer"}
		check("over-receipt", e.Do(t, fin, "POST", api+"/receipts", rc), 400, `"amount_minor"`, "¥31,800.00", "预收款")
		rc.Method = "bitcoin"
		check("bad method", e.Do(t, fin, "POST", api+"/receipts", rc), 400, `"method"`)
		rc.Method, rc.ReceiptDate = "transfer", "20260120"
		check("bad receipt date", e.Do(t, fin, "POST", api+"/receipts", rc), 400, `"receipt_date"`)

		check("bad as_of", e.Do(t, fin, "GET", api+"/receivable?as_of=yesterday", nil), 400, `"as_of"`)
		check("bad month", e.Do(t, fin, "GET", api+"/forecast?from=2026-13", nil), 400, `"from"`)
		check("too many months", e.Do(t, fin, "GET", api+"/forecast?months=99", nil), 400, `"months"`)

		// Forms: the page comes back with the message naming the field.
		check("form over-receipt", e.Do(t, fin, "POST", page+"/receipts", url.Values{"milestone_id": {strconv.FormatInt(mid, 10)}, "amount_minor": {"99,999.00"},
			"receipt_date": {"2026-01-20"}, "method": {"transfer"}}.Encode()), 400, "金额", "¥31,800.00")
		check("form amount typo", e.Do(t, fin, "POST", page+"/receipts", url.Values{"milestone_id": {strconv.FormatInt(mid, 10)}, "amount_minor": {"1.234"},
			"receipt_date": {"2026-01-20"}, "method": {"transfer"}}.Encode()), 400, "最多两位小数")
		check("form contract", e.Do(t, fin, "POST", page+"/contracts", url.Values{"number": {""}, "amount_minor": {"-5"}, "tax_rate_bp": {"6"}}.Encode()), 400, "编号", "不能为负数")
		c2, _, _ := e.App.Funds.Contract(t.Context(), e.Users[fin].P, e.ProjectA.ID, c.ID)
		check("form shares", e.Do(t, fin, "POST", page+"/contracts/"+cid+"/schedule", url.Values{"version": {strconv.FormatInt(c2.Version, 10)}, "rows": {"2"},
			"m0_id": {strconv.FormatInt(ms[0].ID, 10)}, "m0_kind": {"advance"}, "m0_share": {"30"}, "m0_trigger": {"date"}, "m0_planned": {"2026-01-10"},
			"m1_kind": {"other"}, "m1_share": {"3x"}, "m1_trigger": {"date"}, "m1_planned": {"2026-02-10"}}.Encode()), 400, "第 2 行", "比例")

		// Nothing of the refused requests was written.
		var n int
		if err := e.App.DB.QueryRow(t.Context(), `SELECT (SELECT COUNT(*) FROM fund_contracts) + (SELECT COUNT(*) FROM fund_invoices) + (SELECT COUNT(*) FROM fund_receipts)`).Scan(&n); err != nil || n != 2 {
			t.Errorf("rows written: %d %v", n, err)
		}

		// Customers: their PM reads the schedule without internal notes; key users do not see funds at all.
		if _, err := e.App.Funds.UpdateContract(t.Context(), e.Users[fin].P, e.ProjectA.ID, c.ID, funds.ContractInput{Number: "X-1", AmountMinor: c.AmountMinor, TaxRateBP: 600,
			Notes: "底价 8 折，勿外传", Version: c2.Version}); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{api + "/contracts", api + "/contracts/" + cid, api + "/milestones", page, page + "/print", page + "/contracts.xlsx"} {
			r := e.Do(t, apptest.CustomerPM, "GET", path, nil)
			if r.Status != 200 || strings.Contains(r.Body, "底价") {
				t.Errorf("customer PM %s: %d, leaks notes: %v", path, r.Status, strings.Contains(r.Body, "底价"))
			}
			if r := e.Do(t, apptest.Finance, "GET", path, nil); r.Status != 200 {
				t.Errorf("finance %s: %d", path, r.Status)
			}
		}
		if r := e.Do(t, apptest.Finance, "GET", api+"/contracts", nil); !strings.Contains(r.Body, "底价") {
			t.Errorf("finance does not see the notes (the leak check would be vacuous)")
		}
		// Every page is translated: no catalog key shows through.
		raw := regexp.MustCompile(`funds\.[a-z_]+\.[a-z0-9_+-]+|funds\.(err|note|col|field)_?[a-z_]*`)
		for _, path := range []string{page, page + "/print", page + "/forecast", page + "/contracts/new", page + "/contracts/" + cid + "/edit", page + "/contracts/" + cid + "/schedule"} {
			r := e.Do(t, apptest.Finance, "GET", path, nil)
			if k := raw.FindString(r.Body); r.Status != 200 || k != "" {
				t.Errorf("%s: %d, untranslated %q", path, r.Status, k)
			}
		}
		for _, who := range []apptest.Who{apptest.KeyUser, apptest.OtherCust, apptest.Developer} {
			if r := e.Do(t, who, "GET", api+"/milestones", nil); r.Status != 404 {
				t.Errorf("%s reads milestones: %d", who, r.Status)
			}
		}
	})
}
