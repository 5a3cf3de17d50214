package demo

import (
	"context"
	"fmt"
	"time"

	"golive/internal/app"
	"golive/internal/calendar"
	"golive/internal/db"
)

// LoadCostCentre gives the first demo project what its cost centre needs
// to show moving figures, where the finance and fund modules' own demo
// data have not already provided them: an approved budget by category
// (the charter's budget less a 10 % contingency), a month of approved
// labor by the vendor team up to today with a rate card per person,
// travel expenses close to their budget (so the 80 % alert shows), and a
// contract. Then it checks every project's alerts once, so the overview
// and the notifications show them. Call it last.
func LoadCostCentre(ctx context.Context, a *app.App, projectIDs []int64) error {
	if len(projectIDs) == 0 {
		return nil
	}
	id := projectIDs[0]
	err := a.DB.Tx(ctx, func(tx *db.Tx) error {
		count := func(q string) (int, error) {
			var n int
			err := tx.QueryRow(ctx, q, id).Scan(&n)
			return n, err
		}
		now := db.Now()
		var charter, customer int64
		var code string
		if err := tx.QueryRow(ctx, `SELECT budget_minor, customer_company_id, code FROM projects WHERE id = ?`, id).Scan(&charter, &customer, &code); err != nil {
			return err
		}
		if charter <= 0 {
			charter = 180_000_000 // ¥1,800,000.00
		}
		base := charter * 10 / 11 // 10 % contingency on top
		travel := base * 5 / 100
		if n, err := count(`SELECT COUNT(*) FROM budget_versions WHERE project_id = ?`); err != nil {
			return err
		} else if n == 0 {
			var v int64
			if err := tx.QueryRow(ctx, `INSERT INTO budget_versions (project_id, seq, kind, reason, status, contingency_pct, created_ms, updated_ms, decided_ms)
				VALUES (?, 1, 'original', '合同签订后的原始预算', 'approved', 10, ?, ?, ?) RETURNING id`, id, now, now, now).Scan(&v); err != nil {
				return err
			}
			for _, l := range []struct {
				cat string
				amt int64
			}{{"labor", base * 70 / 100}, {"travel", travel}, {"outsourcing", base * 15 / 100}, {"software_hardware", base * 8 / 100}, {"other", base - base*70/100 - travel - base*15/100 - base*8/100}} {
				if _, err := tx.Exec(ctx, `INSERT INTO budget_lines (budget_version_id, category, amount_minor) VALUES (?, ?, ?)`, v, l.cat, l.amt); err != nil {
					return err
				}
			}
		}
		if n, err := count(`SELECT COUNT(*) FROM labor_records WHERE project_id = ?`); err != nil {
			return err
		} else if n == 0 {
			rows, err := tx.Query(ctx, `SELECT m.user_id, m.role FROM project_members m JOIN users u ON u.id = m.user_id
				WHERE m.project_id = ? AND m.deleted_ms IS NULL AND m.role IN ('pm', 'consultant', 'developer') ORDER BY m.id`, id)
			if err != nil {
				return err
			}
			type person struct {
				id   int64
				role string
			}
			var people []person
			for rows.Next() {
				var p person
				if err := rows.Scan(&p.id, &p.role); err != nil {
					rows.Close()
					return err
				}
				people = append(people, p)
			}
			rows.Close()
			cal, err := calendar.Load(ctx, tx, id)
			if err != nil {
				return err
			}
			today := calendar.Of(time.Now().In(time.FixedZone("CST", 8*3600)))
			rate := map[string]int64{"pm": 25000, "consultant": 18000, "developer": 15000}
			for i, p := range people {
				if _, err := tx.Exec(ctx, `INSERT INTO rate_cards (user_id, cost_hour_minor, bill_hour_minor, valid_from_date, note, created_ms)
					SELECT ?, ?, ?, '2025-01-01', '演示费率', ? WHERE NOT EXISTS (SELECT 1 FROM rate_cards WHERE user_id = ? AND deleted_ms IS NULL)`,
					p.id, rate[p.role], rate[p.role]*2, now, p.id); err != nil {
					return err
				}
				for d := today.AddDays(-30); d <= today; d++ {
					if !cal.IsWorkday(d) {
						continue
					}
					h := []int64{800, 800, 750, 800, 600}[(int(d)+i)%5]
					if _, err := tx.Exec(ctx, `INSERT INTO labor_records (project_id, work_date, user_id, unit, qty_centi, hours_centi, onsite, description, status, locked, decided_ms, created_ms, updated_ms)
						VALUES (?, ?, ?, 'hour', ?, ?, ?, '现场实施', 'approved', ?, ?, ?, ?)`, id, d.String(), p.id, h, h, i%2 == 0, true, now, now, now); err != nil {
						return err
					}
				}
			}
		}
		if n, err := count(`SELECT COUNT(*) FROM expenses WHERE project_id = ?`); err != nil {
			return err
		} else if n == 0 {
			today := time.Now()
			for i, x := range []struct {
				cat, payee, desc string
				share            int64 // of the travel budget, %
				days             int
			}{{"travel", "国航", "上海—苏州项目现场往返机票", 30, 25}, {"travel", "苏州园区酒店", "现场驻场住宿（两周）", 38, 12}, {"travel", "滴滴出行", "现场交通", 14, 3}, {"software_hardware", "华为", "测试环境服务器", 0, 20}} {
				amt := travel * x.share / 100
				if x.cat != "travel" {
					amt = base * 6 / 100
				}
				if _, err := tx.Exec(ctx, `INSERT INTO expenses (project_id, expense_date, category, amount_minor, tax_minor, payee, description, status, decided_ms, created_ms, updated_ms)
					VALUES (?, ?, ?, ?, ?, ?, ?, 'approved', ?, ?, ?)`, id, today.AddDate(0, 0, -x.days-i).Format("2006-01-02"), x.cat, amt, amt*6/100, x.payee, x.desc, now, now, now); err != nil {
					return err
				}
			}
		}
		if n, err := count(`SELECT COUNT(*) FROM fund_contracts WHERE project_id = ?`); err != nil {
			return err
		} else if n == 0 {
			amount := charter * 13 / 10
			if _, err := tx.Exec(ctx, `INSERT INTO fund_contracts (project_id, number, title, customer_company_id, amount_minor, tax_rate_bp, tax_minor, signed_date, created_ms, updated_ms)
				VALUES (?, ?, '实施服务合同', ?, ?, 600, ?, ?, ?, ?)`, id, "HT-"+code, customer, amount, amount*6/100, time.Now().AddDate(0, -2, 0).Format("2006-01-02"), now, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("cost centre of project %d: %w", id, err)
	}
	// Whoever seeded the costs, travel stands at 85 % of its budget on the
	// first project, so its overview shows a cost alert.
	pm, err := projectPM(ctx, a, id)
	if err != nil {
		return err
	}
	dash, err := a.CostCentre.Dashboard(ctx, pm, id)
	if err != nil {
		return err
	}
	for _, l := range dash.Categories {
		if l.Key != "travel" || l.BudgetMinor <= 0 {
			continue
		}
		if more := l.BudgetMinor*85/100 - l.ActualMinor; more > 0 {
			now := db.Now()
			if _, err := a.DB.Exec(ctx, `INSERT INTO expenses (project_id, expense_date, category, amount_minor, tax_minor, payee, description, status, decided_ms, created_ms, updated_ms)
				VALUES (?, ?, 'travel', ?, ?, '苏州园区酒店', '上线前集中驻场住宿', 'approved', ?, ?, ?)`, id, time.Now().AddDate(0, 0, -2).Format("2006-01-02"), more, more*6/106, now, now, now); err != nil {
				return err
			}
		}
	}
	for _, pid := range projectIDs {
		if _, err := a.CostCentre.CheckAlerts(ctx, pid); err != nil {
			return fmt.Errorf("cost alerts of project %d: %w", pid, err)
		}
	}
	return nil
}
