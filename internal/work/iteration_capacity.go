package work

import (
	"context"
	"slices"
	"sort"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/calendar"
	"golive/internal/db"
)

// Capacity during planning: what each member can take on in an iteration
// against what is already planned for them. Available time defaults to the
// iteration's working days on the project calendar × 8 hours × the focus
// factor; the PM overrides it per member (leave, part-time). Committed
// effort is the estimate of the iteration's tasks, a task with several
// assignees split evenly between them.

// hoursPerDay is a working day for capacity; the focus factor takes out
// meetings and interruptions.
const hoursPerDay = 8

// MemberCapacity is one person's line.
type MemberCapacity struct {
	UserID       int64  `json:"user_id"`
	Name         string `json:"name"`
	DefaultMin   int64  `json:"default_min"`
	AvailableMin int64  `json:"available_min"`
	Override     bool   `json:"override"`
	CommittedMin int64  `json:"committed_min"`
	Over         bool   `json:"over"`
}

// LoadPct is committed over available, in percent (0 when nothing is available).
func (m MemberCapacity) LoadPct() int {
	if m.AvailableMin <= 0 {
		if m.CommittedMin > 0 {
			return 999
		}
		return 0
	}
	return int(m.CommittedMin * 100 / m.AvailableMin)
}

// Capacity is an iteration's capacity table.
type Capacity struct {
	IterationID   int64            `json:"iteration_id"`
	WorkingDays   int              `json:"working_days"`
	FocusPct      int              `json:"focus_pct"`
	Members       []MemberCapacity `json:"members"`
	UnassignedMin int64            `json:"unassigned_min"`
	OverCount     int              `json:"over_count"`
}

// CapacityInput sets members' available time; a member left out goes
// back to the default. It replaces the whole list. Version is the
// iteration's.
type CapacityInput struct {
	Members []MemberHours `json:"members"`
	Version int64         `json:"version"`
}

// MemberHours is one member's available time in an iteration (minutes).
type MemberHours struct {
	UserID       int64 `json:"user_id"`
	AvailableMin int64 `json:"available_min" minimum:"0"`
}

// IterationCapacity computes the capacity table of one iteration.
func (s *Service) IterationCapacity(ctx context.Context, p *access.Principal, projectID, id int64) (Capacity, error) {
	if err := s.iterAccess(ctx, p, projectID, ""); err != nil {
		return Capacity{}, err
	}
	it, err := loadIteration(ctx, s.db, projectID, id)
	if err != nil {
		return Capacity{}, apperr.Wrap(err)
	}
	members, err := s.Members(ctx, p, projectID)
	if err != nil {
		return Capacity{}, err
	}
	cal, err := loadPlanCalendar(ctx, s.db, projectID)
	if err != nil {
		return Capacity{}, apperr.Wrap(err)
	}
	cms := make([]capMember, len(members))
	for i, m := range members {
		// Finance follows the money, not the backlog: not a line of its
		// own unless tasks are assigned to them.
		cms[i] = capMember{UserID: m.UserID, Name: m.Name, Vendor: m.Vendor && m.Role != access.RoleFinance}
	}
	c, err := capacityOf(ctx, s.db, it, cms, cal)
	return c, apperr.Wrap(err)
}

type capMember struct {
	UserID int64
	Name   string
	Vendor bool
}

