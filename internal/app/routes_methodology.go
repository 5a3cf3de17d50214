package app

// methodologyRoutes registers the methodology module's pages and API
// (templates, calendar, phases and gates, milestones, deliverables,
// charter, stakeholders, RACI). Called from routes.
func (a *App) methodologyRoutes() {
}
