package app_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golive/internal/access"
	"golive/internal/app/apptest"
	"golive/internal/db"
	"golive/internal/methodology"
	"golive/internal/project"
)

// Authorization rows of the methodology module. Objects a permitted write
// would change or consume are created fresh for every request by the
// placeholders below (a submitted deliverable for "accept", a pending one
// for "submit", a copy of the built-in template for "delete" …), so every
// caller meets the same state:
//
//	{tpl}   a copy of the built-in template      {fresh} a new project of customer A, fixtures as members
//	{phase} a phase of A with one gate item      {ms}    a customer-visible milestone of A
//	{dlv}   a submitted customer-visible deliverable of A
//	{dlvp}  a pending customer-visible deliverable of A
//	{stk}   a customer stakeholder of A          {resp}  an A/B responsibility of A
//	{act}   a RACI activity of A (PM accountable)
//
// Rules exercised: templates exist for vendor accounts and change only by
// administrators (404 for everyone else, like the other administration);
// plan, deliverables, charter, RACI and health are edited by the PM;
// stakeholders and A/B roles by the PM and consultants; deliverables are
// accepted by the customer PM only (administrators included, vendor staff
// are refused); the charter is signed by its sponsor only (here the
// executive); a customer who may not see a draft charter gets 404.

func init() {
	authzModuleRows = append(authzModuleRows, authzMethodologyRows)
	authzExpanders = append(authzExpanders, authzMethodologyExpand)
}

// authzMeth remembers the id behind each placeholder of the current
// request, for the body functions.
var authzMeth = map[string]int64{}

func authzMethodologyExpand(t *testing.T, x *authzFix, path string, who apptest.Who) string {
	t.Helper()
	ctx := context.Background()
	e := x.e
	pm, admin := x.p(apptest.PM), x.p(apptest.Admin)
	a := e.ProjectA.ID
	svc := e.App.Methodology
	n := strconv.Itoa(x.next())
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	sub := func(ph string, id int64) {
		authzMeth[ph] = id
		path = strings.ReplaceAll(path, ph, itoa(id))
	}
	if strings.Contains(path, "{tpl}") {
		tpl, err := svc.CopyTemplate(ctx, admin, mBuiltinID(t, e), "授权模板"+n)
		must(err)
		sub("{tpl}", tpl.ID)
	}
	if strings.Contains(path, "{fresh}") {
		pr, err := e.App.Projects.Create(ctx, pm, project.Input{Code: "AZM" + n, Name: "授权套用" + n, CustomerCompanyID: e.CompanyA.ID, Product: "ERP"})
		must(err)
		for w, role := range map[apptest.Who]access.Role{apptest.Consultant: access.RoleConsultant, apptest.Developer: access.RoleDeveloper, apptest.Finance: access.RoleFinance,
			apptest.CustomerPM: access.RoleCustomerPM, apptest.KeyUser: access.RoleKeyUser, apptest.Executive: access.RoleExecutive} {
			_, err := e.App.Projects.AddMember(ctx, pm, pr.ID, project.MemberInput{UserID: e.Users[w].ID, Role: string(role)})
			must(err)
		}
		sub("{fresh}", pr.ID)
	}
	if strings.Contains(path, "{phase}") {
		var id int64
		must(e.App.DB.Tx(ctx, func(tx *db.Tx) error {
			return tx.QueryRow(ctx, `INSERT INTO phases (project_id, seq, key, name, status, gate_checklist, created_ms, updated_ms) VALUES (?, ?, ?, ?, 'active', ?, ?, ?) RETURNING id`,
				a, 100+x.seq, "az"+n, "授权阶段"+n, `[{"text":"检查项","done":false,"note":""}]`, db.Now(), db.Now()).Scan(&id)
		}))
		sub("{phase}", id)
	}
	if strings.Contains(path, "{ms}") {
		m, err := svc.SaveMilestone(ctx, pm, a, 0, methodology.MilestoneInput{Name: "授权里程碑" + n, DueDate: "2030-01-01", CustomerVisible: true})
		must(err)
		sub("{ms}", m.ID)
	}
	if strings.Contains(path, "{dlvp}") {
		d, err := svc.SaveDeliverable(ctx, pm, a, 0, methodology.DeliverableInput{Name: "授权交付物" + n, CustomerVisible: true})
		must(err)
		sub("{dlvp}", d.ID)
	}
	if strings.Contains(path, "{dlv}") {
		d, err := svc.SaveDeliverable(ctx, pm, a, 0, methodology.DeliverableInput{Name: "授权交付物" + n, CustomerVisible: true})
		must(err)
		_, err = svc.SubmitDeliverable(ctx, pm, a, d.ID, methodology.VersionInput{Version: d.Version})
		must(err)
		sub("{dlv}", d.ID)
	}
	if strings.Contains(path, "{stk}") {
		s, err := svc.SaveStakeholder(ctx, pm, a, 0, methodology.StakeholderInput{Side: "customer", Name: "授权干系人" + n})
		must(err)
		sub("{stk}", s.ID)
	}
	if strings.Contains(path, "{resp}") {
		s, err := svc.SaveStakeholder(ctx, pm, a, 0, methodology.StakeholderInput{Side: "customer", Name: "授权A角" + n})
		must(err)
		r, err := svc.SaveResponsibility(ctx, pm, a, 0, methodology.ResponsibilityInput{Side: "customer", Name: "授权职责" + n, PrimaryID: s.ID})
		must(err)
		authzMeth["{resp.primary}"] = s.ID
		sub("{resp}", r.ID)
	}
	if strings.Contains(path, "{act}") {
		act, err := svc.SaveActivity(ctx, pm, a, 0, methodology.RACIInput{Name: "授权活动" + n, Cells: map[string]string{"role:pm": "A"}})
		must(err)
		sub("{act}", act.ID)
	}
	return path
}

