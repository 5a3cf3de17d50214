// Package project is the minimal core every module hangs off: a project
// for one customer company, its members and their roles, archive, soft
// delete with restore, and the activity timeline.
//
// Invariants:
//   - A project belongs to exactly one customer company; customer members
//     must belong to that company, vendor members to the vendor.
//   - Each live (user, project) pair has one membership row.
//   - The budget is a cost figure: only callers with access.CostView get it
//     (nil for everyone else, in pages, API and exports).
//   - Archived projects are read-only; deleted projects are invisible except
//     in the trash of those who may restore them.
//
// Who may do what is decided by access: PMs edit, archive, delete and
// manage members; every member reads; a project the caller may not see is
// not found.
package project
