package demo

import (
	"context"
	"fmt"

	"golive/internal/access"
	"golive/internal/app"
	"golive/internal/requirement"
)

type demoReq struct {
	title, module, priority, source, ref, raisedBy, desc, acceptance string
	value, effort                                                    int
	internal                                                         bool
	// state: "" draft, "review", "confirmed", "clarify", "reject", "implemented"
	state, comment string
}

// demoRequirements are the MES customer's requirements as the research
// phase collected them (and the ERP interfaces a go-live depends on).
var demoRequirements = []demoReq{
	{"生产工单从 ERP 自动下达到 MES", "系统集成", "must", "interview", "2026-09-08 计划科访谈", "周建国", "ERP（用友 U9）审核后的生产订单每 10 分钟同步到 MES，生成车间工单，避免手工二次录入。", "ERP 审核后 10 分钟内在 MES 可见；字段与 ERP 一致；同步失败有告警。", 5, 4, false, "confirmed", "同意，接口频率可配置"},
	{"工单报工扫码完成", "工单报工", "must", "observation", "一车间现场观察", "吴晓燕", "操作工在工位终端扫工单条码和工号即可报工，录入合格数与不良数。", "单次报工 ≤ 15 秒；报工及时率统计可查。", 5, 3, false, "confirmed", "确认"},
	{"报工数据回传 ERP 入库", "系统集成", "must", "meeting", "9 月 12 日需求评审会", "周建国", "完工报工后自动在 ERP 生成完工入库单，财务月结不再等车间手工单据。", "入库单数量与报工一致，回传失败可重推。", 5, 4, false, "confirmed", "确认"},
	{"按批次质量追溯", "质量管理", "must", "questionnaire", "质量问卷第 4 题", "郑海", "从成品批次号可追溯到使用的原材料批次、工序、操作工和检验记录。", "输入成品批次，3 秒内给出完整追溯链。", 5, 5, false, "confirmed", "这是上线目标之一"},
	{"首件检验与巡检记录", "质量管理", "must", "interview", "质量部访谈", "郑海", "每个工单开工须完成首件检验，巡检按频次提醒，记录电子化。", "未做首件检验的工单不能报工。", 4, 3, false, "confirmed", "确认"},
	{"不良品处理流程（返工/报废）", "质量管理", "should", "interview", "质量部访谈", "郑海", "不良品登记后走评审：返工、让步接收或报废，结果同步库存。", "三种处理方式都可走通并留痕。", 4, 3, false, "confirmed", ""},
	{"车间排程甘特图", "生产计划", "should", "questionnaire", "计划问卷第 2 题", "吴晓燕", "按设备产能和工单交期做有限产能排程，以甘特图展示并可拖动调整。", "排程结果可导出；拖动后冲突有提示。", 4, 5, false, "confirmed", "先做一车间"},
	{"设备 OEE 看板", "设备管理", "should", "meeting", "9 月 12 日需求评审会", "孙总", "采集数控设备的开机、加工、停机状态，计算 OEE 并在车间大屏展示。", "OEE 计算口径与设备部一致，刷新 ≤ 1 分钟。", 4, 4, false, "confirmed", "同意"},
	{"设备点检与保养计划", "设备管理", "could", "observation", "设备科现场观察", "郑海", "按设备类型设点检项和保养周期，到期提醒，手机端记录。", "到期未做的保养在看板上标红。", 3, 3, false, "review", ""},
	{"物料齐套检查", "仓储物流", "must", "interview", "仓库访谈", "吴晓燕", "工单下达前检查 BOM 物料库存是否齐套，缺料清单推送给采购。", "缺料清单与 ERP 库存一致。", 5, 3, false, "confirmed", "确认"},
	{"线边仓扫码领料", "仓储物流", "should", "observation", "二车间线边仓观察", "吴晓燕", "按工单生成领料单，仓管扫码发料，线边库存实时扣减。", "领料差异可查询到人。", 4, 3, false, "confirmed", ""},
	{"生产日报自动生成", "报表", "should", "questionnaire", "管理层问卷第 1 题", "孙总", "每天 8 点自动生成前一日产量、合格率、报工及时率日报并推送企业微信。", "日报数据与系统明细一致。", 4, 2, false, "confirmed", "确认"},
	{"质量月报（不良 Pareto）", "报表", "could", "questionnaire", "质量问卷第 7 题", "郑海", "按不良原因做 Pareto 分析，按月导出。", "", 3, 2, false, "implemented", "确认"},
	{"工艺路线与工序维护", "生产计划", "must", "meeting", "9 月 12 日需求评审会", "李娜", "维护产品工艺路线、工序、标准工时，作为排程和报工基础数据。", "与 ERP 物料编码一致。", 5, 2, false, "confirmed", "确认"},
	{"电子作业指导书（SOP）", "工单报工", "could", "interview", "一车间班组长访谈", "吴晓燕", "工位终端按工序显示作业指导书（PDF/图片）。", "", 3, 2, false, "clarify", "请说明 SOP 由谁维护、版本如何管控"},
	{"模具寿命管理", "设备管理", "could", "interview", "设备科访谈", "郑海", "记录模具冲次，达到寿命阈值提醒更换。", "", 2, 3, false, "review", ""},
	{"人员技能矩阵与上岗资格", "工单报工", "wont", "meeting", "9 月 12 日需求评审会", "孙总", "操作工须有工序上岗资格才能报工。", "", 2, 4, false, "reject", "本期不做，二期与 HR 系统一起考虑"},
	{"计件工资计算", "报表", "wont", "questionnaire", "管理层问卷第 5 题", "孙总", "按报工数量与工价计算计件工资。", "", 3, 4, false, "", ""},
	{"MES 与 ERP 主数据一致性校验", "系统集成", "must", "meeting", "内部方案评审", "李娜", "每晚比对物料、BOM、工艺路线的主数据差异并出报告。", "差异报告次日 8 点前可查看。", 4, 2, true, "", ""},
	{"移动端报工（安卓 PDA）", "工单报工", "should", "observation", "三车间现场观察", "吴晓燕", "三车间没有固定工位终端，需要 PDA 扫码报工。", "", 4, 3, false, "", ""},
	{"包装标签打印", "仓储物流", "should", "ticket", "工单 #T-0032", "吴晓燕", "完工入库时打印带批次二维码的包装标签，格式按客户要求。", "扫码可查批次。", 3, 2, false, "", ""},
}

