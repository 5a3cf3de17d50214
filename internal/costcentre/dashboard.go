package costcentre

import (
	"context"
	"sort"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/calendar"
	"golive/internal/costcentre/evm"
)

// Line is budget against actual for one category or phase.
type Line struct {
	Key         string    `json:"key"`            // category key, or phase id as text
	Name        string    `json:"name,omitempty"` // phase name
	BudgetMinor int64     `json:"budget_minor"`
	ActualMinor int64     `json:"actual_minor"`
	Used        evm.Ratio `json:"used"` // actual / budget
}

// Week is the cost of one Monday–Sunday week.
type Week struct {
	From      string `json:"from"`
	To        string `json:"to"`
	CostMinor int64  `json:"cost_minor"`
}

// CurvePoint is one step of the S-curve, cumulative fen (EV and AC null
// after the status date).
type CurvePoint struct {
	Day string `json:"day"`
	PV  int64  `json:"pv_minor"`
	EV  *int64 `json:"ev_minor"`
	AC  *int64 `json:"ac_minor"`
}

// Dashboard is a project's cost centre at the status date.
type Dashboard struct {
	ProjectID        int64        `json:"project_id"`
	AsOf             string       `json:"as_of"`
	HasBaseline      bool         `json:"has_baseline"`
	HasBudget        bool         `json:"has_budget"`
	HasContract      bool         `json:"has_contract"`
	BudgetMinor      int64        `json:"budget_minor"` // BAC
	ContingencyMinor int64        `json:"contingency_minor"`
	ActualMinor      int64        `json:"actual_minor"` // AC to date
	Categories       []Line       `json:"categories"`
	Phases           []Line       `json:"phases"`
	Burn             []Week       `json:"burn"` // the last 4 weeks, oldest first
	BurnAvgMinor     int64        `json:"burn_avg_minor"`
	Money            evm.Figures  `json:"money"`
	Effort           evm.Figures  `json:"effort_min"` // minutes; pages show person-days
	ForecastMinor    evm.Amount   `json:"forecast_minor"`
	ContractMinor    int64        `json:"contract_minor"`
	MarginMinor      int64        `json:"margin_minor"` // contract − AC
	MarginPct        evm.Ratio    `json:"margin_pct"`
	MarginEACMinor   evm.Amount   `json:"margin_at_completion_minor"` // contract − EAC
	MarginEACPct     evm.Ratio    `json:"margin_at_completion_pct"`
	Curve            []CurvePoint `json:"curve"`
	Alerts           []Alert      `json:"alerts"`
	Settings         Settings     `json:"settings"`
}

// allow checks that the caller may see the project's cost figures:
// not visible is 404, visible without CostView is 403.
func (s *Service) allow(ctx context.Context, p *access.Principal, projectID int64) error {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return err
	}
	if !p.Can(m, access.CostView) {
		return apperr.New(apperr.Forbidden, "costcentre.forbidden")
	}
	return nil
}

// today is the status date in China time.
func (s *Service) today() calendar.Date { return calendar.Of(s.now().In(china)) }

// Dashboard computes a project's cost centre (CostView).
func (s *Service) Dashboard(ctx context.Context, p *access.Principal, projectID int64) (Dashboard, error) {
	if err := s.allow(ctx, p, projectID); err != nil {
		return Dashboard{}, err
	}
	return s.dashboard(ctx, projectID, s.today())
}

