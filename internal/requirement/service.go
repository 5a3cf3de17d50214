package requirement

import (
	"context"
	"strconv"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/notify"
)

func actorID(p *access.Principal) any {
	if p == nil || p.UserID == 0 {
		return nil
	}
	return p.UserID
}

func actorName(p *access.Principal) string {
	if p == nil {
		return "system"
	}
	return p.Name
}

// List returns the project's live requirements the caller may see,
// filtered, in number order, each with its functions.
func (s *Service) List(ctx context.Context, p *access.Principal, projectID int64, f Filter) ([]Requirement, Perms, error) {
	m, err := s.can(ctx, p, projectID, "")
	if err != nil {
		return nil, Perms{}, err
	}
	if err := f.Validate(); err != nil {
		return nil, Perms{}, err
	}
	pm := perms(p, m)
	where := []string{"project_id = ?", "deleted_ms IS NULL"}
	args := []any{projectID}
	if !pm.Internal {
		where = append(where, "customer_visible = ?")
		args = append(args, true)
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.Priority != "" {
		where, args = append(where, "priority = ?"), append(args, f.Priority)
	}
	if f.Module != "" {
		where, args = append(where, "module = ?"), append(args, f.Module)
	}
	switch f.Source {
	case "":
	case "direct":
		where = append(where, "source_kind = ''")
	default:
		where, args = append(where, "source_kind = ?"), append(args, f.Source)
	}
	if f.Text != "" {
		pat := "%" + strings.ToLower(likeEscape(f.Text)) + "%"
		where = append(where, `(LOWER(title) LIKE ? ESCAPE '\' OR LOWER(description) LIKE ? ESCAPE '\' OR LOWER(acceptance) LIKE ? ESCAPE '\')`)
		args = append(args, pat, pat, pat)
	}
	rs, err := queryReqs(ctx, s.db, `SELECT `+reqCols+` FROM requirements WHERE `+strings.Join(where, " AND ")+` ORDER BY number`, args...)
	if err != nil {
		return nil, pm, apperr.Wrap(err)
	}
	if err := attachFunctions(ctx, s.db, projectID, rs); err != nil {
		return nil, pm, apperr.Wrap(err)
	}
	return rs, pm, nil
}

// Modules lists the distinct modules used by the project's requirements
// (for the filter and the form's suggestions).
func (s *Service) Modules(ctx context.Context, p *access.Principal, projectID int64) ([]string, error) {
	m, err := s.can(ctx, p, projectID, "")
	if err != nil {
		return nil, err
	}
	q := `SELECT DISTINCT module FROM requirements WHERE project_id = ? AND deleted_ms IS NULL AND module <> ''`
	args := []any{projectID}
	if !p.Can(m, access.InternalView) {
		q += ` AND customer_visible = ?`
		args = append(args, true)
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY module`, args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, apperr.Wrap(err)
		}
		out = append(out, v)
	}
	return out, apperr.Wrap(rows.Err())
}

// Get returns one requirement with its functions and review log.
func (s *Service) Get(ctx context.Context, p *access.Principal, projectID, id int64) (Requirement, []ReviewEntry, Perms, error) {
	m, err := s.can(ctx, p, projectID, "")
	if err != nil {
		return Requirement{}, nil, Perms{}, err
	}
	pm := perms(p, m)
	r, err := loadReq(ctx, s.db, projectID, id, pm.Internal)
	if err != nil {
		return r, nil, pm, err
	}
	rs := []Requirement{r}
	if err := attachFunctions(ctx, s.db, projectID, rs); err != nil {
		return r, nil, pm, apperr.Wrap(err)
	}
	log, err := s.reviewLog(ctx, id)
	return rs[0], log, pm, err
}

func (s *Service) reviewLog(ctx context.Context, id int64) ([]ReviewEntry, error) {
	rows, err := s.db.Query(ctx, `SELECT id, action, from_status, to_status, comment, actor_name, at_ms FROM requirement_reviews
		WHERE requirement_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []ReviewEntry{}
	for rows.Next() {
		var e ReviewEntry
		if err := rows.Scan(&e.ID, &e.Action, &e.FromStatus, &e.ToStatus, &e.Comment, &e.ActorName, &e.AtMS); err != nil {
			return nil, apperr.Wrap(err)
		}
		out = append(out, e)
	}
	return out, apperr.Wrap(rows.Err())
}

// edit makes a change to a project's requirements: the caller may edit
// them, valid (nil: nothing to check first) passes, and do runs in one
// transaction once the project is found writable.
func edit[T any](ctx context.Context, s *Service, p *access.Principal, projectID int64, valid func() error, do func(tx *db.Tx) (T, error)) (T, error) {
	var out T
	if _, err := s.can(ctx, p, projectID, access.RequirementEdit); err != nil {
		return out, err
	}
	if valid != nil {
		if err := valid(); err != nil {
			return out, err
		}
	}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID); err != nil {
			return err
		}
		var err error
		out, err = do(tx)
		return err
	})
	return out, apperr.Wrap(err)
}

