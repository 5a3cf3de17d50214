package datamigration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/datamigration/engine"
	"golive/internal/db"
)

// UploadMaxBytes is the largest file a run accepts through the web. The
// route's body limit is a little higher so the multipart envelope fits and
// the file itself gets the precise message.
const UploadMaxBytes = 200 << 20

// limits are the engine's reader limits for uploads.
func (s *Service) limits() engine.Limits {
	l := engine.DefaultLimits()
	l.MaxBytes = s.MaxUpload
	if s.maxUnzipped > 0 {
		l.MaxUnzipped = s.maxUnzipped
	}
	return l
}

// Spooled is an uploaded file written to a temporary file.
type Spooled struct {
	Path string
	Name string
	Size int64
	// Fields are the other (small) form values that came with it.
	Fields map[string]string
}

// Remove deletes the temporary file.
func (sp *Spooled) Remove() {
	if sp != nil && sp.Path != "" {
		os.Remove(sp.Path)
	}
}

// Spool streams the multipart request's "file" part to a temporary file in
// the data directory (never into memory) and collects the small fields.
// A file over UploadMaxBytes, a missing file or an empty one is an
// invalid-input error naming "file".
func (s *Service) Spool(r *http.Request, fileField string) (*Spooled, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, apperr.InvalidField(fileField, "dm.err_no_file")
	}
	sp := &Spooled{Fields: map[string]string{}}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			sp.Remove()
			return nil, s.uploadErr(err, fileField)
		}
		name := part.FormName()
		if name == fileField && part.FileName() != "" && sp.Path == "" {
			if err := s.spoolPart(part, sp); err != nil {
				part.Close()
				sp.Remove()
				return nil, s.uploadErr(err, fileField)
			}
		} else if name != "" {
			b, err := io.ReadAll(io.LimitReader(part, 64<<10))
			if err != nil {
				part.Close()
				sp.Remove()
				return nil, s.uploadErr(err, fileField)
			}
			sp.Fields[name] = string(b)
		}
		part.Close()
	}
	if sp.Path == "" {
		return nil, apperr.InvalidField(fileField, "dm.err_no_file")
	}
	if sp.Size == 0 {
		sp.Remove()
		return nil, apperr.InvalidField(fileField, "dm.err_empty")
	}
	return sp, nil
}

var errTooBig = errors.New("upload over the limit")

func (s *Service) spoolPart(part *multipart.Part, sp *Spooled) error {
	f, err := s.createTemp("dm-upload-*")
	if err != nil {
		return err
	}
	sp.Path = f.Name()
	sp.Name = cleanFileName(part.FileName())
	n, err := io.Copy(f, io.LimitReader(part, s.MaxUpload+1))
	sp.Size = n
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > s.MaxUpload {
		err = errTooBig
	}
	return err
}

func (s *Service) uploadErr(err error, field string) error {
	var mb *http.MaxBytesError
	if errors.Is(err, errTooBig) || errors.As(err, &mb) {
		return apperr.InvalidField(field, "dm.err_file_too_big", max(s.MaxUpload>>20, 1))
	}
	return apperr.InvalidField(field, "dm.err_upload_broken")
}

func uploadErr(err error, field string) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return apperr.InvalidField(field, "dm.err_file_too_big", max(mb.Limit>>20, 1))
	}
	return apperr.InvalidField(field, "dm.err_upload_broken")
}

