package finance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/calendar"
	"golive/internal/db"
	"golive/internal/notify"
)

// Labor record statuses.
const (
	LaborDraft     = "draft"
	LaborSubmitted = "submitted"
	LaborApproved  = "approved"
	LaborRejected  = "rejected"
)

// MaxHoursCenti is the most one person may work on one day across all
// projects (24 h, in hundredths).
const MaxHoursCenti = 24 * 100

// LaborInput is a labor record as entered. Exactly one of UserID and
// WorkerID names the person.
type LaborInput struct {
	Date        string `json:"date"`
	UserID      int64  `json:"user_id,omitempty"`
	WorkerID    int64  `json:"worker_id,omitempty"`
	TaskID      int64  `json:"task_id,omitempty"`
	Trade       string `json:"trade"`
	Unit        string `json:"unit"` // day | hour
	Qty         Qty    `json:"qty"`  // hours or days, two decimals
	Overtime    bool   `json:"overtime"`
	Onsite      bool   `json:"onsite"`
	Description string `json:"description"`
	Version     int64  `json:"version,omitempty"` // on update: the version read
}

// Validate checks the fields that need no database.
func (in *LaborInput) Validate() error {
	var f apperr.Fields
	in.Trade = strings.TrimSpace(in.Trade)
	in.Description = strings.TrimSpace(in.Description)
	if _, err := calendar.Parse(in.Date); err != nil {
		f.Add("date", "finance.date_invalid")
	}
	if (in.UserID == 0) == (in.WorkerID == 0) {
		f.Add("person", "finance.person_required")
	}
	if in.Unit == "" {
		in.Unit = UnitHour
	}
	if in.Unit != UnitHour && in.Unit != UnitDay {
		f.Add("unit", "finance.unit_invalid")
	}
	switch {
	case in.Qty == QtyInvalid:
		f.Add("qty", "finance.qty_format")
	case in.Qty < 0:
		f.Add("qty", "finance.qty_negative")
	case in.Qty == 0:
		f.Add("qty", "finance.qty_required")
	case HoursCenti(int64(in.Qty), in.Unit) > MaxHoursCenti:
		f.Add("qty", "finance.qty_over_24h_one", Qty(MaxHoursCenti).String())
	}
	textField(&f, "trade", &in.Trade, 40, false, "")
	textField(&f, "description", &in.Description, 500, true, "")
	return f.Err()
}

// LaborRecord is a stored record. CostMinor is set only for callers with
// access.CostView (nil otherwise, and then absent from JSON).
type LaborRecord struct {
	ID                int64  `json:"id"`
	ProjectID         int64  `json:"project_id"`
	Date              string `json:"date"`
	UserID            int64  `json:"user_id,omitempty"`
	WorkerID          int64  `json:"worker_id,omitempty"`
	PersonName        string `json:"person_name"`
	SubcontractorID   int64  `json:"subcontractor_id,omitempty"`
	SubcontractorName string `json:"subcontractor_name,omitempty"`
	TaskID            int64  `json:"task_id,omitempty"`
	Trade             string `json:"trade"`
	Unit              string `json:"unit"`
	Qty               Qty    `json:"qty"`
	Hours             Qty    `json:"hours"` // hour equivalent (1 day = 8 h)
	Overtime          bool   `json:"overtime"`
	Onsite            bool   `json:"onsite"`
	Description       string `json:"description"`
	Status            string `json:"status"`
	RejectReason      string `json:"reject_reason,omitempty"`
	ReversalOf        int64  `json:"reversal_of,omitempty"`
	Reversed          bool   `json:"reversed,omitempty"`
	Locked            bool   `json:"locked"`
	CreatedBy         int64  `json:"created_by"`
	Version           int64  `json:"version"`
	CostMinor         *int64 `json:"cost_minor,omitempty"`
	Unrated           bool   `json:"unrated,omitempty"`
}

