package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"golive/internal/access"
	"golive/internal/app"
	"golive/internal/methodology"
	"golive/internal/project"
)

// LoadMethodology gives the demo projects their method: the built-in
// template applied on the project's dates (modules by product), the gate
// of 启动 passed and later gates reviewed as far as today, the first
// deliverables accepted by the customer, a stakeholder register with A/B
// roles (one responsibility left without a backup, so the overview warns),
// and a charter: signed V1 on the first project, a draft awaiting its
// sponsor on the others. Run it before LoadWork, which builds on the
// template's tasks.
func LoadMethodology(ctx context.Context, a *app.App, projectIDs []int64) error {
	vendor, err := a.Auth.VendorCompany(ctx)
	if err != nil {
		return err
	}
	sys := &access.Principal{Name: "demo", Admin: true, Vendor: true, CompanyID: vendor.ID}
	tpls, err := a.Methodology.ListTemplates(ctx, sys)
	if err != nil {
		return err
	}
	var builtin int64
	for _, t := range tpls {
		if t.Builtin {
			builtin = t.ID
		}
	}
	for i, id := range projectIDs {
		if err := loadProjectMethod(ctx, a, sys, builtin, id, i == 0); err != nil {
			return fmt.Errorf("methodology of project %d: %w", id, err)
		}
	}
	return nil
}

// demoModules picks the template modules a product's project implements.
func demoModules(product string) []string {
	switch product {
	case "MES":
		return []string{"production", "quality", "inventory"}
	case "WMS":
		return []string{"inventory", "sales"}
	}
	return []string{"finance", "purchasing", "sales"}
}

// moduleNames are a product's demo modules by their Chinese names.
func moduleNames(product string) string {
	names := map[string]string{}
	for _, m := range methodology.DefaultBody().Modules {
		names[m.Key] = m.Name.ZH
	}
	var out []string
	for _, k := range demoModules(product) {
		out = append(out, names[k])
	}
	return strings.Join(out, "、")
}

// methMember is a project member with a principal to act as.
type methMember struct {
	project.Member
	p *access.Principal
}

