package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"golive/internal/access"
	"golive/internal/app"
	"golive/internal/apperr"
	"golive/internal/calendar"
	"golive/internal/db"
	"golive/internal/work"
)

// LoadBaselines freezes the plan of each demo project as "计划基线 v1" (as
// its PM) and gives the Gantt some slippage to show against it: two
// unfinished tasks about a third of the way in start four working days late
// and push their successors. Where the plan leaves no room for that (tasks
// that already end on their phase's last day may not be pushed out of it),
// the baseline is made to remember those tasks four working days earlier
// instead: the plan has slipped since it was frozen. Call it after the
// tasks and dependencies exist.
func LoadBaselines(ctx context.Context, a *app.App, projectIDs []int64) error {
	const name, tasks, days = "计划基线 v1", 2, 4
	for _, id := range projectIDs {
		pm, err := projectPM(ctx, a, id)
		if err != nil {
			return err
		}
		b, err := a.Work.CreateBaseline(ctx, pm, id, work.BaselineInput{Name: name})
		if err != nil {
			return fmt.Errorf("baseline of project %d: %w", id, err)
		}
		cands, err := slipCandidates(ctx, a, pm, id)
		if err != nil {
			return err
		}
		left, err := slip(ctx, a, pm, id, cands, tasks, days)
		if err != nil {
			return fmt.Errorf("slippage in project %d: %w", id, err)
		}
		if left > 0 {
			if err := backdate(ctx, a, b.ID, cands, 3*left, days); err != nil {
				return fmt.Errorf("baseline of project %d: %w", id, err)
			}
		}
	}
	return nil
}

// projectPM is the first live PM of a project, as a principal.
func projectPM(ctx context.Context, a *app.App, projectID int64) (*access.Principal, error) {
	p := &access.Principal{Role: access.RolePM, Vendor: true}
	err := a.DB.QueryRow(ctx, `SELECT u.id, u.company_id, u.name FROM project_members m JOIN users u ON u.id = m.user_id
		WHERE m.project_id = ? AND m.role = ? AND m.deleted_ms IS NULL ORDER BY m.id LIMIT 1`, projectID, string(access.RolePM)).
		Scan(&p.UserID, &p.CompanyID, &p.Name)
	if err != nil {
		return nil, fmt.Errorf("PM of project %d: %w", projectID, err)
	}
	return p, nil
}

// slipCandidates are the unfinished, dated tasks without subtasks of the
// middle third of the plan (by start), the least float first.
func slipCandidates(ctx context.Context, a *app.App, pm *access.Principal, projectID int64) ([]work.ScheduledTask, error) {
	s, err := a.Work.Schedule(ctx, pm, projectID, 0)
	if err != nil {
		return nil, err
	}
	parents := map[int64]bool{}
	for _, t := range s.Tasks {
		if t.ParentID != nil {
			parents[*t.ParentID] = true
		}
	}
	var cands []work.ScheduledTask
	for _, t := range s.Tasks {
		// Work already done does not slip; a summary's dates are its subtasks'.
		if t.Scheduled && !t.Milestone && t.StartDate != "" && t.DueDate != "" && t.Progress < 100 && !parents[t.ID] {
			cands = append(cands, t)
		}
	}
	slices.SortStableFunc(cands, func(x, y work.ScheduledTask) int { return strings.Compare(x.StartDate, y.StartDate) })
	cands = cands[len(cands)/3 : len(cands)*2/3]
	slices.SortStableFunc(cands, func(x, y work.ScheduledTask) int { return x.TotalFloat - y.TotalFloat })
	return cands, nil
}

// slip reschedules up to n candidates days working days later, through the
// service (successors follow); a move the plan refuses is skipped. It
// returns how many of the n it could not move.
func slip(ctx context.Context, a *app.App, pm *access.Principal, projectID int64, cands []work.ScheduledTask, n, days int) (int, error) {
	cal := calendar.ChinaCalendar()
	for _, c := range cands {
		if n == 0 {
			break
		}
		// An earlier move may have pushed this task: read it again.
		var start string
		var version int64
		if err := a.DB.QueryRow(ctx, `SELECT start_date, version FROM tasks WHERE id = ?`, c.ID).Scan(&start, &version); err != nil {
			return n, err
		}
		d, err := calendar.Parse(start)
		if err != nil {
			continue
		}
		_, err = a.Work.Reschedule(ctx, pm, projectID, c.ID, work.RescheduleInput{StartDate: cal.AddWorkdays(d, days).String(), Version: version})
		if apperr.CodeOf(err) == apperr.Invalid {
			continue
		}
		if err != nil {
			return n, err
		}
		n--
	}
	return n, nil
}

// backdate makes the baseline remember up to n candidates days working days
// earlier than the plan has them now.
func backdate(ctx context.Context, a *app.App, baselineID int64, cands []work.ScheduledTask, n, days int) error {
	cal := calendar.ChinaCalendar()
	return a.DB.Tx(ctx, func(tx *db.Tx) error {
		for _, c := range cands[:min(n, len(cands))] {
			s, err1 := calendar.Parse(c.StartDate)
			d, err2 := calendar.Parse(c.DueDate)
			if err1 != nil || err2 != nil {
				continue
			}
			if _, err := tx.Exec(ctx, `UPDATE baseline_tasks SET start_date = ?, due_date = ? WHERE baseline_id = ? AND task_id = ?`,
				cal.AddWorkdays(s, -days).String(), cal.AddWorkdays(d, -days).String(), baselineID, c.ID); err != nil {
				return err
			}
		}
		return nil
	})
}
