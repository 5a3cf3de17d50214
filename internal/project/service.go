package project

import (
	"context"
	"database/sql"
	"errors"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/trash"
)

// Service holds the project use cases. Every method checks permission
// first and runs changes in one transaction with their audit rows.
type Service struct {
	db    *db.DB
	audit *audit.Service
}

func NewService(d *db.DB, a *audit.Service) *Service { return &Service{db: d, audit: a} }

// Access returns the caller's membership of a live project, or not found
// when the caller may not see it. Other modules call this first.
func (s *Service) Access(ctx context.Context, p *access.Principal, projectID int64) (access.Membership, error) {
	m, customerID, deleted, err := membership(ctx, s.db, p.UserID, projectID)
	if err != nil || deleted {
		return access.Membership{}, apperr.NotFoundErr()
	}
	if !visible(p, m, customerID) {
		return access.Membership{}, apperr.NotFoundErr()
	}
	return m, nil
}

func visible(p *access.Principal, m access.Membership, customerID int64) bool {
	if p.Admin && p.Vendor {
		return true
	}
	if !p.Vendor && customerID != p.CompanyID {
		return false
	}
	return p.Can(m, access.ProjectView)
}

func redact(p *access.Principal, m access.Membership, pr *Project) {
	if !p.Can(m, access.CostView) {
		pr.BudgetMinor = nil
	}
	pr.MyRole = m.Role
}

// Get returns one project the caller may see.
func (s *Service) Get(ctx context.Context, p *access.Principal, id int64) (Project, access.Membership, error) {
	m, err := s.Access(ctx, p, id)
	if err != nil {
		return Project{}, m, err
	}
	pr, err := getProject(ctx, s.db, id)
	if err != nil {
		return Project{}, m, err
	}
	redact(p, m, &pr)
	return pr, m, nil
}

// List returns one page of the projects the caller may see.
func (s *Service) List(ctx context.Context, p *access.Principal, f ListFilter, page db.Page) ([]Project, int, error) {
	page = page.Norm(50, 200)
	where, args := listWhere(p.Scope(), f, false)
	// One row beyond the page tells whether more follow; when none do, the
	// total is known without a count query (the common one-page case).
	rows, err := s.db.Query(ctx, `SELECT `+projectCols+`, COALESCE(me.role, '') FROM projects p JOIN companies c ON c.id = p.customer_company_id
		LEFT JOIN project_members me ON me.project_id = p.id AND me.user_id = ? AND me.deleted_ms IS NULL
		WHERE `+where+` ORDER BY `+orderBy(f.Sort)+` LIMIT ? OFFSET ?`,
		append(append([]any{p.UserID}, args...), page.Size+1, page.Offset())...)
	if err != nil {
		return nil, 0, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []Project{}
	more := false
	for rows.Next() {
		if len(out) == page.Size {
			more = true
			break
		}
		var pr Project
		var budget int64
		var role string
		if err := rows.Scan(&pr.ID, &pr.Code, &pr.Name, &pr.CustomerCompanyID, &pr.CustomerName, &pr.Product, &pr.Description, &pr.Status,
			&pr.StartDate, &pr.GoLiveDate, &budget, &pr.Currency, &pr.MemberCount, &pr.CreatedMS, &pr.UpdatedMS, &pr.DeletedMS, &pr.Version, &role); err != nil {
			return nil, 0, apperr.Wrap(err)
		}
		pr.BudgetMinor = &budget
		redact(p, access.Membership{ProjectID: pr.ID, Role: access.Role(role), Member: role != ""}, &pr)
		out = append(out, pr)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, apperr.Wrap(err)
	}
	rows.Close()
	total := page.Offset() + len(out)
	if more || (len(out) == 0 && page.Offset() > 0) {
		if err := s.db.QueryRow(ctx, `SELECT count(*) FROM projects p JOIN companies c ON c.id = p.customer_company_id WHERE `+where, args...).Scan(&total); err != nil {
			return nil, 0, apperr.Wrap(err)
		}
	}
	return out, total, nil
}

// SeesAnyCost reports whether the caller may see cost figures on at least
// one project, so exports add cost columns only for people who can read
// them.
func (s *Service) SeesAnyCost(ctx context.Context, p *access.Principal) bool {
	if p.CanAdminister() {
		return true
	}
	if !p.Vendor {
		return false
	}
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM project_members WHERE user_id = ? AND role IN (?, ?) AND deleted_ms IS NULL`,
		p.UserID, string(access.RolePM), string(access.RoleFinance)).Scan(&n)
	return err == nil && n > 0
}

// Nav lists up to 50 visible active projects for the sidebar switcher.
func (s *Service) Nav(ctx context.Context, p *access.Principal) []NavEntry {
	where, args := listWhere(p.Scope(), ListFilter{Status: StatusActive}, false)
	rows, err := s.db.Query(ctx, `SELECT p.id, p.code, p.name FROM projects p JOIN companies c ON c.id = p.customer_company_id WHERE `+where+` ORDER BY p.code LIMIT 50`, args...)
	if err != nil {
		return nil
	}
	defer rows.Close()
	var out []NavEntry
	for rows.Next() {
		var e NavEntry
		if rows.Scan(&e.ID, &e.Code, &e.Name) == nil {
			out = append(out, e)
		}
	}
	return out
}

// NavEntry is one project in the switcher.
type NavEntry struct {
	ID         int64
	Code, Name string
}

// Create adds a project; the creator becomes its PM.
func (s *Service) Create(ctx context.Context, p *access.Principal, in Input) (Project, error) {
	if !p.CanCreateProject() {
		return Project{}, apperr.ForbiddenErr()
	}
	if err := in.Validate(); err != nil {
		return Project{}, err
	}
	var pr Project
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := checkCustomer(ctx, tx, in.CustomerCompanyID); err != nil {
			return err
		}
		now := db.Now()
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO projects (code, name, customer_company_id, product, description, start_date, golive_date, budget_minor, created_by, created_ms, updated_ms)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.Code, in.Name, in.CustomerCompanyID, in.Product, in.Description, nullDate(in.StartDate), nullDate(in.GoLiveDate), in.BudgetMinor, p.UserID, now, now).Scan(&id)
		if db.IsUnique(err) {
			return apperr.InvalidField("code", "project.code_taken")
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO project_members (project_id, user_id, role, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?)`,
			id, p.UserID, string(access.RolePM), now, now); err != nil {
			return err
		}
		if pr, err = getProject(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: id, Entity: "project", EntityID: id, Action: "create", Summary: pr.Name, After: pr.auditView()})
	})
	if err != nil {
		return Project{}, apperr.Wrap(err)
	}
	redact(p, access.Membership{ProjectID: pr.ID, Role: access.RolePM, Member: true}, &pr)
	return pr, nil
}

