package costcentre

import (
	"context"
	"sort"
	"strings"

	"golive/internal/calendar"
	"golive/internal/costcentre/evm"
	"golive/internal/db"
)

// The portfolio's figures for many projects at once: a handful of queries
// whatever the number of projects (docs/benchmarks.md). They read the
// finance and funds modules' tables directly (labor_records, expenses,
// budget_versions/lines, rate_cards, trade_rates, fund_contracts) and
// must agree to the fen with those modules' own per-project readers;
// TestPortfolioAgreesWithDashboard checks that they do.

// Pricer prices one labor record with the rate valid on its day, exactly
// as the finance module does (finance.Rates.Cost).
type Pricer func(day string, userID, workerID int64, role, trade, unit string, qtyCenti int64) int64

// bulkActuals returns approved cost up to and including to (YYYY-MM-DD),
// per project.
//
// Labor is priced per record and rounded per record by the finance
// module. To avoid a million rows in Go, records are grouped so that
// every record of a group has the same price: same person, role, trade,
// unit and quantity, and the same rate period (between two consecutive
// valid-from dates of any rate). A group's cost is then its count × the
// price of one record, exactly what pricing each record would give.
func (s *Service) bulkActuals(ctx context.Context, ids []int64, to string) (map[int64]int64, error) {
	out := make(map[int64]int64, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, inArgs := db.In(ids)
	// Expenses: a plain sum.
	rows, err := s.db.Query(ctx, `SELECT project_id, SUM(amount_minor) FROM expenses
		WHERE project_id IN (`+in+`) AND status = 'approved' AND deleted_ms IS NULL AND expense_date <= ? GROUP BY project_id`, append(inArgs, to)...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, sum int64
		if err := rows.Scan(&id, &sum); err != nil {
			rows.Close()
			return nil, err
		}
		out[id] += sum
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if s.src.Pricer == nil {
		return out, nil
	}
	price, err := s.src.Pricer(ctx)
	if err != nil {
		return nil, err
	}
	// Rate periods: every valid-from date of any rate starts one.
	var starts []string
	rows, err = s.db.Query(ctx, `SELECT valid_from_date FROM rate_cards WHERE deleted_ms IS NULL
		UNION SELECT valid_from_date FROM trade_rates WHERE deleted_ms IS NULL`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			rows.Close()
			return nil, err
		}
		if _, err := calendar.Parse(d); err == nil {
			starts = append(starts, d)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.Strings(starts)
	// Whole months before to's month come from the monthly counts
	// (costcentre_labor_months), unless a rate starts inside the month;
	// to's month and such straddled months are read record by record,
	// grouped by rate period.
	toMonth := to[:7]
	straddled := map[string]bool{}
	for _, d := range starts {
		if d[8:] != "01" && d[:7] < toMonth {
			straddled[d[:7]] = true
		}
	}
	var skip []string
	for m := range straddled {
		skip = append(skip, m)
	}
	sort.Strings(skip)
	add := func(q string, args []any, monthly bool) error {
		rows, err := s.db.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, uid, wid, qty, n int64
			var role, trade, unit, day string
			if err := rows.Scan(&id, &uid, &wid, &role, &trade, &unit, &qty, &n, &day); err != nil {
				return err
			}
			if monthly {
				day += "-01" // no rate starts inside the month: any day prices it
			}
			out[id] += n * price(day, uid, wid, role, trade, unit, qty)
		}
		return rows.Err()
	}
	const people = `
		LEFT JOIN users u ON u.id = g.uid
		LEFT JOIN project_members pm ON pm.project_id = g.project_id AND pm.user_id = g.uid AND pm.deleted_ms IS NULL`
	// period k holds dates in [starts[k-1], starts[k]); period 0 is before any rate.
	periodOf := func(col string) (string, []any) {
		if len(starts) == 0 {
			return "0", nil
		}
		var b strings.Builder
		var pargs []any
		b.WriteString("CASE")
		for i, d := range starts {
			b.WriteString(" WHEN " + col + " < ? THEN " + itoa(int64(i)))
			pargs = append(pargs, d)
		}
		b.WriteString(" ELSE " + itoa(int64(len(starts))) + " END")
		return b.String(), pargs
	}
	// Months of one rate period are summed in SQL: a month's first day
	// stands for the month (no rate starts inside it).
	mperiod, margs := periodOf("month || '-01'")
	margs = append(margs, inArgs...)
	margs = append(margs, toMonth)
	notIn := ""
	if len(skip) > 0 {
		sin, sargs := db.In(skip)
		notIn = ` AND month NOT IN (` + sin + `)`
		margs = append(margs, sargs...)
	}
	if err := add(`SELECT g.project_id, g.uid, g.worker_id, COALESCE(pm.role, u.role, ''), g.trade, g.unit, g.qty_centi, g.n, g.month
		FROM (SELECT project_id, user_id AS uid, worker_id, trade, unit, qty_centi, `+mperiod+` AS period, SUM(n) AS n, MIN(month) AS month
			FROM costcentre_labor_months
			WHERE project_id IN (`+in+`) AND n > 0 AND month < ?`+notIn+`
			GROUP BY project_id, user_id, worker_id, trade, unit, qty_centi, period) g`+people, margs, true); err != nil {
		return nil, err
	}
	// Record by record: to's month, and the straddled months.
	ranges := []string{`(l.work_date >= ? AND l.work_date <= ?)`}
	rargs := []any{toMonth + "-01", to}
	for _, m := range skip {
		ranges = append(ranges, `(l.work_date >= ? AND l.work_date <= ?)`)
		rargs = append(rargs, m+"-01", m+"-31")
	}
	period, pargs := periodOf("l.work_date")
	args := append(pargs, inArgs...)
	args = append(args, rargs...)
	if err := add(`SELECT g.project_id, g.uid, g.wid, COALESCE(pm.role, u.role, ''), g.trade, g.unit, g.qty_centi, g.n, g.day
		FROM (SELECT l.project_id, COALESCE(l.user_id, 0) AS uid, COALESCE(l.worker_id, 0) AS wid, l.trade, l.unit, l.qty_centi,
				`+period+` AS period, COUNT(*) AS n, MIN(l.work_date) AS day
			FROM labor_records l
			WHERE l.project_id IN (`+in+`) AND l.status = 'approved' AND l.deleted_ms IS NULL AND (`+strings.Join(ranges, " OR ")+`)
			GROUP BY l.project_id, COALESCE(l.user_id, 0), COALESCE(l.worker_id, 0), l.trade, l.unit, l.qty_centi, period) g`+people, args, false); err != nil {
		return nil, err
	}
	return out, nil
}

// bulkBudgets returns the BAC of each project with an approved budget
// (the lines of its latest approved version).
func (s *Service) bulkBudgets(ctx context.Context, ids []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	in, args := db.In(ids)
	rows, err := s.db.Query(ctx, `SELECT v.project_id, COALESCE(SUM(l.amount_minor), 0) FROM budget_versions v
		LEFT JOIN budget_lines l ON l.budget_version_id = v.id
		WHERE v.project_id IN (`+in+`) AND v.status = 'approved'
		AND v.seq = (SELECT MAX(v2.seq) FROM budget_versions v2 WHERE v2.project_id = v.project_id AND v2.status = 'approved')
		GROUP BY v.project_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, sum int64
		if err := rows.Scan(&id, &sum); err != nil {
			return nil, err
		}
		out[id] = sum
	}
	return out, rows.Err()
}

// bulkContracts returns each project's contract value before tax, in the
// currency of its first live contract (as funds.ContractValue counts it).
func (s *Service) bulkContracts(ctx context.Context, ids []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	in, args := db.In(ids)
	rows, err := s.db.Query(ctx, `SELECT project_id, currency, amount_minor FROM fund_contracts
		WHERE project_id IN (`+in+`) AND deleted_ms IS NULL ORDER BY project_id, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	first := map[int64]string{}
	for rows.Next() {
		var id, amt int64
		var cur string
		if err := rows.Scan(&id, &cur, &amt); err != nil {
			return nil, err
		}
		if c, ok := first[id]; !ok {
			first[id] = cur
		} else if c != cur {
			continue
		}
		out[id] += amt
	}
	return out, rows.Err()
}

// bulkPlanTasks reads the leaf tasks of many projects' latest baselines
// (or current plans) in two queries, with planTasks' rules.
func bulkPlanTasks(ctx context.Context, q db.Q, ids []int64) (map[int64][]evm.Task, error) {
	in, args := db.In(ids)
	baseline := map[int64]int64{}
	rows, err := q.Query(ctx, `SELECT b.project_id, b.id FROM baselines b WHERE b.project_id IN (`+in+`) AND b.deleted_ms IS NULL
		ORDER BY b.project_id, b.created_ms, b.id`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var p, id int64
		if err := rows.Scan(&p, &id); err != nil {
			rows.Close()
			return nil, err
		}
		baseline[p] = id // the last one wins: the latest
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT t.project_id, t.id, COALESCE(t.parent_id, 0), t.start_date, t.due_date, bt.baseline_id, bt.start_date, bt.due_date,
		t.milestone, t.estimate_min, t.progress, COALESCE(ws.category, t.status), COALESCE(t.done_ms, 0)
		FROM tasks t
		LEFT JOIN baseline_tasks bt ON bt.task_id = t.id
		LEFT JOIN workflow_statuses ws ON ws.project_id = t.project_id AND ws.key = t.status
		WHERE t.project_id IN (`+in+`) AND t.deleted_ms IS NULL`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []taskRow
	for rows.Next() {
		var r taskRow
		var start, due, bStart, bDue nullString
		var bid nullInt
		if err := rows.Scan(&r.project, &r.t.ID, &r.parent, &start, &due, &bid, &bStart, &bDue, &r.milestone, &r.t.EstimateMin, &r.t.Progress, &r.cat, &r.doneMS); err != nil {
			return nil, err
		}
		want := baseline[r.project]
		switch {
		case want == 0:
		case bid.Valid && bid.Int64 == want:
			start, due = bStart, bDue
		default:
			continue // not in this project's latest baseline (or another baseline's row)
		}
		r.setDates(start, due)
		all = append(all, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// A task in several baselines comes once per baseline: keep the row of
	// the latest, and without a baseline the single row of the task.
	seen := map[int64]bool{}
	uniq := all[:0]
	for _, r := range all {
		if seen[r.t.ID] {
			continue
		}
		seen[r.t.ID] = true
		uniq = append(uniq, r)
	}
	return leaves(uniq), nil
}
