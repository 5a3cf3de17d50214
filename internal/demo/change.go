package demo

import (
	"context"
	"fmt"
	"strings"

	"golive/internal/access"
	"golive/internal/app"
	"golive/internal/change"
	"golive/internal/requirement"
)

// member returns the first live member of a project with a role as a
// principal.
func member(ctx context.Context, a *app.App, projectID int64, role access.Role) (*access.Principal, error) {
	p := &access.Principal{Role: role, Vendor: role.IsVendor()}
	err := a.DB.QueryRow(ctx, `SELECT u.id, u.company_id, u.name FROM project_members m JOIN users u ON u.id = m.user_id
		WHERE m.project_id = ? AND m.role = ? AND m.deleted_ms IS NULL ORDER BY m.id LIMIT 1`, projectID, string(role)).Scan(&p.UserID, &p.CompanyID, &p.Name)
	if err != nil {
		return nil, fmt.Errorf("%s of project %d: %w", role, projectID, err)
	}
	return p, nil
}

// LoadChange gives the first demo project its Requirements Confirmation
// V1.0 signed by the customer PM, a change control board, an approved
// change request (with V1.1 waiting to be signed and the task of its new
// custom function) and a pending one with a first vote. When the pool has
// no confirmed requirements yet, a few are entered and confirmed first.
func LoadChange(ctx context.Context, a *app.App, projectIDs []int64) error {
	if len(projectIDs) == 0 {
		return nil
	}
	id := projectIDs[0]
	pm, err := member(ctx, a, id, access.RolePM)
	if err != nil {
		return err
	}
	cpm, err := member(ctx, a, id, access.RoleCustomerPM)
	if err != nil {
		return err
	}
	con, err := member(ctx, a, id, access.RoleConsultant)
	if err != nil {
		return err
	}
	ku, err := member(ctx, a, id, access.RoleKeyUser)
	if err != nil {
		return err
	}
	rs, cs := a.Requirements, a.Change
	content, err := rs.Content(ctx, id)
	if err != nil {
		return err
	}
	if len(content.Requirements) == 0 {
		var ids []int64
		reqs := []requirement.Input{
			{Title: "生产工单按批次追溯物料", Module: "生产管理", Priority: "must", Value: 5, Effort: 4, Acceptance: "扫描成品条码可查到所用原材料批次及供应商"},
			{Title: "设备 OEE 看板", Module: "设备管理", Priority: "should", Value: 4, Effort: 3, Acceptance: "按班次显示可用率、性能、良品率"},
			{Title: "来料检验记录电子化", Module: "质量管理", Priority: "must", Value: 4, Effort: 2, Acceptance: "检验结果录入后自动判定合格并放行"},
			{Title: "车间看板显示当日计划达成率", Module: "生产管理", Priority: "could", Value: 2, Effort: 2},
		}
		for _, in := range reqs {
			in.CustomerVisible = true
			r, err := rs.Create(ctx, pm, id, in)
			if err != nil {
				return fmt.Errorf("requirement %s: %w", in.Title, err)
			}
			ids = append(ids, r.ID)
		}
		if _, err := rs.Review(ctx, pm, id, requirement.ReviewInput{IDs: ids, Action: "submit"}); err != nil {
			return err
		}
		if _, err := rs.Review(ctx, cpm, id, requirement.ReviewInput{IDs: ids, Action: "confirm", Comment: "与调研结论一致"}); err != nil {
			return err
		}
		for _, f := range []requirement.FunctionInput{
			{Title: "批次条码采集与追溯查询", Type: "custom", EffortTenths: 120, RequirementIDs: []int64{ids[0]}},
			{Title: "OEE 报表", Type: "report", EffortTenths: 40, RequirementIDs: []int64{ids[1], ids[3]}},
			{Title: "检验方案参数配置", Type: "config", EffortTenths: 30, RequirementIDs: []int64{ids[2]}},
		} {
			if _, err := rs.CreateFunction(ctx, pm, id, f); err != nil {
				return fmt.Errorf("function %s: %w", f.Title, err)
			}
		}
		if content, err = rs.Content(ctx, id); err != nil {
			return err
		}
	}
	v1, err := cs.CreateBaseline(ctx, pm, id, change.BaselineInput{Title: "精工机床 MES 需求确认书", Note: "依据 10 月调研问卷与现场访谈整理"})
	if err != nil {
		return fmt.Errorf("V1.0: %w", err)
	}
	if _, err := cs.Sign(ctx, cpm, id, v1.ID, change.SignInput{SHA256: v1.SHA256}, "10.20.1.15"); err != nil {
		return fmt.Errorf("sign V1.0: %w", err)
	}
	if _, err := cs.SaveBoard(ctx, pm, id, change.BoardInput{Members: []int64{pm.UserID, cpm.UserID, con.UserID}, Chair: pm.UserID, Rule: change.RuleMajority, Quorum: 2}); err != nil {
		return fmt.Errorf("board: %w", err)
	}
	var taskID int64
	_ = a.DB.QueryRow(ctx, `SELECT COALESCE(MIN(id), 0) FROM tasks WHERE project_id = ? AND deleted_ms IS NULL AND due_date IS NOT NULL AND milestone = ?`, id, false).Scan(&taskID)
	var tasks []int64
	if taskID > 0 {
		tasks = []int64{taskID}
	}
	// The OEE board and batch traceability (the pool's demo has both);
	// otherwise the first two requirements in scope.
	pick := func(want string, fallback int) requirement.ContentRequirement {
		for _, r := range content.Requirements {
			if strings.Contains(r.Title, want) {
				return r
			}
		}
		return content.Requirements[min(fallback, len(content.Requirements)-1)]
	}
	oeeReq, traceReq := pick("OEE", 1), pick("追溯", 0)
	oee, trace := oeeReq.ID, traceReq.ID
	// The customer asked for it; the vendor PM enters it, linking the plan's
	// (internal) tasks for the schedule impact, which a customer may not.
	approved, err := cs.Create(ctx, pm, id, change.CRInput{Title: "OEE 看板增加停机原因分析", Reason: "试运行中发现停机原因需要按类别统计，才能做改善",
		Source: "customer", RequestedBy: cpm.UserID,
		Description: "在 OEE 看板上增加停机原因帕累托图，停机原因由班组长在终端上选择。", Urgency: "high", EffortTenths: 60, CostMinor: 1800000, TaskIDs: tasks,
		Items: []change.ItemInput{
			{Target: "requirement", Op: "change", TargetID: oee, Values: change.Values{Title: oeeReq.Title + "（含停机原因分析）", Module: oeeReq.Module, Priority: "must",
				Value: 5, Effort: int64(oeeReq.Effort), Description: oeeReq.Description, Acceptance: oeeReq.Acceptance + " 停机原因按类别排序。"}},
			{Target: "function", Op: "add", Values: change.Values{Name: "停机原因采集终端界面", Kind: "custom", EffortTenths: 60, ReqIDs: []int64{oee}}},
		}})
	if err != nil {
		return fmt.Errorf("approved CR: %w", err)
	}
	if _, err := cs.Vote(ctx, pm, id, approved.ID, change.VoteInput{Vote: change.VoteApprove, Comment: "影响可控，同意"}); err != nil {
		return err
	}
	if _, err := cs.Vote(ctx, cpm, id, approved.ID, change.VoteInput{Vote: change.VoteApprove, Comment: "生产部急需"}); err != nil {
		return err
	}
	pending, err := cs.Create(ctx, ku, id, change.CRInput{Title: "追溯查询支持手机扫码", Reason: "仓库现场没有电脑，需要用手机扫码查批次",
		Urgency: "normal", EffortTenths: 45, CostMinor: 1200000,
		Items: []change.ItemInput{{Target: "requirement", Op: "change", TargetID: trace, Values: change.Values{Title: traceReq.Title + "（含手机扫码）",
			Module: traceReq.Module, Priority: traceReq.Priority, Value: int64(traceReq.Value), Effort: int64(traceReq.Effort), Description: traceReq.Description,
			Acceptance: "手机或 PDA 扫描成品条码可查到原材料批次及供应商"}}}})
	if err != nil {
		return fmt.Errorf("pending CR: %w", err)
	}
	if _, err := cs.Vote(ctx, con, id, pending.ID, change.VoteInput{Vote: change.VoteApprove, Comment: "技术上可行，需评估 PDA 型号"}); err != nil {
		return err
	}
	return nil
}
