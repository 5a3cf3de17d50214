package engine

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"golive/internal/apperr"
)

// Limits bound what a reader accepts, so a hostile or mistaken upload
// fails with a clear message instead of filling memory or disk.
type Limits struct {
	MaxBytes    int64 // size of the file as uploaded
	MaxUnzipped int64 // .xlsx: total uncompressed size of the zip's entries
	MaxRows     int   // data rows, header excluded
	MaxColumns  int   // columns per row
}

// DefaultLimits are the limits of the web upload and the command.
func DefaultLimits() Limits {
	return Limits{
		MaxBytes:    512 << 20,
		MaxUnzipped: 2 << 30,
		MaxRows:     5_000_000,
		MaxColumns:  500,
	}
}

// Format of an input file.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// Encodings a CSV reader reports.
const (
	EncodingUTF8    = "utf-8"
	EncodingUTF8BOM = "utf-8-bom"
	EncodingGB18030 = "gb18030" // GBK files are GB18030 subsets
)

// RowReader yields a file's rows one at a time.
type RowReader interface {
	// Header is the first row (for .xlsx the first non-empty row).
	Header() []string
	// Next returns the next data row and its 1-based line (CSV: the line
	// where the record starts; .xlsx: the sheet row number). The slice is
	// reused by the following call. At the end it returns io.EOF; a
	// malformed file or an exceeded limit is an *apperr.Error.
	Next() (row []string, line int, err error)
	// Info tells the format, the detected encoding and the sheet.
	Info() ReaderInfo
	Close() error
}

// ReaderInfo describes what a reader found.
type ReaderInfo struct {
	Format   string `json:"format"`             // FormatCSV or FormatXLSX
	Encoding string `json:"encoding,omitempty"` // CSV only
	Sheet    string `json:"sheet,omitempty"`    // .xlsx only
	Comma    string `json:"comma,omitempty"`    // CSV delimiter found: "," ";" or "\t"
}

// Opener opens a fresh reader over the same input. Run calls it once, or
// twice when de-duplication keeps the last or most complete row (a first
// pass finds the survivors).
type Opener func() (RowReader, error)

// OpenCSV reads CSV from r: UTF-8 with or without BOM, or GB18030/GBK,
// detected from the first 64 KiB; the delimiter (comma, semicolon or tab)
// is taken from the header line.
func OpenCSV(r io.Reader, lim Limits) (RowReader, error) {
	lim = lim.orDefault()
	var size int64
	switch v := r.(type) {
	case interface{ Stat() (os.FileInfo, error) }:
		if st, err := v.Stat(); err == nil {
			size = st.Size()
		}
	case interface{ Len() int }:
		size = int64(v.Len())
	}
	br := bufio.NewReaderSize(&limitedReader{r: r, left: lim.MaxBytes, max: lim.MaxBytes}, 64<<10)
	peek, err := br.Peek(64 << 10)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		var ae *apperr.Error
		if errors.As(err, &ae) {
			return nil, ae
		}
		return nil, invalidField("file", "dataengine.file.unreadable")
	}
	if len(bytes.TrimSpace(peek)) == 0 {
		return nil, invalidField("file", "dataengine.file.empty")
	}
	info := ReaderInfo{Format: FormatCSV}
	var src io.Reader = br
	switch {
	case bytes.HasPrefix(peek, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		info.Encoding = EncodingUTF8BOM
	case bytes.HasPrefix(peek, []byte{0xFF, 0xFE}) || bytes.HasPrefix(peek, []byte{0xFE, 0xFF}):
		return nil, invalidField("file", "dataengine.file.utf16")
	case bytes.IndexByte(peek, 0) >= 0:
		return nil, invalidField("file", "dataengine.file.binary")
	case validUTF8Prefix(peek, len(peek) < 64<<10):
		info.Encoding = EncodingUTF8
	case validGB18030(peek, len(peek) < 64<<10):
		info.Encoding = EncodingGB18030
		src = transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder())
	default:
		return nil, invalidField("file", "dataengine.file.encoding")
	}
	// The delimiter: whichever of , ; tab occurs most in the header line.
	first := peek
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	comma := ','
	if n := bytes.Count(first, []byte{';'}); n > bytes.Count(first, []byte{','}) {
		comma = ';'
	}
	if n := bytes.Count(first, []byte{'\t'}); n > bytes.Count(first, []byte{','}) && n > bytes.Count(first, []byte{';'}) {
		comma = '\t'
	}
	info.Comma = string(comma)
	cr := csv.NewReader(src)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	c := &csvReader{cr: cr, info: info, lim: lim, size: size}
	for {
		row, _, err := c.next(true)
		if err == io.EOF {
			return nil, invalidField("file", "dataengine.file.empty")
		}
		if err != nil {
			return nil, err
		}
		if !emptyRow(row) {
			c.header = trimHeader(slices.Clone(row))
			break
		}
	}
	return c, nil
}

