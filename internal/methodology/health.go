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
	"golive/internal/project"
	"golive/internal/schedule"
	"golive/internal/validate"
)

// Health colours, worst last.
const (
	HealthGreen = "green"
	HealthAmber = "amber"
	HealthRed   = "red"
)

var healthRank = map[string]int{HealthGreen: 0, HealthAmber: 1, HealthRed: 2}

func worse(a, b string) string {
	if healthRank[b] > healthRank[a] {
		return b
	}
	return a
}

// Thresholds of the health rules (see ComputeHealth).
const (
	redMilestoneDays = 7 // a milestone this many days late is red
	redBlockers      = 3
	redCritical      = 3
	redOverdueShare  = 0.2 // without a critical path: this share of open tasks overdue is red

	maxNamedMilestones = 5
)

// Reason is one cause of a project's colour. Args fill the catalog text;
// Message is the text in the caller's language (set by the handlers).
type Reason struct {
	Level   string `json:"level" enum:"green,amber,red"`
	Code    string `json:"code"`
	Args    []any  `json:"args"`
	Message string `json:"message"`
}

// HealthFacts are the inputs of the health rules, gathered by the service.
type HealthFacts struct {
	Today      string
	Milestones []MilestoneFact // open milestones
	// Internal milestones are counted, not named, for customer readers.
	HiddenOverdue int
	Blockers      int
	// Slippage: overdue tasks on the critical path when the plan could be
	// scheduled (CriticalKnown), otherwise all overdue open tasks.
	CriticalKnown   bool
	CriticalOverdue int
	OverdueTasks    int
	OpenTasks       int
}

// MilestoneFact is an open milestone.
type MilestoneFact struct {
	Name string
	Due  string
}

func daysBetween(a, b string) int {
	ta, err1 := time.Parse("2006-01-02", a)
	tb, err2 := time.Parse("2006-01-02", b)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(tb.Sub(ta).Hours() / 24)
}

// ComputeHealth applies the rules: a milestone overdue by a week or more,
// three or more open blockers, or three or more overdue critical-path
// tasks (a fifth of open tasks overdue when there is no critical path)
// make a project red; any overdue milestone, blocker or slipping task
// makes it amber; otherwise it is green. Every cause is listed.
func ComputeHealth(f HealthFacts) (string, []Reason) {
	color := HealthGreen
	reasons := []Reason{}
	add := func(level, code string, args ...any) {
		color = worse(color, level)
		reasons = append(reasons, Reason{Level: level, Code: code, Args: args})
	}
	named, more, moreLevel := 0, 0, HealthAmber
	for _, m := range f.Milestones {
		if m.Due == "" || m.Due >= f.Today {
			continue
		}
		late := daysBetween(m.Due, f.Today)
		level := HealthAmber
		if late >= redMilestoneDays {
			level = HealthRed
		}
		// Name the first few; a long tail is summed up in one line.
		if named == maxNamedMilestones {
			more++
			moreLevel = worse(moreLevel, level)
			continue
		}
		named++
		add(level, "meth.health.milestone_overdue", m.Name, m.Due, late)
	}
	if more > 0 {
		add(moreLevel, "meth.health.more_milestones_overdue", more)
	}
	if f.HiddenOverdue > 0 {
		add(HealthAmber, "meth.health.internal_milestones_overdue", f.HiddenOverdue)
	}
	if f.Blockers > 0 {
		level := HealthAmber
		if f.Blockers >= redBlockers {
			level = HealthRed
		}
		add(level, "meth.health.blockers", f.Blockers)
	}
	if f.CriticalKnown {
		if f.CriticalOverdue > 0 {
			level := HealthAmber
			if f.CriticalOverdue >= redCritical {
				level = HealthRed
			}
			add(level, "meth.health.critical_overdue", f.CriticalOverdue)
		}
	} else if f.OverdueTasks > 0 {
		level := HealthAmber
		if f.OpenTasks > 0 && float64(f.OverdueTasks) >= redOverdueShare*float64(f.OpenTasks) && f.OverdueTasks >= 2 {
			level = HealthRed
		}
		add(level, "meth.health.tasks_overdue", f.OverdueTasks)
	}
	// The worst causes first.
	slices.SortStableFunc(reasons, func(a, b Reason) int { return healthRank[b.Level] - healthRank[a.Level] })
	return color, reasons
}

