package costcentre

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/notify"
)

// Settings are a project's alert thresholds.
type Settings struct {
	CPIThresholdPct int   `json:"cpi_threshold_pct"` // alert when CPI < this / 100 (default 90)
	AheadPoints     int   `json:"ahead_points"`      // alert when % spent − % complete exceeds this (default 10)
	Version         int64 `json:"version"`           // 0 until first saved
}

// SettingsInput changes the thresholds; Version is the one the editor saw.
type SettingsInput struct {
	CPIThresholdPct int   `json:"cpi_threshold_pct"`
	AheadPoints     int   `json:"ahead_points"`
	Version         int64 `json:"version"`
}

// Validate checks the ranges.
func (in *SettingsInput) Validate() error {
	if in.CPIThresholdPct < 50 || in.CPIThresholdPct > 100 {
		return apperr.InvalidField("cpi_threshold_pct", "costcentre.err.cpi_threshold", 50, 100)
	}
	if in.AheadPoints < 1 || in.AheadPoints > 50 {
		return apperr.InvalidField("ahead_points", "costcentre.err.ahead_points", 1, 50)
	}
	return nil
}

func readSettings(ctx context.Context, q db.Q, projectID int64) (Settings, error) {
	st := Settings{CPIThresholdPct: 90, AheadPoints: 10}
	err := q.QueryRow(ctx, `SELECT cpi_threshold_pct, ahead_points, version FROM costcentre_settings WHERE project_id = ?`, projectID).
		Scan(&st.CPIThresholdPct, &st.AheadPoints, &st.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	return st, err
}

// SaveSettings changes a project's thresholds (CostSettings: the PM).
func (s *Service) SaveSettings(ctx context.Context, p *access.Principal, projectID int64, in SettingsInput) (Settings, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return Settings{}, err
	}
	if !p.Can(m, access.CostView) {
		return Settings{}, apperr.New(apperr.Forbidden, "costcentre.forbidden")
	}
	if !p.Can(m, access.CostSettings) {
		return Settings{}, apperr.New(apperr.Forbidden, "costcentre.forbidden")
	}
	if err := in.Validate(); err != nil {
		return Settings{}, err
	}
	var out Settings
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		old, err := readSettings(ctx, tx, projectID)
		if err != nil {
			return err
		}
		if old.Version != in.Version {
			return apperr.New(apperr.Conflict, "costcentre.err.stale")
		}
		now := db.Now()
		if old.Version == 0 {
			_, err = tx.Exec(ctx, `INSERT INTO costcentre_settings (project_id, cpi_threshold_pct, ahead_points, version, updated_by, updated_ms) VALUES (?, ?, ?, 1, ?, ?)`,
				projectID, in.CPIThresholdPct, in.AheadPoints, p.UserID, now)
		} else {
			var res sql.Result
			res, err = tx.Exec(ctx, `UPDATE costcentre_settings SET cpi_threshold_pct = ?, ahead_points = ?, version = version + 1, updated_by = ?, updated_ms = ? WHERE project_id = ? AND version = ?`,
				in.CPIThresholdPct, in.AheadPoints, p.UserID, now, projectID, in.Version)
			if err == nil {
				if n, _ := res.RowsAffected(); n == 0 {
					return apperr.New(apperr.Conflict, "costcentre.err.stale")
				}
			}
		}
		if err != nil {
			if db.IsUnique(err) {
				return apperr.New(apperr.Conflict, "costcentre.err.stale")
			}
			return err
		}
		out = Settings{CPIThresholdPct: in.CPIThresholdPct, AheadPoints: in.AheadPoints, Version: in.Version + 1}
		var name string // the audit log shows the project's name, in no language
		if err := tx.QueryRow(ctx, `SELECT name FROM projects WHERE id = ?`, projectID).Scan(&name); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "costcentre_settings", EntityID: projectID,
			Action: "update", Summary: name, Before: old, After: out, Internal: true})
	})
	return out, err
}

