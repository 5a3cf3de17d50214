package workcal

import (
	"net/http"
	"strconv"
	"time"

	"golive/internal/calendar"
	"golive/internal/i18n"
	"golive/internal/project"
	"golive/internal/web"
	"golive/internal/work"
)

// Web holds the HTML handlers: a project's calendar and the instance's
// (administrators), the same page over a different layer.
type Web struct{ svc *Service }

func NewWeb(svc *Service) *Web { return &Web{svc: svc} }

type calPage struct {
	web.Base
	ProjectID int64  // 0: the instance calendar
	Action    string // the base path of this calendar's forms and links
	Y         Year
	Weekdays  []string
	MonthName []string
	CanEdit   bool
	// The day being edited (chosen by ?day=), with its form.
	Sel      *Cell
	Form     DayInput
	Errs     map[string]string
	Conflict bool
	Off      []work.OffDay
	Prev     int
	Next     int
	Sources  map[string]string
	Kinds    map[string]string
}

func (h *Web) page(c *web.Ctx, projectID int64, year int) (calPage, error) {
	y, err := h.svc.Year(c.Context(), c.P, projectID, year)
	if err != nil {
		return calPage{}, err
	}
	edit, err := h.svc.CanEdit(c.Context(), c.P, projectID)
	if err != nil {
		return calPage{}, err
	}
	vm := calPage{ProjectID: projectID, Y: y, CanEdit: edit, Prev: year - 1, Next: year + 1,
		Sources: map[string]string{SourceChina: c.T("workcal.source.china"), SourceInstance: c.T("workcal.source.instance"), SourceProject: c.T("workcal.source.project")},
		Kinds:   map[string]string{"holiday": c.T("workcal.kind.holiday"), "workday": c.T("workcal.kind.workday")}}
	if projectID == 0 {
		vm.Base = c.Base("workcal.admin_title")
		vm.Section = "admin_calendar"
		vm.Crumbs = []web.Crumb{{Label: c.T("nav.admin")}, {Label: c.T("workcal.admin_title")}}
		vm.Action = "/admin/calendar"
	} else {
		pr, _, err := h.svc.projects.Get(c.Context(), c.P, projectID)
		if err != nil {
			return calPage{}, err
		}
		vm.Base = project.ProjectBase(c, pr, "calendar", "workcal.title")
		vm.Action = "/projects/" + strconv.FormatInt(projectID, 10) + "/calendar"
		if edit {
			if vm.Off, err = h.svc.OffCalendar(c.Context(), c.P, projectID, year); err != nil {
				return calPage{}, err
			}
		}
	}
	for _, k := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		vm.Weekdays = append(vm.Weekdays, c.T("workcal.wd."+k))
	}
	for m := 1; m <= 12; m++ {
		name := c.T("workcal.month", m)
		if c.Lang == i18n.EN {
			name = time.Month(m).String() // "March" reads better than "Month 3"
		}
		vm.MonthName = append(vm.MonthName, name)
	}
	return vm, nil
}

// selectDay opens the edit form on one day of the shown year.
func (vm *calPage) selectDay(day string) {
	d, err := calendar.Parse(day)
	if err != nil || d.Time().Year() != vm.Y.Year {
		return
	}
	cell := vm.Y.Months[int(d.Time().Month())-1].Cells[d.Time().Day()-1]
	vm.Sel = &cell
	vm.Form = DayInput{Day: cell.Date, Kind: "holiday", Name: cell.Name, Version: cell.Override}
	switch {
	case cell.Kind != "":
		vm.Form.Kind = cell.Kind
	case cell.Weekend():
		vm.Form.Kind = "workday" // a weekend: the likely change is a make-up day
	}
}

func (h *Web) projectID(c *web.Ctx) (int64, error) {
	if c.R.PathValue("id") == "" {
		return 0, nil
	}
	return c.PathID("id")
}

// Show renders a year: GET /projects/{id}/calendar and /admin/calendar.
func (h *Web) Show(c *web.Ctx) error {
	id, err := h.projectID(c)
	if err != nil {
		return err
	}
	year, err := ParseYear(c.R.URL.Query().Get("year"))
	if err != nil {
		return err
	}
	vm, err := h.page(c, id, year)
	if err != nil {
		return err
	}
	if vm.CanEdit {
		vm.selectDay(c.R.URL.Query().Get("day"))
	}
	return c.Render(http.StatusOK, "workcal/calendar.html", vm)
}

func (h *Web) back(vm calPage, day string) string {
	return vm.Action + "?year=" + strconv.Itoa(vm.Y.Year) + "&day=" + day + "#day-edit"
}