// Key identifies the person: "u12" (user) or "w3" (day worker).
func (r LaborRecord) Key() string { return personKey(r.UserID, r.WorkerID) }

func personKey(userID, workerID int64) string {
	if userID != 0 {
		return fmt.Sprintf("u%d", userID)
	}
	return fmt.Sprintf("w%d", workerID)
}

// ParsePersonKey reads "u12" / "w3".
func ParsePersonKey(k string) (userID, workerID int64, ok bool) {
	if len(k) < 2 {
		return 0, 0, false
	}
	var id int64
	if _, err := fmt.Sscanf(k[1:], "%d", &id); err != nil || id <= 0 || fmt.Sprint(id) != k[1:] {
		return 0, 0, false
	}
	switch k[0] {
	case 'u':
		return id, 0, true
	case 'w':
		return 0, id, true
	}
	return 0, 0, false
}

// laborRights is what the caller may do with a project's labor.
type laborRights struct {
	m       access.Membership
	enter   bool // own records
	others  bool // records of anyone (and reading all)
	approve bool
	cost    bool
}

func (s *Service) laborAccess(ctx context.Context, p *access.Principal, projectID int64) (laborRights, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return laborRights{}, err
	}
	r := laborRights{m: m, enter: p.Can(m, access.LaborEnter), approve: p.Can(m, access.LaborApprove), cost: p.Can(m, access.CostView)}
	r.others = r.approve || p.Can(m, access.FinanceManage)
	if !r.enter && !r.others {
		// Customers (and anyone without a labor action) learn nothing.
		return laborRights{}, apperr.NotFoundErr()
	}
	return r, nil
}

func (r laborRights) mayTouch(p *access.Principal, userID int64) bool {
	return r.others || (r.enter && userID == p.UserID)
}

const laborCols = `l.id, l.project_id, l.work_date, COALESCE(l.user_id, 0), COALESCE(l.worker_id, 0), COALESCE(u.name, w.name, ''),
	COALESCE(l.subcontractor_id, 0), COALESCE(sc.name, ''), COALESCE(l.task_id, 0), l.trade, l.unit, l.qty_centi, l.hours_centi,
	l.overtime, l.onsite, l.description, l.status, l.reject_reason, COALESCE(l.reversal_of, 0),
	EXISTS (SELECT 1 FROM labor_records r WHERE r.reversal_of = l.id AND r.deleted_ms IS NULL), l.locked, COALESCE(l.created_by, 0), l.version,
	COALESCE(pm.role, u.role, '')`

const laborFrom = ` FROM labor_records l
	LEFT JOIN users u ON u.id = l.user_id
	LEFT JOIN workers w ON w.id = l.worker_id
	LEFT JOIN subcontractors sc ON sc.id = l.subcontractor_id
	LEFT JOIN project_members pm ON pm.project_id = l.project_id AND pm.user_id = l.user_id AND pm.deleted_ms IS NULL`

func scanLabor(sc interface{ Scan(...any) error }) (LaborRecord, string, error) {
	var r LaborRecord
	var role string
	var qty, hours int64
	err := sc.Scan(&r.ID, &r.ProjectID, &r.Date, &r.UserID, &r.WorkerID, &r.PersonName, &r.SubcontractorID, &r.SubcontractorName,
		&r.TaskID, &r.Trade, &r.Unit, &qty, &hours, &r.Overtime, &r.Onsite, &r.Description, &r.Status, &r.RejectReason,
		&r.ReversalOf, &r.Reversed, &r.Locked, &r.CreatedBy, &r.Version, &role)
	r.Qty, r.Hours = Qty(qty), Qty(hours)
	return r, role, err
}

// LaborFilter narrows a list of labor records.
type LaborFilter struct {
	From, To string
	Status   string
	Person   string // "u12" / "w3"
}

