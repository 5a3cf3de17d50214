package change

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/notify"
)

func redactCR(p *access.Principal, m access.Membership, c *CR) {
	if !p.Can(m, access.CostView) {
		c.CostMinor = nil
	}
}

// List returns the project's change requests, newest first (items, tasks
// and votes are left out; Get has them).
func (s *Service) List(ctx context.Context, p *access.Principal, projectID int64) ([]CR, error) {
	m, err := s.access(ctx, p, projectID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT `+crCols+crFrom+` WHERE c.project_id = ? AND c.deleted_ms IS NULL ORDER BY c.number DESC`, projectID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []CR{}
	for rows.Next() {
		c, err := scanCR(rows)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		redactCR(p, m, &c)
		out = append(out, c)
	}
	return out, apperr.Wrap(rows.Err())
}

// Get reads one change request.
func (s *Service) Get(ctx context.Context, p *access.Principal, projectID, id int64) (CR, error) {
	m, err := s.access(ctx, p, projectID)
	if err != nil {
		return CR{}, err
	}
	c, err := readCR(ctx, s.db, projectID, id, false)
	if err != nil {
		return CR{}, apperr.Wrap(err)
	}
	redactCR(p, m, &c)
	s.hideInternalItems(ctx, p, &c)
	return c, nil
}

// hideInternalItems blanks, for a customer, the title and proposed values
// of items touching an internal requirement (a vendor's request may touch
// one; a customer never learns what it says).
func (s *Service) hideInternalItems(ctx context.Context, p *access.Principal, c *CR) {
	vis, ok := s.pool.(interface {
		CustomerVisible(ctx context.Context, q db.Q, projectID, id int64) bool
	})
	if !ok || p.Vendor {
		return
	}
	for i := range c.Items {
		it := &c.Items[i]
		if it.Target == "requirement" && it.Op != "add" && !vis.CustomerVisible(ctx, s.db, c.ProjectID, it.TargetID) {
			it.Label, it.Values = "", Values{}
		}
	}
}

// Create opens a change request: numbered CR-001…, the board as it now
// stands copied onto it, the impact on the plan computed, and every
// affected requirement marked 变更中 until the decision. A standard
// change needs no board; any other needs a configured one.
func (s *Service) Create(ctx context.Context, p *access.Principal, projectID int64, in CRInput) (CR, error) {
	m, err := s.can(ctx, p, projectID, access.ChangeRequest)
	if err != nil {
		return CR{}, err
	}
	if err := in.Validate(); err != nil {
		return CR{}, err
	}
	if in.Source == "" {
		in.Source = map[bool]string{true: "vendor", false: "customer"}[p.Vendor]
	}
	if in.RequestedBy == 0 {
		in.RequestedBy = p.UserID
	}
	if in.Standard && !p.Can(m, access.ChangeManage) {
		return CR{}, apperr.InvalidField("standard", "change.standard_pm_only")
	}
	slices.Sort(in.TaskIDs)
	in.TaskIDs = slices.Compact(in.TaskIDs)
	var id int64
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID); err != nil {
			return err
		}
		bv, err := loadBoard(ctx, tx, projectID)
		if err != nil {
			return err
		}
		if !bv.Configured && !in.Standard {
			return apperr.New(apperr.Invalid, "change.no_board")
		}
		var f apperr.Fields
		live := in.RequestedBy == p.UserID // the caller (an administrator need not be a member)
		for _, mb := range bv.Members {
			live = live || mb.UserID == in.RequestedBy
		}
		if !live {
			f.Add("requested_by", "change.not_member")
		}
		internal := p.Can(m, access.InternalView) // a customer links only tasks they may see
		for _, t := range in.TaskIDs {
			var one int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM tasks WHERE id = ? AND project_id = ? AND deleted_ms IS NULL AND (customer_visible = ? OR ?)`,
				t, projectID, true, internal).Scan(&one); err != nil {
				return err
			}
			if one == 0 {
				f.Add("task_ids", "validate.not_found")
			}
		}
		items := make([]Item, len(in.Items))
		seen := map[string]bool{}
		for i, ii := range in.Items {
			it := Item{Target: ii.Target, Op: ii.Op, TargetID: ii.TargetID, Values: ii.Values}
			if ii.Op != "add" {
				key := ii.Target + strconv.FormatInt(ii.TargetID, 10)
				if seen[key] {
					f.Add("items."+strconv.Itoa(i)+".target_id", "change.item_twice")
				}
				seen[key] = true
				if s.pool == nil {
					f.Add("items."+strconv.Itoa(i)+".target_id", "validate.not_found")
					continue
				}
				if vis, ok := s.pool.(interface {
					CustomerVisible(ctx context.Context, q db.Q, projectID, id int64) bool
				}); ok && !p.Vendor && ii.Target == "requirement" && !vis.CustomerVisible(ctx, tx, projectID, ii.TargetID) {
					// A customer never learns of an internal requirement.
					f.Add("items."+strconv.Itoa(i)+".target_id", "validate.not_found")
					continue
				}
				num, title, status, err := s.pool.Lookup(ctx, tx, projectID, ii.Target, ii.TargetID)
				if apperr.CodeOf(err) == apperr.NotFound {
					f.Add("items."+strconv.Itoa(i)+".target_id", "validate.not_found")
					continue
				}
				if err != nil {
					return err
				}
				if ii.Target == "requirement" && status == s.pool.Changing() {
					f.Add("items."+strconv.Itoa(i)+".target_id", "change.item_in_change", num)
				}
				it.Number, it.Label, it.PrevStatus = num, title, status
			} else {
				it.Label = ii.Values.Title + ii.Values.Name
			}
			items[i] = it
		}
		if err := f.Err(); err != nil {
			return err
		}
		imp, err := ScheduleImpact(ctx, tx, projectID, in.TaskIDs, in.EffortTenths)
		if err != nil {
			return err
		}
		board := bv.Board
		if !bv.Configured {
			board = Board{Members: []int64{}, Rule: RuleChair}
		}
		bj, _ := json.Marshal(board)
		var number int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(number), 0) + 1 FROM change_requests WHERE project_id = ?`, projectID).Scan(&number); err != nil {
			return err
		}
		now := db.Now()
		err = tx.QueryRow(ctx, `INSERT INTO change_requests (project_id, number, title, description, reason, source, requested_by, urgency, standard, effort_tenths,
			schedule_days, end_before_date, end_after_date, cost_minor, status, board_json, created_by, created_ms, updated_ms)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?) RETURNING id`,
			projectID, number, in.Title, in.Description, in.Reason, in.Source, in.RequestedBy, in.Urgency, b2i(in.Standard), in.EffortTenths,
			imp.Days, imp.EndBefore, imp.EndAfter, in.CostMinor, string(bj), p.UserID, now, now).Scan(&id)
		if db.IsUnique(err) {
			return apperr.ConflictErr() // another request took the number meanwhile
		}
		if err != nil {
			return err
		}
		for i, it := range items {
			payload, _ := json.Marshal(map[string]any{"label": it.Label, "values": it.Values})
			if _, err := tx.Exec(ctx, `INSERT INTO cr_items (cr_id, seq, target, op, target_id, label, payload_json, prev_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				id, i+1, it.Target, it.Op, it.TargetID, it.Number, string(payload), it.PrevStatus); err != nil {
				return err
			}
			if it.Target == "requirement" && it.Op != "add" && s.pool != nil {
				if err := s.pool.SetStatusTx(ctx, tx, p, projectID, it.TargetID, s.pool.Changing()); err != nil {
					return err
				}
			}
		}
		for _, t := range in.TaskIDs {
			if _, err := tx.Exec(ctx, `INSERT INTO cr_tasks (cr_id, task_id) VALUES (?, ?)`, id, t); err != nil {
				return err
			}
		}
		code := CodeOf(number)
		if err := logTx(ctx, tx, projectID, &id, nil, "opened", code+" "+in.Title, p.UserID); err != nil {
			return err
		}
		if err := s.notifyBoard(ctx, tx, p, projectID, id, board, "change.note.opened", code, in.Title); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "change_request", EntityID: id, Action: "create", Summary: code + " " + in.Title,
			After: map[string]any{"title": in.Title, "source": in.Source, "urgency": in.Urgency, "standard": in.Standard, "effort_tenths": in.EffortTenths,
				"schedule_days": imp.Days, "cost_minor": in.CostMinor, "items": len(items)}})
	})
	if err != nil {
		return CR{}, apperr.Wrap(err)
	}
	return s.Get(ctx, p, projectID, id)
}

