package requirement

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/db"
	"golive/internal/i18n"
)

// Import limits: a requirement list is a few hundred rows.
const (
	ImportMaxBytes = 5 << 20
	ImportMaxRows  = 2000
	importUnzipMax = 50 << 20
)

// Column keys of the requirement list (export headers; import matches a
// header against every language's text of these keys, or the key's last
// part, e.g. "title").
var listColumns = []string{
	"requirement.col.number", "requirement.col.title", "requirement.col.module", "requirement.col.priority",
	"requirement.col.value", "requirement.col.effort", "requirement.col.status", "requirement.col.source",
	"requirement.col.source_ref", "requirement.col.raised_by", "requirement.col.description", "requirement.col.acceptance",
	"requirement.col.customer_visible", "requirement.col.functions",
}

// ListColumns returns the catalog keys of the exported columns, in order.
func ListColumns() []string { return append([]string(nil), listColumns...) }

// ImportIssue is one problem of one row (Row is the sheet's row number).
type ImportIssue struct {
	Row    int    `json:"row"`
	Field  string `json:"field"`
	Key    string `json:"key"`
	Args   []any  `json:"args,omitempty"`
	Number string `json:"number,omitempty"`
}

// ImportResult is what an import did or would have done.
type ImportResult struct {
	Rows    int           `json:"rows"`
	Created int           `json:"created"`
	Issues  []ImportIssue `json:"issues"`
}

// ImportRow is a parsed row.
type ImportRow struct {
	Row int
	In  Input
}

// ParseList reads a requirement list (.xlsx, first sheet, a header row
// then one requirement per row). Cell problems become issues; a file that
// is not a readable workbook or has no title column is an error on
// "file".
func ParseList(data []byte) ([]ImportRow, []ImportIssue, error) {
	if len(data) == 0 {
		return nil, nil, apperr.InvalidField("file", "requirement.err_file_empty")
	}
	if len(data) > ImportMaxBytes {
		return nil, nil, apperr.InvalidField("file", "requirement.err_file_big", ImportMaxBytes>>20)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true, UnzipSizeLimit: importUnzipMax, UnzipXMLSizeLimit: importUnzipMax})
	if err != nil {
		return nil, nil, apperr.InvalidField("file", "requirement.err_not_xlsx")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, apperr.InvalidField("file", "requirement.err_not_xlsx")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, nil, apperr.InvalidField("file", "requirement.err_not_xlsx")
	}
	defer rows.Close()
	var header map[int]string
	var out []ImportRow
	var issues []ImportIssue
	n := 0
	for rows.Next() {
		n++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, nil, apperr.InvalidField("file", "requirement.err_not_xlsx")
		}
		if header == nil {
			if blank(cells) {
				continue
			}
			header = headerMap(cells)
			hasTitle := false
			for _, k := range header {
				hasTitle = hasTitle || k == "title"
			}
			if !hasTitle {
				return nil, nil, apperr.InvalidField("file", "requirement.err_no_title_col")
			}
			continue
		}
		if blank(cells) {
			continue
		}
		if len(out)+1 > ImportMaxRows {
			return nil, nil, apperr.InvalidField("file", "requirement.err_too_many_rows", ImportMaxRows)
		}
		r, is := parseRow(n, header, cells)
		issues = append(issues, is...)
		out = append(out, r)
	}
	if err := rows.Error(); err != nil {
		return nil, nil, apperr.InvalidField("file", "requirement.err_not_xlsx")
	}
	if header == nil {
		return nil, nil, apperr.InvalidField("file", "requirement.err_no_title_col")
	}
	return out, issues, nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// headerMap maps column index → field (number, title, …).
func headerMap(cells []string) map[int]string {
	byText := map[string]string{}
	for _, k := range listColumns {
		field := k[strings.LastIndex(k, ".")+1:]
		byText[norm(field)] = field
		for _, l := range i18n.Langs {
			byText[norm(i18n.T(l, k))] = field
		}
	}
	out := map[int]string{}
	for i, c := range cells {
		if f, ok := byText[norm(c)]; ok {
			out[i] = f
		}
	}
	return out
}

func norm(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(strings.TrimSpace(s)), " "))
}

