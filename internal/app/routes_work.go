package app

// workRoutes registers the work module's pages and API (tasks, board,
// Gantt, iterations, my work). Called from routes.
func (a *App) workRoutes() {
}
