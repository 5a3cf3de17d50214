package datamigration

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/datamigration/engine"
	"golive/internal/db"
	"golive/internal/live"
)

// progressEvery is how often (at most) a run writes its progress to its
// row, publishes it to viewers and looks for a cancel request.
var progressEvery = 300 * time.Millisecond

// keyFile is the kind under which a run keeps the key set of a field.
func keyFile(field string) string { return "keys:" + field }

// Start checks the mapping against the uploaded file's header and queues
// the run; the run then executes in a goroutine of this process. The
// mapping is remembered on the object for its next run.
func (s *Service) Start(ctx context.Context, p *access.Principal, projectID, runID int64, m engine.Mapping) (Run, error) {
	if _, err := s.can(ctx, p, projectID, access.MigrationRun); err != nil {
		return Run{}, err
	}
	run, err := loadRun(ctx, s.db, projectID, runID)
	if err != nil {
		return Run{}, err
	}
	if run.Status != RunUploaded {
		return Run{}, apperr.New(apperr.Conflict, "dm.err_already_started")
	}
	o, err := loadObject(ctx, s.db, projectID, run.ObjectID)
	if err != nil {
		return Run{}, err
	}
	prog, _, err := compileStored(o)
	if err != nil {
		return Run{}, err
	}
	if err := m.Check(run.Headers, prog).Err(); err != nil {
		return Run{}, err
	}
	cols, _ := json.Marshal(m)
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE dm_runs SET status = 'queued', columns_json = ?, spec_version = ?, heartbeat_ms = ?, version = version + 1
			WHERE id = ? AND status = 'uploaded'`, string(cols), o.Version, db.Now(), runID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "dm.err_already_started")
		}
		// The remembered mapping is a convenience, not part of the
		// specification: it does not bump the object's version, so an
		// open spec editor is not made stale by a run.
		if _, err := tx.Exec(ctx, `UPDATE dm_objects SET columns_json = ? WHERE id = ?`, string(cols), o.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM dm_files WHERE run_id = ? AND kind = ?`, runID, FileSpec); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO dm_files (run_id, kind, seq, data) VALUES (?, ?, 0, ?)`, runID, FileSpec, []byte(o.Spec)); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.launch(projectID, runID) })
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "dm_run", EntityID: runID, Action: "start", Summary: o.Code + " " + run.FileName,
			After: map[string]any{"mapping": m, "spec_version": o.Version}})
	})
	if err != nil {
		return Run{}, apperr.Wrap(err)
	}
	return loadRun(ctx, s.db, projectID, runID)
}

// launch executes a queued run in the background.
func (s *Service) launch(projectID, runID int64) {
	ctx, cancel := context.WithCancel(context.Background())
	s.mu.Lock()
	s.cancels[runID] = cancel
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer func() {
			s.mu.Lock()
			delete(s.cancels, runID)
			s.mu.Unlock()
			cancel()
		}()
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("datamigration: run panicked", "run", runID, "value", v)
				s.finish(runID, RunFailed, nil, "error.internal", nil)
			}
		}()
		s.execute(ctx, projectID, runID)
	}()
}

// publish tells the run's viewers (in every process) that its row changed.
func (s *Service) publish(runID int64) {
	s.live.Publish(RunTopic(runID), live.Event{Name: "progress"})
}

func (s *Service) execute(ctx context.Context, projectID, runID int64) {
	bg := context.Background()
	run, err := loadRun(bg, s.db, projectID, runID)
	if err != nil || run.Status != RunQueued {
		return
	}
	now := db.Now()
	if _, err := s.db.Exec(bg, `UPDATE dm_runs SET status = 'running', started_ms = ?, heartbeat_ms = ? WHERE id = ? AND status = 'queued'`, now, now, runID); err != nil {
		s.finish(runID, RunFailed, nil, "error.internal", nil)
		return
	}
	s.publish(runID)
	o, err := loadObject(bg, s.db, projectID, run.ObjectID)
	if err != nil {
		s.finish(runID, RunFailed, nil, "dm.err_object_gone", nil)
		return
	}
	o.Spec = s.runSpec(bg, runID, o)
	prog, spec, err := compileStored(o)
	if err != nil {
		s.fail(runID, err)
		return
	}
	src, found, err := s.fileToDisk(bg, runID, FileSource, "dm-src-*")
	if err != nil {
		s.fail(runID, err)
		return
	}
	if !found {
		s.finish(runID, RunFailed, nil, "dm.err_source_gone", nil)
		return
	}
	defer os.Remove(src)
	env, err := s.runEnv(bg, projectID, o, prog)
	if err != nil {
		s.fail(runID, err)
		return
	}

	counter := &byteCounter{}
	var xlsxRows int64
	if run.FileKind == engine.FormatXLSX {
		xlsxRows = xlsxRowEstimate(src)
	}
	// done is the progress in bytes of the source: counted for CSV,
	// estimated from the rows for a workbook.
	done := func(read int64) int64 {
		if run.FileKind != engine.FormatXLSX {
			return counter.n
		}
		if xlsxRows <= 0 {
			return 0
		}
		return min(read*run.FileBytes/xlsxRows, run.FileBytes)
	}
	last := time.Now()
	cancelled := false
	env.ProgressEvery = 1000
	env.Progress = func(read int64) {
		if time.Since(last) < progressEvery {
			return
		}
		last = time.Now()
		var cancel bool
		_ = s.db.QueryRow(bg, `SELECT cancel_requested FROM dm_runs WHERE id = ?`, runID).Scan(&cancel)
		if cancel {
			cancelled = true
			s.mu.Lock()
			if c := s.cancels[runID]; c != nil {
				c()
			}
			s.mu.Unlock()
		}
		_, _ = s.db.Exec(bg, `UPDATE dm_runs SET rows_read = ?, bytes_done = ?, heartbeat_ms = ? WHERE id = ?`, read, done(read), db.Now(), runID)
		s.publish(runID)
	}

	outs := map[string]*os.File{}
	for _, kind := range []string{FileErrors, FileCleanXLSX, FileCleanCSV} {
		f, err := s.createTemp("dm-out-*")
		if err != nil {
			s.fail(runID, err)
			return
		}
		defer os.Remove(f.Name())
		defer f.Close()
		outs[kind] = f
	}
	csvBuf := bufio.NewWriterSize(outs[FileCleanCSV], 256<<10)
	sinks := engine.Sinks{
		Cleaned:     []engine.RowWriter{engine.NewCSVWriter(csvBuf), engine.NewXLSXWriter(outs[FileCleanXLSX], sheetName(o.Name))},
		Errors:      engine.NewErrorReport(outs[FileErrors]),
		CollectKeys: s.keyFields(bg, projectID, spec),
	}
	open := func() (engine.RowReader, error) {
		counter.n = 0
		return openSource(src, counter, s.limits())
	}
	res, err := engine.Run(ctx, prog, open, run.Mapping, env, sinks)
	if err == nil {
		err = csvBuf.Flush()
	}
	if err != nil {
		if cancelled || errors.Is(err, context.Canceled) {
			s.finish(runID, RunCancelled, nil, "", nil)
			return
		}
		s.fail(runID, err)
		return
	}
	for kind, f := range outs {
		if _, err := s.storeFilePath(bg, runID, kind, f.Name()); err != nil {
			s.fail(runID, err)
			return
		}
	}
	for field, ks := range res.KeySets {
		pr, pw := io.Pipe()
		go func() { _, err := ks.WriteTo(pw); pw.CloseWithError(err) }()
		if _, err := s.storeFile(bg, runID, keyFile(field), pr); err != nil {
			s.fail(runID, err)
			return
		}
	}
	s.finish(runID, RunDone, res, "", nil)
}

// runEnv gathers what the spec needs besides the file: the object's code
// maps, and the lookup sets (code lists from the object's tables; other
// objects' keys from their latest finished run in the project).
func (s *Service) runEnv(ctx context.Context, projectID int64, o Object, prog *engine.Program) (engine.Env, error) {
	env := engine.Env{CodeMaps: map[string]map[string]string{}, LookupSets: map[string]*engine.KeySet{}, MaxSamples: 20}
	maps, err := loadCodeMaps(ctx, s.db, o.ID)
	if err != nil {
		return env, err
	}
	for _, m := range maps {
		mm := make(map[string]string, len(m.Entries))
		vals := make([]string, 0, len(m.Entries))
		for _, e := range m.Entries {
			mm[e.Old] = e.New
			vals = append(vals, e.New)
		}
		env.CodeMaps[m.Name] = mm
		env.LookupSets[m.Name] = engine.NewKeySet(vals...)
	}
	for _, name := range prog.LookupSets() {
		obj, field, ok := strings.Cut(name, ".")
		if !ok {
			continue
		}
		var runID int64
		err := s.db.QueryRow(ctx, `SELECT r.id FROM dm_runs r JOIN dm_objects o ON o.id = r.object_id
			WHERE o.project_id = ? AND o.code = ? AND o.deleted_ms IS NULL AND r.status = 'done'
			AND EXISTS (SELECT 1 FROM dm_files f WHERE f.run_id = r.id AND f.kind = ?)
			ORDER BY r.id DESC LIMIT 1`, projectID, obj, keyFile(field)).Scan(&runID)
		if err != nil {
			continue // no such run yet: the engine lists the lookup as skipped
		}
		ks, err := engine.ReadKeySet(s.openFile(ctx, runID, keyFile(field)))
		if err != nil {
			return env, apperr.Wrap(err)
		}
		env.LookupSets[name] = ks
	}
	return env, nil
}

// keyFields are the fields whose accepted values a run keeps for other
// objects' lookups: those any live object of the project looks up, plus
// unique fields (the usual targets).
func (s *Service) keyFields(ctx context.Context, projectID int64, spec engine.Spec) []string {
	var out []string
	for _, f := range spec.Fields {
		if f.Unique {
			out = append(out, f.Code)
		}
	}
	rows, err := s.db.Query(ctx, `SELECT spec_json FROM dm_objects WHERE project_id = ? AND deleted_ms IS NULL`, projectID)
	if err != nil {
		return out
	}
	defer rows.Close()
	for rows.Next() {
		var raw string
		if rows.Scan(&raw) != nil {
			continue
		}
		var other engine.Spec
		if json.Unmarshal([]byte(raw), &other) != nil {
			continue
		}
		for _, f := range other.Fields {
			if l := f.Lookup; l != nil && l.Object == spec.Object && !slices.Contains(out, l.Field) {
				out = append(out, l.Field)
			}
		}
	}
	valid := map[string]bool{}
	for _, f := range spec.Fields {
		valid[f.Code] = true
	}
	return slices.DeleteFunc(out, func(c string) bool { return !valid[c] })
}

// fail ends a run with an error's message.
func (s *Service) fail(runID int64, err error) {
	e := apperr.As(err)
	if e.Code == apperr.Internal {
		s.log.Error("datamigration: run failed", "run", runID, "err", err)
	}
	key, args := e.Key, e.Args
	if len(e.Fields) > 0 && e.Key == "error.invalid" {
		for _, k := range e.Fields {
			key = k
		}
		for _, a := range e.FieldArgs {
			args = a
		}
	}
	s.finish(runID, RunFailed, nil, key, args)
}

// finish writes a run's end. Its audit row is written by the system actor:
// the person who started it is on the start row.
func (s *Service) finish(runID int64, status string, res *engine.Result, errKey string, errArgs []any) {
	ctx := context.Background()
	stats := "{}"
	var read, clean, fixed, rejected, quality int64
	if res != nil {
		if res.Samples != nil {
			for k, v := range res.Samples {
				if len(v) > 5 {
					res.Samples[k] = v[:5]
				}
			}
		}
		b, _ := json.Marshal(res)
		stats = string(b)
		read, clean, fixed, rejected = res.Read, res.Clean, res.Fixed, res.Rejected
		quality = int64(res.Score*10 + 0.5)
	}
	if errArgs == nil {
		errArgs = []any{}
	}
	args, _ := json.Marshal(errArgs)
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var projectID int64
		var name string
		if err := tx.QueryRow(ctx, `SELECT project_id, file_name FROM dm_runs WHERE id = ?`, runID).Scan(&projectID, &name); err != nil {
			return err
		}
		now := db.Now()
		q := `UPDATE dm_runs SET status = ?, stats_json = ?, error_key = ?, error_args = ?, finished_ms = ?, heartbeat_ms = ?, version = version + 1`
		qargs := []any{status, stats, errKey, string(args), now, now}
		if res != nil {
			q += `, rows_read = ?, rows_clean = ?, rows_fixed = ?, rows_rejected = ?, quality_permille = ?, bytes_done = file_bytes`
			qargs = append(qargs, read, clean, fixed, rejected, quality)
		}
		if _, err := tx.Exec(ctx, q+` WHERE id = ?`, append(qargs, runID)...); err != nil {
			return err
		}
		// The source is only needed while the run executes.
		if _, err := tx.Exec(ctx, `DELETE FROM dm_files WHERE run_id = ? AND kind = ?`, runID, FileSource); err != nil {
			return err
		}
		after := map[string]any{"status": status}
		if res != nil {
			after["read"], after["clean"], after["fixed"], after["rejected"], after["score"] = read, clean, fixed, rejected, res.Score
		}
		if errKey != "" {
			after["error"] = errKey
		}
		return audit.Record(ctx, tx, nil, audit.Entry{ProjectID: projectID, Entity: "dm_run", EntityID: runID, Action: "finish", Summary: name, After: after})
	})
	if err != nil {
		s.log.Error("datamigration: finishing run", "run", runID, "err", err)
	}
	s.publish(runID)
}

func sheetName(name string) string {
	r := []rune(strings.Map(func(c rune) rune {
		if strings.ContainsRune(`:\/?*[]'`, c) {
			return '_'
		}
		return c
	}, name))
	if len(r) > 31 {
		r = r[:31]
	}
	if len(r) == 0 {
		return "Sheet1"
	}
	return string(r)
}
