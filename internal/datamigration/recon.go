package datamigration

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math/big"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/validate"
)

// Reconciliation compares what a run delivered (accepted rows and the
// totals of its amount fields) with what the target system reports after
// the import.
type Reconciliation struct {
	ID           int64             `json:"id"`
	RunID        int64             `json:"run_id"`
	TargetCount  int64             `json:"target_count"`
	TargetTotals map[string]string `json:"target_totals"`
	Note         string            `json:"note"`
	UpdatedMS    int64             `json:"updated_ms"`
	Version      int64             `json:"version"`
	// Lines is the comparison, computed on read.
	Lines    []ReconLine `json:"lines"`
	Mismatch bool        `json:"mismatch"`
}

// ReconLine is one compared figure: "count" or an amount field's code.
type ReconLine struct {
	Name   string `json:"name"`
	Label  string `json:"label"`
	Source string `json:"source"`
	Target string `json:"target"`
	Diff   string `json:"diff"`
	OK     bool   `json:"ok"`
}

// ReconInput is the target system's report. Version is 0 for the first
// entry, else the version read.
type ReconInput struct {
	TargetCount  int64             `json:"target_count"`
	TargetTotals map[string]string `json:"target_totals"`
	Note         string            `json:"note"`
	Version      int64             `json:"version"`
}

func (in *ReconInput) Validate(sumFields []string) error {
	var f apperr.Fields
	if in.TargetCount < 0 {
		f.Add("target_count", "validate.not_negative")
	}
	validate.Text(&f, "note", &in.Note, 0, 2000)
	allowed := map[string]bool{}
	for _, c := range sumFields {
		allowed[c] = true
	}
	for k, v := range in.TargetTotals {
		if !allowed[k] {
			f.Add("target_totals", "dm.err_recon_field", k)
			continue
		}
		v = strings.TrimSpace(strings.ReplaceAll(v, ",", ""))
		if v == "" {
			delete(in.TargetTotals, k)
			continue
		}
		if _, ok := new(big.Rat).SetString(v); !ok || strings.ContainsAny(v, "/eE") {
			f.Add("total_"+k, "dm.err_recon_number")
			continue
		}
		in.TargetTotals[k] = v
	}
	return f.Err()
}

