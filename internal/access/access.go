// Package access decides who may do what. One table maps project roles to
// actions; Principal and Scope travel from the request into every service
// call so that queries are filtered by the caller, not by the URL.
//
// Rules that hold everywhere:
//   - A customer user sees only projects of their own company that they are
//     a member of. Everything else answers "not found", never "forbidden",
//     so ids of other companies' objects reveal nothing.
//   - Items marked internal and every cost, rate and margin field are for
//     vendor staff only; CostView is narrower still (PM, finance, admin).
//   - A system administrator may do everything on the vendor side.
package access

// Role is a person's role on a project (and the default role of an account).
type Role string

const (
	RoleAdmin      Role = "admin"
	RolePM         Role = "pm"
	RoleConsultant Role = "consultant"
	RoleDeveloper  Role = "developer"
	RoleFinance    Role = "finance"
	RoleCustomerPM Role = "customer_pm"
	RoleKeyUser    Role = "key_user"
	RoleExecutive  Role = "executive"
)

// VendorRoles and CustomerRoles list the roles of each side in display order.
var (
	VendorRoles   = []Role{RolePM, RoleConsultant, RoleDeveloper, RoleFinance, RoleAdmin}
	CustomerRoles = []Role{RoleCustomerPM, RoleKeyUser, RoleExecutive}
)

// IsVendor reports whether the role belongs to the implementation side.
func (r Role) IsVendor() bool {
	for _, v := range VendorRoles {
		if v == r {
			return true
		}
	}
	return false
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	if r.IsVendor() {
		return true
	}
	for _, c := range CustomerRoles {
		if c == r {
			return true
		}
	}
	return false
}

// Action is something a member may do on a project.
type Action string

