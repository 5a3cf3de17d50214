// Package work is module 3 of the product map: tasks in a WBS, the status
// workflow of each project, the kanban board with live updates,
// dependencies between tasks, and "my work" across projects. (The Gantt
// chart, baselines and scheduling live in this package's gantt*.go.)
//
// Entities:
//   - Workflow status: per project, created on first use with the five
//     defaults (待办 todo, 进行中 doing, 待验证 review, 已完成 done,
//     已取消 cancelled). A status has a category (one of those five keys),
//     a display name (empty: the catalog's name in the reader's language)
//     and a WIP limit (0: none) the PM edits.
//   - Task: numbered per project (#1, #2 …, never reused), in a WBS under
//     an optional parent of the same project, in one workflow status with
//     a rank (REAL) that orders its board column, with dates, effort in
//     minutes, priority, labels, checklist, phase and iteration of the same
//     project, assignees and watchers who are project members, and a
//     customer-visible flag.
//   - Dependency: predecessor → successor of the same project, FS/SS/FF/SF
//     with a lag in working days; the graph stays acyclic.
//
// Invariants:
//   - A task is never its own ancestor; a dependency never closes a cycle
//     (the refusal names the tasks of the cycle by number and title).
//   - due_date ≥ start_date; a task of a phase with dates lies within them.
//   - Customer users see only customer-visible tasks: the filter is in the
//     SQL of every read, so lists, counts, the board, WIP figures, exports,
//     "my work" and the live stream all agree. A hidden task is not found.
//   - An internal task may not be assigned to, or watched by, a customer
//     user (they could not see it).
//   - Every change carries the version it was made against; a stale one is
//     a conflict (409), never an overwrite. Moves included.
//   - Every change writes one audit row in its transaction (internal for
//     tasks customers cannot see) and, after commit, one live notice.
//
// Who may do what (internal/access): every member reads (customers: the
// visible tasks); PM, consultants and developers create, edit, move and
// link tasks; only the PM deletes tasks and manages the workflow.
// Customers may not edit tasks.
package work
