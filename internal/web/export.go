package web

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Column describes one exported column: Header is already translated; Kind
// picks the cell type and width. A zero Width picks a default from Kind and
// the header length.
type Column struct {
	Header string
	Kind   ColumnKind
	Width  float64
}

// ColumnKind selects how a column's values are converted and formatted.
type ColumnKind int

const (
	// ColText writes strings (anything else through fmt.Sprint) as text.
	ColText ColumnKind = iota
	// ColInt writes any Go integer as a number.
	ColInt
	// ColMoney takes int64 minor units (fen) and writes yuan with two
	// decimals, formatted "¥#,##0.00", so that sums in Excel stay numeric.
	ColMoney
	// ColDate takes "YYYY-MM-DD" text and keeps it as text: a calendar date
	// has no time zone, and converting it to an Excel serial invites
	// off-by-one-day bugs. A time.Time is formatted in its own location.
	ColDate
	// ColDateTime takes int64 epoch milliseconds (or a time.Time) and writes
	// a real Excel date-time shown as "yyyy-mm-dd hh:mm" in Asia/Shanghai,
	// so the column sorts and filters as dates.
	ColDateTime
	// ColPercent takes a float fraction (0..1) and formats it as "0.00%".
	ColPercent
)

const (
	xlsxMoneyFormat    = "¥#,##0.00"
	xlsxDateTimeFormat = "yyyy-mm-dd hh:mm"
	xlsxPercentFormat  = "0.00%"
	xlsxContentType    = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	xlsxMaxSheetName   = 31
)

// xlsxShanghai is resolved lazily because the zone database may be missing
// in minimal containers; China has had no DST since 1991, so a fixed +08:00
// is an acceptable fallback for the timestamps we export.
var xlsxShanghai = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
})

// WriteXLSX streams a one-sheet workbook to w: bold frozen header row,
// autofilter over the header, column widths. next returns the next row's
// values (len == len(cols)) or ok=false at the end, or an error which aborts.
// A nil value leaves its cell empty; pointers to basic types are
// dereferenced.
//
// Rows go through excelize's StreamWriter, which spills to a temporary file
// past 16 MiB, and the zip is written straight to w, so memory does not grow
// with the row count. Nothing is written to w before next has reported the
// end, so an error from next leaves w untouched.
func WriteXLSX(w io.Writer, sheet string, cols []Column, next func() (row []any, ok bool, err error)) (err error) {
	if len(cols) == 0 {
		return errors.New("web: WriteXLSX: no columns")
	}
	if len(cols) > excelize.MaxColumns {
		return fmt.Errorf("web: WriteXLSX: %d columns exceed the sheet limit", len(cols))
	}
	f := excelize.NewFile()
	defer func() {
		// Close removes the stream writer's temporary file.
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()

	name := xlsxSheetName(sheet)
	if name != "Sheet1" {
		if err := f.SetSheetName("Sheet1", name); err != nil {
			return err
		}
	}
	enc, err := newXLSXEncoder(f)
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, xlsxColumnWidth(c)); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{
		Freeze:      true,
		YSplit:      1,
		TopLeftCell: "A2",
		ActivePane:  "bottomLeft",
		Selection:   []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return err
	}

	cells := make([]any, len(cols))
	for i, c := range cols {
		cells[i] = excelize.Cell{StyleID: enc.header, Value: c.Header}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}

	rowNum := 1
	for {
		row, ok, err := next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if len(row) != len(cols) {
			return fmt.Errorf("web: WriteXLSX: row %d has %d values, want %d", rowNum, len(row), len(cols))
		}
		rowNum++
		for i, v := range row {
			cell, err := enc.cell(cols[i].Kind, v)
			if err != nil {
				return fmt.Errorf("web: WriteXLSX: row %d, column %q: %w", rowNum-1, cols[i].Header, err)
			}
			cells[i] = cell
		}
		if err := sw.SetRow("A"+strconv.Itoa(rowNum), cells); err != nil {
			return err
		}
	}

	// The filter range must cover the data, not only the header, or Excel
	// filters nothing; the stream writer emits it at Flush, so it is set
	// here once the last row is known.
	lastCol, err := excelize.ColumnNumberToName(len(cols))
	if err != nil {
		return err
	}
	if err := f.AutoFilter(name, "A1:"+lastCol+strconv.Itoa(rowNum), nil); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	// File.Write assembles the whole zip in a bytes.Buffer before copying;
	// pointing the zip writer at w instead keeps a 100k-row export from
	// holding the compressed workbook in memory.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	return f.Write(w)
}