const (
	ProjectView    Action = "project.view"
	ProjectEdit    Action = "project.edit"
	ProjectArchive Action = "project.archive"
	ProjectDelete  Action = "project.delete"
	MemberView     Action = "member.view"
	MemberManage   Action = "member.manage"
	ActivityView   Action = "activity.view"
	InternalView   Action = "internal.view" // items marked internal
	CostView       Action = "cost.view"     // costs, rates, budgets, margins

	// Work (tasks, board, workflow). Customers read customer-visible tasks
	// only; that filter is InternalView's, applied in SQL by the work module.
	TaskView       Action = "task.view"
	TaskCreate     Action = "task.create"
	TaskEdit       Action = "task.edit" // edit, move on the board, dependencies
	TaskDelete     Action = "task.delete"
	WorkflowManage Action = "workflow.manage" // statuses and WIP limits

	// Gantt: rescheduling is TaskEdit; freezing a named baseline of the
	// plan is the PM's.
	BaselineManage Action = "baseline.manage"

	// Methodology (phases, gates, milestones, deliverables, charter,
	// stakeholders, RACI, health). Templates are system-level: managed by
	// administrators (Principal.CanAdminister), read by vendor accounts.
	// Signing the charter is personal: only the sponsor named on it may,
	// whatever their role, so it is not a row here.
	MethodologyEdit   Action = "methodology.edit"   // phases, milestones, deliverables, charter, RACI, apply a template
	GateDecide        Action = "gate.decide"        // record a gate review and its decision
	DeliverableAccept Action = "deliverable.accept" // accept or reject a submitted deliverable
	StakeholderEdit   Action = "stakeholder.edit"   // stakeholder register and A/B responsibilities
	HealthOverride    Action = "health.override"    // override the computed project health

	// Working calendar per project (internal/workcal): every member reads
	// it; the PM sets a project's holidays and make-up days. Instance-wide
	// days are administrators' (Principal.CanAdminister).
	CalendarEdit Action = "calendar.edit"
	// Data migration (migration objects, field specifications, runs,
	// sample verification, reconciliation). Migration data is the
	// customer's own, so their people see it; vendor staff who build the
	// specification edit it; whoever owns the data may run a file through
	// it; the customer signs the sample check.
	MigrationView       Action = "migration.view" // objects, specs, runs, reports
	MigrationEdit       Action = "migration.edit" // objects, specifications, code maps, reconciliation, delete
	MigrationRun        Action = "migration.run"  // upload a file and run it, cancel, draw a sample
	MigrationSignSample Action = "migration.sign" // sign off a drawn sample

	// Fund centre (internal/funds): contracts, payment milestones,
	// invoices, receipts, receivables, cash-flow forecast. Vendor PM and
	// finance see and manage everything (funds.view, funds.manage); the
	// customer-facing part (funds.view_customer: the payment schedule,
	// invoices and what is due, never internal notes or receipts' bank
	// references) is also open to the customer's PM and executive, for
	// their own company's projects. Key users are left out: payment terms
	// are commercial, not theirs to test.
	FundsView         Action = "funds.view"
	FundsManage       Action = "funds.manage"
	FundsViewCustomer Action = "funds.view_customer"
	// Requirements (internal/requirement): the pool, review, priority
	// matrix, function list, traceability. Everyone on the project reads
	// (customers only customer-visible requirements); the delivery team
	// edits and builds the function list; the customer PM reviews.
	RequirementView   Action = "requirement.view"
	RequirementEdit   Action = "requirement.edit"   // create, edit, delete, submit, matrix, functions, generate tasks (with TaskCreate)
	RequirementReview Action = "requirement.review" // confirm, ask for clarification, reject, accept
	// Research (internal/research): questionnaires, interview and
	// site-observation records. Everyone on the project reads what is
	// theirs to see (customers: questionnaires sent to them and records
	// not marked internal); PM and consultants run the research; the
	// customer PM and key users answer what was sent to them.
	ResearchView   Action = "research.view"
	ResearchManage Action = "research.manage" // questionnaires, records, reopen, to requirement
	ResearchAnswer Action = "research.answer" // fill in a questionnaire sent to you

	// Change control and requirement baselines (internal/change). Voting
	// is personal (members of the project's board) and so is signing a
	// baseline (its named signers), so neither is a row here.
	ChangeView    Action = "change.view"    // change requests, board, baselines, change log
	ChangeRequest Action = "change.request" // open a change request (either side)
	ChangeManage  Action = "change.manage"  // board, signers, baselines, close a vote, pre-approve a standard change
	// Finance: labor records and expenses (internal/finance). Vendor staff
	// enter their own labor and expenses; the PM approves them (and may
	// enter for anyone, e.g. a subcontractor's day workers); budgets,
	// subcontractors and closed months are the PM's and finance's. Seeing
	// any cost, rate or budget figure stays CostView.
	LaborEnter    Action = "labor.enter"    // own labor records and expenses: enter, submit, withdraw drafts
	LaborApprove  Action = "labor.approve"  // approve/reject labor and expenses, enter for others, reversals
	FinanceManage Action = "finance.manage" // budgets and revisions, subcontractors and workers, closed months
	BudgetApprove Action = "budget.approve" // approve or reject a budget version
	// Cost centre (internal/costcentre): reading it is CostView; the PM
	// sets the project's alert thresholds.
	CostSettings Action = "cost.settings"
)