func authzMethVersion(t *testing.T, x *authzFix, table, ph string) int64 {
	t.Helper()
	var v int64
	if err := x.e.App.DB.QueryRow(context.Background(), `SELECT version FROM `+table+` WHERE id = ?`, authzMeth[ph]).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// authzCharter puts A's charter in the state a row needs: a signed V1
// exists (every member can read it) and, when draft is set, the latest
// version is a draft for the executive to sign.
func authzCharter(draft bool) func(t *testing.T, x *authzFix, who apptest.Who) {
	return func(t *testing.T, x *authzFix, _ apptest.Who) {
		t.Helper()
		ctx := context.Background()
		svc, a := x.e.App.Methodology, x.e.ProjectA.ID
		pm, exec := x.p(apptest.PM), x.p(apptest.Executive)
		sponsor := x.e.Users[apptest.Executive].ID
		view, err := svc.Charter(ctx, pm, a, 0)
		if err != nil {
			t.Fatal(err)
		}
		save := func(version int64) methodology.Charter {
			c, err := svc.SaveCharter(ctx, pm, a, methodology.CharterInput{Objectives: "授权章程目标", SponsorID: sponsor, Version: version})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		cur := view.Charter
		if cur == nil {
			c := save(0)
			if _, err := svc.SignCharter(ctx, exec, a, methodology.VersionInput{Version: c.Version}); err != nil {
				t.Fatal(err)
			}
			view, _ = svc.Charter(ctx, pm, a, 0)
			cur = view.Charter
		}
		if draft && cur.Status == methodology.CharterSigned {
			save(cur.Version)
		}
	}
}

func authzCharterVersion(t *testing.T, x *authzFix) int64 {
	t.Helper()
	view, err := x.e.App.Methodology.Charter(context.Background(), x.p(apptest.PM), x.e.ProjectA.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if view.Charter == nil {
		return 0
	}
	return view.Charter.Version
}

func authzMethodologyRows() []authzRow {
	form := authzForm
	vform := func(ph, table string, extra url.Values) func(*testing.T, *authzFix, apptest.Who) any {
		return func(t *testing.T, x *authzFix, _ apptest.Who) any {
			v := url.Values{}
			for k, vs := range extra {
				v[k] = vs
			}
			v.Set("version", itoa(authzMethVersion(t, x, table, ph)))
			return v.Encode()
		}
	}
	vjson := func(ph, table string, body map[string]any) func(*testing.T, *authzFix, apptest.Who) any {
		return func(t *testing.T, x *authzFix, _ apptest.Who) any {
			out := map[string]any{}
			for k, v := range body {
				out[k] = v
			}
			out["version"] = authzMethVersion(t, x, table, ph)
			return out
		}
	}
	tplBody := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		tpl, err := x.e.App.Methodology.GetTemplate(context.Background(), x.p(apptest.Admin), authzMeth["{tpl}"])
		if err != nil {
			t.Fatal(err)
		}
		return editorForm(tpl).Encode()
	}
	tplJSON := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		tpl, err := x.e.App.Methodology.GetTemplate(context.Background(), x.p(apptest.Admin), authzMeth["{tpl}"])
		if err != nil {
			t.Fatal(err)
		}
		return methodology.TemplateInput{Name: tpl.Name + "改", Body: tpl.Body, Version: tpl.Version}
	}
	applyForm := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"template_id": {itoa(mBuiltinID(t, x.e))}, "start_date": {"2026-03-02"}, "golive_date": {"2026-09-30"}}.Encode()
	}
	applyJSON := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return methodology.ApplyInput{TemplateID: mBuiltinID(t, x.e), StartDate: "2026-03-02", Modules: []string{"finance"}}
	}
	fromTemplate := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"code": {"AZT" + strconv.Itoa(x.next())}, "name": {"授权模板项目"}, "customer_company_id": {itoa(x.e.CompanyA.ID)}, "product": {"ERP"},
			"template_id": {itoa(mBuiltinID(t, x.e))}, "start_date": {"2026-03-02"}}.Encode()
	}
	charterForm := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"objectives": {"授权章程目标"}, "sponsor_id": {itoa(x.e.Users[apptest.Executive].ID)}, "version": {itoa(authzCharterVersion(t, x))}}.Encode()
	}
	charterJSON := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return methodology.CharterInput{Objectives: "授权章程目标", SponsorID: x.e.Users[apptest.Executive].ID, Version: authzCharterVersion(t, x)}
	}
	signForm := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return "version=" + itoa(authzCharterVersion(t, x))
	}
	signJSON := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return methodology.VersionInput{Version: authzCharterVersion(t, x)}
	}
	newStakeholder := func(t *testing.T, x *authzFix, _ apptest.Who) int64 {
		s, err := x.e.App.Methodology.SaveStakeholder(context.Background(), x.p(apptest.PM), x.e.ProjectA.ID, 0, methodology.StakeholderInput{Side: "customer", Name: "授权主责" + strconv.Itoa(x.next())})
		if err != nil {
			t.Fatal(err)
		}
		return s.ID
	}
	respForm := func(t *testing.T, x *authzFix, who apptest.Who) any {
		return url.Values{"side": {"customer"}, "name": {"授权职责"}, "primary_id": {itoa(newStakeholder(t, x, who))}}.Encode()
	}
	respJSON := func(t *testing.T, x *authzFix, who apptest.Who) any {
		return methodology.ResponsibilityInput{Side: "customer", Name: "授权职责", PrimaryID: newStakeholder(t, x, who)}
	}
	raciForm := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		act, err := x.e.App.Methodology.SaveActivity(context.Background(), x.p(apptest.PM), x.e.ProjectA.ID, 0, methodology.RACIInput{Name: "授权矩阵" + strconv.Itoa(x.next()), Cells: map[string]string{"role:pm": "A"}})
		if err != nil {
			t.Fatal(err)
		}
		s := itoa(act.ID)
		return url.Values{"party": {"role:pm", "role:customer_pm"}, "activity": {s}, "name_" + s: {act.Name}, "version_" + s: {itoa(act.Version)},
			"cell_" + s + "_0": {"R"}, "cell_" + s + "_1": {"A"}}.Encode()
	}
	stkJSON := methodology.StakeholderInput{Side: "customer", Name: "授权干系人", JobTitle: "经理"}
	gateForm := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"items": {"1"}, "done_0": {"1"}, "decision": {"pass"}, "version": {itoa(authzMethVersion(t, x, "phases", "{phase}"))}}.Encode()
	}
	gateJSON := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return methodology.GateInput{Items: []methodology.GateResult{{Done: true}}, Decision: "pass", Version: authzMethVersion(t, x, "phases", "{phase}")}
	}
	prepSign := authzCharter(true)
	prepSigned := authzCharter(false)

	type W = authzWant
	return []authzRow{
		// Templates: administrators; vendor accounts read them through the API.
		//                                                                                     anon  oc   ku   ex   cpm  dev  con  fin  pm   admin
		{pattern: "GET /admin/templates", path: "/admin/templates", want: W{303, 404, 404, 404, 404, 404, 404, 404, 404, 200}},
		{pattern: "GET /admin/templates/{id}", path: "/admin/templates/{tpl}", want: W{303, 404, 404, 404, 404, 404, 404, 404, 404, 200}},
		{pattern: "POST /admin/templates/{id}", path: "/admin/templates/{tpl}", body: tplBody, want: W{303, 404, 404, 404, 404, 404, 404, 404, 404, 303}},
		{pattern: "POST /admin/templates/{id}/copy", path: "/admin/templates/{tpl}/copy", want: W{303, 404, 404, 404, 404, 404, 404, 404, 404, 303}},
		{pattern: "POST /admin/templates/{id}/delete", path: "/admin/templates/{tpl}/delete", want: W{303, 404, 404, 404, 404, 404, 404, 404, 404, 303}},

		// A project from a template (who may create projects), a template onto a project (its PM).
		{pattern: "GET /projects/from-template", path: "/projects/from-template", want: W{303, 403, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "POST /projects/from-template", path: "/projects/from-template", body: fromTemplate, want: W{303, 403, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "GET /projects/{id}/apply-template", path: "/projects/{A}/apply-template", want: W{303, 404, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "POST /projects/{id}/apply-template", path: "/projects/{fresh}/apply-template", body: applyForm, want: W{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},

		// Phases, gates, milestones, health: every member reads; the PM decides.
		{pattern: "GET /projects/{id}/phases", path: "/projects/{A}/phases", want: W{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /projects/{id}/phases/{pid}/gate", path: "/projects/{A}/phases/{phase}/gate", want: W{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /projects/{id}/phases/{pid}/gate", path: "/projects/{A}/phases/{phase}/gate", body: gateForm, want: W{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "POST /projects/{id}/milestones", path: "/projects/{A}/milestones", body: form("name=授权里程碑&due_date=2030-01-01&status=open&customer_visible=1"), want: W{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "GET /projects/{id}/milestones/{mid}/edit", path: "/projects/{A}/milestones/{ms}/edit", want: W{303, 404, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "POST /projects/{id}/milestones/{mid}", path: "/projects/{A}/milestones/{ms}", body: vform("{ms}", "milestones", url.Values{"name": {"改名"}, "due_date": {"2030-02-01"}, "status": {"open"}, "customer_visible": {"1"}}),
			want: W{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "POST /projects/{id}/health", path: "/projects/{A}/health", body: form("clear=1"), want: W{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},

		// Deliverables: the PM keeps them; the customer PM accepts or rejects.
		{pattern: "GET /projects/{id}/deliverables", path: "/projects/{A}/deliverables", want: W{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /projects/{id}/deliverables.xlsx", path: "/projects/{A}/deliverables.xlsx", want: W{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /projects/{id}/deliverables", path: "/projects/{A}/deliverables", body: form("name=授权交付物&customer_visible=1"), want: W{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "GET /projects/{id}/deliverables/{did}/edit", path: "/projects/{A}/deliverables/{dlvp}/edit", want: W{303, 404, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "POST /projects/{id}/deliverables/{did}", path: "/projects/{A}/deliverables/{dlvp}", body: vform("{dlvp}", "deliverables", url.Values{"name": {"改名"}, "customer_visible": {"1"}}),
			want: W{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "POST /projects/{id}/deliverables/{did}/submit", path: "/projects/{A}/deliverables/{dlvp}/submit", body: vform("{dlvp}", "deliverables", nil), want: W{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "POST /projects/{id}/deliverables/{did}/accept", path: "/projects/{A}/deliverables/{dlv}/accept", body: vform("{dlv}", "deliverables", nil), want: W{303, 404, 403, 403, 303, 403, 403, 403, 403, 403}},
		{pattern: "POST /projects/{id}/deliverables/{did}/reject", path: "/projects/{A}/deliverables/{dlv}/reject", body: vform("{dlv}", "deliverables", url.Values{"comment": {"缺少签字页"}}), want: W{303, 404, 403, 403, 303, 403, 403, 403, 403, 403}},

		// Charter: the PM edits; the sponsor (the executive) signs; a customer who is not the sponsor does not see a draft.
		{pattern: "GET /projects/{id}/charter", path: "/projects/{A}/charter", prep: prepSigned, want: W{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /projects/{id}/charter/edit", path: "/projects/{A}/charter/edit", want: W{303, 404, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "POST /projects/{id}/charter", path: "/projects/{A}/charter", body: charterForm, want: W{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "POST /projects/{id}/charter/sign", path: "/projects/{A}/charter/sign", prep: prepSign, body: signForm, want: W{303, 404, 404, 303, 404, 403, 403, 403, 403, 403}},
		{pattern: "GET /projects/{id}/charter/diff", path: "/projects/{A}/charter/diff?from=1&to=1", prep: prepSigned, want: W{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},

		// Stakeholders and A/B roles: the PM and consultants keep them.
		{pattern: "GET /projects/{id}/stakeholders", path: "/projects/{A}/stakeholders", want: W{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /projects/{id}/stakeholders.xlsx", path: "/projects/{A}/stakeholders.xlsx", want: W{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /projects/{id}/stakeholders", path: "/projects/{A}/stakeholders", body: form("side=customer&name=授权干系人&influence=3&interest=3"), want: W{303, 404, 403, 403, 403, 403, 303, 403, 303, 303}},
		{pattern: "GET /projects/{id}/stakeholders/{sid}/edit", path: "/projects/{A}/stakeholders/{stk}/edit", want: W{303, 404, 403, 403, 403, 403, 200, 403, 200, 200}},
		{pattern: "POST /projects/{id}/stakeholders/{sid}", path: "/projects/{A}/stakeholders/{stk}", body: vform("{stk}", "stakeholders", url.Values{"side": {"customer"}, "name": {"改名"}, "influence": {"4"}, "interest": {"2"}}),
			want: W{303, 404, 403, 403, 403, 403, 303, 403, 303, 303}},
		{pattern: "POST /projects/{id}/stakeholders/{sid}/delete", path: "/projects/{A}/stakeholders/{stk}/delete", want: W{303, 404, 403, 403, 403, 403, 303, 403, 303, 303}},
		{pattern: "POST /projects/{id}/responsibilities", path: "/projects/{A}/responsibilities", body: respForm, want: W{303, 404, 403, 403, 403, 403, 303, 403, 303, 303}},
		{pattern: "POST /projects/{id}/responsibilities/{rid}", path: "/projects/{A}/responsibilities/{resp}", body: func(t *testing.T, x *authzFix, _ apptest.Who) any {
			return url.Values{"side": {"customer"}, "name": {"改名"}, "primary_id": {itoa(authzMeth["{resp.primary}"])}, "version": {itoa(authzMethVersion(t, x, "responsibilities", "{resp}"))}}.Encode()
		}, want: W{303, 404, 403, 403, 403, 403, 303, 403, 303, 303}},
		{pattern: "POST /projects/{id}/responsibilities/{rid}/delete", path: "/projects/{A}/responsibilities/{resp}/delete", want: W{303, 404, 403, 403, 403, 403, 303, 403, 303, 303}},

		// RACI: every member reads; the PM edits.
		{pattern: "GET /projects/{id}/raci", path: "/projects/{A}/raci", want: W{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /projects/{id}/raci", path: "/projects/{A}/raci", body: raciForm, want: W{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "POST /projects/{id}/raci/activities", path: "/projects/{A}/raci/activities", body: form("name=授权活动&accountable=role:pm"), want: W{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},
		{pattern: "POST /projects/{id}/raci/activities/{aid}/delete", path: "/projects/{A}/raci/activities/{act}/delete", want: W{303, 404, 403, 403, 403, 403, 403, 403, 303, 303}},

		// Portfolio: everyone, over the projects they see.
		{pattern: "GET /portfolio", path: "/portfolio", want: W{303, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "GET /portfolio.xlsx", path: "/portfolio.xlsx?status=all", want: W{303, 200, 200, 200, 200, 200, 200, 200, 200, 200}},

		// REST API.
		//                                                                                     anon  oc   ku   ex   cpm  dev  con  fin  pm   admin
		{pattern: "GET /api/v1/templates", path: "/api/v1/templates", want: W{401, 404, 404, 404, 404, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/templates", path: "/api/v1/templates", body: authzJSON(methodology.TemplateInput{Name: "接口模板", Body: methodology.DefaultBody()}), want: W{401, 404, 404, 404, 404, 404, 404, 404, 404, 201}},
		{pattern: "GET /api/v1/templates/{id}", path: "/api/v1/templates/{tpl}", want: W{401, 404, 404, 404, 404, 200, 200, 200, 200, 200}},
		{pattern: "PUT /api/v1/templates/{id}", path: "/api/v1/templates/{tpl}", body: tplJSON, want: W{401, 404, 404, 404, 404, 404, 404, 404, 404, 200}},
		{pattern: "POST /api/v1/templates/{id}/copy", path: "/api/v1/templates/{tpl}/copy", body: authzJSON(methodology.CopyInput{Name: "接口副本"}), want: W{401, 404, 404, 404, 404, 404, 404, 404, 404, 201}},
		{pattern: "DELETE /api/v1/templates/{id}", path: "/api/v1/templates/{tpl}", want: W{401, 404, 404, 404, 404, 404, 404, 404, 404, 204}},

		{pattern: "POST /api/v1/projects/{id}/apply-template", path: "/api/v1/projects/{fresh}/apply-template", body: applyJSON, want: W{401, 404, 403, 403, 403, 403, 403, 403, 201, 201}},
		{pattern: "GET /api/v1/projects/{id}/phases", path: "/api/v1/projects/{A}/phases", want: W{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/phases/{pid}/gate", path: "/api/v1/projects/{A}/phases/{phase}/gate", body: gateJSON, want: W{401, 404, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "GET /api/v1/projects/{id}/milestones", path: "/api/v1/projects/{A}/milestones", want: W{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/milestones", path: "/api/v1/projects/{A}/milestones", body: authzJSON(methodology.MilestoneInput{Name: "接口里程碑", DueDate: "2030-01-01", CustomerVisible: true}),
			want: W{401, 404, 403, 403, 403, 403, 403, 403, 201, 201}},
		{pattern: "PATCH /api/v1/projects/{id}/milestones/{mid}", path: "/api/v1/projects/{A}/milestones/{ms}", body: vjson("{ms}", "milestones", map[string]any{"name": "改名", "due_date": "2030-02-01", "customer_visible": true}),
			want: W{401, 404, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "GET /api/v1/projects/{id}/deliverables", path: "/api/v1/projects/{A}/deliverables", want: W{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/deliverables", path: "/api/v1/projects/{A}/deliverables", body: authzJSON(methodology.DeliverableInput{Name: "接口交付物", CustomerVisible: true}),
			want: W{401, 404, 403, 403, 403, 403, 403, 403, 201, 201}},
		{pattern: "PATCH /api/v1/projects/{id}/deliverables/{did}", path: "/api/v1/projects/{A}/deliverables/{dlvp}", body: vjson("{dlvp}", "deliverables", map[string]any{"name": "改名", "customer_visible": true}),
			want: W{401, 404, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/deliverables/{did}/submit", path: "/api/v1/projects/{A}/deliverables/{dlvp}/submit", body: vjson("{dlvp}", "deliverables", nil), want: W{401, 404, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/deliverables/{did}/accept", path: "/api/v1/projects/{A}/deliverables/{dlv}/accept", body: vjson("{dlv}", "deliverables", nil), want: W{401, 404, 403, 403, 200, 403, 403, 403, 403, 403}},
		{pattern: "POST /api/v1/projects/{id}/deliverables/{did}/reject", path: "/api/v1/projects/{A}/deliverables/{dlv}/reject", body: vjson("{dlv}", "deliverables", map[string]any{"comment": "缺少签字页"}), want: W{401, 404, 403, 403, 200, 403, 403, 403, 403, 403}},

		{pattern: "GET /api/v1/projects/{id}/charter", path: "/api/v1/projects/{A}/charter", prep: prepSigned, want: W{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "PUT /api/v1/projects/{id}/charter", path: "/api/v1/projects/{A}/charter", body: charterJSON, want: W{401, 404, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/charter/sign", path: "/api/v1/projects/{A}/charter/sign", prep: prepSign, body: signJSON, want: W{401, 404, 404, 200, 404, 403, 403, 403, 403, 403}},
		{pattern: "GET /api/v1/projects/{id}/charter/diff", path: "/api/v1/projects/{A}/charter/diff?from=1&to=1", prep: prepSigned, want: W{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},

		{pattern: "GET /api/v1/projects/{id}/stakeholders", path: "/api/v1/projects/{A}/stakeholders", want: W{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/stakeholders", path: "/api/v1/projects/{A}/stakeholders", body: authzJSON(stkJSON), want: W{401, 404, 403, 403, 403, 403, 201, 403, 201, 201}},
		{pattern: "PATCH /api/v1/projects/{id}/stakeholders/{sid}", path: "/api/v1/projects/{A}/stakeholders/{stk}", body: vjson("{stk}", "stakeholders", map[string]any{"side": "customer", "name": "改名"}),
			want: W{401, 404, 403, 403, 403, 403, 200, 403, 200, 200}},
		{pattern: "DELETE /api/v1/projects/{id}/stakeholders/{sid}", path: "/api/v1/projects/{A}/stakeholders/{stk}", want: W{401, 404, 403, 403, 403, 403, 204, 403, 204, 204}},
		{pattern: "GET /api/v1/projects/{id}/responsibilities", path: "/api/v1/projects/{A}/responsibilities", want: W{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/responsibilities", path: "/api/v1/projects/{A}/responsibilities", body: respJSON, want: W{401, 404, 403, 403, 403, 403, 201, 403, 201, 201}},
		{pattern: "PATCH /api/v1/projects/{id}/responsibilities/{rid}", path: "/api/v1/projects/{A}/responsibilities/{resp}", body: func(t *testing.T, x *authzFix, _ apptest.Who) any {
			return methodology.ResponsibilityInput{Side: "customer", Name: "改名", PrimaryID: authzMeth["{resp.primary}"], Version: authzMethVersion(t, x, "responsibilities", "{resp}")}
		}, want: W{401, 404, 403, 403, 403, 403, 200, 403, 200, 200}},
		{pattern: "DELETE /api/v1/projects/{id}/responsibilities/{rid}", path: "/api/v1/projects/{A}/responsibilities/{resp}", want: W{401, 404, 403, 403, 403, 403, 204, 403, 204, 204}},

		{pattern: "GET /api/v1/projects/{id}/raci", path: "/api/v1/projects/{A}/raci", want: W{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/raci/activities", path: "/api/v1/projects/{A}/raci/activities", body: authzJSON(methodology.RACIInput{Name: "接口活动", Cells: map[string]string{"role:pm": "A", "role:customer_pm": "C"}}),
			want: W{401, 404, 403, 403, 403, 403, 403, 403, 201, 201}},
		{pattern: "PATCH /api/v1/projects/{id}/raci/activities/{aid}", path: "/api/v1/projects/{A}/raci/activities/{act}", body: vjson("{act}", "raci_activities", map[string]any{"name": "改名", "cells": map[string]string{"role:customer_pm": "A"}}),
			want: W{401, 404, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "DELETE /api/v1/projects/{id}/raci/activities/{aid}", path: "/api/v1/projects/{A}/raci/activities/{act}", want: W{401, 404, 403, 403, 403, 403, 403, 403, 204, 204}},

		{pattern: "GET /api/v1/projects/{id}/health", path: "/api/v1/projects/{A}/health", want: W{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}},
		{pattern: "PUT /api/v1/projects/{id}/health", path: "/api/v1/projects/{A}/health", body: authzJSON(methodology.HealthInput{}), want: W{401, 404, 403, 403, 403, 403, 403, 403, 200, 200}},
		{pattern: "GET /api/v1/portfolio", path: "/api/v1/portfolio", want: W{401, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
	}
}
