package auth

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/validate"
)

const (
	SessionTTL        = 14 * 24 * time.Hour
	sessionTouchEvery = 5 * time.Minute
	tokenTouchEvery   = time.Minute
	throttleWindow    = 15 * time.Minute
	maxFailsAccount   = 5
	maxFailsAddress   = 30
	TokenPrefix       = "glv_"
)

// Company is the vendor or a customer.
type Company struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Kind      string `json:"kind" enum:"vendor,customer"`
	CreatedMS int64  `json:"created_ms"`
	Version   int64  `json:"version"`
}

// User is an account as shown to readers.
type User struct {
	ID          int64       `json:"id"`
	CompanyID   int64       `json:"company_id"`
	CompanyName string      `json:"company_name"`
	Vendor      bool        `json:"vendor"`
	Email       string      `json:"email"`
	Name        string      `json:"name"`
	Role        access.Role `json:"role"`
	Admin       bool        `json:"admin"`
	Locale      string      `json:"locale"`
	Disabled    bool        `json:"disabled"`
	CreatedMS   int64       `json:"created_ms"`
	Version     int64       `json:"version"`
}

// Service is the accounts use-case layer.
type Service struct {
	db  *db.DB
	now func() time.Time
}

func NewService(d *db.DB) *Service { return &Service{db: d, now: time.Now} }

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

// CompanyInput creates a company.
type CompanyInput struct {
	Name string `json:"name" maxLength:"100"`
	Kind string `json:"kind" enum:"vendor,customer"`
}

func (in *CompanyInput) Validate() error {
	var f apperr.Fields
	validate.Line(&f, "name", &in.Name, 1, 100)
	validate.Enum(&f, "kind", in.Kind, "vendor", "customer")
	return f.Err()
}

// VendorCompany returns the single vendor company, if any.
func (s *Service) VendorCompany(ctx context.Context) (Company, error) {
	var c Company
	err := s.db.QueryRow(ctx, `SELECT id, name, kind, created_ms, version FROM companies WHERE kind = 'vendor' AND deleted_ms IS NULL ORDER BY id LIMIT 1`).
		Scan(&c.ID, &c.Name, &c.Kind, &c.CreatedMS, &c.Version)
	return c, db.NotFound(err)
}

