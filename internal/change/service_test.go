package change_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"golive/internal/access"
	"golive/internal/app/apptest"
	"golive/internal/apperr"
	"golive/internal/change"
	"golive/internal/db"
)

var ctx = context.Background()

// fakePool stands in for the requirement pool: a few requirements and
// functions, statuses it was told to set, items applied.
type fakePool struct {
	mu      sync.Mutex
	reqs    map[int64]*change.Req
	status  map[int64]string
	funcs   map[int64]*change.Func
	links   []change.Mapping
	nextReq int
	nextFn  int
	applied []change.Item
	hidden  map[int64]bool // requirements customers may not see
}

func newFakePool() *fakePool {
	f := &fakePool{reqs: map[int64]*change.Req{}, status: map[int64]string{}, funcs: map[int64]*change.Func{}, nextReq: 3, nextFn: 2}
	f.reqs[1] = &change.Req{Number: "REQ-001", Title: "批次追溯", Priority: "must", Value: 5, Effort: 3}
	f.reqs[2] = &change.Req{Number: "REQ-002", Title: "安全库存预警", Priority: "should", Value: 3, Effort: 2}
	f.status[1], f.status[2] = "confirmed", "confirmed"
	f.funcs[1] = &change.Func{Number: "FN-001", Name: "批次条码接口", Kind: "interface", EffortTenths: 100}
	f.funcs[2] = &change.Func{Number: "FN-002", Name: "预警报表", Kind: "report", EffortTenths: 50}
	f.links = []change.Mapping{{Req: "REQ-001", Func: "FN-001"}, {Req: "REQ-002", Func: "FN-002"}}
	return f
}

func (f *fakePool) Changing() string { return "changing" }

func (f *fakePool) CustomerVisible(_ context.Context, _ db.Q, _, id int64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return !f.hidden[id]
}

func (f *fakePool) Content(context.Context, *access.Principal, int64) (change.Content, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var c change.Content
	for _, r := range f.reqs {
		c.Requirements = append(c.Requirements, *r)
	}
	for _, fn := range f.funcs {
		c.Functions = append(c.Functions, *fn)
	}
	c.Links = append(c.Links, f.links...)
	return c, nil
}

func (f *fakePool) Lookup(_ context.Context, _ db.Q, _ int64, target string, id int64) (string, string, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if target == "requirement" {
		if r, ok := f.reqs[id]; ok {
			return r.Number, r.Title, f.status[id], nil
		}
	} else if fn, ok := f.funcs[id]; ok {
		return fn.Number, fn.Name, "", nil
	}
	return "", "", "", apperr.NotFoundErr()
}

func (f *fakePool) SetStatusTx(_ context.Context, _ *db.Tx, _ *access.Principal, _, id int64, st string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status[id] = st
	return nil
}

func (f *fakePool) ApplyTx(_ context.Context, _ *db.Tx, _ *access.Principal, _ int64, _ change.CR, it change.Item) (string, *change.NewFunc, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.applied = append(f.applied, it)
	if it.Target == "function" && it.Op == "add" {
		f.nextFn++
		num := fmt.Sprintf("FN-%03d", f.nextFn)
		return num, &change.NewFunc{Number: num, Name: it.Values.Name, Kind: it.Values.Kind, EffortTenths: it.Values.EffortTenths}, nil
	}
	if it.Target == "requirement" && it.Op == "add" {
		f.nextReq++
		return fmt.Sprintf("REQ-%03d", f.nextReq), nil, nil
	}
	if it.Target == "requirement" {
		f.status[it.TargetID] = "confirmed"
	}
	return it.Number, nil, nil
}

type fixture struct {
	e    *apptest.Env
	svc  *change.Service
	pool *fakePool
	a    int64
}

func (x fixture) p(w apptest.Who) *access.Principal { return x.e.Users[w].P }

