package demo

import (
	"context"
	"fmt"
	"time"

	"golive/internal/access"
	"golive/internal/app"
	"golive/internal/apperr"
	"golive/internal/calendar"
	"golive/internal/work"
)

// LoadWork brings the demo projects' plans to life for the board and "my
// work": each task of the plan (the template's, when the methodology demo
// created them; otherwise one package per lifecycle stage) gets a few
// subtasks spread over its dates and chained finish-to-start, people of
// the project as assignees, effort, labels and checklists; everything
// before today is done except a few tasks left overdue, what spans today
// is in progress or waiting for review, the rest is to do. Tasks of
// customer-facing work are visible to the customer. Run it after the
// phases (and the template's tasks) exist, before LoadBaselines.
func LoadWork(ctx context.Context, a *app.App, projectIDs []int64) error {
	today := calendar.Of(time.Now().In(time.FixedZone("CST", 8*3600)))
	for _, id := range projectIDs {
		if err := loadProjectWork(ctx, a, id, today); err != nil {
			return fmt.Errorf("work of project %d: %w", id, err)
		}
	}
	return nil
}

// stage is what the demo knows of one lifecycle stage.
type stage struct {
	key, name string
	packages  []string // work packages of a plan without template tasks
	steps     []string // the subtasks of a task of this stage
	labels    []string
	customer  bool // customer-facing work: visible to the customer
	lead      access.Role
}

var stages = []stage{
	{"initiation", "启动", []string{"项目启动会", "项目章程与计划", "环境与账号准备"}, []string{"准备材料", "召开会议", "形成纪要"}, []string{"项目管理"}, true, access.RolePM},
	{"requirements", "需求调研", []string{"生产管理需求调研", "质量管理需求调研", "仓储物流需求调研", "设备与报表需求调研"}, []string{"访谈准备", "现场调研", "整理记录", "客户确认"}, []string{"调研"}, true, access.RoleConsultant},
	{"design", "方案设计", []string{"业务蓝图设计", "差异分析与方案", "集成接口设计", "报表与单据设计"}, []string{"方案草拟", "内部评审", "客户评审", "定稿发布"}, []string{"方案"}, true, access.RoleConsultant},
	{"configuration", "系统配置", []string{"基础数据配置", "业务流程配置", "权限与审批配置", "报表开发"}, []string{"参数配置", "配置自测", "配置记录归档"}, []string{"配置"}, false, access.RoleConsultant},
	{"migration", "数据迁移", []string{"物料主数据迁移", "客户与供应商迁移", "BOM 与工艺路线迁移", "期初库存迁移"}, []string{"模板下发", "数据清洗", "试导入", "差异核对"}, []string{"数据迁移"}, true, access.RoleDeveloper},
	{"testing", "测试验证", []string{"集成测试", "用户验收测试（UAT）", "性能测试"}, []string{"编写用例", "执行测试", "缺陷修复", "回归验证"}, []string{"测试"}, true, access.RoleDeveloper},
	{"training", "培训", []string{"关键用户培训", "最终用户培训", "操作速查卡"}, []string{"编写教材", "培训实施", "考核签到"}, []string{"培训"}, true, access.RoleConsultant},
	{"golive", "上线切换", []string{"上线准备评审", "数据切换", "上线支持"}, []string{"切换演练", "正式切换", "上线值守"}, []string{"上线"}, true, access.RolePM},
	{"hypercare", "运维优化", []string{"运维问题处理", "系统优化", "项目总结"}, []string{"问题跟踪", "优化建议", "运维周报"}, []string{"运维"}, true, access.RoleConsultant},
}

// internalSteps are the vendor's own steps, hidden from the customer
// even in customer-facing work.
var internalSteps = map[string]bool{"准备材料": true, "访谈准备": true, "整理记录": true, "方案草拟": true, "内部评审": true, "配置自测": true,
	"配置记录归档": true, "试导入": true, "编写用例": true, "缺陷修复": true, "编写教材": true, "切换演练": true, "问题跟踪": true}

func stageOf(key string) stage {
	for _, s := range stages {
		if s.key == key {
			return s
		}
	}
	return stages[3]
}

// pkg is a task of the plan that receives subtasks.
type pkg struct {
	id       int64 // 0: to be created
	title    string
	phaseID  *int64
	stage    stage
	start    calendar.Date
	due      calendar.Date
	version  int64
	customer bool
}

type people struct {
	pm, devs, consultants, keyUsers, customerPMs []int64
}

func (pp people) pick(r access.Role, n int) []int64 {
	var from []int64
	switch r {
	case access.RolePM:
		from = pp.pm
	case access.RoleDeveloper:
		from = pp.devs
	default:
		from = pp.consultants
	}
	if len(from) == 0 {
		from = pp.pm
	}
	if len(from) == 0 {
		return nil
	}
	return []int64{from[n%len(from)]}
}