// ServeXLSX sets Content-Type, Content-Disposition with a UTF-8 filename
// (RFC 5987/6266 filename* plus an ASCII fallback) and calls WriteXLSX.
//
// If it fails before any byte was sent (which includes every error from
// next, see WriteXLSX), the download headers are removed again so the caller
// can still answer with an ordinary error page.
func ServeXLSX(w http.ResponseWriter, filename, sheet string, cols []Column, next func() ([]any, bool, error)) error {
	h := w.Header()
	h.Set("Content-Type", xlsxContentType)
	h.Set("Content-Disposition", xlsxContentDisposition(filename))
	h.Set("X-Content-Type-Options", "nosniff")
	// Exports carry business data; keep them out of shared caches.
	h.Set("Cache-Control", "private, no-store")
	cw := &xlsxCountingWriter{w: w}
	err := WriteXLSX(cw, sheet, cols, next)
	if err != nil && cw.n == 0 {
		h.Del("Content-Type")
		h.Del("Content-Disposition")
		h.Del("Cache-Control")
	}
	return err
}

type xlsxCountingWriter struct {
	w io.Writer
	n int64
}

func (c *xlsxCountingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// xlsxContentDisposition builds an attachment header that old clients read
// through the ASCII filename and current browsers through filename*.
func xlsxContentDisposition(filename string) string {
	if filename == "" {
		filename = "export.xlsx"
	}
	var b strings.Builder
	b.WriteString(`attachment; filename="`)
	b.WriteString(xlsxASCIIFilename(filename))
	b.WriteString(`"; filename*=UTF-8''`)
	b.WriteString(xlsxRFC5987Escape(filename))
	return b.String()
}

// xlsxASCIIFilename replaces every run of characters that are not safe
// inside a quoted-string (non-ASCII, controls, quote, backslash) with one
// underscore; '%' and '/' go too because some clients percent-decode the
// fallback or treat it as a path.
func xlsxASCIIFilename(name string) string {
	var b strings.Builder
	lastUnderscore := false
	for _, r := range name {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '/' || r == '%' {
			if !lastUnderscore {
				b.WriteByte('_')
				lastUnderscore = true
			}
			continue
		}
		b.WriteRune(r)
		lastUnderscore = r == '_'
	}
	s := b.String()
	if strings.Trim(s, "_.") == "" || strings.HasPrefix(s, ".") {
		s = "export" + s
	}
	return s
}

// xlsxRFC5987Escape percent-encodes everything outside RFC 5987 attr-char.
func xlsxRFC5987Escape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("!#$&+-.^_`|~", c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0x0f])
		}
	}
	return b.String()
}

// xlsxSheetName makes any caller-supplied title a legal sheet name instead
// of failing the export: Excel forbids : \ / ? * [ ] and caps names at 31
// characters; apostrophes are replaced too because the autofilter's defined
// name quotes the sheet name with them.
func xlsxSheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ':', '\\', '/', '?', '*', '[', ']', '\'':
			return '_'
		}
		if r < 0x20 {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if utf8.RuneCountInString(s) > xlsxMaxSheetName {
		s = string([]rune(s)[:xlsxMaxSheetName])
	}
	if s == "" {
		return "Sheet1"
	}
	return s
}

// xlsxColumnWidth falls back to a per-kind default, widened so the header
// (where CJK characters take two columns) is not cut off.
func xlsxColumnWidth(c Column) float64 {
	if c.Width > 0 {
		return min(c.Width, excelize.MaxColumnWidth)
	}
	var w float64
	switch c.Kind {
	case ColInt, ColPercent:
		w = 10
	case ColMoney:
		w = 16
	case ColDate:
		w = 12
	case ColDateTime:
		w = 17
	default:
		w = 20
	}
	var hw float64
	for _, r := range c.Header {
		if r >= 0x1100 {
			hw += 2
		} else {
			hw++
		}
	}
	// Room for the autofilter drop-down button.
	hw += 4
	return min(max(w, hw), 60)
}