func checkCustomer(ctx context.Context, q db.Q, companyID int64) error {
	var kind string
	err := q.QueryRow(ctx, `SELECT kind FROM companies WHERE id = ? AND deleted_ms IS NULL`, companyID).Scan(&kind)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && kind != "customer") {
		return apperr.InvalidField("customer_company_id", "project.customer_required")
	}
	return err
}

func nullDate(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Update edits a project. in.Version must match the stored version: a
// stale form gets a conflict, never an overwrite. Callers without CostView
// cannot change the budget (their budget input is ignored).
func (s *Service) Update(ctx context.Context, p *access.Principal, id int64, in Input) (Project, error) {
	m, err := s.Access(ctx, p, id)
	if err != nil {
		return Project{}, err
	}
	if !p.Can(m, access.ProjectEdit) {
		return Project{}, apperr.ForbiddenErr()
	}
	if err := in.ValidateUpdate(); err != nil {
		return Project{}, err
	}
	var after Project
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := getProject(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Status == StatusArchived {
			return apperr.New(apperr.Conflict, "project.archived_readonly")
		}
		if in.Version != before.Version {
			return apperr.New(apperr.Conflict, "error.conflict")
		}
		if !p.Can(m, access.CostView) {
			in.BudgetMinor = *before.BudgetMinor
		}
		if in.CustomerCompanyID != before.CustomerCompanyID {
			if err := checkCustomer(ctx, tx, in.CustomerCompanyID); err != nil {
				return err
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM project_members m JOIN users u ON u.id = m.user_id
				WHERE m.project_id = ? AND m.deleted_ms IS NULL AND u.company_id = ?`, id, before.CustomerCompanyID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return apperr.InvalidField("customer_company_id", "project.customer_has_members")
			}
		}
		res, err := tx.Exec(ctx, `UPDATE projects SET code = ?, name = ?, customer_company_id = ?, product = ?, description = ?, start_date = ?, golive_date = ?, budget_minor = ?,
			updated_ms = ?, version = version + 1 WHERE id = ? AND version = ?`,
			in.Code, in.Name, in.CustomerCompanyID, in.Product, in.Description, nullDate(in.StartDate), nullDate(in.GoLiveDate), in.BudgetMinor, db.Now(), id, in.Version)
		if db.IsUnique(err) {
			return apperr.InvalidField("code", "project.code_taken")
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "error.conflict")
		}
		if after, err = getProject(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: id, Entity: "project", EntityID: id, Action: "update", Summary: after.Name, Before: before.auditView(), After: after.auditView()})
	})
	if err != nil {
		return Project{}, apperr.Wrap(err)
	}
	redact(p, m, &after)
	return after, nil
}

// SetArchived archives or reopens a project.
func (s *Service) SetArchived(ctx context.Context, p *access.Principal, id int64, archived bool) (Project, error) {
	m, err := s.Access(ctx, p, id)
	if err != nil {
		return Project{}, err
	}
	if !p.Can(m, access.ProjectArchive) {
		return Project{}, apperr.ForbiddenErr()
	}
	status, action := StatusActive, "unarchive"
	var archivedMS *int64
	if archived {
		now := db.Now()
		status, action, archivedMS = StatusArchived, "archive", &now
	}
	var after Project
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := getProject(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Status == status {
			after = before
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE projects SET status = ?, archived_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ?`, status, archivedMS, db.Now(), id); err != nil {
			return err
		}
		if after, err = getProject(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: id, Entity: "project", EntityID: id, Action: action, Summary: after.Name,
			Before: map[string]any{"status": before.Status}, After: map[string]any{"status": after.Status}})
	})
	if err != nil {
		return Project{}, apperr.Wrap(err)
	}
	redact(p, m, &after)
	return after, nil
}

