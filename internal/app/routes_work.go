package app

import (
	"golive/internal/access"
	"golive/internal/web"
	"golive/internal/work"
)

// workRoutes registers the work module's pages and API (tasks, board,
// Gantt, iterations, my work). Called from routes.
func (a *App) workRoutes() {
	a.workCoreRoutes()
	a.ganttRoutes()
	a.calendarRoutes() // the working calendar sits with the plan in the navigation
	a.planXLSXRoutes()
	a.iterationRoutes()
	a.workflowRoutes()
	a.mspdiRoutes()         // h3: MS Project XML import
	a.iterationEditRoutes() // h3: iteration edit form and capacity
}

// workCoreRoutes: tasks (WBS), the kanban board with its live stream, the
// workflow, dependencies and "my work".
func (a *App) workCoreRoutes() {
	s := a.Server
	w := work.NewWeb(a.Work)
	api := work.NewAPI(a.Work)

	s.AddProjectNav("work.nav_tasks", "/tasks", "tasks")
	s.AddProjectNav("work.nav_board", "/board", "board")

	s.Page("GET /my", w.My)
	s.Page("GET /projects/{id}/tasks", w.List)
	s.Page("GET /projects/{id}/tasks.xlsx", w.Export)
	s.Page("GET /projects/{id}/tasks/new", w.New)
	s.Page("POST /projects/{id}/tasks", w.Create)
	s.Page("GET /projects/{id}/tasks/{tid}", w.Show)
	s.Page("GET /projects/{id}/tasks/{tid}/edit", w.Edit)
	s.Page("POST /projects/{id}/tasks/{tid}/edit", w.Update)
	s.Page("POST /projects/{id}/tasks/{tid}/delete", w.Delete)
	s.Page("POST /projects/{id}/tasks/{tid}/dependencies", w.AddDependency)
	s.Page("POST /projects/{id}/tasks/{tid}/dependencies/{did}/delete", w.RemoveDependency)
	s.Page("GET /projects/{id}/board", w.Board)
	s.Page("GET /projects/{id}/board/cards/{tid}", w.Card)
	s.Page("GET /projects/{id}/board/events", w.Events)
	s.Page("GET /projects/{id}/workflow", w.Workflow)
	s.Page("POST /projects/{id}/workflow/{sid}", w.UpdateStatus)

	type D = web.Doc
	doc := web.WithDoc
	filters := []string{"status", "assignee", "phase", "iteration", "label", "q", "page", "per_page"}
	s.API("GET /api/v1/projects/{id}/tasks", api.List, doc(D{Tag: "work", Summary: "List a project's tasks (customers see customer-visible tasks only); assignee, phase, iteration take an id or \"none\"", Out: work.Task{}, Paged: true, Query: filters}))
	s.API("POST /api/v1/projects/{id}/tasks", api.Create, doc(D{Tag: "work", Summary: "Create a task (numbered per project; effort in minutes)", In: work.Input{}, Out: work.Task{}, Status: 201}))
	s.API("GET /api/v1/projects/{id}/tasks/{tid}", api.Get, doc(D{Tag: "work", Summary: "Get one task with assignees, watchers and checklist", Out: work.Task{}}))
	s.API("PATCH /api/v1/projects/{id}/tasks/{tid}", api.Update, doc(D{Tag: "work", Summary: "Change a task: members left out keep their value; 0 clears parent_id, phase_id, iteration_id; send the version you read (stale: 409)", In: work.Patch{}, Out: work.Task{}}))
	s.API("DELETE /api/v1/projects/{id}/tasks/{tid}", api.Delete, doc(D{Tag: "work", Summary: "Move a task and its subtasks to the trash (PM)", Status: 204}))
	s.API("POST /api/v1/projects/{id}/tasks/{tid}/restore", api.Restore, doc(D{Tag: "work", Summary: "Restore a task (and the subtasks deleted with it) from the trash", Out: work.Task{}}))
	s.API("POST /api/v1/projects/{id}/tasks/{tid}/move", api.Move, doc(D{Tag: "work", Summary: "Move a card on the board: into a status, between before_id (above) and after_id (below); 0 at a column end", In: work.MoveInput{}, Out: work.Task{}}))
	s.API("GET /api/v1/projects/{id}/dependencies", api.Dependencies, doc(D{Tag: "work", Summary: "List dependencies between the project's tasks (task: only those touching one task)", Out: []work.Dependency{}, Query: []string{"task"}}))
	s.API("POST /api/v1/projects/{id}/dependencies", api.AddDependency, doc(D{Tag: "work", Summary: "Link two tasks of the project (FS/SS/FF/SF, lag in working days); a cycle is refused naming its tasks", In: work.DepInput{}, Out: work.Dependency{}, Status: 201}))
	s.API("DELETE /api/v1/projects/{id}/dependencies/{did}", api.RemoveDependency, doc(D{Tag: "work", Summary: "Remove a dependency", Status: 204}))
	s.API("GET /api/v1/projects/{id}/workflow", api.Workflow, doc(D{Tag: "work", Summary: "The project's status workflow with WIP limits", Out: []work.Status{}}))
	s.API("PATCH /api/v1/projects/{id}/workflow/{sid}", api.UpdateStatus, doc(D{Tag: "work", Summary: "Rename a status or change its WIP limit (PM; empty name restores the default)", In: work.StatusInput{}, Out: work.Status{}}))
	s.API("GET /api/v1/my/tasks", api.MyWork, doc(D{Tag: "work", Summary: "Open tasks assigned to the caller across projects: overdue, today, this week, later", Out: work.MyGroupsJSON{}}))
}

