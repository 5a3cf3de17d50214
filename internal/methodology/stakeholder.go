package methodology

import (
	"context"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/validate"
)

// Stakeholder sides.
const (
	SideVendor   = "vendor"
	SideCustomer = "customer"
)

// Stakeholder is a person in the register. The vendor's assessment of a
// person — influence, interest, expectations and communication notes — is
// internal: those fields are nil for customer readers.
type Stakeholder struct {
	ID           int64   `json:"id"`
	ProjectID    int64   `json:"project_id"`
	Side         string  `json:"side" enum:"vendor,customer"`
	UserID       *int64  `json:"user_id"`
	Name         string  `json:"name"`
	Company      string  `json:"company"`
	JobTitle     string  `json:"job_title"`
	Phone        string  `json:"phone"`
	Email        string  `json:"email"`
	IMID         string  `json:"im_id"`
	Influence    *int    `json:"influence,omitempty"`
	Interest     *int    `json:"interest,omitempty"`
	Expectations *string `json:"expectations,omitempty"`
	Notes        *string `json:"notes,omitempty"`
	Left         bool    `json:"left"`
	LeftMS       *int64  `json:"left_ms"`
	Version      int64   `json:"version"`
}

func (s Stakeholder) auditView() map[string]any {
	return map[string]any{"side": s.Side, "name": s.Name, "company": s.Company, "job_title": s.JobTitle, "phone": s.Phone, "email": s.Email,
		"im_id": s.IMID, "left": s.Left, "user_id": s.UserID}
}

// StakeholderInput creates or edits a stakeholder. Influence and interest
// are 1 (low) to 5 (high).
type StakeholderInput struct {
	Side         string `json:"side" enum:"vendor,customer"`
	UserID       int64  `json:"user_id"`
	Name         string `json:"name" maxLength:"100"`
	Company      string `json:"company" maxLength:"100"`
	JobTitle     string `json:"job_title" maxLength:"100"`
	Phone        string `json:"phone" maxLength:"40"`
	Email        string `json:"email" maxLength:"254"`
	IMID         string `json:"im_id" maxLength:"100"`
	Influence    int    `json:"influence"`
	Interest     int    `json:"interest"`
	Expectations string `json:"expectations" maxLength:"2000"`
	Notes        string `json:"notes" maxLength:"2000"`
	Left         bool   `json:"left"`
	Version      int64  `json:"version"`
}

func (in *StakeholderInput) Validate(update bool) error {
	var f apperr.Fields
	validate.Enum(&f, "side", in.Side, SideVendor, SideCustomer)
	validate.Line(&f, "name", &in.Name, 1, 100)
	validate.Line(&f, "company", &in.Company, 0, 100)
	validate.Line(&f, "job_title", &in.JobTitle, 0, 100)
	validate.Line(&f, "phone", &in.Phone, 0, 40)
	if !f.Has("phone") {
		for _, r := range in.Phone {
			if !(r >= '0' && r <= '9' || strings.ContainsRune("+-() ", r)) {
				f.Add("phone", "meth.stk.phone")
				break
			}
		}
	}
	if strings.TrimSpace(in.Email) != "" {
		validate.Email(&f, "email", &in.Email)
	} else {
		in.Email = ""
	}
	validate.Line(&f, "im_id", &in.IMID, 0, 100)
	if in.Influence == 0 {
		in.Influence = 3
	}
	if in.Interest == 0 {
		in.Interest = 3
	}
	if in.Influence < 1 || in.Influence > 5 {
		f.Add("influence", "meth.stk.scale")
	}
	if in.Interest < 1 || in.Interest > 5 {
		f.Add("interest", "meth.stk.scale")
	}
	validate.Text(&f, "expectations", &in.Expectations, 0, 2000)
	validate.Text(&f, "notes", &in.Notes, 0, 2000)
	if in.UserID < 0 {
		f.Add("user_id", "meth.not_member")
	}
	if update && in.Version <= 0 {
		f.Add("version", "validate.required")
	}
	return f.Err()
}

const stakeholderCols = `id, project_id, side, user_id, name, company, title, phone, email, im_id, influence, interest, expectations, notes, left_ms, version`

func scanStakeholder(r interface{ Scan(...any) error }) (Stakeholder, error) {
	var s Stakeholder
	var inf, intr int
	var exp, notes string
	err := r.Scan(&s.ID, &s.ProjectID, &s.Side, &s.UserID, &s.Name, &s.Company, &s.JobTitle, &s.Phone, &s.Email, &s.IMID, &inf, &intr, &exp, &notes, &s.LeftMS, &s.Version)
	s.Influence, s.Interest, s.Expectations, s.Notes = &inf, &intr, &exp, &notes
	s.Left = s.LeftMS != nil
	return s, err
}

