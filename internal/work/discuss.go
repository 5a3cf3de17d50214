package work

import (
	"context"
	"strconv"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/discuss"
	"golive/internal/project"
)

// DiscussKind is the kind under which tasks register with discuss.
const DiscussKind = "task"

// DiscussTarget is the task resolver for comments and attachments: a task
// the caller cannot see (another company's, or internal for a customer) is
// not found. Every member who sees the task may comment while the project
// is active; the PM moderates; assignees and watchers follow it.
func (s *Service) DiscussTarget(ctx context.Context, p *access.Principal, taskID int64) (discuss.Target, error) {
	var projectID int64
	if err := s.db.QueryRow(ctx, `SELECT project_id FROM tasks WHERE id = ? AND deleted_ms IS NULL`, taskID).Scan(&projectID); err != nil {
		return discuss.Target{}, db.NotFound(err)
	}
	t, m, err := s.Get(ctx, p, projectID, taskID)
	if err != nil {
		return discuss.Target{}, err
	}
	var status string
	if err := s.db.QueryRow(ctx, `SELECT status FROM projects WHERE id = ?`, projectID).Scan(&status); err != nil {
		return discuss.Target{}, apperr.Wrap(err)
	}
	out := discuss.Target{ProjectID: projectID, Title: t.Ref(), Link: taskLink(projectID, taskID), CustomerVisible: t.CustomerVisible,
		SeesInternal: p.Can(m, access.InternalView), CanComment: p.Can(m, access.TaskView) && status == project.StatusActive,
		CanModerate: p.Can(m, access.TaskDelete)}
	for _, a := range t.Assignees {
		out.Followers = append(out.Followers, a.ID)
	}
	for _, w := range t.Watchers {
		out.Followers = append(out.Followers, w.ID)
	}
	return out, nil
}

func taskLink(projectID, taskID int64) string {
	return "/projects/" + strconv.FormatInt(projectID, 10) + "/tasks/" + strconv.FormatInt(taskID, 10)
}

// SetWatching adds or removes a watcher. Anyone who sees the task may
// watch or unwatch it themselves; the PM and the task's assignees may
// also add or remove other members, who must be able to see the task.
func (s *Service) SetWatching(ctx context.Context, p *access.Principal, projectID, taskID, userID int64, on bool) error {
	m, internal, err := s.access(ctx, p, projectID)
	if err != nil {
		return err
	}
	t, err := getTask(ctx, s.db, projectID, taskID, internal, false)
	if err != nil {
		return err
	}
	if userID != p.UserID {
		assignee := false
		for _, a := range t.Assignees {
			assignee = assignee || a.ID == p.UserID
		}
		if !p.Can(m, access.TaskDelete) && !(assignee && p.Can(m, access.TaskEdit)) {
			return apperr.ForbiddenErr()
		}
	}
	var name, role, kind string
	err = s.db.QueryRow(ctx, `SELECT u.name, pm.role, c.kind FROM project_members pm JOIN users u ON u.id = pm.user_id JOIN companies c ON c.id = u.company_id
		WHERE pm.project_id = ? AND pm.user_id = ? AND pm.deleted_ms IS NULL AND u.deleted_ms IS NULL`, projectID, userID).Scan(&name, &role, &kind)
	if err != nil {
		if userID == p.UserID && p.CanAdminister() {
			name = p.Name
			kind = "vendor"
		} else {
			return apperr.InvalidField("user_id", "work.watcher_not_member")
		}
	}
	if on && kind != "vendor" && !t.CustomerVisible {
		return apperr.InvalidField("user_id", "work.watcher_cannot_see")
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		if st, err := projectState(ctx, tx, projectID, false); err != nil {
			return err
		} else if st == project.StatusArchived {
			return apperr.New(apperr.Conflict, "project.archived_readonly")
		}
		var res interface{ RowsAffected() (int64, error) }
		var err error
		action := "watch"
		if on {
			res, err = tx.Exec(ctx, `INSERT INTO task_watchers (task_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, taskID, userID)
		} else {
			action = "unwatch"
			res, err = tx.Exec(ctx, `DELETE FROM task_watchers WHERE task_id = ? AND user_id = ?`, taskID, userID)
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // already so: nothing to record
		}
		s.notify(tx, projectID, Notice{Kind: NoticeTask, TaskID: taskID, Version: t.Version, Visible: t.CustomerVisible, WasVisible: t.CustomerVisible})
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "task", EntityID: taskID, Action: action, Summary: t.Ref(),
			Internal: !t.CustomerVisible, After: map[string]any{"watcher": name}})
	}))
}