func loadProjectWork(ctx context.Context, a *app.App, projectID int64, today calendar.Date) error {
	pm, err := projectPM(ctx, a, projectID)
	if err != nil {
		return err
	}
	var pp people
	members, err := a.Projects.Members(ctx, pm, projectID)
	if err != nil {
		return err
	}
	for _, m := range members {
		switch m.Role {
		case access.RolePM:
			pp.pm = append(pp.pm, m.UserID)
		case access.RoleDeveloper:
			pp.devs = append(pp.devs, m.UserID)
		case access.RoleConsultant:
			pp.consultants = append(pp.consultants, m.UserID)
		case access.RoleKeyUser:
			pp.keyUsers = append(pp.keyUsers, m.UserID)
		case access.RoleCustomerPM:
			pp.customerPMs = append(pp.customerPMs, m.UserID)
		}
	}
	cal := calendar.ChinaCalendar()
	pkgs, err := packages(ctx, a, pm, projectID, cal)
	if err != nil {
		return err
	}
	n := 0
	for _, pk := range pkgs {
		if pk.id == 0 {
			t, err := a.Work.Create(ctx, pm, projectID, work.Input{Title: pk.title, PhaseID: pk.phaseID, StartDate: pk.start.String(), DueDate: pk.due.String(),
				CustomerVisible: pk.customer, Priority: "normal", AssigneeIDs: pp.pick(pk.stage.lead, n)})
			if err != nil {
				return err
			}
			pk.id, pk.version = t.ID, t.Version
		}
		days := cal.WorkdaysBetween(pk.start, pk.due.AddDays(1))
		steps := pk.stage.steps
		if days < len(steps) {
			steps = steps[:max(days, 1)]
		}
		var prev int64
		var lastStatus string
		for i, step := range steps {
			// Split the package's working days into consecutive slices.
			k0, k1 := i*days/len(steps), (i+1)*days/len(steps)-1
			if k1 < k0 {
				k1 = k0
			}
			start, due := cal.AddWorkdays(pk.start, k0), cal.AddWorkdays(pk.start, k1)
			n++
			status := statusFor(start, due, today, n)
			who := pp.pick(pk.stage.lead, n)
			visible := pk.customer && !internalSteps[step]
			if visible && (step == "客户确认" || step == "客户评审" || step == "培训实施" || step == "数据清洗" || step == "执行测试") && len(pp.keyUsers) > 0 {
				who = append(who, pp.keyUsers[n%len(pp.keyUsers)])
			}
			est := int64(cal.WorkdaysBetween(start, due.AddDays(1))) * 360
			rem := est
			switch status {
			case "done":
				rem = 0
			case "doing", "review":
				rem = est / 2
			}
			prio := "normal"
			switch n % 11 {
			case 3:
				prio = "high"
			case 7:
				prio = "urgent"
			case 9:
				prio = "low"
			}
			in := work.Input{Title: pk.title + " · " + step, ParentID: &pk.id, PhaseID: pk.phaseID, Status: status, Priority: prio,
				StartDate: start.String(), DueDate: due.String(), EstimateMin: est, RemainingMin: rem, Labels: pk.stage.labels,
				CustomerVisible: visible, AssigneeIDs: who}
			if i == len(steps)-1 {
				in.Checklist = []work.ChecklistInput{{Text: "输出物已归档", Done: status == "done"}, {Text: "相关方已确认", Done: status == "done" || status == "review"}}
			}
			if visible && len(pp.customerPMs) > 0 && i == len(steps)-1 {
				in.WatcherIDs = []int64{pp.customerPMs[0]}
			}
			t, err := a.Work.Create(ctx, pm, projectID, in)
			if err != nil {
				return fmt.Errorf("%s: %w %v", in.Title, err, apperr.As(err).Fields)
			}
			if prev != 0 {
				if _, err := a.Work.AddDependency(ctx, pm, projectID, work.DepInput{PredID: prev, SuccID: t.ID, Type: "FS"}); err != nil {
					return err
				}
			}
			prev, lastStatus = t.ID, status
		}
		// The package takes the state of its last step, and its lead.
		cur, _, err := a.Work.Get(ctx, pm, projectID, pk.id)
		if err != nil {
			return err
		}
		status := lastStatus
		if status == "" {
			status = statusFor(pk.start, pk.due, today, n)
		}
		p := work.Patch{Status: &status, Version: cur.Version}
		if len(cur.Assignees) == 0 {
			lead := pp.pick(pk.stage.lead, n)
			p.AssigneeIDs = &lead
		}
		if _, err := a.Work.Patch(ctx, pm, projectID, pk.id, p); err != nil {
			return fmt.Errorf("%s: %w", pk.title, err)
		}
	}
	return nil
}