func redactStakeholder(internal bool, s *Stakeholder) {
	if !internal {
		s.Influence, s.Interest, s.Expectations, s.Notes = nil, nil, nil, nil
	}
}

func getStakeholder(ctx context.Context, q db.Q, projectID, id int64) (Stakeholder, error) {
	s, err := scanStakeholder(q.QueryRow(ctx, `SELECT `+stakeholderCols+` FROM stakeholders WHERE id = ? AND project_id = ? AND deleted_ms IS NULL`, id, projectID))
	return s, db.NotFound(err)
}

// Stakeholders lists the register: customer side first, then vendor;
// people who have left last within their side.
func (s *Service) Stakeholders(ctx context.Context, p *access.Principal, projectID int64) ([]Stakeholder, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return nil, err
	}
	out, err := listStakeholders(ctx, s.db, projectID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	internal := p.Can(m, access.InternalView)
	for i := range out {
		redactStakeholder(internal, &out[i])
	}
	return out, nil
}

func listStakeholders(ctx context.Context, q db.Q, projectID int64) ([]Stakeholder, error) {
	rows, err := q.Query(ctx, `SELECT `+stakeholderCols+` FROM stakeholders WHERE project_id = ? AND deleted_ms IS NULL
		ORDER BY CASE side WHEN 'customer' THEN 0 ELSE 1 END, left_ms IS NOT NULL, influence DESC, name, id`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Stakeholder{}
	for rows.Next() {
		st, err := scanStakeholder(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// Stakeholder returns one entry of the register.
func (s *Service) Stakeholder(ctx context.Context, p *access.Principal, projectID, id int64) (Stakeholder, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return Stakeholder{}, err
	}
	st, err := getStakeholder(ctx, s.db, projectID, id)
	if err != nil {
		return st, err
	}
	redactStakeholder(p.Can(m, access.InternalView), &st)
	return st, nil
}

// SaveStakeholder creates (id 0) or edits an entry. A linked account must
// be a member of the project on the stakeholder's side.
func (s *Service) SaveStakeholder(ctx context.Context, p *access.Principal, projectID, id int64, in StakeholderInput) (Stakeholder, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return Stakeholder{}, err
	}
	var before Stakeholder
	if id != 0 {
		if before, err = getStakeholder(ctx, s.db, projectID, id); err != nil {
			return Stakeholder{}, err
		}
	}
	if !p.Can(m, access.StakeholderEdit) {
		return Stakeholder{}, apperr.ForbiddenErr()
	}
	if err := in.Validate(id != 0); err != nil {
		return Stakeholder{}, err
	}
	var out Stakeholder
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := archived(ctx, tx, projectID); err != nil {
			return err
		}
		if in.UserID != 0 {
			var kind string
			err := tx.QueryRow(ctx, `SELECT c.kind FROM project_members pm JOIN users u ON u.id = pm.user_id JOIN companies c ON c.id = u.company_id
				WHERE pm.project_id = ? AND pm.user_id = ? AND pm.deleted_ms IS NULL`, projectID, in.UserID).Scan(&kind)
			if err != nil {
				return apperr.InvalidField("user_id", "meth.not_member")
			}
			if kind != in.Side {
				return apperr.InvalidField("user_id", "meth.stk.user_side")
			}
		}
		now := db.Now()
		var leftMS any
		if in.Left {
			leftMS = now
			if before.LeftMS != nil {
				leftMS = *before.LeftMS
			}
		}
		action := "create"
		if id == 0 {
			if err := tx.QueryRow(ctx, `INSERT INTO stakeholders (project_id, side, user_id, name, company, title, phone, email, im_id, influence, interest,
				expectations, notes, left_ms, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				projectID, in.Side, nullID(in.UserID), in.Name, in.Company, in.JobTitle, in.Phone, in.Email, in.IMID, in.Influence, in.Interest,
				in.Expectations, in.Notes, leftMS, now, now).Scan(&id); err != nil {
				return err
			}
		} else {
			action = "update"
			res, err := tx.Exec(ctx, `UPDATE stakeholders SET side = ?, user_id = ?, name = ?, company = ?, title = ?, phone = ?, email = ?, im_id = ?,
				influence = ?, interest = ?, expectations = ?, notes = ?, left_ms = ?, updated_ms = ?, version = version + 1
				WHERE id = ? AND project_id = ? AND version = ? AND deleted_ms IS NULL`,
				in.Side, nullID(in.UserID), in.Name, in.Company, in.JobTitle, in.Phone, in.Email, in.IMID, in.Influence, in.Interest,
				in.Expectations, in.Notes, leftMS, now, id, projectID, in.Version)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return apperr.ConflictErr()
			}
		}
		var err error
		if out, err = getStakeholder(ctx, tx, projectID, id); err != nil {
			return err
		}
		e := audit.Entry{ProjectID: projectID, Entity: "stakeholder", EntityID: id, Action: action, Summary: out.Name, After: out.auditView()}
		if action == "update" {
			e.Before = before.auditView()
		}
		return audit.Record(ctx, tx, p, e)
	})
	if err != nil {
		return Stakeholder{}, apperr.Wrap(err)
	}
	redactStakeholder(p.Can(m, access.InternalView), &out)
	return out, nil
}

// DeleteStakeholder removes an entry (soft). Responsibilities it held then
// warn on the overview until someone else takes them.
func (s *Service) DeleteStakeholder(ctx context.Context, p *access.Principal, projectID, id int64) error {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return err
	}
	st, err := getStakeholder(ctx, s.db, projectID, id)
	if err != nil {
		return err
	}
	if !p.Can(m, access.StakeholderEdit) {
		return apperr.ForbiddenErr()
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := archived(ctx, tx, projectID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE stakeholders SET deleted_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND deleted_ms IS NULL`, db.Now(), db.Now(), id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "stakeholder", EntityID: id, Action: "delete", Summary: st.Name, Before: st.auditView()})
	}))
}

