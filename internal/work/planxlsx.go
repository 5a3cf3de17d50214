package work

import (
	"bytes"
	"context"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/web"
)

// Plan round-trip through Excel: the export is a sheet a PM edits and
// imports again, so its columns are fixed (the import finds them by
// position) and the task's version travels in a hidden last column so an
// import can tell a row edited from a stale export.

// planCols are the catalog keys of the plan sheet's columns, in order.
var planCols = []string{
	"planxlsx.col_number", "planxlsx.col_parent", "planxlsx.col_title", "planxlsx.col_start", "planxlsx.col_due",
	"planxlsx.col_duration", "planxlsx.col_preds", "planxlsx.col_assignees", "planxlsx.col_status",
	"planxlsx.col_visible", "planxlsx.col_version",
}

// PlanRow is one task as the plan sheet shows it.
type PlanRow struct {
	Number    int64
	Parent    int64
	Title     string
	Start     string
	Due       string
	Duration  int
	Preds     string
	Assignees string
	Status    string
	Visible   bool
	Version   int64
}

// planRows collects the caller's plan: every task it may edit (the caller
// holds TaskEdit or TaskCreate, so it sees internal tasks), in WBS order.
func (s *Service) planRows(ctx context.Context, p *access.Principal, projectID int64) ([]PlanRow, []Status, error) {
	m, _, err := s.access(ctx, p, projectID)
	if err != nil {
		return nil, nil, err
	}
	if !p.Can(m, access.TaskEdit) && !p.Can(m, access.TaskCreate) {
		return nil, nil, apperr.ForbiddenErr()
	}
	ss, err := s.workflow(ctx, projectID)
	if err != nil {
		return nil, nil, err
	}
	ts, _, err := s.All(ctx, p, projectID, Filter{})
	if err != nil {
		return nil, nil, err
	}
	deps, err := s.Dependencies(ctx, p, projectID, 0)
	if err != nil {
		return nil, nil, err
	}
	members, err := s.Members(ctx, p, projectID)
	if err != nil {
		return nil, nil, err
	}
	email := map[int64]string{}
	for _, mb := range members {
		email[mb.UserID] = mb.Email
	}
	number := map[int64]int64{}
	for _, t := range ts {
		number[t.ID] = t.Number
	}
	preds := map[int64][]PredRef{}
	for _, d := range deps {
		preds[d.SuccID] = append(preds[d.SuccID], PredRef{Number: d.PredNumber, Type: d.Type, Lag: d.LagDays})
	}
	var out []PlanRow
	for _, r := range Tree(ts) {
		t := r.Task
		row := PlanRow{Number: t.Number, Title: t.Title, Start: t.StartDate, Due: t.DueDate, Duration: t.DurationDays,
			Preds: FormatPredecessors(preds[t.ID]), Status: t.Status, Visible: t.CustomerVisible, Version: t.Version}
		if t.ParentID != nil {
			row.Parent = number[*t.ParentID]
		}
		as := make([]string, 0, len(t.Assignees))
		for _, a := range t.Assignees {
			if e := email[a.ID]; e != "" {
				as = append(as, e)
			} else {
				as = append(as, a.Name)
			}
		}
		row.Assignees = strings.Join(as, ", ")
		out = append(out, row)
	}
	return out, ss, nil
}

// PlanExport serves the plan sheet with a second sheet of notes.
func (h *Web) PlanExport(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	pr, _, err := h.svc.Project(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	rows, ss, err := h.svc.planRows(c.Context(), c.P, id)
	if err != nil {
		return err
	}
	l := newLabels(c, ss)
	var buf bytes.Buffer
	if err := writePlan(&buf, func(k string) string { return c.T(k) }, rows, func(k string) string { return l.statusName(k) }); err != nil {
		return err
	}
	name := pr.Code + "-" + c.T("planxlsx.file") + "-" + today().Format("2006-01-02") + ".xlsx"
	hd := c.W.Header()
	hd.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	hd.Set("Content-Disposition", `attachment; filename="plan.xlsx"; filename*=UTF-8''`+urlPathEscape(name))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "private, no-store")
	_, err = c.W.Write(buf.Bytes())
	return err
}

func urlPathEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(strconv.FormatInt(int64(c)|0x100, 16)[1:]))
		}
	}
	return b.String()
}

// writePlan writes the plan workbook; status is written by its key's label.
func writePlan(w *bytes.Buffer, t func(string) string, rows []PlanRow, status func(string) string) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := t("planxlsx.sheet")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	head := make([]any, len(planCols))
	for i, k := range planCols {
		head[i] = t(k)
	}
	if err := f.SetSheetRow(sheet, "A1", &head); err != nil {
		return err
	}
	for i, r := range rows {
		var parent any
		if r.Parent > 0 {
			parent = r.Parent
		}
		vis := t("work.no")
		if r.Visible {
			vis = t("work.yes")
		}
		var dur any
		if r.Duration > 0 {
			dur = r.Duration
		}
		vals := []any{r.Number, parent, r.Title, r.Start, r.Due, dur, r.Preds, r.Assignees, status(r.Status), vis, r.Version}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(sheet, cell, &vals); err != nil {
			return err
		}
	}
	last, _ := excelize.ColumnNumberToName(len(planCols))
	if err := f.SetColVisible(sheet, last, false); err != nil {
		return err
	}
	_ = f.SetColWidth(sheet, "C", "C", 40)
	_ = f.SetColWidth(sheet, "D", "E", 12)
	_ = f.SetColWidth(sheet, "G", "H", 24)
	notes := t("planxlsx.notes_sheet")
	if _, err := f.NewSheet(notes); err != nil {
		return err
	}
	for i, k := range planCols {
		vals := []any{t(k), t(k + "_note")}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(notes, cell, &vals); err != nil {
			return err
		}
	}
	_ = f.SetColWidth(notes, "A", "A", 16)
	_ = f.SetColWidth(notes, "B", "B", 90)
	return f.Write(w)
}