// Alert is one overrun condition holding now.
type Alert struct {
	Key    string   `json:"key"`   // cat:<category>:80, cat:<category>:100, cpi, ahead
	Level  string   `json:"level"` // red, amber
	Msg    string   `json:"msg"`   // catalog key
	Params []string `json:"params"`
}

func pct(r float64) string { return strconv.FormatFloat(r*100, 'f', 0, 64) + "%" }

// Evaluate lists the alerts a dashboard's figures raise. A category at or
// over 100 % raises both its 80 % and 100 % alerts (so that falling back
// under 100 % does not announce 80 % again).
func Evaluate(d Dashboard) []Alert {
	out := []Alert{}
	for _, l := range d.Categories {
		if l.BudgetMinor <= 0 || !l.Used.OK {
			continue
		}
		if l.Used.Value >= 0.8 {
			out = append(out, Alert{Key: "cat:" + l.Key + ":80", Level: "amber", Msg: "costcentre.alert.cat80", Params: []string{l.Key, pct(l.Used.Value)}})
		}
		if l.Used.Value >= 1 {
			out = append(out, Alert{Key: "cat:" + l.Key + ":100", Level: "red", Msg: "costcentre.alert.cat100", Params: []string{l.Key, pct(l.Used.Value)}})
		}
	}
	if c := d.Money.CPI; c.OK && d.Money.AC > 0 && c.Value*100 < float64(d.Settings.CPIThresholdPct) {
		out = append(out, Alert{Key: "cpi", Level: "red", Msg: "costcentre.alert.cpi",
			Params: []string{strconv.FormatFloat(c.Value, 'f', 2, 64), strconv.FormatFloat(float64(d.Settings.CPIThresholdPct)/100, 'f', 2, 64)}})
	}
	if bac := d.Money.BAC; bac > 0 {
		spent := float64(d.Money.AC) / float64(bac)
		done := float64(d.Money.EV) / float64(bac)
		if (spent-done)*100 > float64(d.Settings.AheadPoints) {
			out = append(out, Alert{Key: "ahead", Level: "amber", Msg: "costcentre.alert.ahead", Params: []string{pct(spent), pct(done)}})
		}
	}
	return out
}

// Visible drops the 80 % alert of a category that is over 100 %.
func Visible(as []Alert) []Alert {
	over := map[string]bool{}
	for _, a := range as {
		if strings.HasSuffix(a.Key, ":100") {
			over[strings.TrimSuffix(a.Key, ":100")] = true
		}
	}
	var out []Alert
	for _, a := range as {
		if strings.HasSuffix(a.Key, ":80") && over[strings.TrimSuffix(a.Key, ":80")] {
			continue
		}
		out = append(out, a)
	}
	return out
}

// CheckAlerts evaluates a project's alerts and records each crossing: an
// alert that starts to hold opens a row and notifies the project's PMs and
// finance members (never a customer) in the same transaction; one that
// stops holding is closed. Runs without a caller (after approvals and
// from the periodic check); returns the alerts newly raised.
func (s *Service) CheckAlerts(ctx context.Context, projectID int64) ([]Alert, error) {
	d, err := s.dashboard(ctx, projectID, s.today())
	if err != nil {
		return nil, err
	}
	var raised []Alert
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		raised = nil
		open := map[string]int64{}
		rows, err := tx.Query(ctx, `SELECT id, alert_key FROM costcentre_alerts WHERE project_id = ? AND cleared_ms IS NULL`, projectID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var k string
			if err := rows.Scan(&id, &k); err != nil {
				rows.Close()
				return err
			}
			open[k] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		now := db.Now()
		for _, a := range d.Alerts {
			if _, ok := open[a.Key]; ok {
				delete(open, a.Key)
				continue
			}
			detail := strings.Join(a.Params, "|")
			var id int64
			err := tx.QueryRow(ctx, `INSERT INTO costcentre_alerts (project_id, alert_key, detail, raised_ms) VALUES (?, ?, ?, ?)
				ON CONFLICT (project_id, alert_key) WHERE cleared_ms IS NULL DO NOTHING RETURNING id`, projectID, a.Key, detail, now).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				continue // another process raised it first
			}
			if err != nil {
				return err
			}
			raised = append(raised, a)
		}
		for _, id := range open {
			if _, err := tx.Exec(ctx, `UPDATE costcentre_alerts SET cleared_ms = ? WHERE id = ?`, now, id); err != nil {
				return err
			}
		}
		if len(raised) == 0 || s.notify == nil {
			return nil
		}
		to, err := costPeople(ctx, tx, projectID)
		if err != nil {
			return err
		}
		var notes []notify.Note
		for _, a := range Visible(raised) {
			for _, u := range to {
				notes = append(notes, notify.Note{UserID: u, ProjectID: projectID, Kind: "costcentre_alert", Key: noteKey(a),
					Params: a.Params, Link: fmt.Sprintf("/projects/%d/costcentre", projectID)})
			}
		}
		return s.notify.Add(ctx, tx, notes...)
	})
	return raised, err
}