func (s *Service) link(projectID, crID int64) string {
	return "/projects/" + strconv.FormatInt(projectID, 10) + "/changes/" + strconv.FormatInt(crID, 10)
}

func (s *Service) notifyBoard(ctx context.Context, tx *db.Tx, p *access.Principal, projectID, crID int64, b Board, key string, params ...string) error {
	if s.notify == nil {
		return nil
	}
	var notes []notify.Note
	for _, u := range b.Members {
		notes = append(notes, notify.Note{UserID: u, ProjectID: projectID, ActorID: p.UserID, Kind: "change", Key: key, Params: params, Link: s.link(projectID, crID)})
	}
	return s.notify.Add(ctx, tx, notes...)
}

// Vote records a board member's vote. Only members of the board the
// request was opened with vote, once each, and only while it is open; the
// decision is computed after each vote and recorded when the rule reaches
// one. The request row is locked so concurrent votes are counted one by
// one, and the unique key (request, member) refuses a second vote.
func (s *Service) Vote(ctx context.Context, p *access.Principal, projectID, id int64, in VoteInput) (CR, error) {
	if _, err := s.access(ctx, p, projectID); err != nil {
		return CR{}, err
	}
	return s.decideOpen(ctx, p, projectID, id, in.Validate, func(tx *db.Tx, c CR) (*Approved, error) {
		if !c.Board.IsMember(p.UserID) {
			return nil, apperr.New(apperr.Forbidden, "change.not_on_board")
		}
		if !c.Open() {
			return nil, apperr.New(apperr.Conflict, "change.already_decided")
		}
		_, err := tx.Exec(ctx, `INSERT INTO cr_votes (cr_id, user_id, vote, comment, created_ms) VALUES (?, ?, ?, ?, ?)`, id, p.UserID, in.Vote, in.Comment, db.Now())
		if db.IsUnique(err) {
			return nil, apperr.New(apperr.Conflict, "change.already_voted")
		}
		if err != nil {
			return nil, err
		}
		if err := audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "change_request", EntityID: id, Action: "vote", Summary: c.Code + " " + string(in.Vote),
			After: map[string]any{"vote": in.Vote, "comment": in.Comment}}); err != nil {
			return nil, err
		}
		if err := logTx(ctx, tx, projectID, &id, nil, "vote_"+string(in.Vote), c.Code+" "+p.Name+": "+in.Comment, p.UserID); err != nil {
			return nil, err
		}
		votes, err := readVotes(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		out, _ := Decide(c.Board, ballots(votes), false)
		if out == Pending {
			return nil, nil
		}
		return s.finalize(ctx, tx, p, c, out, "")
	})
}