// ListLabor lists a project's labor records, oldest day first. Staff who
// may only enter their own records see only theirs; costs only with
// CostView.
func (s *Service) ListLabor(ctx context.Context, p *access.Principal, projectID int64, f LaborFilter) ([]LaborRecord, error) {
	rt, err := s.laborAccess(ctx, p, projectID)
	if err != nil {
		return nil, err
	}
	if err := validRange(f.From, f.To); err != nil {
		return nil, err
	}
	where := []string{"l.project_id = ?", "l.deleted_ms IS NULL"}
	args := []any{projectID}
	if !rt.others {
		where = append(where, "l.user_id = ?")
		args = append(args, p.UserID)
	}
	if f.From != "" {
		where, args = append(where, "l.work_date >= ?"), append(args, f.From)
	}
	if f.To != "" {
		where, args = append(where, "l.work_date <= ?"), append(args, f.To)
	}
	if f.Status != "" {
		where, args = append(where, "l.status = ?"), append(args, f.Status)
	}
	if f.Person != "" {
		uid, wid, ok := ParsePersonKey(f.Person)
		if !ok {
			return nil, apperr.InvalidField("person", "finance.person_invalid")
		}
		if uid != 0 {
			where, args = append(where, "l.user_id = ?"), append(args, uid)
		} else {
			where, args = append(where, "l.worker_id = ?"), append(args, wid)
		}
	}
	rows, err := s.db.Query(ctx, `SELECT `+laborCols+laborFrom+` WHERE `+strings.Join(where, " AND ")+` ORDER BY l.work_date, l.id LIMIT 5000`, args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	var out []LaborRecord
	var rates *Rates
	if rt.cost {
		if rates, err = s.LoadRates(ctx); err != nil {
			return nil, err
		}
	}
	for rows.Next() {
		r, role, err := scanLabor(rows)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		if rates != nil {
			priceRecord(rates, &r, role)
		}
		out = append(out, r)
	}
	if out == nil {
		out = []LaborRecord{}
	}
	return out, apperr.Wrap(rows.Err())
}

func priceRecord(rates *Rates, r *LaborRecord, role string) {
	c, ok := rates.Cost(LaborLine{Date: r.Date, UserID: r.UserID, WorkerID: r.WorkerID, Role: role, Trade: r.Trade, Unit: r.Unit, QtyCenti: int64(r.Qty)})
	r.CostMinor, r.Unrated = &c, !ok
}

func getLabor(ctx context.Context, q querier, projectID, id int64) (LaborRecord, error) {
	r, _, err := scanLabor(q.QueryRow(ctx, `SELECT `+laborCols+laborFrom+` WHERE l.id = ? AND l.project_id = ? AND l.deleted_ms IS NULL`, id, projectID))
	if errors.Is(err, sql.ErrNoRows) {
		return r, apperr.NotFoundErr()
	}
	return r, err
}

// GetLabor reads one record.
func (s *Service) GetLabor(ctx context.Context, p *access.Principal, projectID, id int64) (LaborRecord, error) {
	rt, err := s.laborAccess(ctx, p, projectID)
	if err != nil {
		return LaborRecord{}, err
	}
	r, err := getLabor(ctx, s.db, projectID, id)
	if err != nil {
		return r, apperr.Wrap(err)
	}
	if !rt.mayTouch(p, r.UserID) {
		return LaborRecord{}, apperr.NotFoundErr()
	}
	if rt.cost {
		rates, err := s.LoadRates(ctx)
		if err != nil {
			return r, err
		}
		var role string
		_ = s.db.QueryRow(ctx, `SELECT COALESCE(pm.role, u.role, '') FROM users u LEFT JOIN project_members pm ON pm.user_id = u.id AND pm.project_id = ? AND pm.deleted_ms IS NULL WHERE u.id = ?`, projectID, r.UserID).Scan(&role)
		priceRecord(rates, &r, role)
	}
	return r, nil
}

// monthClosed reports whether the month of date is closed for the project
// or for the whole instance.
func monthClosed(ctx context.Context, tx *db.Tx, projectID int64, date string) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM closed_months WHERE month = ? AND (project_id = ? OR project_id IS NULL)`, date[:7], projectID).Scan(&n)
	return n > 0, err
}

// lockPerson serialises changes to one person's hours on PostgreSQL (the
// 24-hour check reads then writes); SQLite has a single writer anyway.
func lockPerson(ctx context.Context, tx *db.Tx, userID, workerID int64) error {
	if tx.Dialect() != db.Postgres {
		return nil
	}
	key := int64(0x6c61626f72000000) + userID*2 + workerID*2 + 1
	if userID != 0 {
		key--
	}
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(?)`, key)
	return err
}