type demoFunc struct {
	title, typ string
	days       int64 // tenths of a person-day
	reqs       []int // indexes into demoRequirements
	tasks      bool
}

var demoFunctions = []demoFunc{
	{"ERP 生产订单同步接口", "interface", 80, []int{0}, true},
	{"完工入库回传接口", "interface", 60, []int{2}, true},
	{"工单报工终端（扫码报工）", "standard", 30, []int{1}, false},
	{"批次追溯查询", "custom", 120, []int{3}, true},
	{"检验计划与首件检验配置", "config", 25, []int{4, 5}, false},
	{"不良品处理流程配置", "config", 15, []int{5}, false},
	{"有限产能排程", "standard", 40, []int{6, 13}, false},
	{"设备数据采集网关", "custom", 150, []int{7}, false},
	{"OEE 车间大屏", "report", 35, []int{7}, false},
	{"齐套检查与缺料推送", "custom", 50, []int{9, 10}, false},
	{"生产日报（企业微信推送）", "report", 20, []int{11}, false},
	{"不良 Pareto 月报", "report", 10, []int{12}, false},
	{"工艺路线初始化导入", "data", 30, []int{13}, false},
}

// memberP returns the first live member of a project with a role.
func memberP(ctx context.Context, a *app.App, projectID int64, role access.Role) (*access.Principal, error) {
	p := &access.Principal{Role: role}
	var vendor bool
	err := a.DB.QueryRow(ctx, `SELECT u.id, u.company_id, u.name, c.kind = 'vendor' FROM project_members m JOIN users u ON u.id = m.user_id JOIN companies c ON c.id = u.company_id
		WHERE m.project_id = ? AND m.role = ? AND m.deleted_ms IS NULL ORDER BY m.id LIMIT 1`, projectID, string(role)).
		Scan(&p.UserID, &p.CompanyID, &p.Name, &vendor)
	if err != nil {
		return nil, fmt.Errorf("%s of project %d: %w", role, projectID, err)
	}
	p.Vendor = vendor
	return p, nil
}