func capacityOf(ctx context.Context, q db.Q, it Iteration, members []capMember, cal *calendar.Calendar) (Capacity, error) {
	c := Capacity{IterationID: it.ID, FocusPct: it.FocusPct}
	if s, err1 := calendar.Parse(it.StartDate); err1 == nil {
		if e, err2 := calendar.Parse(it.EndDate); err2 == nil && e >= s {
			c.WorkingDays = cal.WorkdaysBetween(s, e+1)
		}
	}
	def := int64(c.WorkingDays) * hoursPerDay * 60 * int64(it.FocusPct) / 100
	lines := map[int64]*MemberCapacity{}
	var order []int64
	add := func(id int64, name string) *MemberCapacity {
		if l, ok := lines[id]; ok {
			return l
		}
		lines[id] = &MemberCapacity{UserID: id, Name: name, DefaultMin: def, AvailableMin: def}
		order = append(order, id)
		return lines[id]
	}
	for _, m := range members {
		if m.Vendor { // customers' people are not planned in the team's iterations
			add(m.UserID, m.Name)
		}
	}
	rows, err := q.Query(ctx, `SELECT user_id, available_min FROM iteration_capacity WHERE iteration_id = ?`, it.ID)
	if err != nil {
		return c, err
	}
	over := map[int64]int64{}
	for rows.Next() {
		var uid, v int64
		if err := rows.Scan(&uid, &v); err != nil {
			rows.Close()
			return c, err
		}
		over[uid] = v
	}
	rows.Close()
	rows, err = q.Query(ctx, `SELECT t.id, t.estimate_min, a.user_id, u.name FROM tasks t
		LEFT JOIN task_assignees a ON a.task_id = t.id LEFT JOIN users u ON u.id = a.user_id
		WHERE t.iteration_id = ? AND t.deleted_ms IS NULL ORDER BY t.id`, it.ID)
	if err != nil {
		return c, err
	}
	type asg struct {
		est  int64
		who  []int64
		name []string
	}
	tasks := map[int64]*asg{}
	var tids []int64
	for rows.Next() {
		var tid, est int64
		var uid *int64
		var name *string
		if err := rows.Scan(&tid, &est, &uid, &name); err != nil {
			rows.Close()
			return c, err
		}
		a, ok := tasks[tid]
		if !ok {
			a = &asg{est: est}
			tasks[tid] = a
			tids = append(tids, tid)
		}
		if uid != nil {
			a.who = append(a.who, *uid)
			n := ""
			if name != nil {
				n = *name
			}
			a.name = append(a.name, n)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, err
	}
	for _, tid := range tids {
		a := tasks[tid]
		if len(a.who) == 0 {
			c.UnassignedMin += a.est
			continue
		}
		share, rest := a.est/int64(len(a.who)), a.est%int64(len(a.who))
		for i, uid := range a.who {
			l := add(uid, a.name[i])
			l.CommittedMin += share
			if i == 0 {
				l.CommittedMin += rest
			}
		}
	}
	for _, id := range order {
		l := lines[id]
		if v, ok := over[id]; ok {
			l.AvailableMin, l.Override = v, true
		}
		l.Over = l.CommittedMin > l.AvailableMin
		if l.Over {
			c.OverCount++
		}
		c.Members = append(c.Members, *l)
	}
	// The most loaded first: that is who the PM must talk to.
	sort.SliceStable(c.Members, func(i, j int) bool { return c.Members[i].LoadPct() > c.Members[j].LoadPct() })
	return c, nil
}

// SetCapacity saves members' available hours for an iteration (PM). The
// iteration's version guards the change, and moves on with it.
func (s *Service) SetCapacity(ctx context.Context, p *access.Principal, projectID, id int64, in CapacityInput) (Iteration, error) {
	if err := s.iterAccess(ctx, p, projectID, access.WorkflowManage); err != nil {
		return Iteration{}, err
	}
	var f apperr.Fields
	if in.Version <= 0 {
		f.Add("version", "validate.required")
	}
	avail := map[int64]int64{}
	for _, m := range in.Members {
		if m.AvailableMin < 0 {
			f.Add("available_min", "validate.not_negative")
		} else if m.AvailableMin > maxMinutes {
			f.Add("available_min", "work.effort_too_large")
		}
		avail[m.UserID] = m.AvailableMin
	}
	if len(in.Members) > 500 {
		f.Add("available_min", "work.too_many", 500)
	}
	if err := f.Err(); err != nil {
		return Iteration{}, err
	}
	var out Iteration
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := changeableIteration(ctx, tx, projectID, id, in.Version)
		if err != nil {
			return err
		}
		ids := make([]int64, 0, len(avail))
		for uid := range avail {
			ids = append(ids, uid)
		}
		slices.Sort(ids)
		var fe apperr.Fields
		if err := checkPeople(ctx, tx, projectID, "available_min", ids, nil, true, &fe); err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM iteration_capacity WHERE iteration_id = ?`, id); err != nil {
			return err
		}
		after := map[string]any{}
		for _, uid := range ids {
			v := avail[uid]
			if _, err := tx.Exec(ctx, `INSERT INTO iteration_capacity (iteration_id, user_id, available_min) VALUES (?, ?, ?)`, id, uid, v); err != nil {
				return err
			}
			after[pid(uid)] = v
		}
		res, err := tx.Exec(ctx, `UPDATE iterations SET updated_ms = ?, version = version + 1 WHERE id = ? AND version = ?`, db.Now(), id, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		if out, err = loadIteration(ctx, tx, projectID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "iteration", EntityID: id, Action: "capacity", Summary: before.Name,
			After: map[string]any{"available_min": after}, Internal: true})
	})
	if err != nil {
		return Iteration{}, apperr.Wrap(err)
	}
	return out, nil
}