// checkRecord runs the checks that need the database for a record to be
// written (excludeID: the record being replaced, 0 for a new one). It
// fills the worker's subcontractor. Errors name the field.
func checkRecord(ctx context.Context, tx *db.Tx, projectID, excludeID int64, in *LaborInput) (subID int64, err error) {
	if in.UserID != 0 {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM users u JOIN companies c ON c.id = u.company_id
			WHERE u.id = ? AND u.deleted_ms IS NULL AND c.kind = 'vendor'`, in.UserID).Scan(&n); err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, apperr.InvalidField("person", "finance.person_invalid")
		}
	} else {
		err := tx.QueryRow(ctx, `SELECT subcontractor_id FROM workers WHERE id = ? AND deleted_ms IS NULL`, in.WorkerID).Scan(&subID)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, apperr.InvalidField("person", "finance.person_invalid")
		}
		if err != nil {
			return 0, err
		}
	}
	if in.TaskID != 0 {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM tasks WHERE id = ? AND project_id = ? AND deleted_ms IS NULL`, in.TaskID, projectID).Scan(&n); err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, apperr.InvalidField("task_id", "finance.task_invalid")
		}
	}
	closed, err := monthClosed(ctx, tx, projectID, in.Date)
	if err != nil {
		return 0, err
	}
	if closed {
		return 0, apperr.InvalidField("date", "finance.month_closed", in.Date[:7])
	}
	if err := lockPerson(ctx, tx, in.UserID, in.WorkerID); err != nil {
		return 0, err
	}
	col, id := "user_id", in.UserID
	if in.WorkerID != 0 {
		col, id = "worker_id", in.WorkerID
	}
	var other int64
	if err := tx.QueryRow(ctx, `SELECT COALESCE(SUM(hours_centi), 0) FROM labor_records
		WHERE `+col+` = ? AND work_date = ? AND status <> 'rejected' AND deleted_ms IS NULL AND id <> ?`, id, in.Date, excludeID).Scan(&other); err != nil {
		return 0, err
	}
	if other+HoursCenti(int64(in.Qty), in.Unit) > MaxHoursCenti {
		return 0, apperr.InvalidField("qty", "finance.qty_over_24h", in.Date, Qty(other).String())
	}
	return subID, nil
}

func insertLabor(ctx context.Context, tx *db.Tx, p *access.Principal, projectID int64, in LaborInput, subID int64, status string) (int64, error) {
	now := db.Now()
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO labor_records (project_id, work_date, user_id, worker_id, subcontractor_id, task_id, trade, unit, qty_centi, hours_centi,
			overtime, onsite, description, status, created_by, created_ms, updated_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		projectID, in.Date, nullID(in.UserID), nullID(in.WorkerID), nullID(subID), nullID(in.TaskID), in.Trade, in.Unit, int64(in.Qty),
		HoursCenti(int64(in.Qty), in.Unit), in.Overtime, in.Onsite, in.Description, status, p.UserID, now, now).Scan(&id)
	if err != nil {
		return 0, err
	}
	return id, audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "labor_record", EntityID: id, Action: "create",
		Summary: in.Date, After: in, Internal: true})
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreateLabor adds a draft record. Staff enter their own; the PM and
// finance may enter anyone's (day workers included).
func (s *Service) CreateLabor(ctx context.Context, p *access.Principal, projectID int64, in LaborInput) (LaborRecord, error) {
	rt, err := s.laborAccess(ctx, p, projectID)
	if err != nil {
		return LaborRecord{}, err
	}
	if err := in.Validate(); err != nil {
		return LaborRecord{}, err
	}
	if !rt.mayTouch(p, in.UserID) || (in.WorkerID != 0 && !rt.others) {
		return LaborRecord{}, apperr.ForbiddenErr()
	}
	var id int64
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID); err != nil {
			return err
		}
		sub, err := checkRecord(ctx, tx, projectID, 0, &in)
		if err != nil {
			return err
		}
		id, err = insertLabor(ctx, tx, p, projectID, in, sub, LaborDraft)
		return err
	})
	if err != nil {
		return LaborRecord{}, apperr.Wrap(err)
	}
	return s.GetLabor(ctx, p, projectID, id)
}