func setup(t *testing.T, e *apptest.Env, rule change.Rule, quorum int) fixture {
	x := fixture{e: e, pool: newFakePool(), a: e.ProjectA.ID}
	x.svc = change.NewService(e.App.DB, e.App.Audit, e.App.Projects, e.App.Notify, x.pool)
	_, err := x.svc.SaveBoard(ctx, x.p(apptest.PM), x.a, change.BoardInput{
		Members: []int64{e.Users[apptest.PM].ID, e.Users[apptest.CustomerPM].ID, e.Users[apptest.Consultant].ID},
		Chair:   e.Users[apptest.PM].ID, Rule: rule, Quorum: quorum})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestBoardRules(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := fixture{e: e, pool: newFakePool(), a: e.ProjectA.ID}
		x.svc = change.NewService(e.App.DB, e.App.Audit, e.App.Projects, e.App.Notify, x.pool)
		pm := x.p(apptest.PM)
		// No board yet: a normal change request is refused, naming the board.
		if _, err := x.svc.Create(ctx, pm, x.a, change.CRInput{Title: "加报表"}); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("request without a board: %v", err)
		}
		for _, c := range []struct {
			in    change.BoardInput
			field string
		}{
			{change.BoardInput{Chair: 1, Rule: change.RuleMajority, Quorum: 1}, "members"},
			{change.BoardInput{Members: []int64{e.Users[apptest.PM].ID}, Chair: e.Users[apptest.KeyUser].ID, Rule: change.RuleMajority, Quorum: 1}, "chair"},
			{change.BoardInput{Members: []int64{e.Users[apptest.PM].ID}, Chair: e.Users[apptest.PM].ID, Rule: "vote", Quorum: 1}, "rule"},
			{change.BoardInput{Members: []int64{e.Users[apptest.PM].ID}, Chair: e.Users[apptest.PM].ID, Rule: change.RuleMajority, Quorum: 2}, "quorum"},
			{change.BoardInput{Members: []int64{e.Users[apptest.PM].ID, e.Users[apptest.OtherCust].ID}, Chair: e.Users[apptest.PM].ID, Rule: change.RuleMajority, Quorum: 1}, "members"},
		} {
			_, err := x.svc.SaveBoard(ctx, pm, x.a, c.in)
			if ae := apperr.As(err); ae == nil || !ae.HasField(c.field) {
				t.Errorf("board %+v: %v, want a message on %s", c.in, err, c.field)
			}
		}
		if _, err := x.svc.SaveBoard(ctx, x.p(apptest.CustomerPM), x.a, change.BoardInput{Members: []int64{e.Users[apptest.PM].ID}, Chair: e.Users[apptest.PM].ID, Rule: change.RuleChair, Quorum: 1}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("customer PM configures the board: %v", err)
		}
		if _, err := x.svc.Board(ctx, x.p(apptest.OtherCust), x.a); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("other company's customer reads the board: %v", err)
		}
		b, err := x.svc.SaveBoard(ctx, pm, x.a, change.BoardInput{Members: []int64{e.Users[apptest.PM].ID, e.Users[apptest.CustomerPM].ID}, Chair: e.Users[apptest.PM].ID, Rule: change.RuleUnanimous, Quorum: 2})
		if err != nil || b.Version != 1 || len(b.Board.Members) != 2 {
			t.Fatalf("save board: %v %+v", err, b)
		}
		// A stale version is a conflict.
		if _, err := x.svc.SaveBoard(ctx, pm, x.a, change.BoardInput{Members: []int64{e.Users[apptest.PM].ID}, Chair: e.Users[apptest.PM].ID, Rule: change.RuleChair, Quorum: 1}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("stale board save: %v", err)
		}
	})
}

