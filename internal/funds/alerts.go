package funds

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/db"
	"golive/internal/notify"
)

// SendOverdueAlerts notifies the PM and finance members of every project
// with payment milestones overdue as of day (YYYY-MM-DD; "" = today), at
// most once per milestone per day however often it runs (fund_alerts is
// the log). projectID 0 means every project. It returns the number of
// milestones alerted now.
func (s *Service) SendOverdueAlerts(ctx context.Context, projectID int64, day string) (int, error) {
	if day == "" {
		day = Today()
	}
	where, args := `1=1`, []any{}
	if projectID != 0 {
		where, args = `fm.project_id = ?`, []any{projectID}
	}
	// Only projects that are live.
	where += ` AND fm.project_id IN (SELECT id FROM projects WHERE deleted_ms IS NULL AND archived_ms IS NULL)`
	ms, err := queryMilestones(ctx, s.db, where, args, day)
	if err != nil {
		return 0, apperr.Wrap(err)
	}
	sent := 0
	for _, m := range ms {
		if !m.Overdue() {
			continue
		}
		err := s.db.Tx(ctx, func(tx *db.Tx) error {
			res, err := tx.Exec(ctx, `INSERT INTO fund_alerts (milestone_id, alert_date, created_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, m.ID, day, db.Now())
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil // already alerted today
			}
			var number string
			if err := tx.QueryRow(ctx, `SELECT number FROM fund_contracts WHERE id = ?`, m.ContractID).Scan(&number); err != nil {
				return err
			}
			rows, err := tx.Query(ctx, `SELECT user_id FROM project_members WHERE project_id = ? AND deleted_ms IS NULL AND role IN (?, ?)`,
				m.ProjectID, string(access.RolePM), string(access.RoleFinance))
			if err != nil {
				return err
			}
			var users []int64
			for rows.Next() {
				var u int64
				if err := rows.Scan(&u); err != nil {
					rows.Close()
					return err
				}
				users = append(users, u)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			sent++
			if s.notify == nil {
				return nil
			}
			notes := make([]notify.Note, 0, len(users))
			for _, u := range users {
				notes = append(notes, notify.Note{UserID: u, ProjectID: m.ProjectID, Kind: "payment_overdue", Key: "funds.note_overdue",
					Params: []string{number, m.Name, fen(m.OutstandingMinor), strconv.Itoa(m.DaysOverdue)},
					Link:   "/projects/" + strconv.FormatInt(m.ProjectID, 10) + "/funds"})
			}
			return s.notify.Add(ctx, tx, notes...)
		})
		if err != nil {
			return sent, apperr.Wrap(err)
		}
	}
	return sent, nil
}

// AlertNow sends a project's overdue alerts on demand (the button on the
// fund page); idempotent per milestone per day like the daily run.
func (s *Service) AlertNow(ctx context.Context, p *access.Principal, projectID int64) (int, error) {
	if _, _, err := s.can(ctx, p, projectID, true); err != nil {
		return 0, err
	}
	return s.SendOverdueAlerts(ctx, projectID, "")
}

// RunDaily sends overdue alerts shortly after start and then every hour
// until ctx ends; the per-day log makes that once a day per milestone, and
// several processes running it at once still notify once.
func (s *Service) RunDaily(ctx context.Context, log *slog.Logger) {
	t := time.NewTimer(30 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if n, err := s.SendOverdueAlerts(ctx, 0, ""); err != nil {
			if ctx.Err() == nil {
				log.Error("funds: overdue alerts", "err", err)
			}
		} else if n > 0 {
			log.Info("funds: overdue alerts sent", "milestones", n)
		}
		t.Reset(time.Hour)
	}
}