// Health is a project's colour as the caller may see it. Effective is the
// PM's override when there is one, else the computed colour.
type Health struct {
	ProjectID       int64    `json:"project_id"`
	Computed        string   `json:"computed" enum:"green,amber,red"`
	Override        string   `json:"override" enum:",green,amber,red"`
	Effective       string   `json:"effective" enum:"green,amber,red"`
	Reasons         []Reason `json:"reasons"`
	OverrideComment *string  `json:"override_comment,omitempty"` // vendor staff only
	OverrideBy      string   `json:"override_by"`
	OverrideMS      *int64   `json:"override_ms"`
	TasksDone       int      `json:"tasks_done"`
	TasksTotal      int      `json:"tasks_total"`
}

// HealthInput sets or clears (Override "") the PM's override.
type HealthInput struct {
	Override string `json:"override" enum:",green,amber,red"`
	Comment  string `json:"comment" maxLength:"2000"`
}

func (in *HealthInput) Validate() error {
	var f apperr.Fields
	in.Override = strings.TrimSpace(in.Override)
	if in.Override != "" {
		validate.Enum(&f, "override", in.Override, HealthGreen, HealthAmber, HealthRed)
	}
	validate.Text(&f, "comment", &in.Comment, 0, 2000)
	if in.Override != "" && in.Comment == "" && !f.Has("comment") {
		f.Add("comment", "meth.health.comment_required")
	}
	return f.Err()
}

// Health computes a project's health for the caller.
func (s *Service) Health(ctx context.Context, p *access.Principal, projectID int64) (Health, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return Health{}, err
	}
	h, err := computeHealth(ctx, s.db, projectID, customer(p, m))
	if err != nil {
		return Health{}, apperr.Wrap(err)
	}
	if !p.Can(m, access.InternalView) {
		h.OverrideComment = nil
	}
	return h, nil
}

