package finance

import (
	"context"
	"database/sql"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/calendar"
	"golive/internal/db"
	"golive/internal/money"
	"golive/internal/validate"
)

// CanManageRates: rate cards, trade rates, subcontractors and workers are
// instance-wide and for vendor administrators, PMs and finance only.
func CanManageRates(p *access.Principal) bool {
	return p != nil && p.Vendor && (p.Admin || p.Role == access.RolePM || p.Role == access.RoleFinance)
}

func rateAccess(p *access.Principal) error {
	if !CanManageRates(p) {
		return apperr.NotFoundErr()
	}
	return nil
}

// RateCardInput adds a rate card row. Amounts are typed yuan ("1,200.00");
// at least one cost rate is required. Exactly one of Role, UserID,
// WorkerID names the subject.
type RateCardInput struct {
	Role      string `json:"role,omitempty"`
	UserID    int64  `json:"user_id,omitempty"`
	WorkerID  int64  `json:"worker_id,omitempty"`
	CostDay   string `json:"cost_day,omitempty"`
	CostHour  string `json:"cost_hour,omitempty"`
	BillDay   string `json:"bill_day,omitempty"`
	BillHour  string `json:"bill_hour,omitempty"`
	ValidFrom string `json:"valid_from"`
	Note      string `json:"note,omitempty"`
}

// RateCard is a stored row.
type RateCard struct {
	ID            int64  `json:"id"`
	Role          string `json:"role,omitempty"`
	UserID        int64  `json:"user_id,omitempty"`
	WorkerID      int64  `json:"worker_id,omitempty"`
	Subject       string `json:"subject"`
	CostDayMinor  *int64 `json:"cost_day_minor,omitempty"`
	CostHourMinor *int64 `json:"cost_hour_minor,omitempty"`
	BillDayMinor  *int64 `json:"bill_day_minor,omitempty"`
	BillHourMinor *int64 `json:"bill_hour_minor,omitempty"`
	ValidFrom     string `json:"valid_from"`
	Note          string `json:"note,omitempty"`
	CreatedMs     int64  `json:"created_ms"`
	Current       bool   `json:"current"` // the row valid today for its subject
}

func parseMoney(f *apperr.Fields, field, s string) *int64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	v, err := money.Parse(s)
	if err != nil {
		f.Add(field, "finance.money_invalid")
		return nil
	}
	if v < 0 {
		f.Add(field, "finance.money_negative")
		return nil
	}
	return &v
}

func validFrom(f *apperr.Fields, s string) {
	if _, err := calendar.Parse(s); err != nil {
		f.Add("valid_from", "finance.date_invalid")
	}
}

// AddRateCard adds a rate row; history is never rewritten.
func (s *Service) AddRateCard(ctx context.Context, p *access.Principal, in RateCardInput) (RateCard, error) {
	if err := rateAccess(p); err != nil {
		return RateCard{}, err
	}
	var f apperr.Fields
	n := 0
	if in.Role != "" {
		n++
		if !access.Role(in.Role).IsVendor() {
			f.Add("role", "finance.role_invalid")
		}
	}
	if in.UserID != 0 {
		n++
	}
	if in.WorkerID != 0 {
		n++
	}
	if n != 1 {
		f.Add("subject", "finance.subject_required")
	}
	cd, ch := parseMoney(&f, "cost_day", in.CostDay), parseMoney(&f, "cost_hour", in.CostHour)
	bd, bh := parseMoney(&f, "bill_day", in.BillDay), parseMoney(&f, "bill_hour", in.BillHour)
	if cd == nil && ch == nil && !f.Has("cost_day") && !f.Has("cost_hour") {
		f.Add("cost_day", "finance.cost_rate_required")
	}
	validFrom(&f, in.ValidFrom)
	textField(&f, "note", &in.Note, 200, true, "")
	if err := f.Err(); err != nil {
		return RateCard{}, err
	}
	var id int64
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if in.UserID != 0 {
			var k string
			err := tx.QueryRow(ctx, `SELECT c.kind FROM users u JOIN companies c ON c.id = u.company_id WHERE u.id = ? AND u.deleted_ms IS NULL`, in.UserID).Scan(&k)
			if err == sql.ErrNoRows || k != "vendor" {
				return apperr.InvalidField("subject", "finance.person_invalid")
			}
			if err != nil {
				return err
			}
		}
		if in.WorkerID != 0 {
			var c int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM workers WHERE id = ? AND deleted_ms IS NULL`, in.WorkerID).Scan(&c); err != nil {
				return err
			}
			if c == 0 {
				return apperr.InvalidField("subject", "finance.person_invalid")
			}
		}
		if err := tx.QueryRow(ctx, `INSERT INTO rate_cards (role, user_id, worker_id, cost_day_minor, cost_hour_minor, bill_day_minor, bill_hour_minor, valid_from_date, note, created_by, created_ms)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.Role, nullID(in.UserID), nullID(in.WorkerID), cd, ch, bd, bh, in.ValidFrom, in.Note, p.UserID, db.Now()).Scan(&id); err != nil {
			return err
		}
		return auditRecord(ctx, tx, p, 0, "rate_card", id, "create", in.ValidFrom, in)
	})
	if err != nil {
		return RateCard{}, apperr.Wrap(err)
	}
	cards, err := s.RateCards(ctx, p)
	for _, c := range cards {
		if c.ID == id {
			return c, err
		}
	}
	return RateCard{}, err
}