type csvReader struct {
	cr     *csv.Reader
	info   ReaderInfo
	lim    Limits
	header []string
	rows   int
	size   int64 // of the input, 0 when unknown
}

// rowsHint estimates the file's row count from its size and the bytes the
// rows so far took (for GB18030 the decoded bytes: an underestimate).
func (c *csvReader) rowsHint() int {
	off := c.cr.InputOffset()
	if c.size <= 0 || off <= 0 || c.rows == 0 {
		return 0
	}
	return int(c.size * int64(c.rows) / off)
}

func (c *csvReader) Header() []string { return c.header }
func (c *csvReader) Info() ReaderInfo { return c.info }
func (c *csvReader) Close() error     { return nil }

func (c *csvReader) Next() ([]string, int, error) {
	for {
		row, line, err := c.next(false)
		if err != nil {
			return nil, 0, err
		}
		if emptyRow(row) {
			continue
		}
		c.rows++
		if c.rows > c.lim.MaxRows {
			return nil, 0, invalidField("file", "dataengine.file.too_many_rows", c.lim.MaxRows)
		}
		return row, line, nil
	}
}

func (c *csvReader) next(header bool) ([]string, int, error) {
	row, err := c.cr.Read()
	if err == io.EOF {
		return nil, 0, io.EOF
	}
	if err != nil {
		var ae *apperr.Error
		if errors.As(err, &ae) {
			return nil, 0, ae
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if errors.Is(pe.Err, transform.ErrShortSrc) || errors.Is(pe.Err, errBadEncoding) {
				return nil, 0, invalidField("file", "dataengine.file.encoding_at", pe.Line)
			}
			return nil, 0, invalidField("file", "dataengine.file.csv_syntax", pe.Line)
		}
		return nil, 0, invalidField("file", "dataengine.file.unreadable")
	}
	if len(row) > c.lim.MaxColumns {
		line, _ := c.cr.FieldPos(0)
		return nil, 0, invalidField("file", "dataengine.file.too_many_columns", line, c.lim.MaxColumns)
	}
	line, _ := c.cr.FieldPos(0)
	return row, line, nil
}

var errBadEncoding = errors.New("engine: bad encoding")

// validUTF8Prefix is utf8.Valid, tolerating a sequence cut at the end of
// a peeked prefix.
func validUTF8Prefix(b []byte, complete bool) bool {
	if utf8.Valid(b) {
		return true
	}
	if complete {
		return false
	}
	for cut := 1; cut <= 3 && cut < len(b); cut++ {
		if utf8.Valid(b[:len(b)-cut]) {
			return true
		}
	}
	return false
}

// validGB18030 decodes b and refuses any replacement character, which is
// how the decoder reports bytes that are not GB18030.
func validGB18030(b []byte, complete bool) bool {
	dec := simplifiedchinese.GB18030.NewDecoder()
	out := make([]byte, 0, len(b)*3/2)
	buf := make([]byte, 4096)
	src := b
	for len(src) > 0 {
		nDst, nSrc, err := dec.Transform(buf, src, complete)
		out = append(out, buf[:nDst]...)
		src = src[nSrc:]
		if err == transform.ErrShortSrc && !complete {
			break
		}
		if err != nil && err != transform.ErrShortDst {
			return false
		}
	}
	return !bytes.ContainsRune(out, utf8.RuneError)
}

func emptyRow(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// trimHeader drops empty trailing header cells (spreadsheets leave them).
func trimHeader(h []string) []string {
	for len(h) > 0 && strings.TrimSpace(h[len(h)-1]) == "" {
		h = h[:len(h)-1]
	}
	for i := range h {
		h[i] = strings.TrimSpace(h[i])
	}
	return h
}

// limitedReader fails once more than left bytes were read.
type limitedReader struct {
	r         io.Reader
	left, max int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, tooBig(l.max)
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return 0, tooBig(l.max)
	}
	return n, err
}

