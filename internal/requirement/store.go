package requirement

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"golive/internal/apperr"
	"golive/internal/db"
	"golive/internal/project"
)

const reqCols = `id, project_id, number, title, description, module, source_kind, source_id, source_ref, source_url, raised_by,
	acceptance, priority, value_score, effort_score, status, customer_visible, rank, created_by, created_ms, updated_ms, deleted_ms, version`

type rowScanner interface{ Scan(dest ...any) error }

func scanReq(r rowScanner) (Requirement, error) {
	var q Requirement
	err := r.Scan(&q.ID, &q.ProjectID, &q.Number, &q.Title, &q.Description, &q.Module, &q.SourceKind, &q.SourceID, &q.SourceRef, &q.SourceURL,
		&q.RaisedBy, &q.Acceptance, &q.Priority, &q.Value, &q.Effort, &q.Status, &q.CustomerVisible, &q.Rank, &q.CreatedBy, &q.CreatedMS,
		&q.UpdatedMS, &q.DeletedMS, &q.Version)
	q.Functions = []FunctionRef{}
	return q, err
}

// loadReq reads a live requirement of the project; internal ones are not
// found for callers who may not see them.
func loadReq(ctx context.Context, q db.Q, projectID, id int64, internal bool) (Requirement, error) {
	query := `SELECT ` + reqCols + ` FROM requirements WHERE id = ? AND project_id = ? AND deleted_ms IS NULL`
	if !internal {
		query += ` AND customer_visible = ?`
	}
	args := []any{id, projectID}
	if !internal {
		args = append(args, true)
	}
	r, err := scanReq(q.QueryRow(ctx, query, args...))
	if err != nil {
		return r, db.NotFound(err)
	}
	return r, nil
}

func queryReqs(ctx context.Context, q db.Q, query string, args ...any) ([]Requirement, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Requirement{}
	for rows.Next() {
		r, err := scanReq(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// attachFunctions fills Functions of each requirement.
func attachFunctions(ctx context.Context, q db.Q, projectID int64, rs []Requirement) error {
	if len(rs) == 0 {
		return nil
	}
	idx := map[int64]int{}
	for i := range rs {
		idx[rs[i].ID] = i
	}
	rows, err := q.Query(ctx, `SELECT rf.requirement_id, f.id, f.number, f.title, f.type FROM req_functions rf
		JOIN functions f ON f.id = rf.function_id AND f.deleted_ms IS NULL
		WHERE rf.project_id = ? ORDER BY f.number`, projectID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var rid int64
		var f FunctionRef
		if err := rows.Scan(&rid, &f.ID, &f.Number, &f.Title, &f.Type); err != nil {
			return err
		}
		if i, ok := idx[rid]; ok {
			rs[i].Functions = append(rs[i].Functions, f)
		}
	}
	return rows.Err()
}

// writable refuses changes to an archived (or deleted) project; on
// PostgreSQL it locks the project row against a concurrent archive.
func writable(ctx context.Context, tx *db.Tx, projectID int64) error {
	query := `SELECT status FROM projects WHERE id = ? AND deleted_ms IS NULL`
	if tx.Dialect() == db.Postgres {
		query += ` FOR NO KEY UPDATE`
	}
	var st string
	err := tx.QueryRow(ctx, query, projectID).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFoundErr()
	}
	if err != nil {
		return err
	}
	if st == project.StatusArchived {
		return apperr.New(apperr.Conflict, "project.archived_readonly")
	}
	return nil
}

// nextNumber returns the number for a new row of table (requirements or
// functions): max over every row ever written + 1, so none is reused.
func nextNumber(ctx context.Context, tx *db.Tx, table string, projectID int64) (int64, error) {
	var n int64
	err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(number), 0) + 1 FROM `+table+` WHERE project_id = ?`, projectID).Scan(&n)
	return n, err
}

// numberTaken reports whether a number was ever used in the project.
func numberTaken(ctx context.Context, tx *db.Tx, table string, projectID, n int64) (bool, error) {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM `+table+` WHERE project_id = ? AND number = ?`, projectID, n).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

func endOfColumn(ctx context.Context, tx *db.Tx, projectID int64, priority string) (float64, error) {
	var max *float64
	if err := tx.QueryRow(ctx, `SELECT MAX(rank) FROM requirements WHERE project_id = ? AND priority = ? AND deleted_ms IS NULL`, projectID, priority).Scan(&max); err != nil {
		return 0, err
	}
	if max == nil {
		return rankStep, nil
	}
	return *max + rankStep, nil
}

const rankStep = 1024.0

// likeEscape escapes % and _ for a LIKE pattern with ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
