package methodology

import (
	"context"
	"slices"
	"strings"
	"time"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/calendar"
	"golive/internal/db"
)

// today is the calendar date in China, where plans are made.
func today() string { return time.Now().In(china).Format("2006-01-02") }

// china keeps one offset all year (no tzdata needed).
var china = time.FixedZone("CST", 8*3600)

// Apply generates a project's plan from a template in one transaction:
// phases with dates on the project's working calendar, milestones,
// deliverables, default tasks with their dependencies, and RACI rows. A
// project that already has phases is refused (its plan would be doubled).
func (s *Service) Apply(ctx context.Context, p *access.Principal, projectID int64, in ApplyInput) (ApplyResult, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return ApplyResult{}, err
	}
	if !p.Can(m, access.MethodologyEdit) {
		return ApplyResult{}, apperr.ForbiddenErr()
	}
	if err := in.Validate(); err != nil {
		return ApplyResult{}, err
	}
	tpl, err := getTemplate(ctx, s.db, in.TemplateID)
	if err != nil {
		return ApplyResult{}, apperr.InvalidField("template_id", "meth.apply.template_unknown")
	}
	for _, mk := range in.Modules {
		if !slices.ContainsFunc(tpl.Body.Modules, func(tm TplModule) bool { return tm.Key == mk }) {
			return ApplyResult{}, apperr.InvalidField("modules", "meth.apply.module_unknown", mk)
		}
	}
	var res ApplyResult
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		// Lock the project row first: two PMs applying at once on
		// PostgreSQL would otherwise both find no phases (SQLite has one
		// writer anyway).
		if _, err := tx.Exec(ctx, `UPDATE projects SET version = version WHERE id = ?`, projectID); err != nil {
			return err
		}
		if err := archived(ctx, tx, projectID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM phases WHERE project_id = ? AND deleted_ms IS NULL`, projectID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return apperr.New(apperr.Conflict, "meth.apply.already_planned")
		}
		cal, err := loadCalendar(ctx, tx, projectID)
		if err != nil {
			return err
		}
		plan, err := planFor(tpl.Body, cal, in)
		if err != nil {
			return err
		}
		res, err = insertPlan(ctx, tx, p, projectID, plan)
		if err != nil {
			return err
		}
		res.TemplateID = tpl.ID
		if _, err := tx.Exec(ctx, `UPDATE projects SET template_id = ?, modules = ?, start_date = ?, golive_date = COALESCE(?, golive_date),
			updated_ms = ?, version = version + 1 WHERE id = ?`,
			tpl.ID, strings.Join(in.Modules, ","), in.StartDate, nullStr(in.GoLiveDate), db.Now(), projectID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "project", EntityID: projectID, Action: "apply_template", Summary: tpl.Name,
			After: map[string]any{"template_id": tpl.ID, "template": tpl.Name, "start_date": in.StartDate, "golive_date": in.GoLiveDate, "modules": strings.Join(in.Modules, ","),
				"phases": res.Phases, "milestones": res.Milestones, "deliverables": res.Deliverables, "tasks": res.Tasks}})
	})
	return res, apperr.Wrap(err)
}

func planFor(b Body, cal *calendar.Calendar, in ApplyInput) (Plan, error) {
	start, err := calendar.Parse(in.StartDate)
	if err != nil {
		return Plan{}, apperr.InvalidField("start_date", "validate.date")
	}
	pp := PlanParams{Start: start, Modules: in.Modules, Lang: in.Lang}
	if in.GoLiveDate != "" {
		if pp.GoLive, err = calendar.Parse(in.GoLiveDate); err != nil {
			return Plan{}, apperr.InvalidField("golive_date", "validate.date")
		}
		pp.HasLive = true
	}
	return BuildPlan(b, cal, pp)
}

// CheckApply validates a template application without writing anything,
// so that "create a project from a template" can refuse bad parameters
// before the project exists.
func (s *Service) CheckApply(ctx context.Context, p *access.Principal, in ApplyInput) error {
	if !p.CanCreateProject() {
		return apperr.ForbiddenErr()
	}
	if err := in.Validate(); err != nil {
		return err
	}
	tpl, err := getTemplate(ctx, s.db, in.TemplateID)
	if err != nil {
		return apperr.InvalidField("template_id", "meth.apply.template_unknown")
	}
	for _, mk := range in.Modules {
		if !slices.ContainsFunc(tpl.Body.Modules, func(tm TplModule) bool { return tm.Key == mk }) {
			return apperr.InvalidField("modules", "meth.apply.module_unknown", mk)
		}
	}
	cal, err := loadCalendar(ctx, s.db, 0)
	if err != nil {
		return apperr.Wrap(err)
	}
	_, err = planFor(tpl.Body, cal, in)
	return err
}

func insertPlan(ctx context.Context, tx *db.Tx, p *access.Principal, projectID int64, plan Plan) (ApplyResult, error) {
	res := ApplyResult{ProjectID: projectID, Scale: plan.Scale}
	now := db.Now()
	phaseIDs := make([]int64, len(plan.Phases))
	for i, ph := range plan.Phases {
		status := PhasePending
		if i == 0 {
			status = PhaseActive
		}
		items := make([]GateItem, len(ph.Gate))
		for j, g := range ph.Gate {
			items[j] = GateItem{Text: g}
		}
		if err := tx.QueryRow(ctx, `INSERT INTO phases (project_id, seq, key, name, start_date, end_date, status, gate_checklist, created_ms, updated_ms)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			projectID, i+1, ph.Key, ph.Name, ph.Start.String(), ph.End.String(), status, gateJSON(items), now, now).Scan(&phaseIDs[i]); err != nil {
			return res, err
		}
	}
	for _, ms := range plan.Milestones {
		if _, err := tx.Exec(ctx, `INSERT INTO milestones (project_id, phase_id, name, due_date, customer_visible, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			projectID, phaseIDs[ms.Phase], ms.Name, ms.Due.String(), ms.CustomerVisible, now, now); err != nil {
			return res, err
		}
	}
	for _, d := range plan.Deliverables {
		if _, err := tx.Exec(ctx, `INSERT INTO deliverables (project_id, phase_id, name, due_date, customer_visible, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			projectID, phaseIDs[d.Phase], d.Name, d.Due.String(), d.CustomerVisible, now, now); err != nil {
			return res, err
		}
	}
	var number int64
	var rank float64
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(number), 0), COALESCE(MAX(rank), 0) FROM tasks WHERE project_id = ?`, projectID).Scan(&number, &rank); err != nil {
		return res, err
	}
	taskIDs := make([]int64, len(plan.Tasks))
	for i, t := range plan.Tasks {
		number++
		rank += 1024
		days := t.Days // working days, as the Gantt counts them
		if err := tx.QueryRow(ctx, `INSERT INTO tasks (project_id, number, title, status, rank, start_date, due_date, duration_days, estimate_min, remaining_min,
			phase_id, customer_visible, created_by, created_ms, updated_ms) VALUES (?, ?, ?, 'todo', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			projectID, number, t.Title, rank, t.Start.String(), t.End.String(), days, days*480, days*480, phaseIDs[t.Phase], t.CustomerVisible, nullID(p.UserID), now, now).Scan(&taskIDs[i]); err != nil {
			if db.IsUnique(err) {
				// Someone added a task meanwhile and took the number: try again.
				return res, apperr.ConflictErr()
			}
			return res, err
		}
	}
	for _, d := range plan.Deps {
		if _, err := tx.Exec(ctx, `INSERT INTO task_deps (project_id, pred_id, succ_id, type, lag_days, created_ms) VALUES (?, ?, ?, 'FS', 0, ?)`,
			projectID, taskIDs[d[0]], taskIDs[d[1]], now); err != nil {
			return res, err
		}
	}
	for i, r := range plan.RACI {
		var aid int64
		if err := tx.QueryRow(ctx, `INSERT INTO raci_activities (project_id, seq, name, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			projectID, i+1, r.Activity, now, now).Scan(&aid); err != nil {
			return res, err
		}
		if err := insertCells(ctx, tx, aid, r.Cells); err != nil {
			return res, err
		}
	}
	res.Phases, res.Milestones, res.Deliverables, res.Tasks, res.Dependencies, res.RACI =
		len(plan.Phases), len(plan.Milestones), len(plan.Deliverables), len(plan.Tasks), len(plan.Deps), len(plan.RACI)
	res.StartDate, res.EndDate = plan.Phases[0].Start.String(), plan.Phases[len(plan.Phases)-1].End.String()
	return res, nil
}

func insertCells(ctx context.Context, tx *db.Tx, activityID int64, cells map[string]string) error {
	parties := make([]string, 0, len(cells))
	for k := range cells {
		parties = append(parties, k)
	}
	slices.Sort(parties)
	for _, party := range parties {
		if _, err := tx.Exec(ctx, `INSERT INTO raci_cells (activity_id, party, letter) VALUES (?, ?, ?)`, activityID, party, cells[party]); err != nil {
			return err
		}
	}
	return nil
}

// Phases.

const phaseCols = `ph.id, ph.project_id, ph.seq, ph.key, ph.name, COALESCE(ph.start_date, ''), COALESCE(ph.end_date, ''), ph.status, ph.gate_checklist,
	ph.gate_decision, ph.gate_comment, ph.gate_decided_by, COALESCE(u.name, ''), ph.gate_decided_ms, ph.version`

const phaseFrom = ` FROM phases ph LEFT JOIN users u ON u.id = ph.gate_decided_by`

func scanPhase(r interface{ Scan(...any) error }) (Phase, error) {
	var ph Phase
	var gate string
	err := r.Scan(&ph.ID, &ph.ProjectID, &ph.Seq, &ph.Key, &ph.Name, &ph.StartDate, &ph.EndDate, &ph.Status, &gate,
		&ph.GateDecision, &ph.GateComment, &ph.DecidedBy, &ph.DeciderName, &ph.DecidedMS, &ph.Version)
	ph.Gate = parseGate(gate)
	return ph, err
}

func listPhases(ctx context.Context, q db.Q, projectID int64) ([]Phase, error) {
	rows, err := q.Query(ctx, `SELECT `+phaseCols+phaseFrom+` WHERE ph.project_id = ? AND ph.deleted_ms IS NULL ORDER BY ph.seq, ph.id`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Phase{}
	for rows.Next() {
		ph, err := scanPhase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ph)
	}
	return out, rows.Err()
}

func getPhase(ctx context.Context, q db.Q, projectID, id int64) (Phase, error) {
	ph, err := scanPhase(q.QueryRow(ctx, `SELECT `+phaseCols+phaseFrom+` WHERE ph.id = ? AND ph.project_id = ? AND ph.deleted_ms IS NULL`, id, projectID))
	return ph, db.NotFound(err)
}

// Phases lists a project's phases; every member sees them.
func (s *Service) Phases(ctx context.Context, p *access.Principal, projectID int64) ([]Phase, error) {
	if _, err := s.projects.Access(ctx, p, projectID); err != nil {
		return nil, err
	}
	out, err := listPhases(ctx, s.db, projectID)
	return out, apperr.Wrap(err)
}

// Phase returns one phase of the project.
func (s *Service) Phase(ctx context.Context, p *access.Principal, projectID, id int64) (Phase, error) {
	if _, err := s.projects.Access(ctx, p, projectID); err != nil {
		return Phase{}, err
	}
	return getPhase(ctx, s.db, projectID, id)
}

// ReviewGate records a gate review. Pass and conditional pass close the
// phase and open the next pending one; a fail keeps the phase open.
func (s *Service) ReviewGate(ctx context.Context, p *access.Principal, projectID, phaseID int64, in GateInput) (Phase, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return Phase{}, err
	}
	before, err := getPhase(ctx, s.db, projectID, phaseID)
	if err != nil {
		return Phase{}, err
	}
	if !p.Can(m, access.GateDecide) {
		return Phase{}, apperr.ForbiddenErr()
	}
	if err := in.Validate(len(before.Gate)); err != nil {
		return Phase{}, err
	}
	var out Phase
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := archived(ctx, tx, projectID); err != nil {
			return err
		}
		cur, err := getPhase(ctx, tx, projectID, phaseID)
		if err != nil {
			return err
		}
		if cur.Version != in.Version {
			return apperr.ConflictErr()
		}
		items := make([]GateItem, len(cur.Gate))
		for i, it := range cur.Gate {
			items[i] = GateItem{Text: it.Text, Done: in.Items[i].Done, Note: in.Items[i].Note}
		}
		status := PhaseDone
		if in.Decision == GateFail {
			status = PhaseActive
		}
		now := db.Now()
		res, err := tx.Exec(ctx, `UPDATE phases SET gate_checklist = ?, gate_decision = ?, gate_comment = ?, gate_decided_by = ?, gate_decided_ms = ?, status = ?,
			updated_ms = ?, version = version + 1 WHERE id = ? AND version = ?`,
			gateJSON(items), in.Decision, in.Comment, p.UserID, now, status, now, phaseID, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		if status == PhaseDone {
			// The next phase starts when this gate opens it.
			if _, err := tx.Exec(ctx, `UPDATE phases SET status = ?, updated_ms = ?, version = version + 1 WHERE id = (
				SELECT id FROM phases WHERE project_id = ? AND seq > ? AND status = ? AND deleted_ms IS NULL ORDER BY seq LIMIT 1)`,
				PhaseActive, now, projectID, cur.Seq, PhasePending); err != nil {
				return err
			}
		}
		if out, err = getPhase(ctx, tx, projectID, phaseID); err != nil {
			return err
		}
		done := 0
		for _, it := range items {
			if it.Done {
				done++
			}
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "phase", EntityID: phaseID, Action: "gate_review", Summary: out.Name,
			Before: map[string]any{"status": cur.Status, "gate_decision": cur.GateDecision},
			After:  map[string]any{"status": out.Status, "gate_decision": out.GateDecision, "gate_comment": out.GateComment, "checklist_done": done, "checklist": len(items)}})
	})
	return out, apperr.Wrap(err)
}

// Milestones.

const milestoneCols = `ms.id, ms.project_id, ms.phase_id, COALESCE(ph.name, ''), ms.name, COALESCE(ms.due_date, ''), ms.owner_id, COALESCE(u.name, ''),
	ms.status, COALESCE(ms.done_date, ''), ms.customer_visible, ms.version`

const milestoneFrom = ` FROM milestones ms LEFT JOIN phases ph ON ph.id = ms.phase_id LEFT JOIN users u ON u.id = ms.owner_id`

func scanMilestone(r interface{ Scan(...any) error }, today string) (Milestone, error) {
	var m Milestone
	err := r.Scan(&m.ID, &m.ProjectID, &m.PhaseID, &m.PhaseName, &m.Name, &m.DueDate, &m.OwnerID, &m.OwnerName, &m.Status, &m.DoneDate, &m.CustomerVisible, &m.Version)
	m.Overdue = m.Status == MilestoneOpen && m.DueDate != "" && m.DueDate < today
	return m, err
}

func getMilestone(ctx context.Context, q db.Q, projectID, id int64, customerOnly bool) (Milestone, error) {
	m, err := scanMilestone(q.QueryRow(ctx, `SELECT `+milestoneCols+milestoneFrom+` WHERE ms.id = ? AND ms.project_id = ? AND ms.deleted_ms IS NULL
		AND (ms.customer_visible = ? OR ?)`, id, projectID, true, !customerOnly), today())
	return m, db.NotFound(err)
}

// Milestones lists a project's milestones by due date; customers see the
// customer-visible ones.
func (s *Service) Milestones(ctx context.Context, p *access.Principal, projectID int64) ([]Milestone, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT `+milestoneCols+milestoneFrom+` WHERE ms.project_id = ? AND ms.deleted_ms IS NULL AND (ms.customer_visible = ? OR ?)
		ORDER BY ms.due_date IS NULL, ms.due_date, ms.id`, projectID, true, !customer(p, m))
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []Milestone{}
	t := today()
	for rows.Next() {
		ms, err := scanMilestone(rows, t)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		out = append(out, ms)
	}
	return out, apperr.Wrap(rows.Err())
}

