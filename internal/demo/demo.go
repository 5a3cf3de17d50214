// Package demo loads a realistic demo into an empty instance so that a
// newcomer lands in a living project: an implementation vendor, two
// customers (a precision manufacturer taking an MES live and a retail
// chain taking a WMS live) with their people and a project each. Later
// modules extend it.
package demo

import (
	"context"
	"fmt"
	"strings"

	"golive/internal/access"
	"golive/internal/app"
	"golive/internal/auth"
	"golive/internal/db"
	"golive/internal/project"
)

// Password is the demo accounts' password, printed at start and in the
// README. Demo data is for evaluation only.
const Password = "golive-demo-2026"

type person struct {
	email, name string
	role        access.Role
}

var vendorPeople = []person{
	{"pm@demo.golive", "王磊", access.RolePM},
	{"consultant@demo.golive", "李娜", access.RoleConsultant},
	{"consultant2@demo.golive", "张伟", access.RoleConsultant},
	{"dev@demo.golive", "陈杰", access.RoleDeveloper},
	{"finance@demo.golive", "刘芳", access.RoleFinance},
}

type customer struct {
	company string
	people  []person
	project project.Input
}

var customers = []customer{
	{
		company: "苏州精工精密制造有限公司",
		people: []person{
			{"cpm@jinggong.demo", "周建国", access.RoleCustomerPM},
			{"keyuser@jinggong.demo", "吴晓燕", access.RoleKeyUser},
			{"keyuser2@jinggong.demo", "郑海", access.RoleKeyUser},
			{"exec@jinggong.demo", "孙总", access.RoleExecutive},
		},
		project: project.Input{Code: "JG-MES", Name: "精工 MES 制造执行系统实施", Product: "MES", StartDate: "2026-09-01", GoLiveDate: "2027-03-15",
			BudgetMinor: 186000000, Description: "覆盖三个车间的生产排程、工单报工、质量追溯与设备联网；上线目标：工单报工及时率 ≥ 95%，质量追溯到批次。"},
	},
	{
		company: "鲜丰连锁零售有限公司",
		people: []person{
			{"cpm@xianfeng.demo", "何丽", access.RoleCustomerPM},
			{"keyuser@xianfeng.demo", "马超", access.RoleKeyUser},
			{"exec@xianfeng.demo", "林董", access.RoleExecutive},
		},
		project: project.Input{Code: "XF-WMS", Name: "鲜丰 WMS 仓储管理上线", Product: "WMS", StartDate: "2026-10-08", GoLiveDate: "2027-01-20",
			BudgetMinor: 92000000, Description: "华东配送中心的收货、上架、波次拣货与冷链温控；春节前完成切换。"},
	},
}

// Load fills an instance that has no projects yet; it reports whether it
// loaded anything.
func Load(ctx context.Context, a *app.App) (bool, error) {
	vendor, err := a.Auth.VendorCompany(ctx)
	if err != nil {
		return false, err
	}
	sys := &access.Principal{UserID: 0, Name: "demo", Admin: true, Vendor: true, CompanyID: vendor.ID}
	existing, total, err := a.Projects.List(ctx, sys, project.ListFilter{}, pageOne)
	if err != nil {
		return false, err
	}
	if total > 0 || len(existing) > 0 {
		return false, nil
	}
	ids := map[string]int64{}
	for _, p := range vendorPeople {
		u, err := a.Auth.CreateUser(ctx, nil, auth.UserInput{Email: p.email, Name: p.name, CompanyID: vendor.ID, Role: string(p.role), Password: Password})
		if err != nil {
			return false, fmt.Errorf("%s: %w", p.email, err)
		}
		ids[p.email] = u.ID
	}
	var projectIDs []int64
	pmPrincipal := &access.Principal{UserID: ids["pm@demo.golive"], CompanyID: vendor.ID, Name: "王磊", Role: access.RolePM, Vendor: true}
	for _, c := range customers {
		co, err := a.Auth.CreateCompany(ctx, nil, auth.CompanyInput{Name: c.company, Kind: "customer"})
		if err != nil {
			return false, err
		}
		in := c.project
		in.CustomerCompanyID = co.ID
		pr, err := a.Projects.Create(ctx, pmPrincipal, in)
		if err != nil {
			return false, fmt.Errorf("project %s: %w", in.Code, err)
		}
		projectIDs = append(projectIDs, pr.ID)
		for _, p := range vendorPeople[1:] {
			if _, err := a.Projects.AddMember(ctx, pmPrincipal, pr.ID, project.MemberInput{UserID: ids[p.email], Role: string(p.role)}); err != nil {
				return false, err
			}
		}
		for _, p := range c.people {
			u, err := a.Auth.CreateUser(ctx, nil, auth.UserInput{Email: p.email, Name: p.name, CompanyID: co.ID, Role: string(p.role), Password: Password})
			if err != nil {
				return false, fmt.Errorf("%s: %w", p.email, err)
			}
			if _, err := a.Projects.AddMember(ctx, pmPrincipal, pr.ID, project.MemberInput{UserID: u.ID, Role: string(p.role)}); err != nil {
				return false, err
			}
		}
	}
	// Each module extends the projects, in dependency order: the method's
	// plan first, then the work on it, then a baseline of that plan.
	if err := LoadMethodology(ctx, a, projectIDs); err != nil {
		return false, fmt.Errorf("methodology: %w", err)
	}
	if err := LoadWork(ctx, a, projectIDs); err != nil {
		return false, fmt.Errorf("work: %w", err)
	}
	if err := LoadIterations(ctx, a, projectIDs); err != nil {
		return false, fmt.Errorf("iterations: %w", err)
	}
	if err := LoadDiscussion(ctx, a, projectIDs); err != nil {
		return false, fmt.Errorf("discussion: %w", err)
	}
	if err := LoadBaselines(ctx, a, projectIDs); err != nil {
		return false, fmt.Errorf("baselines: %w", err)
	}
	if err := LoadDataMigration(ctx, a, projectIDs); err != nil {
		return false, fmt.Errorf("data migration: %w", err)
	}
	if err := LoadRequirements(ctx, a, projectIDs); err != nil {
		return false, fmt.Errorf("requirements: %w", err)
	}
	if err := LoadFunds(ctx, a, projectIDs); err != nil {
		return false, fmt.Errorf("funds: %w", err)
	}
	if err := LoadResearch(ctx, a, projectIDs); err != nil {
		return false, fmt.Errorf("research: %w", err)
	}
	if err := LoadChange(ctx, a, projectIDs); err != nil {
		return false, fmt.Errorf("change control: %w", err)
	}
	if err := LoadFinance(ctx, a, projectIDs); err != nil {
		return false, fmt.Errorf("finance: %w", err)
	}
	if err := LoadCostCentre(ctx, a, projectIDs); err != nil {
		return false, fmt.Errorf("cost centre: %w", err)
	}
	return true, nil
}

// Credentials is what serve prints after loading the demo.
func Credentials() string {
	var b strings.Builder
	b.WriteString("\n  演示数据已加载 / Demo data loaded. Password for every demo account: " + Password + "\n")
	for _, p := range vendorPeople {
		fmt.Fprintf(&b, "    %-26s %s (%s)\n", p.email, p.name, p.role)
	}
	for _, c := range customers {
		for _, p := range c.people {
			fmt.Fprintf(&b, "    %-26s %s (%s, %s)\n", p.email, p.name, p.role, c.company)
		}
	}
	return b.String() + "\n"
}

var pageOne = db.Page{Number: 1, Size: 1}
