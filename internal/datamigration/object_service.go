package datamigration

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
)

const objectCols = `id, project_id, code, name, library_key, spec_json, columns_json, created_ms, updated_ms, deleted_ms, version`

type rowScanner interface{ Scan(dest ...any) error }

func scanObject(r rowScanner) (Object, error) {
	var o Object
	var spec, cols string
	if err := r.Scan(&o.ID, &o.ProjectID, &o.Code, &o.Name, &o.LibraryKey, &spec, &cols, &o.CreatedMS, &o.UpdatedMS, &o.DeletedMS, &o.Version); err != nil {
		return o, err
	}
	o.Spec = json.RawMessage(spec)
	_ = json.Unmarshal([]byte(cols), &o.Mapping)
	return o, nil
}

func loadObject(ctx context.Context, q db.Q, projectID, id int64) (Object, error) {
	o, err := scanObject(q.QueryRow(ctx, `SELECT `+objectCols+` FROM dm_objects WHERE id = ? AND project_id = ? AND deleted_ms IS NULL`, id, projectID))
	if err != nil {
		return o, db.NotFound(err)
	}
	return o, nil
}

// Objects lists a project's live objects with their latest run.
func (s *Service) Objects(ctx context.Context, p *access.Principal, projectID int64) ([]Object, access.Membership, error) {
	m, err := s.can(ctx, p, projectID, "")
	if err != nil {
		return nil, m, err
	}
	rows, err := s.db.Query(ctx, `SELECT `+objectCols+` FROM dm_objects WHERE project_id = ? AND deleted_ms IS NULL ORDER BY code`, projectID)
	if err != nil {
		return nil, m, apperr.Wrap(err)
	}
	out := []Object{}
	for rows.Next() {
		o, err := scanObject(rows)
		if err != nil {
			rows.Close()
			return nil, m, apperr.Wrap(err)
		}
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, m, apperr.Wrap(err)
	}
	for i := range out {
		var r RunSummary
		err := s.db.QueryRow(ctx, `SELECT id, status, rows_read, rows_rejected, quality_permille, created_ms FROM dm_runs
			WHERE object_id = ? AND status <> 'uploaded' ORDER BY id DESC LIMIT 1`, out[i].ID).Scan(&r.ID, &r.Status, &r.Read, &r.Rejected, &r.Quality, &r.At)
		if err == nil {
			out[i].Latest = &r
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, m, apperr.Wrap(err)
		}
	}
	return out, m, nil
}

// Object returns one live object of the project.
func (s *Service) Object(ctx context.Context, p *access.Principal, projectID, id int64) (Object, access.Membership, error) {
	m, err := s.can(ctx, p, projectID, "")
	if err != nil {
		return Object{}, m, err
	}
	o, err := loadObject(ctx, s.db, projectID, id)
	return o, m, err
}