// SaveMilestone creates (id 0) or edits a milestone.
func (s *Service) SaveMilestone(ctx context.Context, p *access.Principal, projectID, id int64, in MilestoneInput) (Milestone, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return Milestone{}, err
	}
	var before Milestone
	if id != 0 {
		if before, err = getMilestone(ctx, s.db, projectID, id, customer(p, m)); err != nil {
			return Milestone{}, err
		}
	}
	if !p.Can(m, access.MethodologyEdit) {
		return Milestone{}, apperr.ForbiddenErr()
	}
	if err := in.Validate(id != 0); err != nil {
		return Milestone{}, err
	}
	var out Milestone
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := archived(ctx, tx, projectID); err != nil {
			return err
		}
		if err := checkPhase(ctx, tx, projectID, in.PhaseID); err != nil {
			return err
		}
		if err := checkOwner(ctx, tx, projectID, in.OwnerID, "owner_id"); err != nil {
			return err
		}
		now := db.Now()
		doneDate := any(nil)
		if in.Status == MilestoneDone {
			doneDate = today()
			if before.Status == MilestoneDone && before.DoneDate != "" {
				doneDate = before.DoneDate
			}
		}
		action := "create"
		if id == 0 {
			if err := tx.QueryRow(ctx, `INSERT INTO milestones (project_id, phase_id, name, due_date, owner_id, status, done_date, customer_visible, created_ms, updated_ms)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				projectID, nullID(in.PhaseID), in.Name, in.DueDate, nullID(in.OwnerID), in.Status, doneDate, in.CustomerVisible, now, now).Scan(&id); err != nil {
				return err
			}
		} else {
			action = "update"
			res, err := tx.Exec(ctx, `UPDATE milestones SET phase_id = ?, name = ?, due_date = ?, owner_id = ?, status = ?, done_date = ?, customer_visible = ?,
				updated_ms = ?, version = version + 1 WHERE id = ? AND project_id = ? AND version = ? AND deleted_ms IS NULL`,
				nullID(in.PhaseID), in.Name, in.DueDate, nullID(in.OwnerID), in.Status, doneDate, in.CustomerVisible, now, id, projectID, in.Version)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return apperr.ConflictErr()
			}
		}
		var err error
		if out, err = getMilestone(ctx, tx, projectID, id, false); err != nil {
			return err
		}
		e := audit.Entry{ProjectID: projectID, Entity: "milestone", EntityID: id, Action: action, Summary: out.Name, After: out.auditView(), Internal: !out.CustomerVisible}
		if action == "update" {
			e.Before = before.auditView()
			e.Internal = !out.CustomerVisible && !before.CustomerVisible
		}
		return audit.Record(ctx, tx, p, e)
	})
	return out, apperr.Wrap(err)
}

// Deliverables.

const deliverableCols = `d.id, d.project_id, d.phase_id, COALESCE(ph.name, ''), d.name, d.description, COALESCE(d.due_date, ''), d.owner_id, COALESCE(u.name, ''),
	d.status, d.reviewed_by, COALESCE(r.name, ''), d.reviewed_ms, d.review_comment, d.customer_visible, d.version`

const deliverableFrom = ` FROM deliverables d LEFT JOIN phases ph ON ph.id = d.phase_id LEFT JOIN users u ON u.id = d.owner_id LEFT JOIN users r ON r.id = d.reviewed_by`

func scanDeliverable(r interface{ Scan(...any) error }, today string) (Deliverable, error) {
	var d Deliverable
	err := r.Scan(&d.ID, &d.ProjectID, &d.PhaseID, &d.PhaseName, &d.Name, &d.Description, &d.DueDate, &d.OwnerID, &d.OwnerName,
		&d.Status, &d.ReviewedBy, &d.ReviewerName, &d.ReviewedMS, &d.ReviewComment, &d.CustomerVisible, &d.Version)
	// Due is when the vendor hands it over: once submitted it is not late.
	d.Overdue = (d.Status == DeliverablePending || d.Status == DeliverableRejected) && d.DueDate != "" && d.DueDate < today
	return d, err
}

func getDeliverable(ctx context.Context, q db.Q, projectID, id int64, customerOnly bool) (Deliverable, error) {
	d, err := scanDeliverable(q.QueryRow(ctx, `SELECT `+deliverableCols+deliverableFrom+` WHERE d.id = ? AND d.project_id = ? AND d.deleted_ms IS NULL
		AND (d.customer_visible = ? OR ?)`, id, projectID, true, !customerOnly), today())
	return d, db.NotFound(err)
}

// DeliverableFilter narrows the deliverables list.
type DeliverableFilter struct {
	Status  string
	PhaseID int64
}

// Deliverables lists a project's deliverables by phase and due date;
// customers see the customer-visible ones.
func (s *Service) Deliverables(ctx context.Context, p *access.Principal, projectID int64, f DeliverableFilter) ([]Deliverable, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return nil, err
	}
	if f.Status != "" && !slices.Contains([]string{DeliverablePending, DeliverableSubmitted, DeliverableAccepted, DeliverableRejected}, f.Status) {
		return nil, apperr.InvalidField("status", "validate.enum")
	}
	q := `SELECT ` + deliverableCols + deliverableFrom + ` WHERE d.project_id = ? AND d.deleted_ms IS NULL AND (d.customer_visible = ? OR ?)`
	args := []any{projectID, true, !customer(p, m)}
	if f.Status != "" {
		q += ` AND d.status = ?`
		args = append(args, f.Status)
	}
	if f.PhaseID != 0 {
		q += ` AND d.phase_id = ?`
		args = append(args, f.PhaseID)
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY COALESCE(ph.seq, 999999), d.due_date IS NULL, d.due_date, d.id`, args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []Deliverable{}
	t := today()
	for rows.Next() {
		d, err := scanDeliverable(rows, t)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		out = append(out, d)
	}
	return out, apperr.Wrap(rows.Err())
}

// Deliverable returns one deliverable the caller may see.
func (s *Service) Deliverable(ctx context.Context, p *access.Principal, projectID, id int64) (Deliverable, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return Deliverable{}, err
	}
	return getDeliverable(ctx, s.db, projectID, id, customer(p, m))
}

