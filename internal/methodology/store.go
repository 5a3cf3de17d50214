package methodology

import (
	"context"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/calendar"
	"golive/internal/db"
)

// loadCalendar is the project's working calendar (internal/calendar
// reads the stored overrides for every module).
func loadCalendar(ctx context.Context, q db.Q, projectID int64) (*calendar.Calendar, error) {
	return calendar.Load(ctx, q, projectID)
}

// liveMember reports whether user is a live member of the project; owners,
// sponsors and stakeholders linked to accounts must be.
func liveMember(ctx context.Context, q db.Q, projectID, userID int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT count(*) FROM project_members WHERE project_id = ? AND user_id = ? AND deleted_ms IS NULL`, projectID, userID).Scan(&n)
	return n > 0, err
}

// checkOwner validates an optional owner (0 = none) named in field.
func checkOwner(ctx context.Context, q db.Q, projectID, userID int64, field string) error {
	if userID == 0 {
		return nil
	}
	ok, err := liveMember(ctx, q, projectID, userID)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.InvalidField(field, "meth.not_member")
	}
	return nil
}

// checkPhase validates an optional phase (0 = none) of the project.
func checkPhase(ctx context.Context, q db.Q, projectID, phaseID int64) error {
	if phaseID == 0 {
		return nil
	}
	var n int
	if err := q.QueryRow(ctx, `SELECT count(*) FROM phases WHERE id = ? AND project_id = ? AND deleted_ms IS NULL`, phaseID, projectID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.InvalidField("phase_id", "meth.phase_unknown")
	}
	return nil
}

// archived reports a read-only project (archived projects are not changed).
func archived(ctx context.Context, q db.Q, projectID int64) error {
	var status string
	if err := q.QueryRow(ctx, `SELECT status FROM projects WHERE id = ?`, projectID).Scan(&status); err != nil {
		return db.NotFound(err)
	}
	if status == "archived" {
		return apperr.New(apperr.Conflict, "project.archived_readonly")
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// customer: the caller reads as a customer (customer-visible rows only).
func customer(p *access.Principal, m access.Membership) bool { return !p.Can(m, access.InternalView) }

// doneStatuses is the SQL condition "task t is finished or cancelled": the
// project's workflow statuses of those categories, or the default keys.
const taskClosed = `(t.status IN ('done', 'cancelled') OR t.status IN (SELECT ws.key FROM workflow_statuses ws
	WHERE ws.project_id = t.project_id AND ws.category IN ('done', 'cancelled') AND ws.deleted_ms IS NULL))`

// hasLabel reports whether comma-joined labels hold label (case-insensitive).
func hasLabel(labels, label string) bool {
	for _, l := range strings.Split(labels, ",") {
		if strings.EqualFold(strings.TrimSpace(l), label) {
			return true
		}
	}
	return false
}
