package research

import (
	"context"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/discuss"
	"golive/internal/project"
	"golive/internal/validate"
)

// Record kinds.
const (
	KindInterview   = "interview"
	KindObservation = "observation"
)

// DiscussKind names records for comments and attachments.
const DiscussKind = "research_record"

// Record is an interview or a site observation.
type Record struct {
	ID           int64  `json:"id"`
	ProjectID    int64  `json:"project_id"`
	Kind         string `json:"kind" enum:"interview,observation"`
	Title        string `json:"title"`
	Interviewee  string `json:"interviewee"`
	HeldDate     string `json:"held_date"`
	Place        string `json:"place"`
	Participants string `json:"participants"`
	Notes        string `json:"notes"`
	Internal     bool   `json:"internal"`
	CreatedMS    int64  `json:"created_ms"`
	UpdatedMS    int64  `json:"updated_ms"`
	DeletedMS    *int64 `json:"deleted_ms,omitempty"`
	Version      int64  `json:"version"`
}

// RecordInput creates or changes a record. Internal defaults to true
// (customers never see internal records) when a record is created without it.
type RecordInput struct {
	Kind         string `json:"kind" enum:"interview,observation"`
	Title        string `json:"title"`
	Interviewee  string `json:"interviewee"`
	HeldDate     string `json:"held_date"`
	Place        string `json:"place"`
	Participants string `json:"participants"`
	Notes        string `json:"notes"`
	Internal     *bool  `json:"internal,omitempty"`
	Version      int64  `json:"version,omitempty"`
}

// Validate checks the input.
func (in *RecordInput) Validate() error {
	var f apperr.Fields
	validate.Enum(&f, "kind", in.Kind, KindInterview, KindObservation)
	validate.Line(&f, "title", &in.Title, 1, 120)
	validate.Line(&f, "interviewee", &in.Interviewee, 0, 200)
	validate.Date(&f, "held_date", &in.HeldDate, true)
	validate.Line(&f, "place", &in.Place, 0, 200)
	validate.Text(&f, "participants", &in.Participants, 0, 1000)
	validate.Text(&f, "notes", &in.Notes, 0, 50000)
	return f.Err()
}

const recordCols = `id, project_id, kind, title, interviewee, held_date, place, participants, notes, internal, created_ms, updated_ms, deleted_ms, version`

func scanRecord(r interface{ Scan(...any) error }) (Record, error) {
	var x Record
	err := r.Scan(&x.ID, &x.ProjectID, &x.Kind, &x.Title, &x.Interviewee, &x.HeldDate, &x.Place, &x.Participants, &x.Notes, &x.Internal,
		&x.CreatedMS, &x.UpdatedMS, &x.DeletedMS, &x.Version)
	return x, err
}

// loadRecord reads a live record; customers (internal false) never get an
// internal one.
func loadRecord(ctx context.Context, q db.Q, projectID, id int64, internal bool) (Record, error) {
	x, err := scanRecord(q.QueryRow(ctx, `SELECT `+recordCols+` FROM rs_records WHERE id = ? AND project_id = ? AND deleted_ms IS NULL`, id, projectID))
	if err != nil {
		return x, db.NotFound(err)
	}
	if x.Internal && !internal {
		return Record{}, apperr.NotFoundErr()
	}
	return x, nil
}

func (r Record) auditView() map[string]any {
	return map[string]any{"kind": r.Kind, "title": r.Title, "interviewee": r.Interviewee, "held_date": r.HeldDate, "place": r.Place,
		"participants": r.Participants, "notes": r.Notes, "internal": r.Internal}
}