func cleanFileName(n string) string {
	n = filepath.Base(strings.ReplaceAll(n, `\`, "/"))
	n = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, n)
	if r := []rune(n); len(r) > 120 {
		n = string(r[len(r)-120:])
	}
	if n == "" || n == "." || n == "/" {
		n = "upload"
	}
	return n
}

// openSource opens a spooled or restored source file with the engine,
// counting the bytes read so a run can show its progress.
func openSource(path string, counter *byteCounter, lim engine.Limits) (engine.RowReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, apperr.Wrap(err)
	}
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("PK")):
		rr, err := engine.OpenXLSX(&countingReaderAt{r: f, c: counter}, st.Size(), lim)
		if err != nil {
			f.Close()
			return nil, err
		}
		return &closingReader{RowReader: rr, f: f}, nil
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		// An encrypted workbook or an old .xls: the engine names which.
		f.Close()
		return engine.OpenFile(path, lim)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, apperr.Wrap(err)
	}
	rr, err := engine.OpenCSV(&countingReader{r: f, c: counter}, lim)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &closingReader{RowReader: rr, f: f}, nil
}

type closingReader struct {
	engine.RowReader
	f *os.File
}

func (c *closingReader) Close() error {
	err := c.RowReader.Close()
	if cerr := c.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// byteCounter is the furthest byte of the source a run has read.
type byteCounter struct{ n int64 }

type countingReader struct {
	r io.Reader
	c *byteCounter
}

func (r *countingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if r.c != nil {
		r.c.n += int64(n)
	}
	return n, err
}

type countingReaderAt struct {
	r io.ReaderAt
	c *byteCounter
}

func (r *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := r.r.ReadAt(p, off)
	if r.c != nil && off+int64(n) > r.c.n {
		r.c.n = off + int64(n)
	}
	return n, err
}

// Upload checks a spooled file (readable, not empty, header present),
// stores it with a new run waiting for its column mapping, and proposes
// the mapping: the object's remembered one where its columns are present,
// else matched by label or code.
func (s *Service) Upload(ctx context.Context, p *access.Principal, projectID, objectID int64, sp *Spooled) (Run, error) {
	if _, err := s.can(ctx, p, projectID, access.MigrationRun); err != nil {
		return Run{}, err
	}
	o, err := loadObject(ctx, s.db, projectID, objectID)
	if err != nil {
		return Run{}, err
	}
	_, spec, err := compileStored(o)
	if err != nil {
		return Run{}, err
	}
	rr, err := openSource(sp.Path, nil, s.limits())
	if err != nil {
		return Run{}, asFileErr(err)
	}
	header := append([]string(nil), rr.Header()...)
	info := rr.Info()
	// A header and no data rows is an empty file too.
	_, _, nerr := rr.Next()
	rr.Close()
	if len(header) == 0 || errors.Is(nerr, io.EOF) {
		return Run{}, apperr.InvalidField("file", "dm.err_empty")
	}
	if nerr != nil {
		return Run{}, asFileErr(nerr)
	}
	s.dropAbandoned(ctx)
	mapping := proposeMapping(header, spec, o.Mapping)
	headers, _ := json.Marshal(header)
	cols, _ := json.Marshal(mapping)
	var id int64
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		if err := tx.QueryRow(ctx, `INSERT INTO dm_runs (project_id, object_id, status, file_name, file_kind, file_bytes, encoding, headers_json, columns_json, spec_version, created_by, created_ms)
			VALUES (?, ?, 'uploaded', ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			projectID, objectID, sp.Name, info.Format, sp.Size, info.Encoding, string(headers), string(cols), o.Version, p.UserID, now).Scan(&id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "dm_run", EntityID: id, Action: "upload", Summary: o.Code + " " + sp.Name,
			After: map[string]any{"file_name": sp.Name, "bytes": sp.Size, "format": info.Format, "encoding": info.Encoding}})
	})
	if err != nil {
		return Run{}, apperr.Wrap(err)
	}
	if _, err := s.storeFilePath(ctx, id, FileSource, sp.Path); err != nil {
		_, _ = s.db.Exec(ctx, `DELETE FROM dm_files WHERE run_id = ?`, id)
		_, _ = s.db.Exec(ctx, `UPDATE dm_runs SET status = 'failed', error_key = 'error.internal' WHERE id = ?`, id)
		return Run{}, apperr.Wrap(err)
	}
	return loadRun(ctx, s.db, projectID, id)
}

// asFileErr names the file in an engine error that names no field.
func asFileErr(err error) error {
	e := apperr.As(err)
	if e.Code != apperr.Invalid {
		return err
	}
	if len(e.Fields) == 0 {
		return &apperr.Error{Code: apperr.Invalid, Key: e.Key, Args: e.Args, Fields: map[string]string{"file": e.Key}, FieldArgs: map[string][]any{"file": e.Args}}
	}
	return err
}

// proposeMapping: remembered choices for columns still present, the
// engine's automatic match for the rest.
func proposeMapping(header []string, spec engine.Spec, remembered engine.Mapping) engine.Mapping {
	auto := engine.AutoMap(header, spec)
	known := map[string]string{}
	for _, c := range remembered.Columns {
		known[c.Column] = c.Field
	}
	valid := map[string]bool{}
	for _, f := range spec.Fields {
		valid[f.Code] = true
	}
	for i, c := range auto.Columns {
		if f, ok := known[c.Column]; ok && (f == "" || valid[f]) {
			auto.Columns[i].Field = f
		}
	}
	return auto
}

// abandonedAfterMS: an upload nobody mapped and started within a day is
// dropped, so its file does not stay in the database.
const abandonedAfterMS = 24 * 3600 * 1000

func (s *Service) dropAbandoned(ctx context.Context) {
	cut := db.Now() - abandonedAfterMS
	_, _ = s.db.Exec(ctx, `DELETE FROM dm_files WHERE kind = 'source' AND run_id IN (SELECT id FROM dm_runs WHERE status = 'uploaded' AND created_ms < ?)`, cut)
	_, _ = s.db.Exec(ctx, `UPDATE dm_runs SET status = 'cancelled', finished_ms = ?, version = version + 1 WHERE status = 'uploaded' AND created_ms < ?`, db.Now(), cut)
}