// table is the roles × actions matrix. Keep it the only place that says who
// may do what; modules add their actions here as they arrive.
var table = map[Action][]Role{
	ProjectView:    {RolePM, RoleConsultant, RoleDeveloper, RoleFinance, RoleCustomerPM, RoleKeyUser, RoleExecutive},
	ProjectEdit:    {RolePM},
	ProjectArchive: {RolePM},
	ProjectDelete:  {RolePM},
	MemberView:     {RolePM, RoleConsultant, RoleDeveloper, RoleFinance, RoleCustomerPM, RoleKeyUser, RoleExecutive},
	MemberManage:   {RolePM},
	ActivityView:   {RolePM, RoleConsultant, RoleDeveloper, RoleFinance, RoleCustomerPM, RoleKeyUser, RoleExecutive},
	InternalView:   {RolePM, RoleConsultant, RoleDeveloper, RoleFinance},
	CostView:       {RolePM, RoleFinance},
	TaskView:       {RolePM, RoleConsultant, RoleDeveloper, RoleFinance, RoleCustomerPM, RoleKeyUser, RoleExecutive},
	TaskCreate:     {RolePM, RoleConsultant, RoleDeveloper},
	TaskEdit:       {RolePM, RoleConsultant, RoleDeveloper},
	TaskDelete:     {RolePM},
	WorkflowManage: {RolePM},
	BaselineManage: {RolePM},

	MethodologyEdit:   {RolePM},
	GateDecide:        {RolePM},
	DeliverableAccept: {RoleCustomerPM},
	StakeholderEdit:   {RolePM, RoleConsultant},
	HealthOverride:    {RolePM},

	// Working calendar (internal/workcal).
	CalendarEdit: {RolePM},
	// Data migration: finance reads (opening balances are theirs to check)
	// but changes nothing.
	MigrationView:       {RolePM, RoleConsultant, RoleDeveloper, RoleFinance, RoleCustomerPM, RoleKeyUser, RoleExecutive},
	MigrationEdit:       {RolePM, RoleConsultant},
	MigrationRun:        {RolePM, RoleConsultant, RoleCustomerPM, RoleKeyUser},
	MigrationSignSample: {RoleCustomerPM, RoleKeyUser},

	// Fund centre (internal/funds).
	FundsView:         {RolePM, RoleFinance},
	FundsManage:       {RolePM, RoleFinance},
	FundsViewCustomer: {RolePM, RoleFinance, RoleCustomerPM, RoleExecutive},
	// Requirements (internal/requirement).
	RequirementView:   {RolePM, RoleConsultant, RoleDeveloper, RoleFinance, RoleCustomerPM, RoleKeyUser, RoleExecutive},
	RequirementEdit:   {RolePM, RoleConsultant},
	RequirementReview: {RoleCustomerPM},
	// Research (internal/research).
	ResearchView:   {RolePM, RoleConsultant, RoleDeveloper, RoleFinance, RoleCustomerPM, RoleKeyUser, RoleExecutive},
	ResearchManage: {RolePM, RoleConsultant},
	ResearchAnswer: {RoleCustomerPM, RoleKeyUser},

	// Change control (internal/change).
	ChangeView:    {RolePM, RoleConsultant, RoleDeveloper, RoleFinance, RoleCustomerPM, RoleKeyUser, RoleExecutive},
	ChangeRequest: {RolePM, RoleConsultant, RoleCustomerPM, RoleKeyUser},
	ChangeManage:  {RolePM},
	// Finance (internal/finance).
	LaborEnter:    {RolePM, RoleConsultant, RoleDeveloper, RoleFinance},
	LaborApprove:  {RolePM},
	FinanceManage: {RolePM, RoleFinance},
	BudgetApprove: {RolePM},
	// Cost centre (internal/costcentre).
	CostSettings: {RolePM},
}

var allowed = func() map[Action]map[Role]bool {
	m := map[Action]map[Role]bool{}
	for a, roles := range table {
		m[a] = map[Role]bool{}
		for _, r := range roles {
			m[a][r] = true
		}
	}
	return m
}()

// RoleCan reports whether a project role permits an action.
func RoleCan(r Role, a Action) bool {
	if r == RoleAdmin {
		return true
	}
	return allowed[a][r]
}

// Actions returns every action in the table, for tests and documentation.
func Actions() []Action {
	out := make([]Action, 0, len(table))
	for a := range table {
		out = append(out, a)
	}
	return out
}

