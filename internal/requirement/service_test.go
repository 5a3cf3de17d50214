package requirement_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golive/internal/access"
	"golive/internal/app/apptest"
	"golive/internal/apperr"
	"golive/internal/db"
	"golive/internal/requirement"
)

var ctx = context.Background()

func code(err error) apperr.Code { return apperr.CodeOf(err) }

func TestPoolLifecycle(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		svc := e.App.Requirements
		a := e.ProjectA.ID
		pm, cons, cpm, key := e.Users[apptest.PM].P, e.Users[apptest.Consultant].P, e.Users[apptest.CustomerPM].P, e.Users[apptest.KeyUser].P

		r1, err := svc.Create(ctx, cons, a, requirement.Input{Title: "采购订单审批流", Module: "采购", Priority: "must", Value: 5, Effort: 2, CustomerVisible: true})
		if err != nil || r1.Number != 1 || r1.Ref() != "REQ-001" || r1.Status != requirement.StatusDraft {
			t.Fatalf("create: %v %+v", err, r1)
		}
		r2, err := svc.Create(ctx, cons, a, requirement.Input{Title: "内部成本核对", CustomerVisible: false})
		if err != nil || r2.Number != 2 || r2.Priority != "should" || r2.Value != 3 {
			t.Fatalf("create 2: %v %+v", err, r2)
		}
		// Bad input names the field; nothing is written.
		if _, err := svc.Create(ctx, cons, a, requirement.Input{Title: "", Priority: "urgent", Value: 9, SourceURL: "javascript:alert(1)"}); code(err) != apperr.Invalid ||
			!apperr.As(err).HasField("title") || !apperr.As(err).HasField("priority") || !apperr.As(err).HasField("value") || !apperr.As(err).HasField("source_url") {
			t.Fatalf("bad input: %v", err)
		}
		// Customers do not create; key users do not review.
		if _, err := svc.Create(ctx, key, a, requirement.Input{Title: "x"}); code(err) != apperr.Forbidden {
			t.Fatalf("key user creates: %v", err)
		}
		// Delete, then the number stays taken.
		if err := svc.Delete(ctx, pm, a, r2.ID, r2.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Create(ctx, cons, a, requirement.Input{Number: 2, Title: "复用编号"}); code(err) != apperr.Invalid || !apperr.As(err).HasField("number") {
			t.Fatalf("number reuse: %v", err)
		}
		r3, err := svc.Create(ctx, cons, a, requirement.Input{Title: "库存批次管理", CustomerVisible: true})
		if err != nil || r3.Number != 3 {
			t.Fatalf("next after delete: %v %d", err, r3.Number)
		}
		if err := svc.Restore(ctx, pm, r2.ID); err != nil {
			t.Fatal(err)
		}
		// Stale edit.
		in := requirement.Input{Title: "采购订单三级审批", Module: "采购", Priority: "must", Value: 5, Effort: 2, CustomerVisible: true, Version: r1.Version}
		r1b, err := svc.Update(ctx, cons, a, r1.ID, in)
		if err != nil || r1b.Title != "采购订单三级审批" || r1b.Version != r1.Version+1 {
			t.Fatalf("update: %v", err)
		}
		if _, err := svc.Update(ctx, cons, a, r1.ID, in); code(err) != apperr.Conflict {
			t.Fatalf("stale update: %v", err)
		}
		// Customers see customer-visible requirements only.
		rs, _, err := svc.List(ctx, key, a, requirement.Filter{})
		if err != nil || len(rs) != 2 {
			t.Fatalf("customer list: %v %d", err, len(rs))
		}
		if _, _, _, err := svc.Get(ctx, key, a, r2.ID); code(err) != apperr.NotFound {
			t.Fatalf("customer reads internal: %v", err)
		}
		if _, _, err := svc.List(ctx, e.Users[apptest.OtherCust].P, a, requirement.Filter{}); code(err) != apperr.NotFound {
			t.Fatalf("other customer: %v", err)
		}
		rs, _, _ = svc.List(ctx, pm, a, requirement.Filter{Priority: "must", Text: "三级"})
		if len(rs) != 1 || rs[0].ID != r1.ID {
			t.Fatalf("filter: %+v", rs)
		}
		if _, _, err := svc.List(ctx, pm, a, requirement.Filter{Status: "bogus"}); code(err) != apperr.Invalid {
			t.Fatalf("bad filter: %v", err)
		}

		// Review: submit (bulk), clarify needs a comment, confirm.
		if _, err := svc.Review(ctx, cons, a, requirement.ReviewInput{IDs: []int64{r1.ID, r3.ID}, Action: "submit"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Review(ctx, cons, a, requirement.ReviewInput{IDs: []int64{r1.ID}, Action: "confirm"}); code(err) != apperr.Forbidden {
			t.Fatalf("consultant confirms: %v", err)
		}
		if _, err := svc.Review(ctx, cpm, a, requirement.ReviewInput{IDs: []int64{r3.ID}, Action: "clarify"}); code(err) != apperr.Invalid {
			t.Fatalf("clarify without comment: %v", err)
		}
		if _, err := svc.Review(ctx, cpm, a, requirement.ReviewInput{IDs: []int64{r3.ID}, Action: "clarify", Comment: "请说明批次规则"}); err != nil {
			t.Fatal(err)
		}
		// A batch with a requirement in the wrong status changes nothing.
		if _, err := svc.Review(ctx, cpm, a, requirement.ReviewInput{IDs: []int64{r1.ID, r3.ID}, Action: "confirm"}); code(err) != apperr.Invalid {
			t.Fatalf("mixed batch: %v", err)
		}
		if got, _, _, _ := svc.Get(ctx, pm, a, r1.ID); got.Status != requirement.StatusReview {
			t.Fatalf("mixed batch half written: %s", got.Status)
		}
		if _, err := svc.Review(ctx, cpm, a, requirement.ReviewInput{IDs: []int64{r1.ID}, Action: "confirm", Comment: "同意"}); err != nil {
			t.Fatal(err)
		}
		got, log, _, err := svc.Get(ctx, key, a, r1.ID)
		if err != nil || got.Status != requirement.StatusConfirmed || len(log) != 2 || log[1].Comment != "同意" {
			t.Fatalf("confirmed: %v %+v %+v", err, got, log)
		}
		_, log3, _, _ := svc.Get(ctx, pm, a, r3.ID)
		if len(log3) != 2 || log3[1].Action != "clarify" || log3[1].Comment != "请说明批次规则" {
			t.Fatalf("clarify log: %+v", log3)
		}
		// Confirmed scope is locked for ordinary edits, deletes and drags.
		if _, err := svc.Update(ctx, cons, a, r1.ID, requirement.Input{Title: "改", Version: got.Version}); code(err) != apperr.Conflict {
			t.Fatalf("edit confirmed: %v", err)
		}
		if err := svc.Delete(ctx, pm, a, r1.ID, got.Version); code(err) != apperr.Conflict {
			t.Fatalf("delete confirmed: %v", err)
		}
		if _, err := svc.Move(ctx, pm, a, r1.ID, requirement.MoveInput{Priority: "could", Version: got.Version}); code(err) != apperr.Conflict {
			t.Fatalf("drag confirmed: %v", err)
		}
		// Matrix drag of a draft: to must, first in the column.
		r3now, _, _, _ := svc.Get(ctx, pm, a, r3.ID)
		moved, err := svc.Move(ctx, cons, a, r3.ID, requirement.MoveInput{Priority: "must", Order: []int64{r3.ID, r1.ID}, Version: r3now.Version})
		if err != nil || moved.Priority != "must" {
			t.Fatalf("move: %v", err)
		}
		mx, _, _ := svc.Matrix(ctx, pm, a)
		if len(mx["must"]) != 2 || mx["must"][0].ID != r3.ID {
			t.Fatalf("matrix order: %+v", mx["must"])
		}
		if _, err := svc.Move(ctx, cons, a, r3.ID, requirement.MoveInput{Priority: "must", Version: r3now.Version}); code(err) != apperr.Conflict {
			t.Fatalf("stale move: %v", err)
		}
	})
}

func TestFunctionsTasksTraceAndContent(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		svc := e.App.Requirements
		a := e.ProjectA.ID
		pm, cons, cpm, key := e.Users[apptest.PM].P, e.Users[apptest.Consultant].P, e.Users[apptest.CustomerPM].P, e.Users[apptest.KeyUser].P
		mk := func(title string, visible bool) requirement.Requirement {
			r, err := svc.Create(ctx, cons, a, requirement.Input{Title: title, Priority: "must", CustomerVisible: visible})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		r1, r2, r3 := mk("销售订单信用检查", true), mk("发货单打印", true), mk("内部接口", false)
		if _, err := svc.Review(ctx, cons, a, requirement.ReviewInput{IDs: []int64{r1.ID, r2.ID, r3.ID}, Action: "submit"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Review(ctx, cpm, a, requirement.ReviewInput{IDs: []int64{r1.ID, r2.ID}, Action: "confirm"}); err != nil {
			t.Fatal(err)
		}
		// The customer PM cannot confirm what they cannot see.
		if _, err := svc.Review(ctx, cpm, a, requirement.ReviewInput{IDs: []int64{r3.ID}, Action: "confirm"}); code(err) != apperr.NotFound {
			t.Fatalf("confirm internal: %v", err)
		}
		if _, err := svc.FromRequirement(ctx, cons, a, r3.ID, "custom"); code(err) != apperr.Conflict {
			t.Fatalf("function from unconfirmed: %v", err)
		}
		f1, err := svc.FromRequirement(ctx, cons, a, r1.ID, "custom")
		if err != nil || f1.Ref() != "F-001" || f1.Type != "custom" {
			t.Fatalf("from requirement: %v %+v", err, f1)
		}
		f2, err := svc.CreateFunction(ctx, pm, a, requirement.FunctionInput{Title: "单据打印模板", Type: "report", EffortTenths: 15, RequirementIDs: []int64{r1.ID, r2.ID}})
		if err != nil || f2.Number != 2 {
			t.Fatalf("create function: %v", err)
		}
		if _, err := svc.CreateFunction(ctx, pm, a, requirement.FunctionInput{Title: "x", Type: "magic", EffortTenths: -1, RequirementIDs: []int64{e.ProjectB.ID + 999}}); code(err) != apperr.Invalid {
			t.Fatalf("bad function: %v", err)
		}
		if _, err := svc.CreateFunction(ctx, pm, a, requirement.FunctionInput{Title: "x", RequirementIDs: []int64{999999}}); code(err) != apperr.Invalid {
			t.Fatalf("unknown requirement: %v", err)
		}
		if _, err := svc.CreateFunction(ctx, key, a, requirement.FunctionInput{Title: "x"}); code(err) != apperr.Forbidden {
			t.Fatalf("key user function: %v", err)
		}
		// Generating tasks is idempotent.
		ts, created, err := svc.GenerateTasks(ctx, cons, a, f1.ID)
		if err != nil || !created || len(ts) != 1 {
			t.Fatalf("generate: %v %v %+v", err, created, ts)
		}
		ts2, created, err := svc.GenerateTasks(ctx, cons, a, f1.ID)
		if err != nil || created || len(ts2) != 1 || ts2[0].ID != ts[0].ID {
			t.Fatalf("second generate: %v %v %+v", err, created, ts2)
		}
		var n int
		if err := e.App.DB.QueryRow(ctx, `SELECT COUNT(*) FROM tasks WHERE project_id = ? AND deleted_ms IS NULL`, a).Scan(&n); err != nil || n != 1 {
			t.Fatalf("tasks: %v %d", err, n)
		}
		// Registered trace kinds appear as columns.
		svc.RegisterTrace("change_request", "requirement.trace_cr", func(ctx context.Context, p *access.Principal, projectID int64) (map[int64][]requirement.TraceRef, error) {
			return map[int64][]requirement.TraceRef{r1.ID: {{ID: 7, Label: "CR-001", URL: "/x", Status: "approved"}}}, nil
		})
		tr, _, err := svc.Trace(ctx, pm, a, "")
		if err != nil || len(tr.Columns) != 1 || len(tr.Rows) != 3 {
			t.Fatalf("trace: %v %+v", err, tr.Columns)
		}
		if tr.Rows[0].Extra["change_request"][0].Label != "CR-001" || len(tr.Rows[0].Functions) != 2 || len(tr.Rows[0].Functions[0].Tasks) != 1 {
			t.Fatalf("trace row: %+v", tr.Rows[0])
		}
		lf, lg, err := svc.Links(ctx, pm, a, r1.ID)
		if err != nil || len(lf) != 2 || len(lf[0].Tasks) != 1 || len(lg) != 1 || lg[0].Refs[0].Label != "CR-001" {
			t.Fatalf("links: %v %+v %+v", err, lf, lg)
		}
		if page := e.Do(t, apptest.CustomerPM, "GET", "/projects/"+strconv.FormatInt(a, 10)+"/requirements/"+strconv.FormatInt(r1.ID, 10), nil); page.Status != 200 ||
			!strings.Contains(page.Body, "CR-001") || !strings.Contains(page.Body, "F-002") {
			t.Fatalf("requirement page: %d", page.Status)
		}
		for filter, want := range map[string]int{"no_function": 1, "no_task": 2, "must_open": 3} {
			tr, _, err := svc.Trace(ctx, pm, a, filter)
			if err != nil || len(tr.Rows) != want {
				t.Errorf("filter %s: %v %d rows, want %d", filter, err, len(tr.Rows), want)
			}
		}
		if _, _, err := svc.Trace(ctx, pm, a, "bogus"); code(err) != apperr.Invalid {
			t.Fatalf("bad trace filter: %v", err)
		}
		tk, _, _ := svc.Trace(ctx, key, a, "")
		if len(tk.Rows) != 2 || len(tk.Orphans) != 0 {
			t.Fatalf("customer trace: %d rows", len(tk.Rows))
		}
		// Generated tasks are internal: the customer sees the function, not the task.
		if len(tk.Rows[0].Functions[0].Tasks) != 0 {
			t.Fatalf("customer sees an internal task")
		}

		// Content: scope only, stable; the Tx methods change it.
		c1, err := svc.Content(ctx, a)
		if err != nil || len(c1.Requirements) != 2 || len(c1.Functions) != 2 || len(c1.Links) != 3 {
			t.Fatalf("content: %v %+v", err, c1)
		}
		if c1.Links[0] != (requirement.ContentLink{Requirement: 1, Function: 1}) || c1.Links[2] != (requirement.ContentLink{Requirement: 2, Function: 2}) {
			t.Fatalf("links order: %+v", c1.Links)
		}
		err = e.App.DB.Tx(ctx, func(tx *db.Tx) error {
			r4, err := svc.AddRequirementTx(ctx, tx, pm, a, requirement.Input{Title: "变更新增：质检报告", Priority: "should", CustomerVisible: true}, requirement.StatusConfirmed)
			if err != nil {
				return err
			}
			f3, err := svc.AddFunctionTx(ctx, tx, pm, a, requirement.FunctionInput{Title: "质检报告", Type: "report", EffortTenths: 20})
			if err != nil {
				return err
			}
			if err := svc.LinkTx(ctx, tx, a, r4.ID, f3.ID); err != nil {
				return err
			}
			if err := svc.SetStatusTx(ctx, tx, a, []int64{r1.ID}, requirement.StatusChanging); err != nil {
				return err
			}
			if _, err := svc.UpdateRequirementTx(ctx, tx, pm, a, r1.ID, requirement.Input{Title: "销售订单信用检查（含预收款）", Priority: "must", CustomerVisible: true}); err != nil {
				return err
			}
			if _, err := svc.RemoveRequirementTx(ctx, tx, pm, a, r2.ID, "客户取消"); err != nil {
				return err
			}
			if _, err := svc.UpdateFunctionTx(ctx, tx, pm, a, f2.ID, requirement.FunctionInput{Title: "单据打印模板", Type: "report", EffortTenths: 25, RequirementIDs: []int64{r1.ID}}); err != nil {
				return err
			}
			if got, err := svc.RequirementTx(ctx, tx, a, r4.ID); err != nil || got.Status != "confirmed" || len(got.Functions) != 1 {
				t.Errorf("RequirementTx: %v %+v", err, got)
			}
			if got, err := svc.FunctionTx(ctx, tx, a, f3.ID); err != nil || len(got.Requirements) != 1 || got.Requirements[0].ID != r4.ID {
				t.Errorf("FunctionTx: %v %+v", err, got)
			}
			if _, err := svc.RequirementTx(ctx, tx, e.ProjectB.ID, r4.ID); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("RequirementTx of another project: %v", err)
			}
			return svc.RemoveFunctionTx(ctx, tx, pm, a, f1.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		c2, err := svc.Content(ctx, a)
		if err != nil || len(c2.Requirements) != 2 || c2.Requirements[0].Status != "changing" || c2.Requirements[1].Title != "变更新增：质检报告" ||
			len(c2.Functions) != 2 || c2.Functions[0].EffortTenths != 25 || len(c2.Links) != 2 {
			t.Fatalf("content after change: %v %+v", err, c2)
		}
		got2, _, _, _ := svc.Get(ctx, pm, a, r2.ID)
		if got2.Status != requirement.StatusRejected || got2.Priority != requirement.PriorityWont {
			t.Fatalf("removed: %+v", got2)
		}
		// A rolled-back Tx leaves nothing.
		_ = e.App.DB.Tx(ctx, func(tx *db.Tx) error {
			if _, err := svc.AddRequirementTx(ctx, tx, pm, a, requirement.Input{Title: "回滚"}, ""); err != nil {
				return err
			}
			return apperr.ConflictErr()
		})
		c3, _ := svc.Content(ctx, a)
		rs, _, _ := svc.List(ctx, pm, a, requirement.Filter{Text: "回滚"})
		if len(rs) != 0 || len(c3.Requirements) != len(c2.Requirements) {
			t.Fatalf("rollback left rows")
		}
	})
}

func TestCreateFromSource(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		svc := e.App.Requirements
		a := e.ProjectA.ID
		r, err := svc.CreateFromSource(ctx, e.Users[apptest.Consultant].P, a, requirement.SourceDraft{Title: "  仓库希望扫码入库\n按批次  ", Description: "访谈原话",
			SourceKind: requirement.SourceInterview, SourceID: 42, SourceRef: "访谈 #42", SourceURL: "/projects/1/research/interviews/42"})
		if err != nil || r.Status != requirement.StatusDraft || r.Title != "仓库希望扫码入库 按批次" || r.SourceKind != "interview" || r.SourceID != 42 {
			t.Fatalf("from source: %v %+v", err, r)
		}
		if _, err := svc.CreateFromSource(ctx, e.Users[apptest.Consultant].P, a, requirement.SourceDraft{Title: "x", SourceKind: "rumour"}); code(err) != apperr.Invalid {
			t.Fatalf("bad source kind: %v", err)
		}
		if _, err := svc.CreateFromSource(ctx, e.Users[apptest.KeyUser].P, a, requirement.SourceDraft{Title: "x", SourceKind: "interview"}); code(err) != apperr.Forbidden {
			t.Fatalf("key user: %v", err)
		}
	})
}

// Review steps notify: the customer PM when requirements await review
// (internal ones not), the author when the customer decides.
func TestReviewNotifies(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		svc, a := e.App.Requirements, e.ProjectA.ID
		cons, cpm := e.Users[apptest.Consultant].P, e.Users[apptest.CustomerPM].P
		r1, _ := svc.Create(ctx, cons, a, requirement.Input{Title: "采购价格审批", CustomerVisible: true})
		r2, _ := svc.Create(ctx, cons, a, requirement.Input{Title: "内部：成本核算口径", CustomerVisible: false})
		if _, err := svc.Review(ctx, cons, a, requirement.ReviewInput{IDs: []int64{r1.ID, r2.ID}, Action: "submit"}); err != nil {
			t.Fatal(err)
		}
		ns, _, err := e.App.Notify.List(ctx, cpm, "zh-CN", true, db.Page{Number: 1, Size: 10})
		if err != nil || len(ns) != 1 || !strings.Contains(ns[0].Text, "提交了 1 条需求待您评审") || strings.Contains(ns[0].Text, "成本核算") {
			t.Fatalf("customer PM notes: %v %+v", err, ns)
		}
		if _, err := svc.Review(ctx, cpm, a, requirement.ReviewInput{IDs: []int64{r1.ID}, Action: "clarify", Comment: "价格区间？"}); err != nil {
			t.Fatal(err)
		}
		ns, _, _ = e.App.Notify.List(ctx, cons, "zh-CN", true, db.Page{Number: 1, Size: 10})
		if len(ns) != 1 || !strings.Contains(ns[0].Text, "要求澄清 1 条需求：REQ-001 采购价格审批") || ns[0].Link == "" {
			t.Fatalf("author notes: %+v", ns)
		}
	})
}