// Delete moves a project to the trash.
func (s *Service) Delete(ctx context.Context, p *access.Principal, id int64) error {
	m, err := s.Access(ctx, p, id)
	if err != nil {
		return err
	}
	if !p.Can(m, access.ProjectDelete) {
		return apperr.ForbiddenErr()
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		pr, err := getProject(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE projects SET deleted_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND deleted_ms IS NULL`, db.Now(), db.Now(), id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: id, Entity: "project", EntityID: id, Action: "delete", Summary: pr.Name, Before: pr.auditView()})
	}))
}

// Restore brings a project back from the trash. The caller needs delete
// rights on it (its PM or an administrator).
func (s *Service) Restore(ctx context.Context, p *access.Principal, id int64) error {
	m, customerID, deleted, err := membership(ctx, s.db, p.UserID, id)
	if err != nil || !deleted || !visible(p, m, customerID) || !p.Can(m, access.ProjectDelete) {
		return apperr.NotFoundErr()
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE projects SET deleted_ms = NULL, updated_ms = ?, version = version + 1 WHERE id = ?`, db.Now(), id); err != nil {
			return err
		}
		pr, err := getProject(ctx, tx, id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: id, Entity: "project", EntityID: id, Action: "restore", Summary: pr.Name, After: pr.auditView()})
	}))
}

