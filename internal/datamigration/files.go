package datamigration

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"os"
)

// Files of a run (the upload, the error report, the cleaned outputs) are
// kept in dm_files in chunks of fileChunk bytes: any process can stream
// them back without holding a whole file in memory, and nothing depends
// on one process's disk.
const fileChunk = 1 << 20

// File kinds.
const (
	FileSource    = "source"
	FileErrors    = "errors.xlsx"
	FileCleanXLSX = "clean.xlsx"
	FileCleanCSV  = "clean.csv"
	// FileSpec is the specification a run was started with: its results
	// are read with the labels and rules it ran under, not the object's
	// current ones. Never downloadable by itself (File lists the kinds).
	FileSpec = "spec.json"
)

// runSpec is the specification the run was started with; runs started
// before specifications were kept per run read the object's current one.
func (s *Service) runSpec(ctx context.Context, runID int64, o Object) json.RawMessage {
	var b bytes.Buffer
	if found, err := s.copyFile(ctx, runID, FileSpec, &b); err == nil && found {
		return b.Bytes()
	}
	return o.Spec
}

// storeFile copies r into the run's chunks of kind, replacing any earlier
// copy, in one transaction per chunk batch. It returns the bytes stored.
func (s *Service) storeFile(ctx context.Context, runID int64, kind string, r io.Reader) (int64, error) {
	if _, err := s.db.Exec(ctx, `DELETE FROM dm_files WHERE run_id = ? AND kind = ?`, runID, kind); err != nil {
		return 0, err
	}
	buf := make([]byte, fileChunk)
	var total int64
	for seq := 0; ; seq++ {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			if _, err := s.db.Exec(ctx, `INSERT INTO dm_files (run_id, kind, seq, data) VALUES (?, ?, ?, ?)`, runID, kind, seq, buf[:n]); err != nil {
				return total, err
			}
			total += int64(n)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// storeFilePath stores a file from disk.
func (s *Service) storeFilePath(ctx context.Context, runID int64, kind, path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return s.storeFile(ctx, runID, kind, bufio.NewReaderSize(f, fileChunk))
}

// hasFile reports whether a run has a stored file of kind.
func (s *Service) hasFile(ctx context.Context, runID int64, kind string) bool {
	var n int64
	_ = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM dm_files WHERE run_id = ? AND kind = ?`, runID, kind).Scan(&n)
	return n > 0
}

// copyFile streams a stored file into w chunk by chunk; it reports false
// when there is no such file.
func (s *Service) copyFile(ctx context.Context, runID int64, kind string, w io.Writer) (bool, error) {
	found := false
	for seq := 0; ; seq++ {
		var data []byte
		err := s.db.QueryRow(ctx, `SELECT data FROM dm_files WHERE run_id = ? AND kind = ? AND seq = ?`, runID, kind, seq).Scan(&data)
		if err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return found, nil
			}
			return found, err
		}
		found = true
		if _, err := w.Write(data); err != nil {
			return found, err
		}
	}
}

// fileToDisk writes a stored file to a new temporary file and returns its
// path; the caller removes it.
func (s *Service) fileToDisk(ctx context.Context, runID int64, kind, pattern string) (string, bool, error) {
	f, err := s.createTemp(pattern)
	if err != nil {
		return "", false, err
	}
	w := bufio.NewWriterSize(f, fileChunk)
	found, err := s.copyFile(ctx, runID, kind, w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil || !found {
		os.Remove(f.Name())
		return "", found, err
	}
	return f.Name(), true, nil
}

// fileReader streams a stored file (chunks fetched on demand).
type fileReader struct {
	ctx  context.Context
	s    *Service
	run  int64
	kind string
	seq  int
	buf  []byte
	done bool
}

func (s *Service) openFile(ctx context.Context, runID int64, kind string) io.Reader {
	return &fileReader{ctx: ctx, s: s, run: runID, kind: kind}
}

func (r *fileReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.done {
			return 0, io.EOF
		}
		var data []byte
		err := r.s.db.QueryRow(r.ctx, `SELECT data FROM dm_files WHERE run_id = ? AND kind = ? AND seq = ?`, r.run, r.kind, r.seq).Scan(&data)
		if err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				r.done = true
				continue
			}
			return 0, err
		}
		r.seq++
		r.buf = data
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// createTemp makes a temporary file in the service's directory, creating
// the directory on first use.
func (s *Service) createTemp(pattern string) (*os.File, error) {
	if err := os.MkdirAll(s.tmpDir, 0o700); err != nil {
		return nil, err
	}
	return os.CreateTemp(s.tmpDir, pattern)
}
