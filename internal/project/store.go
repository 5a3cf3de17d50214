package project

import (
	"context"
	"strings"

	"golive/internal/access"
	"golive/internal/db"
)

const projectCols = `p.id, p.code, p.name, p.customer_company_id, c.name, p.product, p.description, p.status,
	COALESCE(p.start_date, ''), COALESCE(p.golive_date, ''), p.budget_minor, p.currency,
	(SELECT count(*) FROM project_members pm WHERE pm.project_id = p.id AND pm.deleted_ms IS NULL),
	p.created_ms, p.updated_ms, p.deleted_ms, p.version`

func scanProject(r interface{ Scan(...any) error }) (Project, error) {
	var p Project
	var budget int64
	err := r.Scan(&p.ID, &p.Code, &p.Name, &p.CustomerCompanyID, &p.CustomerName, &p.Product, &p.Description, &p.Status,
		&p.StartDate, &p.GoLiveDate, &budget, &p.Currency, &p.MemberCount, &p.CreatedMS, &p.UpdatedMS, &p.DeletedMS, &p.Version)
	p.BudgetMinor = &budget
	return p, err
}

// getProject reads one row, deleted or not; callers decide visibility.
func getProject(ctx context.Context, q db.Q, id int64) (Project, error) {
	p, err := scanProject(q.QueryRow(ctx, `SELECT `+projectCols+` FROM projects p JOIN companies c ON c.id = p.customer_company_id WHERE p.id = ?`, id))
	return p, db.NotFound(err)
}

// membership reads the caller's standing on a project in one query; the
// deleted flag is returned so the trash can restore.
func membership(ctx context.Context, q db.Q, userID, projectID int64) (m access.Membership, customerID int64, deleted bool, err error) {
	var role *string
	var deletedMS *int64
	err = q.QueryRow(ctx, `SELECT p.customer_company_id, p.deleted_ms, m.role FROM projects p
		LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = ? AND m.deleted_ms IS NULL
		WHERE p.id = ?`, userID, projectID).Scan(&customerID, &deletedMS, &role)
	if err != nil {
		return m, 0, false, db.NotFound(err)
	}
	m.ProjectID = projectID
	if role != nil {
		m.Member = true
		m.Role = access.Role(*role)
	}
	return m, customerID, deletedMS != nil, nil
}

func listWhere(scope access.Scope, f ListFilter, deleted bool) (string, []any) {
	cond, args := scope.ProjectFilter("p")
	conds := []string{cond}
	if deleted {
		conds = append(conds, "p.deleted_ms IS NOT NULL")
	} else {
		conds = append(conds, "p.deleted_ms IS NULL")
	}
	if f.Status != "" {
		conds = append(conds, "p.status = ?")
		args = append(args, f.Status)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(q)) + "%"
		conds = append(conds, `(lower(p.name) LIKE ? ESCAPE '\' OR lower(p.code) LIKE ? ESCAPE '\' OR lower(c.name) LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like)
	}
	return strings.Join(conds, " AND "), args
}

func orderBy(sort string) string {
	switch sort {
	case "code":
		return "p.code"
	case "name":
		return "p.name, p.code"
	case "golive":
		return "p.golive_date IS NULL, p.golive_date, p.code"
	}
	return "p.updated_ms DESC, p.id DESC"
}

const memberCols = `m.id, m.project_id, m.user_id, u.name, u.email, c.name, c.kind, m.role, m.created_ms, m.version`

func scanMember(r interface{ Scan(...any) error }) (Member, error) {
	var m Member
	var kind string
	err := r.Scan(&m.ID, &m.ProjectID, &m.UserID, &m.Name, &m.Email, &m.CompanyName, &kind, &m.Role, &m.CreatedMS, &m.Version)
	m.Vendor = kind == "vendor"
	return m, err
}