// CreateCompany adds a customer (or, on an empty instance, the vendor).
// p nil means the system (CLI, bootstrap).
func (s *Service) CreateCompany(ctx context.Context, p *access.Principal, in CompanyInput) (Company, error) {
	if p != nil && !p.CanAdminister() {
		return Company{}, apperr.NotFoundErr()
	}
	if err := in.Validate(); err != nil {
		return Company{}, err
	}
	var c Company
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if in.Kind == "vendor" {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM companies WHERE kind = 'vendor'`).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return apperr.InvalidField("kind", "auth.vendor_exists")
			}
		}
		now := db.Now()
		err := tx.QueryRow(ctx, `INSERT INTO companies (name, kind, created_ms, updated_ms) VALUES (?, ?, ?, ?) RETURNING id, name, kind, created_ms, version`,
			in.Name, in.Kind, now, now).Scan(&c.ID, &c.Name, &c.Kind, &c.CreatedMS, &c.Version)
		if db.IsUnique(err) {
			return apperr.InvalidField("name", "auth.company_exists")
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{Entity: "company", EntityID: c.ID, Action: "create", Summary: c.Name, After: c, Internal: true})
	})
	return c, apperr.Wrap(err)
}

// ListCompanies: vendor staff see all companies (they pick customers for
// projects); a customer sees only their own.
func (s *Service) ListCompanies(ctx context.Context, p *access.Principal) ([]Company, error) {
	q := `SELECT id, name, kind, created_ms, version FROM companies WHERE deleted_ms IS NULL`
	var args []any
	if !p.Vendor {
		q += " AND id = ?"
		args = append(args, p.CompanyID)
	}
	rows, err := s.db.Query(ctx, q+" ORDER BY kind DESC, name", args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	var out []Company
	for rows.Next() {
		var c Company
		if err := rows.Scan(&c.ID, &c.Name, &c.Kind, &c.CreatedMS, &c.Version); err != nil {
			return nil, apperr.Wrap(err)
		}
		out = append(out, c)
	}
	return out, apperr.Wrap(rows.Err())
}

// GetCompany returns one company visible to p.
func (s *Service) GetCompany(ctx context.Context, p *access.Principal, id int64) (Company, error) {
	if p != nil && !p.Vendor && p.CompanyID != id {
		return Company{}, apperr.NotFoundErr()
	}
	var c Company
	err := s.db.QueryRow(ctx, `SELECT id, name, kind, created_ms, version FROM companies WHERE id = ? AND deleted_ms IS NULL`, id).
		Scan(&c.ID, &c.Name, &c.Kind, &c.CreatedMS, &c.Version)
	return c, db.NotFound(err)
}

// UserInput creates an account.
type UserInput struct {
	Email     string `json:"email" maxLength:"254"`
	Name      string `json:"name" maxLength:"100"`
	CompanyID int64  `json:"company_id"`
	Role      string `json:"role" enum:"pm,consultant,developer,finance,admin,customer_pm,key_user,executive"`
	Admin     bool   `json:"admin"`
	Locale    string `json:"locale" enum:",zh-CN,en"`
	Password  string `json:"password" maxLength:"128"`
}

func (in *UserInput) Validate() error {
	var f apperr.Fields
	validate.Email(&f, "email", &in.Email)
	validate.Line(&f, "name", &in.Name, 1, 100)
	if in.CompanyID <= 0 {
		f.Add("company_id", "validate.required")
	}
	if !access.Role(in.Role).Valid() {
		f.Add("role", "validate.enum")
	}
	if in.Locale != "" && in.Locale != "zh-CN" && in.Locale != "en" {
		f.Add("locale", "validate.enum")
	}
	validate.Password(&f, "password", in.Password)
	return f.Err()
}

const userCols = `u.id, u.company_id, c.name, c.kind, u.email, u.name, u.role, u.is_admin, u.locale, u.disabled, u.created_ms, u.version`

func scanUser(r interface{ Scan(...any) error }) (User, error) {
	var u User
	var kind string
	err := r.Scan(&u.ID, &u.CompanyID, &u.CompanyName, &kind, &u.Email, &u.Name, &u.Role, &u.Admin, &u.Locale, &u.Disabled, &u.CreatedMS, &u.Version)
	u.Vendor = kind == "vendor"
	return u, err
}

// CreateUser adds an account. p nil means the system (CLI, bootstrap).
func (s *Service) CreateUser(ctx context.Context, p *access.Principal, in UserInput) (User, error) {
	if p != nil && !p.CanAdminister() {
		return User{}, apperr.NotFoundErr()
	}
	if err := in.Validate(); err != nil {
		return User{}, err
	}
	var u User
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var kind string
		if err := tx.QueryRow(ctx, `SELECT kind FROM companies WHERE id = ? AND deleted_ms IS NULL`, in.CompanyID).Scan(&kind); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return apperr.InvalidField("company_id", "validate.not_found")
			}
			return err
		}
		role := access.Role(in.Role)
		if (kind == "vendor") != role.IsVendor() {
			return apperr.InvalidField("role", "auth.role_side")
		}
		if in.Admin && kind != "vendor" {
			return apperr.InvalidField("admin", "auth.admin_vendor_only")
		}
		hash, err := HashPassword(in.Password)
		if err != nil {
			return err
		}
		now := db.Now()
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO users (company_id, email, name, role, password_hash, is_admin, locale, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.CompanyID, in.Email, in.Name, in.Role, hash, in.Admin, in.Locale, now, now).Scan(&id)
		if db.IsUnique(err) {
			return apperr.InvalidField("email", "auth.email_taken")
		}
		if err != nil {
			return err
		}
		u, err = scanUser(tx.QueryRow(ctx, `SELECT `+userCols+` FROM users u JOIN companies c ON c.id = u.company_id WHERE u.id = ?`, id))
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{Entity: "user", EntityID: u.ID, Action: "create", Summary: u.Name, After: u, Internal: true})
	})
	return u, apperr.Wrap(err)
}

// ListUsers: administrators and whoever manages a project's members (a
// PM somewhere) see every account, since they add customers' people to
// projects; other vendor staff see their colleagues; a customer sees only
// colleagues of their own company. The directory holds customers'
// e-mails, so it is not everyone's to browse.
func (s *Service) ListUsers(ctx context.Context, p *access.Principal, companyID int64) ([]User, error) {
	q := `SELECT ` + userCols + ` FROM users u JOIN companies c ON c.id = u.company_id WHERE u.deleted_ms IS NULL`
	var args []any
	switch {
	case !p.Vendor:
		companyID = p.CompanyID
	case p.CanAdminister():
	default:
		var pm bool
		err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM project_members WHERE user_id = ? AND role = ? AND deleted_ms IS NULL)`, p.UserID, string(access.RolePM)).Scan(&pm)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		if !pm {
			companyID = p.CompanyID
		}
	}
	if companyID != 0 {
		q += " AND u.company_id = ?"
		args = append(args, companyID)
	}
	rows, err := s.db.Query(ctx, q+" ORDER BY c.kind DESC, c.name, u.name", args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		out = append(out, u)
	}
	return out, apperr.Wrap(rows.Err())
}