// RateCards lists every rate card row, subjects grouped, newest first.
func (s *Service) RateCards(ctx context.Context, p *access.Principal) ([]RateCard, error) {
	if err := rateAccess(p); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT r.id, r.role, COALESCE(r.user_id, 0), COALESCE(r.worker_id, 0), COALESCE(u.name, w.name, ''),
			r.cost_day_minor, r.cost_hour_minor, r.bill_day_minor, r.bill_hour_minor, r.valid_from_date, r.note, r.created_ms
		FROM rate_cards r LEFT JOIN users u ON u.id = r.user_id LEFT JOIN workers w ON w.id = r.worker_id
		WHERE r.deleted_ms IS NULL ORDER BY r.role, COALESCE(u.name, w.name, ''), r.user_id, r.worker_id, r.valid_from_date DESC, r.id DESC`)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []RateCard{}
	today := today().String()
	seen := map[string]bool{}
	for rows.Next() {
		var c RateCard
		var cd, ch, bd, bh sql.NullInt64
		if err := rows.Scan(&c.ID, &c.Role, &c.UserID, &c.WorkerID, &c.Subject, &cd, &ch, &bd, &bh, &c.ValidFrom, &c.Note, &c.CreatedMs); err != nil {
			return nil, apperr.Wrap(err)
		}
		c.CostDayMinor, c.CostHourMinor, c.BillDayMinor, c.BillHourMinor = ptr(cd), ptr(ch), ptr(bd), ptr(bh)
		if c.Subject == "" {
			c.Subject = c.Role
		}
		k := personKey(c.UserID, c.WorkerID) + c.Role
		if c.ValidFrom <= today && !seen[k] {
			seen[k], c.Current = true, true
		}
		out = append(out, c)
	}
	return out, apperr.Wrap(rows.Err())
}

func ptr(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	x := v.Int64
	return &x
}

// TradeRateInput adds a day-labor rate for a trade and unit.
type TradeRateInput struct {
	Trade     string `json:"trade"`
	Unit      string `json:"unit"`
	Cost      string `json:"cost"`
	Bill      string `json:"bill,omitempty"`
	ValidFrom string `json:"valid_from"`
	Note      string `json:"note,omitempty"`
}

// TradeRate is a stored row.
type TradeRate struct {
	ID        int64  `json:"id"`
	Trade     string `json:"trade"`
	Unit      string `json:"unit"`
	CostMinor int64  `json:"cost_minor"`
	BillMinor int64  `json:"bill_minor"`
	ValidFrom string `json:"valid_from"`
	Note      string `json:"note,omitempty"`
	Current   bool   `json:"current"`
}

// AddTradeRate adds a trade rate row.
func (s *Service) AddTradeRate(ctx context.Context, p *access.Principal, in TradeRateInput) (TradeRate, error) {
	if err := rateAccess(p); err != nil {
		return TradeRate{}, err
	}
	var f apperr.Fields
	textField(&f, "trade", &in.Trade, 40, false, "finance.trade_required")
	if in.Unit != UnitDay && in.Unit != UnitHour {
		f.Add("unit", "finance.unit_invalid")
	}
	cost := parseMoney(&f, "cost", in.Cost)
	if cost == nil && !f.Has("cost") {
		f.Add("cost", "finance.cost_rate_required")
	}
	bill := parseMoney(&f, "bill", in.Bill)
	validFrom(&f, in.ValidFrom)
	if err := f.Err(); err != nil {
		return TradeRate{}, err
	}
	var b int64
	if bill != nil {
		b = *bill
	}
	t := TradeRate{Trade: in.Trade, Unit: in.Unit, CostMinor: *cost, BillMinor: b, ValidFrom: in.ValidFrom, Note: strings.TrimSpace(in.Note)}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO trade_rates (trade, unit, cost_minor, bill_minor, valid_from_date, note, created_by, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			t.Trade, t.Unit, t.CostMinor, t.BillMinor, t.ValidFrom, t.Note, p.UserID, db.Now()).Scan(&t.ID); err != nil {
			return err
		}
		return auditRecord(ctx, tx, p, 0, "trade_rate", t.ID, "create", t.Trade, t)
	})
	return t, apperr.Wrap(err)
}

// TradeRates lists the trade rate history, newest first per trade and unit.
func (s *Service) TradeRates(ctx context.Context, p *access.Principal) ([]TradeRate, error) {
	if err := rateAccess(p); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT id, trade, unit, cost_minor, bill_minor, valid_from_date, note FROM trade_rates WHERE deleted_ms IS NULL ORDER BY trade, unit, valid_from_date DESC, id DESC`)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []TradeRate{}
	today := today().String()
	seen := map[string]bool{}
	for rows.Next() {
		var t TradeRate
		if err := rows.Scan(&t.ID, &t.Trade, &t.Unit, &t.CostMinor, &t.BillMinor, &t.ValidFrom, &t.Note); err != nil {
			return nil, apperr.Wrap(err)
		}
		if k := TradeKey(t.Trade, t.Unit); t.ValidFrom <= today && !seen[k] {
			seen[k], t.Current = true, true
		}
		out = append(out, t)
	}
	return out, apperr.Wrap(rows.Err())
}

