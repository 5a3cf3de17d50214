// Package requirement is the requirement pool (需求池) of a project and
// what hangs off it: the review by the customer, the MoSCoW priority
// matrix, the function list (功能清单) that confirmed requirements turn
// into, the tasks a function generates in the work module, and a
// traceability matrix that other modules extend.
//
// Entities
//
//   - Requirement: REQ-001… per project. Numbers are unique per project over
//     every row ever written, deleted ones included, so a number is never
//     given twice; a create naming a taken number is refused. Status:
//     draft (草稿) → review (待评审) → confirmed (已确认) → implemented
//     (已实现) → accepted (已验收); rejected (已拒绝); changing (变更中,
//     set by change control while a change request touches it).
//   - Review log (requirement_reviews): every status step with its comment,
//     shown on the requirement.
//   - Function: F-001… per project, typed (standard, config, custom, report,
//     interface, data) with an effort estimate stored as tenths of a
//     person-day (effort_tenths 15 = 1.5 人天). Functions map to
//     requirements many-to-many (req_functions).
//   - function_tasks: the work tasks a custom-development function
//     generated (once: tasks_generated_ms marks it, a second click
//     returns the same tasks).
//
// Rules
//
//   - Confirmed, implemented, accepted and changing requirements are the
//     agreed scope: the ordinary edit, delete and the matrix drag refuse
//     them (change control changes them through the *Tx methods, which do
//     no permission check: the caller checked).
//   - RemoveRequirementTx does not delete: it sets priority wont (不做) and
//     status rejected (已拒绝), so the requirement stays traceable and
//     leaves Content (the baseline's scope).
//   - Customers see customer-visible requirements only (and only the
//     functions and customer-visible tasks of those); vendor staff see all.
//   - PM and consultants edit, submit for review, build the function list
//     and generate tasks; the customer PM confirms, asks for clarification
//     (back to draft, comment required) or rejects (comment required), and
//     accepts implemented requirements.
package requirement