// decimalText formats a rational with up to 6 places, trailing zeros cut.
func decimalText(r *big.Rat) string {
	s := r.FloatString(6)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// compare fills the computed lines of a reconciliation.
func (rc *Reconciliation) compare(run Run, fields []sumField) {
	rc.Lines = nil
	rc.Mismatch = false
	src := run.Clean
	line := ReconLine{Name: "count", Source: strconv.FormatInt(src, 10), Target: strconv.FormatInt(rc.TargetCount, 10),
		Diff: strconv.FormatInt(rc.TargetCount-src, 10), OK: rc.TargetCount == src}
	rc.Lines = append(rc.Lines, line)
	for _, f := range fields {
		l := ReconLine{Name: f.Code, Label: f.Label}
		s, _ := new(big.Rat).SetString(orZero(sumOf(run, f.Code)))
		l.Source = decimalText(s)
		t, ok := rc.TargetTotals[f.Code]
		if ok {
			tr, _ := new(big.Rat).SetString(t)
			if tr == nil {
				tr = new(big.Rat)
			}
			l.Target = decimalText(tr)
			l.Diff = decimalText(new(big.Rat).Sub(tr, s))
			l.OK = tr.Cmp(s) == 0
		}
		rc.Lines = append(rc.Lines, l)
	}
	for _, l := range rc.Lines {
		if !l.OK {
			rc.Mismatch = true
		}
	}
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

// sumField is an amount field of the run's specification.
type sumField struct{ Code, Label string }

// Reconciliation returns a run's reconciliation, nil when none was entered.
func (s *Service) Reconciliation(ctx context.Context, p *access.Principal, projectID, runID int64) (*Reconciliation, error) {
	run, _, err := s.Run(ctx, p, projectID, runID)
	if err != nil {
		return nil, err
	}
	rc, err := loadRecon(ctx, s.db, runID)
	if err != nil || rc == nil {
		return nil, err
	}
	fields, err := s.runSumFields(ctx, run)
	if err != nil {
		return nil, err
	}
	rc.compare(run, fields)
	return rc, nil
}

func loadRecon(ctx context.Context, q db.Q, runID int64) (*Reconciliation, error) {
	var rc Reconciliation
	var totals string
	err := q.QueryRow(ctx, `SELECT id, run_id, target_count, target_totals_json, note, updated_ms, version FROM dm_reconciliations WHERE run_id = ?`, runID).
		Scan(&rc.ID, &rc.RunID, &rc.TargetCount, &totals, &rc.Note, &rc.UpdatedMS, &rc.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	_ = json.Unmarshal([]byte(totals), &rc.TargetTotals)
	if rc.TargetTotals == nil {
		rc.TargetTotals = map[string]string{}
	}
	return &rc, nil
}

// SaveReconciliation enters or replaces the target system's figures for a
// finished run.
func (s *Service) SaveReconciliation(ctx context.Context, p *access.Principal, projectID, runID int64, in ReconInput) (*Reconciliation, error) {
	if _, err := s.can(ctx, p, projectID, access.MigrationEdit); err != nil {
		return nil, err
	}
	run, err := loadRun(ctx, s.db, projectID, runID)
	if err != nil {
		return nil, err
	}
	if run.Status != RunDone {
		return nil, apperr.New(apperr.Conflict, "dm.err_recon_not_done")
	}
	fields, err := s.runSumFields(ctx, run)
	if err != nil {
		return nil, err
	}
	codes := make([]string, len(fields))
	for i, f := range fields {
		codes[i] = f.Code
	}
	if in.TargetTotals == nil {
		in.TargetTotals = map[string]string{}
	}
	if err := in.Validate(codes); err != nil {
		return nil, err
	}
	totals, _ := json.Marshal(in.TargetTotals)
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		before, err := loadRecon(ctx, tx, runID)
		if err != nil {
			return err
		}
		now := db.Now()
		action := "create"
		if before == nil {
			if in.Version != 0 {
				return apperr.ConflictErr()
			}
			if _, err := tx.Exec(ctx, `INSERT INTO dm_reconciliations (project_id, run_id, target_count, target_totals_json, note, created_by, created_ms, updated_ms)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, projectID, runID, in.TargetCount, string(totals), in.Note, p.UserID, now, now); err != nil {
				if db.IsUnique(err) {
					return apperr.ConflictErr()
				}
				return err
			}
		} else {
			action = "update"
			res, err := tx.Exec(ctx, `UPDATE dm_reconciliations SET target_count = ?, target_totals_json = ?, note = ?, updated_ms = ?, version = version + 1
				WHERE run_id = ? AND version = ?`, in.TargetCount, string(totals), in.Note, now, runID, in.Version)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return apperr.ConflictErr()
			}
		}
		after := map[string]any{"target_count": in.TargetCount, "target_totals": in.TargetTotals, "note": in.Note}
		var b any
		if before != nil {
			b = map[string]any{"target_count": before.TargetCount, "target_totals": before.TargetTotals, "note": before.Note}
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "dm_reconciliation", EntityID: runID, Action: action, Summary: run.FileName, Before: b, After: after})
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	rc, err := loadRecon(ctx, s.db, runID)
	if err != nil || rc == nil {
		return nil, apperr.Wrap(err)
	}
	rc.compare(run, fields)
	return rc, nil
}

// reconMaxBytes bounds an uploaded target report: a handful of figures.
const reconMaxBytes = 1 << 20

// ParseReconXLSX reads a target report: first sheet, column A names the
// figure (记录数/count, or an amount field's code or label), column B its
// value. Unknown names are refused, naming them.
func ParseReconXLSX(data []byte, fields []sumField) (ReconInput, error) {
	in := ReconInput{TargetTotals: map[string]string{}}
	if len(data) > reconMaxBytes {
		return in, apperr.InvalidField("file", "dm.err_file_too_big", reconMaxBytes>>20)
	}
	if !bytes.HasPrefix(data, []byte("PK")) {
		return in, apperr.InvalidField("file", "dm.err_not_xlsx")
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true, UnzipSizeLimit: 16 << 20, UnzipXMLSizeLimit: 8 << 20})
	if err != nil {
		return in, apperr.InvalidField("file", "dm.err_not_xlsx")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return in, apperr.InvalidField("file", "dm.err_not_xlsx")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return in, apperr.InvalidField("file", "dm.err_not_xlsx")
	}
	defer rows.Close()
	byName := map[string]string{}
	for _, fl := range fields {
		byName[strings.ToLower(fl.Code)] = fl.Code
		byName[strings.ToLower(fl.Label)] = fl.Code
	}
	countSet := false
	for n := 0; rows.Next(); n++ {
		if n > 200 {
			return in, apperr.InvalidField("file", "dm.err_recon_rows")
		}
		cols, err := rows.Columns()
		if err != nil {
			return in, apperr.InvalidField("file", "dm.err_not_xlsx")
		}
		if len(cols) < 2 {
			continue
		}
		name := strings.ToLower(strings.TrimSpace(cols[0]))
		val := strings.TrimSpace(strings.ReplaceAll(cols[1], ",", ""))
		if name == "" {
			continue
		}
		switch {
		case name == "count" || name == "记录数" || name == "行数":
			c, err := strconv.ParseInt(strings.TrimSuffix(val, ".0"), 10, 64)
			if err != nil || c < 0 {
				return in, apperr.InvalidField("file", "dm.err_recon_count", cols[1])
			}
			in.TargetCount, countSet = c, true
		case byName[name] != "":
			in.TargetTotals[byName[name]] = val
		case n == 0:
			// a header row (项目 / 数值)
		default:
			return in, apperr.InvalidField("file", "dm.err_recon_unknown", cols[0])
		}
	}
	if !countSet {
		return in, apperr.InvalidField("file", "dm.err_recon_no_count")
	}
	return in, nil
}

func sumOf(r Run, code string) string {
	if r.Result == nil {
		return ""
	}
	return r.Result.Sums[code]
}

// runSumFields are the amount fields of the run's object.
func (s *Service) runSumFields(ctx context.Context, run Run) ([]sumField, error) {
	o, err := loadObject(ctx, s.db, run.ProjectID, run.ObjectID)
	if err != nil {
		return nil, err
	}
	sp, err := parseSpec(s.runSpec(ctx, run.ID, o))
	if err != nil {
		return nil, err
	}
	var out []sumField
	for _, f := range sp.Fields {
		if f.Sum {
			out = append(out, sumField{Code: f.Code, Label: f.Label})
		}
	}
	return out, nil
}
