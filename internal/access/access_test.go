package access

import "testing"

func TestCustomerNeverGetsVendorOnlyActions(t *testing.T) {
	cust := &Principal{UserID: 1, CompanyID: 2, Role: RoleCustomerPM}
	for _, r := range append(append([]Role{}, VendorRoles...), CustomerRoles...) {
		m := Membership{ProjectID: 1, Role: r, Member: true}
		for _, a := range []Action{CostView, InternalView, ProjectEdit, MemberManage} {
			if cust.Can(m, a) {
				t.Errorf("customer with project role %s may %s", r, a)
			}
		}
	}
}

func TestMatrix(t *testing.T) {
	vendor := &Principal{UserID: 1, CompanyID: 1, Vendor: true}
	cases := []struct {
		role Role
		a    Action
		want bool
	}{
		{RolePM, CostView, true},
		{RoleFinance, CostView, true},
		{RoleConsultant, CostView, false},
		{RoleDeveloper, CostView, false},
		{RoleConsultant, InternalView, true},
		{RoleConsultant, ProjectEdit, false},
		{RolePM, MemberManage, true},
		{RoleDeveloper, ProjectView, true},
	}
	for _, c := range cases {
		if got := vendor.Can(Membership{Role: c.role, Member: true}, c.a); got != c.want {
			t.Errorf("%s %s = %v, want %v", c.role, c.a, got, c.want)
		}
	}
	if vendor.Can(Membership{Role: RolePM, Member: false}, ProjectView) {
		t.Error("non-member may view")
	}
	admin := &Principal{Admin: true, Vendor: true}
	if !admin.Can(Membership{}, CostView) {
		t.Error("admin may not see cost")
	}
	if (&Principal{Admin: true, Vendor: false}).Can(Membership{Member: true, Role: RoleCustomerPM}, CostView) {
		t.Error("an admin flag on a customer account must not grant vendor rights")
	}
}

func TestScopeFilter(t *testing.T) {
	cond, args := (&Principal{UserID: 7, CompanyID: 3}).Scope().ProjectFilter("p")
	if len(args) != 2 || args[0] != int64(7) || args[1] != int64(3) {
		t.Fatalf("customer scope args %v (%s)", args, cond)
	}
	_, args = (&Principal{UserID: 7, CompanyID: 1, Vendor: true}).Scope().ProjectFilter("p")
	if len(args) != 1 {
		t.Fatalf("vendor scope args %v", args)
	}
}
