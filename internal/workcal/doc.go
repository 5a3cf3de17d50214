// Package workcal is the working calendar per project, editable per year.
//
// A project's calendar is layered: Saturday and Sunday off; China's public
// holidays and 调休 make-up working days as shipped (internal/calendar,
// 2027 provisional); the instance's overrides, kept by administrators
// (when the State Council publishes a year, or for a company holiday);
// then the project's own, kept by its PM (a customer's plant shutdown, a
// weekend the team works to meet go-live). Each override is a row of
// calendar_days with a kind (holiday or workday) and a name; "reset to the
// default" soft-deletes it, so the day falls back to the layer below.
//
// Who: every member of a project reads its calendar (customers too: the
// plan they see is dated on it); the PM changes it (access.CalendarEdit).
// Instance-wide days are administrators' alone. Every change is audited in
// its transaction, carries a version (a stale edit is a conflict), and is
// followed on the page by the open tasks that now start or end on a day
// off, each with a button that reschedules it through the Gantt.
//
// Loading for scheduling lives in internal/calendar (Load), shared by the
// methodology and work modules; this package owns the editing.
package workcal