func tooBig(max int64) error {
	return invalidField("file", "dataengine.file.too_big", max>>20)
}

func (l Limits) orDefault() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxUnzipped <= 0 {
		l.MaxUnzipped = d.MaxUnzipped
	}
	if l.MaxRows <= 0 {
		l.MaxRows = d.MaxRows
	}
	if l.MaxColumns <= 0 {
		l.MaxColumns = d.MaxColumns
	}
	return l
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// OpenXLSX reads the first worksheet of an .xlsx workbook. The zip's
// directory is checked before anything is decompressed: a total
// uncompressed size over MaxUnzipped (a zip bomb) is refused, and so are
// an encrypted (password-protected) workbook, an old .xls and a corrupt
// file, each with its own message. Cells are raw values: dates arrive as
// Excel serial numbers, which the date normaliser understands.
func OpenXLSX(r io.ReaderAt, size int64, lim Limits) (RowReader, error) {
	lim = lim.orDefault()
	if err := checkXLSX(r, size, lim); err != nil {
		return nil, err
	}
	if zr, err := zip.NewReader(r, size); err == nil {
		if rd, err := openSheetReader(zr, lim); err == nil {
			return rd, nil
		} else if !isCorrupt(err) {
			return nil, err
		}
	}
	// The scanner could not make sense of the workbook: excelize decides.
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), xlsxOptions(lim))
	if err != nil {
		return nil, xlsxOpenError(err)
	}
	return newXLSXReader(f, lim)
}

func isCorrupt(err error) bool {
	var ae *apperr.Error
	return errors.As(err, &ae) && ae.Key == "dataengine.file.corrupt"
}

// checkXLSX looks at the magic bytes and the zip directory.
func checkXLSX(r io.ReaderAt, size int64, lim Limits) error {
	if size == 0 {
		return invalidField("file", "dataengine.file.empty")
	}
	if size > lim.MaxBytes {
		return tooBig(lim.MaxBytes)
	}
	head := make([]byte, 8)
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	if bytes.HasPrefix(head, oleMagic) {
		if oleEncrypted(r, size) {
			return invalidField("file", "dataengine.file.encrypted")
		}
		return invalidField("file", "dataengine.file.xls")
	}
	if !bytes.HasPrefix(head, zipMagic) {
		return invalidField("file", "dataengine.file.not_xlsx")
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return invalidField("file", "dataengine.file.corrupt")
	}
	var total uint64
	workbook := false
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(lim.MaxUnzipped) || total < f.UncompressedSize64 {
			return invalidField("file", "dataengine.file.zip_bomb", lim.MaxUnzipped>>20)
		}
		if f.Name == "xl/workbook.xml" {
			workbook = true
		}
	}
	if !workbook {
		return invalidField("file", "dataengine.file.not_xlsx")
	}
	return nil
}

// oleEncrypted looks for the "EncryptedPackage" stream name (UTF-16LE) in
// the first MiB of a compound file: Excel's password-protected workbooks
// have it, old .xls files do not.
func oleEncrypted(r io.ReaderAt, size int64) bool {
	n := min(size, 1<<20)
	b := make([]byte, n)
	m, _ := r.ReadAt(b, 0)
	name := []byte{}
	for _, c := range "EncryptedPackage" {
		name = append(name, byte(c), 0)
	}
	return bytes.Contains(b[:m], name)
}

func xlsxOptions(lim Limits) excelize.Options {
	return excelize.Options{RawCellValue: true, UnzipSizeLimit: lim.MaxUnzipped, UnzipXMLSizeLimit: min(lim.MaxUnzipped, 16<<20)}
}

func xlsxOpenError(err error) error {
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return ae
	}
	if strings.Contains(err.Error(), "unzip size") {
		return invalidField("file", "dataengine.file.zip_bomb", 0)
	}
	return invalidField("file", "dataengine.file.corrupt")
}

type xlsxReader struct {
	f      *excelize.File
	rows   *excelize.Rows
	lim    Limits
	info   ReaderInfo
	header []string
	line   int
	n      int
}