// errLocked refuses any change of an approved (locked) or submitted record.
func errLocked(r LaborRecord) error {
	if r.Locked || r.Status == LaborApproved {
		return apperr.New(apperr.Conflict, "finance.labor_locked", r.ID)
	}
	return apperr.New(apperr.Conflict, "finance.labor_submitted", r.ID)
}

// UpdateLabor changes a draft or rejected record (it becomes a draft
// again). Approved records are locked: correct them with ReverseLabor.
func (s *Service) UpdateLabor(ctx context.Context, p *access.Principal, projectID, id int64, in LaborInput) (LaborRecord, error) {
	rt, err := s.laborAccess(ctx, p, projectID)
	if err != nil {
		return LaborRecord{}, err
	}
	if err := in.Validate(); err != nil {
		return LaborRecord{}, err
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID); err != nil {
			return err
		}
		cur, err := getLabor(ctx, tx, projectID, id)
		if err != nil {
			return err
		}
		if !rt.mayTouch(p, cur.UserID) || !rt.mayTouch(p, in.UserID) || (in.WorkerID != 0 && !rt.others) {
			return apperr.NotFoundErr()
		}
		if cur.Status != LaborDraft && cur.Status != LaborRejected || cur.Locked {
			return errLocked(cur)
		}
		if cur.Version != in.Version {
			return apperr.ConflictErr()
		}
		sub, err := checkRecord(ctx, tx, projectID, id, &in)
		if err != nil {
			return err
		}
		// The month of the day it leaves must be open too.
		if closed, err := monthClosed(ctx, tx, projectID, cur.Date); err != nil || closed {
			if err != nil {
				return err
			}
			return apperr.InvalidField("date", "finance.month_closed", cur.Date[:7])
		}
		res, err := tx.Exec(ctx, `UPDATE labor_records SET work_date = ?, user_id = ?, worker_id = ?, subcontractor_id = ?, task_id = ?, trade = ?, unit = ?,
			qty_centi = ?, hours_centi = ?, overtime = ?, onsite = ?, description = ?, status = 'draft', reject_reason = '', updated_ms = ?, version = version + 1
			WHERE id = ? AND version = ? AND locked = ?`,
			in.Date, nullID(in.UserID), nullID(in.WorkerID), nullID(sub), nullID(in.TaskID), in.Trade, in.Unit, int64(in.Qty), HoursCenti(int64(in.Qty), in.Unit),
			in.Overtime, in.Onsite, in.Description, db.Now(), id, in.Version, false)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.ConflictErr()
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "labor_record", EntityID: id, Action: "update", Summary: in.Date, Before: cur, After: in, Internal: true})
	})
	if err != nil {
		return LaborRecord{}, apperr.Wrap(err)
	}
	return s.GetLabor(ctx, p, projectID, id)
}