func TestVotingAndDecision(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := setup(t, e, change.RuleMajority, 2)
		pm, cpm, con, ku := x.p(apptest.PM), x.p(apptest.CustomerPM), x.p(apptest.Consultant), x.p(apptest.KeyUser)
		var fired []change.Approved
		x.svc.OnApproved(func(_ context.Context, ev change.Approved) { fired = append(fired, ev) })

		// The first baseline, signed by the customer PM.
		v1, err := x.svc.CreateBaseline(ctx, pm, x.a, change.BaselineInput{Title: "MES 需求确认书"})
		if err != nil || v1.Label != "V1.0" || len(v1.Signers) != 1 || v1.EffortTenths != 150 {
			t.Fatalf("V1.0: %v %+v", err, v1)
		}
		if _, err := x.svc.Sign(ctx, ku, x.a, v1.ID, change.SignInput{SHA256: v1.SHA256}, "10.0.0.9"); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("key user signs without being named: %v", err)
		}
		if _, err := x.svc.Sign(ctx, cpm, x.a, v1.ID, change.SignInput{SHA256: "00"}, "10.0.0.9"); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("sign another hash: %v", err)
		}
		v1, err = x.svc.Sign(ctx, cpm, x.a, v1.ID, change.SignInput{SHA256: v1.SHA256}, "10.0.0.9")
		if err != nil || v1.Status != change.BaselineSigned || v1.Signers[0].IP != "10.0.0.9" || v1.Signers[0].SHA256 != v1.SHA256 {
			t.Fatalf("sign: %v %+v", err, v1)
		}
		if _, err := x.svc.Sign(ctx, cpm, x.a, v1.ID, change.SignInput{SHA256: v1.SHA256}, "10.0.0.9"); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("sign twice: %v", err)
		}
		if _, err := x.svc.UpdateBaseline(ctx, pm, x.a, v1.ID, change.BaselineInput{Title: "改", Refresh: true, Version: v1.Version}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("edit a signed baseline: %v", err)
		}

		// A change request: change REQ-001, add a custom function, delay a task.
		in := change.CRInput{Title: "增加批次拆分", Reason: "客户新增工艺", EffortTenths: 55, CostMinor: 880000, Items: []change.ItemInput{
			{Target: "requirement", Op: "change", TargetID: 1, Values: change.Values{Title: "批次追溯与拆分", Priority: "must", Value: 5, Effort: 4}},
			{Target: "function", Op: "add", Values: change.Values{Name: "批次拆分开发", Kind: "custom", EffortTenths: 55, ReqIDs: []int64{1}}},
		}}
		cr, err := x.svc.Create(ctx, ku, x.a, in)
		if err != nil || cr.Code != "CR-001" || cr.Source != "customer" || !cr.Open() || x.pool.status[1] != "changing" || len(cr.Board.Members) != 3 {
			t.Fatalf("create: %v %+v %v", err, cr, x.pool.status)
		}
		if cr.CostMinor != nil {
			t.Error("a key user sees the change's cost")
		}
		// A second request may not touch a requirement already in change.
		if _, err := x.svc.Create(ctx, pm, x.a, change.CRInput{Title: "再改", Items: []change.ItemInput{{Target: "requirement", Op: "remove", TargetID: 1}}}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("second change of the same requirement: %v", err)
		}
		// Not on the board.
		if _, err := x.svc.Vote(ctx, ku, x.a, cr.ID, change.VoteInput{Vote: change.VoteApprove}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("key user votes: %v", err)
		}
		// Reject needs a reason.
		if _, err := x.svc.Vote(ctx, con, x.a, cr.ID, change.VoteInput{Vote: change.VoteReject}); apperr.As(err) == nil || !apperr.As(err).HasField("comment") {
			t.Errorf("reject without a reason: %v", err)
		}
		cr, err = x.svc.Vote(ctx, con, x.a, cr.ID, change.VoteInput{Vote: change.VoteApprove, Comment: "同意"})
		if err != nil || !cr.Open() {
			t.Fatalf("first vote: %v %s", err, cr.Status)
		}
		if _, err := x.svc.Vote(ctx, con, x.a, cr.ID, change.VoteInput{Vote: change.VoteReject, Comment: "改主意"}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("vote twice: %v", err)
		}
		// Closing with one vote of a quorum of two is refused.
		if _, err := x.svc.Close(ctx, pm, x.a, cr.ID, change.DecideInput{Version: cr.Version}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("close without quorum: %v", err)
		}
		cr, err = x.svc.Vote(ctx, cpm, x.a, cr.ID, change.VoteInput{Vote: change.VoteApprove})
		if err != nil || cr.Status != "approved" || cr.BaselineID == nil {
			t.Fatalf("second vote decides: %v %+v", err, cr)
		}
		if _, err := x.svc.Vote(ctx, pm, x.a, cr.ID, change.VoteInput{Vote: change.VoteApprove}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("vote after the decision: %v", err)
		}
		if len(fired) != 1 || fired[0].CostMinor != 880000 || fired[0].Number != "CR-001" || fired[0].BaselineID != *cr.BaselineID || fired[0].EffortTenths != 55 {
			t.Errorf("OnApproved: %+v", fired)
		}
		v11, err := x.svc.GetBaseline(ctx, pm, x.a, *cr.BaselineID)
		if err != nil || v11.Label != "V1.1" || v11.Status != change.BaselineDraft || !v11.HashOK {
			t.Fatalf("V1.1: %v %+v", err, v11)
		}
		_, _, diff, err := x.svc.DiffBaselines(ctx, cpm, x.a, v1.ID, v11.ID)
		if err != nil || len(diff) != 2 || diff[0].Number != "REQ-001" || diff[0].Op != "changed" || diff[1].Number != "FN-003" || diff[1].Op != "added" {
			t.Errorf("diff: %v %+v", err, diff)
		}
		// The custom function became a task, linked to the change.
		var tasks int
		e.App.DB.QueryRow(ctx, `SELECT COUNT(*) FROM tasks t JOIN cr_tasks c ON c.task_id = t.id WHERE c.cr_id = ? AND t.title LIKE ?`, cr.ID, "FN-003%").Scan(&tasks)
		if tasks != 1 {
			t.Errorf("tasks for the new custom function: %d", tasks)
		}
		log, err := x.svc.Log(ctx, ku, x.a)
		if err != nil || len(log) < 5 {
			t.Errorf("change log: %v %d", err, len(log))
		}
		creep, err := x.svc.ScopeCreep(ctx, pm, x.a)
		if err != nil || creep.BaseLabel != "V1.0" || len(creep.Points) != 2 || creep.Points[0].Percent != 0 || creep.Percent < 36.6 || creep.Percent > 36.7 {
			t.Errorf("scope creep: %v %+v", err, creep)
		}

		// A rejected change puts the requirement back.
		cr2, err := x.svc.Create(ctx, cpm, x.a, change.CRInput{Title: "去掉预警", Items: []change.ItemInput{{Target: "requirement", Op: "remove", TargetID: 2}}})
		if err != nil || x.pool.status[2] != "changing" {
			t.Fatal(err)
		}
		x.svc.Vote(ctx, pm, x.a, cr2.ID, change.VoteInput{Vote: change.VoteReject, Comment: "保留"})
		cr2, err = x.svc.Vote(ctx, con, x.a, cr2.ID, change.VoteInput{Vote: change.VoteReject, Comment: "保留"})
		if err != nil || cr2.Status != "rejected" || x.pool.status[2] != "confirmed" {
			t.Errorf("rejected: %v %s %v", err, cr2.Status, x.pool.status)
		}

		// Archived projects take no change requests.
		if _, err := e.App.Projects.SetArchived(ctx, pm, x.a, true); err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.Create(ctx, pm, x.a, change.CRInput{Title: "归档后"}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("request on an archived project: %v", err)
		}
	})
}