// ----- Gantt (work package, gantt*.go): chart, reschedule, baselines, schedule -----

// ganttRoutes: the Gantt page with its reschedule and baseline forms, and
// the API the chart's drag and other clients use.
func (a *App) ganttRoutes() {
	s := a.Server
	gw := work.NewGanttWeb(a.Work)
	gapi := work.NewGanttAPI(a.Work)

	s.AddProjectNav("nav.gantt", "/gantt", "gantt")

	s.Page("GET /projects/{id}/gantt", gw.Page)
	s.Page("POST /projects/{id}/gantt/reschedule", gw.Reschedule)
	s.Page("POST /projects/{id}/baselines", gw.CreateBaseline)

	type D = web.Doc
	doc := web.WithDoc
	s.API("GET /api/v1/projects/{id}/schedule", gapi.Schedule, doc(D{Tag: "work", Summary: "Critical-path analysis of the plan: ES/EF/LS/LF, total float and critical flag per task in working days (baseline: add baseline dates and slippage)", Out: work.Schedule{}, Query: []string{"baseline"}}))
	s.API("POST /api/v1/projects/{id}/tasks/{tid}/reschedule", gapi.Reschedule, doc(D{Tag: "work", Summary: "Move a task to a new start and push its successors on the working calendar; send the version you read (stale: 409)", In: work.RescheduleInput{}, Out: work.Rescheduled{}}))
	s.API("GET /api/v1/projects/{id}/baselines", gapi.Baselines, doc(D{Tag: "work", Summary: "List the project's named baselines", Out: []work.Baseline{}}))
	s.API("POST /api/v1/projects/{id}/baselines", gapi.CreateBaseline, doc(D{Tag: "work", Summary: "Freeze every task's start and due date as a named baseline (PM)", In: work.BaselineInput{}, Out: work.Baseline{}, Status: 201}))
}

// ----- Iterations (work package, iteration*.go): sprints, planning, burndown, velocity -----

// iterationRoutes: the iterations pages and API. Customers get 404 on all of them
// (iterations sum internal tasks; see work.Service.iterAccess).
func (a *App) iterationRoutes() {
	s := a.Server
	iapi := work.NewIterationAPI(a.Work)
	iw := work.NewIterationWeb(a.Work)

	s.AddProjectNav("nav.iterations", "/iterations", "iterations", access.InternalView)

	s.Page("GET /projects/{id}/iterations", iw.List)
	s.Page("POST /projects/{id}/iterations", iw.Create)
	s.Page("POST /projects/{id}/iterations/assign", iw.Assign)
	s.Page("GET /projects/{id}/iterations/{iid}", iw.Show)
	s.Page("POST /projects/{id}/iterations/{iid}/close", iw.Close)

	type D = web.Doc
	doc := web.WithDoc
	s.API("GET /api/v1/projects/{id}/iterations", iapi.List, doc(D{Tag: "work", Summary: "List the project's iterations with committed, remaining and done effort (minutes); not for customers", Out: []work.Iteration{}}))
	s.API("POST /api/v1/projects/{id}/iterations", iapi.Create, doc(D{Tag: "work", Summary: "Create an iteration (PM); an empty end_date means two weeks from start_date; end before start is refused", In: work.IterationInput{}, Out: work.Iteration{}, Status: 201}))
	s.API("GET /api/v1/projects/{id}/iterations/velocity", iapi.Velocity, doc(D{Tag: "work", Summary: "Completed estimate (minutes) per closed iteration, oldest first", Out: []work.Velocity{}}))
	s.API("POST /api/v1/projects/{id}/iterations/assign", iapi.Assign, doc(D{Tag: "work", Summary: "Plan tasks into an open iteration, or back to the backlog with iteration_id 0", In: work.AssignInput{}, Out: work.Assigned{}}))
	s.API("GET /api/v1/projects/{id}/iterations/{iid}", iapi.Get, doc(D{Tag: "work", Summary: "Get one iteration with its totals", Out: work.Iteration{}}))
	s.API("PATCH /api/v1/projects/{id}/iterations/{iid}", iapi.Update, doc(D{Tag: "work", Summary: "Change an iteration's name, dates, goal and focus factor (PM; focus_pct 0 means 70); send the version you read (stale: 409)", In: work.IterationInput{}, Out: work.Iteration{}}))
	s.API("POST /api/v1/projects/{id}/iterations/{iid}/close", iapi.Close, doc(D{Tag: "work", Summary: "Close an iteration (PM): unfinished tasks move to move_to (an open iteration) or the backlog (0); stale version: 409", In: work.CloseInput{}, Out: work.Iteration{}}))
	s.API("GET /api/v1/projects/{id}/iterations/{iid}/burndown", iapi.Burndown, doc(D{Tag: "work", Summary: "Remaining effort per working day of the project calendar against the ideal line (task changes record the daily snapshots)", Out: work.Burndown{}}))
}