// Eight simultaneous clicks on 生成开发任务 create one task.
func TestGenerateTasksConcurrent(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		svc, a, cons := e.App.Requirements, e.ProjectA.ID, e.Users[apptest.Consultant].P
		f, err := svc.CreateFunction(ctx, cons, a, requirement.FunctionInput{Title: "批次追溯查询", Type: "custom", EffortTenths: 120})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		created := make(chan bool, 8)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, c, err := svc.GenerateTasks(ctx, cons, a, f.ID)
				if err != nil {
					t.Error(err)
				}
				created <- c
			}()
		}
		wg.Wait()
		close(created)
		n := 0
		for c := range created {
			if c {
				n++
			}
		}
		var tasks int
		if err := e.App.DB.QueryRow(ctx, `SELECT COUNT(*) FROM function_tasks WHERE function_id = ?`, f.ID).Scan(&tasks); err != nil || n != 1 || tasks != 1 {
			t.Fatalf("created %d times, %d linked tasks, %v", n, tasks, err)
		}
		ts, _, _ := svc.GenerateTasks(ctx, cons, a, f.ID)
		if len(ts) != 1 || ts[0].Title != "F-001 批次追溯查询" {
			t.Fatalf("linked: %+v", ts)
		}
	})
}

// The JSON of Content is identical on both dialects for the same scope
// (database ids are left out), and changes with any content change.
func TestContentJSONStable(t *testing.T) {
	var got []string
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		svc, a := e.App.Requirements, e.ProjectA.ID
		cons, cpm := e.Users[apptest.Consultant].P, e.Users[apptest.CustomerPM].P
		// Another project's rows first, so ids differ from numbers.
		if _, err := svc.Create(ctx, e.Users[apptest.PM].P, e.ProjectB.ID, requirement.Input{Title: "乙项目需求"}); err != nil {
			t.Fatal(err)
		}
		r, _ := svc.Create(ctx, cons, a, requirement.Input{Title: "应收账款账龄分析", Description: "按客户、按业务员\n两种口径", Priority: "must", CustomerVisible: true})
		if _, err := svc.Review(ctx, cons, a, requirement.ReviewInput{IDs: []int64{r.ID}, Action: "submit"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Review(ctx, cpm, a, requirement.ReviewInput{IDs: []int64{r.ID}, Action: "confirm"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CreateFunction(ctx, cons, a, requirement.FunctionInput{Title: "账龄报表", Type: "report", EffortTenths: 25, RequirementIDs: []int64{r.ID}}); err != nil {
			t.Fatal(err)
		}
		c, _ := svc.Content(ctx, a)
		j, _ := json.Marshal(c)
		got = append(got, string(j))
		if strings.Contains(string(j), `"id"`) {
			t.Fatalf("ids in content: %s", j)
		}
		f, _, _ := svc.Functions(ctx, cons, a)
		if _, err := svc.UpdateFunction(ctx, cons, a, f[0].ID, requirement.FunctionInput{Title: "账龄报表", Type: "report", EffortTenths: 30, RequirementIDs: []int64{r.ID}, Version: f[0].Version}); err != nil {
			t.Fatal(err)
		}
		c2, _ := svc.Content(ctx, a)
		if j2, _ := json.Marshal(c2); string(j2) == string(j) {
			t.Fatalf("content unchanged after an effort change")
		}
	})
	if len(got) == 2 && got[0] != got[1] {
		t.Fatalf("dialects differ:\n%s\n%s", got[0], got[1])
	}
}
