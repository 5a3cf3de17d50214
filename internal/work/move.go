package work

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
)

// Move puts a card into a status between two neighbours, setting status
// and rank in one transaction. The neighbours must be live cards of the
// target column; one that has meanwhile left it means the mover's board
// was stale (409). A column whose gaps have worn too thin is renumbered
// first, and viewers are told to re-read it.
func (s *Service) Move(ctx context.Context, p *access.Principal, projectID, taskID int64, in MoveInput) (Task, error) {
	if _, _, err := s.can(ctx, p, projectID, access.TaskEdit); err != nil {
		return Task{}, err
	}
	if err := in.Validate(); err != nil {
		return Task{}, err
	}
	var after Task
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID, false); err != nil {
			return err
		}
		var before Task
		var err error
		if before, err = getTask(ctx, tx, projectID, taskID, true, false); err != nil {
			return err
		}
		if before.Version != in.Version {
			return apperr.ConflictErr()
		}
		ss, err := workflowTx(ctx, tx, projectID)
		if err != nil {
			return err
		}
		st, ok := findStatus(ss, in.Status)
		if !ok {
			return apperr.InvalidField("status", "work.status_unknown")
		}
		lane, err := laneChange(ctx, tx, projectID, ss, before, in)
		if err != nil {
			return err
		}
		lo, hasLo, err := neighbour(ctx, tx, projectID, taskID, in.Status, in.BeforeID, "before_id")
		if err != nil {
			return err
		}
		hi, hasHi, err := neighbour(ctx, tx, projectID, taskID, in.Status, in.AfterID, "after_id")
		if err != nil {
			return err
		}
		if hasLo && hasHi && lo >= hi {
			return apperr.ConflictErr()
		}
		rank, ok := rankBetween(lo, hasLo, hi, hasHi)
		if !ok {
			if err := renumberColumn(ctx, tx, projectID, in.Status, taskID); err != nil {
				return err
			}
			s.notify(tx, projectID, Notice{Kind: NoticeReorder, Status: in.Status, Visible: true, WasVisible: true})
			if lo, hasLo, err = neighbour(ctx, tx, projectID, taskID, in.Status, in.BeforeID, "before_id"); err != nil {
				return err
			}
			if hi, hasHi, err = neighbour(ctx, tx, projectID, taskID, in.Status, in.AfterID, "after_id"); err != nil {
				return err
			}
			if rank, ok = rankBetween(lo, hasLo, hi, hasHi); !ok {
				return apperr.ConflictErr()
			}
		}
		res, err := tx.Exec(ctx, `UPDATE tasks SET status = ?, rank = ?, phase_id = ?, done_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND version = ?`,
			in.Status, rank, lane.PhaseID, doneMS(st.Category, before.DoneMS), db.Now(), taskID, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		if in.AssigneeID != nil {
			if err := replacePeople(ctx, tx, "task_assignees", taskID, lane.AssigneeIDs); err != nil {
				return err
			}
		}
		if after, err = getTask(ctx, tx, projectID, taskID, true, false); err != nil {
			return err
		}
		s.notify(tx, projectID, Notice{Kind: NoticeTask, TaskID: taskID, Version: after.Version, Visible: after.CustomerVisible, WasVisible: before.CustomerVisible})
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "task", EntityID: taskID, Action: "move", Summary: after.Ref(),
			Before: moveAudit(before, in), After: moveAudit(after, in), Internal: !after.CustomerVisible})
	})
	if err != nil {
		return Task{}, apperr.Wrap(err)
	}
	return after, nil
}

// neighbour reads the rank of a card named as a neighbour of a move: a
// live card of the project in the target column, not the moved card.
func neighbour(ctx context.Context, tx *db.Tx, projectID, self int64, status string, id int64, field string) (float64, bool, error) {
	if id == 0 {
		return 0, false, nil
	}
	if id == self {
		return 0, false, apperr.InvalidField(field, "work.same_neighbour")
	}
	var rank float64
	var st string
	err := tx.QueryRow(ctx, `SELECT rank, status FROM tasks WHERE id = ? AND project_id = ? AND deleted_ms IS NULL`, id, projectID).Scan(&rank, &st)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, apperr.InvalidField(field, "validate.not_found")
	}
	if err != nil {
		return 0, false, err
	}
	if st != status {
		return 0, false, apperr.ConflictErr()
	}
	return rank, true, nil
}

// renumberColumn spreads the ranks of a column evenly in their current
// order (the moved card keeps its place until it is moved).
func renumberColumn(ctx context.Context, tx *db.Tx, projectID int64, status string, _ int64) error {
	rows, err := tx.Query(ctx, `SELECT id FROM tasks WHERE project_id = ? AND status = ? AND deleted_ms IS NULL ORDER BY rank, id`, projectID, status)
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
	// Ranks order cards, they are not content: renumbering leaves
	// versions alone, so nobody's open edit form turns stale.
	for i, r := range renumber(len(ids)) {
		if _, err := tx.Exec(ctx, `UPDATE tasks SET rank = ? WHERE id = ?`, r, ids[i]); err != nil {
			return err
		}
	}
	return nil
}

// laneChange applies a drop into another swimlane to the task's input and
// checks it as an edit would: the new assignee must be a live member (a
// customer only on a customer-visible task), the new phase one of the
// project's whose window holds the task's dates.
func laneChange(ctx context.Context, tx *db.Tx, projectID int64, ss []Status, before Task, in MoveInput) (Input, error) {
	out := InputOf(before)
	out.Status = in.Status
	if in.AssigneeID == nil && in.PhaseID == nil {
		return out, nil
	}
	if in.AssigneeID != nil {
		out.AssigneeIDs = nil
		if *in.AssigneeID > 0 {
			out.AssigneeIDs = []int64{*in.AssigneeID}
		}
	}
	if in.PhaseID != nil {
		out.PhaseID = nil
		if *in.PhaseID > 0 {
			v := *in.PhaseID
			out.PhaseID = &v
		}
	}
	check := out
	check.WatcherIDs = nil // unchanged by a move; people who since left may stay
	if err := checkRefs(ctx, tx, projectID, ss, &check, &before); err != nil {
		// Name the move's own members rather than the task form's.
		if e := apperr.As(err); e != nil && e.HasField("assignee_ids") {
			return out, apperr.InvalidField("assignee_id", e.Fields["assignee_ids"], e.FieldArgs["assignee_ids"]...)
		}
		return out, err
	}
	return out, nil
}

// moveAudit is what the audit keeps of a move: the status, and the
// assignees and phase when the card changed lanes.
func moveAudit(t Task, in MoveInput) map[string]any {
	m := map[string]any{"status": t.Status}
	if in.AssigneeID != nil {
		names := make([]string, len(t.Assignees))
		for i, a := range t.Assignees {
			names[i] = a.Name
		}
		m["assignees"] = strings.Join(names, ", ")
	}
	if in.PhaseID != nil {
		m["phase_id"] = t.PhaseID
	}
	return m
}