// SetDay saves the edit form of one day.
func (h *Web) SetDay(c *web.Ctx) error {
	id, err := h.projectID(c)
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	in := DayInput{Day: c.FormValue("day"), Kind: c.FormValue("kind"), Name: c.FormValue("name")}
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	if _, err := h.svc.SetDay(c.Context(), c.P, id, in); err != nil {
		return h.failed(c, id, in, err)
	}
	c.Flash("workcal.saved", in.Day)
	d, _ := calendar.Parse(in.Day)
	return c.Redirect(h.back(calPage{Action: h.action(id), Y: Year{Year: d.Time().Year()}}, in.Day))
}

// ResetDay puts a day back to the default of the layer below.
func (h *Web) ResetDay(c *web.Ctx) error {
	id, err := h.projectID(c)
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	day := c.R.PathValue("day")
	var in ResetInput
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	if _, err := h.svc.ResetDay(c.Context(), c.P, id, day, in); err != nil {
		return h.failed(c, id, DayInput{Day: day, Version: in.Version}, err)
	}
	c.Flash("workcal.reset_done", day)
	d, _ := calendar.Parse(day)
	return c.Redirect(h.back(calPage{Action: h.action(id), Y: Year{Year: d.Time().Year()}}, day))
}

func (h *Web) action(id int64) string {
	if id == 0 {
		return "/admin/calendar"
	}
	return "/projects/" + strconv.FormatInt(id, 10) + "/calendar"
}

// failed re-renders the page with the form as typed (400) or with the
// conflict notice and the current version (409).
func (h *Web) failed(c *web.Ctx, id int64, in DayInput, err error) error {
	fe, conflict, status, ok := c.FormFailure(err)
	if !ok {
		return err
	}
	year := 0
	if d, perr := calendar.Parse(in.Day); perr == nil && d.Time().Year() >= MinYear && d.Time().Year() <= MaxYear {
		year = d.Time().Year()
	}
	if year == 0 {
		year, _ = ParseYear(c.FormValue("year"))
		if year == 0 {
			year, _ = ParseYear("")
		}
	}
	vm, perr := h.page(c, id, year)
	if perr != nil {
		return perr
	}
	vm.selectDay(in.Day)
	if vm.Sel != nil && !conflict {
		vm.Form.Kind, vm.Form.Name, vm.Form.Version = in.Kind, in.Name, in.Version
	}
	vm.Errs, vm.Conflict = fe, conflict
	return c.Render(status, "workcal/calendar.html", vm)
}

// Export writes the year's listed days (holidays and make-up days of every
// layer) as .xlsx.
func (h *Web) Export(c *web.Ctx) error {
	id, err := h.projectID(c)
	if err != nil {
		return err
	}
	year, err := ParseYear(c.R.URL.Query().Get("year"))
	if err != nil {
		return err
	}
	vm, err := h.page(c, id, year)
	if err != nil {
		return err
	}
	cols := []web.Column{
		{Header: c.T("field.day"), Kind: web.ColText, Width: 12}, {Header: c.T("workcal.col.weekday"), Kind: web.ColText, Width: 8},
		{Header: c.T("field.kind"), Kind: web.ColText, Width: 12}, {Header: c.T("field.name"), Kind: web.ColText, Width: 24},
		{Header: c.T("workcal.col.working"), Kind: web.ColText, Width: 8}, {Header: c.T("workcal.col.source"), Kind: web.ColText, Width: 14},
	}
	i := 0
	name := "calendar-" + strconv.Itoa(year) + ".xlsx"
	if id != 0 {
		name = "calendar-" + strconv.FormatInt(id, 10) + "-" + strconv.Itoa(year) + ".xlsx"
	}
	return web.ServeXLSX(c.W, name, strconv.Itoa(year), cols, func() ([]any, bool, error) {
		if i >= len(vm.Y.Exceptions) {
			return nil, false, nil
		}
		x := vm.Y.Exceptions[i]
		i++
		working := c.T("workcal.no")
		if x.Working {
			working = c.T("workcal.yes")
		}
		name := x.Name
		if x.Estimate {
			name += " (" + c.T("workcal.provisional_short") + ")"
		}
		return []any{x.Date, vm.Weekdays[(x.Weekday+6)%7], vm.Kinds[x.Kind], name, working, vm.Sources[x.Source]}, true, nil
	})
}

// RescheduleOffDays moves every task that now starts on a day off.
func (h *Web) RescheduleOffDays(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		return err
	}
	year, err := ParseYear(c.FormValue("year"))
	if err != nil {
		return err
	}
	res, err := h.svc.RescheduleOffDays(c.Context(), c.P, id, year)
	if err != nil {
		return err
	}
	c.Flash("workcal.rescheduled", res.Tasks, res.Moved)
	return c.Redirect(h.action(id) + "?year=" + strconv.Itoa(year))
}
