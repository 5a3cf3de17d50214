package requirement_test

import (
	"fmt"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/db"
	"golive/internal/requirement"
)

// benchPool seeds project A with 500 requirements (400 confirmed) and 250
// functions, each serving two requirements: a large ERP pool.
func benchPool(b *testing.B) *apptest.Env {
	b.Helper()
	e := apptest.New(b, db.SQLite)
	svc, a := e.App.Requirements, e.ProjectA.ID
	cons, cpm := e.Users[apptest.Consultant].P, e.Users[apptest.CustomerPM].P
	var ids []int64
	for i := range 500 {
		r, err := svc.Create(ctx, cons, a, requirement.Input{Title: fmt.Sprintf("需求 %d：采购订单审批与库存联动", i), Module: fmt.Sprintf("模块%d", i%12),
			Description: "按金额分级审批，审批通过后占用库存。", Acceptance: "超过 5 万元须总经理审批。", Priority: requirement.Priorities[i%4], CustomerVisible: i%5 != 0})
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	if _, err := svc.Review(ctx, cons, a, requirement.ReviewInput{IDs: ids[:400], Action: "submit"}); err != nil {
		b.Fatal(err)
	}
	// The customer PM confirms what they see; the internal ones through
	// change control's entry point.
	var visible, internal []int64
	for i, id := range ids[:400] {
		if i%5 != 0 {
			visible = append(visible, id)
		} else {
			internal = append(internal, id)
		}
	}
	if _, err := svc.Review(ctx, cpm, a, requirement.ReviewInput{IDs: visible, Action: "confirm"}); err != nil {
		b.Fatal(err)
	}
	if err := e.App.DB.Tx(ctx, func(tx *db.Tx) error { return svc.SetStatusTx(ctx, tx, a, internal, requirement.StatusConfirmed) }); err != nil {
		b.Fatal(err)
	}
	for i := range 250 {
		if _, err := svc.CreateFunction(ctx, cons, a, requirement.FunctionInput{Title: fmt.Sprintf("功能 %d", i), Type: requirement.FunctionTypes[i%6],
			EffortTenths: int64(5 + i%40), RequirementIDs: []int64{ids[(2*i)%400], ids[(2*i+1)%400]}}); err != nil {
			b.Fatal(err)
		}
	}
	return e
}

// BenchmarkRequirements: the pool list (what the pool page and its Excel
// export read), the traceability matrix and the baseline Content on a
// 500-requirement, 250-function project.
func BenchmarkRequirements(b *testing.B) {
	e := benchPool(b)
	svc, a, pm, ku := e.App.Requirements, e.ProjectA.ID, e.Users[apptest.PM].P, e.Users[apptest.KeyUser].P
	b.Run("list", func(b *testing.B) {
		for b.Loop() {
			if rs, _, err := svc.List(ctx, pm, a, requirement.Filter{}); err != nil || len(rs) != 500 {
				b.Fatal(err, len(rs))
			}
		}
	})
	b.Run("list_customer_filtered", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := svc.List(ctx, ku, a, requirement.Filter{Priority: "must", Text: "审批"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("trace", func(b *testing.B) {
		for b.Loop() {
			if t, _, err := svc.Trace(ctx, pm, a, ""); err != nil || len(t.Rows) != 500 {
				b.Fatal(err)
			}
		}
	})
	b.Run("content", func(b *testing.B) {
		for b.Loop() {
			if c, err := svc.Content(ctx, a); err != nil || len(c.Requirements) != 400 {
				b.Fatal(err, len(c.Requirements))
			}
		}
	})
	b.Run("page_pool", func(b *testing.B) {
		path := "/projects/" + itoa(a) + "/requirements"
		for b.Loop() {
			if r := e.Do(b, apptest.PM, "GET", path, nil); r.Status != 200 {
				b.Fatal(r.Status)
			}
		}
	})
}
