package datamigration

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/validate"
)

// Sample sizes a person can check by hand.
const (
	SampleMin = 1
	SampleMax = 200
)

// Sample is a random sample of a run's cleaned rows that a customer key
// user checks against the source and signs off.
type Sample struct {
	ID         int64      `json:"id"`
	ProjectID  int64      `json:"project_id"`
	RunID      int64      `json:"run_id"`
	Size       int64      `json:"size"`
	Headers    []string   `json:"headers"`
	Rows       [][]string `json:"rows"`
	Lines      []int64    `json:"lines"`  // position of each row in the cleaned output (1 = first data row)
	Result     string     `json:"result"` // pending, pass, fail
	Comment    string     `json:"comment"`
	SignedBy   *int64     `json:"signed_by,omitempty"`
	SignedName string     `json:"signed_name,omitempty"`
	SignedMS   *int64     `json:"signed_ms,omitempty"`
	CreatedMS  int64      `json:"created_ms"`
	Version    int64      `json:"version"`
}

// SampleInput draws a sample of Size rows.
type SampleInput struct {
	Size int `json:"size"`
}

func (in *SampleInput) Validate() error {
	if in.Size < SampleMin || in.Size > SampleMax {
		return apperr.InvalidField("size", "dm.err_sample_size", SampleMin, SampleMax)
	}
	return nil
}

// SignInput is the key user's verdict on a sample.
type SignInput struct {
	Result  string `json:"result"` // pass or fail
	Comment string `json:"comment"`
	Version int64  `json:"version"`
}

func (in *SignInput) Validate() error {
	var f apperr.Fields
	validate.Enum(&f, "result", in.Result, "pass", "fail")
	validate.Text(&f, "comment", &in.Comment, 0, 2000)
	if in.Result == "fail" && in.Comment == "" {
		f.Add("comment", "dm.err_fail_comment")
	}
	if in.Version <= 0 {
		f.Add("version", "validate.required")
	}
	return f.Err()
}

type sampleData struct {
	Headers []string   `json:"headers"`
	Rows    [][]string `json:"rows"`
	Lines   []int64    `json:"lines"`
}

const sampleCols = `id, project_id, run_id, size, rows_json, result, comment, signed_by, signed_name, signed_ms, created_ms, version`

func scanSample(r rowScanner) (Sample, error) {
	var s Sample
	var data string
	if err := r.Scan(&s.ID, &s.ProjectID, &s.RunID, &s.Size, &data, &s.Result, &s.Comment, &s.SignedBy, &s.SignedName, &s.SignedMS, &s.CreatedMS, &s.Version); err != nil {
		return s, err
	}
	var d sampleData
	_ = json.Unmarshal([]byte(data), &d)
	s.Headers, s.Rows, s.Lines = d.Headers, d.Rows, d.Lines
	return s, nil
}

