package app

import (
	"golive/internal/web"
	"golive/internal/workcal"
)

// calendarRoutes: the working calendar of a project (every member reads,
// the PM edits) and of the instance (administrators), as pages, Excel and
// API. Called from workRoutes, right after the Gantt, so the navigation
// entry sits with the plan.
func (a *App) calendarRoutes() {
	s := a.Server
	w := workcal.NewWeb(a.WorkCal)
	api := workcal.NewAPI(a.WorkCal)

	s.AddProjectNav("workcal.nav", "/calendar", "calendar")

	s.Page("GET /projects/{id}/calendar", w.Show)
	s.Page("GET /projects/{id}/calendar.xlsx", w.Export)
	s.Page("POST /projects/{id}/calendar/days", w.SetDay)
	s.Page("POST /projects/{id}/calendar/days/{day}/reset", w.ResetDay)
	s.Page("POST /projects/{id}/calendar/reschedule", w.RescheduleOffDays)
	s.Page("GET /admin/calendar", w.Show)
	s.Page("GET /admin/calendar.xlsx", w.Export)
	s.Page("POST /admin/calendar/days", w.SetDay)
	s.Page("POST /admin/calendar/days/{day}/reset", w.ResetDay)

	type D = web.Doc
	doc := web.WithDoc
	s.API("GET /api/v1/projects/{id}/calendar", api.Year, doc(D{Tag: "calendar", Summary: "A year of the project's working calendar: every day with working flag, holiday or make-up day, its name and which layer decided (china, instance, project); 2027's shipped days are provisional", Out: workcal.Year{}, Query: []string{"year"}}))
	s.API("PUT /api/v1/projects/{id}/calendar/days/{day}", api.SetDay, doc(D{Tag: "calendar", Summary: "Make a day (YYYY-MM-DD) a holiday or a make-up working day of the project, with a name (PM); version of the project's own entry for the day, 0 when it has none (stale: 409)", In: workcal.DayInput{}, Out: workcal.Cell{}}))
	s.API("POST /api/v1/projects/{id}/calendar/days/{day}/reset", api.ResetDay, doc(D{Tag: "calendar", Summary: "Reset a day of the project to the instance's or China's default (PM); send the entry's version", In: workcal.ResetInput{}, Out: workcal.Cell{}}))
	s.API("GET /api/v1/projects/{id}/calendar/off", api.OffCalendar, doc(D{Tag: "calendar", Summary: "Open tasks of the year that start or end on a day off of the current calendar, with the next working day to move to", Out: []workcal.OffDayDoc{}, Query: []string{"year"}}))
	s.API("POST /api/v1/projects/{id}/calendar/reschedule", api.RescheduleOffDays, doc(D{Tag: "calendar", Summary: "Move every open task of the year that starts on a day off to the next working day, pushing successors on the current calendar (task editors); tasks refused stay for the Gantt", Out: workcal.Rescheduled{}, Query: []string{"year"}}))
	s.API("GET /api/v1/calendar", api.Year, doc(D{Tag: "calendar", Summary: "A year of the instance-wide calendar (administrators)", Out: workcal.Year{}, Query: []string{"year"}}))
	s.API("PUT /api/v1/calendar/days/{day}", api.SetDay, doc(D{Tag: "calendar", Summary: "Set an instance-wide holiday or make-up working day, e.g. when the State Council publishes a year (administrators)", In: workcal.DayInput{}, Out: workcal.Cell{}}))
	s.API("POST /api/v1/calendar/days/{day}/reset", api.ResetDay, doc(D{Tag: "calendar", Summary: "Reset an instance-wide day to China's shipped default (administrators)", In: workcal.ResetInput{}, Out: workcal.Cell{}}))
}
