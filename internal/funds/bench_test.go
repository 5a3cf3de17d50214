package funds_test

// Benchmarks of the fund centre's reads (docs/benchmarks.md): the
// receivables of a 500-project portfolio (what the portfolio finance view
// calls) and one project's fund page data.
//
//	go test ./internal/funds -run '^$' -bench . -benchtime 20x
//	TEST_POSTGRES_DSN=... adds the PostgreSQL variants.

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"golive/internal/app/apptest"
	"golive/internal/db"
	"golive/internal/funds"
)

// seedPortfolio adds n projects of customer A, each with one contract of
// four milestones (30/40/25/5, spread over 2026), two invoices and two
// receipts, in one transaction.
func seedPortfolio(tb testing.TB, e *apptest.Env, n int) []int64 {
	tb.Helper()
	ctx := context.Background()
	var ids []int64
	err := e.App.DB.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		for i := 0; i < n; i++ {
			var pid, cid int64
			if err := tx.QueryRow(ctx, `INSERT INTO projects (code, name, customer_company_id, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?) RETURNING id`,
				fmt.Sprintf("BP%04d", i), fmt.Sprintf("组合项目 %d", i), e.CompanyA.ID, now, now).Scan(&pid); err != nil {
				return err
			}
			total := int64(1_000_000_00 + i*1000_00)
			if err := tx.QueryRow(ctx, `INSERT INTO fund_contracts (project_id, number, customer_company_id, amount_minor, tax_rate_bp, tax_minor, currency, created_ms, updated_ms)
				VALUES (?, ?, ?, ?, 600, ?, 'CNY', ?, ?) RETURNING id`, pid, fmt.Sprintf("BH-%04d", i), e.CompanyA.ID, total, funds.RoundTax(total, 600), now, now).Scan(&cid); err != nil {
				return err
			}
			gross := total + funds.RoundTax(total, 600)
			for k, share := range []int64{3000, 4000, 2500, 500} {
				planned := time.Date(2026, time.Month(1+(i+k*3)%12), 1+i%28, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
				var mid int64
				if err := tx.QueryRow(ctx, `INSERT INTO fund_milestones (project_id, contract_id, seq, kind, name, share_bp, amount_minor, trigger_kind, planned_date, created_ms, updated_ms)
					VALUES (?, ?, ?, 'other', ?, ?, ?, 'date', ?, ?, ?) RETURNING id`, pid, cid, k+1, fmt.Sprintf("节点 %d", k+1), share, gross*share/10000, planned, now, now).Scan(&mid); err != nil {
					return err
				}
				if k < 2 {
					if _, err := tx.Exec(ctx, `INSERT INTO fund_invoices (project_id, contract_id, milestone_id, number, kind, amount_minor, tax_minor, issue_date, created_ms, updated_ms)
						VALUES (?, ?, ?, ?, 'special', ?, 0, ?, ?, ?)`, pid, cid, mid, fmt.Sprintf("BI-%04d-%d", i, k), gross*share/10000, planned, now, now); err != nil {
						return err
					}
					if _, err := tx.Exec(ctx, `INSERT INTO fund_receipts (project_id, contract_id, milestone_id, amount_minor, receipt_date, method, created_ms, updated_ms)
						VALUES (?, ?, ?, ?, ?, 'transfer', ?, ?)`, pid, cid, mid, gross*share/10000/2, planned, now, now); err != nil {
						return err
					}
				}
			}
			ids = append(ids, pid)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return ids
}

func benchEach(b *testing.B, fn func(b *testing.B, e *apptest.Env)) {
	for _, d := range []db.Dialect{db.SQLite, db.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			if d == db.Postgres && testingPostgresDSN() == "" {
				b.Skip("TEST_POSTGRES_DSN not set")
			}
			fn(b, apptest.New(b, d))
		})
	}
}

// BenchmarkPortfolioReceivables: Receivables of 500 projects as of a day.
func BenchmarkPortfolioReceivables(b *testing.B) {
	benchEach(b, func(b *testing.B, e *apptest.Env) {
		ids := seedPortfolio(b, e, 500)
		ctx := context.Background()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			rs, err := e.App.Funds.Receivables(ctx, ids, "2026-12-31")
			if err != nil || len(rs) != 500 || rs[0].OverdueMinor == 0 {
				b.Fatalf("%v %d", err, len(rs))
			}
		}
	})
}

// BenchmarkProjectFunds: one project's aged milestones, invoices and
// receipts, as the fund page reads them (500 projects in the database).
func BenchmarkProjectFunds(b *testing.B) {
	benchEach(b, func(b *testing.B, e *apptest.Env) {
		ids := seedPortfolio(b, e, 500)
		ctx := context.Background()
		// The PM is a member of A only; read the last seeded project as the administrator.
		admin := e.Users[apptest.Admin].P
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, ms, _, err := e.App.Funds.ProjectReceivable(ctx, admin, ids[len(ids)-1], ""); err != nil || len(ms) != 4 {
				b.Fatal(err)
			}
			if _, _, err := e.App.Funds.Invoices(ctx, admin, ids[len(ids)-1]); err != nil {
				b.Fatal(err)
			}
			if _, err := e.App.Funds.Receipts(ctx, admin, ids[len(ids)-1]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func testingPostgresDSN() string { return os.Getenv("TEST_POSTGRES_DSN") }