// Create adds a draft requirement.
func (s *Service) Create(ctx context.Context, p *access.Principal, projectID int64, in Input) (Requirement, error) {
	return edit(ctx, s, p, projectID, in.Validate, func(tx *db.Tx) (Requirement, error) {
		return s.insert(ctx, tx, p, projectID, in, StatusDraft)
	})
}

// CreateFromSource turns a research finding (a questionnaire answer, an
// interview sentence) into a draft requirement that links back to it.
// The caller needs RequirementEdit on the project.
func (s *Service) CreateFromSource(ctx context.Context, p *access.Principal, projectID int64, d SourceDraft) (Requirement, error) {
	title := strings.TrimSpace(d.Title)
	if r := []rune(title); len(r) > 200 {
		title = string(r[:200])
	}
	title = strings.Join(strings.Fields(title), " ")
	return s.Create(ctx, p, projectID, Input{Title: title, Description: d.Description, SourceKind: d.SourceKind, SourceID: d.SourceID,
		SourceRef: d.SourceRef, SourceURL: d.SourceURL, CustomerVisible: true})
}

// insert writes a new requirement with its audit row (no permission check).
func (s *Service) insert(ctx context.Context, tx *db.Tx, p *access.Principal, projectID int64, in Input, status string) (Requirement, error) {
	number := in.Number
	if number == 0 {
		n, err := nextNumber(ctx, tx, "requirements", projectID)
		if err != nil {
			return Requirement{}, err
		}
		number = n
	} else {
		taken, err := numberTaken(ctx, tx, "requirements", projectID, number)
		if err != nil {
			return Requirement{}, err
		}
		if taken {
			return Requirement{}, apperr.InvalidField("number", "requirement.err_number_taken", ReqRef(number))
		}
	}
	rank, err := endOfColumn(ctx, tx, projectID, in.Priority)
	if err != nil {
		return Requirement{}, err
	}
	now := db.Now()
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO requirements (project_id, number, title, description, module, source_kind, source_id, source_ref, source_url,
		raised_by, acceptance, priority, value_score, effort_score, status, customer_visible, rank, created_by, created_ms, updated_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		projectID, number, in.Title, in.Description, in.Module, in.SourceKind, in.SourceID, in.SourceRef, in.SourceURL,
		in.RaisedBy, in.Acceptance, in.Priority, in.Value, in.Effort, status, in.CustomerVisible, rank, actorID(p), now, now).Scan(&id)
	if err != nil {
		if db.IsUnique(err) {
			return Requirement{}, apperr.InvalidField("number", "requirement.err_number_taken", ReqRef(number))
		}
		return Requirement{}, err
	}
	r, err := loadReq(ctx, tx, projectID, id, true)
	if err != nil {
		return r, err
	}
	return r, audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "requirement", EntityID: id, Action: "create",
		Summary: r.Ref() + " " + r.Title, After: r.auditView(), Internal: !r.CustomerVisible})
}

// Update saves an edit of a requirement that is not yet agreed scope.
func (s *Service) Update(ctx context.Context, p *access.Principal, projectID, id int64, in Input) (Requirement, error) {
	return edit(ctx, s, p, projectID, in.ValidateUpdate, func(tx *db.Tx) (Requirement, error) {
		before, err := loadReq(ctx, tx, projectID, id, true)
		if err != nil {
			return Requirement{}, err
		}
		if before.Version != in.Version {
			return Requirement{}, apperr.ConflictErr()
		}
		if before.Locked() {
			return Requirement{}, apperr.New(apperr.Conflict, "requirement.err_locked")
		}
		if in.Number != 0 && in.Number != before.Number {
			return Requirement{}, apperr.InvalidField("number", "requirement.err_number_fixed")
		}
		return s.update(ctx, tx, p, before, in)
	})
}