// dashboard computes without a permission check (alerts, tests).
func (s *Service) dashboard(ctx context.Context, projectID int64, today calendar.Date) (Dashboard, error) {
	d := Dashboard{ProjectID: projectID, AsOf: today.String(), Categories: []Line{}, Phases: []Line{}, Curve: []CurvePoint{}, Alerts: []Alert{}}
	var err error
	if d.Settings, err = readSettings(ctx, s.db, projectID); err != nil {
		return d, apperr.Wrap(err)
	}
	tasks, hasBaseline, err := planTasks(ctx, s.db, projectID)
	if err != nil {
		return d, apperr.Wrap(err)
	}
	d.HasBaseline = hasBaseline
	cal, err := calendar.Load(ctx, s.db, projectID)
	if err != nil {
		return d, apperr.Wrap(err)
	}
	var budget Budget
	if s.src.Budget != nil {
		if budget, d.HasBudget, err = s.src.Budget(ctx, projectID); err != nil {
			return d, apperr.Wrap(err)
		}
	}
	if !d.HasBudget {
		// The charter's budget stands in until a budget is approved.
		if err := s.db.QueryRow(ctx, `SELECT budget_minor FROM projects WHERE id = ?`, projectID).Scan(&d.BudgetMinor); err != nil {
			return d, apperr.Wrap(err)
		}
	}
	for _, l := range budget.Lines {
		d.BudgetMinor += l.AmountMinor
	}
	d.ContingencyMinor = budget.ContingencyMinor
	var actuals []ActualDay
	if s.src.Actuals != nil {
		if actuals, err = s.src.Actuals(ctx, projectID, "", today.String()); err != nil {
			return d, apperr.Wrap(err)
		}
	}
	if s.src.ContractValue != nil {
		if d.ContractMinor, d.HasContract, err = s.src.ContractValue(ctx, projectID); err != nil {
			return d, apperr.Wrap(err)
		}
	}

	// Budget against actual by category and by phase.
	cats := map[string]*Line{}
	for _, k := range Categories {
		cats[k] = &Line{Key: k}
	}
	phases := map[int64]*Line{}
	phase := func(id int64) *Line {
		if phases[id] == nil {
			phases[id] = &Line{}
		}
		return phases[id]
	}
	for _, l := range budget.Lines {
		if cats[l.Category] == nil {
			cats[l.Category] = &Line{Key: l.Category}
		}
		cats[l.Category].BudgetMinor += l.AmountMinor
		phase(l.PhaseID).BudgetMinor += l.AmountMinor
	}
	evAct := make([]evm.Actual, 0, len(actuals))
	for _, a := range actuals {
		day, err := calendar.Parse(a.Day)
		if err != nil || day > today {
			continue
		}
		if cats[a.Category] == nil {
			cats[a.Category] = &Line{Key: a.Category}
		}
		cats[a.Category].ActualMinor += a.CostMinor
		phase(a.PhaseID).ActualMinor += a.CostMinor
		d.ActualMinor += a.CostMinor
		evAct = append(evAct, evm.Actual{Day: day, CostMinor: a.CostMinor, EffortMin: a.LaborMin})
	}
	for _, k := range Categories {
		d.Categories = append(d.Categories, *cats[k])
		delete(cats, k)
	}
	var extra []string
	for k := range cats {
		extra = append(extra, k)
	}
	sort.Strings(extra)
	for _, k := range extra {
		d.Categories = append(d.Categories, *cats[k])
	}
	for i := range d.Categories {
		l := &d.Categories[i]
		l.Used = ratio(l.ActualMinor, l.BudgetMinor)
	}
	if err := s.phaseLines(ctx, projectID, phases, &d); err != nil {
		return d, apperr.Wrap(err)
	}

	// Burn rate: the last four Monday–Sunday weeks, this one included.
	mon := today.AddDays(-((int(today.Weekday()) + 6) % 7))
	for i := 3; i >= 0; i-- {
		from := mon.AddDays(-7 * i)
		to := from.AddDays(6)
		w := Week{From: from.String(), To: to.String()}
		for _, a := range evAct {
			if a.Day >= from && a.Day <= to {
				w.CostMinor += a.CostMinor
			}
		}
		d.Burn = append(d.Burn, w)
		d.BurnAvgMinor += w.CostMinor
	}
	d.BurnAvgMinor, _ = evm.MulDiv(d.BurnAvgMinor, 1, 4)

	// Earned value.
	plan := evm.NewPlan(d.BudgetMinor, tasks, cal)
	cum := evm.NewCumulative(evAct)
	st := evm.Status(plan, cum, today)
	d.Money, d.Effort = st.Money, st.Effort
	d.ForecastMinor = d.Money.EAC
	if !d.ForecastMinor.OK {
		d.ForecastMinor = d.Money.EACAtypical
	}
	d.MarginMinor = d.ContractMinor - d.ActualMinor
	d.MarginPct = ratio(d.MarginMinor, d.ContractMinor)
	if d.ForecastMinor.OK {
		d.MarginEACMinor = evm.Amount{Value: d.ContractMinor - d.ForecastMinor.Value, OK: true}
		d.MarginEACPct = ratio(d.MarginEACMinor.Value, d.ContractMinor)
	}
	for _, pt := range evm.Curve(plan, cum, today, 120) {
		cp := CurvePoint{Day: pt.Day.String(), PV: pt.PV}
		if pt.HasEV {
			ev, ac := pt.EV, pt.AC
			cp.EV, cp.AC = &ev, &ac
		}
		d.Curve = append(d.Curve, cp)
	}
	d.Alerts = Evaluate(d)
	return d, nil
}

func ratio(num, den int64) evm.Ratio {
	if den == 0 {
		return evm.Ratio{}
	}
	return evm.Ratio{Value: float64(num) / float64(den), OK: true}
}

// phaseLines orders the phase lines by the plan's phases (names from
// methodology), "no phase" last, and leaves out phases with neither.
func (s *Service) phaseLines(ctx context.Context, projectID int64, phases map[int64]*Line, d *Dashboard) error {
	rows, err := s.db.Query(ctx, `SELECT id, name FROM phases WHERE project_id = ? AND deleted_ms IS NULL ORDER BY seq, id`, projectID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		if l := phases[id]; l != nil {
			l.Key, l.Name = itoa(id), name
			l.Used = ratio(l.ActualMinor, l.BudgetMinor)
			d.Phases = append(d.Phases, *l)
			delete(phases, id)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	// Phases deleted since, and "no phase", together at the end.
	var rest Line
	for _, l := range phases {
		rest.BudgetMinor += l.BudgetMinor
		rest.ActualMinor += l.ActualMinor
	}
	if rest.BudgetMinor != 0 || rest.ActualMinor != 0 {
		rest.Key = "0"
		rest.Used = ratio(rest.ActualMinor, rest.BudgetMinor)
		d.Phases = append(d.Phases, rest)
	}
	return nil
}