// Responsibility is a key responsibility of one side with its primary (A)
// and backup (B) holders. Warnings lists what the overview warns about.
type Responsibility struct {
	ID          int64    `json:"id"`
	ProjectID   int64    `json:"project_id"`
	Side        string   `json:"side" enum:"vendor,customer"`
	Name        string   `json:"name"`
	Seq         int      `json:"seq"`
	PrimaryID   *int64   `json:"primary_id"`
	PrimaryName string   `json:"primary_name"`
	PrimaryLeft bool     `json:"primary_left"`
	BackupID    *int64   `json:"backup_id"`
	BackupName  string   `json:"backup_name"`
	BackupLeft  bool     `json:"backup_left"`
	Warnings    []string `json:"warnings"` // no_primary, no_backup, primary_left, backup_left
	Version     int64    `json:"version"`
}

func (r Responsibility) auditView() map[string]any {
	return map[string]any{"side": r.Side, "name": r.Name, "primary_id": r.PrimaryID, "backup_id": r.BackupID}
}

// ResponsibilityInput creates or edits a responsibility. The primary is
// required; a missing backup is allowed but warned about.
type ResponsibilityInput struct {
	Side      string `json:"side" enum:"vendor,customer"`
	Name      string `json:"name" maxLength:"200"`
	PrimaryID int64  `json:"primary_id"`
	BackupID  int64  `json:"backup_id"`
	Version   int64  `json:"version"`
}

func (in *ResponsibilityInput) Validate(update bool) error {
	var f apperr.Fields
	validate.Enum(&f, "side", in.Side, SideVendor, SideCustomer)
	validate.Line(&f, "name", &in.Name, 1, 200)
	if in.PrimaryID <= 0 {
		f.Add("primary_id", "validate.required")
	}
	if in.BackupID < 0 {
		f.Add("backup_id", "meth.resp.holder_unknown")
	}
	if in.BackupID != 0 && in.BackupID == in.PrimaryID {
		f.Add("backup_id", "meth.resp.same_person")
	}
	if update && in.Version <= 0 {
		f.Add("version", "validate.required")
	}
	return f.Err()
}

const respCols = `r.id, r.project_id, r.side, r.name, r.seq, r.primary_id, COALESCE(a.name, ''), a.left_ms IS NOT NULL OR a.deleted_ms IS NOT NULL,
	r.backup_id, COALESCE(b.name, ''), b.left_ms IS NOT NULL OR b.deleted_ms IS NOT NULL, r.version`

const respFrom = ` FROM responsibilities r LEFT JOIN stakeholders a ON a.id = r.primary_id LEFT JOIN stakeholders b ON b.id = r.backup_id`

func scanResp(row interface{ Scan(...any) error }) (Responsibility, error) {
	var r Responsibility
	var aGone, bGone *bool
	err := row.Scan(&r.ID, &r.ProjectID, &r.Side, &r.Name, &r.Seq, &r.PrimaryID, &r.PrimaryName, &aGone, &r.BackupID, &r.BackupName, &bGone, &r.Version)
	r.PrimaryLeft = r.PrimaryID != nil && aGone != nil && *aGone
	r.BackupLeft = r.BackupID != nil && bGone != nil && *bGone
	r.Warnings = []string{}
	switch {
	case r.PrimaryID == nil:
		r.Warnings = append(r.Warnings, "no_primary")
	case r.PrimaryLeft:
		r.Warnings = append(r.Warnings, "primary_left")
	}
	switch {
	case r.BackupID == nil:
		r.Warnings = append(r.Warnings, "no_backup")
	case r.BackupLeft:
		r.Warnings = append(r.Warnings, "backup_left")
	}
	return r, err
}