// xlsxEncoder holds the style ids of one workbook and converts values.
type xlsxEncoder struct {
	header, money, dateTime, percent int
}

func newXLSXEncoder(f *excelize.File) (*xlsxEncoder, error) {
	var e xlsxEncoder
	var err error
	if e.header, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EDEDED"}},
		Alignment: &excelize.Alignment{Vertical: "center"},
	}); err != nil {
		return nil, err
	}
	money := xlsxMoneyFormat
	if e.money, err = f.NewStyle(&excelize.Style{CustomNumFmt: &money}); err != nil {
		return nil, err
	}
	dt := xlsxDateTimeFormat
	if e.dateTime, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dt}); err != nil {
		return nil, err
	}
	pct := xlsxPercentFormat
	if e.percent, err = f.NewStyle(&excelize.Style{CustomNumFmt: &pct}); err != nil {
		return nil, err
	}
	return &e, nil
}

func (e *xlsxEncoder) cell(kind ColumnKind, v any) (any, error) {
	v = xlsxDeref(v)
	if v == nil {
		return nil, nil
	}
	switch kind {
	case ColText:
		switch v := v.(type) {
		case string:
			return v, nil
		case []byte:
			return string(v), nil
		default:
			// Always text, even for numbers: the caller chose a text column.
			return fmt.Sprint(v), nil
		}
	case ColInt:
		n, ok := xlsxInt(v)
		if !ok {
			return nil, fmt.Errorf("ColInt needs an integer, got %T", v)
		}
		return n, nil
	case ColMoney:
		n, ok := xlsxInt(v)
		if !ok {
			return nil, fmt.Errorf("ColMoney needs integer minor units, got %T", v)
		}
		// Exact for |n| < 2^53 fen, far beyond any amount we store; the
		// shortest float formatting then prints exactly two decimals.
		return excelize.Cell{StyleID: e.money, Value: float64(n) / 100}, nil
	case ColDate:
		switch v := v.(type) {
		case string:
			return v, nil
		case time.Time:
			if v.IsZero() {
				return nil, nil
			}
			return v.Format(time.DateOnly), nil
		default:
			return nil, fmt.Errorf("ColDate needs a YYYY-MM-DD string, got %T", v)
		}
	case ColDateTime:
		var t time.Time
		switch v := v.(type) {
		case time.Time:
			if v.IsZero() {
				return nil, nil
			}
			t = v
		default:
			ms, ok := xlsxInt(v)
			if !ok {
				return nil, fmt.Errorf("ColDateTime needs int64 epoch milliseconds, got %T", v)
			}
			t = time.UnixMilli(ms)
		}
		// excelize stores the wall clock of the time's location.
		return excelize.Cell{StyleID: e.dateTime, Value: t.In(xlsxShanghai()).Truncate(time.Second)}, nil
	case ColPercent:
		var p float64
		switch v := v.(type) {
		case float64:
			p = v
		case float32:
			p = float64(v)
		default:
			return nil, fmt.Errorf("ColPercent needs a float fraction, got %T", v)
		}
		return excelize.Cell{StyleID: e.percent, Value: p}, nil
	}
	return nil, fmt.Errorf("unknown column kind %d", kind)
}

func xlsxDeref(v any) any {
	switch p := v.(type) {
	case *string:
		if p != nil {
			return *p
		}
	case *int64:
		if p != nil {
			return *p
		}
	case *int:
		if p != nil {
			return *p
		}
	case *int32:
		if p != nil {
			return *p
		}
	case *float64:
		if p != nil {
			return *p
		}
	case *bool:
		if p != nil {
			return *p
		}
	case *time.Time:
		if p != nil {
			return *p
		}
	default:
		return v
	}
	return nil
}

func xlsxInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int8:
		return int64(n), true
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case uint8:
		return int64(n), true
	case uint16:
		return int64(n), true
	case uint32:
		return int64(n), true
	case uint:
		if uint64(n) <= 1<<63-1 {
			return int64(n), true
		}
	case uint64:
		if n <= 1<<63-1 {
			return int64(n), true
		}
	}
	return 0, false
}
