// Package fintest generates large finance fixtures for benchmarks: many
// projects, subcontractors with day workers, trade rates and approved
// labor records, written with a few set-based INSERT … SELECT statements
// (a recursive counter) instead of a million round trips. It is shared
// with the cost centre's benchmarks.
package fintest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"golive/internal/db"
)

// Config sizes the fixture. Records are spread over Projects × People
// (a project's people are drawn from all workers) and over Days from
// FirstDay.
type Config struct {
	Projects       int    // e.g. 500
	People         int    // people per project, e.g. 200
	Records        int    // e.g. 1,000,000
	Subcontractors int    // e.g. 40
	Workers        int    // day workers in total, e.g. 2,000
	Expenses       int    // approved expenses in total, e.g. 100,000
	FirstDay       string // e.g. "2026-01-01"
	Days           int    // e.g. 365
}

// Big is the size of the performance target.
var Big = Config{Projects: 500, People: 200, Records: 1_000_000, Subcontractors: 40, Workers: 2000, Expenses: 100_000, FirstDay: "2026-01-01", Days: 365}

// Fixture names what was generated.
type Fixture struct {
	ProjectIDs       []int64
	SubcontractorIDs []int64
	CustomerID       int64
	Took             time.Duration
}

func dateExpr(d db.Dialect, first, offset string) string {
	if d == db.Postgres {
		return "to_char(DATE '" + first + "' + (" + offset + ")::int, 'YYYY-MM-DD')"
	}
	return "date('" + first + "', '+' || (" + offset + ") || ' days')"
}

// counter is a CTE "n(i)" counting 0 … count-1 on both dialects.
func counter(count int) string {
	return fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < %d) `, count)
}

// Generate writes the fixture into an empty, migrated database.
func Generate(ctx context.Context, d *db.DB, c Config) (Fixture, error) {
	start := time.Now()
	var f Fixture
	now := db.Now()
	if err := d.Tx(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO companies (name, kind, created_ms, updated_ms) VALUES ('基准客户', 'customer', ?, ?) RETURNING id`, now, now).Scan(&f.CustomerID)
	}); err != nil {
		return f, err
	}
	steps := []string{
		counter(c.Projects) + `INSERT INTO projects (code, name, customer_company_id, status, created_ms, updated_ms) SELECT 'BP' || i, '基准项目' || i, ` + fmt.Sprint(f.CustomerID) + `, 'active', 0, 0 FROM n`,
		counter(c.Subcontractors) + `INSERT INTO subcontractors (name, created_ms, updated_ms) SELECT '基准分包' || i, 0, 0 FROM n`,
		`INSERT INTO trade_rates (trade, unit, cost_minor, bill_minor, valid_from_date, created_ms) VALUES
			('T0', 'day', 40000, 60000, '2020-01-01', 0), ('T1', 'day', 45000, 65000, '2020-01-01', 0), ('T2', 'day', 50000, 70000, '2020-01-01', 0),
			('T3', 'hour', 6000, 9000, '2020-01-01', 0), ('T4', 'day', 38000, 55000, '2020-01-01', 0), ('T0', 'day', 42000, 62000, '` + c.FirstDay + `', 0)`,
	}
	for _, s := range steps {
		if _, err := d.Exec(ctx, s); err != nil {
			return f, fmt.Errorf("fintest: %w", err)
		}
	}
	rows, err := d.Query(ctx, `SELECT id FROM projects WHERE code LIKE 'BP%' ORDER BY id`)
	if err != nil {
		return f, err
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		f.ProjectIDs = append(f.ProjectIDs, id)
	}
	rows.Close()
	rows, err = d.Query(ctx, `SELECT id FROM subcontractors ORDER BY id`)
	if err != nil {
		return f, err
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		f.SubcontractorIDs = append(f.SubcontractorIDs, id)
	}
	rows.Close()
	p0, s0 := f.ProjectIDs[0], f.SubcontractorIDs[0]
	perSub := c.Workers / c.Subcontractors
	workers := counter(c.Workers) + fmt.Sprintf(`INSERT INTO workers (subcontractor_id, name, trade, created_ms, updated_ms)
		SELECT %d + i / %d, '点工' || i, 'T' || (i %% 5), 0, 0 FROM n`, s0, perSub)
	var w0 int64
	// Worker k of project p: spread so that each worker serves several projects.
	labor := counter(c.Records) + fmt.Sprintf(`INSERT INTO labor_records (project_id, work_date, worker_id, subcontractor_id, trade, unit, qty_centi, hours_centi, status, locked, created_ms, updated_ms)
		SELECT %d + (i %% %d), %s, {w0} + w, {s0} + w / %d, 'T' || (w %% 5), 'day', 100, 800, 'approved', %s, 0, 0
		FROM (SELECT i, ((i %% %d) * 7 + (i / %d) %% %d) %% %d AS w FROM n) x`,
		p0, c.Projects, dateExpr(d.Dialect(), c.FirstDay, fmt.Sprintf("(i / %d) %% %d", c.Projects, c.Days)),
		perSub, boolTrue(d), c.Projects, c.Projects, c.People, c.Workers)
	expenses := counter(c.Expenses) + fmt.Sprintf(`INSERT INTO expenses (project_id, expense_date, category, amount_minor, tax_minor, description, status, created_ms, updated_ms)
		SELECT %d + (i %% %d), %s, CASE i %% 4 WHEN 0 THEN 'travel' WHEN 1 THEN 'outsourcing' WHEN 2 THEN 'software_hardware' ELSE 'other' END, 10000 + (i %% 997) * 100, 600, '基准费用', 'approved', 0, 0 FROM n`,
		p0, c.Projects, dateExpr(d.Dialect(), c.FirstDay, fmt.Sprintf("(i / %d) %% %d", c.Projects, c.Days)))
	if _, err := d.Exec(ctx, workers); err != nil {
		return f, fmt.Errorf("fintest workers: %w", err)
	}
	if err := d.QueryRow(ctx, `SELECT MIN(id) FROM workers`).Scan(&w0); err != nil {
		return f, err
	}
	labor = strings.NewReplacer("{w0}", fmt.Sprint(w0), "{s0}", fmt.Sprint(s0)).Replace(labor)
	for _, s := range []string{labor, expenses} {
		if c.Records == 0 && s == labor || c.Expenses == 0 && s == expenses {
			continue
		}
		if _, err := d.Exec(ctx, s); err != nil {
			return f, fmt.Errorf("fintest: %w", err)
		}
	}
	if _, err := d.Exec(ctx, `ANALYZE`); err != nil {
		return f, err
	}
	f.Took = time.Since(start)
	return f, nil
}

func boolTrue(d *db.DB) string {
	if d.Dialect() == db.Postgres {
		return "TRUE"
	}
	return "1"
}