// DeleteLabor removes a draft or rejected record (soft delete).
func (s *Service) DeleteLabor(ctx context.Context, p *access.Principal, projectID, id, version int64) error {
	rt, err := s.laborAccess(ctx, p, projectID)
	if err != nil {
		return err
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		cur, err := getLabor(ctx, tx, projectID, id)
		if err != nil {
			return err
		}
		if !rt.mayTouch(p, cur.UserID) {
			return apperr.NotFoundErr()
		}
		if cur.Status != LaborDraft && cur.Status != LaborRejected || cur.Locked {
			return errLocked(cur)
		}
		if closed, err := monthClosed(ctx, tx, projectID, cur.Date); err != nil || closed {
			if err != nil {
				return err
			}
			return apperr.InvalidField("date", "finance.month_closed", cur.Date[:7])
		}
		res, err := tx.Exec(ctx, `UPDATE labor_records SET deleted_ms = ?, version = version + 1 WHERE id = ? AND version = ? AND deleted_ms IS NULL`, db.Now(), id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.ConflictErr()
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "labor_record", EntityID: id, Action: "delete", Summary: cur.Date, Before: cur, Internal: true})
	}))
}

// SubmitLabor submits draft (or rejected) records for approval. Records
// the caller may not touch are not found; any other status is refused.
// All or nothing.
func (s *Service) SubmitLabor(ctx context.Context, p *access.Principal, projectID int64, ids []int64) (int, error) {
	rt, err := s.laborAccess(ctx, p, projectID)
	if err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, apperr.InvalidField("ids", "finance.nothing_selected")
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		first := ""
		for _, id := range ids {
			cur, err := getLabor(ctx, tx, projectID, id)
			if err != nil {
				return err
			}
			if first == "" || cur.Date < first {
				first = cur.Date
			}
			if !rt.mayTouch(p, cur.UserID) {
				return apperr.NotFoundErr()
			}
			if cur.Status != LaborDraft && cur.Status != LaborRejected {
				return errLocked(cur)
			}
			if closed, err := monthClosed(ctx, tx, projectID, cur.Date); err != nil || closed {
				if err != nil {
					return err
				}
				return apperr.InvalidField("date", "finance.month_closed", cur.Date[:7])
			}
			if _, err := tx.Exec(ctx, `UPDATE labor_records SET status = 'submitted', reject_reason = '', submitted_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ?`, now, now, id); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "labor_record", EntityID: id, Action: "submit", Summary: cur.Date, Internal: true}); err != nil {
				return err
			}
		}
		return s.notifySubmitted(ctx, tx, p, projectID, len(ids), first)
	})
	return len(ids), apperr.Wrap(err)
}

// DecideLabor approves or rejects submitted records (PM). A rejection
// needs a reason; approval locks the record. All or nothing.
func (s *Service) DecideLabor(ctx context.Context, p *access.Principal, projectID int64, ids []int64, approve bool, reason string) (int, error) {
	rt, err := s.laborAccess(ctx, p, projectID)
	if err != nil {
		return 0, err
	}
	if !rt.approve {
		return 0, apperr.ForbiddenErr()
	}
	reason = strings.TrimSpace(reason)
	if len(ids) == 0 {
		return 0, apperr.InvalidField("ids", "finance.nothing_selected")
	}
	if !approve && reason == "" {
		return 0, apperr.InvalidField("reason", "finance.reason_required")
	}
	var rf apperr.Fields
	if textField(&rf, "reason", &reason, 500, true, ""); rf.Err() != nil {
		return 0, rf.Err()
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		tx.AfterCommit(func() { s.costChanged(projectID) })
		now := db.Now()
		decided := map[int64][]string{} // person or author -> dates
		for _, id := range ids {
			cur, err := getLabor(ctx, tx, projectID, id)
			if err != nil {
				return err
			}
			who := cur.UserID
			if who == 0 {
				who = cur.CreatedBy
			}
			decided[who] = append(decided[who], cur.Date)
			if cur.Status != LaborSubmitted {
				return apperr.New(apperr.Conflict, "finance.labor_not_submitted", id)
			}
			if closed, err := monthClosed(ctx, tx, projectID, cur.Date); err != nil || closed {
				if err != nil {
					return err
				}
				return apperr.InvalidField("date", "finance.month_closed", cur.Date[:7])
			}
			status, action := LaborApproved, "approve"
			if !approve {
				status, action = LaborRejected, "reject"
			}
			if _, err := tx.Exec(ctx, `UPDATE labor_records SET status = ?, locked = ?, reject_reason = ?, decided_by = ?, decided_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND status = 'submitted'`,
				status, approve, map[bool]string{true: "", false: reason}[approve], p.UserID, now, now, id); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "labor_record", EntityID: id, Action: action, Summary: cur.Date + " " + reason, Internal: true}); err != nil {
				return err
			}
		}
		return s.notifyDecided(ctx, tx, p, projectID, decided, approve, reason)
	})
	return len(ids), apperr.Wrap(err)
}