// Subcontractor with its day workers.
type Subcontractor struct {
	ID      int64    `json:"id"`
	Name    string   `json:"name"`
	Contact string   `json:"contact"`
	Phone   string   `json:"phone"`
	Workers []Worker `json:"workers"`
}

// Worker is a day worker without a login.
type Worker struct {
	ID              int64  `json:"id"`
	SubcontractorID int64  `json:"subcontractor_id"`
	Name            string `json:"name"`
	Trade           string `json:"trade"`
	Phone           string `json:"phone,omitempty"`
}

// SubcontractorInput creates a subcontractor.
type SubcontractorInput struct {
	Name    string `json:"name"`
	Contact string `json:"contact"`
	Phone   string `json:"phone"`
}

// WorkerInput creates a day worker.
type WorkerInput struct {
	SubcontractorID int64  `json:"subcontractor_id"`
	Name            string `json:"name"`
	Trade           string `json:"trade"`
	Phone           string `json:"phone"`
}

// CreateSubcontractor adds a subcontractor (unique name).
func (s *Service) CreateSubcontractor(ctx context.Context, p *access.Principal, in SubcontractorInput) (Subcontractor, error) {
	if err := rateAccess(p); err != nil {
		return Subcontractor{}, err
	}
	var f apperr.Fields
	textField(&f, "name", &in.Name, 100, false, "finance.name_required")
	textField(&f, "contact", &in.Contact, 50, false, "")
	textField(&f, "phone", &in.Phone, 30, false, "")
	if err := f.Err(); err != nil {
		return Subcontractor{}, err
	}
	sc := Subcontractor{Name: in.Name, Contact: in.Contact, Phone: in.Phone, Workers: []Worker{}}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		err := tx.QueryRow(ctx, `INSERT INTO subcontractors (name, contact, phone, created_by, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			sc.Name, sc.Contact, sc.Phone, p.UserID, now, now).Scan(&sc.ID)
		if db.IsUnique(err) {
			return apperr.InvalidField("name", "finance.name_taken")
		}
		if err != nil {
			return err
		}
		return auditRecord(ctx, tx, p, 0, "subcontractor", sc.ID, "create", sc.Name, sc)
	})
	return sc, apperr.Wrap(err)
}

// CreateWorker adds a day worker to a subcontractor.
func (s *Service) CreateWorker(ctx context.Context, p *access.Principal, in WorkerInput) (Worker, error) {
	if err := rateAccess(p); err != nil {
		return Worker{}, err
	}
	var f apperr.Fields
	textField(&f, "name", &in.Name, 50, false, "finance.name_required")
	textField(&f, "trade", &in.Trade, 40, false, "")
	textField(&f, "phone", &in.Phone, 30, false, "")
	if err := f.Err(); err != nil {
		return Worker{}, err
	}
	w := Worker{SubcontractorID: in.SubcontractorID, Name: in.Name, Trade: in.Trade, Phone: in.Phone}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM subcontractors WHERE id = ? AND deleted_ms IS NULL`, in.SubcontractorID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return apperr.InvalidField("subcontractor_id", "finance.subcontractor_invalid")
		}
		now := db.Now()
		if err := tx.QueryRow(ctx, `INSERT INTO workers (subcontractor_id, name, trade, phone, created_by, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			w.SubcontractorID, w.Name, w.Trade, w.Phone, p.UserID, now, now).Scan(&w.ID); err != nil {
			return err
		}
		return auditRecord(ctx, tx, p, 0, "worker", w.ID, "create", w.Name, w)
	})
	return w, apperr.Wrap(err)
}

// Subcontractors lists subcontractors with their workers. Anyone who may
// enter labor for others on some project needs the names; the list holds
// no money, so every vendor account may read it.
func (s *Service) Subcontractors(ctx context.Context, p *access.Principal) ([]Subcontractor, error) {
	if p == nil || !p.Vendor {
		return nil, apperr.NotFoundErr()
	}
	rows, err := s.db.Query(ctx, `SELECT sc.id, sc.name, sc.contact, sc.phone, COALESCE(w.id, 0), COALESCE(w.name, ''), COALESCE(w.trade, ''), COALESCE(w.phone, '')
		FROM subcontractors sc LEFT JOIN workers w ON w.subcontractor_id = sc.id AND w.deleted_ms IS NULL
		WHERE sc.deleted_ms IS NULL ORDER BY sc.name, sc.id, w.name, w.id`)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []Subcontractor{}
	for rows.Next() {
		var sc Subcontractor
		var w Worker
		if err := rows.Scan(&sc.ID, &sc.Name, &sc.Contact, &sc.Phone, &w.ID, &w.Name, &w.Trade, &w.Phone); err != nil {
			return nil, apperr.Wrap(err)
		}
		if n := len(out); n == 0 || out[n-1].ID != sc.ID {
			sc.Workers = []Worker{}
			out = append(out, sc)
		}
		if w.ID != 0 {
			w.SubcontractorID = sc.ID
			out[len(out)-1].Workers = append(out[len(out)-1].Workers, w)
		}
	}
	return out, apperr.Wrap(rows.Err())
}

// textField trims *v and checks it the way validate does everywhere else
// (valid UTF-8, no control characters: a NUL byte would reach PostgreSQL
// and fail there; single line unless multiline; at most max characters);
// required is the message for an empty value, "" when it may be empty.
func textField(f *apperr.Fields, field string, v *string, max int, multiline bool, required string) {
	*v = strings.TrimSpace(*v)
	if *v == "" {
		if required != "" {
			f.Add(field, required)
		}
		return
	}
	if multiline {
		validate.Text(f, field, v, 0, max)
	} else {
		validate.Line(f, field, v, 0, max)
	}
}