func newXLSXReader(f *excelize.File, lim Limits) (_ RowReader, err error) {
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, invalidField("file", "dataengine.file.corrupt")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, invalidField("file", "dataengine.file.corrupt")
	}
	x := &xlsxReader{f: f, rows: rows, lim: lim, info: ReaderInfo{Format: FormatXLSX, Sheet: sheets[0]}}
	for {
		row, _, err := x.next()
		if err != nil {
			rows.Close()
			if err == io.EOF {
				return nil, invalidField("file", "dataengine.file.empty")
			}
			return nil, err
		}
		if !emptyRow(row) {
			x.header = trimHeader(slices.Clone(row))
			return x, nil
		}
	}
}

func (x *xlsxReader) Header() []string { return x.header }
func (x *xlsxReader) Info() ReaderInfo { return x.info }

func (x *xlsxReader) Close() error {
	x.rows.Close()
	return x.f.Close()
}

func (x *xlsxReader) next() ([]string, int, error) {
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return nil, 0, invalidField("file", "dataengine.file.corrupt")
		}
		return nil, 0, io.EOF
	}
	x.line++
	row, err := x.rows.Columns()
	if err != nil {
		return nil, 0, invalidField("file", "dataengine.file.corrupt_at", x.line)
	}
	if len(row) > x.lim.MaxColumns {
		// Trailing empty cells (formatting) do not count.
		for len(row) > 0 && row[len(row)-1] == "" {
			row = row[:len(row)-1]
		}
		if len(row) > x.lim.MaxColumns {
			return nil, 0, invalidField("file", "dataengine.file.too_many_columns", x.line, x.lim.MaxColumns)
		}
	}
	return row, x.line, nil
}

func (x *xlsxReader) Next() ([]string, int, error) {
	for {
		row, line, err := x.next()
		if err != nil {
			return nil, 0, err
		}
		if emptyRow(row) {
			continue
		}
		x.n++
		if x.n > x.lim.MaxRows {
			return nil, 0, invalidField("file", "dataengine.file.too_many_rows", x.lim.MaxRows)
		}
		return row, line, nil
	}
}

// OpenFile opens path as .xlsx or CSV by its content (a zip is .xlsx, an
// OLE compound file is an encrypted workbook or .xls, anything else CSV).
func OpenFile(path string, lim Limits) (RowReader, error) {
	lim = lim.orDefault()
	fh, err := os.Open(path)
	if err != nil {
		return nil, invalidField("file", "dataengine.file.unreadable")
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, invalidField("file", "dataengine.file.unreadable")
	}
	if st.Size() > lim.MaxBytes {
		fh.Close()
		return nil, tooBig(lim.MaxBytes)
	}
	head := make([]byte, 8)
	n, _ := fh.ReadAt(head, 0)
	head = head[:n]
	if bytes.HasPrefix(head, zipMagic) || bytes.HasPrefix(head, oleMagic) {
		if err := checkXLSX(fh, st.Size(), lim); err != nil {
			fh.Close()
			return nil, err
		}
		if zr, err := zip.NewReader(fh, st.Size()); err == nil {
			rd, err := openSheetReader(zr, lim)
			if err == nil {
				return &closingReader{RowReader: rd, c: fh}, nil
			}
			if !isCorrupt(err) {
				fh.Close()
				return nil, err
			}
		}
		fh.Close()
		// excelize.OpenFile reads the zip in place; worksheets over 16 MiB
		// unzipped go to temporary files rather than memory.
		f, err := excelize.OpenFile(path, xlsxOptions(lim))
		if err != nil {
			return nil, xlsxOpenError(err)
		}
		return newXLSXReader(f, lim)
	}
	r, err := OpenCSV(fh, lim)
	if err != nil {
		fh.Close()
		return nil, err
	}
	return &closingReader{RowReader: r, c: fh}, nil
}

type closingReader struct {
	RowReader
	c io.Closer
}

func (c *closingReader) rowsHint() int {
	if h, ok := c.RowReader.(interface{ rowsHint() int }); ok {
		return h.rowsHint()
	}
	return 0
}

func (c *closingReader) Close() error {
	c.RowReader.Close()
	return c.c.Close()
}

// FileOpener returns an Opener over the file at path.
func FileOpener(path string, lim Limits) Opener {
	return func() (RowReader, error) { return OpenFile(path, lim) }
}
