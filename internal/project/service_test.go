package project_test

import (
	"context"
	"testing"

	"golive/internal/access"
	"golive/internal/app/apptest"
	"golive/internal/apperr"
	"golive/internal/project"
)

func code(err error) apperr.Code {
	if err == nil {
		return ""
	}
	return apperr.CodeOf(err)
}

func fieldOf(err error) string {
	for f := range apperr.As(err).Fields {
		return f
	}
	return ""
}

func TestMembershipRules(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		svc := e.App.Projects
		pm := e.Users[apptest.PM].P
		pa := e.ProjectA.ID

		// A customer of company B cannot join company A's project.
		_, err := svc.AddMember(ctx, pm, pa, project.MemberInput{UserID: e.Users[apptest.OtherCust].ID, Role: "key_user"})
		if code(err) != apperr.Invalid || fieldOf(err) != "user_id" {
			t.Fatalf("other company's user added: %v", err)
		}
		// A vendor consultant cannot be given a customer role, nor a customer a vendor role.
		_, err = svc.AddMember(ctx, pm, pa, project.MemberInput{UserID: e.Users[apptest.Outsider].ID, Role: "customer_pm"})
		if code(err) != apperr.Invalid || fieldOf(err) != "role" {
			t.Fatalf("vendor with customer role: %v", err)
		}
		// Adding someone twice is refused with a field message.
		_, err = svc.AddMember(ctx, pm, pa, project.MemberInput{UserID: e.Users[apptest.Consultant].ID, Role: "consultant"})
		if code(err) != apperr.Invalid || fieldOf(err) != "user_id" {
			t.Fatalf("duplicate member: %v", err)
		}
		// A consultant may see but not manage members.
		_, err = svc.AddMember(ctx, e.Users[apptest.Consultant].P, pa, project.MemberInput{UserID: e.Users[apptest.Outsider].ID, Role: "consultant"})
		if code(err) != apperr.Forbidden {
			t.Fatalf("consultant managed members: %v", err)
		}
		// The last PM cannot be removed.
		members, err := svc.Members(ctx, pm, pa)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range members {
			if m.Role == access.RolePM {
				if err := svc.RemoveMember(ctx, pm, pa, m.ID); code(err) != apperr.Invalid {
					t.Fatalf("last PM removed: %v", err)
				}
			}
		}
		// The customer cannot change while customer members are on the project.
		in := project.Input{Code: "PA", Name: "甲项目", CustomerCompanyID: e.CompanyB.ID, Product: "MES", Version: e.ProjectA.Version}
		if _, err := svc.Update(ctx, pm, pa, in); code(err) != apperr.Invalid || fieldOf(err) != "customer_company_id" {
			t.Fatalf("customer changed under members: %v", err)
		}
	})
}

func TestArchivedProjectIsReadOnlyAndRestoreNeedsRights(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		svc := e.App.Projects
		pm := e.Users[apptest.PM].P
		pa := e.ProjectA.ID
		pr, err := svc.SetArchived(ctx, pm, pa, true)
		if err != nil || pr.Status != project.StatusArchived {
			t.Fatalf("archive: %v %v", pr.Status, err)
		}
		in := project.Input{Code: "PA", Name: "改名", CustomerCompanyID: e.CompanyA.ID, Product: "MES", Version: pr.Version}
		if _, err := svc.Update(ctx, pm, pa, in); code(err) != apperr.Conflict {
			t.Fatalf("archived project edited: %v", err)
		}
		if _, err := svc.SetArchived(ctx, pm, pa, false); err != nil {
			t.Fatal(err)
		}
		if err := svc.Delete(ctx, e.Users[apptest.Consultant].P, pa); code(err) != apperr.Forbidden {
			t.Fatalf("consultant deleted: %v", err)
		}
		if err := svc.Delete(ctx, pm, pa); err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.Get(ctx, pm, pa); code(err) != apperr.NotFound {
			t.Fatalf("deleted project still readable: %v", err)
		}
		if err := svc.Restore(ctx, e.Users[apptest.Consultant].P, pa); code(err) != apperr.NotFound {
			t.Fatalf("consultant restored: %v", err)
		}
		if err := svc.Restore(ctx, e.Users[apptest.CustomerPM].P, pa); code(err) != apperr.NotFound {
			t.Fatalf("customer restored: %v", err)
		}
		if err := svc.Restore(ctx, pm, pa); err != nil {
			t.Fatal(err)
		}
		got, _, err := svc.Get(ctx, e.Users[apptest.CustomerPM].P, pa)
		if err != nil || got.BudgetMinor != nil {
			t.Fatalf("restored project for customer: %+v %v", got, err)
		}
	})
}

func TestInputValidation(t *testing.T) {
	cases := []struct {
		in    project.Input
		field string
	}{
		{project.Input{Code: "a", Name: "x", CustomerCompanyID: 1, Product: "ERP"}, "code"},
		{project.Input{Code: "AB CD", Name: "x", CustomerCompanyID: 1, Product: "ERP"}, "code"},
		{project.Input{Code: "AB", Name: " ", CustomerCompanyID: 1, Product: "ERP"}, "name"},
		{project.Input{Code: "AB", Name: "x", CustomerCompanyID: 0, Product: "ERP"}, "customer_company_id"},
		{project.Input{Code: "AB", Name: "x", CustomerCompanyID: 1, Product: "SAP"}, "product"},
		{project.Input{Code: "AB", Name: "x", CustomerCompanyID: 1, Product: "ERP", StartDate: "2026-13-01"}, "start_date"},
		{project.Input{Code: "AB", Name: "x", CustomerCompanyID: 1, Product: "ERP", StartDate: "2026-05-01", GoLiveDate: "2026-04-30"}, "golive_date"},
		{project.Input{Code: "AB", Name: "x", CustomerCompanyID: 1, Product: "ERP", BudgetMinor: -1}, "budget_minor"}, // the API member; the form names "budget"
	}
	for _, c := range cases {
		err := c.in.Validate()
		if code(err) != apperr.Invalid || !apperr.As(err).HasField(c.field) {
			t.Errorf("%+v: want field %s, got %v", c.in, c.field, err)
		}
	}
	ok := project.Input{Code: " jg-mes ", Name: "精工 MES", CustomerCompanyID: 1, Product: "MES"}
	ok.SetBudgetText("1,234.56")
	if err := ok.Validate(); err != nil || ok.Code != "JG-MES" || ok.BudgetMinor != 123456 {
		t.Fatalf("valid input: %+v %v", ok, err)
	}
	bad := project.Input{Code: "AB", Name: "x", CustomerCompanyID: 1, Product: "ERP"}
	bad.SetBudgetText("12.345")
	if err := bad.Validate(); !apperr.As(err).HasField("budget") {
		t.Fatalf("bad budget accepted: %v", err)
	}
}
