package datamigration

import (
	"context"
	"encoding/json"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/datamigration/engine"
	"golive/internal/db"
)

// Run statuses. "uploaded" waits for its column mapping; the others are
// the life of an execution.
const (
	RunUploaded  = "uploaded"
	RunQueued    = "queued"
	RunRunning   = "running"
	RunDone      = "done"
	RunFailed    = "failed"
	RunCancelled = "cancelled"
)

// staleAfterMS: a running run whose heartbeat is older than this has lost
// its process (a crash, a kill) and reads as failed.
const staleAfterMS = 90_000

// Run is one file run through an object's specification.
type Run struct {
	ID          int64          `json:"id"`
	ProjectID   int64          `json:"project_id"`
	ObjectID    int64          `json:"object_id"`
	Status      string         `json:"status"`
	FileName    string         `json:"file_name"`
	FileKind    string         `json:"file_kind"` // csv or xlsx
	FileBytes   int64          `json:"file_bytes"`
	Encoding    string         `json:"encoding,omitempty"`
	Headers     []string       `json:"headers"`
	Mapping     engine.Mapping `json:"mapping"`
	SpecVersion int64          `json:"spec_version"`
	Read        int64          `json:"rows_read"`
	Clean       int64          `json:"rows_clean"`
	Fixed       int64          `json:"rows_fixed"`
	Rejected    int64          `json:"rows_rejected"`
	BytesDone   int64          `json:"bytes_done"`
	Quality     int64          `json:"quality_permille"` // clean rows per thousand read
	Result      *engine.Result `json:"result,omitempty"`
	ErrorKey    string         `json:"error_key,omitempty"`
	ErrorArgs   []any          `json:"-"`
	Cancel      bool           `json:"cancel_requested"`
	CreatedBy   *int64         `json:"created_by,omitempty"`
	CreatedMS   int64          `json:"created_ms"`
	StartedMS   *int64         `json:"started_ms,omitempty"`
	FinishedMS  *int64         `json:"finished_ms,omitempty"`
	HeartbeatMS *int64         `json:"-"`
	Version     int64          `json:"version"`
}

// Terminal reports whether the run has ended.
func (r Run) Terminal() bool {
	return r.Status == RunDone || r.Status == RunFailed || r.Status == RunCancelled
}

// Active reports whether the run waits or executes.
func (r Run) Active() bool { return r.Status == RunQueued || r.Status == RunRunning }

// Percent is the progress in per cent, by bytes of the source read.
func (r Run) Percent() int {
	if r.Status == RunDone {
		return 100
	}
	if r.FileBytes <= 0 {
		return 0
	}
	p := int(r.BytesDone * 100 / r.FileBytes)
	return min(max(p, 0), 99)
}

const runCols = `id, project_id, object_id, status, file_name, file_kind, file_bytes, encoding, headers_json, columns_json, spec_version,
	rows_read, rows_clean, rows_fixed, rows_rejected, bytes_done, quality_permille, stats_json, error_key, error_args, cancel_requested,
	created_by, created_ms, started_ms, finished_ms, heartbeat_ms, version`

func scanRun(r rowScanner) (Run, error) {
	var x Run
	var headers, cols, stats, args string
	err := r.Scan(&x.ID, &x.ProjectID, &x.ObjectID, &x.Status, &x.FileName, &x.FileKind, &x.FileBytes, &x.Encoding, &headers, &cols, &x.SpecVersion,
		&x.Read, &x.Clean, &x.Fixed, &x.Rejected, &x.BytesDone, &x.Quality, &stats, &x.ErrorKey, &args, &x.Cancel,
		&x.CreatedBy, &x.CreatedMS, &x.StartedMS, &x.FinishedMS, &x.HeartbeatMS, &x.Version)
	if err != nil {
		return x, err
	}
	_ = json.Unmarshal([]byte(headers), &x.Headers)
	_ = json.Unmarshal([]byte(cols), &x.Mapping)
	if stats != "" && stats != "{}" {
		x.Result = &engine.Result{}
		_ = json.Unmarshal([]byte(stats), x.Result)
	}
	_ = json.Unmarshal([]byte(args), &x.ErrorArgs)
	if x.Active() && x.HeartbeatMS != nil && db.Now()-*x.HeartbeatMS > staleAfterMS {
		x.Status, x.ErrorKey = RunFailed, "dm.err_interrupted"
	}
	return x, nil
}

func loadRun(ctx context.Context, q db.Q, projectID, id int64) (Run, error) {
	r, err := scanRun(q.QueryRow(ctx, `SELECT `+runCols+` FROM dm_runs r WHERE id = ? AND project_id = ?
		AND EXISTS (SELECT 1 FROM dm_objects o WHERE o.id = r.object_id AND o.deleted_ms IS NULL)`, id, projectID))
	if err != nil {
		return r, db.NotFound(err)
	}
	return r, nil
}

// Run returns one run of a live object of the project.
func (s *Service) Run(ctx context.Context, p *access.Principal, projectID, id int64) (Run, access.Membership, error) {
	m, err := s.can(ctx, p, projectID, "")
	if err != nil {
		return Run{}, m, err
	}
	r, err := loadRun(ctx, s.db, projectID, id)
	return r, m, err
}

// Runs lists an object's runs, newest first (at most 200).
func (s *Service) Runs(ctx context.Context, p *access.Principal, projectID, objectID int64) ([]Run, error) {
	if _, err := s.can(ctx, p, projectID, ""); err != nil {
		return nil, err
	}
	if _, err := loadObject(ctx, s.db, projectID, objectID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT `+runCols+` FROM dm_runs WHERE object_id = ? AND status <> 'uploaded' ORDER BY id DESC LIMIT 200`, objectID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []Run{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		out = append(out, r)
	}
	return out, apperr.Wrap(rows.Err())
}

// CancelRun asks a queued or running run to stop. The process executing
// it notices within a progress interval, whichever process received this.
func (s *Service) CancelRun(ctx context.Context, p *access.Principal, projectID, id int64) (Run, error) {
	if _, err := s.can(ctx, p, projectID, access.MigrationRun); err != nil {
		return Run{}, err
	}
	var out Run
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		r, err := loadRun(ctx, tx, projectID, id)
		if err != nil {
			return err
		}
		if !r.Active() && r.Status != RunUploaded {
			return apperr.New(apperr.Conflict, "dm.err_not_active")
		}
		if r.Status == RunUploaded {
			// Nothing executes yet: the waiting upload simply ends.
			if _, err := tx.Exec(ctx, `UPDATE dm_runs SET status = 'cancelled', finished_ms = ?, version = version + 1 WHERE id = ?`, db.Now(), id); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM dm_files WHERE run_id = ?`, id); err != nil {
				return err
			}
		} else if _, err := tx.Exec(ctx, `UPDATE dm_runs SET cancel_requested = ?, version = version + 1 WHERE id = ?`, true, id); err != nil {
			return err
		}
		if out, err = loadRun(ctx, tx, projectID, id); err != nil {
			return err
		}
		tx.AfterCommit(func() {
			s.mu.Lock()
			if c := s.cancels[id]; c != nil {
				c()
			}
			s.mu.Unlock()
			s.publish(id)
		})
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "dm_run", EntityID: id, Action: "cancel", Summary: r.FileName})
	})
	return out, apperr.Wrap(err)
}

// QualityText shows the run's quality score as "97.5%".
func (r Run) QualityText() string { return permille(r.Quality) }