// ReverseLabor corrects an approved record the only way allowed: a
// reversal (a negative copy, approved and locked at once, dated like the
// original) is added; the original stays as it was. Enter the corrected
// record as a new one. A record is reversed at most once.
func (s *Service) ReverseLabor(ctx context.Context, p *access.Principal, projectID, id int64, reason string) (LaborRecord, error) {
	rt, err := s.laborAccess(ctx, p, projectID)
	if err != nil {
		return LaborRecord{}, err
	}
	if !rt.approve {
		return LaborRecord{}, apperr.ForbiddenErr()
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return LaborRecord{}, apperr.InvalidField("reason", "finance.reason_required")
	}
	var rid int64
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		tx.AfterCommit(func() { s.costChanged(projectID) })
		cur, err := getLabor(ctx, tx, projectID, id)
		if err != nil {
			return err
		}
		if cur.Status != LaborApproved || cur.ReversalOf != 0 {
			return apperr.New(apperr.Conflict, "finance.reverse_only_approved", id)
		}
		if cur.Reversed {
			return apperr.New(apperr.Conflict, "finance.already_reversed", id)
		}
		if closed, err := monthClosed(ctx, tx, projectID, cur.Date); err != nil || closed {
			if err != nil {
				return err
			}
			return apperr.InvalidField("date", "finance.month_closed", cur.Date[:7])
		}
		now := db.Now()
		if err := tx.QueryRow(ctx, `INSERT INTO labor_records (project_id, work_date, user_id, worker_id, subcontractor_id, task_id, trade, unit, qty_centi, hours_centi,
				overtime, onsite, description, status, reversal_of, locked, decided_by, decided_ms, created_by, created_ms, updated_ms)
			SELECT project_id, work_date, user_id, worker_id, subcontractor_id, task_id, trade, unit, -qty_centi, -hours_centi,
				overtime, onsite, ?, 'approved', id, ?, ?, ?, ?, ?, ? FROM labor_records WHERE id = ? RETURNING id`,
			reason, true, p.UserID, now, p.UserID, now, now, id).Scan(&rid); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "labor_record", EntityID: rid, Action: "reverse", Summary: fmt.Sprintf("#%d %s", id, reason), Internal: true})
	})
	if err != nil {
		if db.IsUnique(err) {
			return LaborRecord{}, apperr.New(apperr.Conflict, "finance.already_reversed", id)
		}
		return LaborRecord{}, apperr.Wrap(err)
	}
	return s.GetLabor(ctx, p, projectID, rid)
}

// writable refuses changes to an archived or deleted project.
func writable(ctx context.Context, tx *db.Tx, projectID int64) error {
	var st string
	err := tx.QueryRow(ctx, `SELECT status FROM projects WHERE id = ? AND deleted_ms IS NULL`, projectID).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFoundErr()
	}
	if err != nil {
		return err
	}
	if st == "archived" {
		return apperr.New(apperr.Conflict, "project.archived_readonly")
	}
	return nil
}

