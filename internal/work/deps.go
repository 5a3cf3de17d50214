package work

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/schedule"
)

// findCycle reports whether adding pred → succ to edges closes a cycle,
// and if so the tasks of that cycle in order: pred → succ → … → pred.
func findCycle(edges []depEdge, pred, succ int64) ([]int64, bool) {
	deps := make([]schedule.Dep, len(edges))
	for i, e := range edges {
		deps[i] = schedule.Dep{Pred: e.pred, Succ: e.succ}
	}
	cyc, ok := schedule.WouldCycle(deps, schedule.Dep{Pred: pred, Succ: succ})
	if ok && len(cyc) > 0 && cyc[len(cyc)-1] != pred {
		cyc = append(cyc, pred) // close the circle for the message
	}
	return cyc, ok
}

const depCols = `d.id, d.project_id, d.pred_id, d.succ_id, a.number, b.number, a.title, b.title, d.type, d.lag_days, d.created_ms, a.customer_visible, b.customer_visible`

func scanDep(r interface{ Scan(...any) error }) (Dependency, error) {
	var d Dependency
	err := r.Scan(&d.ID, &d.ProjectID, &d.PredID, &d.SuccID, &d.PredNumber, &d.SuccNumber, &d.PredTitle, &d.SuccTitle, &d.Type, &d.LagDays, &d.CreatedMS, &d.predVisible, &d.succVisible)
	return d, err
}

// Dependencies lists the project's dependencies between live tasks the
// caller sees (both ends); with taskID, only those touching that task.
func (s *Service) Dependencies(ctx context.Context, p *access.Principal, projectID, taskID int64) ([]Dependency, error) {
	_, internal, err := s.access(ctx, p, projectID)
	if err != nil {
		return nil, err
	}
	query := `SELECT ` + depCols + ` FROM task_deps d JOIN tasks a ON a.id = d.pred_id JOIN tasks b ON b.id = d.succ_id
		WHERE d.project_id = ? AND a.deleted_ms IS NULL AND b.deleted_ms IS NULL`
	args := []any{projectID}
	if !internal {
		query += ` AND a.customer_visible = ? AND b.customer_visible = ?`
		args = append(args, true, true)
	}
	if taskID != 0 {
		query += ` AND (d.pred_id = ? OR d.succ_id = ?)`
		args = append(args, taskID, taskID)
	}
	rows, err := s.db.Query(ctx, query+` ORDER BY a.number, b.number`, args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []Dependency{}
	for rows.Next() {
		d, err := scanDep(rows)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		out = append(out, d)
	}
	return out, apperr.Wrap(rows.Err())
}

// AddDependency links two live tasks of the project. A link that would
// close a cycle is refused with the cycle spelled out: "#3 A → #5 B → #3 A".
func (s *Service) AddDependency(ctx context.Context, p *access.Principal, projectID int64, in DepInput) (Dependency, error) {
	if _, _, err := s.can(ctx, p, projectID, access.TaskEdit); err != nil {
		return Dependency{}, err
	}
	if err := in.Validate(); err != nil {
		return Dependency{}, err
	}
	var out Dependency
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID, false); err != nil {
			return err
		}
		titles := map[int64]string{}
		var f apperr.Fields
		for _, end := range []struct {
			field string
			id    int64
		}{{"pred_id", in.PredID}, {"succ_id", in.SuccID}} {
			var n int64
			var title string
			err := tx.QueryRow(ctx, `SELECT number, title FROM tasks WHERE id = ? AND project_id = ? AND deleted_ms IS NULL`, end.id, projectID).Scan(&n, &title)
			if errors.Is(err, sql.ErrNoRows) {
				f.Add(end.field, "work.dep_other_project")
				continue
			}
			if err != nil {
				return err
			}
			titles[end.id] = "#" + strconv.FormatInt(n, 10) + " " + title
		}
		if err := f.Err(); err != nil {
			return err
		}
		edges, err := projectEdges(ctx, tx, projectID)
		if err != nil {
			return err
		}
		for _, e := range edges {
			if e.pred == in.PredID && e.succ == in.SuccID {
				return apperr.InvalidField("succ_id", "work.dep_exists")
			}
		}
		if cycle, ok := findCycle(edges, in.PredID, in.SuccID); ok {
			names, err := refs(ctx, tx, cycle)
			if err != nil {
				return err
			}
			return apperr.InvalidField("pred_id", "work.dep_cycle", strings.Join(names, " → "))
		}
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO task_deps (project_id, pred_id, succ_id, type, lag_days, created_ms) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			projectID, in.PredID, in.SuccID, in.Type, in.LagDays, db.Now()).Scan(&id)
		if db.IsUnique(err) {
			return apperr.InvalidField("succ_id", "work.dep_exists")
		}
		if err != nil {
			return err
		}
		if out, err = scanDep(tx.QueryRow(ctx, `SELECT `+depCols+` FROM task_deps d JOIN tasks a ON a.id = d.pred_id JOIN tasks b ON b.id = d.succ_id WHERE d.id = ?`, id)); err != nil {
			return err
		}
		s.notify(tx, projectID, Notice{Kind: NoticeDep, TaskID: in.SuccID, Visible: out.predVisible && out.succVisible})
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "dependency", EntityID: id, Action: "create",
			Summary: titles[in.PredID] + " → " + titles[in.SuccID], After: out.auditView(), Internal: !(out.predVisible && out.succVisible)})
	})
	if err != nil {
		return Dependency{}, apperr.Wrap(err)
	}
	return out, nil
}

func (d Dependency) auditView() map[string]any {
	return map[string]any{"pred_id": d.PredID, "succ_id": d.SuccID, "type": d.Type, "lag_days": d.LagDays}
}

// refs names tasks as "#n title", in the order given.
func refs(ctx context.Context, q db.Q, ids []int64) ([]string, error) {
	in, args := db.In(ids)
	rows, err := q.Query(ctx, `SELECT id, number, title FROM tasks WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	name := map[int64]string{}
	for rows.Next() {
		var id, n int64
		var title string
		if err := rows.Scan(&id, &n, &title); err != nil {
			return nil, err
		}
		name[id] = "#" + strconv.FormatInt(n, 10) + " " + title
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = name[id]
	}
	return out, rows.Err()
}

// RemoveDependency deletes a link of the project.
func (s *Service) RemoveDependency(ctx context.Context, p *access.Principal, projectID, depID int64) error {
	if _, _, err := s.can(ctx, p, projectID, access.TaskEdit); err != nil {
		return err
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID, false); err != nil {
			return err
		}
		d, err := scanDep(tx.QueryRow(ctx, `SELECT `+depCols+` FROM task_deps d JOIN tasks a ON a.id = d.pred_id JOIN tasks b ON b.id = d.succ_id
			WHERE d.id = ? AND d.project_id = ?`, depID, projectID))
		if err != nil {
			return db.NotFound(err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM task_deps WHERE id = ?`, depID); err != nil {
			return err
		}
		s.notify(tx, projectID, Notice{Kind: NoticeDep, TaskID: d.SuccID, Visible: d.predVisible && d.succVisible})
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "dependency", EntityID: depID, Action: "delete",
			Summary: "#" + strconv.FormatInt(d.PredNumber, 10) + " " + d.PredTitle + " → #" + strconv.FormatInt(d.SuccNumber, 10) + " " + d.SuccTitle,
			Before:  d.auditView(), Internal: !(d.predVisible && d.succVisible)})
	}))
}