// GetUser returns one account visible to p (p nil: system).
func (s *Service) GetUser(ctx context.Context, p *access.Principal, id int64) (User, error) {
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userCols+` FROM users u JOIN companies c ON c.id = u.company_id WHERE u.id = ? AND u.deleted_ms IS NULL`, id))
	if err != nil {
		return u, db.NotFound(err)
	}
	if p != nil && !p.Vendor && u.CompanyID != p.CompanyID {
		return User{}, apperr.NotFoundErr()
	}
	return u, nil
}

// UserByEmail is for the CLI.
func (s *Service) UserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userCols+` FROM users u JOIN companies c ON c.id = u.company_id WHERE u.email = ? AND u.deleted_ms IS NULL`, strings.ToLower(strings.TrimSpace(email))))
	return u, db.NotFound(err)
}

// SetPassword replaces a password (administrators and the CLI) and ends
// the user's sessions.
func (s *Service) SetPassword(ctx context.Context, p *access.Principal, userID int64, pw string) error {
	if p != nil && !p.CanAdminister() {
		return apperr.NotFoundErr()
	}
	var f apperr.Fields
	validate.Password(&f, "password", pw)
	if err := f.Err(); err != nil {
		return err
	}
	return s.setPassword(ctx, p, userID, pw)
}

func (s *Service) setPassword(ctx context.Context, p *access.Principal, userID int64, pw string) error {
	hash, err := HashPassword(pw)
	if err != nil {
		return apperr.Wrap(err)
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE users SET password_hash = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND deleted_ms IS NULL`, hash, db.Now(), userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.NotFoundErr()
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{Entity: "user", EntityID: userID, Action: "password", Internal: true})
	}))
}

// ChangePassword is a user changing their own password; all their
// sessions end and the caller logs in again.
func (s *Service) ChangePassword(ctx context.Context, p *access.Principal, current, next string) error {
	var f apperr.Fields
	validate.Password(&f, "new_password", next)
	if err := f.Err(); err != nil {
		return err
	}
	var hash string
	if err := s.db.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = ?`, p.UserID).Scan(&hash); err != nil {
		return db.NotFound(err)
	}
	if !CheckPassword(hash, current) {
		return apperr.InvalidField("current_password", "auth.wrong_password")
	}
	return s.setPassword(ctx, p, p.UserID, next)
}

