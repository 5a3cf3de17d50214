// Package methodology is module 2 of the product map beyond the project
// core: implementation templates (实施标准手册), the plan a template
// generates (phases with gates, milestones, deliverables, default tasks
// and RACI rows), the project charter, the stakeholder register with A/B
// roles, the RACI matrix, project health and the portfolio.
//
// # Entities and invariants
//
//   - A template is data: a JSON body (Body) of modules, phases (key,
//     Chinese/English name, relative duration in working days, gate
//     checklist, standard deliverables, default tasks with offsets,
//     durations and dependencies by key), milestones and default RACI rows.
//     Body.Validate reports every problem with its position ("阶段 3 的任务
//     2：依赖的任务 key「x」不存在"): unknown, self, later-phase and circular
//     dependencies, tasks running past their phase, duplicate keys, RACI
//     rows without exactly one A. The built-in template (template_default.json)
//     is inserted on first start and refreshed by later releases; it is
//     read-only and cannot be deleted; administrators copy it to tailor it.
//     Deleting a template is soft and never touches projects made from it.
//   - Applying a template (Service.Apply, POST /api/v1/projects/{id}/apply-template,
//     the page /projects/{id}/apply-template, and "create from template"
//     at /projects/from-template, which checks everything before it creates
//     the project) happens once per project, in one transaction: a project
//     that already has phases is refused (409, meth.apply.already_planned).
//     Phases follow one another on the project's working calendar
//     (weekends, China's holidays and make-up days, instance and project
//     calendar_days rows); with a go-live date their durations are scaled
//     so that the go-live phase (the template's "golive" phase, else the
//     last) ends on it, and later phases (hypercare) keep their length.
//     Tasks keep their place within their phase; successors start after
//     their predecessors, and nothing leaves its phase. Tasks marked
//     per_module are generated once per selected module. Tasks are
//     inserted into the work module's tables (status "todo", numbers and
//     ranks after the project's existing ones, FS dependencies).
//   - A phase is pending, active or done. A gate review records each
//     checklist item's result and note, and a decision: pass (every item
//     done), conditional pass (remaining actions required) or fail (reason
//     required). Pass and conditional pass close the phase and open the
//     next; a fail keeps it open. The audit log keeps every review.
//   - A deliverable is pending → submitted → accepted or rejected (a
//     rejection needs a reason; a rejected one is submitted again). It is
//     overdue while not handed over after its due date.
//   - The charter is versioned: the latest draft is edited in place; the
//     sponsor (a project member named on it) signs it, which freezes that
//     version with who, when and the SHA-256 of its canonical serialisation
//     (Charter.Canonical: fixed member order, "\n" line ends, the budget
//     summary included); the next edit starts version N+1. Versions can be
//     compared field by field, line by line.
//   - Each A/B responsibility has a primary (required) and a backup on the
//     same side, both from the register; the overview warns when the backup
//     is missing or a holder has left (or was removed from the register).
//   - Each RACI activity has exactly one A; parties are project roles
//     ("role:pm") or stakeholders of the project ("stakeholder:12").
//   - Health is computed (ComputeHealth): a milestone a week or more late,
//     three or more open tasks labelled "blocker", or three or more overdue
//     tasks on the critical path (schedule.Compute over the task network)
//     make a project red; any of them makes it amber. Every reason is listed.
//     The PM may override the colour with a comment; the override is shown
//     as such, next to the computed colour.
//
// # Who may see and do what
//
//   - Templates: vendor accounts read them (a PM picks one, a consultant
//     reads the manual); only administrators create, copy, edit and delete
//     them. For customers they do not exist (404).
//   - Every member reads phases and gates, milestones and deliverables
//     marked customer-visible (customers see no others, not even by id),
//     the RACI matrix, the A/B table and health.
//   - The PM (access.MethodologyEdit) applies a template, keeps milestones,
//     deliverables, the charter and the RACI matrix; only the PM decides a
//     gate (access.GateDecide) and overrides health (access.HealthOverride).
//   - The stakeholder register and A/B roles are kept by the PM and the
//     consultants (access.StakeholderEdit): consultants run the research and
//     know the people. Every member sees both sides' contacts; the vendor's
//     assessment of a person — influence, interest, expectations and
//     communication notes — is internal (nil for customers, also in exports).
//   - A customer-visible deliverable is accepted or rejected by the customer
//     PM (access.DeliverableAccept) and by nobody on the vendor side,
//     administrators included: acceptance is the customer's word. An internal
//     deliverable is reviewed by the PM.
//   - The charter is signed by its sponsor only, whatever their role, and
//     not by an administrator: a signature is personal. Customers read
//     signed versions, and the draft too when they are its sponsor. The
//     budget summary is vendor-internal money talk: only callers with
//     access.CostView (PM, finance, administrators) see or change it; it is
//     left out of audit rows.
//   - The health override comment is the PM's candid view: vendor staff
//     only (its audit row is internal). Customers see the colour, that it
//     was overridden, and reasons that name customer-visible milestones
//     only (internal ones are counted).
//   - The portfolio lists the projects the caller may see (access.Scope).
package methodology