func TestStandardChangeAndConcurrentVotes(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := setup(t, e, change.RuleUnanimous, 3)
		pm, con := x.p(apptest.PM), x.p(apptest.Consultant)
		if _, err := x.svc.Create(ctx, con, x.a, change.CRInput{Title: "标准变更", Standard: true}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("consultant opens a standard change: %v", err)
		}
		std, err := x.svc.Create(ctx, pm, x.a, change.CRInput{Title: "打印模板调整", Standard: true})
		if err != nil {
			t.Fatal(err)
		}
		std, err = x.svc.ApproveStandard(ctx, pm, x.a, std.ID, change.DecideInput{Version: std.Version, Note: "标准变更"})
		if err != nil || std.Status != "approved" {
			t.Fatalf("standard: %v %s", err, std.Status)
		}
		normal, err := x.svc.Create(ctx, pm, x.a, change.CRInput{Title: "普通变更"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := x.svc.ApproveStandard(ctx, pm, x.a, normal.ID, change.DecideInput{Version: normal.Version}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("PM alone approves a normal change: %v", err)
		}
		// Every member votes at once, twice each: each counted once.
		var wg sync.WaitGroup
		for _, w := range []apptest.Who{apptest.PM, apptest.CustomerPM, apptest.Consultant, apptest.PM, apptest.CustomerPM, apptest.Consultant} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				x.svc.Vote(ctx, x.p(w), x.a, normal.ID, change.VoteInput{Vote: change.VoteApprove})
			}()
		}
		wg.Wait()
		got, err := x.svc.Get(ctx, pm, x.a, normal.ID)
		if err != nil || len(got.Votes) != 3 || got.Status != "approved" {
			t.Fatalf("concurrent votes: %v %d votes, %s", err, len(got.Votes), got.Status)
		}
		var decided int
		e.App.DB.QueryRow(ctx, `SELECT COUNT(*) FROM change_log WHERE cr_id = ? AND event = 'approved'`, normal.ID).Scan(&decided)
		if decided != 1 {
			t.Errorf("decision logged %d times", decided)
		}
	})
}

