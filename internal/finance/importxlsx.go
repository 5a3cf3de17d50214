package finance

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/calendar"
	"golive/internal/db"
)

// Limits of a foreman's sheet.
const (
	ImportMaxBytes = 4 << 20
	ImportMaxRows  = 5000
)

// ImportColumns is the foreman's sheet layout (first sheet, header row
// first): 日期 | 姓名 | 工种 | 数量 | 单位 | 加班 | 现场 | 说明. Headers may
// also be the English names; columns are found by header, so their order
// is free. 单位 is 工日/天/day or 小时/时/hour (default 工日); 加班 and 现场
// are 是/否, Y/N, 1/0 (现场 default 是).
var ImportColumns = [][]string{
	{"日期", "date"}, {"姓名", "name"}, {"工种", "trade"}, {"数量", "qty"}, {"单位", "unit"},
	{"加班", "overtime"}, {"现场", "onsite"}, {"说明", "description"},
}

// SheetLine is one data row of a foreman's sheet as read (values trimmed,
// not yet checked).
type SheetLine struct {
	Row                                                      int // 1-based row number in the sheet
	Date, Name, Trade, Qty, Unit, Overtime, Onsite, Describe string
}

// ParseForemanSheet reads a foreman's .xlsx. Only the file as a whole can
// fail here (not a workbook, no header, too big); row problems are found
// by the import, per row.
func ParseForemanSheet(data []byte) ([]SheetLine, error) {
	if len(data) > ImportMaxBytes {
		return nil, apperr.InvalidField("file", "finance.import_too_big", ImportMaxBytes>>20)
	}
	if !bytes.HasPrefix(data, []byte("PK")) {
		return nil, apperr.InvalidField("file", "finance.import_not_xlsx")
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true, UnzipSizeLimit: 32 << 20, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, apperr.InvalidField("file", "finance.import_not_xlsx")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, apperr.InvalidField("file", "finance.import_not_xlsx")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, apperr.InvalidField("file", "finance.import_not_xlsx")
	}
	defer rows.Close()
	col := map[string]int{}
	var out []SheetLine
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns()
		if err != nil {
			return nil, apperr.InvalidField("file", "finance.import_not_xlsx")
		}
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
			if !utf8.ValidString(cells[i]) || len(cells[i]) > 1000 {
				cells[i] = "\uFFFD"
			}
		}
		if len(col) == 0 {
			for i, c := range cells {
				for _, names := range ImportColumns {
					if strings.EqualFold(c, names[0]) || strings.EqualFold(c, names[1]) {
						if _, dup := col[names[1]]; !dup {
							col[names[1]] = i
						}
					}
				}
			}
			if len(col) == 0 {
				if strings.Join(cells, "") == "" && n < 10 {
					continue // blank rows above the header
				}
				return nil, apperr.InvalidField("file", "finance.import_no_header")
			}
			for _, need := range []string{"date", "name", "qty"} {
				if _, ok := col[need]; !ok {
					return nil, apperr.InvalidField("file", "finance.import_missing_column", need)
				}
			}
			continue
		}
		get := func(k string) string {
			if i, ok := col[k]; ok && i < len(cells) {
				return cells[i]
			}
			return ""
		}
		l := SheetLine{Row: n, Date: get("date"), Name: get("name"), Trade: get("trade"), Qty: get("qty"), Unit: get("unit"),
			Overtime: get("overtime"), Onsite: get("onsite"), Describe: get("description")}
		if l.Date == "" && l.Name == "" && l.Qty == "" {
			continue
		}
		out = append(out, l)
		if len(out) > ImportMaxRows {
			return nil, apperr.InvalidField("file", "finance.import_too_many", ImportMaxRows)
		}
	}
	if len(col) == 0 {
		return nil, apperr.InvalidField("file", "finance.import_no_header")
	}
	if len(out) == 0 {
		return nil, apperr.InvalidField("file", "finance.import_empty")
	}
	return out, nil
}

// ParseSheetDate reads 2026-03-02, 2026/3/2, 2026.3.2, 2026年3月2日 or an
// Excel serial day number (1900 date system).
func ParseSheetDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if serial(s) {
		n, _ := strconv.ParseFloat(s, 64)
		if n >= 20000 && n < 80000 { // 1954 … 2119
			return (calendar.FromYMD(1899, 12, 30) + calendar.Date(int(n))).String(), true
		}
		return "", false
	}
	r := strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-")
	parts := strings.Split(r.Replace(s), "-")
	if len(parts) != 3 {
		return "", false
	}
	var v [3]int
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || len(p) > 4 {
			return "", false
		}
		v[i] = n
	}
	d := fmt.Sprintf("%04d-%02d-%02d", v[0], v[1], v[2])
	if _, err := calendar.Parse(d); err != nil {
		return "", false
	}
	return d, true
}

func parseYesNo(s string, def bool) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return def, true
	case "是", "y", "yes", "1", "true", "√", "✓":
		return true, true
	case "否", "n", "no", "0", "false", "×":
		return false, true
	}
	return false, false
}

func parseUnit(s string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "工日", "天", "日", "day", "days", "d":
		return UnitDay, true
	case "小时", "时", "h", "hour", "hours", "工时":
		return UnitHour, true
	}
	return "", false
}

