package work

import (
	"context"
	"time"

	"golive/internal/access"
	"golive/internal/apperr"
)

// MyTask is an open task assigned to the caller, with its project.
type MyTask struct {
	ID          int64  `json:"id"`
	ProjectID   int64  `json:"project_id"`
	ProjectCode string `json:"project_code"`
	ProjectName string `json:"project_name"`
	Number      int64  `json:"number"`
	Title       string `json:"title"`
	Status      string `json:"status"`
	StatusName  string `json:"status_name"`
	Priority    string `json:"priority"`
	DueDate     string `json:"due_date"`
	custom      string
}

// MyGroups is "my work" grouped by when it is due.
type MyGroups struct {
	Overdue  []MyTask
	Today    []MyTask
	ThisWeek []MyTask
	Later    []MyTask // later this year, or no due date
}

// Count is the number of tasks in all groups.
func (g MyGroups) Count() int { return len(g.Overdue) + len(g.Today) + len(g.ThisWeek) + len(g.Later) }

// myLimit bounds the list; nobody works through more at once.
const myLimit = 500

// MyWork lists the open tasks (not in a done or cancelled status)
// assigned to the caller in projects they may see, most urgent first,
// grouped relative to today (a date in China time): overdue, today, the
// rest of this week (to Sunday), later.
func (s *Service) MyWork(ctx context.Context, p *access.Principal, today time.Time, label func(Status) string) (MyGroups, error) {
	scope, args := p.Scope().ProjectFilter("pr")
	query := `SELECT t.id, t.project_id, pr.code, pr.name, t.number, t.title, t.status, ws.key, ws.name, t.priority, COALESCE(t.due_date, '')
		FROM task_assignees a JOIN tasks t ON t.id = a.task_id JOIN projects pr ON pr.id = t.project_id
		JOIN workflow_statuses ws ON ws.project_id = t.project_id AND ws.key = t.status
		WHERE a.user_id = ? AND t.deleted_ms IS NULL AND pr.deleted_ms IS NULL AND ws.category NOT IN ('done', 'cancelled') AND ` + scope
	all := append([]any{p.UserID}, args...)
	if !p.Vendor {
		query += ` AND t.customer_visible = ?`
		all = append(all, true)
	}
	rows, err := s.db.Query(ctx, query+` ORDER BY t.due_date IS NULL, t.due_date, pr.code, t.number LIMIT ?`, append(all, myLimit)...)
	if err != nil {
		return MyGroups{}, apperr.Wrap(err)
	}
	defer rows.Close()
	day := today.Format("2006-01-02")
	// Weeks run Monday to Sunday, as Chinese calendars print them.
	wd := int(today.Weekday())
	if wd == 0 {
		wd = 7
	}
	sunday := today.AddDate(0, 0, 7-wd).Format("2006-01-02")
	var g MyGroups
	for rows.Next() {
		var t MyTask
		var key string
		if err := rows.Scan(&t.ID, &t.ProjectID, &t.ProjectCode, &t.ProjectName, &t.Number, &t.Title, &t.Status, &key, &t.custom, &t.Priority, &t.DueDate); err != nil {
			return MyGroups{}, apperr.Wrap(err)
		}
		t.StatusName = label(Status{Key: key, Custom: t.custom})
		switch {
		case t.DueDate == "":
			g.Later = append(g.Later, t)
		case t.DueDate < day:
			g.Overdue = append(g.Overdue, t)
		case t.DueDate == day:
			g.Today = append(g.Today, t)
		case t.DueDate <= sunday:
			g.ThisWeek = append(g.ThisWeek, t)
		default:
			g.Later = append(g.Later, t)
		}
	}
	return g, apperr.Wrap(rows.Err())
}