// Records lists the project's records the caller may see (customers:
// those not marked internal).
func (s *Service) Records(ctx context.Context, p *access.Principal, projectID int64) ([]Record, access.Membership, error) {
	m, err := s.can(ctx, p, projectID, "")
	if err != nil {
		return nil, m, err
	}
	q := `SELECT ` + recordCols + ` FROM rs_records WHERE project_id = ? AND deleted_ms IS NULL`
	args := []any{projectID}
	if !p.Can(m, access.InternalView) {
		q += ` AND internal = ?`
		args = append(args, false)
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY held_date DESC, id DESC`, args...)
	if err != nil {
		return nil, m, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []Record{}
	for rows.Next() {
		x, err := scanRecord(rows)
		if err != nil {
			return nil, m, apperr.Wrap(err)
		}
		out = append(out, x)
	}
	return out, m, apperr.Wrap(rows.Err())
}

// Record returns one record the caller may see.
func (s *Service) Record(ctx context.Context, p *access.Principal, projectID, id int64) (Record, access.Membership, error) {
	m, err := s.can(ctx, p, projectID, "")
	if err != nil {
		return Record{}, m, err
	}
	x, err := loadRecord(ctx, s.db, projectID, id, p.Can(m, access.InternalView))
	return x, m, err
}

// CreateRecord adds an interview or observation record (internal unless
// said otherwise).
func (s *Service) CreateRecord(ctx context.Context, p *access.Principal, projectID int64, in RecordInput) (Record, error) {
	if _, err := s.can(ctx, p, projectID, access.ResearchManage); err != nil {
		return Record{}, err
	}
	if err := in.Validate(); err != nil {
		return Record{}, err
	}
	internal := in.Internal == nil || *in.Internal
	var x Record
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := s.activeProject(ctx, tx, projectID); err != nil {
			return err
		}
		now := db.Now()
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO rs_records (project_id, kind, title, interviewee, held_date, place, participants, notes, internal, created_by, created_ms, updated_ms)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, projectID, in.Kind, in.Title, in.Interviewee, in.HeldDate, in.Place, in.Participants, in.Notes,
			internal, p.UserID, now, now).Scan(&id); err != nil {
			return err
		}
		var err error
		if x, err = loadRecord(ctx, tx, projectID, id, true); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "rs_record", EntityID: id, Action: "create", Summary: x.Title,
			After: x.auditView(), Internal: x.Internal})
	})
	return x, apperr.Wrap(err)
}

// UpdateRecord changes a record; a stale version is a conflict.
func (s *Service) UpdateRecord(ctx context.Context, p *access.Principal, projectID, id int64, in RecordInput) (Record, error) {
	if _, err := s.can(ctx, p, projectID, access.ResearchManage); err != nil {
		return Record{}, err
	}
	if err := in.Validate(); err != nil {
		return Record{}, err
	}
	var x Record
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := loadRecord(ctx, tx, projectID, id, true)
		if err != nil {
			return err
		}
		internal := before.Internal
		if in.Internal != nil {
			internal = *in.Internal
		}
		res, err := tx.Exec(ctx, `UPDATE rs_records SET kind = ?, title = ?, interviewee = ?, held_date = ?, place = ?, participants = ?, notes = ?, internal = ?,
			updated_ms = ?, version = version + 1 WHERE id = ? AND version = ? AND deleted_ms IS NULL`,
			in.Kind, in.Title, in.Interviewee, in.HeldDate, in.Place, in.Participants, in.Notes, internal, db.Now(), id, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		if x, err = loadRecord(ctx, tx, projectID, id, true); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "rs_record", EntityID: id, Action: "update", Summary: x.Title,
			Before: before.auditView(), After: x.auditView(), Internal: x.Internal || before.Internal})
	})
	return x, apperr.Wrap(err)
}

// DeleteRecord moves a record to the trash.
func (s *Service) DeleteRecord(ctx context.Context, p *access.Principal, projectID, id int64) error {
	if _, err := s.can(ctx, p, projectID, access.ResearchManage); err != nil {
		return err
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		x, err := loadRecord(ctx, tx, projectID, id, true)
		if err != nil {
			return err
		}
		now := db.Now()
		if _, err := tx.Exec(ctx, `UPDATE rs_records SET deleted_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ?`, now, now, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "rs_record", EntityID: id, Action: "delete", Summary: x.Title, Internal: x.Internal})
	}))
}

// RestoreRecord brings a record back from the trash.
func (s *Service) RestoreRecord(ctx context.Context, p *access.Principal, projectID, id int64) (Record, error) {
	var pid int64
	if err := s.db.QueryRow(ctx, `SELECT project_id FROM rs_records WHERE id = ? AND deleted_ms IS NOT NULL`, id).Scan(&pid); err != nil {
		return Record{}, db.NotFound(err)
	}
	if projectID != 0 && pid != projectID {
		return Record{}, apperr.NotFoundErr()
	}
	if _, err := s.can(ctx, p, pid, access.ResearchManage); err != nil {
		return Record{}, err
	}
	var x Record
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE rs_records SET deleted_ms = NULL, updated_ms = ?, version = version + 1 WHERE id = ? AND deleted_ms IS NOT NULL`, db.Now(), id); err != nil {
			return err
		}
		var err error
		if x, err = loadRecord(ctx, tx, pid, id, true); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: pid, Entity: "rs_record", EntityID: id, Action: "restore", Summary: x.Title, Internal: x.Internal})
	})
	return x, apperr.Wrap(err)
}

// DeletedRecords lists trashed records the caller may restore.
func (s *Service) DeletedRecords(ctx context.Context, p *access.Principal) ([]Record, error) {
	cond, args := p.Scope().ProjectFilter("pr")
	rows, err := s.db.Query(ctx, `SELECT r.id, r.project_id, r.kind, r.title, r.interviewee, r.held_date, r.place, r.participants, r.notes, r.internal,
		r.created_ms, r.updated_ms, r.deleted_ms, r.version FROM rs_records r JOIN projects pr ON pr.id = r.project_id
		WHERE r.deleted_ms IS NOT NULL AND pr.deleted_ms IS NULL AND `+cond+` ORDER BY r.deleted_ms DESC LIMIT 200`, args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	var all []Record
	for rows.Next() {
		x, err := scanRecord(rows)
		if err != nil {
			rows.Close()
			return nil, apperr.Wrap(err)
		}
		all = append(all, x)
	}
	rows.Close()
	var out []Record
	for _, x := range all {
		if _, err := s.can(ctx, p, x.ProjectID, access.ResearchManage); err == nil {
			out = append(out, x)
		}
	}
	return out, nil
}

// DiscussTarget is the record resolver for comments and attachments:
// customers reach only records not marked internal; every member who sees
// the record may comment while the project is active; PM and consultants
// moderate.
func (s *Service) DiscussTarget(ctx context.Context, p *access.Principal, id int64) (discuss.Target, error) {
	var projectID int64
	if err := s.db.QueryRow(ctx, `SELECT project_id FROM rs_records WHERE id = ? AND deleted_ms IS NULL`, id).Scan(&projectID); err != nil {
		return discuss.Target{}, db.NotFound(err)
	}
	x, m, err := s.Record(ctx, p, projectID, id)
	if err != nil {
		return discuss.Target{}, err
	}
	var status string
	if err := s.db.QueryRow(ctx, `SELECT status FROM projects WHERE id = ?`, projectID).Scan(&status); err != nil {
		return discuss.Target{}, apperr.Wrap(err)
	}
	return discuss.Target{ProjectID: projectID, Title: x.HeldDate + " " + x.Title, Link: RecordLink(projectID, id), CustomerVisible: !x.Internal,
		SeesInternal: p.Can(m, access.InternalView), CanComment: status == project.StatusActive,
		CanModerate: p.Can(m, access.ResearchManage)}, nil
}

// shortTitle makes a requirement title of a sentence or an answer.
func shortTitle(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return s
}