// Deleted lists projects in the trash that the caller may restore.
func (s *Service) Deleted(ctx context.Context, p *access.Principal) ([]Project, error) {
	if !p.Vendor {
		return nil, nil
	}
	where, args := listWhere(p.Scope(), ListFilter{}, true)
	if !(p.Admin && p.Vendor) {
		where += " AND p.id IN (SELECT project_id FROM project_members WHERE user_id = ? AND role = ? AND deleted_ms IS NULL)"
		args = append(args, p.UserID, string(access.RolePM))
	}
	rows, err := s.db.Query(ctx, `SELECT `+projectCols+` FROM projects p JOIN companies c ON c.id = p.customer_company_id WHERE `+where+` ORDER BY p.deleted_ms DESC LIMIT 500`, args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	var out []Project
	for rows.Next() {
		pr, err := scanProject(rows)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		pr.BudgetMinor = nil
		out = append(out, pr)
	}
	return out, apperr.Wrap(rows.Err())
}

// Members lists a project's members.
func (s *Service) Members(ctx context.Context, p *access.Principal, projectID int64) ([]Member, error) {
	m, err := s.Access(ctx, p, projectID)
	if err != nil {
		return nil, err
	}
	if !p.Can(m, access.MemberView) {
		return nil, apperr.NotFoundErr()
	}
	rows, err := s.db.Query(ctx, `SELECT `+memberCols+` FROM project_members m JOIN users u ON u.id = m.user_id JOIN companies c ON c.id = u.company_id
		WHERE m.project_id = ? AND m.deleted_ms IS NULL ORDER BY c.kind DESC, m.role, u.name`, projectID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []Member{}
	for rows.Next() {
		mb, err := scanMember(rows)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		out = append(out, mb)
	}
	return out, apperr.Wrap(rows.Err())
}

// AddMember puts a user on the project with a role of their side. Customer
// users may only join projects of their own company.
func (s *Service) AddMember(ctx context.Context, p *access.Principal, projectID int64, in MemberInput) (Member, error) {
	m, err := s.Access(ctx, p, projectID)
	if err != nil {
		return Member{}, err
	}
	if !p.Can(m, access.MemberManage) {
		return Member{}, apperr.ForbiddenErr()
	}
	if err := in.Validate(); err != nil {
		return Member{}, err
	}
	var out Member
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		pr, err := getProject(ctx, tx, projectID)
		if err != nil {
			return err
		}
		if pr.Status == StatusArchived {
			return apperr.New(apperr.Conflict, "project.archived_readonly")
		}
		var companyID int64
		var kind string
		err = tx.QueryRow(ctx, `SELECT u.company_id, c.kind FROM users u JOIN companies c ON c.id = u.company_id WHERE u.id = ? AND u.deleted_ms IS NULL`, in.UserID).Scan(&companyID, &kind)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.InvalidField("user_id", "validate.not_found")
		}
		if err != nil {
			return err
		}
		role := access.Role(in.Role)
		if kind == "vendor" && !role.IsVendor() || kind == "customer" && role.IsVendor() {
			return apperr.InvalidField("role", "auth.role_side")
		}
		if kind == "customer" && companyID != pr.CustomerCompanyID {
			return apperr.InvalidField("user_id", "project.member_wrong_company")
		}
		now := db.Now()
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO project_members (project_id, user_id, role, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			projectID, in.UserID, in.Role, now, now).Scan(&id)
		if db.IsUnique(err) {
			return apperr.InvalidField("user_id", "project.already_member")
		}
		if err != nil {
			return err
		}
		if out, err = scanMember(tx.QueryRow(ctx, `SELECT `+memberCols+` FROM project_members m JOIN users u ON u.id = m.user_id JOIN companies c ON c.id = u.company_id WHERE m.id = ?`, id)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "member", EntityID: id, Action: "create", Summary: out.Name,
			After: map[string]any{"user_id": out.UserID, "name": out.Name, "role": out.Role}})
	})
	return out, apperr.Wrap(err)
}

// RemoveMember takes someone off the project (soft: the row stays for the
// record). The last PM cannot be removed, or nobody could manage it.
func (s *Service) RemoveMember(ctx context.Context, p *access.Principal, projectID, memberID int64) error {
	m, err := s.Access(ctx, p, projectID)
	if err != nil {
		return err
	}
	if !p.Can(m, access.MemberManage) {
		return apperr.ForbiddenErr()
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		mb, err := scanMember(tx.QueryRow(ctx, `SELECT `+memberCols+` FROM project_members m JOIN users u ON u.id = m.user_id JOIN companies c ON c.id = u.company_id
			WHERE m.id = ? AND m.project_id = ? AND m.deleted_ms IS NULL`, memberID, projectID))
		if err != nil {
			return db.NotFound(err)
		}
		if mb.Role == access.RolePM {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM project_members WHERE project_id = ? AND role = ? AND deleted_ms IS NULL`, projectID, string(access.RolePM)).Scan(&n); err != nil {
				return err
			}
			if n <= 1 {
				return apperr.New(apperr.Invalid, "project.last_pm")
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE project_members SET deleted_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ?`, db.Now(), db.Now(), memberID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "member", EntityID: memberID, Action: "delete", Summary: mb.Name,
			Before: map[string]any{"user_id": mb.UserID, "name": mb.Name, "role": mb.Role}})
	}))
}

// Activity is the project's timeline as the caller may see it.
func (s *Service) Activity(ctx context.Context, p *access.Principal, projectID int64, page db.Page) ([]audit.Row, int, error) {
	m, err := s.Access(ctx, p, projectID)
	if err != nil {
		return nil, 0, err
	}
	return s.audit.Timeline(ctx, p, m, page)
}

// TrashSource lets the trash list and restore projects.
type TrashSource struct{ S *Service }

func (t TrashSource) Deleted(ctx context.Context, p *access.Principal) ([]trash.Item, error) {
	prs, err := t.S.Deleted(ctx, p)
	if err != nil {
		return nil, err
	}
	out := make([]trash.Item, 0, len(prs))
	for _, pr := range prs {
		var at int64
		if pr.DeletedMS != nil {
			at = *pr.DeletedMS
		}
		out = append(out, trash.Item{ID: pr.ID, Title: pr.Code + " · " + pr.Name, Context: pr.CustomerName, DeletedMS: at})
	}
	return out, nil
}

func (t TrashSource) Restore(ctx context.Context, p *access.Principal, id int64) error {
	return t.S.Restore(ctx, p, id)
}