// SetLocale stores the user's language ("" follows the browser).
func (s *Service) SetLocale(ctx context.Context, p *access.Principal, locale string) error {
	if locale != "" && locale != "zh-CN" && locale != "en" {
		return apperr.InvalidField("locale", "validate.enum")
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET locale = ?, updated_ms = ? WHERE id = ?`, locale, db.Now(), p.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{Entity: "user", EntityID: p.UserID, Action: "locale", After: map[string]string{"locale": locale}, Internal: true})
	}))
}

// CountUsers tells whether the instance is empty (first start).
func (s *Service) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, apperr.Wrap(err)
}

// Bootstrap creates the vendor company and an administrator on an empty
// instance and returns the one-time password; it does nothing otherwise.
func (s *Service) Bootstrap(ctx context.Context, vendorName, email string) (pw string, created bool, err error) {
	n, err := s.CountUsers(ctx)
	if err != nil || n > 0 {
		return "", false, err
	}
	vendor, err := s.VendorCompany(ctx)
	if apperr.CodeOf(err) == apperr.NotFound {
		vendor, err = s.CreateCompany(ctx, nil, CompanyInput{Name: vendorName, Kind: "vendor"})
	}
	if err != nil {
		return "", false, err
	}
	pw = RandomPassword()
	_, err = s.CreateUser(ctx, nil, UserInput{Email: email, Name: "系统管理员", CompanyID: vendor.ID, Role: string(access.RoleAdmin), Admin: true, Password: pw})
	if err != nil {
		return "", false, err
	}
	return pw, true, nil
}

func errNotFound() error { return apperr.NotFoundErr() }

// ResetPassword gives an account a new one-time password (administrators)
// and ends its sessions; the caller hands the password over.
func (s *Service) ResetPassword(ctx context.Context, p *access.Principal, userID int64) (string, error) {
	if !p.CanAdminister() {
		return "", apperr.NotFoundErr()
	}
	if _, err := s.GetUser(ctx, p, userID); err != nil {
		return "", err
	}
	pw := RandomPassword()
	return pw, s.setPassword(ctx, p, userID, pw)
}

// SetDisabled locks an account out (or lets it back in). Disabling ends
// its sessions at once; its API tokens stop working because every request
// re-reads the account. Administrators cannot lock themselves out.
func (s *Service) SetDisabled(ctx context.Context, p *access.Principal, userID int64, disabled bool) (User, error) {
	if !p.CanAdminister() {
		return User{}, apperr.NotFoundErr()
	}
	if userID == p.UserID && disabled {
		return User{}, apperr.InvalidField("disabled", "auth.cannot_disable_self")
	}
	var u User
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := scanUser(tx.QueryRow(ctx, `SELECT `+userCols+` FROM users u JOIN companies c ON c.id = u.company_id WHERE u.id = ? AND u.deleted_ms IS NULL`, userID))
		if err != nil {
			return db.NotFound(err)
		}
		if before.Disabled == disabled {
			u = before
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET disabled = ?, updated_ms = ?, version = version + 1 WHERE id = ?`, disabled, db.Now(), userID); err != nil {
			return err
		}
		if disabled {
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
				return err
			}
		}
		if u, err = scanUser(tx.QueryRow(ctx, `SELECT `+userCols+` FROM users u JOIN companies c ON c.id = u.company_id WHERE u.id = ?`, userID)); err != nil {
			return err
		}
		action := "enable"
		if disabled {
			action = "disable"
		}
		return audit.Record(ctx, tx, p, audit.Entry{Entity: "user", EntityID: userID, Action: action, Summary: u.Name,
			Before: map[string]any{"disabled": before.Disabled}, After: map[string]any{"disabled": u.Disabled}, Internal: true})
	})
	return u, apperr.Wrap(err)
}