func computeHealth(ctx context.Context, q db.Q, projectID int64, customerOnly bool) (Health, error) {
	h := Health{ProjectID: projectID}
	f := HealthFacts{Today: today()}
	var comment string
	var by string
	if err := q.QueryRow(ctx, `SELECT p.health_override, p.health_comment, COALESCE(u.name, ''), p.health_ms FROM projects p LEFT JOIN users u ON u.id = p.health_by WHERE p.id = ?`,
		projectID).Scan(&h.Override, &comment, &by, &h.OverrideMS); err != nil {
		return h, db.NotFound(err)
	}
	if h.Override != "" {
		h.OverrideComment, h.OverrideBy = &comment, by
	} else {
		h.OverrideMS = nil
	}
	rows, err := q.Query(ctx, `SELECT name, COALESCE(due_date, ''), customer_visible FROM milestones WHERE project_id = ? AND deleted_ms IS NULL AND status = ?
		ORDER BY due_date`, projectID, MilestoneOpen)
	if err != nil {
		return h, err
	}
	for rows.Next() {
		var mf MilestoneFact
		var visible bool
		if err := rows.Scan(&mf.Name, &mf.Due, &visible); err != nil {
			rows.Close()
			return h, err
		}
		if customerOnly && !visible {
			if mf.Due != "" && mf.Due < f.Today {
				f.HiddenOverdue++
			}
			continue
		}
		f.Milestones = append(f.Milestones, mf)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return h, err
	}
	// Tasks: progress, blockers, overdue, and the critical path.
	type taskRow struct {
		id         int64
		start, due string
		days       int
		closed     bool
	}
	var tasks []taskRow
	rows, err = q.Query(ctx, `SELECT t.id, COALESCE(t.start_date, ''), COALESCE(t.due_date, ''), t.duration_days, t.labels, `+taskClosed+`,
		t.status = 'cancelled' OR t.status IN (SELECT ws.key FROM workflow_statuses ws WHERE ws.project_id = t.project_id AND ws.category = 'cancelled' AND ws.deleted_ms IS NULL)
		FROM tasks t WHERE t.project_id = ? AND t.deleted_ms IS NULL`, projectID)
	if err != nil {
		return h, err
	}
	for rows.Next() {
		var t taskRow
		var labels string
		var cancelled bool
		if err := rows.Scan(&t.id, &t.start, &t.due, &t.days, &labels, &t.closed, &cancelled); err != nil {
			rows.Close()
			return h, err
		}
		if cancelled {
			continue
		}
		h.TasksTotal++
		if t.closed {
			h.TasksDone++
			continue
		}
		f.OpenTasks++
		if t.due != "" && t.due < f.Today {
			f.OverdueTasks++
		}
		if hasLabel(labels, "blocker") {
			f.Blockers++
		}
		tasks = append(tasks, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return h, err
	}
	if f.OverdueTasks > 0 {
		if crit, ok := criticalOpen(ctx, q, projectID); ok {
			f.CriticalKnown = true
			for _, t := range tasks {
				if crit[t.id] && t.due != "" && t.due < f.Today {
					f.CriticalOverdue++
				}
			}
		}
	} else {
		f.CriticalKnown = true
	}
	h.Computed, h.Reasons = ComputeHealth(f)
	h.Effective = h.Computed
	if h.Override != "" {
		h.Effective = h.Override
	}
	return h, nil
}

// criticalOpen runs the critical path method over the project's task
// network from its first start (tasks without predecessors keep their
// planned start as a start-no-earlier-than) and returns the critical
// tasks: the longest dependency chain, which a planned gap elsewhere does
// not hide. ok is false when the plan cannot be scheduled.
func criticalOpen(ctx context.Context, q db.Q, projectID int64) (map[int64]bool, bool) {
	rows, err := q.Query(ctx, `SELECT id, COALESCE(start_date, ''), duration_days, milestone FROM tasks WHERE project_id = ? AND deleted_ms IS NULL`, projectID)
	if err != nil {
		return nil, false
	}
	var plan schedule.Plan
	first := calendar.Date(1 << 30)
	for rows.Next() {
		var id int64
		var start string
		var days int
		var ms bool
		if err := rows.Scan(&id, &start, &days, &ms); err != nil {
			rows.Close()
			return nil, false
		}
		t := schedule.Task{ID: id, Duration: max(days, 1)}
		if ms {
			t.Duration = 0
		}
		if d, err := calendar.Parse(start); err == nil {
			t.Start = d
			first = min(first, d)
		}
		plan.Tasks = append(plan.Tasks, t)
	}
	rows.Close()
	hasPred := map[int64]bool{}
	if len(plan.Tasks) == 0 || first == calendar.Date(1<<30) {
		return nil, false
	}
	rows, err = q.Query(ctx, `SELECT pred_id, succ_id, type, lag_days FROM task_deps d JOIN tasks a ON a.id = d.pred_id AND a.deleted_ms IS NULL
		JOIN tasks b ON b.id = d.succ_id AND b.deleted_ms IS NULL WHERE d.project_id = ?`, projectID)
	if err != nil {
		return nil, false
	}
	for rows.Next() {
		var d schedule.Dep
		var typ string
		if err := rows.Scan(&d.Pred, &d.Succ, &typ, &d.Lag); err != nil {
			rows.Close()
			return nil, false
		}
		d.Type, _ = schedule.ParseDepType(typ)
		plan.Deps = append(plan.Deps, d)
		hasPred[d.Succ] = true
	}
	rows.Close()
	for i := range plan.Tasks {
		t := &plan.Tasks[i]
		t.Fixed = !hasPred[t.ID] && t.Start != 0
	}
	cal, err := loadCalendar(ctx, q, projectID)
	if err != nil {
		return nil, false
	}
	plan.Start, plan.Calendar = first, cal
	res, err := schedule.Compute(plan)
	if err != nil {
		return nil, false
	}
	out := make(map[int64]bool, len(res.Critical))
	for _, id := range res.Critical {
		out[id] = true
	}
	return out, true
}

// OverrideHealth sets or clears the PM's override of the colour.
func (s *Service) OverrideHealth(ctx context.Context, p *access.Principal, projectID int64, in HealthInput) (Health, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return Health{}, err
	}
	if !p.Can(m, access.HealthOverride) {
		return Health{}, apperr.ForbiddenErr()
	}
	if err := in.Validate(); err != nil {
		return Health{}, err
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := archived(ctx, tx, projectID); err != nil {
			return err
		}
		var before, beforeComment string
		if err := tx.QueryRow(ctx, `SELECT health_override, health_comment FROM projects WHERE id = ?`, projectID).Scan(&before, &beforeComment); err != nil {
			return err
		}
		now := db.Now()
		var by, at any
		if in.Override != "" {
			by, at = p.UserID, now
		} else {
			in.Comment = ""
		}
		if _, err := tx.Exec(ctx, `UPDATE projects SET health_override = ?, health_comment = ?, health_by = ?, health_ms = ?, updated_ms = ? WHERE id = ?`,
			in.Override, in.Comment, by, at, now, projectID); err != nil {
			return err
		}
		action := "override"
		if in.Override == "" {
			action = "clear_override"
		}
		// The comment is the PM's candid view: internal.
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "health", EntityID: projectID, Action: action, Internal: true,
			Before: map[string]any{"override": before, "comment": beforeComment}, After: map[string]any{"override": in.Override, "comment": in.Comment}})
	})
	if err != nil {
		return Health{}, apperr.Wrap(err)
	}
	return s.Health(ctx, p, projectID)
}