// Principal is the authenticated caller.
type Principal struct {
	UserID    int64
	CompanyID int64
	Name      string
	Email     string
	Role      Role // the account's default role
	Admin     bool
	Vendor    bool // belongs to the vendor company
	Locale    string
	ViaToken  bool // authenticated with an API token
}

// CanCreateProject: administrators and vendor project managers.
func (p *Principal) CanCreateProject() bool {
	return p != nil && p.Vendor && (p.Admin || p.Role == RolePM)
}

// CanAdminister: accounts, companies, the whole audit log.
func (p *Principal) CanAdminister() bool { return p != nil && p.Admin && p.Vendor }

// Membership is the caller's standing on one project.
type Membership struct {
	ProjectID int64
	Role      Role
	Member    bool
}

// Can reports whether the caller may do a on the project of m. Admins may
// do everything on every project; customers never get vendor-only actions
// even if a role were mis-assigned.
func (p *Principal) Can(m Membership, a Action) bool {
	if p == nil {
		return false
	}
	if p.Admin && p.Vendor {
		return true
	}
	if !m.Member {
		return false
	}
	if !p.Vendor && m.Role.IsVendor() {
		return false
	}
	return RoleCan(m.Role, a)
}

// Scope is the visibility filter every list query applies.
type Scope struct {
	All       bool  // administrators
	UserID    int64 // otherwise: projects this user is a live member of
	CompanyID int64 // and, for customers, of their own company
	Customer  bool
}

// ScopeOf derives the caller's scope.
func (p *Principal) Scope() Scope {
	if p.Admin && p.Vendor {
		return Scope{All: true}
	}
	return Scope{UserID: p.UserID, CompanyID: p.CompanyID, Customer: !p.Vendor}
}

// ProjectFilter returns a SQL condition on a projects alias and its args.
// It is the one place the visibility rule is written in SQL.
func (s Scope) ProjectFilter(alias string) (string, []any) {
	if s.All {
		return "1=1", nil
	}
	cond := alias + ".id IN (SELECT project_id FROM project_members WHERE user_id = ? AND deleted_ms IS NULL)"
	args := []any{s.UserID}
	if s.Customer {
		cond += " AND " + alias + ".customer_company_id = ?"
		args = append(args, s.CompanyID)
	}
	return cond, args
}

// costFields names every JSON/field key that carries a cost, rate, budget or
// margin figure. Audit timelines, exports and API responses strip them for
// callers without CostView. Modules add their keys here.
var costFields = map[string]bool{
	"budget_minor": true,

	// Fund centre (internal/funds): contract amounts, tax, the payment
	// schedule and the contract's internal notes are for PM, finance and
	// administrators; the module's audit rows are also internal, so
	// customers never see them at all.
	"amount_minor":       true,
	"tax_minor":          true,
	"tax_rate_bp":        true,
	"payment_milestones": true,
	"contract_notes":     true,
	"cost_minor":         true, // a change request's cost (internal/change)
	// Finance (internal/finance).
	// (cost_minor, amount_minor and tax_minor are listed above.)
	"rate_minor":     true,
	"cost_day_minor": true, "cost_hour_minor": true, "bill_day_minor": true, "bill_hour_minor": true,
	"bill_minor": true, "base_minor": true, "contingency_minor": true, "total_minor": true,
	"change_cost_minor": true, "contingency_pct": true, "lines": true,
	"cost_day": true, "cost_hour": true, "bill_day": true, "bill_hour": true, "cost": true, "bill": true, "amount": true, "tax": true,
	// Cost centre (internal/costcentre).
	"actual_minor": true, "burn_avg_minor": true, "forecast_minor": true,
	"margin_minor": true, "margin_pct": true, "margin_at_completion_minor": true,
	"margin_at_completion_pct": true, "pv_minor": true, "ev_minor": true, "ac_minor": true,
	"cpi_threshold_pct": true,
}

// IsCostField reports whether a field name carries money a customer must
// never see.
func IsCostField(name string) bool { return costFields[name] }
