package datamigration

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/validate"
)

// Limits of a code-mapping table upload.
const (
	codeMapMaxBytes   = 5 << 20
	codeMapMaxEntries = 100_000
)

// CodeMap is a mapping table (old code → new code) of an object; a field's
// cleansing names it, and as a lookup list it is the set of new codes.
type CodeMap struct {
	ID        int64          `json:"id"`
	ObjectID  int64          `json:"object_id"`
	Name      string         `json:"name"`
	Count     int64          `json:"count"`
	Entries   []CodeMapEntry `json:"entries,omitempty"`
	UpdatedMS int64          `json:"updated_ms"`
	Version   int64          `json:"version"`
}

// CodeMapEntry is one old → new pair.
type CodeMapEntry struct {
	Old string `json:"old"`
	New string `json:"new"`
}

func loadCodeMaps(ctx context.Context, q db.Q, objectID int64) ([]CodeMap, error) {
	rows, err := q.Query(ctx, `SELECT id, object_id, name, entry_count, entries_json, updated_ms, version FROM dm_code_maps WHERE object_id = ? AND deleted_ms IS NULL ORDER BY name`, objectID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []CodeMap{}
	for rows.Next() {
		var m CodeMap
		var entries string
		if err := rows.Scan(&m.ID, &m.ObjectID, &m.Name, &m.Count, &entries, &m.UpdatedMS, &m.Version); err != nil {
			return nil, apperr.Wrap(err)
		}
		_ = json.Unmarshal([]byte(entries), &m.Entries)
		out = append(out, m)
	}
	return out, apperr.Wrap(rows.Err())
}

// CodeMaps lists an object's mapping tables with their entries.
func (s *Service) CodeMaps(ctx context.Context, p *access.Principal, projectID, objectID int64) ([]CodeMap, error) {
	if _, err := s.can(ctx, p, projectID, ""); err != nil {
		return nil, err
	}
	if _, err := loadObject(ctx, s.db, projectID, objectID); err != nil {
		return nil, err
	}
	return loadCodeMaps(ctx, s.db, objectID)
}

// ParseCodeMapXLSX reads a mapping table: the first sheet, column A the old
// code, column B the new one; a first row whose cells are not codes (原编码 /
// 新编码) is a header. Empty old codes are skipped; an old code twice with
// different new codes is refused, naming it.
func ParseCodeMapXLSX(data []byte) ([]CodeMapEntry, error) {
	if len(data) > codeMapMaxBytes {
		return nil, apperr.InvalidField("file", "dm.err_file_too_big", codeMapMaxBytes>>20)
	}
	if !bytes.HasPrefix(data, []byte("PK")) {
		return nil, apperr.InvalidField("file", "dm.err_not_xlsx")
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true, UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 32 << 20})
	if err != nil {
		return nil, apperr.InvalidField("file", "dm.err_not_xlsx")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, apperr.InvalidField("file", "dm.err_not_xlsx")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, apperr.InvalidField("file", "dm.err_not_xlsx")
	}
	defer rows.Close()
	seen := map[string]string{}
	var out []CodeMapEntry
	for n := 0; rows.Next(); n++ {
		cols, err := rows.Columns()
		if err != nil {
			return nil, apperr.InvalidField("file", "dm.err_not_xlsx")
		}
		if len(cols) < 2 {
			continue
		}
		old, nw := strings.TrimSpace(cols[0]), strings.TrimSpace(cols[1])
		if n == 0 && isHeaderCell(old) {
			continue
		}
		if old == "" {
			continue
		}
		if !utf8.ValidString(old) || !utf8.ValidString(nw) || len(old) > 200 || len(nw) > 200 {
			return nil, apperr.InvalidField("file", "dm.err_codemap_value", n+1)
		}
		if prev, ok := seen[old]; ok {
			if prev != nw {
				return nil, apperr.InvalidField("file", "dm.err_codemap_conflict", old)
			}
			continue
		}
		seen[old] = nw
		out = append(out, CodeMapEntry{Old: old, New: nw})
		if len(out) > codeMapMaxEntries {
			return nil, apperr.InvalidField("file", "dm.err_codemap_too_many", codeMapMaxEntries)
		}
	}
	if len(out) == 0 {
		return nil, apperr.InvalidField("file", "dm.err_empty")
	}
	return out, nil
}

func isHeaderCell(s string) bool {
	l := strings.ToLower(s)
	for _, h := range []string{"原", "旧", "old", "source", "源"} {
		if strings.Contains(l, h) {
			return true
		}
	}
	return false
}

// CodeMapInput is a named table to store (replacing one of that name).
type CodeMapInput struct {
	Name    string         `json:"name"`
	Entries []CodeMapEntry `json:"entries"`
}

func (in *CodeMapInput) Validate() error {
	var f apperr.Fields
	validate.Line(&f, "name", &in.Name, 1, 40)
	if !f.Has("name") && !codeRe.MatchString(in.Name) {
		f.Add("name", "dm.err_code")
	}
	if len(in.Entries) == 0 {
		f.Add("entries", "validate.required")
	}
	if len(in.Entries) > codeMapMaxEntries {
		f.Add("entries", "dm.err_codemap_too_many", codeMapMaxEntries)
	}
	return f.Err()
}

// SaveCodeMap stores a mapping table under its name, replacing an earlier
// table of that name.
func (s *Service) SaveCodeMap(ctx context.Context, p *access.Principal, projectID, objectID int64, in CodeMapInput) (CodeMap, error) {
	if _, err := s.can(ctx, p, projectID, access.MigrationEdit); err != nil {
		return CodeMap{}, err
	}
	if err := in.Validate(); err != nil {
		return CodeMap{}, err
	}
	entries, _ := json.Marshal(in.Entries)
	var out CodeMap
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		o, err := loadObject(ctx, tx, projectID, objectID)
		if err != nil {
			return err
		}
		now := db.Now()
		var before int64
		_ = tx.QueryRow(ctx, `SELECT entry_count FROM dm_code_maps WHERE object_id = ? AND name = ? AND deleted_ms IS NULL`, objectID, in.Name).Scan(&before)
		if _, err := tx.Exec(ctx, `UPDATE dm_code_maps SET deleted_ms = ? WHERE object_id = ? AND name = ? AND deleted_ms IS NULL`, now, objectID, in.Name); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO dm_code_maps (project_id, object_id, name, entries_json, entry_count, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			projectID, objectID, in.Name, string(entries), len(in.Entries), now, now).Scan(&id); err != nil {
			return err
		}
		out = CodeMap{ID: id, ObjectID: objectID, Name: in.Name, Count: int64(len(in.Entries)), UpdatedMS: now, Version: 1}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "dm_code_map", EntityID: id, Action: "upload", Summary: o.Code + " · " + in.Name,
			Before: map[string]any{"entries": before}, After: map[string]any{"entries": len(in.Entries)}})
	})
	return out, apperr.Wrap(err)
}
