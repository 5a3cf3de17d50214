package change

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"golive/internal/apperr"
	"golive/internal/db"
)

const crCols = `c.id, c.project_id, c.number, c.title, c.description, c.reason, c.source, COALESCE(c.requested_by, 0), COALESCE(u.name, ''), c.urgency, c.standard,
	c.effort_tenths, c.schedule_days, c.end_before_date, c.end_after_date, c.cost_minor, c.status, c.board_json, c.decision_note, c.decided_by, c.decided_ms,
	c.baseline_id, c.created_ms, c.version`

const crFrom = ` FROM change_requests c LEFT JOIN users u ON u.id = c.requested_by`

func scanCR(r interface{ Scan(...any) error }) (CR, error) {
	var c CR
	var cost int64
	var board string
	err := r.Scan(&c.ID, &c.ProjectID, &c.Number, &c.Title, &c.Description, &c.Reason, &c.Source, &c.RequestedBy, &c.RequestedByName, &c.Urgency, &c.Standard,
		&c.EffortTenths, &c.ScheduleDays, &c.EndBefore, &c.EndAfter, &cost, &c.Status, &board, &c.DecisionNote, &c.DecidedBy, &c.DecidedMS,
		&c.BaselineID, &c.CreatedMS, &c.Version)
	if err != nil {
		return c, err
	}
	c.CostMinor = &cost
	c.Code = CodeOf(c.Number)
	_ = json.Unmarshal([]byte(board), &c.Board)
	if c.Board.Members == nil {
		c.Board.Members = []int64{}
	}
	return c, nil
}

// readCR reads one request of the project with its items, tasks and
// votes; lock takes the row lock on PostgreSQL so votes on one request
// are counted one after the other (SQLite's writer is already single).
func readCR(ctx context.Context, q db.Q, projectID, id int64, lock bool) (CR, error) {
	query := `SELECT ` + crCols + crFrom + ` WHERE c.id = ? AND c.project_id = ? AND c.deleted_ms IS NULL`
	if lock {
		if tx, ok := q.(*db.Tx); ok && tx.Dialect() == db.Postgres {
			query += ` FOR UPDATE OF c`
		}
	}
	c, err := scanCR(q.QueryRow(ctx, query, id, projectID))
	if errors.Is(err, sql.ErrNoRows) {
		return c, apperr.NotFoundErr()
	}
	if err != nil {
		return c, err
	}
	rows, err := q.Query(ctx, `SELECT target, op, target_id, label, payload_json, prev_status FROM cr_items WHERE cr_id = ? ORDER BY seq`, id)
	if err != nil {
		return c, err
	}
	c.Items = []Item{}
	for rows.Next() {
		var it Item
		var payload string
		if err := rows.Scan(&it.Target, &it.Op, &it.TargetID, &it.Number, &payload, &it.PrevStatus); err != nil {
			rows.Close()
			return c, err
		}
		var pv struct {
			Label  string `json:"label"`
			Values Values `json:"values"`
		}
		_ = json.Unmarshal([]byte(payload), &pv)
		it.Label, it.Values = pv.Label, pv.Values
		c.Items = append(c.Items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, err
	}
	c.TaskIDs = []int64{}
	rows, err = q.Query(ctx, `SELECT task_id FROM cr_tasks WHERE cr_id = ? ORDER BY task_id`, id)
	if err != nil {
		return c, err
	}
	for rows.Next() {
		var t int64
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return c, err
		}
		c.TaskIDs = append(c.TaskIDs, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, err
	}
	c.Votes, err = readVotes(ctx, q, id)
	return c, err
}

func readVotes(ctx context.Context, q db.Q, crID int64) ([]VoteRow, error) {
	rows, err := q.Query(ctx, `SELECT v.user_id, u.name, v.vote, v.comment, v.created_ms FROM cr_votes v JOIN users u ON u.id = v.user_id WHERE v.cr_id = ? ORDER BY v.id`, crID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []VoteRow{}
	for rows.Next() {
		var v VoteRow
		if err := rows.Scan(&v.UserID, &v.Name, &v.Vote, &v.Comment, &v.CreatedMS); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func ballots(vs []VoteRow) []Ballot {
	out := make([]Ballot, len(vs))
	for i, v := range vs {
		out[i] = Ballot{UserID: v.UserID, Vote: v.Vote}
	}
	return out
}

// logTx archives an event in the project's change log.
func logTx(ctx context.Context, tx *db.Tx, projectID int64, crID, baselineID *int64, event, summary string, actor int64) error {
	var a any
	if actor != 0 {
		a = actor
	}
	_, err := tx.Exec(ctx, `INSERT INTO change_log (project_id, cr_id, baseline_id, event, summary, actor_id, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		projectID, crID, baselineID, event, summary, a, db.Now())
	return err
}

func ptr[T any](v T) *T { return &v }
