package app

import (
	"net/http"

	"golive/internal/audit"
	"golive/internal/auth"
	"golive/internal/project"
	"golive/internal/trash"
	"golive/internal/web"
)

// routes is the one list of every endpoint. The authorization matrix test
// and the OpenAPI document are both checked against what is registered
// here, so a new route without a test row or a document entry fails CI.
func (a *App) routes(views *web.Views) {
	s := a.Server
	acc := auth.NewWeb(a.Auth)
	accAPI := auth.NewAPI(a.Auth)
	pw := project.NewWeb(a.Projects, a.Auth)
	papi := project.NewAPI(a.Projects)

	s.CatchAll()

	// A project's module navigation, in display order. Modules add theirs here.
	s.AddProjectNav("nav.overview", "", "overview")

	// Operations.
	s.Handle("GET /static/", views.StaticHandler())
	s.Handle("GET /healthz", http.HandlerFunc(a.healthz))
	s.Handle("GET /readyz", http.HandlerFunc(a.readyz))
	s.Handle("GET /metrics", a.Metrics.Handler(Version))
	s.Handle("GET /api/v1/openapi.json", http.HandlerFunc(a.openapi))

	// Session and account pages.
	s.Page("GET /{$}", acc.Home, web.Public)
	s.Page("GET /login", acc.LoginForm, web.Public)
	s.Page("POST /login", acc.Login, web.Public)
	s.Page("POST /logout", acc.Logout, web.Public)
	s.Page("POST /lang", acc.SetLang, web.Public)
	s.Page("GET /settings", acc.Settings)
	s.Page("POST /settings/password", acc.ChangePassword)
	s.Page("POST /settings/tokens", acc.CreateToken)
	s.Page("POST /settings/tokens/{id}/revoke", acc.RevokeToken)

	// Administration.
	s.Page("GET /admin/users", acc.Users)
	s.Page("POST /admin/users", acc.CreateUser)
	s.Page("POST /admin/users/{id}/reset", acc.ResetPassword)
	s.Page("POST /admin/users/{id}/disabled", acc.SetDisabled)
	s.Page("GET /admin/companies", acc.Companies)
	s.Page("POST /admin/companies", acc.CreateCompany)
	s.Page("GET /admin/audit", a.Audit.Page)
	s.Page("GET /admin/audit.xlsx", a.Audit.Export)

	// Projects.
	s.Page("GET /projects", pw.List)
	s.Page("GET /projects.xlsx", pw.Export)
	s.Page("GET /projects/new", pw.New)
	s.Page("POST /projects", pw.Create)
	s.Page("GET /projects/{id}", pw.Show)
	s.Page("GET /projects/{id}/edit", pw.Edit)
	s.Page("POST /projects/{id}/edit", pw.Update)
	s.Page("POST /projects/{id}/archive", pw.Archive)
	s.Page("POST /projects/{id}/delete", pw.Delete)
	s.Page("GET /projects/{id}/members", pw.Members)
	s.Page("POST /projects/{id}/members", pw.AddMember)
	s.Page("POST /projects/{id}/members/{mid}/delete", pw.RemoveMember)
	s.Page("GET /projects/{id}/activity", pw.Activity)

	// Modules, each in its own routes_<module>.go.
	a.methodologyRoutes()
	a.workRoutes()
	a.discussRoutes() // comments, attachments, watchers, notifications
	a.dataMigrationRoutes()
	a.researchRoutes() // questionnaires, interviews, observations (internal/research)
	a.requirementRoutes()
	a.changeRoutes()     // requirement baselines and change control
	a.financeRoutes()    // labor records, expenses, budgets, rates
	a.fundsRoutes()      // fund centre: contracts, payment milestones, receivables
	a.costCentreRoutes() // cost centre and the portfolio finance view
	// Members and activity close every project's navigation.
	s.AddProjectNav("nav.members", "/members", "members")
	s.AddProjectNav("nav.activity", "/activity", "activity")

	// Trash.
	s.Page("GET /trash", a.Trash.Page)
	s.Page("POST /trash/{kind}/{id}/restore", a.Trash.RestoreForm)

	// REST API.
	type D = web.Doc
	doc := web.WithDoc
	s.API("GET /api/v1/me", accAPI.Me, doc(D{Tag: "accounts", Summary: "The caller's account", Out: auth.Me{}}))
	s.API("GET /api/v1/companies", accAPI.Companies, doc(D{Tag: "accounts", Summary: "List companies (customers see only their own)", Out: []auth.Company{}}))
	s.API("POST /api/v1/companies", accAPI.CreateCompany, doc(D{Tag: "accounts", Summary: "Create a company (administrators)", In: auth.CompanyInput{}, Out: auth.Company{}, Status: 201}))
	s.API("GET /api/v1/users", accAPI.Users, doc(D{Tag: "accounts", Summary: "List users", Out: []auth.User{}, Query: []string{"company_id"}}))
	s.API("POST /api/v1/users", accAPI.CreateUser, doc(D{Tag: "accounts", Summary: "Create a user (administrators)", In: auth.UserInput{}, Out: auth.User{}, Status: 201}))
	s.API("POST /api/v1/users/{id}/reset-password", accAPI.ResetPassword, doc(D{Tag: "accounts", Summary: "Give an account a new one-time password and end its sessions (administrators)", Out: auth.Password{}}))
	s.API("POST /api/v1/users/{id}/disabled", accAPI.SetDisabled, doc(D{Tag: "accounts", Summary: "Lock or unlock an account (administrators)", In: auth.DisabledInput{}, Out: auth.User{}}))
	s.API("GET /api/v1/tokens", accAPI.Tokens, doc(D{Tag: "accounts", Summary: "List the caller's API tokens", Out: []auth.APIToken{}}))
	s.API("POST /api/v1/tokens", accAPI.CreateToken, doc(D{Tag: "accounts", Summary: "Create an API token (the secret is returned once)", In: auth.TokenInput{}, Out: auth.NewToken{}, Status: 201}))
	s.API("DELETE /api/v1/tokens/{id}", accAPI.RevokeToken, doc(D{Tag: "accounts", Summary: "Revoke one of the caller's API tokens", Status: 204}))

	s.API("GET /api/v1/projects", papi.List, doc(D{Tag: "projects", Summary: "List visible projects", Out: project.Project{}, Paged: true, Query: []string{"q", "status", "sort", "page", "per_page"}}))
	s.API("POST /api/v1/projects", papi.Create, doc(D{Tag: "projects", Summary: "Create a project (the caller becomes its PM)", In: project.Input{}, Out: project.Project{}, Status: 201}))
	s.API("GET /api/v1/projects/{id}", papi.Get, doc(D{Tag: "projects", Summary: "Get one project", Out: project.Project{}}))
	s.API("PATCH /api/v1/projects/{id}", papi.Update, doc(D{Tag: "projects", Summary: "Update a project (send the version you read; a stale version is 409)", In: project.Input{}, Out: project.Project{}}))
	s.API("POST /api/v1/projects/{id}/archive", papi.Archive, doc(D{Tag: "projects", Summary: "Archive or reopen a project", In: project.ArchiveInput{}, Out: project.Project{}}))
	s.API("DELETE /api/v1/projects/{id}", papi.Delete, doc(D{Tag: "projects", Summary: "Move a project to the trash", Status: 204}))
	s.API("POST /api/v1/projects/{id}/restore", papi.Restore, doc(D{Tag: "projects", Summary: "Restore a project from the trash", Out: project.Project{}}))
	s.API("GET /api/v1/projects/{id}/members", papi.Members, doc(D{Tag: "projects", Summary: "List members", Out: []project.Member{}}))
	s.API("POST /api/v1/projects/{id}/members", papi.AddMember, doc(D{Tag: "projects", Summary: "Add a member", In: project.MemberInput{}, Out: project.Member{}, Status: 201}))
	s.API("DELETE /api/v1/projects/{id}/members/{mid}", papi.RemoveMember, doc(D{Tag: "projects", Summary: "Remove a member", Status: 204}))
	s.API("GET /api/v1/projects/{id}/activity", papi.Activity, doc(D{Tag: "projects", Summary: "Project activity timeline", Out: audit.Row{}, Paged: true, Query: []string{"page", "per_page"}}))

	s.API("GET /api/v1/audit", a.Audit.API, doc(D{Tag: "audit", Summary: "The whole audit log (administrators)", Out: audit.Row{}, Paged: true, Query: []string{"entity", "action", "project_id", "actor_id", "from", "to", "page", "per_page"}}))
	s.API("GET /api/v1/trash", a.Trash.APIList, doc(D{Tag: "trash", Summary: "Deleted items the caller may restore", Out: []trash.Item{}}))
	s.API("POST /api/v1/trash/{kind}/{id}/restore", a.Trash.APIRestore, doc(D{Tag: "trash", Summary: "Restore a deleted item", Status: 204}))
}

func (a *App) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

func (a *App) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := a.DB.Ping(r.Context()); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unreachable\n"))
		return
	}
	w.Write([]byte("ready\n"))
}