// The same content hashes the same after a round trip through either
// database, and equals the hash computed in memory.
func TestBaselineHashSameOnBothDialects(t *testing.T) {
	want := ""
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := setup(t, e, change.RuleChair, 1)
		c, _ := x.pool.Content(ctx, nil, 0)
		b, err := x.svc.CreateBaseline(ctx, x.p(apptest.PM), x.a, change.BaselineInput{Title: "确认书"})
		if err != nil {
			t.Fatal(err)
		}
		if b.SHA256 != c.Hash() || !b.HashOK {
			t.Errorf("stored %s, computed %s", b.SHA256, c.Hash())
		}
		if want == "" {
			want = b.SHA256
		} else if want != b.SHA256 {
			t.Errorf("dialects differ: %s vs %s", want, b.SHA256)
		}
		// A draft is refreshed, not duplicated.
		if _, err := x.svc.CreateBaseline(ctx, x.p(apptest.PM), x.a, change.BaselineInput{Title: "再来"}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("second draft: %v", err)
		}
		x.pool.reqs[2].Title = "安全库存预警（含批次）"
		b2, err := x.svc.UpdateBaseline(ctx, x.p(apptest.PM), x.a, b.ID, change.BaselineInput{Title: "确认书", Refresh: true, Version: b.Version})
		if err != nil || b2.SHA256 == b.SHA256 || b2.Label != "V1.0" {
			t.Errorf("refresh: %v %s", err, b2.SHA256)
		}
	})
}

// A key user signs only when the project names them a signer; the names
// are fixed on each version when it is assembled.
func TestNamedSigner(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := setup(t, e, change.RuleChair, 1)
		pm, ku := x.p(apptest.PM), x.p(apptest.KeyUser)
		b, err := x.svc.Board(ctx, pm, x.a)
		if err != nil {
			t.Fatal(err)
		}
		in := change.BoardInput{Members: b.Board.Members, Chair: b.Board.Chair, Rule: b.Board.Rule, Quorum: b.Board.Quorum, Version: b.Version, Signers: []int64{e.Users[apptest.KeyUser].ID}}
		if _, err := x.svc.SaveBoard(ctx, pm, x.a, in); err != nil {
			t.Fatal(err)
		}
		v1, err := x.svc.CreateBaseline(ctx, pm, x.a, change.BaselineInput{Title: "确认书"})
		if err != nil || len(v1.Signers) != 2 {
			t.Fatalf("signers: %v %+v", err, v1.Signers)
		}
		v1, err = x.svc.Sign(ctx, ku, x.a, v1.ID, change.SignInput{SHA256: v1.SHA256}, "10.1.1.1")
		if err != nil || v1.Status != change.BaselineSigning || !v1.Frozen() {
			t.Fatalf("named key user signs: %v %s", err, v1.Status)
		}
		// Frozen after the first signature, signed after the last.
		if _, err := x.svc.UpdateBaseline(ctx, pm, x.a, v1.ID, change.BaselineInput{Title: "改", Version: v1.Version}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("edit after one signature: %v", err)
		}
		v1, err = x.svc.Sign(ctx, x.p(apptest.CustomerPM), x.a, v1.ID, change.SignInput{SHA256: v1.SHA256}, "10.1.1.2")
		if err != nil || v1.Status != change.BaselineSigned {
			t.Fatalf("last signature: %v %s", err, v1.Status)
		}
		// The customer sees their own address, not the other signer's.
		got, _ := x.svc.GetBaseline(ctx, x.p(apptest.CustomerPM), x.a, v1.ID)
		for _, s := range got.Signers {
			if s.UserID == e.Users[apptest.KeyUser].ID && s.IP != "" {
				t.Errorf("a customer sees another signer's address")
			}
		}
	})
}