// update writes an edit (no permission or lock check); the status stays.
func (s *Service) update(ctx context.Context, tx *db.Tx, p *access.Principal, before Requirement, in Input) (Requirement, error) {
	rank := before.Rank
	if in.Priority != before.Priority {
		r, err := endOfColumn(ctx, tx, before.ProjectID, in.Priority)
		if err != nil {
			return Requirement{}, err
		}
		rank = r
	}
	res, err := tx.Exec(ctx, `UPDATE requirements SET title = ?, description = ?, module = ?, source_kind = ?, source_id = ?, source_ref = ?,
		source_url = ?, raised_by = ?, acceptance = ?, priority = ?, value_score = ?, effort_score = ?, customer_visible = ?, rank = ?,
		updated_ms = ?, version = version + 1 WHERE id = ? AND version = ? AND deleted_ms IS NULL`,
		in.Title, in.Description, in.Module, in.SourceKind, in.SourceID, in.SourceRef, in.SourceURL, in.RaisedBy, in.Acceptance,
		in.Priority, in.Value, in.Effort, in.CustomerVisible, rank, db.Now(), before.ID, before.Version)
	if err != nil {
		return Requirement{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Requirement{}, apperr.ConflictErr()
	}
	after, err := loadReq(ctx, tx, before.ProjectID, before.ID, true)
	if err != nil {
		return after, err
	}
	return after, audit.Record(ctx, tx, p, audit.Entry{ProjectID: before.ProjectID, Entity: "requirement", EntityID: before.ID, Action: "update",
		Summary: after.Ref() + " " + after.Title, Before: before.auditView(), After: after.auditView(), Internal: !after.CustomerVisible && !before.CustomerVisible})
}

// Delete moves a requirement that is not agreed scope to the trash. Its
// number stays taken.
func (s *Service) Delete(ctx context.Context, p *access.Principal, projectID, id, version int64) error {
	if _, err := s.can(ctx, p, projectID, access.RequirementEdit); err != nil {
		return err
	}
	if version <= 0 {
		return apperr.InvalidField("version", "validate.required")
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID); err != nil {
			return err
		}
		r, err := loadReq(ctx, tx, projectID, id, true)
		if err != nil {
			return err
		}
		if r.Version != version {
			return apperr.ConflictErr()
		}
		if r.Locked() {
			return apperr.New(apperr.Conflict, "requirement.err_locked")
		}
		now := db.Now()
		if _, err := tx.Exec(ctx, `UPDATE requirements SET deleted_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND version = ?`, now, now, id, version); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "requirement", EntityID: id, Action: "delete",
			Summary: r.Ref() + " " + r.Title, Before: r.auditView(), Internal: !r.CustomerVisible})
	}))
}

// Restore brings a requirement back from the trash.
func (s *Service) Restore(ctx context.Context, p *access.Principal, id int64) error {
	return s.restore(ctx, p, "requirements", id, func(tx *db.Tx, projectID int64) (audit.Entry, error) {
		r, err := loadReq(ctx, tx, projectID, id, true)
		return audit.Entry{ProjectID: projectID, Entity: "requirement", EntityID: id, Action: "restore",
			Summary: r.Ref() + " " + r.Title, After: r.auditView(), Internal: !r.CustomerVisible}, err
	})
}