// Close ends the vote (the PM or the board's chair): members who did not
// vote abstain, and the rule decides; without quorum nothing is decided
// and the request stays open.
func (s *Service) Close(ctx context.Context, p *access.Principal, projectID, id int64, in DecideInput) (CR, error) {
	m, err := s.access(ctx, p, projectID)
	if err != nil {
		return CR{}, err
	}
	return s.decideOpen(ctx, p, projectID, id, in.Validate, func(tx *db.Tx, c CR) (*Approved, error) {
		if !p.Can(m, access.ChangeManage) && c.Board.Chair != p.UserID {
			return nil, apperr.ForbiddenErr()
		}
		if err := openAt(c, in.Version); err != nil {
			return nil, err
		}
		out, why := Decide(c.Board, ballots(c.Votes), true)
		if out == Pending {
			t := CountOf(c.Board, ballots(c.Votes))
			if why == WhyChairVote {
				return nil, apperr.New(apperr.Invalid, "change.chair_not_voted")
			}
			return nil, apperr.New(apperr.Invalid, "change.quorum_not_met", t.Cast, max(c.Board.Quorum, 1))
		}
		return s.finalize(ctx, tx, p, c, out, in.Note)
	})
}

// ApproveStandard approves a standard change by the PM alone.
func (s *Service) ApproveStandard(ctx context.Context, p *access.Principal, projectID, id int64, in DecideInput) (CR, error) {
	if _, err := s.can(ctx, p, projectID, access.ChangeManage); err != nil {
		return CR{}, err
	}
	return s.decideOpen(ctx, p, projectID, id, in.Validate, func(tx *db.Tx, c CR) (*Approved, error) {
		if !c.Open() {
			return nil, apperr.New(apperr.Conflict, "change.already_decided")
		}
		if !c.Standard {
			return nil, apperr.New(apperr.Invalid, "change.not_standard")
		}
		if c.Version != in.Version {
			return nil, apperr.ConflictErr()
		}
		return s.finalize(ctx, tx, p, c, OutApproved, in.Note)
	})
}