// statusFor decides a demo task's state from its dates: the past is done
// (one in eight left overdue), what spans today is in progress or in
// review, the future is to do.
func statusFor(start, due, today calendar.Date, n int) string {
	switch {
	case due < today:
		if n%8 == 5 {
			return "doing"
		}
		return "done"
	case start <= today:
		if n%3 == 0 {
			return "review"
		}
		return "doing"
	}
	return "todo"
}

// packages are the plan's tasks that receive subtasks: the top-level
// tasks already there (from the template), or else one per phase, or,
// without phases, one per lifecycle stage across the project's dates.
func packages(ctx context.Context, a *app.App, pm *access.Principal, projectID int64, cal *calendar.Calendar) ([]pkg, error) {
	var out []pkg
	rows, err := a.DB.Query(ctx, `SELECT t.id, t.title, t.phase_id, COALESCE(ph.key, ''), t.start_date, t.due_date, t.version, t.customer_visible,
		COALESCE(ph.start_date, ''), COALESCE(ph.end_date, '')
		FROM tasks t LEFT JOIN phases ph ON ph.id = t.phase_id
		WHERE t.project_id = ? AND t.parent_id IS NULL AND t.deleted_ms IS NULL AND t.start_date IS NOT NULL AND t.due_date IS NOT NULL AND t.milestone = ?
		ORDER BY t.start_date, t.number`, projectID, false)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var p pkg
		var key, start, due, phStart, phEnd string
		if err := rows.Scan(&p.id, &p.title, &p.phaseID, &key, &start, &due, &p.version, &p.customer, &phStart, &phEnd); err != nil {
			rows.Close()
			return nil, err
		}
		p.stage = stageOf(key)
		if p.start, err = calendar.Parse(start); err != nil {
			continue
		}
		if p.due, err = calendar.Parse(due); err != nil {
			continue
		}
		// Subtasks must lie within the phase: keep the package inside it.
		if d, err := calendar.Parse(phStart); err == nil && p.start < d {
			p.start = cal.Next(d)
		}
		if d, err := calendar.Parse(phEnd); err == nil && p.due > d {
			p.due = cal.Prev(d)
		}
		if p.due < p.start {
			continue
		}
		// Customer-facing stages are visible to the customer even where
		// the template keeps the task internal.
		p.customer = p.customer || p.stage.customer
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) > 0 {
		return out, err
	}
	// No template tasks: each stage's work packages over its phase's
	// dates, or, without phases, over a ninth of the project each.
	type window struct {
		phaseID    *int64
		st         stage
		start, end calendar.Date
	}
	var wins []window
	prow, err := a.DB.Query(ctx, `SELECT id, key, start_date, end_date FROM phases WHERE project_id = ? AND deleted_ms IS NULL
		AND start_date IS NOT NULL AND end_date IS NOT NULL ORDER BY seq, id`, projectID)
	if err != nil {
		return nil, err
	}
	for prow.Next() {
		var id int64
		var key, s0, s1 string
		if err := prow.Scan(&id, &key, &s0, &s1); err != nil {
			prow.Close()
			return nil, err
		}
		start, e1 := calendar.Parse(s0)
		end, e2 := calendar.Parse(s1)
		if e1 == nil && e2 == nil && cal.WorkdaysBetween(start, end.AddDays(1)) > 0 {
			wins = append(wins, window{phaseID: &id, st: stageOf(key), start: cal.Next(start), end: cal.Prev(end)})
		}
	}
	prow.Close()
	if err := prow.Err(); err != nil {
		return nil, err
	}
	if len(wins) == 0 {
		pr, _, err := a.Projects.Get(ctx, pm, projectID)
		if err != nil {
			return nil, err
		}
		start, err := calendar.Parse(pr.StartDate)
		if err != nil {
			start = calendar.Of(time.Now()).AddDays(-60)
		}
		end, err := calendar.Parse(pr.GoLiveDate)
		if err != nil || end <= start {
			end = start.AddDays(180)
		}
		total := cal.WorkdaysBetween(start, end)
		for i, st := range stages {
			k0, k1 := i*total/len(stages), (i+1)*total/len(stages)-1
			wins = append(wins, window{st: st, start: cal.AddWorkdays(start, k0), end: cal.AddWorkdays(start, max(k1, k0))})
		}
	}
	for _, w := range wins {
		for _, title := range w.st.packages {
			out = append(out, pkg{title: title, phaseID: w.phaseID, stage: w.st, start: w.start, due: w.end, customer: w.st.customer})
		}
	}
	return out, nil
}
