package costcentre

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"golive/internal/access"
	"golive/internal/costcentre/evm"
	"golive/internal/i18n"
	"golive/internal/money"
	"golive/internal/project"
	"golive/internal/web"
)

// Web holds the HTML handlers.
type Web struct{ svc *Service }

func NewWeb(svc *Service) *Web { return &Web{svc: svc} }

// Dash is a figure ready to show: money as ¥1,234.56, effort in
// person-days, an undefined value as "—".
const dash = "—"

func fen(a evm.Amount) string {
	if !a.OK {
		return dash
	}
	return money.Format(a.Value)
}

func rat(r evm.Ratio) string {
	if !r.OK {
		return dash
	}
	return strconv.FormatFloat(r.Value, 'f', 2, 64)
}

func percent(r evm.Ratio) string {
	if !r.OK {
		return dash
	}
	return strconv.FormatFloat(r.Value*100, 'f', 1, 64) + "%"
}

func days(min int64) string {
	return strconv.FormatFloat(float64(min)/evm.MinutesPerDay, 'f', 1, 64)
}

func daysA(a evm.Amount) string {
	if !a.OK {
		return dash
	}
	return days(a.Value)
}

func def(v int64) evm.Amount { return evm.Amount{Value: v, OK: true} }

// EVMRow is one line of the earned-value table.
type EVMRow struct {
	Abbr, Name, Explain string
	Money, Effort       string
	Bad                 bool // unfavourable (negative variance, index < 1)
}

// evmRows lays out the table with the explanations in the page's language.
func evmRows(l i18n.Lang, m, e evm.Figures) []EVMRow {
	T := func(k string) string { return i18n.T(l, "costcentre.evm."+k) }
	row := func(k, mv, ev string, bad bool) EVMRow {
		return EVMRow{Abbr: T(k + ".abbr"), Name: T(k + ".name"), Explain: T(k + ".explain"), Money: mv, Effort: ev, Bad: bad}
	}
	low := func(r evm.Ratio) bool { return r.OK && r.Value < 1 }
	return []EVMRow{
		row("bac", money.Format(m.BAC), days(e.BAC), false),
		row("pv", money.Format(m.PV), days(e.PV), false),
		row("ev", money.Format(m.EV), days(e.EV), false),
		row("ac", money.Format(m.AC), days(e.AC), false),
		row("sv", money.Format(m.SV), days(e.SV), m.SV < 0),
		row("cv", money.Format(m.CV), days(e.CV), m.CV < 0),
		row("spi", rat(m.SPI), rat(e.SPI), low(m.SPI)),
		row("cpi", rat(m.CPI), rat(e.CPI), low(m.CPI)),
		row("eac", fen(m.EAC), daysA(e.EAC), m.EAC.OK && m.EAC.Value > m.BAC),
		row("eac2", fen(m.EACAtypical), daysA(e.EACAtypical), false),
		row("eac3", fen(m.EACBoth), daysA(e.EACBoth), false),
		row("etc", fen(m.ETC), daysA(e.ETC), false),
		row("vac", fen(m.VAC), daysA(e.VAC), m.VAC.OK && m.VAC.Value < 0),
		row("tcpi", rat(m.TCPI), rat(e.TCPI), m.TCPI.OK && m.TCPI.Value > 1),
	}
}

// LineView is a budget line as shown.
type LineView struct {
	Name           string
	Budget, Actual string
	Used           string
	Level          string // "", amber, red
}

func lineViews(l i18n.Lang, ls []Line, phase bool) []LineView {
	var out []LineView
	for _, x := range ls {
		name := x.Name
		if !phase {
			name = CategoryName(l, x.Key)
		} else if x.Key == "0" {
			name = i18n.T(l, "costcentre.no_phase")
		}
		v := LineView{Name: name, Budget: money.Format(x.BudgetMinor), Actual: money.Format(x.ActualMinor), Used: percent(x.Used)}
		switch {
		case x.Used.OK && x.Used.Value >= 1:
			v.Level = "red"
		case x.Used.OK && x.Used.Value >= 0.8:
			v.Level = "amber"
		}
		out = append(out, v)
	}
	return out
}

// CategoryName names a category in the language (unknown keys as they are).
func CategoryName(l i18n.Lang, key string) string {
	for _, c := range Categories {
		if c == key {
			return i18n.T(l, "costcentre.cat."+key)
		}
	}
	return key
}