// Withdraw takes back an open request (its requester or the PM); the
// requirements it touched return to their previous status.
func (s *Service) Withdraw(ctx context.Context, p *access.Principal, projectID, id int64, in DecideInput) (CR, error) {
	m, err := s.access(ctx, p, projectID)
	if err != nil {
		return CR{}, err
	}
	return s.decideOpen(ctx, p, projectID, id, in.Validate, func(tx *db.Tx, c CR) (*Approved, error) {
		if !p.Can(m, access.ChangeManage) && !(c.RequestedBy == p.UserID && p.Can(m, access.ChangeRequest)) {
			return nil, apperr.ForbiddenErr()
		}
		if err := openAt(c, in.Version); err != nil {
			return nil, err
		}
		_, err := s.finalize(ctx, tx, p, c, Outcome(StatusWithdrawn), in.Note)
		return nil, err
	})
}

// decideOpen runs a vote or a decision on request id of the project (the
// caller has checked the permission it can check before reading the
// request): valid passes (the caller's input.Validate, which also trims
// the input decide reads), the project is writable, the request is read in
// the transaction; decide checks it and records the vote or decision; an
// approval it returns is announced once committed. The answer is the
// request as it is now.
func (s *Service) decideOpen(ctx context.Context, p *access.Principal, projectID, id int64, valid func() error, decide func(tx *db.Tx, c CR) (*Approved, error)) (CR, error) {
	if err := valid(); err != nil {
		return CR{}, err
	}
	var ev *Approved
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID); err != nil {
			return err
		}
		c, err := readCR(ctx, tx, projectID, id, true)
		if err != nil {
			return err
		}
		ev, err = decide(tx, c)
		return err
	})
	if err != nil {
		return CR{}, apperr.Wrap(err)
	}
	s.fire(ev)
	return s.Get(ctx, p, projectID, id)
}

// openAt refuses a request already decided, or changed since version
// (both 409).
func openAt(c CR, version int64) error {
	if !c.Open() {
		return apperr.New(apperr.Conflict, "change.already_decided")
	}
	if c.Version != version {
		return apperr.ConflictErr()
	}
	return nil
}

// finalize records a decision inside the caller's transaction. Approved:
// the items are applied to the requirement pool, the next baseline is
// created from the latest one with the change applied, tasks are created
// for added custom-development functions. Otherwise the touched
// requirements return to their previous status. Either way the change log,
// the audit log and the stakeholders hear of it.
func (s *Service) finalize(ctx context.Context, tx *db.Tx, p *access.Principal, c CR, out Outcome, note string) (*Approved, error) {
	now := db.Now()
	res, err := tx.Exec(ctx, `UPDATE change_requests SET status = ?, decision_note = ?, decided_by = ?, decided_ms = ?, updated_ms = ?, version = version + 1
		WHERE id = ? AND status = 'open'`, string(out), note, p.UserID, now, now, c.ID)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, apperr.New(apperr.Conflict, "change.already_decided")
	}
	var ev *Approved
	if out == OutApproved {
		var newFuncs []NewFunc
		for i := range c.Items {
			it := &c.Items[i]
			if s.pool == nil {
				continue
			}
			num, fn, err := s.pool.ApplyTx(ctx, tx, p, c.ProjectID, c, *it)
			if err != nil {
				return nil, err
			}
			it.Number = num
			if _, err := tx.Exec(ctx, `UPDATE cr_items SET label = ? WHERE cr_id = ? AND seq = ?`, num, c.ID, i+1); err != nil {
				return nil, err
			}
			if fn != nil {
				newFuncs = append(newFuncs, *fn)
			}
		}
		bid, err := s.nextBaselineTx(ctx, tx, p, c)
		if err != nil {
			return nil, err
		}
		if err := createTasksTx(ctx, tx, p, c, newFuncs); err != nil {
			return nil, err
		}
		ev = &Approved{ProjectID: c.ProjectID, CRID: c.ID, Number: c.Code, Title: c.Title, EffortTenths: c.EffortTenths, ScheduleDays: c.ScheduleDays,
			BaselineID: bid, DecidedBy: p.UserID, DecidedMS: now}
		if c.CostMinor != nil {
			ev.CostMinor = *c.CostMinor
		}
	} else if s.pool != nil {
		for _, it := range c.Items {
			if it.Target == "requirement" && it.Op != "add" && it.PrevStatus != "" {
				if err := s.pool.SetStatusTx(ctx, tx, p, c.ProjectID, it.TargetID, it.PrevStatus); err != nil {
					return nil, err
				}
			}
		}
	}
	if err := logTx(ctx, tx, c.ProjectID, &c.ID, nil, string(out), c.Code+" "+c.Title+noteSuffix(note), p.UserID); err != nil {
		return nil, err
	}
	// Stakeholders: the board, the requester and the project's PMs.
	recipients := append([]int64{c.RequestedBy}, c.Board.Members...)
	rows, err := tx.Query(ctx, `SELECT user_id FROM project_members WHERE project_id = ? AND role = 'pm' AND deleted_ms IS NULL`, c.ProjectID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return nil, err
		}
		recipients = append(recipients, u)
	}
	rows.Close()
	slices.Sort(recipients)
	recipients = slices.Compact(recipients)
	if s.notify != nil {
		var notes []notify.Note
		for _, u := range recipients {
			notes = append(notes, notify.Note{UserID: u, ProjectID: c.ProjectID, ActorID: p.UserID, Kind: "change", Key: "change.note." + string(out),
				Params: []string{c.Code, c.Title}, Link: s.link(c.ProjectID, c.ID)})
		}
		if err := s.notify.Add(ctx, tx, notes...); err != nil {
			return nil, err
		}
	}
	return ev, audit.Record(ctx, tx, p, audit.Entry{ProjectID: c.ProjectID, Entity: "change_request", EntityID: c.ID, Action: string(out), Summary: c.Code + " " + c.Title,
		Before: map[string]any{"status": c.Status}, After: map[string]any{"status": string(out), "note": note}})
}

