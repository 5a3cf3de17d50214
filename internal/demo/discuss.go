package demo

import (
	"context"
	"fmt"

	"golive/internal/access"
	"golive/internal/app"
	"golive/internal/discuss"
	"golive/internal/work"
)

// LoadDiscussion starts a conversation on a few customer-visible open
// tasks of each project: a consultant asks the PM (a mention, so the PM
// logs in to an unread notification), the customer answers, and the
// vendor side adds an internal note the customer never sees. Call it
// after LoadWork.
func LoadDiscussion(ctx context.Context, a *app.App, projectIDs []int64) error {
	for _, id := range projectIDs {
		pm, err := projectPM(ctx, a, id)
		if err != nil {
			return err
		}
		con, err := memberWithRole(ctx, a, id, access.RoleConsultant)
		if err != nil {
			return err
		}
		ku, err := memberWithRole(ctx, a, id, access.RoleKeyUser)
		if err != nil {
			return err
		}
		rows, err := a.DB.Query(ctx, `SELECT id FROM tasks WHERE project_id = ? AND deleted_ms IS NULL AND customer_visible = ? AND done_ms IS NULL ORDER BY number LIMIT 3`, id, true)
		if err != nil {
			return err
		}
		var tasks []int64
		for rows.Next() {
			var tid int64
			if err := rows.Scan(&tid); err != nil {
				rows.Close()
				return err
			}
			tasks = append(tasks, tid)
		}
		rows.Close()
		for i, tid := range tasks {
			ref := discuss.Ref{Kind: work.DiscussKind, ID: tid}
			for _, c := range []struct {
				who *access.Principal
				in  discuss.CommentInput
			}{
				{con, discuss.CommentInput{Body: "@" + pm.Name + " 调研纪要已上传，**计量单位换算**还需要客户确认，请安排一次评审。"}},
				{ku, discuss.CommentInput{Body: "@" + con.Name + " 我们内部核对后周三前回复，换算表以财务口径为准。"}},
				{pm, discuss.CommentInput{Body: "内部备注：如客户周三未回复，按标准换算表先行配置，风险记入周报。", Internal: true}},
			}[:3-i%2] {
				if _, err := a.Discuss.AddComment(ctx, c.who, ref, c.in); err != nil {
					return fmt.Errorf("comment on task %d: %w", tid, err)
				}
			}
		}
	}
	return nil
}

// memberWithRole is the first live member of a project with role, as a
// principal.
func memberWithRole(ctx context.Context, a *app.App, projectID int64, role access.Role) (*access.Principal, error) {
	p := &access.Principal{Role: role, Vendor: role.IsVendor()}
	err := a.DB.QueryRow(ctx, `SELECT u.id, u.company_id, u.name FROM project_members m JOIN users u ON u.id = m.user_id
		WHERE m.project_id = ? AND m.role = ? AND m.deleted_ms IS NULL ORDER BY m.id LIMIT 1`, projectID, string(role)).
		Scan(&p.UserID, &p.CompanyID, &p.Name)
	if err != nil {
		return nil, fmt.Errorf("%s of project %d: %w", role, projectID, err)
	}
	return p, nil
}