// AlertText renders an alert in the language.
func AlertText(l i18n.Lang, a Alert) string {
	args := make([]any, len(a.Params))
	for i, p := range a.Params {
		args[i] = p
	}
	if len(args) > 0 && (a.Msg == "costcentre.alert.cat80" || a.Msg == "costcentre.alert.cat100") {
		args[0] = CategoryName(l, a.Params[0])
	}
	return i18n.T(l, a.Msg, args...)
}

type alertView struct{ Level, Text string }

type dashPage struct {
	web.Base
	P           project.Project
	D           Dashboard
	EVM         []EVMRow
	Cats        []LineView
	Phases      []LineView
	Alerts      []alertView
	Forecast    string
	MarginPct   string
	MarginEAC   string
	MarginEACPc string
	Curve       string // JSON for the chart
	CatBars     string
	PhaseBars   string
	CanSettings bool
	Form        SettingsInput
	Errs        map[string]string
	Conflict    bool
}

type bar struct {
	Label  string  `json:"label"`
	Budget float64 `json:"budget"`
	Actual float64 `json:"actual"`
}

func bars(ls []LineView, src []Line) string {
	out := make([]bar, 0, len(src))
	for i, x := range src {
		out = append(out, bar{Label: ls[i].Name, Budget: float64(x.BudgetMinor) / 100, Actual: float64(x.ActualMinor) / 100})
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func (h *Web) page(c *web.Ctx, id int64) (dashPage, error) {
	d, err := h.svc.Dashboard(c.Context(), c.P, id)
	if err != nil {
		return dashPage{}, err
	}
	pr, m, err := h.svc.projects.Get(c.Context(), c.P, id)
	if err != nil {
		return dashPage{}, err
	}
	vm := dashPage{Base: project.ProjectBase(c, pr, "costcentre", "costcentre.title"), P: pr, D: d,
		EVM: evmRows(c.Lang, d.Money, d.Effort), Cats: lineViews(c.Lang, d.Categories, false), Phases: lineViews(c.Lang, d.Phases, true),
		Forecast: fen(d.ForecastMinor), MarginPct: percent(d.MarginPct), MarginEAC: fen(d.MarginEACMinor), MarginEACPc: percent(d.MarginEACPct),
		CanSettings: c.P.Can(m, access.CostSettings),
		Form:        SettingsInput{CPIThresholdPct: d.Settings.CPIThresholdPct, AheadPoints: d.Settings.AheadPoints, Version: d.Settings.Version}}
	for _, a := range Visible(d.Alerts) {
		vm.Alerts = append(vm.Alerts, alertView{Level: a.Level, Text: AlertText(c.Lang, a)})
	}
	cj, _ := json.Marshal(d.Curve)
	vm.Curve = string(cj)
	vm.CatBars = bars(vm.Cats, d.Categories)
	vm.PhaseBars = bars(vm.Phases, d.Phases)
	return vm, nil
}

// Show renders GET /projects/{id}/costcentre.
func (h *Web) Show(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	vm, err := h.page(c, id)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "costcentre/dashboard.html", vm)
}

// SaveSettings handles POST /projects/{id}/costcentre/settings.
func (h *Web) SaveSettings(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := SettingsInput{CPIThresholdPct: atoi(c.FormValue("cpi_threshold_pct")), AheadPoints: atoi(c.FormValue("ahead_points")), Version: int64(atoi(c.FormValue("version")))}
	if _, err := h.svc.SaveSettings(c.Context(), c.P, id, in); err != nil {
		fields, conflict, status, ok := c.FormFailure(err)
		if !ok {
			return err
		}
		vm, perr := h.page(c, id)
		if perr != nil {
			return perr
		}
		vm.Form, vm.Errs, vm.Conflict = in, fields, conflict
		return c.Render(status, "costcentre/dashboard.html", vm)
	}
	c.Flash("costcentre.settings_saved")
	return c.Redirect(fmt.Sprintf("/projects/%d/costcentre", id))
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1 // refused by Validate with the field named
	}
	return n
}

