package finance

import (
	"context"
	"strings"
	"time"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/calendar"
	"golive/internal/db"
)

// Week is the weekly entry grid of a project: people × 7 days.
type Week struct {
	Start     string    `json:"start"` // Monday
	Days      []string  `json:"days"`
	Prev      string    `json:"prev"`
	Next      string    `json:"next"`
	Rows      []WeekRow `json:"rows"`
	Pending   []int64   `json:"pending"`    // the caller's draft/rejected record ids this week (to submit)
	ToApprove []int64   `json:"to_approve"` // submitted ids this week (for the approver)
}

// WeekRow is one person's week. Users enter hours, day workers days.
type WeekRow struct {
	Key   string     `json:"key"` // u12 / w3
	Name  string     `json:"name"`
	Sub   string     `json:"subcontractor,omitempty"`
	Trade string     `json:"trade"`
	Unit  string     `json:"unit"`
	Cells []WeekCell `json:"cells"`
	Total Qty        `json:"total"`
}

// WeekCell is one person and day: the sum of their records on the day in
// this project. It is editable when it holds no record or exactly one
// draft or rejected record.
type WeekCell struct {
	Date     string `json:"date"`
	Qty      Qty    `json:"qty"`
	Status   string `json:"status,omitempty"` // of the single record, or "mixed"
	Editable bool   `json:"editable"`
	ID       int64  `json:"id,omitempty"`
	Version  int64  `json:"version,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// CellField names a grid cell in field errors: "cell_u12_2026-03-02".
func CellField(key, date string) string { return "cell_" + key + "_" + date }

// MondayOf returns the Monday of the week of date ("" = this week).
func MondayOf(date string) (calendar.Date, error) {
	var d calendar.Date
	if date == "" {
		d = today()
	} else {
		var err error
		if d, err = calendar.Parse(date); err != nil {
			return 0, apperr.InvalidField("week", "finance.date_invalid")
		}
	}
	return d - calendar.Date((int(d.Weekday())+6)%7), nil
}

type person struct {
	key, name, sub, trade, unit string
}

// people lists whom the caller may enter labor for on the project: the
// vendor members (only themselves without the right to enter for others)
// and, for those who may, the day workers.
func (s *Service) people(ctx context.Context, p *access.Principal, rt laborRights, projectID int64) ([]person, error) {
	var out []person
	q := `SELECT u.id, u.name, pm.role FROM project_members pm JOIN users u ON u.id = pm.user_id JOIN companies c ON c.id = u.company_id
		WHERE pm.project_id = ? AND pm.deleted_ms IS NULL AND u.deleted_ms IS NULL AND c.kind = 'vendor'`
	args := []any{projectID}
	if !rt.others {
		q += ` AND u.id = ?`
		args = append(args, p.UserID)
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY u.name, u.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name, role string
		if err := rows.Scan(&id, &name, &role); err != nil {
			return nil, err
		}
		if !access.RoleCan(access.Role(role), access.LaborEnter) {
			continue
		}
		out = append(out, person{key: personKey(id, 0), name: name, unit: UnitHour})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if !rt.others {
		if len(out) == 0 && p.Vendor { // an administrator who is no member
			out = append(out, person{key: personKey(p.UserID, 0), name: p.Name, unit: UnitHour})
		}
		return out, nil
	}
	wrows, err := s.db.Query(ctx, `SELECT w.id, w.name, sc.name, w.trade FROM workers w JOIN subcontractors sc ON sc.id = w.subcontractor_id
		WHERE w.deleted_ms IS NULL AND sc.deleted_ms IS NULL ORDER BY sc.name, w.name, w.id`)
	if err != nil {
		return nil, err
	}
	defer wrows.Close()
	for wrows.Next() {
		var id int64
		var pr person
		if err := wrows.Scan(&id, &pr.name, &pr.sub, &pr.trade); err != nil {
			return nil, err
		}
		pr.key, pr.unit = personKey(0, id), UnitDay
		out = append(out, pr)
	}
	return out, wrows.Err()
}

// Week reads the grid of the week that holds date.
func (s *Service) Week(ctx context.Context, p *access.Principal, projectID int64, date string) (Week, error) {
	rt, err := s.laborAccess(ctx, p, projectID)
	if err != nil {
		return Week{}, err
	}
	mon, err := MondayOf(date)
	if err != nil {
		return Week{}, err
	}
	w := Week{Start: mon.String(), Prev: (mon - 7).String(), Next: (mon + 7).String(), Pending: []int64{}, ToApprove: []int64{}}
	for i := 0; i < 7; i++ {
		w.Days = append(w.Days, (mon + calendar.Date(i)).String())
	}
	ppl, err := s.people(ctx, p, rt, projectID)
	if err != nil {
		return Week{}, apperr.Wrap(err)
	}
	recs, err := s.ListLabor(ctx, p, projectID, LaborFilter{From: w.Days[0], To: w.Days[6]})
	if err != nil {
		return Week{}, err
	}
	byCell := map[string][]LaborRecord{}
	seen := map[string]bool{}
	for _, r := range recs {
		byCell[r.Key()+"|"+r.Date] = append(byCell[r.Key()+"|"+r.Date], r)
		if !seen[r.Key()] {
			seen[r.Key()] = true
			found := false
			for _, pr := range ppl {
				found = found || pr.key == r.Key()
			}
			if !found { // a former member or worker with records this week
				ppl = append(ppl, person{key: r.Key(), name: r.PersonName, sub: r.SubcontractorName, trade: r.Trade, unit: r.Unit})
			}
		}
		if (r.Status == LaborDraft || r.Status == LaborRejected) && rt.mayTouch(p, r.UserID) {
			w.Pending = append(w.Pending, r.ID)
		}
		if r.Status == LaborSubmitted && rt.approve {
			w.ToApprove = append(w.ToApprove, r.ID)
		}
	}
	for _, pr := range ppl {
		row := WeekRow{Key: pr.key, Name: pr.name, Sub: pr.sub, Trade: pr.trade, Unit: pr.unit}
		for _, d := range w.Days {
			c := WeekCell{Date: d, Editable: true}
			rs := byCell[pr.key+"|"+d]
			for _, r := range rs {
				c.Qty += r.Qty
			}
			switch len(rs) {
			case 0:
			case 1:
				c.Status, c.ID, c.Version, c.Reason = rs[0].Status, rs[0].ID, rs[0].Version, rs[0].RejectReason
				c.Editable = rs[0].Status == LaborDraft || rs[0].Status == LaborRejected
				if rs[0].Unit != pr.unit {
					c.Editable = false
				}
			default:
				c.Status, c.Editable = "mixed", false
			}
			row.Total += c.Qty
			row.Cells = append(row.Cells, c)
		}
		w.Rows = append(w.Rows, row)
	}
	return w, nil
}

// GridInput is a saved week: each cell's value as typed ("" or "0" clears
// a draft).
type GridInput struct {
	Week  string          `json:"week"` // any day of the week
	Cells []GridCellInput `json:"cells"`
}

// GridCellInput is one cell of the grid. Version is the version of the
// cell's record the caller saw (0: the cell was empty); a cell changed
// since is a conflict, never overwritten.
type GridCellInput struct {
	Person  string `json:"person"` // u12 / w3
	Date    string `json:"date"`
	Qty     string `json:"qty"`
	Version int64  `json:"version"`
}

// SaveWeek saves every changed cell of the grid in one transaction: new
// drafts, changed drafts, cleared drafts. Any failing cell fails the whole
// save; the error names each failing cell (CellField) with its reason.
func (s *Service) SaveWeek(ctx context.Context, p *access.Principal, projectID int64, in GridInput) (int, error) {
	w, err := s.Week(ctx, p, projectID, in.Week)
	if err != nil {
		return 0, err
	}
	rt, err := s.laborAccess(ctx, p, projectID)
	if err != nil {
		return 0, err
	}
	rows := map[string]WeekRow{}
	for _, r := range w.Rows {
		rows[r.Key] = r
	}
	inWeek := map[string]int{}
	for i, d := range w.Days {
		inWeek[d] = i
	}
	var f, stale apperr.Fields
	type change struct {
		cell  WeekCell
		in    LaborInput
		del   bool
		field string
	}
	var changes []change
	for _, c := range in.Cells {
		field := CellField(c.Person, c.Date)
		row, ok := rows[c.Person]
		di, inw := inWeek[c.Date]
		if !ok || !inw {
			f.Add(field, "finance.cell_unknown")
			continue
		}
		q, err := ParseQty(c.Qty)
		switch {
		case err != nil && strings.HasPrefix(strings.TrimSpace(c.Qty), "-"):
			f.Add(field, "finance.qty_negative")
			continue
		case err != nil:
			f.Add(field, "finance.qty_format")
			continue
		}
		cell := row.Cells[di]
		if q == cell.Qty {
			continue
		}
		if cell.Version != c.Version {
			stale.Add(field, "finance.cell_stale")
			continue
		}
		if !cell.Editable {
			f.Add(field, "finance.cell_locked")
			continue
		}
		uid, wid, _ := ParsePersonKey(c.Person)
		li := LaborInput{Date: c.Date, UserID: uid, WorkerID: wid, Trade: row.Trade, Unit: row.Unit, Qty: q, Onsite: true, Version: cell.Version}
		if q == 0 {
			if cell.ID != 0 {
				changes = append(changes, change{cell: cell, del: true, field: field})
			}
			continue
		}
		if err := li.Validate(); err != nil {
			for _, k := range apperr.As(err).Fields {
				f.Add(field, k, apperr.As(err).FieldArgs["qty"]...)
				break
			}
			continue
		}
		if !rt.mayTouch(p, uid) || (wid != 0 && !rt.others) {
			f.Add(field, "finance.cell_locked")
			continue
		}
		changes = append(changes, change{cell: cell, in: li, field: field})
	}
	if err := stale.Err(); err != nil {
		e := err.(*apperr.Error)
		e.Code, e.Key = apperr.Conflict, "error.conflict"
		return 0, e
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	if len(changes) == 0 {
		return 0, nil
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID); err != nil {
			return err
		}
		for _, ch := range changes {
			if ch.del {
				res, err := tx.Exec(ctx, `UPDATE labor_records SET deleted_ms = ?, version = version + 1 WHERE id = ? AND version = ? AND status IN ('draft','rejected') AND deleted_ms IS NULL`, db.Now(), ch.cell.ID, ch.cell.Version)
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n != 1 {
					f.Add(ch.field, "error.conflict")
				}
				continue
			}
			sub, err := checkRecord(ctx, tx, projectID, ch.cell.ID, &ch.in)
			if err != nil {
				if e := apperr.As(err); e.Code == apperr.Invalid {
					for k, key := range e.Fields {
						f.Add(ch.field, key, e.FieldArgs[k]...)
					}
					continue
				}
				return err
			}
			if ch.cell.ID == 0 {
				// The cell was empty when read; a record saved meanwhile
				// (another tab, another person) makes this a conflict.
				col, pid := "user_id", ch.in.UserID
				if ch.in.WorkerID != 0 {
					col, pid = "worker_id", ch.in.WorkerID
				}
				var n int
				if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM labor_records WHERE project_id = ? AND `+col+` = ? AND work_date = ? AND deleted_ms IS NULL`, projectID, pid, ch.in.Date).Scan(&n); err != nil {
					return err
				}
				if n > 0 {
					f.Add(ch.field, "error.conflict")
					continue
				}
				if _, err := insertLabor(ctx, tx, p, projectID, ch.in, sub, LaborDraft); err != nil {
					return err
				}
				continue
			}
			res, err := tx.Exec(ctx, `UPDATE labor_records SET qty_centi = ?, hours_centi = ?, status = 'draft', reject_reason = '', updated_ms = ?, version = version + 1
				WHERE id = ? AND version = ? AND status IN ('draft','rejected') AND deleted_ms IS NULL`,
				int64(ch.in.Qty), HoursCenti(int64(ch.in.Qty), ch.in.Unit), db.Now(), ch.cell.ID, ch.cell.Version)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				f.Add(ch.field, "error.conflict")
			}
		}
		if err := f.Err(); err != nil {
			return err // roll back every cell
		}
		return auditWeek(ctx, tx, p, projectID, w.Start, len(changes))
	})
	if err != nil {
		return 0, apperr.Wrap(err)
	}
	return len(changes), nil
}

func auditWeek(ctx context.Context, tx *db.Tx, p *access.Principal, projectID int64, week string, n int) error {
	return auditRecord(ctx, tx, p, projectID, "labor_week", 0, "save", week, map[string]any{"cells": n})
}

// today is the date in China (Asia/Shanghai has no DST: +08:00).
func today() calendar.Date {
	return calendar.Of(time.Now().In(time.FixedZone("CST", 8*3600)))
}