// PortfolioItem is one project of the portfolio.
type PortfolioItem struct {
	ID                   int64   `json:"id"`
	Code                 string  `json:"code"`
	Name                 string  `json:"name"`
	CustomerName         string  `json:"customer_name"`
	Product              string  `json:"product"`
	Status               string  `json:"status" enum:"active,archived"`
	StartDate            string  `json:"start_date" format:"date"`
	GoLiveDate           string  `json:"golive_date" format:"date"`
	Phase                string  `json:"phase"`
	Health               Health  `json:"health"`
	Progress             float64 `json:"progress"`
	NextMilestone        string  `json:"next_milestone"`
	NextMilestoneDue     string  `json:"next_milestone_due" format:"date"`
	NextMilestoneOverdue bool    `json:"next_milestone_overdue"`
}

// PortfolioFilter narrows the portfolio.
type PortfolioFilter struct {
	Q       string
	Status  string // "", active, archived
	Health  string // "", green, amber, red
	Product string
}

func (f PortfolioFilter) Validate() error {
	var fe apperr.Fields
	if f.Status != "" && f.Status != project.StatusActive && f.Status != project.StatusArchived {
		fe.Add("status", "validate.enum")
	}
	if f.Health != "" && healthRank[f.Health] == 0 && f.Health != HealthGreen {
		fe.Add("health", "validate.enum")
	}
	if f.Product != "" && !slices.Contains(project.Products, f.Product) {
		fe.Add("product", "validate.enum")
	}
	return fe.Err()
}

// maxPortfolio bounds the projects one portfolio view computes.
const maxPortfolio = 500

// Portfolio lists every project the caller may see with its phase,
// health, progress, next milestone and go-live date, by go-live date.
func (s *Service) Portfolio(ctx context.Context, p *access.Principal, f PortfolioFilter) ([]PortfolioItem, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var prs []project.Project
	for page := 1; len(prs) < maxPortfolio; page++ {
		items, _, err := s.projects.List(ctx, p, project.ListFilter{Q: f.Q, Status: f.Status, Sort: "golive"}, db.Page{Number: page, Size: 200})
		if err != nil {
			return nil, err
		}
		prs = append(prs, items...)
		if len(items) < 200 {
			break
		}
	}
	out := []PortfolioItem{}
	t := today()
	for _, pr := range prs {
		if f.Product != "" && pr.Product != f.Product {
			continue
		}
		m, err := s.projects.Access(ctx, p, pr.ID)
		if err != nil {
			continue
		}
		cust := customer(p, m)
		h, err := computeHealth(ctx, s.db, pr.ID, cust)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		if !p.Can(m, access.InternalView) {
			h.OverrideComment = nil
		}
		if f.Health != "" && h.Effective != f.Health {
			continue
		}
		it := PortfolioItem{ID: pr.ID, Code: pr.Code, Name: pr.Name, CustomerName: pr.CustomerName, Product: pr.Product, Status: pr.Status,
			StartDate: pr.StartDate, GoLiveDate: pr.GoLiveDate, Health: h}
		if h.TasksTotal > 0 {
			it.Progress = float64(h.TasksDone) / float64(h.TasksTotal)
		}
		// The current phase: the first active one, else the first not done.
		_ = s.db.QueryRow(ctx, `SELECT name FROM phases WHERE project_id = ? AND deleted_ms IS NULL AND status <> ?
			ORDER BY CASE status WHEN 'active' THEN 0 ELSE 1 END, seq LIMIT 1`, pr.ID, PhaseDone).Scan(&it.Phase)
		_ = s.db.QueryRow(ctx, `SELECT name, due_date FROM milestones WHERE project_id = ? AND deleted_ms IS NULL AND status = ? AND due_date IS NOT NULL
			AND (customer_visible = ? OR ?) ORDER BY due_date, id LIMIT 1`, pr.ID, MilestoneOpen, true, !cust).Scan(&it.NextMilestone, &it.NextMilestoneDue)
		it.NextMilestoneOverdue = it.NextMilestoneDue != "" && it.NextMilestoneDue < t
		out = append(out, it)
	}
	return out, nil
}
