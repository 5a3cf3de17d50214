package change_test

import (
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/change"
	"golive/internal/requirement"
)

// The whole path over the real requirement pool: confirmed requirements
// and functions become V1.0; the customer PM signs; a change request
// touching one requirement marks it 变更中; approval applies the change
// through the pool's tx methods, creates V1.1 and the task of the new
// custom function; the trace column names the request.
func TestApprovalThroughThePool(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pm, cpm, con := e.Users[apptest.PM].P, e.Users[apptest.CustomerPM].P, e.Users[apptest.Consultant].P
		a := e.ProjectA.ID
		rs, svc := e.App.Requirements, e.App.Change
		r1, err := rs.Create(ctx, pm, a, requirement.Input{Title: "批次追溯", Priority: "must", Value: 5, Effort: 3, CustomerVisible: true, Acceptance: "扫码可查批次"})
		if err != nil {
			t.Fatal(err)
		}
		r2, err := rs.Create(ctx, pm, a, requirement.Input{Title: "安全库存预警", Priority: "should", Value: 3, Effort: 2, CustomerVisible: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rs.Review(ctx, pm, a, requirement.ReviewInput{IDs: []int64{r1.ID, r2.ID}, Action: "submit"}); err != nil {
			t.Fatal(err)
		}
		if _, err := rs.Review(ctx, cpm, a, requirement.ReviewInput{IDs: []int64{r1.ID, r2.ID}, Action: "confirm"}); err != nil {
			t.Fatal(err)
		}
		if _, err := rs.CreateFunction(ctx, pm, a, requirement.FunctionInput{Title: "批次条码接口", Type: "interface", EffortTenths: 100, RequirementIDs: []int64{r1.ID}}); err != nil {
			t.Fatal(err)
		}
		v1, err := svc.CreateBaseline(ctx, pm, a, change.BaselineInput{Title: "甲项目需求确认书"})
		if err != nil || len(v1.Content.Requirements) != 2 || len(v1.Content.Functions) != 1 || len(v1.Content.Links) != 1 {
			t.Fatalf("V1.0 from the pool: %v %+v", err, v1.Content)
		}
		if _, err := svc.Sign(ctx, cpm, a, v1.ID, change.SignInput{SHA256: v1.SHA256}, "192.0.2.7"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SaveBoard(ctx, pm, a, change.BoardInput{Members: []int64{e.Users[apptest.PM].ID, e.Users[apptest.CustomerPM].ID, e.Users[apptest.Consultant].ID},
			Chair: e.Users[apptest.PM].ID, Rule: change.RuleMajority, Quorum: 2}); err != nil {
			t.Fatal(err)
		}
		internal, err := rs.Create(ctx, pm, a, requirement.Input{Title: "内部：接口重构", Priority: "should", Value: 2, Effort: 2})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Create(ctx, cpm, a, change.CRInput{Title: "删内部需求", Items: []change.ItemInput{{Target: "requirement", Op: "remove", TargetID: internal.ID}}}); err == nil {
			t.Error("a customer named an internal requirement in a change request")
		}
		cr, err := svc.Create(ctx, cpm, a, change.CRInput{Title: "预警改为必须并新增补货报表", EffortTenths: 30, Items: []change.ItemInput{
			{Target: "requirement", Op: "change", TargetID: r2.ID, Values: change.Values{Title: "安全库存预警", Priority: "must", Value: 4, Effort: 2}},
			{Target: "function", Op: "add", Values: change.Values{Name: "补货建议开发", Kind: "custom", EffortTenths: 30, ReqIDs: []int64{r2.ID}}},
			{Target: "requirement", Op: "add", Values: change.Values{Title: "移动端盘点", Priority: "could"}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		got, _, _, _ := rs.Get(ctx, pm, a, r2.ID)
		if got.Status != requirement.StatusChanging {
			t.Fatalf("requirement under change: %s", got.Status)
		}
		svc.Vote(ctx, pm, a, cr.ID, change.VoteInput{Vote: change.VoteApprove})
		cr, err = svc.Vote(ctx, con, a, cr.ID, change.VoteInput{Vote: change.VoteApprove})
		if err != nil || cr.Status != "approved" || cr.BaselineID == nil {
			t.Fatalf("approve: %v %+v", err, cr)
		}
		got, _, _, _ = rs.Get(ctx, pm, a, r2.ID)
		if got.Status != requirement.StatusConfirmed || got.Priority != "must" {
			t.Errorf("applied change: %s %s", got.Status, got.Priority)
		}
		v11, err := svc.GetBaseline(ctx, pm, a, *cr.BaselineID)
		if err != nil || v11.Label != "V1.1" || len(v11.Content.Requirements) != 3 || len(v11.Content.Functions) != 2 {
			t.Fatalf("V1.1: %v %+v", err, v11.Content)
		}
		// V1.1 states what the pool now holds.
		pool, err := change.NewPool(rs).Content(ctx, pm, a)
		if err != nil || pool.Hash() != v11.SHA256 {
			t.Errorf("V1.1 differs from the pool after the change: %v\n%s\n%s", err, pool.Canonical(), v11.Content.Canonical())
		}
		var tasks int
		e.App.DB.QueryRow(ctx, `SELECT COUNT(*) FROM function_tasks ft JOIN tasks t ON t.id = ft.task_id WHERE t.project_id = ? AND t.title LIKE ?`, a, "%补货建议开发").Scan(&tasks)
		if tasks != 1 {
			t.Errorf("task of the new custom function: %d", tasks)
		}
		tr, err := svc.Trace(ctx, pm, a)
		if err != nil || len(tr[r2.ID]) != 1 || tr[r2.ID][0].Label[:6] != "CR-001" {
			t.Errorf("trace: %v %+v", err, tr)
		}
	})
}