// SaveDeliverable creates (id 0) or edits a deliverable.
func (s *Service) SaveDeliverable(ctx context.Context, p *access.Principal, projectID, id int64, in DeliverableInput) (Deliverable, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return Deliverable{}, err
	}
	var before Deliverable
	if id != 0 {
		if before, err = getDeliverable(ctx, s.db, projectID, id, customer(p, m)); err != nil {
			return Deliverable{}, err
		}
	}
	if !p.Can(m, access.MethodologyEdit) {
		return Deliverable{}, apperr.ForbiddenErr()
	}
	if err := in.Validate(id != 0); err != nil {
		return Deliverable{}, err
	}
	var out Deliverable
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := archived(ctx, tx, projectID); err != nil {
			return err
		}
		if err := checkPhase(ctx, tx, projectID, in.PhaseID); err != nil {
			return err
		}
		if err := checkOwner(ctx, tx, projectID, in.OwnerID, "owner_id"); err != nil {
			return err
		}
		now := db.Now()
		action := "create"
		if id == 0 {
			if err := tx.QueryRow(ctx, `INSERT INTO deliverables (project_id, phase_id, name, description, due_date, owner_id, customer_visible, created_ms, updated_ms)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				projectID, nullID(in.PhaseID), in.Name, in.Description, nullStr(in.DueDate), nullID(in.OwnerID), in.CustomerVisible, now, now).Scan(&id); err != nil {
				return err
			}
		} else {
			action = "update"
			res, err := tx.Exec(ctx, `UPDATE deliverables SET phase_id = ?, name = ?, description = ?, due_date = ?, owner_id = ?, customer_visible = ?,
				updated_ms = ?, version = version + 1 WHERE id = ? AND project_id = ? AND version = ? AND deleted_ms IS NULL`,
				nullID(in.PhaseID), in.Name, in.Description, nullStr(in.DueDate), nullID(in.OwnerID), in.CustomerVisible, now, id, projectID, in.Version)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return apperr.ConflictErr()
			}
		}
		var err error
		if out, err = getDeliverable(ctx, tx, projectID, id, false); err != nil {
			return err
		}
		e := audit.Entry{ProjectID: projectID, Entity: "deliverable", EntityID: id, Action: action, Summary: out.Name, After: out.auditView(), Internal: !out.CustomerVisible}
		if action == "update" {
			e.Before = before.auditView()
			e.Internal = !out.CustomerVisible && !before.CustomerVisible
		}
		return audit.Record(ctx, tx, p, e)
	})
	return out, apperr.Wrap(err)
}

// SubmitDeliverable hands a deliverable to the customer for acceptance.
func (s *Service) SubmitDeliverable(ctx context.Context, p *access.Principal, projectID, id int64, in VersionInput) (Deliverable, error) {
	return s.moveDeliverable(ctx, p, projectID, id, in.Version, "", "submit", in.Validate)
}

// AcceptDeliverable: the customer PM accepts a submitted deliverable.
// Acceptance is the customer's word: vendor accounts (administrators
// included) cannot give it. A deliverable the customer does not see is
// accepted inside the vendor, by the PM.
func (s *Service) AcceptDeliverable(ctx context.Context, p *access.Principal, projectID, id int64, in ReviewInput) (Deliverable, error) {
	return s.moveDeliverable(ctx, p, projectID, id, in.Version, in.Comment, "accept", func() error { return in.Validate(false) })
}

// RejectDeliverable: the customer PM sends a submitted deliverable back
// with a reason.
func (s *Service) RejectDeliverable(ctx context.Context, p *access.Principal, projectID, id int64, in ReviewInput) (Deliverable, error) {
	return s.moveDeliverable(ctx, p, projectID, id, in.Version, in.Comment, "reject", func() error { return in.Validate(true) })
}

func (s *Service) moveDeliverable(ctx context.Context, p *access.Principal, projectID, id, version int64, comment, action string, check func() error) (Deliverable, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return Deliverable{}, err
	}
	before, err := getDeliverable(ctx, s.db, projectID, id, customer(p, m))
	if err != nil {
		return Deliverable{}, err
	}
	switch {
	case action == "submit" || !before.CustomerVisible:
		// Internal deliverables are reviewed inside the vendor, by the PM.
		if !p.Can(m, access.MethodologyEdit) {
			return Deliverable{}, apperr.ForbiddenErr()
		}
	case p.Vendor || !p.Can(m, access.DeliverableAccept):
		return Deliverable{}, apperr.ForbiddenErr()
	}
	if err := check(); err != nil {
		return Deliverable{}, err
	}
	comment = strings.TrimSpace(comment)
	var out Deliverable
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := archived(ctx, tx, projectID); err != nil {
			return err
		}
		cur, err := getDeliverable(ctx, tx, projectID, id, false)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return apperr.ConflictErr()
		}
		now := db.Now()
		var res interface{ RowsAffected() (int64, error) }
		switch action {
		case "submit":
			if cur.Status == DeliverableSubmitted || cur.Status == DeliverableAccepted {
				return apperr.New(apperr.Conflict, "meth.deliv.cannot_submit")
			}
			res, err = tx.Exec(ctx, `UPDATE deliverables SET status = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND version = ?`,
				DeliverableSubmitted, now, id, version)
		default:
			if cur.Status != DeliverableSubmitted {
				return apperr.New(apperr.Conflict, "meth.deliv.not_submitted")
			}
			status := DeliverableAccepted
			if action == "reject" {
				status = DeliverableRejected
			}
			res, err = tx.Exec(ctx, `UPDATE deliverables SET status = ?, reviewed_by = ?, reviewed_ms = ?, review_comment = ?, updated_ms = ?, version = version + 1
				WHERE id = ? AND version = ?`, status, p.UserID, now, comment, now, id, version)
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		if out, err = getDeliverable(ctx, tx, projectID, id, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "deliverable", EntityID: id, Action: action, Summary: out.Name,
			Before: map[string]any{"status": before.Status}, After: map[string]any{"status": out.Status, "review_comment": out.ReviewComment}, Internal: !out.CustomerVisible})
	})
	return out, apperr.Wrap(err)
}
