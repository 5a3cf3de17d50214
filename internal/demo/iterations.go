package demo

import (
	"context"
	"fmt"
	"time"

	"golive/internal/access"
	"golive/internal/app"
	"golive/internal/work"
)

// LoadIterations gives each demo project two sprints: one closed four
// weeks ago (done tasks in it, its unfinished work carried over) and one
// active now with open tasks, so the burndown and velocity charts show
// something. Call it after LoadWork.
func LoadIterations(ctx context.Context, a *app.App, projectIDs []int64) error {
	now := time.Now()
	for _, id := range projectIDs {
		pm, err := projectPM(ctx, a, id)
		if err != nil {
			return err
		}
		past, err := a.Work.CreateIteration(ctx, pm, id, work.IterationInput{Name: "冲刺 1", StartDate: now.AddDate(0, 0, -21).Format(time.DateOnly),
			EndDate: now.AddDate(0, 0, -8).Format(time.DateOnly), Goal: "完成蓝图确认与系统环境搭建"})
		if err != nil {
			return fmt.Errorf("iteration of project %d: %w", id, err)
		}
		cur, err := a.Work.CreateIteration(ctx, pm, id, work.IterationInput{Name: "冲刺 2", StartDate: now.AddDate(0, 0, -7).Format(time.DateOnly),
			Goal: "完成主数据配置与第一轮单元测试"})
		if err != nil {
			return fmt.Errorf("iteration of project %d: %w", id, err)
		}
		done, err := demoTaskIDs(ctx, a, id, true, 4)
		if err != nil {
			return err
		}
		open, err := demoTaskIDs(ctx, a, id, false, 8)
		if err != nil {
			return err
		}
		if len(open) > 2 {
			// Two open tasks start in the first sprint and are carried over when it closes.
			if err := assign(ctx, a, pm, id, append(done, open[:2]...), past.ID); err != nil {
				return err
			}
			if err := assign(ctx, a, pm, id, open[2:], cur.ID); err != nil {
				return err
			}
		}
		if _, err := a.Work.CloseIteration(ctx, pm, id, past.ID, work.CloseInput{MoveTo: cur.ID, Version: past.Version}); err != nil {
			return fmt.Errorf("closing iteration of project %d: %w", id, err)
		}
	}
	return nil
}

func assign(ctx context.Context, a *app.App, pm *access.Principal, projectID int64, ids []int64, iterationID int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := a.Work.AssignTasks(ctx, pm, projectID, work.AssignInput{TaskIDs: ids, IterationID: iterationID})
	if err != nil {
		return fmt.Errorf("planning project %d: %w", projectID, err)
	}
	return nil
}

// demoTaskIDs picks leaf tasks of the backlog, done or open.
func demoTaskIDs(ctx context.Context, a *app.App, projectID int64, done bool, limit int) ([]int64, error) {
	cond := "t.done_ms IS NULL"
	if done {
		cond = "t.done_ms IS NOT NULL"
	}
	rows, err := a.DB.Query(ctx, `SELECT t.id FROM tasks t WHERE t.project_id = ? AND t.deleted_ms IS NULL AND t.iteration_id IS NULL AND `+cond+`
		AND NOT EXISTS (SELECT 1 FROM tasks c WHERE c.parent_id = t.id AND c.deleted_ms IS NULL) ORDER BY t.number LIMIT ?`, projectID, limit)
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
