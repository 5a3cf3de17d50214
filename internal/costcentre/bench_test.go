package costcentre_test

// Benchmarks of the cost centre (docs/benchmarks.md): one project's
// dashboard including EVM, and the portfolio finance view, over 500
// projects × 200 people × a year of labor (1,000,000 records) and
// 100,000 expenses. PostgreSQL only (TEST_POSTGRES_DSN); the data are
// generated with multi-row INSERTs of literal values in one transaction.
//
//	TEST_POSTGRES_DSN=... go test ./internal/costcentre -run '^$' -bench . -benchtime 20x

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"golive/internal/access"
	"golive/internal/app/apptest"
	"golive/internal/calendar"
	"golive/internal/costcentre"
	"golive/internal/db"
)

const (
	benchProjects = 500
	benchPeople   = 200
	benchPerProj  = 8   // people on each project
	benchDays     = 250 // working days of 2026 with labor → 500 × 8 × 250 = 1,000,000
	benchExpenses = 200 // per project → 100,000
	benchTasks    = 40  // per project, all in a baseline
)

type benchEnv struct {
	e       *apptest.Env
	project int64 // a project in the middle
	finance *access.Principal
}

func benchSetup(b *testing.B) *benchEnv {
	var benchCache *benchEnv
	if os.Getenv("TEST_POSTGRES_DSN") == "" {
		b.Skip("TEST_POSTGRES_DSN not set")
	}
	e := apptest.New(b, db.Postgres)
	start := time.Now()
	ctx := b.Context()
	now := db.Now()
	var vendor int64
	if err := e.App.DB.QueryRow(ctx, `SELECT company_id FROM users WHERE id = ?`, e.Users[apptest.PM].ID).Scan(&vendor); err != nil {
		b.Fatal(err)
	}
	fin := e.Users[apptest.Finance].ID
	// Working days of 2026 on China's calendar.
	cal := calendar.ChinaCalendar()
	var days []string
	for d := calendar.FromYMD(2026, 1, 1); len(days) < benchDays; d++ {
		if cal.IsWorkday(d) {
			days = append(days, d.String())
		}
	}
	err := e.App.DB.Tx(ctx, func(tx *db.Tx) error {
		var batch strings.Builder
		n := 0
		flush := func(head string) error {
			if n == 0 {
				return nil
			}
			_, err := tx.Exec(ctx, head+batch.String())
			batch.Reset()
			n = 0
			return err
		}
		add := func(head, row string) error {
			if n > 0 {
				batch.WriteByte(',')
			}
			batch.WriteString(row)
			n++
			if n == 1000 {
				return flush(head)
			}
			return nil
		}
		var firstUser, firstProject int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM users`).Scan(&firstUser); err != nil {
			return err
		}
		head := `INSERT INTO users (id, company_id, email, name, role, password_hash, created_ms, updated_ms) VALUES `
		for i := 0; i < benchPeople; i++ {
			if err := add(head, fmt.Sprintf("(%d, %d, 'bench%d@bench.test', '员工%d', 'consultant', 'x', %d, %d)", firstUser+int64(i), vendor, i, i, now, now)); err != nil {
				return err
			}
		}
		if err := flush(head); err != nil {
			return err
		}
		head = `INSERT INTO rate_cards (user_id, cost_hour_minor, valid_from_date, created_ms) VALUES `
		for i := 0; i < benchPeople; i++ {
			u := firstUser + int64(i)
			if err := add(head, fmt.Sprintf("(%d, %d, '2026-01-01', %d), (%d, %d, '2026-07-01', %d)", u, 15000+i*37, now, u, 16000+i*41, now)); err != nil {
				return err
			}
		}
		if err := flush(head); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM projects`).Scan(&firstProject); err != nil {
			return err
		}
		head = `INSERT INTO projects (id, code, name, customer_company_id, status, start_date, golive_date, budget_minor, created_ms, updated_ms) VALUES `
		for p := 0; p < benchProjects; p++ {
			if err := add(head, fmt.Sprintf("(%d, 'BP%04d', '压测项目%d', %d, 'active', '2026-01-05', '2026-12-31', 500000000, %d, %d)", firstProject+int64(p), p, p, e.CompanyA.ID, now, now)); err != nil {
				return err
			}
		}
		if err := flush(head); err != nil {
			return err
		}
		if e.App.DB.Dialect() == db.Postgres {
			for _, t := range []string{"users", "projects"} {
				if _, err := tx.Exec(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT MAX(id) FROM %s))`, t, t)); err != nil {
					return err
				}
			}
		}
		head = `INSERT INTO project_members (project_id, user_id, role, created_ms, updated_ms) VALUES `
		for p := 0; p < benchProjects; p++ {
			pid := firstProject + int64(p)
			if err := add(head, fmt.Sprintf("(%d, %d, 'finance', %d, %d)", pid, fin, now, now)); err != nil {
				return err
			}
			for k := 0; k < benchPerProj; k++ {
				u := firstUser + int64((p*benchPerProj+k)%benchPeople)
				if err := add(head, fmt.Sprintf("(%d, %d, 'consultant', %d, %d)", pid, u, now, now)); err != nil {
					return err
				}
			}
		}
		if err := flush(head); err != nil {
			return err
		}
		head = `INSERT INTO labor_records (project_id, work_date, user_id, unit, qty_centi, hours_centi, status, created_ms, updated_ms) VALUES `
		for p := 0; p < benchProjects; p++ {
			pid := firstProject + int64(p)
			for k := 0; k < benchPerProj; k++ {
				u := firstUser + int64((p*benchPerProj+k)%benchPeople)
				for di, day := range days {
					q := []int{800, 800, 750, 400, 800}[(di+k)%5]
					st := "approved"
					if di >= benchDays-5 {
						st = "submitted"
					}
					if err := add(head, fmt.Sprintf("(%d, '%s', %d, 'hour', %d, %d, '%s', %d, %d)", pid, day, u, q, q, st, now, now)); err != nil {
						return err
					}
				}
			}
		}
		if err := flush(head); err != nil {
			return err
		}
		cats := []string{"travel", "outsourcing", "software_hardware", "other", "travel"}
		head = `INSERT INTO expenses (project_id, expense_date, category, amount_minor, status, created_ms, updated_ms) VALUES `
		for p := 0; p < benchProjects; p++ {
			for i := 0; i < benchExpenses; i++ {
				if err := add(head, fmt.Sprintf("(%d, '%s', '%s', %d, 'approved', %d, %d)", firstProject+int64(p), days[(i*7)%len(days)], cats[i%5], 10000+i*137, now, now)); err != nil {
					return err
				}
			}
		}
		if err := flush(head); err != nil {
			return err
		}
		// Plans: 40 consecutive two-week tasks, a baseline of them, a budget and a contract.
		head = `INSERT INTO tasks (project_id, number, title, status, start_date, due_date, estimate_min, progress, created_ms, updated_ms) VALUES `
		for p := 0; p < benchProjects; p++ {
			for i := 0; i < benchTasks; i++ {
				s := calendar.FromYMD(2026, 1, 5).AddDays(i * 7)
				st, pr := "todo", 0
				if s.AddDays(13) < calendar.FromYMD(2026, 9, 1) {
					st, pr = "done", 100
				} else if s < calendar.FromYMD(2026, 9, 1) {
					st, pr = "doing", 50
				}
				if err := add(head, fmt.Sprintf("(%d, %d, '任务%d', '%s', '%s', '%s', %d, %d, %d, %d)", firstProject+int64(p), i+1, i, st, s, s.AddDays(13), 4800*(1+i%3), pr, now, now)); err != nil {
					return err
				}
			}
		}
		if err := flush(head); err != nil {
			return err
		}
		for _, q := range []string{
			fmt.Sprintf(`INSERT INTO baselines (project_id, name, created_ms) SELECT id, '基线', %d FROM projects WHERE id >= %d`, now, firstProject),
			fmt.Sprintf(`INSERT INTO baseline_tasks (baseline_id, task_id, start_date, due_date) SELECT b.id, t.id, t.start_date, t.due_date FROM tasks t JOIN baselines b ON b.project_id = t.project_id WHERE t.project_id >= %d`, firstProject),
			fmt.Sprintf(`INSERT INTO budget_versions (project_id, seq, kind, status, contingency_pct, created_ms, updated_ms) SELECT id, 1, 'original', 'approved', 10, %d, %d FROM projects WHERE id >= %d`, now, now, firstProject),
			fmt.Sprintf(`INSERT INTO budget_lines (budget_version_id, category, amount_minor) SELECT v.id, c.cat, c.amt FROM budget_versions v,
				(SELECT 'labor' AS cat, 450000000 AS amt UNION ALL SELECT 'travel', 8000000 UNION ALL SELECT 'outsourcing', 6000000 UNION ALL SELECT 'software_hardware', 5000000 UNION ALL SELECT 'other', 1000000) c
				WHERE v.project_id >= %d`, firstProject),
			fmt.Sprintf(`INSERT INTO fund_contracts (project_id, number, customer_company_id, amount_minor, tax_rate_bp, tax_minor, created_ms, updated_ms)
				SELECT id, 'HT-' || code, customer_company_id, 600000000, 600, 36000000, %d, %d FROM projects WHERE id >= %d`, now, now, firstProject),
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		benchCache = &benchEnv{e: e, project: firstProject + benchProjects/2}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, t := range []string{"labor_records", "expenses", "tasks", "baseline_tasks", "project_members", "rate_cards"} {
		if _, err := e.App.DB.Exec(ctx, `ANALYZE `+t); err != nil {
			b.Fatal(err)
		}
	}
	var n int
	if err := e.App.DB.QueryRow(ctx, `SELECT COUNT(*) FROM labor_records`).Scan(&n); err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d labor records, %d expenses, %d projects in %s", n, benchProjects*benchExpenses, benchProjects, time.Since(start).Round(time.Second))
	benchCache.finance = e.Users[apptest.Finance].P
	e.App.CostCentre.SetClock(func() time.Time { return time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC) })
	return benchCache
}

// BenchmarkCostCentre generates the data once (the environment lives as
// long as this benchmark) and measures each read as a sub-benchmark.
func BenchmarkCostCentre(b *testing.B) {
	x := benchSetup(b)
	path := fmt.Sprintf("/projects/%d/costcentre", x.project)
	b.Run("Dashboard", func(b *testing.B) {
		for b.Loop() {
			d, err := x.e.App.CostCentre.Dashboard(b.Context(), x.finance, x.project)
			if err != nil || d.ActualMinor == 0 || !d.Money.CPI.OK {
				b.Fatalf("%v %+v", err, d.Money)
			}
		}
	})
	// The whole page over the handler chain (HTML with the S-curve data).
	b.Run("DashboardPage", func(b *testing.B) {
		for b.Loop() {
			if r := x.e.Do(b, apptest.Finance, "GET", path, nil); r.Status != 200 {
				b.Fatalf("%d", r.Status)
			}
		}
	})
	b.Run("Portfolio", func(b *testing.B) {
		for b.Loop() {
			rows, err := x.e.App.CostCentre.Portfolio(b.Context(), x.finance, costcentre.PortfolioFilter{Sort: "-actual"})
			if err != nil || len(rows) < benchProjects {
				b.Fatalf("%v %d", err, len(rows))
			}
		}
	})
	b.Run("PortfolioPage", func(b *testing.B) {
		for b.Loop() {
			if r := x.e.Do(b, apptest.Finance, "GET", "/finance", nil); r.Status != 200 {
				b.Fatalf("%d", r.Status)
			}
		}
	})
	b.Run("PortfolioExport", func(b *testing.B) {
		for b.Loop() {
			if r := x.e.Do(b, apptest.Finance, "GET", "/finance.xlsx", nil); r.Status != 200 {
				b.Fatalf("%d", r.Status)
			}
		}
	})
}