func listResponsibilities(ctx context.Context, q db.Q, projectID int64) ([]Responsibility, error) {
	rows, err := q.Query(ctx, `SELECT `+respCols+respFrom+` WHERE r.project_id = ? AND r.deleted_ms IS NULL
		ORDER BY CASE r.side WHEN 'customer' THEN 0 ELSE 1 END, r.seq, r.id`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Responsibility{}
	for rows.Next() {
		r, err := scanResp(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func getResponsibility(ctx context.Context, q db.Q, projectID, id int64) (Responsibility, error) {
	r, err := scanResp(q.QueryRow(ctx, `SELECT `+respCols+respFrom+` WHERE r.id = ? AND r.project_id = ? AND r.deleted_ms IS NULL`, id, projectID))
	return r, db.NotFound(err)
}

// Responsibilities lists the A/B table; every member reads it.
func (s *Service) Responsibilities(ctx context.Context, p *access.Principal, projectID int64) ([]Responsibility, error) {
	if _, err := s.projects.Access(ctx, p, projectID); err != nil {
		return nil, err
	}
	out, err := listResponsibilities(ctx, s.db, projectID)
	return out, apperr.Wrap(err)
}

// SaveResponsibility creates (id 0) or edits a responsibility.
func (s *Service) SaveResponsibility(ctx context.Context, p *access.Principal, projectID, id int64, in ResponsibilityInput) (Responsibility, error) {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return Responsibility{}, err
	}
	var before Responsibility
	if id != 0 {
		if before, err = getResponsibility(ctx, s.db, projectID, id); err != nil {
			return Responsibility{}, err
		}
	}
	if !p.Can(m, access.StakeholderEdit) {
		return Responsibility{}, apperr.ForbiddenErr()
	}
	if err := in.Validate(id != 0); err != nil {
		return Responsibility{}, err
	}
	var out Responsibility
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := archived(ctx, tx, projectID); err != nil {
			return err
		}
		for _, h := range []struct {
			field string
			id    int64
		}{{"primary_id", in.PrimaryID}, {"backup_id", in.BackupID}} {
			if h.id == 0 {
				continue
			}
			st, err := getStakeholder(ctx, tx, projectID, h.id)
			if err != nil {
				return apperr.InvalidField(h.field, "meth.resp.holder_unknown")
			}
			if st.Side != in.Side {
				return apperr.InvalidField(h.field, "meth.resp.wrong_side")
			}
			if st.Left && !(before.PrimaryID != nil && *before.PrimaryID == h.id || before.BackupID != nil && *before.BackupID == h.id) {
				return apperr.InvalidField(h.field, "meth.resp.holder_left", st.Name)
			}
		}
		now := db.Now()
		action := "create"
		if id == 0 {
			var seq int
			if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM responsibilities WHERE project_id = ?`, projectID).Scan(&seq); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `INSERT INTO responsibilities (project_id, side, name, seq, primary_id, backup_id, created_ms, updated_ms)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, projectID, in.Side, in.Name, seq, nullID(in.PrimaryID), nullID(in.BackupID), now, now).Scan(&id); err != nil {
				return err
			}
		} else {
			action = "update"
			res, err := tx.Exec(ctx, `UPDATE responsibilities SET side = ?, name = ?, primary_id = ?, backup_id = ?, updated_ms = ?, version = version + 1
				WHERE id = ? AND project_id = ? AND version = ? AND deleted_ms IS NULL`, in.Side, in.Name, nullID(in.PrimaryID), nullID(in.BackupID), now, id, projectID, in.Version)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return apperr.ConflictErr()
			}
		}
		var err error
		if out, err = getResponsibility(ctx, tx, projectID, id); err != nil {
			return err
		}
		e := audit.Entry{ProjectID: projectID, Entity: "responsibility", EntityID: id, Action: action, Summary: out.Name, After: out.auditView()}
		if action == "update" {
			e.Before = before.auditView()
		}
		return audit.Record(ctx, tx, p, e)
	})
	return out, apperr.Wrap(err)
}

// DeleteResponsibility removes a responsibility (soft).
func (s *Service) DeleteResponsibility(ctx context.Context, p *access.Principal, projectID, id int64) error {
	m, err := s.projects.Access(ctx, p, projectID)
	if err != nil {
		return err
	}
	r, err := getResponsibility(ctx, s.db, projectID, id)
	if err != nil {
		return err
	}
	if !p.Can(m, access.StakeholderEdit) {
		return apperr.ForbiddenErr()
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := archived(ctx, tx, projectID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE responsibilities SET deleted_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND deleted_ms IS NULL`, db.Now(), db.Now(), id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "responsibility", EntityID: id, Action: "delete", Summary: r.Name, Before: r.auditView()})
	}))
}