// LoadRequirements gives the first demo project its requirement pool: 21
// requirements from interviews, questionnaires and site observation in
// every state of the review, a MoSCoW spread, a function list mapped to
// them and the tasks of three functions. Call it after the projects and
// their members exist.
func LoadRequirements(ctx context.Context, a *app.App, projectIDs []int64) error {
	if len(projectIDs) == 0 {
		return nil
	}
	id := projectIDs[0]
	pm, err := projectPM(ctx, a, id)
	if err != nil {
		return err
	}
	cons, err := memberP(ctx, a, id, access.RoleConsultant)
	if err != nil {
		cons = pm
	}
	cpm, err := memberP(ctx, a, id, access.RoleCustomerPM)
	if err != nil {
		return err
	}
	s := a.Requirements
	ids := make([]int64, len(demoRequirements))
	for i, d := range demoRequirements {
		r, err := s.Create(ctx, cons, id, requirement.Input{Title: d.title, Description: d.desc, Module: d.module, SourceKind: d.source, SourceRef: d.ref,
			RaisedBy: d.raisedBy, Acceptance: d.acceptance, Priority: d.priority, Value: d.value, Effort: d.effort, CustomerVisible: !d.internal})
		if err != nil {
			return fmt.Errorf("%s: %w", d.title, err)
		}
		ids[i] = r.ID
	}
	step := func(who *access.Principal, action, comment string, pick func(d demoReq) bool) error {
		var sel []int64
		for i, d := range demoRequirements {
			if pick(d) {
				sel = append(sel, ids[i])
			}
		}
		if len(sel) == 0 {
			return nil
		}
		_, err := s.Review(ctx, who, id, requirement.ReviewInput{IDs: sel, Action: action, Comment: comment})
		return err
	}
	inReview := func(d demoReq) bool { return d.state != "" }
	if err := step(cons, requirement.ActionSubmit, "", inReview); err != nil {
		return err
	}
	for i, d := range demoRequirements {
		var action string
		switch d.state {
		case "confirmed", "implemented":
			action = requirement.ActionConfirm
		case "clarify":
			action = requirement.ActionClarify
		case "reject":
			action = requirement.ActionReject
		default:
			continue
		}
		if _, err := s.Review(ctx, cpm, id, requirement.ReviewInput{IDs: []int64{ids[i]}, Action: action, Comment: d.comment}); err != nil {
			return fmt.Errorf("%s %s: %w", action, d.title, err)
		}
	}
	if err := step(cons, requirement.ActionImplement, "", func(d demoReq) bool { return d.state == "implemented" }); err != nil {
		return err
	}
	for _, f := range demoFunctions {
		var rids []int64
		for _, i := range f.reqs {
			rids = append(rids, ids[i])
		}
		fn, err := s.CreateFunction(ctx, cons, id, requirement.FunctionInput{Title: f.title, Type: f.typ, EffortTenths: f.days, RequirementIDs: rids})
		if err != nil {
			return fmt.Errorf("function %s: %w", f.title, err)
		}
		if f.tasks {
			if _, _, err := s.GenerateTasks(ctx, pm, id, fn.ID); err != nil {
				return fmt.Errorf("tasks of %s: %w", f.title, err)
			}
		}
	}
	return nil
}