func loadProjectMethod(ctx context.Context, a *app.App, sys *access.Principal, tplID, projectID int64, signed bool) error {
	m := a.Methodology
	pr, _, err := a.Projects.Get(ctx, sys, projectID)
	if err != nil {
		return err
	}
	ms, err := a.Projects.Members(ctx, sys, projectID)
	if err != nil {
		return err
	}
	byRole := map[access.Role][]methMember{}
	for _, mb := range ms {
		u, err := a.Auth.GetUser(ctx, sys, mb.UserID)
		if err != nil {
			return err
		}
		p := &access.Principal{UserID: u.ID, CompanyID: u.CompanyID, Name: u.Name, Role: u.Role, Vendor: u.Vendor}
		byRole[mb.Role] = append(byRole[mb.Role], methMember{mb, p})
	}
	one := func(r access.Role, i int) *methMember {
		if l := byRole[r]; i < len(l) {
			return &l[i]
		}
		return nil
	}
	pm := one(access.RolePM, 0)
	if pm == nil {
		return fmt.Errorf("project %s has no PM", pr.Code)
	}
	start := pr.StartDate
	if start == "" {
		start = time.Now().In(methChina).Format("2006-01-02")
	}
	if _, err := m.Apply(ctx, pm.p, projectID, methodology.ApplyInput{TemplateID: tplID, StartDate: start, GoLiveDate: pr.GoLiveDate,
		Modules: demoModules(pr.Product), Lang: "zh-CN"}); err != nil {
		return err
	}
	today := time.Now().In(methChina).Format("2006-01-02")

	// Gates: 启动 passed; later phases that have ended reviewed too (one
	// with conditions), the phase under way left open.
	phases, err := m.Phases(ctx, pm.p, projectID)
	if err != nil {
		return err
	}
	for i, ph := range phases {
		if i > 0 && ph.EndDate >= today {
			break
		}
		// Passing a gate opens the next phase (a new version): read it afresh.
		if ph, err = m.Phase(ctx, pm.p, projectID, ph.ID); err != nil {
			return err
		}
		in := methodology.GateInput{Decision: methodology.GatePass, Version: ph.Version}
		for range ph.Gate {
			in.Items = append(in.Items, methodology.GateResult{Done: true})
		}
		if i == 1 && len(in.Items) > 0 {
			in.Decision = methodology.GateConditional
			in.Items[len(in.Items)-1] = methodology.GateResult{Done: false, Note: "仓储模块问卷缺 2 份"}
			in.Comment = "遗留：补齐仓储模块调研问卷，周五前由客户项目经理确认。"
		} else if len(in.Items) > 0 {
			in.Items[0].Note = "已归档"
		}
		if _, err := m.ReviewGate(ctx, pm.p, projectID, ph.ID, in); err != nil {
			return fmt.Errorf("gate %s: %w", ph.Name, err)
		}
	}
	// Milestones of reviewed phases are reached, except the latest one on
	// projects other than the first (so the portfolio shows some amber).
	mss, err := m.Milestones(ctx, pm.p, projectID)
	if err != nil {
		return err
	}
	owner := pm.UserID
	for i, x := range mss {
		if x.DueDate >= today || (!signed && i > 0 && i+1 < len(mss) && mss[i+1].DueDate >= today) {
			continue
		}
		if _, err := m.SaveMilestone(ctx, pm.p, projectID, x.ID, methodology.MilestoneInput{Name: x.Name, PhaseID: methDeref(x.PhaseID), DueDate: x.DueDate,
			OwnerID: owner, Status: methodology.MilestoneDone, CustomerVisible: x.CustomerVisible, Version: x.Version}); err != nil {
			return err
		}
	}

	// Deliverables of the phases whose gate has been reviewed are handed
	// over and accepted (the customer's by the customer PM, internal ones
	// by the PM), except the last one, still awaiting the customer.
	cpm := one(access.RoleCustomerPM, 0)
	reviewed := map[int64]bool{}
	if phases, err = m.Phases(ctx, pm.p, projectID); err != nil {
		return err
	}
	for _, ph := range phases {
		if ph.GateDecision != "" {
			reviewed[ph.ID] = true
		}
	}
	ds, err := m.Deliverables(ctx, pm.p, projectID, methodology.DeliverableFilter{})
	if err != nil {
		return err
	}
	var handed []methodology.Deliverable
	for _, d := range ds {
		if d.PhaseID != nil && reviewed[*d.PhaseID] {
			handed = append(handed, d)
		}
	}
	consultant := one(access.RoleConsultant, 0)
	for i, d := range handed {
		in := methodology.DeliverableInput{Name: d.Name, PhaseID: *d.PhaseID, DueDate: d.DueDate, CustomerVisible: d.CustomerVisible, Version: d.Version, OwnerID: pm.UserID}
		if i%2 == 1 && consultant != nil {
			in.OwnerID = consultant.UserID
		}
		if d, err = m.SaveDeliverable(ctx, pm.p, projectID, d.ID, in); err != nil {
			return err
		}
		if d, err = m.SubmitDeliverable(ctx, pm.p, projectID, d.ID, methodology.VersionInput{Version: d.Version}); err != nil {
			return err
		}
		switch {
		case i == len(handed)-1 && d.CustomerVisible:
			// Awaiting the customer PM.
		case d.CustomerVisible && cpm != nil:
			_, err = m.AcceptDeliverable(ctx, cpm.p, projectID, d.ID, methodology.ReviewInput{Comment: "内容完整，同意。", Version: d.Version})
		case !d.CustomerVisible:
			_, err = m.AcceptDeliverable(ctx, pm.p, projectID, d.ID, methodology.ReviewInput{Comment: "内部评审通过。", Version: d.Version})
		}
		if err != nil {
			return err
		}
	}

	if err := loadStakeholders(ctx, a, pm.p, pr, byRole); err != nil {
		return err
	}
	return loadCharter(ctx, a, pm.p, pr, one(access.RoleExecutive, 0), signed)
}

func methDeref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

var methChina = time.FixedZone("CST", 8*3600)

var methJobTitles = map[access.Role]string{
	access.RolePM: "实施项目经理", access.RoleConsultant: "实施顾问", access.RoleDeveloper: "开发工程师", access.RoleFinance: "项目财务",
	access.RoleCustomerPM: "信息部经理", access.RoleKeyUser: "关键用户", access.RoleExecutive: "分管副总",
}

