package finance_test

import (
	"context"
	"io"
	"os"
	"testing"

	"golive/internal/access"
	"golive/internal/audit"
	"golive/internal/db/dbtest"
	"golive/internal/finance"
	"golive/internal/finance/fintest"
	"golive/internal/project"
	"golive/internal/web"
)

// BenchmarkSubcontractorMonthExport: with fintest.Big (1,000,000 approved
// labor records: 500 projects × 200 people over 2026, 40 subcontractors
// of 50 day workers, 100,000 expenses), the summary of one month for one
// subcontractor across all projects — by person and day, priced at the
// rate valid each day — written as the .xlsx the export serves. Target:
// < 1 s. SQLite always; PostgreSQL too when TEST_POSTGRES_DSN is set
// (FINTEST_SMALL=1 generates a tenth of the data for a quick look).
func BenchmarkSubcontractorMonthExport(b *testing.B) {
	for _, dialect := range dbtest.Dialects() {
		// Generated once per dialect, not again for each b.N.
		ctx := context.Background()
		d := dbtest.Open(b, dialect)
		cfg := fintest.Big
		if os.Getenv("FINTEST_SMALL") != "" {
			cfg.Records, cfg.Expenses = cfg.Records/10, cfg.Expenses/10
		}
		fx, err := fintest.Generate(ctx, d, cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: generated %d records and %d expenses in %s", dialect, cfg.Records, cfg.Expenses, fx.Took)
		b.Run(string(dialect), func(b *testing.B) {
			a := audit.NewService(d)
			svc := finance.NewService(d, a, project.NewService(d, a))
			admin := &access.Principal{UserID: 1, Admin: true, Vendor: true}
			sub := fx.SubcontractorIDs[7]
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				r, err := svc.Summary(ctx, admin, finance.SummaryQuery{SubcontractorID: sub, From: "2026-03-01", To: "2026-03-31", GroupBy: finance.ByPerson, Period: finance.PerDay})
				if err != nil {
					b.Fatal(err)
				}
				if len(r.Rows) == 0 || r.Total.CostMinor == 0 {
					b.Fatalf("empty summary: %+v", r.Total)
				}
				j := 0
				cols := []web.Column{{Header: "期间"}, {Header: "人员"}, {Header: "记录", Kind: web.ColInt}, {Header: "工日"}, {Header: "小时"}, {Header: "成本", Kind: web.ColMoney}}
				if err := web.WriteXLSX(io.Discard, "汇总", cols, func() ([]any, bool, error) {
					if j >= len(r.Rows) {
						return nil, false, nil
					}
					x := r.Rows[j]
					j++
					return []any{x.Period, x.Label, int64(x.Records), x.Days.String(), x.Hours.String(), x.CostMinor}, true, nil
				}); err != nil {
					b.Fatal(err)
				}
				if i == 0 {
					b.ReportMetric(float64(r.Total.Records), "records/op")
				}
			}
		})
	}
}
