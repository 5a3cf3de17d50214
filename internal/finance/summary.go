package finance

import (
	"context"
	"sort"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/calendar"
)

// Summary groupings and periods.
const (
	ByProject       = "project"
	ByPerson        = "person"
	ByTrade         = "trade"
	BySubcontractor = "subcontractor"

	PerDay   = "day"
	PerWeek  = "week"
	PerMonth = "month"
	PerAll   = ""
)

// SummaryQuery selects approved labor to total. ProjectID 0: every
// project whose costs the caller may see.
type SummaryQuery struct {
	ProjectID       int64  `json:"project_id,omitempty"`
	SubcontractorID int64  `json:"subcontractor_id,omitempty"`
	From            string `json:"from"`
	To              string `json:"to"`
	GroupBy         string `json:"group_by"` // project | person | trade | subcontractor
	Period          string `json:"period"`   // day | week | month | "" (whole range)
}

// SummaryRow totals one group in one period. Days are 工日 equivalents
// (hours / 8).
type SummaryRow struct {
	Period    string `json:"period"`
	Key       string `json:"key"`
	Label     string `json:"label"`
	Records   int    `json:"records"`
	Hours     Qty    `json:"hours"`
	Days      Qty    `json:"days"`
	CostMinor int64  `json:"cost_minor"`
	Unrated   int    `json:"unrated"`
}

// SummaryResult is the rows and their grand total.
type SummaryResult struct {
	Query SummaryQuery `json:"query"`
	Rows  []SummaryRow `json:"rows"`
	Total SummaryRow   `json:"total"`
}

func (q *SummaryQuery) validate() error {
	var f apperr.Fields
	if q.GroupBy == "" {
		q.GroupBy = ByPerson
	}
	switch q.GroupBy {
	case ByProject, ByPerson, ByTrade, BySubcontractor:
	default:
		f.Add("group_by", "finance.group_invalid")
	}
	switch q.Period {
	case PerDay, PerWeek, PerMonth, PerAll:
	default:
		f.Add("period", "finance.period_invalid")
	}
	if _, err := calendar.Parse(q.From); err != nil {
		f.Add("from", "finance.date_invalid")
	}
	if _, err := calendar.Parse(q.To); err != nil {
		f.Add("to", "finance.date_invalid")
	}
	if err := f.Err(); err != nil {
		return err
	}
	if q.From > q.To {
		return apperr.InvalidField("to", "finance.range_reversed")
	}
	if calendar.MustParse(q.To)-calendar.MustParse(q.From) > 400 {
		return apperr.InvalidField("to", "finance.range_too_long", 400)
	}
	return nil
}