func noteSuffix(n string) string {
	if n == "" {
		return ""
	}
	return " — " + n
}

// fire runs the OnApproved hooks after commit.
func (s *Service) fire(ev *Approved) {
	if ev == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, fn := range s.approvedHooks() {
		fn(ctx, *ev)
	}
}

// createTasksTx adds a plan task for each custom-development function an
// approved change added, in the approval's transaction (the way plans
// generated from templates insert theirs): first workflow status,
// estimate from the function's effort, linked to the change in cr_tasks.
func createTasksTx(ctx context.Context, tx *db.Tx, p *access.Principal, c CR, fns []NewFunc) error {
	var status string
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MIN(key), 'todo') FROM workflow_statuses WHERE project_id = ? AND deleted_ms IS NULL AND seq = (SELECT MIN(seq) FROM workflow_statuses WHERE project_id = ? AND deleted_ms IS NULL)`,
		c.ProjectID, c.ProjectID).Scan(&status); err != nil {
		return err
	}
	for _, fn := range fns {
		if fn.Kind != "custom" {
			continue
		}
		var number int64
		var rank float64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(number), 0) + 1, COALESCE(MAX(rank), 0) + 1024 FROM tasks WHERE project_id = ?`, c.ProjectID).Scan(&number, &rank); err != nil {
			return err
		}
		days := max((fn.EffortTenths+9)/10, 1)
		est := fn.EffortTenths * 48 // person-days × 10 → minutes (8 h)
		now := db.Now()
		var tid int64
		if err := tx.QueryRow(ctx, `INSERT INTO tasks (project_id, number, title, description, status, rank, duration_days, estimate_min, remaining_min, labels, created_by, created_ms, updated_ms)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			c.ProjectID, number, fn.Number+" "+fn.Name, c.Code+" "+c.Title, status, rank, days, est, est, "变更", p.UserID, now, now).Scan(&tid); err != nil {
			if db.IsUnique(err) {
				return apperr.ConflictErr()
			}
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO cr_tasks (cr_id, task_id) VALUES (?, ?)`, c.ID, tid); err != nil {
			return err
		}
		if fn.ID > 0 {
			// The function's own link to its task, as the pool's "generate
			// tasks" writes it, so traceability shows the task.
			if _, err := tx.Exec(ctx, `INSERT INTO function_tasks (project_id, function_id, task_id, created_ms) VALUES (?, ?, ?, ?)`, c.ProjectID, fn.ID, tid, now); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE functions SET tasks_generated_ms = ? WHERE id = ? AND tasks_generated_ms IS NULL`, now, fn.ID); err != nil {
				return err
			}
		}
		if err := audit.Record(ctx, tx, p, audit.Entry{ProjectID: c.ProjectID, Entity: "task", EntityID: tid, Action: "create", Summary: "#" + strconv.FormatInt(number, 10) + " " + fn.Name,
			After: map[string]any{"title": fn.Number + " " + fn.Name, "change_request": c.Code}, Internal: true}); err != nil {
			return err
		}
	}
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