func parseRow(n int, header map[int]string, cells []string) (ImportRow, []ImportIssue) {
	r := ImportRow{Row: n, In: Input{CustomerVisible: true}}
	var issues []ImportIssue
	bad := func(field, key string, args ...any) {
		issues = append(issues, ImportIssue{Row: n, Field: field, Key: key, Args: args})
	}
	for i, c := range cells {
		field, ok := header[i]
		if !ok {
			continue
		}
		v := strings.TrimSpace(c)
		switch field {
		case "number":
			if v == "" {
				continue
			}
			num, ok := ParseRef(v, "REQ-")
			if !ok {
				bad("number", "requirement.err_number", MaxNumber)
				continue
			}
			r.In.Number = num
		case "title":
			r.In.Title = v
		case "module":
			r.In.Module = v
		case "priority":
			p, ok := parseChoice(v, Priorities, "requirement.priority.")
			if !ok {
				bad("priority", "validate.enum")
				continue
			}
			r.In.Priority = p
		case "value", "effort":
			if v == "" {
				continue
			}
			x, err := strconv.Atoi(v)
			if err != nil || x < 1 || x > 5 {
				bad(field, "requirement.err_score")
				continue
			}
			if field == "value" {
				r.In.Value = x
			} else {
				r.In.Effort = x
			}
		case "source":
			if v == "" {
				continue
			}
			k, ok := parseChoice(v, SourceKinds, "requirement.source.")
			if !ok {
				if nk, ok2 := parseChoice(v, []string{"direct"}, "requirement.source."); ok2 && nk == "direct" {
					continue
				}
				bad("source_kind", "validate.enum")
				continue
			}
			r.In.SourceKind = k
		case "source_ref":
			r.In.SourceRef = v
		case "raised_by":
			r.In.RaisedBy = v
		case "description":
			r.In.Description = c
		case "acceptance":
			r.In.Acceptance = c
		case "customer_visible":
			switch norm(v) {
			case "", "是", "yes", "y", "true", "1", "√", "✓":
				r.In.CustomerVisible = true
			case "否", "no", "n", "false", "0", "×":
				r.In.CustomerVisible = false
			default:
				bad("customer_visible", "requirement.err_yes_no")
			}
		}
	}
	var f apperr.Fields
	r.In.check(&f)
	if e, ok := f.Err().(*apperr.Error); ok {
		for _, field := range sortedKeys(e.Fields) {
			dup := false
			for _, is := range issues {
				dup = dup || is.Field == field
			}
			if !dup {
				bad(field, e.Fields[field], e.FieldArgs[field]...)
			}
		}
	}
	return r, issues
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// ParseRef reads "REQ-007", "req-7" or "7" (prefix given) into 7.
func ParseRef(s, prefix string) (int64, bool) {
	s = strings.TrimSpace(s)
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		s = s[len(prefix):]
	}
	if s == "" || len(s) > 6 {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 || n > MaxNumber {
		return 0, false
	}
	return n, true
}

// parseChoice accepts a key ("must"), its label in any language (必须做,
// Must have) or, for priorities, the MoSCoW letter.
func parseChoice(v string, keys []string, prefix string) (string, bool) {
	nv := norm(v)
	for _, k := range keys {
		if nv == k {
			return k, true
		}
		for _, l := range i18n.Langs {
			if nv == norm(i18n.T(l, prefix+k)) {
				return k, true
			}
		}
	}
	if prefix == "requirement.priority." {
		switch nv {
		case "m":
			return PriorityMust, true
		case "s":
			return PriorityShould, true
		case "c":
			return PriorityCould, true
		case "w":
			return PriorityWont, true
		}
	}
	return "", false
}

var errImportIssues = errors.New("import has issues")

// Import creates the rows of a requirement list as draft requirements,
// all or none: any issue (a bad cell, a number already used in the
// project, even by a deleted requirement, or twice in the file) writes
// nothing and is reported per row.
func (s *Service) Import(ctx context.Context, p *access.Principal, projectID int64, data []byte) (ImportResult, error) {
	if _, err := s.can(ctx, p, projectID, access.RequirementEdit); err != nil {
		return ImportResult{}, err
	}
	rows, issues, err := ParseList(data)
	if err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{Rows: len(rows), Issues: issues}
	if res.Issues == nil {
		res.Issues = []ImportIssue{}
	}
	if len(rows) == 0 {
		return res, apperr.InvalidField("file", "requirement.err_no_rows")
	}
	seen := map[int64]int{}
	for _, r := range rows {
		if r.In.Number == 0 {
			continue
		}
		if first, ok := seen[r.In.Number]; ok {
			res.Issues = append(res.Issues, ImportIssue{Row: r.Row, Field: "number", Key: "requirement.err_number_twice", Args: []any{ReqRef(r.In.Number), first}})
		}
		seen[r.In.Number] = r.Row
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID); err != nil {
			return err
		}
		for _, r := range rows {
			if r.In.Number == 0 {
				continue
			}
			taken, err := numberTaken(ctx, tx, "requirements", projectID, r.In.Number)
			if err != nil {
				return err
			}
			if taken {
				res.Issues = append(res.Issues, ImportIssue{Row: r.Row, Field: "number", Key: "requirement.err_number_taken", Args: []any{ReqRef(r.In.Number)}})
			}
		}
		if len(res.Issues) > 0 {
			return errImportIssues
		}
		// Explicit numbers first, so a row without one never takes a
		// number a later row names.
		for _, pass := range []bool{true, false} {
			for _, r := range rows {
				if (r.In.Number != 0) != pass {
					continue
				}
				if _, err := s.insert(ctx, tx, p, projectID, r.In, StatusDraft); err != nil {
					return err
				}
				res.Created++
			}
		}
		return nil
	})
	if errors.Is(err, errImportIssues) {
		sortIssues(res.Issues)
		return res, nil
	}
	if err != nil {
		return ImportResult{}, apperr.Wrap(err)
	}
	return res, nil
}

func sortIssues(is []ImportIssue) {
	for i := 1; i < len(is); i++ {
		for j := i; j > 0 && is[j].Row < is[j-1].Row; j-- {
			is[j], is[j-1] = is[j-1], is[j]
		}
	}
}