// ImportRow is the outcome of one row.
type ImportRow struct {
	Row     int    `json:"row"`
	Name    string `json:"name"`
	Date    string `json:"date"`
	Field   string `json:"field,omitempty"`
	Error   string `json:"error,omitempty"` // catalog key
	Args    []any  `json:"args,omitempty"`
	Message string `json:"message,omitempty"` // the error in the caller's language
}

// ImportReport lists the rows with problems; nothing is written unless
// every row is good (Created then counts the new draft records).
type ImportReport struct {
	Rows    int         `json:"rows"`
	Created int         `json:"created"`
	Errors  []ImportRow `json:"errors"`
}

// ImportLabor imports a foreman's sheet of day workers of one
// subcontractor (names are matched to its workers) as draft records. All
// or nothing: any bad row (unknown name, bad date or quantity, over 24 h
// for a person and day, closed month) is reported with its row number and
// field, and nothing is written.
func (s *Service) ImportLabor(ctx context.Context, p *access.Principal, projectID, subID int64, data []byte) (ImportReport, error) {
	rt, err := s.laborAccess(ctx, p, projectID)
	if err != nil {
		return ImportReport{}, err
	}
	if !rt.others {
		return ImportReport{}, apperr.ForbiddenErr()
	}
	lines, err := ParseForemanSheet(data)
	if err != nil {
		return ImportReport{}, err
	}
	subs, err := s.Subcontractors(ctx, p)
	if err != nil {
		return ImportReport{}, err
	}
	workers := map[string]Worker{}
	found := false
	for _, sc := range subs {
		if sc.ID != subID {
			continue
		}
		found = true
		for _, w := range sc.Workers {
			workers[w.Name] = w
		}
	}
	if !found {
		return ImportReport{}, apperr.InvalidField("subcontractor_id", "finance.subcontractor_invalid")
	}
	rep := ImportReport{Rows: len(lines), Errors: []ImportRow{}}
	var ins []LaborInput
	var rowOf []int
	for _, l := range lines {
		bad := func(field, key string, args ...any) {
			rep.Errors = append(rep.Errors, ImportRow{Row: l.Row, Name: l.Name, Date: l.Date, Field: field, Error: key, Args: args})
		}
		date, ok := ParseSheetDate(l.Date)
		if !ok {
			bad("date", "finance.date_invalid")
			continue
		}
		w, ok := workers[l.Name]
		if !ok {
			bad("name", "finance.import_unknown_worker")
			continue
		}
		unit, ok := parseUnit(l.Unit)
		if !ok {
			bad("unit", "finance.unit_invalid")
			continue
		}
		q, err := ParseQty(l.Qty)
		if err != nil && q >= 0 {
			bad("qty", "finance.qty_format")
			continue
		}
		ot, ok1 := parseYesNo(l.Overtime, false)
		on, ok2 := parseYesNo(l.Onsite, true)
		if !ok1 {
			bad("overtime", "finance.yes_no")
			continue
		}
		if !ok2 {
			bad("onsite", "finance.yes_no")
			continue
		}
		trade := l.Trade
		if trade == "" {
			trade = w.Trade
		}
		in := LaborInput{Date: date, WorkerID: w.ID, Trade: trade, Unit: unit, Qty: q, Overtime: ot, Onsite: on, Description: l.Describe}
		if err := in.Validate(); err != nil {
			e := apperr.As(err)
			for f, k := range e.Fields {
				bad(f, k, e.FieldArgs[f]...)
				break
			}
			continue
		}
		ins = append(ins, in)
		rowOf = append(rowOf, l.Row)
	}
	if len(rep.Errors) > 0 {
		return rep, nil
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID); err != nil {
			return err
		}
		for i := range ins {
			sub, err := checkRecord(ctx, tx, projectID, 0, &ins[i])
			if err != nil {
				e := apperr.As(err)
				if e.Code != apperr.Invalid {
					return err
				}
				for f, k := range e.Fields {
					rep.Errors = append(rep.Errors, ImportRow{Row: rowOf[i], Name: lines[0].Name, Date: ins[i].Date, Field: f, Error: k, Args: e.FieldArgs[f]})
					rep.Errors[len(rep.Errors)-1].Name = nameOf(lines, rowOf[i])
				}
				continue
			}
			if _, err := insertLabor(ctx, tx, p, projectID, ins[i], sub, LaborDraft); err != nil {
				return err
			}
		}
		if len(rep.Errors) > 0 {
			return errRollback
		}
		rep.Created = len(ins)
		return auditRecord(ctx, tx, p, projectID, "labor_import", subID, "import", fmt.Sprintf("%d", len(ins)), nil)
	})
	if err == errRollback {
		rep.Created = 0
		return rep, nil
	}
	return rep, apperr.Wrap(err)
}

var errRollback = fmt.Errorf("finance: roll back the import")

func nameOf(lines []SheetLine, row int) string {
	for _, l := range lines {
		if l.Row == row {
			return l.Name
		}
	}
	return ""
}

// TemplateXLSX is an empty foreman's sheet with the header row.
func TemplateXLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	for i, c := range ImportColumns {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		f.SetCellValue("Sheet1", cell, c[0])
	}
	f.SetCellValue("Sheet1", "A2", "2026-03-02")
	f.SetCellValue("Sheet1", "D2", "1")
	f.SetCellValue("Sheet1", "E2", "工日")
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// serial reports whether s is an Excel day number: digits with at most one
// decimal part.
func serial(s string) bool {
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(whole) > 6 || len(frac) > 12 {
		return false
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