// Export writes the dashboard's figures: GET /projects/{id}/costcentre.xlsx.
func (h *Web) Export(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	vm, err := h.page(c, id)
	if err != nil {
		return err
	}
	T := c.T
	d := vm.D
	cols := []web.Column{
		{Header: T("costcentre.x.section"), Kind: web.ColText}, {Header: T("costcentre.x.item"), Kind: web.ColText},
		{Header: T("costcentre.x.amount"), Kind: web.ColMoney}, {Header: T("costcentre.x.actual"), Kind: web.ColMoney},
		{Header: T("costcentre.x.ratio"), Kind: web.ColPercent}, {Header: T("costcentre.x.effort"), Kind: web.ColText},
		{Header: T("costcentre.x.note"), Kind: web.ColText},
	}
	var rows [][]any
	add := func(r ...any) { rows = append(rows, r) }
	pr := func(r evm.Ratio) any {
		if !r.OK {
			return nil
		}
		return r.Value
	}
	am := func(a evm.Amount) any {
		if !a.OK {
			return nil
		}
		return a.Value
	}
	sum := T("costcentre.summary")
	add(sum, T("costcentre.as_of"), nil, nil, nil, nil, d.AsOf)
	add(sum, T("costcentre.budget"), d.BudgetMinor, d.ActualMinor, pr(ratio(d.ActualMinor, d.BudgetMinor)), nil, nil)
	add(sum, T("costcentre.contingency"), d.ContingencyMinor, nil, nil, nil, nil)
	add(sum, T("costcentre.forecast"), am(d.ForecastMinor), nil, nil, nil, nil)
	add(sum, T("costcentre.contract"), d.ContractMinor, nil, nil, nil, nil)
	add(sum, T("costcentre.margin"), d.MarginMinor, nil, pr(d.MarginPct), nil, nil)
	add(sum, T("costcentre.margin_eac"), am(d.MarginEACMinor), nil, pr(d.MarginEACPct), nil, nil)
	for i, l := range d.Categories {
		add(T("costcentre.by_category"), vm.Cats[i].Name, l.BudgetMinor, l.ActualMinor, pr(l.Used), nil, nil)
	}
	for i, l := range d.Phases {
		add(T("costcentre.by_phase"), vm.Phases[i].Name, l.BudgetMinor, l.ActualMinor, pr(l.Used), nil, nil)
	}
	for _, w := range d.Burn {
		add(T("costcentre.burn"), w.From+" – "+w.To, nil, w.CostMinor, nil, nil, nil)
	}
	add(T("costcentre.burn"), T("costcentre.burn_avg"), nil, d.BurnAvgMinor, nil, nil, nil)
	m, e := d.Money, d.Effort
	type ev struct {
		k      string
		money  any
		ratio  any
		effort string
	}
	for _, x := range []ev{
		{"bac", m.BAC, nil, days(e.BAC)}, {"pv", m.PV, nil, days(e.PV)}, {"ev", m.EV, nil, days(e.EV)}, {"ac", m.AC, nil, days(e.AC)},
		{"sv", m.SV, nil, days(e.SV)}, {"cv", m.CV, nil, days(e.CV)}, {"spi", nil, pr(m.SPI), rat(e.SPI)}, {"cpi", nil, pr(m.CPI), rat(e.CPI)},
		{"eac", am(m.EAC), nil, daysA(e.EAC)}, {"eac2", am(m.EACAtypical), nil, daysA(e.EACAtypical)}, {"eac3", am(m.EACBoth), nil, daysA(e.EACBoth)},
		{"etc", am(m.ETC), nil, daysA(e.ETC)}, {"vac", am(m.VAC), nil, daysA(e.VAC)}, {"tcpi", nil, pr(m.TCPI), rat(e.TCPI)},
	} {
		add(T("costcentre.evm_title"), T("costcentre.evm."+x.k+".abbr")+" "+T("costcentre.evm."+x.k+".name"), x.money, nil, x.ratio, x.effort, T("costcentre.evm."+x.k+".explain"))
	}
	for _, p := range d.Curve {
		add(T("costcentre.scurve"), p.Day, p.PV, p.AC, nil, nil, evText(p.EV))
	}
	i := 0
	return web.ServeXLSX(c.W, fmt.Sprintf("%s-%s.xlsx", vm.P.Code, T("costcentre.title")), T("costcentre.title"), cols, func() ([]any, bool, error) {
		if i >= len(rows) {
			return nil, false, nil
		}
		i++
		return rows[i-1], true, nil
	})
}

func evText(v *int64) string {
	if v == nil {
		return ""
	}
	return "EV " + money.Format(*v)
}