// restore takes row id of table (requirements, functions) out of the
// trash: the caller may edit its project's requirements, the project is
// writable, and entry (read after the row is back) goes to the audit log
// in the same transaction.
func (s *Service) restore(ctx context.Context, p *access.Principal, table string, id int64, entry func(tx *db.Tx, projectID int64) (audit.Entry, error)) error {
	var projectID int64
	if err := s.db.QueryRow(ctx, `SELECT project_id FROM `+table+` WHERE id = ? AND deleted_ms IS NOT NULL`, id).Scan(&projectID); err != nil {
		return db.NotFound(err)
	}
	if _, err := s.can(ctx, p, projectID, access.RequirementEdit); err != nil {
		return err
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE `+table+` SET deleted_ms = NULL, updated_ms = ?, version = version + 1 WHERE id = ? AND deleted_ms IS NOT NULL`, db.Now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.NotFoundErr()
		}
		e, err := entry(tx, projectID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, e)
	}))
}

// Deleted lists the trashed requirements the caller may restore.
func (s *Service) Deleted(ctx context.Context, p *access.Principal) ([]Requirement, error) {
	cond, args := p.Scope().ProjectFilter("pr")
	rs, err := queryReqs(ctx, s.db, `SELECT r.id, r.project_id, r.number, r.title, r.description, r.module, r.source_kind, r.source_id, r.source_ref,
		r.source_url, r.raised_by, r.acceptance, r.priority, r.value_score, r.effort_score, r.status, r.customer_visible, r.rank, r.created_by,
		r.created_ms, r.updated_ms, r.deleted_ms, r.version
		FROM requirements r JOIN projects pr ON pr.id = r.project_id
		WHERE r.deleted_ms IS NOT NULL AND pr.deleted_ms IS NULL AND `+cond+` ORDER BY r.deleted_ms DESC LIMIT 200`, args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	out := rs[:0]
	for _, r := range rs {
		m, err := s.projects.Access(ctx, p, r.ProjectID)
		if err != nil || !p.Can(m, access.RequirementEdit) {
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

// Review moves requirements one step (submit, confirm, clarify, reject,
// implement, accept, reopen), all or none: a requirement not in a status
// the step starts from refuses the whole batch, naming it.
func (s *Service) Review(ctx context.Context, p *access.Principal, projectID int64, in ReviewInput) ([]Requirement, error) {
	m, err := s.can(ctx, p, projectID, "")
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	st := steps[in.Action]
	need := access.RequirementEdit
	if st.review {
		need = access.RequirementReview
	}
	if !p.Can(m, need) {
		return nil, apperr.ForbiddenErr()
	}
	internal := p.Can(m, access.InternalView)
	out := []Requirement{}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID); err != nil {
			return err
		}
		seen := map[int64]bool{}
		for i, id := range in.IDs {
			if seen[id] {
				continue
			}
			seen[id] = true
			r, err := loadReq(ctx, tx, projectID, id, internal)
			if err != nil {
				return err
			}
			if len(in.Versions) > 0 && in.Versions[i] != r.Version {
				return apperr.ConflictErr()
			}
			ok := false
			for _, f := range st.from {
				ok = ok || r.Status == f
			}
			if !ok {
				return apperr.InvalidField("ids", "requirement.err_step", r.Ref())
			}
			after, err := s.setStatus(ctx, tx, p, r, st.to, in.Action, in.Comment)
			if err != nil {
				return err
			}
			out = append(out, after)
		}
		return s.notifyReview(ctx, tx, p, projectID, in.Action, out)
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	return out, nil
}

// notifyReview tells the customer PMs that requirements await their
// review, and each author what the customer decided on theirs: one note
// per recipient and step, however many requirements it covered.
func (s *Service) notifyReview(ctx context.Context, tx *db.Tx, p *access.Principal, projectID int64, action string, rs []Requirement) error {
	if s.notify == nil || len(rs) == 0 {
		return nil
	}
	refs := func(rs []Requirement) string {
		var b strings.Builder
		for i, r := range rs {
			if i == 3 {
				b.WriteString(" …")
				break
			}
			if i > 0 {
				b.WriteString("、")
			}
			b.WriteString(r.Ref() + " " + r.Title)
		}
		return b.String()
	}
	base := "/projects/" + strconv.FormatInt(projectID, 10) + "/requirements"
	link := func(rs []Requirement, query string) string {
		if len(rs) == 1 {
			return base + "/" + strconv.FormatInt(rs[0].ID, 10)
		}
		return base + query
	}
	var notes []notify.Note
	switch action {
	case ActionSubmit:
		var visible []Requirement
		for _, r := range rs {
			if r.CustomerVisible {
				visible = append(visible, r)
			}
		}
		if len(visible) == 0 {
			return nil
		}
		rows, err := tx.Query(ctx, `SELECT user_id FROM project_members WHERE project_id = ? AND role = ? AND deleted_ms IS NULL`, projectID, string(access.RoleCustomerPM))
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			notes = append(notes, notify.Note{UserID: id, ProjectID: projectID, ActorID: p.UserID, Kind: "requirement", Key: "requirement.notify_submit",
				Params: []string{actorName(p), strconv.Itoa(len(visible)), refs(visible)}, Link: link(visible, "?status=review")})
		}
	case ActionConfirm, ActionClarify, ActionReject, ActionAccept:
		by := map[int64][]Requirement{}
		var order []int64
		for _, r := range rs {
			if r.CreatedBy == nil {
				continue
			}
			if _, ok := by[*r.CreatedBy]; !ok {
				order = append(order, *r.CreatedBy)
			}
			by[*r.CreatedBy] = append(by[*r.CreatedBy], r)
		}
		for _, uid := range order {
			mine := by[uid]
			notes = append(notes, notify.Note{UserID: uid, ProjectID: projectID, ActorID: p.UserID, Kind: "requirement", Key: "requirement.notify_" + action,
				Params: []string{actorName(p), strconv.Itoa(len(mine)), refs(mine)}, Link: link(mine, "")})
		}
	}
	return s.notify.Add(ctx, tx, notes...)
}

// setStatus writes a status step, its review-log line and its audit row.
func (s *Service) setStatus(ctx context.Context, tx *db.Tx, p *access.Principal, r Requirement, to, action, comment string) (Requirement, error) {
	now := db.Now()
	res, err := tx.Exec(ctx, `UPDATE requirements SET status = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND version = ?`, to, now, r.ID, r.Version)
	if err != nil {
		return r, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return r, apperr.ConflictErr()
	}
	if _, err := tx.Exec(ctx, `INSERT INTO requirement_reviews (project_id, requirement_id, action, from_status, to_status, comment, actor_id, actor_name, at_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ProjectID, r.ID, action, r.Status, to, comment, actorID(p), actorName(p), now); err != nil {
		return r, err
	}
	before := r.Status
	r.Status, r.Version, r.UpdatedMS = to, r.Version+1, now
	return r, audit.Record(ctx, tx, p, audit.Entry{ProjectID: r.ProjectID, Entity: "requirement", EntityID: r.ID, Action: auditAction(action),
		Summary: r.Ref() + " " + r.Title, Before: map[string]any{"status": before}, After: map[string]any{"status": to, "comment": comment},
		Internal: !r.CustomerVisible})
}

// auditAction names a review step in the audit log: submit, reject and
// accept share the platform's labels, the others are this module's.
func auditAction(action string) string {
	switch action {
	case ActionSubmit, ActionReject, ActionAccept:
		return action
	case "remove":
		return "req_descope"
	case "change_control":
		return "req_status"
	}
	return "req_" + action
}

// Move is a drop in the priority matrix: the requirement takes the
// column's priority and the column is re-ranked in the order given.
func (s *Service) Move(ctx context.Context, p *access.Principal, projectID, id int64, in MoveInput) (Requirement, error) {
	if _, err := s.can(ctx, p, projectID, access.RequirementEdit); err != nil {
		return Requirement{}, err
	}
	if err := in.Validate(); err != nil {
		return Requirement{}, err
	}
	var out Requirement
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID); err != nil {
			return err
		}
		r, err := loadReq(ctx, tx, projectID, id, true)
		if err != nil {
			return err
		}
		if r.Version != in.Version {
			return apperr.ConflictErr()
		}
		if r.Locked() && r.Priority != in.Priority {
			return apperr.New(apperr.Conflict, "requirement.err_locked")
		}
		order := in.Order
		found := false
		for _, o := range order {
			found = found || o == id
		}
		if !found {
			order = append(order, id)
		}
		now := db.Now()
		res, err := tx.Exec(ctx, `UPDATE requirements SET priority = ?, updated_ms = ?, version = version + 1 WHERE id = ? AND version = ?`, in.Priority, now, id, r.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		for i, o := range order {
			// Only live rows of this project already in the column move;
			// an id of elsewhere changes nothing.
			if _, err := tx.Exec(ctx, `UPDATE requirements SET rank = ? WHERE id = ? AND project_id = ? AND priority = ? AND deleted_ms IS NULL`,
				float64(i+1)*rankStep, o, projectID, in.Priority); err != nil {
				return err
			}
		}
		if out, err = loadReq(ctx, tx, projectID, id, true); err != nil {
			return err
		}
		if r.Priority == in.Priority {
			return nil
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "requirement", EntityID: id, Action: "req_prioritize",
			Summary: out.Ref() + " " + out.Title, Before: map[string]any{"priority": r.Priority}, After: map[string]any{"priority": in.Priority},
			Internal: !out.CustomerVisible})
	})
	return out, apperr.Wrap(err)
}

// Matrix returns the requirements the caller sees grouped by priority,
// each column in rank order.
func (s *Service) Matrix(ctx context.Context, p *access.Principal, projectID int64) (map[string][]Requirement, Perms, error) {
	rs, pm, err := s.List(ctx, p, projectID, Filter{})
	if err != nil {
		return nil, pm, err
	}
	out := map[string][]Requirement{}
	for _, pr := range Priorities {
		out[pr] = []Requirement{}
	}
	for _, r := range rs {
		out[r.Priority] = append(out[r.Priority], r)
	}
	for _, col := range out {
		sortByRank(col)
	}
	return out, pm, nil
}

func sortByRank(rs []Requirement) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && (rs[j].Rank < rs[j-1].Rank || (rs[j].Rank == rs[j-1].Rank && rs[j].Number < rs[j-1].Number)); j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}