// noteKey is the notification's catalog key: a known category has its
// own message, so the reader's language names it.
func noteKey(a Alert) string {
	if strings.HasPrefix(a.Key, "cat:") && len(a.Params) > 0 {
		for _, c := range Categories {
			if c == a.Params[0] {
				return a.Msg + "_" + c
			}
		}
	}
	return a.Msg
}

// costPeople are the live PM and finance members of a vendor account.
func costPeople(ctx context.Context, q db.Q, projectID int64) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT DISTINCT m.user_id FROM project_members m JOIN users u ON u.id = m.user_id
		WHERE m.project_id = ? AND m.deleted_ms IS NULL AND u.deleted_ms IS NULL AND m.role IN ('pm', 'finance')
		ORDER BY m.user_id`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// OpenAlerts lists the alerts recorded as holding (the overview panel),
// for CostView callers; others get none.
func (s *Service) OpenAlerts(ctx context.Context, p *access.Principal, projectID int64) ([]Alert, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil || !p.Can(m, access.CostView) {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT alert_key, detail FROM costcentre_alerts WHERE project_id = ? AND cleared_ms IS NULL ORDER BY id`, projectID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	var out []Alert
	for rows.Next() {
		var a Alert
		var detail string
		if err := rows.Scan(&a.Key, &detail); err != nil {
			return nil, apperr.Wrap(err)
		}
		a.Params = strings.Split(detail, "|")
		switch {
		case strings.HasSuffix(a.Key, ":100"):
			a.Level, a.Msg = "red", "costcentre.alert.cat100"
		case strings.HasSuffix(a.Key, ":80"):
			a.Level, a.Msg = "amber", "costcentre.alert.cat80"
		case a.Key == "cpi":
			a.Level, a.Msg = "red", "costcentre.alert.cpi"
		default:
			a.Level, a.Msg = "amber", "costcentre.alert.ahead"
		}
		out = append(out, a)
	}
	return Visible(out), rows.Err()
}

// RunAlerts checks every active project's alerts each interval until ctx
// ends (started by app.New). Approvals elsewhere may also call
// CheckAlerts at once; the open-row index keeps one announcement per
// crossing whichever process checks first.
func (s *Service) RunAlerts(ctx context.Context, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := s.CheckAll(ctx); err != nil && ctx.Err() == nil {
			log.Warn("cost alerts", "err", err)
		}
	}
}

// CheckAll runs CheckAlerts on every active project.
func (s *Service) CheckAll(ctx context.Context) error {
	rows, err := s.db.Query(ctx, `SELECT id FROM projects WHERE deleted_ms IS NULL AND status = 'active' ORDER BY id`)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if _, err := s.CheckAlerts(ctx, id); err != nil {
			return err
		}
	}
	return nil
}