// A decision's note and a vote's comment are stored as validated: without
// the spaces around them.
func TestDecisionInputIsStoredTrimmed(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := setup(t, e, change.RuleUnanimous, 3)
		pm := x.p(apptest.PM)
		std, err := x.svc.Create(ctx, pm, x.a, change.CRInput{Title: "打印模板调整", Standard: true})
		if err != nil {
			t.Fatal(err)
		}
		std, err = x.svc.ApproveStandard(ctx, pm, x.a, std.ID, change.DecideInput{Version: std.Version, Note: "  标准变更  "})
		if err != nil || std.DecisionNote != "标准变更" {
			t.Fatalf("approve: %v %q", err, std.DecisionNote)
		}
		w, err := x.svc.Create(ctx, pm, x.a, change.CRInput{Title: "撤回的变更"})
		if err != nil {
			t.Fatal(err)
		}
		w, err = x.svc.Withdraw(ctx, pm, x.a, w.ID, change.DecideInput{Version: w.Version, Note: "\t不再需要 \n"})
		if err != nil || w.DecisionNote != "不再需要" {
			t.Fatalf("withdraw: %v %q", err, w.DecisionNote)
		}
		v, err := x.svc.Create(ctx, pm, x.a, change.CRInput{Title: "投票的变更"})
		if err != nil {
			t.Fatal(err)
		}
		v, err = x.svc.Vote(ctx, pm, x.a, v.ID, change.VoteInput{Vote: change.VoteReject, Comment: "  成本过高  "})
		if err != nil || len(v.Votes) != 1 || v.Votes[0].Comment != "成本过高" {
			t.Fatalf("vote: %v %+v", err, v.Votes)
		}
	})
}

// A customer may not link an internal task to a change request (the
// answer would tell them the task exists); the vendor may.
func TestCustomerCannotLinkInternalTask(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := setup(t, e, change.RuleMajority, 1)
		var tid int64
		if err := e.App.DB.Tx(ctx, func(tx *db.Tx) error {
			return tx.QueryRow(ctx, `INSERT INTO tasks (project_id, number, title, status, customer_visible, created_ms, updated_ms) VALUES (?, 9001, '内部调优', 'todo', ?, 1, 1) RETURNING id`,
				x.a, false).Scan(&tid)
		}); err != nil {
			t.Fatal(err)
		}
		_, err := x.svc.Create(ctx, x.p(apptest.KeyUser), x.a, change.CRInput{Title: "客户变更", TaskIDs: []int64{tid}})
		if apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("a key user linked an internal task: %v", err)
		}
		if _, err := x.svc.Create(ctx, x.p(apptest.PM), x.a, change.CRInput{Title: "内部变更", TaskIDs: []int64{tid}}); err != nil {
			t.Errorf("the PM links an internal task: %v", err)
		}
	})
}

// A customer reading a vendor's request that touches an internal
// requirement sees neither its title nor the proposed values.
func TestCustomerDoesNotSeeInternalRequirementInCR(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := setup(t, e, change.RuleMajority, 1)
		x.pool.hidden = map[int64]bool{2: true}
		cr, err := x.svc.Create(ctx, x.p(apptest.PM), x.a, change.CRInput{Title: "内部调整", Items: []change.ItemInput{
			{Target: "requirement", Op: "change", TargetID: 2, Values: change.Values{Title: "内部口径", Priority: "should", Value: 3, Effort: 2}}}})
		if err != nil || len(cr.Items) != 1 || cr.Items[0].Label != "安全库存预警" {
			t.Fatalf("create: %v %+v", err, cr.Items)
		}
		got, err := x.svc.Get(ctx, x.p(apptest.KeyUser), x.a, cr.ID)
		if err != nil || len(got.Items) != 1 {
			t.Fatalf("get: %v %+v", err, got.Items)
		}
		if got.Items[0].Label != "" || got.Items[0].Values.Title != "" {
			t.Errorf("a key user sees an internal requirement: %+v", got.Items[0])
		}
	})
}