// costProjects returns the projects whose costs the caller may see
// (nil, true: all of them, for administrators).
func (s *Service) costProjects(ctx context.Context, p *access.Principal) ([]int64, bool, error) {
	if p == nil || !p.Vendor {
		return nil, false, apperr.NotFoundErr()
	}
	if p.Admin {
		return nil, true, nil
	}
	rows, err := s.db.Query(ctx, `SELECT pm.project_id, pm.role FROM project_members pm JOIN projects pr ON pr.id = pm.project_id
		WHERE pm.user_id = ? AND pm.deleted_ms IS NULL AND pr.deleted_ms IS NULL`, p.UserID)
	if err != nil {
		return nil, false, apperr.Wrap(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		var role string
		if err := rows.Scan(&id, &role); err != nil {
			return nil, false, apperr.Wrap(err)
		}
		if access.RoleCan(access.Role(role), access.CostView) {
			out = append(out, id)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, false, apperr.Wrap(err)
	}
	if len(out) == 0 {
		return nil, false, apperr.NotFoundErr() // sees no project's costs: nothing to show
	}
	return out, false, nil
}

// PeriodOf is the period key of a date: the date, its week's Monday, or
// its month.
func PeriodOf(date, period string) string {
	switch period {
	case PerDay:
		return date
	case PerWeek:
		d, err := calendar.Parse(date)
		if err != nil {
			return date
		}
		return (d - calendar.Date((int(d.Weekday())+6)%7)).String()
	case PerMonth:
		return date[:7]
	}
	return ""
}

// Summary totals approved labor (reversals included, so corrected
// records net out) by group and period, with cost at the rate of each day.
func (s *Service) Summary(ctx context.Context, p *access.Principal, q SummaryQuery) (SummaryResult, error) {
	if q.ProjectID != 0 {
		if err := s.costAccess(ctx, p, q.ProjectID); err != nil {
			return SummaryResult{}, err
		}
	}
	if err := q.validate(); err != nil {
		return SummaryResult{}, err
	}
	where := []string{"l.status = 'approved'", "l.deleted_ms IS NULL", "l.work_date >= ?", "l.work_date <= ?"}
	args := []any{q.From, q.To}
	if q.ProjectID != 0 {
		where, args = append(where, "l.project_id = ?"), append(args, q.ProjectID)
	} else {
		ids, all, err := s.costProjects(ctx, p)
		if err != nil {
			return SummaryResult{}, err
		}
		if !all {
			if len(ids) == 0 {
				return SummaryResult{Query: q, Rows: []SummaryRow{}}, nil
			}
			ph := strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")
			where = append(where, "l.project_id IN ("+ph+")")
			for _, id := range ids {
				args = append(args, id)
			}
		}
	}
	if q.SubcontractorID != 0 {
		where, args = append(where, "l.subcontractor_id = ?"), append(args, q.SubcontractorID)
	}
	rates, err := s.LoadRates(ctx)
	if err != nil {
		return SummaryResult{}, err
	}
	rows, err := s.db.Query(ctx, `SELECT l.project_id, pr.code, pr.name, l.work_date, COALESCE(l.user_id, 0), COALESCE(l.worker_id, 0), COALESCE(u.name, w.name, ''),
			COALESCE(l.subcontractor_id, 0), COALESCE(sc.name, ''), COALESCE(pm.role, u.role, ''), l.trade, l.unit, l.qty_centi, l.hours_centi
		FROM labor_records l JOIN projects pr ON pr.id = l.project_id
		LEFT JOIN users u ON u.id = l.user_id
		LEFT JOIN workers w ON w.id = l.worker_id
		LEFT JOIN subcontractors sc ON sc.id = l.subcontractor_id
		LEFT JOIN project_members pm ON pm.project_id = l.project_id AND pm.user_id = l.user_id AND pm.deleted_ms IS NULL
		WHERE `+strings.Join(where, " AND "), args...)
	if err != nil {
		return SummaryResult{}, apperr.Wrap(err)
	}
	defer rows.Close()
	type gk struct{ period, key string }
	acc := map[gk]*SummaryRow{}
	res := SummaryResult{Query: q, Total: SummaryRow{Label: "total"}}
	for rows.Next() {
		var l LaborLine
		var pid, subID, hours int64
		var code, pname, name, sub string
		if err := rows.Scan(&pid, &code, &pname, &l.Date, &l.UserID, &l.WorkerID, &name, &subID, &sub, &l.Role, &l.Trade, &l.Unit, &l.QtyCenti, &hours); err != nil {
			return SummaryResult{}, apperr.Wrap(err)
		}
		var key, label string
		switch q.GroupBy {
		case ByProject:
			key, label = "p"+itoa(pid), code+" "+pname
		case ByPerson:
			key, label = personKey(l.UserID, l.WorkerID), name
			if sub != "" {
				label += " (" + sub + ")"
			}
		case ByTrade:
			key, label = l.Trade, l.Trade
		case BySubcontractor:
			key, label = "s"+itoa(subID), sub
		}
		k := gk{PeriodOf(l.Date, q.Period), key}
		r := acc[k]
		if r == nil {
			r = &SummaryRow{Period: k.period, Key: key, Label: label}
			acc[k] = r
		}
		c, ok := rates.Cost(l)
		for _, t := range []*SummaryRow{r, &res.Total} {
			t.Records++
			t.Hours += Qty(hours)
			t.CostMinor += c
			if !ok {
				t.Unrated++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return SummaryResult{}, apperr.Wrap(err)
	}
	res.Rows = make([]SummaryRow, 0, len(acc))
	for _, r := range acc {
		r.Days = Qty(divRound(int64(r.Hours), HoursPerDay))
		res.Rows = append(res.Rows, *r)
	}
	res.Total.Days = Qty(divRound(int64(res.Total.Hours), HoursPerDay))
	sort.Slice(res.Rows, func(i, j int) bool {
		a, b := res.Rows[i], res.Rows[j]
		if a.Period != b.Period {
			return a.Period < b.Period
		}
		if a.Label != b.Label {
			return a.Label < b.Label
		}
		return a.Key < b.Key
	})
	return res, nil
}

func itoa(v int64) string {
	const digits = "0123456789"
	if v == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for v > 0 {
		i--
		b[i] = digits[v%10]
		v /= 10
	}
	return string(b[i:])
}

// SheetRow is one day worker's month on a subcontractor's sheet.
type SheetRow struct {
	Name      string `json:"name"`
	Trade     string `json:"trade"`
	Days      []Qty  `json:"days"` // per day of the month, 工日 equivalents
	Total     Qty    `json:"total"`
	CostMinor int64  `json:"cost_minor"`
}

// Sheet is a subcontractor's monthly labor sheet for signature.
type Sheet struct {
	Subcontractor Subcontractor `json:"subcontractor"`
	ProjectID     int64         `json:"project_id"`
	ProjectName   string        `json:"project_name"`
	Month         string        `json:"month"`
	Dates         []string      `json:"dates"`
	Rows          []SheetRow    `json:"rows"`
	Total         Qty           `json:"total"`
	CostMinor     int64         `json:"cost_minor"`
}

// MonthlySheet builds the sheet of one subcontractor for one month of a
// project (approved labor; CostView).
func (s *Service) MonthlySheet(ctx context.Context, p *access.Principal, projectID, subID int64, month string) (Sheet, error) {
	if err := s.costAccess(ctx, p, projectID); err != nil {
		return Sheet{}, err
	}
	first, err := calendar.Parse(month + "-01")
	if err != nil || len(month) != 7 {
		return Sheet{}, apperr.InvalidField("month", "finance.month_invalid")
	}
	subs, err := s.Subcontractors(ctx, p)
	if err != nil {
		return Sheet{}, err
	}
	sh := Sheet{ProjectID: projectID, Month: month}
	for _, sc := range subs {
		if sc.ID == subID {
			sh.Subcontractor = sc
		}
	}
	if sh.Subcontractor.ID == 0 {
		return Sheet{}, apperr.InvalidField("subcontractor_id", "finance.subcontractor_invalid")
	}
	_ = s.db.QueryRow(ctx, `SELECT code || ' ' || name FROM projects WHERE id = ?`, projectID).Scan(&sh.ProjectName)
	for d := first; d.String()[:7] == month; d++ {
		sh.Dates = append(sh.Dates, d.String())
	}
	res, err := s.Summary(ctx, p, SummaryQuery{ProjectID: projectID, SubcontractorID: subID, From: sh.Dates[0], To: sh.Dates[len(sh.Dates)-1], GroupBy: ByPerson, Period: PerDay})
	if err != nil {
		return Sheet{}, err
	}
	idx := map[string]int{}
	for _, w := range sh.Subcontractor.Workers {
		idx[personKey(0, w.ID)] = len(sh.Rows)
		sh.Rows = append(sh.Rows, SheetRow{Name: w.Name, Trade: w.Trade, Days: make([]Qty, len(sh.Dates))})
	}
	for _, r := range res.Rows {
		i, ok := idx[r.Key]
		if !ok {
			idx[r.Key] = len(sh.Rows)
			i = len(sh.Rows)
			sh.Rows = append(sh.Rows, SheetRow{Name: r.Label, Days: make([]Qty, len(sh.Dates))})
		}
		day := int(calendar.MustParse(r.Period) - first)
		sh.Rows[i].Days[day] += r.Days
		sh.Rows[i].Total += r.Days
		sh.Rows[i].CostMinor += r.CostMinor
		sh.Total += r.Days
		sh.CostMinor += r.CostMinor
	}
	return sh, nil
}