// CreateObject adds an object, blank or copied from the standard library.
func (s *Service) CreateObject(ctx context.Context, p *access.Principal, projectID int64, in ObjectInput) (Object, error) {
	if _, err := s.can(ctx, p, projectID, access.MigrationEdit); err != nil {
		return Object{}, err
	}
	if err := in.Validate(); err != nil {
		return Object{}, err
	}
	spec, code, name, err := initialSpec(in)
	if err != nil {
		return Object{}, err
	}
	var o Object
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO dm_objects (project_id, code, name, library_key, spec_json, columns_json, created_by, created_ms, updated_ms)
			VALUES (?, ?, ?, ?, ?, '{}', ?, ?, ?) RETURNING id`, projectID, code, name, in.LibraryKey, string(spec), p.UserID, now, now).Scan(&id)
		if err != nil {
			if db.IsUnique(err) {
				return apperr.InvalidField("code", "dm.err_code_taken")
			}
			return err
		}
		if o, err = loadObject(ctx, tx, projectID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "dm_object", EntityID: id, Action: "create",
			Summary: o.Code + " " + o.Name, After: map[string]any{"code": o.Code, "name": o.Name, "library_key": o.LibraryKey}})
	})
	return o, apperr.Wrap(err)
}

// UpdateSpec saves an object's name and specification. The specification
// must compile (a rule that does not is refused, naming it); a stale
// version is a conflict.
func (s *Service) UpdateSpec(ctx context.Context, p *access.Principal, projectID, id int64, in SpecInput) (Object, error) {
	if _, err := s.can(ctx, p, projectID, access.MigrationEdit); err != nil {
		return Object{}, err
	}
	if err := in.Validate(); err != nil {
		return Object{}, err
	}
	sp, err := parseSpec(in.Spec)
	if err != nil {
		return Object{}, err
	}
	var o Object
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := loadObject(ctx, tx, projectID, id)
		if err != nil {
			return err
		}
		// The object's code is what other objects' lookups name.
		sp.Object, sp.Label = before.Code, in.Name
		spec, err := checkSpec(mustJSON(sp))
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE dm_objects SET name = ?, spec_json = ?, updated_ms = ?, version = version + 1
			WHERE id = ? AND version = ? AND deleted_ms IS NULL`, in.Name, string(spec), db.Now(), id, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		if o, err = loadObject(ctx, tx, projectID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "dm_object", EntityID: id, Action: "update",
			Summary: o.Code + " " + o.Name, Before: map[string]any{"name": before.Name, "spec": before.Spec}, After: map[string]any{"name": o.Name, "spec": o.Spec}})
	})
	return o, apperr.Wrap(err)
}

// DeleteObject moves an object (and so its runs) to the trash.
func (s *Service) DeleteObject(ctx context.Context, p *access.Principal, projectID, id int64) error {
	if _, err := s.can(ctx, p, projectID, access.MigrationEdit); err != nil {
		return err
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		o, err := loadObject(ctx, tx, projectID, id)
		if err != nil {
			return err
		}
		now := db.Now()
		if _, err := tx.Exec(ctx, `UPDATE dm_objects SET deleted_ms = ?, updated_ms = ?, version = version + 1 WHERE id = ?`, now, now, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "dm_object", EntityID: id, Action: "delete", Summary: o.Code + " " + o.Name})
	}))
}

// RestoreObject brings an object back from the trash; its code must still
// be free among the project's live objects.
func (s *Service) RestoreObject(ctx context.Context, p *access.Principal, id int64) error {
	var projectID int64
	if err := s.db.QueryRow(ctx, `SELECT project_id FROM dm_objects WHERE id = ? AND deleted_ms IS NOT NULL`, id).Scan(&projectID); err != nil {
		return db.NotFound(err)
	}
	if _, err := s.can(ctx, p, projectID, access.MigrationEdit); err != nil {
		return err
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE dm_objects SET deleted_ms = NULL, updated_ms = ?, version = version + 1 WHERE id = ? AND deleted_ms IS NOT NULL`, db.Now(), id)
		if err != nil {
			if db.IsUnique(err) {
				return apperr.New(apperr.Conflict, "dm.err_restore_code")
			}
			return err
		}
		o, err := loadObject(ctx, tx, projectID, id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "dm_object", EntityID: id, Action: "restore", Summary: o.Code + " " + o.Name})
	}))
}

// DeletedObjects lists the trashed objects the caller may restore.
func (s *Service) DeletedObjects(ctx context.Context, p *access.Principal) ([]Object, error) {
	sc := p.Scope()
	cond, args := sc.ProjectFilter("pr")
	rows, err := s.db.Query(ctx, `SELECT o.id, o.project_id, o.code, o.name, o.library_key, o.spec_json, o.columns_json, o.created_ms, o.updated_ms, o.deleted_ms, o.version
		FROM dm_objects o JOIN projects pr ON pr.id = o.project_id
		WHERE o.deleted_ms IS NOT NULL AND pr.deleted_ms IS NULL AND `+cond+` ORDER BY o.deleted_ms DESC LIMIT 200`, args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	var out []Object
	for rows.Next() {
		o, err := scanObject(rows)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		m, err := s.projects.Access(ctx, p, o.ProjectID)
		if err != nil || !p.Can(m, access.MigrationEdit) {
			continue
		}
		out = append(out, o)
	}
	return out, apperr.Wrap(rows.Err())
}
