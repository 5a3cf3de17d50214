package project

import (
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/money"
	"golive/internal/validate"
)

// Status of a project.
const (
	StatusActive   = "active"
	StatusArchived = "archived"
)

// Products the platform knows; "other" covers the rest.
var Products = []string{"ERP", "CRM", "MES", "WMS", "HIS", "other"}

// Project as returned to a caller. BudgetMinor is nil unless the caller
// may see costs.
type Project struct {
	ID                int64       `json:"id"`
	Code              string      `json:"code"`
	Name              string      `json:"name"`
	CustomerCompanyID int64       `json:"customer_company_id"`
	CustomerName      string      `json:"customer_name"`
	Product           string      `json:"product"`
	Description       string      `json:"description"`
	Status            string      `json:"status" enum:"active,archived"`
	StartDate         string      `json:"start_date" format:"date"`
	GoLiveDate        string      `json:"golive_date" format:"date"`
	BudgetMinor       *int64      `json:"budget_minor,omitempty"`
	Currency          string      `json:"currency"`
	MemberCount       int         `json:"member_count"`
	MyRole            access.Role `json:"my_role,omitempty"`
	CreatedMS         int64       `json:"created_ms"`
	UpdatedMS         int64       `json:"updated_ms"`
	DeletedMS         *int64      `json:"deleted_ms,omitempty"`
	Version           int64       `json:"version"`
}

// auditView is what the audit log stores of a project.
func (p Project) auditView() map[string]any {
	m := map[string]any{
		"code": p.Code, "name": p.Name, "customer_company_id": p.CustomerCompanyID, "customer_name": p.CustomerName, "product": p.Product,
		"description": p.Description, "status": p.Status, "start_date": p.StartDate, "golive_date": p.GoLiveDate,
		"currency": p.Currency, "version": p.Version,
	}
	if p.BudgetMinor != nil {
		m["budget_minor"] = *p.BudgetMinor
	}
	return m
}

// Input creates or edits a project. Budget is entered as text ("1,234.56")
// in forms and as minor units in the API; both end in BudgetMinor.
type Input struct {
	Code              string `json:"code" maxLength:"20" pattern:"^[A-Za-z0-9_-]+$"`
	Name              string `json:"name" maxLength:"100"`
	CustomerCompanyID int64  `json:"customer_company_id"`
	Product           string `json:"product" enum:"ERP,CRM,MES,WMS,HIS,other"`
	Description       string `json:"description" maxLength:"5000"`
	StartDate         string `json:"start_date" format:"date"`
	GoLiveDate        string `json:"golive_date" format:"date"`
	BudgetMinor       int64  `json:"budget_minor"`
	Version           int64  `json:"version"` // required for updates
	budgetText        string
	budgetSet         bool
}

// SetBudgetText records a typed amount for validation.
func (in *Input) SetBudgetText(s string) { in.budgetText = s; in.budgetSet = true }

// Validate normalises and checks the input.
func (in *Input) Validate() error {
	var f apperr.Fields
	in.check(&f)
	return f.Err()
}

// ValidateUpdate is Validate plus the version an edit must carry: without
// it the edit could not be checked against concurrent changes.
func (in *Input) ValidateUpdate() error {
	var f apperr.Fields
	in.check(&f)
	if in.Version <= 0 {
		f.Add("version", "validate.required")
	}
	return f.Err()
}

func (in *Input) check(f *apperr.Fields) {
	in.Code = strings.ToUpper(strings.TrimSpace(in.Code))
	validate.Line(f, "code", &in.Code, 2, 20)
	if !f.Has("code") {
		for _, r := range in.Code {
			if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				f.Add("code", "project.code_chars")
				break
			}
		}
	}
	validate.Line(f, "name", &in.Name, 1, 100)
	if in.CustomerCompanyID <= 0 {
		f.Add("customer_company_id", "validate.required")
	}
	validate.Enum(f, "product", in.Product, Products...)
	validate.Text(f, "description", &in.Description, 0, 5000)
	validate.Date(f, "start_date", &in.StartDate, false)
	validate.Date(f, "golive_date", &in.GoLiveDate, false)
	if !f.Has("start_date") && !f.Has("golive_date") && in.StartDate != "" && in.GoLiveDate != "" && in.GoLiveDate < in.StartDate {
		f.Add("golive_date", "project.golive_before_start")
	}
	if in.budgetSet {
		in.BudgetMinor = 0
		if t := strings.TrimSpace(in.budgetText); t != "" {
			v, err := money.Parse(t)
			if err != nil {
				f.Add("budget", "validate.money")
			} else {
				in.BudgetMinor = v
			}
		}
	}
	if in.BudgetMinor < 0 {
		// Name the member the caller sent: the form's text box or the API's minor units.
		field := "budget_minor"
		if in.budgetSet {
			field = "budget"
		}
		f.Add(field, "validate.not_negative")
	}
}

// MemberInput adds a member.
type MemberInput struct {
	UserID int64  `json:"user_id"`
	Role   string `json:"role" enum:"pm,consultant,developer,finance,customer_pm,key_user,executive"`
}

func (in *MemberInput) Validate() error {
	var f apperr.Fields
	if in.UserID <= 0 {
		f.Add("user_id", "validate.required")
	}
	r := access.Role(in.Role)
	if !r.Valid() || r == access.RoleAdmin {
		f.Add("role", "validate.enum")
	}
	return f.Err()
}

// Member is one person on a project.
type Member struct {
	ID          int64       `json:"id"`
	ProjectID   int64       `json:"project_id"`
	UserID      int64       `json:"user_id"`
	Name        string      `json:"name"`
	Email       string      `json:"email"`
	CompanyName string      `json:"company_name"`
	Vendor      bool        `json:"vendor"`
	Role        access.Role `json:"role"`
	CreatedMS   int64       `json:"created_ms"`
	Version     int64       `json:"version"`
}

// ListFilter narrows the project list.
type ListFilter struct {
	Q      string
	Status string // "", active, archived
	Sort   string // code, name, golive, updated
}

func invalidStatus() error { return apperr.InvalidField("status", "validate.enum") }