// loadStakeholders registers every member (and one person without an
// account) and sets up A/B roles on both sides, the custom development one
// without a backup.
func loadStakeholders(ctx context.Context, a *app.App, pm *access.Principal, pr project.Project, byRole map[access.Role][]methMember) error {
	m := a.Methodology
	ids := map[int64]int64{} // user -> stakeholder
	n := 0
	for _, role := range append(append([]access.Role{}, access.CustomerRoles...), access.VendorRoles...) {
		for _, mb := range byRole[role] {
			side := methodology.SideCustomer
			if mb.Vendor {
				side = methodology.SideVendor
			}
			n++
			in := methodology.StakeholderInput{Side: side, UserID: mb.UserID, Name: mb.Name, Company: mb.CompanyName, JobTitle: methJobTitles[role], Email: mb.Email,
				Phone: fmt.Sprintf("138-%04d-%04d", 1000+n*37, 2000+n*53), IMID: fmt.Sprintf("wx_%s_%d", role, n), Influence: 3, Interest: 3}
			switch role {
			case access.RoleExecutive:
				in.Influence, in.Interest, in.Expectations, in.Notes = 5, 3, "春节前上线，不影响出货。", "关注投入产出，汇报以结果为先，每月一次简报即可。"
			case access.RoleCustomerPM:
				in.Influence, in.Interest, in.Expectations, in.Notes = 4, 5, "需求确认少返工，关键用户培训到位。", "决策快，偏好企业微信沟通；周三下午例会。"
			case access.RoleKeyUser:
				in.Influence, in.Interest, in.Expectations, in.Notes = 2, 4, "报工操作简单，少录入。", "一线经验丰富，对新系统有顾虑，需提前演示。"
			case access.RolePM:
				in.Influence, in.Interest = 4, 5
			}
			s, err := m.SaveStakeholder(ctx, pm, pr.ID, 0, in)
			if err != nil {
				return fmt.Errorf("stakeholder %s: %w", mb.Name, err)
			}
			ids[mb.UserID] = s.ID
		}
	}
	ops, err := m.SaveStakeholder(ctx, pm, pr.ID, 0, methodology.StakeholderInput{Side: methodology.SideCustomer, Name: "钱工", Company: pr.CustomerName,
		JobTitle: "IT 运维工程师", Phone: "0512-6688-1234", Influence: 2, Interest: 3, Expectations: "上线后运维手册齐全。", Notes: "负责服务器与网络，夜间切换需提前一周预约。"})
	if err != nil {
		return err
	}
	sid := func(r access.Role, i int) int64 {
		if l := byRole[r]; i < len(l) {
			return ids[l[i].UserID]
		}
		return 0
	}
	orB := func(b, alt int64) int64 {
		if b != 0 {
			return b
		}
		return alt
	}
	resps := []methodology.ResponsibilityInput{
		{Side: methodology.SideCustomer, Name: "需求确认与签字", PrimaryID: sid(access.RoleCustomerPM, 0), BackupID: sid(access.RoleKeyUser, 0)},
		{Side: methodology.SideCustomer, Name: "基础数据提供", PrimaryID: sid(access.RoleKeyUser, 0), BackupID: orB(sid(access.RoleKeyUser, 1), sid(access.RoleCustomerPM, 0))},
		{Side: methodology.SideCustomer, Name: "上线决策（Go/No-Go）", PrimaryID: sid(access.RoleExecutive, 0), BackupID: sid(access.RoleCustomerPM, 0)},
		{Side: methodology.SideCustomer, Name: "服务器与网络", PrimaryID: ops.ID, BackupID: sid(access.RoleCustomerPM, 0)},
		{Side: methodology.SideVendor, Name: "项目管理", PrimaryID: sid(access.RolePM, 0), BackupID: sid(access.RoleConsultant, 0)},
		{Side: methodology.SideVendor, Name: "系统配置", PrimaryID: sid(access.RoleConsultant, 0), BackupID: orB(sid(access.RoleConsultant, 1), sid(access.RolePM, 0))},
		// The gap the overview warns about: nobody backs up the developer.
		{Side: methodology.SideVendor, Name: "定制开发与接口", PrimaryID: sid(access.RoleDeveloper, 0)},
	}
	for _, r := range resps {
		if r.PrimaryID == 0 {
			continue
		}
		if r.BackupID == r.PrimaryID {
			r.BackupID = 0
		}
		if _, err := m.SaveResponsibility(ctx, pm, pr.ID, 0, r); err != nil {
			return fmt.Errorf("responsibility %s: %w", r.Name, err)
		}
	}
	return nil
}

// loadCharter writes the charter with the customer's executive as
// sponsor; signed says whether the sponsor has signed V1.
func loadCharter(ctx context.Context, a *app.App, pm *access.Principal, pr project.Project, sponsor *methMember, signed bool) error {
	if sponsor == nil {
		return nil
	}
	budget := "合同额与预算见财务台账；实施人天按计划 85% 控制，预留 10% 风险准备金。"
	in := methodology.CharterInput{
		Objectives:      pr.Description + "\n以工作日历排期，" + pr.GoLiveDate + " 正式上线，上线后一个月完成运维交接。",
		ScopeIn:         "实施模块：" + moduleNames(pr.Product) + "\n基础数据与期初数据迁移\n关键用户与最终用户培训\n上线切换与一个月运维支持",
		ScopeOut:        "硬件采购与网络改造\n与本项目无关的历史数据清理\n二期功能（移动端审批）",
		SuccessCriteria: "按期上线，上线首月关键业务单据 100% 在系统内流转\n严重缺陷清零，关键用户考核通过率 ≥ 90%\n客户签署项目验收报告",
		KeyDates:        "项目启动：" + pr.StartDate + "\n上线切换：" + pr.GoLiveDate,
		BudgetSummary:   &budget,
		SponsorID:       sponsor.UserID,
	}
	c, err := a.Methodology.SaveCharter(ctx, pm, pr.ID, in)
	if err != nil {
		return err
	}
	if signed {
		_, err = a.Methodology.SignCharter(ctx, sponsor.p, pr.ID, methodology.VersionInput{Version: c.Version})
	}
	return err
}