// CloseMonth closes a month ('YYYY-MM') of a project for labor and
// expenses (PM and finance); ReopenMonth opens it again.
func (s *Service) CloseMonth(ctx context.Context, p *access.Principal, projectID int64, month string, closed bool) error {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return err
	}
	if !p.Can(m, access.FinanceManage) {
		if p.Can(m, access.LaborEnter) {
			return apperr.ForbiddenErr()
		}
		return apperr.NotFoundErr()
	}
	if _, err := calendar.Parse(month + "-01"); err != nil || len(month) != 7 {
		return apperr.InvalidField("month", "finance.month_invalid")
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		action := "close_month"
		if closed {
			_, err = tx.Exec(ctx, `INSERT INTO closed_months (project_id, month, closed_by, closed_ms) VALUES (?, ?, ?, ?)`, projectID, month, p.UserID, db.Now())
			if db.IsUnique(err) {
				return nil
			}
		} else {
			action = "reopen_month"
			_, err = tx.Exec(ctx, `DELETE FROM closed_months WHERE project_id = ? AND month = ?`, projectID, month)
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "closed_month", EntityID: projectID, Action: action, Summary: month, Internal: true})
	}))
}

// ClosedMonths lists a project's closed months (and the instance's).
func (s *Service) ClosedMonths(ctx context.Context, projectID int64) ([]string, error) {
	rows, err := s.db.Query(ctx, `SELECT DISTINCT month FROM closed_months WHERE project_id = ? OR project_id IS NULL ORDER BY month`, projectID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return nil, apperr.Wrap(err)
		}
		out = append(out, m)
	}
	return out, apperr.Wrap(rows.Err())
}

func auditRecord(ctx context.Context, tx *db.Tx, p *access.Principal, projectID int64, entity string, id int64, action, summary string, after any) error {
	return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: entity, EntityID: id, Action: action, Summary: summary, After: after, Internal: true})
}

func weekLink(projectID int64, date string) string {
	return fmt.Sprintf("/projects/%d/labor?week=%s", projectID, date)
}

// notifySubmitted tells the project's PMs that records await approval.
func (s *Service) notifySubmitted(ctx context.Context, tx *db.Tx, p *access.Principal, projectID int64, n int, first string) error {
	if s.notify == nil {
		return nil
	}
	rows, err := tx.Query(ctx, `SELECT user_id FROM project_members WHERE project_id = ? AND role = ? AND deleted_ms IS NULL`, projectID, string(access.RolePM))
	if err != nil {
		return err
	}
	var notes []notify.Note
	for rows.Next() {
		var uid int64
		if err := rows.Scan(&uid); err != nil {
			rows.Close()
			return err
		}
		notes = append(notes, notify.Note{UserID: uid, ProjectID: projectID, ActorID: p.UserID, Kind: "labor", Key: "finance.note_submitted",
			Params: []string{p.Name, fmt.Sprint(n), first}, Link: weekLink(projectID, first)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return s.notify.Add(ctx, tx, notes...)
}

// notifyDecided tells each person (or, for day workers, whoever entered
// the records) how their records were decided.
func (s *Service) notifyDecided(ctx context.Context, tx *db.Tx, p *access.Principal, projectID int64, decided map[int64][]string, approve bool, reason string) error {
	if s.notify == nil {
		return nil
	}
	var notes []notify.Note
	for uid, dates := range decided {
		first := dates[0]
		for _, d := range dates {
			if d < first {
				first = d
			}
		}
		n := notify.Note{UserID: uid, ProjectID: projectID, ActorID: p.UserID, Kind: "labor", Link: weekLink(projectID, first)}
		if approve {
			n.Key, n.Params = "finance.note_approved", []string{p.Name, fmt.Sprint(len(dates)), first}
		} else {
			n.Key, n.Params = "finance.note_rejected", []string{p.Name, fmt.Sprint(len(dates)), first, reason}
		}
		notes = append(notes, n)
	}
	return s.notify.Add(ctx, tx, notes...)
}
