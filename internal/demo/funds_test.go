package demo_test

import (
	"context"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/demo"
)

func TestLoadFunds(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		if err := demo.LoadFunds(ctx, e.App, []int64{e.ProjectA.ID}); err != nil {
			t.Fatal(err)
		}
		amt, tax, cur, err := e.App.Funds.ContractValue(ctx, e.ProjectA.ID)
		if err != nil || amt != 1_800_000_00 || tax != 108_000_00 || cur != "CNY" {
			t.Fatalf("contract value: %d %d %s %v", amt, tax, cur, err)
		}
		rs, err := e.App.Funds.Receivables(ctx, []int64{e.ProjectA.ID}, "")
		if err != nil {
			t.Fatal(err)
		}
		r := rs[0]
		// 进度款 763,200.00 due 40 days ago, 300,000.00 received: 463,200.00 overdue in 31–60.
		if r.OverdueCount != 1 || r.OverdueMinor != 463_200_00 || r.Age31to60 != 463_200_00 || r.ReceivedMinor != 872_400_00 || r.InvoicedMinor != 1_335_600_00 {
			t.Fatalf("receivable: %+v", r)
		}
	})
}