// Samples lists a run's samples, newest first.
func (s *Service) Samples(ctx context.Context, p *access.Principal, projectID, runID int64) ([]Sample, error) {
	if _, _, err := s.Run(ctx, p, projectID, runID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT `+sampleCols+` FROM dm_samples WHERE run_id = ? ORDER BY id DESC`, runID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []Sample{}
	for rows.Next() {
		x, err := scanSample(rows)
		if err != nil {
			return nil, apperr.Wrap(err)
		}
		out = append(out, x)
	}
	return out, apperr.Wrap(rows.Err())
}

// DrawSample draws Size random rows (reservoir sampling over the cleaned
// CSV, so memory holds only the sample) from a finished run.
func (s *Service) DrawSample(ctx context.Context, p *access.Principal, projectID, runID int64, in SampleInput) (Sample, error) {
	if _, err := s.can(ctx, p, projectID, access.MigrationRun); err != nil {
		return Sample{}, err
	}
	if err := in.Validate(); err != nil {
		return Sample{}, err
	}
	r, err := loadRun(ctx, s.db, projectID, runID)
	if err != nil {
		return Sample{}, err
	}
	if r.Status != RunDone || r.Clean == 0 {
		return Sample{}, apperr.New(apperr.Conflict, "dm.err_sample_no_rows")
	}
	d, err := s.reservoir(ctx, runID, in.Size)
	if err != nil {
		return Sample{}, err
	}
	raw, _ := json.Marshal(d)
	var out Sample
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO dm_samples (project_id, run_id, size, rows_json, created_by, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			projectID, runID, len(d.Rows), string(raw), p.UserID, now, now).Scan(&id); err != nil {
			return err
		}
		var err error
		if out, err = scanSample(tx.QueryRow(ctx, `SELECT `+sampleCols+` FROM dm_samples WHERE id = ?`, id)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "dm_sample", EntityID: id, Action: "create",
			Summary: r.FileName, After: map[string]any{"run_id": runID, "size": len(d.Rows)}})
	})
	return out, apperr.Wrap(err)
}

func (s *Service) reservoir(ctx context.Context, runID int64, n int) (sampleData, error) {
	cr := csv.NewReader(stripBOM(s.openFile(ctx, runID, FileCleanCSV)))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	var d sampleData
	head, err := cr.Read()
	if err != nil {
		return d, apperr.New(apperr.Conflict, "dm.err_sample_no_rows")
	}
	d.Headers = head
	var seen int64
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return d, apperr.Wrap(err)
		}
		seen++
		if len(d.Rows) < n {
			d.Rows = append(d.Rows, rec)
			d.Lines = append(d.Lines, seen)
			continue
		}
		if j := rand.Int64N(seen); j < int64(n) {
			d.Rows[j], d.Lines[j] = rec, seen
		}
	}
	if len(d.Rows) == 0 {
		return d, apperr.New(apperr.Conflict, "dm.err_sample_no_rows")
	}
	// Show the sample in file order: easier to find in the source.
	idx := make([]int, len(d.Rows))
	for i := range idx {
		idx[i] = i
	}
	sortByLine(idx, d.Lines)
	rows, lines := make([][]string, len(idx)), make([]int64, len(idx))
	for i, k := range idx {
		rows[i], lines[i] = d.Rows[k], d.Lines[k]
	}
	d.Rows, d.Lines = rows, lines
	return d, nil
}

func sortByLine(idx []int, lines []int64) {
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && lines[idx[j]] < lines[idx[j-1]]; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
}

// stripBOM drops a UTF-8 byte-order mark (the cleaned CSV carries one so
// that Excel opens it as UTF-8).
func stripBOM(r io.Reader) io.Reader {
	br := &bomReader{r: r}
	return br
}

type bomReader struct {
	r       io.Reader
	checked bool
	pending []byte
}

func (b *bomReader) Read(p []byte) (int, error) {
	if !b.checked {
		b.checked = true
		head := make([]byte, 3)
		n, err := io.ReadFull(b.r, head)
		head = head[:n]
		if string(head) != "\ufeff" {
			b.pending = head
		}
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			return 0, err
		}
	}
	if len(b.pending) > 0 {
		n := copy(p, b.pending)
		b.pending = b.pending[n:]
		return n, nil
	}
	return b.r.Read(p)
}

// SignSample records the key user's verdict once; a signed sample is frozen.
func (s *Service) SignSample(ctx context.Context, p *access.Principal, projectID, sampleID int64, in SignInput) (Sample, error) {
	if _, err := s.can(ctx, p, projectID, access.MigrationSignSample); err != nil {
		return Sample{}, err
	}
	if err := in.Validate(); err != nil {
		return Sample{}, err
	}
	var out Sample
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		cur, err := scanSample(tx.QueryRow(ctx, `SELECT `+sampleCols+` FROM dm_samples sm WHERE id = ? AND project_id = ?
			AND EXISTS (SELECT 1 FROM dm_runs r JOIN dm_objects o ON o.id = r.object_id WHERE r.id = sm.run_id AND o.deleted_ms IS NULL)`, sampleID, projectID))
		if err != nil {
			return db.NotFound(err)
		}
		if cur.Result != "pending" {
			return apperr.New(apperr.Conflict, "dm.err_sample_signed")
		}
		now := db.Now()
		res, err := tx.Exec(ctx, `UPDATE dm_samples SET result = ?, comment = ?, signed_by = ?, signed_name = ?, signed_ms = ?, updated_ms = ?, version = version + 1
			WHERE id = ? AND version = ? AND result = 'pending'`, in.Result, strings.TrimSpace(in.Comment), p.UserID, p.Name, now, now, sampleID, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.ConflictErr()
		}
		if out, err = scanSample(tx.QueryRow(ctx, `SELECT `+sampleCols+` FROM dm_samples WHERE id = ?`, sampleID)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "dm_sample", EntityID: sampleID, Action: "sign",
			Summary: in.Result, Before: map[string]any{"result": "pending"}, After: map[string]any{"result": in.Result, "comment": out.Comment}})
	})
	return out, apperr.Wrap(err)
}

// Sample returns one sample of a live object's run.
func (s *Service) Sample(ctx context.Context, p *access.Principal, projectID, sampleID int64) (Sample, error) {
	if _, err := s.can(ctx, p, projectID, ""); err != nil {
		return Sample{}, err
	}
	sm, err := scanSample(s.db.QueryRow(ctx, `SELECT `+sampleCols+` FROM dm_samples sm WHERE id = ? AND project_id = ?
		AND EXISTS (SELECT 1 FROM dm_runs r JOIN dm_objects o ON o.id = r.object_id WHERE r.id = sm.run_id AND o.deleted_ms IS NULL)`, sampleID, projectID))
	if err != nil {
		return Sample{}, db.NotFound(err)
	}
	return sm, nil
}