// ----- plan round-trip through Excel (work package, planxlsx*.go) -----

func (a *App) planXLSXRoutes() {
	s := a.Server
	w := work.NewWeb(a.Work)
	s.Page("GET /projects/{id}/plan.xlsx", w.PlanExport)
	s.Page("GET /projects/{id}/plan/import", w.PlanImportForm)
	// The upload may be larger than ordinary forms; the importer enforces its own limits beyond this.
	s.Page("POST /projects/{id}/plan/import", w.PlanImport, web.BodyLimit(work.PlanMaxBytes+1<<20))
}

// ----- workflow shape (work package, workflow*.go): add, reorder, remove, restore statuses -----

// workflowRoutes: the PM shapes the project's status workflow. Renaming
// and WIP limits stay with workCoreRoutes.
func (a *App) workflowRoutes() {
	s := a.Server
	w := work.NewWeb(a.Work)
	api := work.NewAPI(a.Work)

	s.Page("POST /projects/{id}/workflow", w.AddStatus)
	s.Page("POST /projects/{id}/workflow/{sid}/move", w.MoveStatus)
	s.Page("POST /projects/{id}/workflow/{sid}/delete", w.RemoveStatus)
	s.Page("POST /projects/{id}/workflow/{sid}/restore", w.RestoreStatus)

	type D = web.Doc
	doc := web.WithDoc
	s.API("POST /api/v1/projects/{id}/workflow", api.AddStatus, doc(D{Tag: "work", Summary: "Add a status at the end of the workflow (PM): a name unique in the workflow and a category (todo, doing, review, done, cancelled) that decides what counts as done", In: work.NewStatusInput{}, Out: work.Status{}, Status: 201}))
	s.API("PUT /api/v1/projects/{id}/workflow/order", api.ReorderStatuses, doc(D{Tag: "work", Summary: "Reorder the workflow (PM): every live status once, each with the version you read (a status changed meanwhile: 409)", In: work.ReorderInput{}, Out: []work.Status{}}))
	s.API("POST /api/v1/projects/{id}/workflow/{sid}/remove", api.RemoveStatus, doc(D{Tag: "work", Summary: "Remove a status (PM, soft): its tasks move to target_id in the same transaction; the first status and the last of category done cannot be removed", In: work.RemoveStatusInput{}, Out: work.Removal{}}))
	s.API("GET /api/v1/projects/{id}/workflow/removed", api.RemovedStatuses, doc(D{Tag: "work", Summary: "Statuses removed from the workflow, newest first (restorable)", Out: []work.Status{}}))
	s.API("POST /api/v1/projects/{id}/workflow/{sid}/restore", api.RestoreStatus, doc(D{Tag: "work", Summary: "Restore a removed status at the end of the workflow (PM)", Out: work.Status{}}))
}

// ----- MS Project XML (MSPDI) import (work package, mspdi*.go) -----

// mspdiRoutes: the MS Project upload shares the plan import page (GET
// /projects/{id}/plan/import) and its preview/apply steps.
func (a *App) mspdiRoutes() {
	w := work.NewWeb(a.Work)
	a.Server.Page("POST /projects/{id}/plan/import/mspdi", w.MSPDIImport, web.BodyLimit(work.PlanMaxBytes+1<<20))
}

// iterationEditRoutes: the iteration's edit form and the capacity of its
// members (work package, iteration_edit_web.go, iteration_capacity.go).
func (a *App) iterationEditRoutes() {
	s := a.Server
	iw := work.NewIterationWeb(a.Work)
	iapi := work.NewIterationAPI(a.Work)
	s.Page("GET /projects/{id}/iterations/{iid}/edit", iw.Edit)
	s.Page("POST /projects/{id}/iterations/{iid}/edit", iw.Update)
	s.Page("POST /projects/{id}/iterations/{iid}/capacity", iw.Capacity)

	type D = web.Doc
	doc := web.WithDoc
	s.API("GET /api/v1/projects/{id}/iterations/{iid}/capacity", iapi.Capacity, doc(D{Tag: "work", Summary: "Per member: available time (working days of the project calendar × 8 h × focus factor, or the PM's figure) against the committed estimate; not for customers", Out: work.Capacity{}}))
	s.API("PUT /api/v1/projects/{id}/iterations/{iid}/capacity", iapi.SetCapacity, doc(D{Tag: "work", Summary: "Set members' available minutes for an iteration (PM); members left out use the default; send the iteration's version (stale: 409)", In: work.CapacityInput{}, Out: work.Capacity{}}))
}
