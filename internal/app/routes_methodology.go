package app

import (
	"golive/internal/methodology"
	"golive/internal/web"
)

// methodologyRoutes registers the methodology module's pages and API
// (templates, applying a template, phases and gates, milestones,
// deliverables, charter, stakeholders with A/B roles, RACI, health and the
// portfolio). Called from routes.
func (a *App) methodologyRoutes() {
	s := a.Server
	w := methodology.NewWeb(a.Methodology, a.Projects, a.Auth)
	api := methodology.NewAPI(a.Methodology)

	s.AddProjectNav("nav.phases", "/phases", "phases")
	s.AddProjectNav("nav.deliverables", "/deliverables", "deliverables")
	s.AddProjectNav("nav.charter", "/charter", "charter")
	s.AddProjectNav("nav.stakeholders", "/stakeholders", "stakeholders")
	s.AddProjectNav("nav.raci", "/raci", "raci")
	s.AddOverviewNotices(w.Notices)

	// Templates (administrators).
	s.Page("GET /admin/templates", w.Templates)
	s.Page("GET /admin/templates/{id}", w.TemplateEdit)
	s.Page("POST /admin/templates/{id}", w.TemplateSave)
	s.Page("POST /admin/templates/{id}/copy", w.TemplateCopy)
	s.Page("POST /admin/templates/{id}/delete", w.TemplateDelete)

	// A project from a template, or a template onto a project.
	s.Page("GET /projects/from-template", w.NewFromTemplate)
	s.Page("POST /projects/from-template", w.CreateFromTemplate)
	s.Page("GET /projects/{id}/apply-template", w.ApplyForm)
	s.Page("POST /projects/{id}/apply-template", w.Apply)

	// Phases, gates, milestones, health.
	s.Page("GET /projects/{id}/phases", w.Plan)
	s.Page("GET /projects/{id}/phases/{pid}/gate", w.Gate)
	s.Page("POST /projects/{id}/phases/{pid}/gate", w.ReviewGate)
	s.Page("POST /projects/{id}/milestones", w.CreateMilestone)
	s.Page("GET /projects/{id}/milestones/{mid}/edit", w.EditMilestone)
	s.Page("POST /projects/{id}/milestones/{mid}", w.UpdateMilestone)
	s.Page("POST /projects/{id}/health", w.OverrideHealth)

	// Deliverables.
	s.Page("GET /projects/{id}/deliverables", w.Deliverables)
	s.Page("GET /projects/{id}/deliverables.xlsx", w.ExportDeliverables)
	s.Page("POST /projects/{id}/deliverables", w.CreateDeliverable)
	s.Page("GET /projects/{id}/deliverables/{did}/edit", w.EditDeliverable)
	s.Page("POST /projects/{id}/deliverables/{did}", w.UpdateDeliverable)
	s.Page("POST /projects/{id}/deliverables/{did}/submit", w.DeliverableAction("submit"))
	s.Page("POST /projects/{id}/deliverables/{did}/accept", w.DeliverableAction("accept"))
	s.Page("POST /projects/{id}/deliverables/{did}/reject", w.DeliverableAction("reject"))

	// Charter.
	s.Page("GET /projects/{id}/charter", w.Charter)
	s.Page("GET /projects/{id}/charter/edit", w.EditCharter)
	s.Page("POST /projects/{id}/charter", w.SaveCharter)
	s.Page("POST /projects/{id}/charter/sign", w.SignCharter)
	s.Page("GET /projects/{id}/charter/diff", w.CharterDiff)

	// Stakeholders and A/B roles.
	s.Page("GET /projects/{id}/stakeholders", w.Stakeholders)
	s.Page("GET /projects/{id}/stakeholders.xlsx", w.ExportStakeholders)
	s.Page("POST /projects/{id}/stakeholders", w.CreateStakeholder)
	s.Page("GET /projects/{id}/stakeholders/{sid}/edit", w.EditStakeholder)
	s.Page("POST /projects/{id}/stakeholders/{sid}", w.UpdateStakeholder)
	s.Page("POST /projects/{id}/stakeholders/{sid}/delete", w.DeleteStakeholder)
	s.Page("POST /projects/{id}/responsibilities", w.SaveResponsibility)
	s.Page("POST /projects/{id}/responsibilities/{rid}", w.SaveResponsibility)
	s.Page("POST /projects/{id}/responsibilities/{rid}/delete", w.DeleteResponsibility)

	// RACI.
	s.Page("GET /projects/{id}/raci", w.RACI)
	s.Page("POST /projects/{id}/raci", w.SaveRACI)
	s.Page("POST /projects/{id}/raci/activities", w.AddActivity)
	s.Page("POST /projects/{id}/raci/activities/{aid}/delete", w.DeleteActivity)

	// Portfolio.
	s.Page("GET /portfolio", w.Portfolio)
	s.Page("GET /portfolio.xlsx", w.ExportPortfolio)

	// REST API.
	type D = web.Doc
	doc := web.WithDoc
	m := methodology.Template{}
	s.API("GET /api/v1/templates", api.Templates, doc(D{Tag: "methodology", Summary: "List implementation templates (vendor accounts)", Out: []methodology.Template{}}))
	s.API("POST /api/v1/templates", api.CreateTemplate, doc(D{Tag: "methodology", Summary: "Create a template (administrators); problems name the phase and row", In: methodology.TemplateInput{}, Out: m, Status: 201}))
	s.API("GET /api/v1/templates/{id}", api.Template, doc(D{Tag: "methodology", Summary: "Get one template with its body", Out: m}))
	s.API("PUT /api/v1/templates/{id}", api.UpdateTemplate, doc(D{Tag: "methodology", Summary: "Replace a template (administrators; the built-in one is read-only; stale version is 409)", In: methodology.TemplateInput{}, Out: m}))
	s.API("POST /api/v1/templates/{id}/copy", api.CopyTemplate, doc(D{Tag: "methodology", Summary: "Copy a template (administrators)", In: methodology.CopyInput{}, Out: m, Status: 201}))
	s.API("DELETE /api/v1/templates/{id}", api.DeleteTemplate, doc(D{Tag: "methodology", Summary: "Move a template to the trash (administrators; not the built-in one)", Status: 204}))

	s.API("POST /api/v1/projects/{id}/apply-template", api.Apply, doc(D{Tag: "methodology", Summary: "Generate phases, milestones, deliverables, tasks and RACI from a template (409 if the project has phases)", In: methodology.ApplyInput{}, Out: methodology.ApplyResult{}, Status: 201}))
	s.API("GET /api/v1/projects/{id}/phases", api.Phases, doc(D{Tag: "methodology", Summary: "List phases with their gates", Out: []methodology.Phase{}}))
	s.API("POST /api/v1/projects/{id}/phases/{pid}/gate", api.ReviewGate, doc(D{Tag: "methodology", Summary: "Record a gate review and decision (PM)", In: methodology.GateInput{}, Out: methodology.Phase{}}))
	s.API("GET /api/v1/projects/{id}/milestones", api.Milestones, doc(D{Tag: "methodology", Summary: "List milestones (customers: customer-visible ones)", Out: []methodology.Milestone{}}))
	s.API("POST /api/v1/projects/{id}/milestones", api.CreateMilestone, doc(D{Tag: "methodology", Summary: "Create a milestone", In: methodology.MilestoneInput{}, Out: methodology.Milestone{}, Status: 201}))
	s.API("PATCH /api/v1/projects/{id}/milestones/{mid}", api.UpdateMilestone, doc(D{Tag: "methodology", Summary: "Update a milestone (send the version you read)", In: methodology.MilestoneInput{}, Out: methodology.Milestone{}}))
	s.API("GET /api/v1/projects/{id}/deliverables", api.Deliverables, doc(D{Tag: "methodology", Summary: "List deliverables (customers: customer-visible ones)", Out: []methodology.Deliverable{}, Query: []string{"status", "phase_id"}}))
	s.API("POST /api/v1/projects/{id}/deliverables", api.CreateDeliverable, doc(D{Tag: "methodology", Summary: "Create a deliverable", In: methodology.DeliverableInput{}, Out: methodology.Deliverable{}, Status: 201}))
	s.API("PATCH /api/v1/projects/{id}/deliverables/{did}", api.UpdateDeliverable, doc(D{Tag: "methodology", Summary: "Update a deliverable (send the version you read)", In: methodology.DeliverableInput{}, Out: methodology.Deliverable{}}))
	s.API("POST /api/v1/projects/{id}/deliverables/{did}/submit", api.DeliverableAction("submit"), doc(D{Tag: "methodology", Summary: "Submit a deliverable for the customer's acceptance", In: methodology.VersionInput{}, Out: methodology.Deliverable{}}))
	s.API("POST /api/v1/projects/{id}/deliverables/{did}/accept", api.DeliverableAction("accept"), doc(D{Tag: "methodology", Summary: "Accept a submitted deliverable (customer PM)", In: methodology.ReviewInput{}, Out: methodology.Deliverable{}}))
	s.API("POST /api/v1/projects/{id}/deliverables/{did}/reject", api.DeliverableAction("reject"), doc(D{Tag: "methodology", Summary: "Reject a submitted deliverable with a reason (customer PM)", In: methodology.ReviewInput{}, Out: methodology.Deliverable{}}))

	s.API("GET /api/v1/projects/{id}/charter", api.Charter, doc(D{Tag: "methodology", Summary: "The charter (latest visible version, or ?v=N) and its versions", Out: methodology.CharterView{}, Query: []string{"v"}}))
	s.API("PUT /api/v1/projects/{id}/charter", api.SaveCharter, doc(D{Tag: "methodology", Summary: "Edit the charter draft, or start the next version after a signed one", In: methodology.CharterInput{}, Out: methodology.Charter{}}))
	s.API("POST /api/v1/projects/{id}/charter/sign", api.SignCharter, doc(D{Tag: "methodology", Summary: "Sign the latest charter draft (its sponsor only)", In: methodology.VersionInput{}, Out: methodology.Charter{}}))
	s.API("GET /api/v1/projects/{id}/charter/diff", api.CharterDiff, doc(D{Tag: "methodology", Summary: "What changed between two charter versions", Out: methodology.CharterDiff{}, Query: []string{"from", "to"}}))

	s.API("GET /api/v1/projects/{id}/stakeholders", api.Stakeholders, doc(D{Tag: "methodology", Summary: "Stakeholder register (assessments for vendor staff only)", Out: []methodology.Stakeholder{}}))
	s.API("POST /api/v1/projects/{id}/stakeholders", api.CreateStakeholder, doc(D{Tag: "methodology", Summary: "Add a stakeholder", In: methodology.StakeholderInput{}, Out: methodology.Stakeholder{}, Status: 201}))
	s.API("PATCH /api/v1/projects/{id}/stakeholders/{sid}", api.UpdateStakeholder, doc(D{Tag: "methodology", Summary: "Update a stakeholder (send the version you read)", In: methodology.StakeholderInput{}, Out: methodology.Stakeholder{}}))
	s.API("DELETE /api/v1/projects/{id}/stakeholders/{sid}", api.DeleteStakeholder, doc(D{Tag: "methodology", Summary: "Remove a stakeholder", Status: 204}))
	s.API("GET /api/v1/projects/{id}/responsibilities", api.Responsibilities, doc(D{Tag: "methodology", Summary: "A/B responsibilities with their warnings", Out: []methodology.Responsibility{}}))
	s.API("POST /api/v1/projects/{id}/responsibilities", api.CreateResponsibility, doc(D{Tag: "methodology", Summary: "Add a responsibility with its primary (A) and backup (B)", In: methodology.ResponsibilityInput{}, Out: methodology.Responsibility{}, Status: 201}))
	s.API("PATCH /api/v1/projects/{id}/responsibilities/{rid}", api.UpdateResponsibility, doc(D{Tag: "methodology", Summary: "Update a responsibility (send the version you read)", In: methodology.ResponsibilityInput{}, Out: methodology.Responsibility{}}))
	s.API("DELETE /api/v1/projects/{id}/responsibilities/{rid}", api.DeleteResponsibility, doc(D{Tag: "methodology", Summary: "Remove a responsibility", Status: 204}))

	s.API("GET /api/v1/projects/{id}/raci", api.RACI, doc(D{Tag: "methodology", Summary: "The RACI matrix", Out: methodology.RACIMatrix{}}))
	s.API("POST /api/v1/projects/{id}/raci/activities", api.CreateActivity, doc(D{Tag: "methodology", Summary: "Add a RACI activity (exactly one A)", In: methodology.RACIInput{}, Out: methodology.RACIActivity{}, Status: 201}))
	s.API("PATCH /api/v1/projects/{id}/raci/activities/{aid}", api.UpdateActivity, doc(D{Tag: "methodology", Summary: "Update a RACI activity and its cells (exactly one A)", In: methodology.RACIInput{}, Out: methodology.RACIActivity{}}))
	s.API("DELETE /api/v1/projects/{id}/raci/activities/{aid}", api.DeleteActivity, doc(D{Tag: "methodology", Summary: "Remove a RACI activity", Status: 204}))

	s.API("GET /api/v1/projects/{id}/health", api.Health, doc(D{Tag: "methodology", Summary: "Project health (red/amber/green) with its reasons", Out: methodology.Health{}}))
	s.API("PUT /api/v1/projects/{id}/health", api.OverrideHealth, doc(D{Tag: "methodology", Summary: "Override the health with a comment, or clear the override (PM)", In: methodology.HealthInput{}, Out: methodology.Health{}}))
	s.API("GET /api/v1/portfolio", api.Portfolio, doc(D{Tag: "methodology", Summary: "Every visible project with phase, health, progress, next milestone and go-live", Out: []methodology.PortfolioItem{}, Query: []string{"q", "status", "health", "product"}}))
}
