package engine

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// sheetReader reads the first worksheet of an .xlsx by scanning its XML
// directly. excelize's row iterator decodes every cell through
// encoding/xml tokens, which is about 90 % of an .xlsx run; this scanner
// does the same work several times faster. It understands what spreadsheet
// programs write (shared, inline and formula strings, numbers, booleans,
// errors, rich text, namespace prefixes, entities) and returns raw values
// as excelize does with RawCellValue; TestSheetReaderMatchesExcelize
// compares the two on generated workbooks and FuzzOpenXLSX on hostile
// ones. The zip directory has been checked (sizes, zip bomb) before.
type sheetReader struct {
	zf     io.ReadCloser
	sc     xmlScanner
	sst    []string
	lim    Limits
	info   ReaderInfo
	header []string
	row    []string
	line   int
	n      int
	done   bool
}

var errSheetXML = errors.New("engine: malformed sheet")

// openSheetReader opens the first sheet of a checked workbook.
func openSheetReader(zr *zip.Reader, lim Limits) (RowReader, error) {
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	corrupt := invalidField("file", "dataengine.file.corrupt")
	name, sheet, err := firstSheet(files)
	if err != nil {
		return nil, corrupt
	}
	var sst []string
	if f := files["xl/sharedStrings.xml"]; f != nil {
		if sst, err = readSharedStrings(f); err != nil {
			return nil, corrupt
		}
	}
	f := files[sheet]
	if f == nil {
		return nil, corrupt
	}
	rc, err := f.Open()
	if err != nil {
		return nil, corrupt
	}
	s := &sheetReader{zf: rc, sst: sst, lim: lim, info: ReaderInfo{Format: FormatXLSX, Sheet: name}}
	s.sc.r = bufio.NewReaderSize(rc, 64<<10)
	if err := s.sc.skipTo("sheetData"); err != nil {
		rc.Close()
		if err == io.EOF {
			return nil, invalidField("file", "dataengine.file.empty")
		}
		return nil, corrupt
	}
	for {
		row, _, err := s.next()
		if err != nil {
			rc.Close()
			if err == io.EOF {
				return nil, invalidField("file", "dataengine.file.empty")
			}
			return nil, err
		}
		if !emptyRow(row) {
			s.header = trimHeader(append([]string(nil), row...))
			return s, nil
		}
	}
}

// firstSheet finds the first sheet's name and part through the workbook
// and its relationships.
func firstSheet(files map[string]*zip.File) (name, part string, err error) {
	wb, err := readPart(files["xl/workbook.xml"])
	if err != nil {
		return "", "", err
	}
	var sc xmlScanner
	sc.r = bufio.NewReader(bytes.NewReader(wb))
	rid := ""
	for {
		tag, err := sc.nextTag()
		if err != nil {
			return "", "", errSheetXML
		}
		if tag.name == "sheet" && !tag.end {
			name, rid = tag.attr("name"), tag.attr("id")
			break
		}
	}
	rels, err := readPart(files["xl/_rels/workbook.xml.rels"])
	if err != nil {
		return "", "", err
	}
	sc.r = bufio.NewReader(bytes.NewReader(rels))
	for {
		tag, err := sc.nextTag()
		if err != nil {
			return "", "", errSheetXML
		}
		if tag.name == "Relationship" && tag.attr("Id") == rid {
			target := tag.attr("Target")
			if strings.HasPrefix(target, "/") {
				return name, strings.TrimPrefix(target, "/"), nil
			}
			return name, path.Join("xl", target), nil
		}
	}
}

func readPart(f *zip.File) ([]byte, error) {
	if f == nil {
		return nil, errSheetXML
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// readSharedStrings reads every <si>: the text of its <t> elements, phonetic
// runs (<rPh>) left out.
func readSharedStrings(f *zip.File) ([]string, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var sc xmlScanner
	sc.r = bufio.NewReaderSize(rc, 64<<10)
	var out []string
	var b []byte
	inSI, inPh := false, 0
	for {
		tag, err := sc.nextTag()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch tag.name {
		case "si":
			if tag.end {
				out = append(out, string(b))
				inSI = false
			} else if tag.selfClose {
				out = append(out, "")
			} else {
				inSI, b = true, b[:0]
			}
		case "rPh":
			if !tag.selfClose {
				if tag.end {
					inPh--
				} else {
					inPh++
				}
			}
		case "t":
			if inSI && inPh == 0 && !tag.end && !tag.selfClose {
				if b, err = sc.appendText(b); err != nil {
					return nil, err
				}
			}
		}
	}
}

func (s *sheetReader) Header() []string { return s.header }
func (s *sheetReader) Info() ReaderInfo { return s.info }
func (s *sheetReader) Close() error     { return s.zf.Close() }

func (s *sheetReader) Next() ([]string, int, error) {
	for {
		row, line, err := s.next()
		if err != nil {
			return nil, 0, err
		}
		if emptyRow(row) {
			continue
		}
		s.n++
		if s.n > s.lim.MaxRows {
			return nil, 0, invalidField("file", "dataengine.file.too_many_rows", s.lim.MaxRows)
		}
		return row, line, nil
	}
}

// next reads one <row>.
func (s *sheetReader) next() ([]string, int, error) {
	if s.done {
		return nil, 0, io.EOF
	}
	sc := &s.sc
	for {
		tag, err := sc.nextTag()
		if err != nil {
			return nil, 0, s.fail(err)
		}
		if tag.name == "sheetData" && tag.end {
			s.done = true
			return nil, 0, io.EOF
		}
		if tag.name != "row" || tag.end {
			continue
		}
		line := s.line + 1
		if r := tag.attr("r"); r != "" {
			n, err := strconv.Atoi(r)
			if err != nil || n <= s.line || n > xlsxMaxRows {
				return nil, 0, s.fail(errSheetXML)
			}
			line = n
		}
		s.line = line
		s.row = s.row[:0]
		if tag.selfClose {
			return s.row, line, nil
		}
		if err := s.cells(); err != nil {
			return nil, 0, s.fail(err)
		}
		return s.row, line, nil
	}
}

func (s *sheetReader) fail(err error) error {
	if errors.Is(err, errTooManyColumns) {
		return invalidField("file", "dataengine.file.too_many_columns", s.line, s.lim.MaxColumns)
	}
	return invalidField("file", "dataengine.file.corrupt_at", s.line)
}

var errTooManyColumns = errors.New("engine: too many columns")

// cells reads the <c> elements of a row up to </row>.
func (s *sheetReader) cells() error {
	sc := &s.sc
	col := -1
	for {
		tag, err := sc.nextTag()
		if err != nil {
			return errSheetXML
		}
		if tag.name == "row" && tag.end {
			return nil
		}
		if tag.name != "c" || tag.end {
			continue
		}
		col++
		if ref := tag.attr("r"); ref != "" {
			c, ok := columnOf(ref)
			if !ok || c < col {
				return errSheetXML
			}
			col = c
		}
		if col >= s.lim.MaxColumns {
			// Formatting can reach far right with empty cells; only a
			// value there counts.
			v, err := s.cellValue(tag)
			if err != nil {
				return err
			}
			if v != "" {
				return errTooManyColumns
			}
			continue
		}
		v, err := s.cellValue(tag)
		if err != nil {
			return err
		}
		for len(s.row) < col {
			s.row = append(s.row, "")
		}
		s.row = append(s.row, v)
	}
}

// cellValue reads a cell's value up to </c>.
func (s *sheetReader) cellValue(c xmlTag) (string, error) {
	if c.selfClose {
		return "", nil
	}
	sc := &s.sc
	typ := c.attr("t")
	var v []byte
	inIS, inPh := false, 0
	for {
		tag, err := sc.nextTag()
		if err != nil {
			return "", errSheetXML
		}
		switch tag.name {
		case "c":
			if tag.end {
				return s.value(typ, v)
			}
			return "", errSheetXML
		case "v":
			if !tag.end && !tag.selfClose && typ != "inlineStr" {
				if v, err = sc.appendText(v[:0]); err != nil {
					return "", err
				}
			}
		case "is":
			inIS = !tag.end && !tag.selfClose
		case "rPh":
			if !tag.selfClose {
				if tag.end {
					inPh--
				} else {
					inPh++
				}
			}
		case "t":
			if inIS && inPh == 0 && !tag.end && !tag.selfClose {
				if v, err = sc.appendText(v); err != nil {
					return "", err
				}
			}
		case "f":
			if !tag.end && !tag.selfClose {
				if err := sc.skipText(); err != nil {
					return "", err
				}
			}
		}
	}
}

func (s *sheetReader) value(typ string, v []byte) (string, error) {
	switch typ {
	case "s":
		i, err := strconv.Atoi(string(bytes.TrimSpace(v)))
		if err != nil || i < 0 || i >= len(s.sst) {
			// excelize shows an unknown index as the number itself.
			return string(v), nil
		}
		return s.sst[i], nil
	}
	// Booleans stay "1"/"0" as excelize's raw values have them.
	return string(v), nil
}

// columnOf reads the column of a cell reference ("AB12" → 27).
func columnOf(ref string) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c < 'A' || c > 'Z' {
			break
		}
		col = col*26 + int(c-'A'+1)
		if col > 16384 {
			return 0, false
		}
	}
	if i == 0 || i == len(ref) {
		return 0, false
	}
	return col - 1, true
}

// xmlScanner is a minimal pull scanner for the XML spreadsheet parts:
// tags with attributes, text, entities; comments, processing instructions
// and CDATA are skipped or read as text.
type xmlScanner struct {
	r   *bufio.Reader
	buf []byte
}

type xmlTag struct {
	name      string // local name (prefix removed)
	end       bool   // </name>
	selfClose bool   // <name/>
	attrs     []byte // raw attribute text
}

// attr returns the value of the attribute with this local name.
func (t xmlTag) attr(name string) string {
	a := t.attrs
	for len(a) > 0 {
		a = bytes.TrimLeft(a, " \t\r\n")
		eq := bytes.IndexByte(a, '=')
		if eq < 0 {
			return ""
		}
		key := bytes.TrimSpace(a[:eq])
		if i := bytes.LastIndexByte(key, ':'); i >= 0 {
			key = key[i+1:]
		}
		a = bytes.TrimLeft(a[eq+1:], " \t\r\n")
		if len(a) == 0 || a[0] != '"' && a[0] != '\'' {
			return ""
		}
		q := a[0]
		end := bytes.IndexByte(a[1:], q)
		if end < 0 {
			return ""
		}
		val := a[1 : 1+end]
		a = a[2+end:]
		if string(key) == name {
			return string(unescape(nil, val))
		}
	}
	return ""
}

// nextTag skips text and returns the next element tag.
func (sc *xmlScanner) nextTag() (xmlTag, error) {
	for {
		if _, err := sc.r.ReadSlice('<'); err != nil {
			if err == bufio.ErrBufferFull {
				continue
			}
			return xmlTag{}, err
		}
		t, ok, err := sc.readTag()
		if err != nil || ok {
			return t, err
		}
	}
}

// readTag reads after '<'; ok is false for comments, declarations and CDATA.
func (sc *xmlScanner) readTag() (xmlTag, bool, error) {
	sc.buf = sc.buf[:0]
	for {
		chunk, err := sc.r.ReadSlice('>')
		sc.buf = append(sc.buf, chunk...)
		if err == bufio.ErrBufferFull {
			if len(sc.buf) > 1<<20 {
				return xmlTag{}, false, errSheetXML
			}
			continue
		}
		if err != nil {
			return xmlTag{}, false, errSheetXML
		}
		break
	}
	b := sc.buf[:len(sc.buf)-1]
	if len(b) == 0 {
		return xmlTag{}, false, errSheetXML
	}
	switch b[0] {
	case '?':
		return xmlTag{}, false, nil
	case '!':
		// A comment or CDATA may contain '>': read on to its real end.
		for bytes.HasPrefix(b, []byte("!--")) && !bytes.HasSuffix(b, []byte("--")) ||
			bytes.HasPrefix(b, []byte("![CDATA[")) && !bytes.HasSuffix(b, []byte("]]")) {
			chunk, err := sc.r.ReadSlice('>')
			if err != nil && err != bufio.ErrBufferFull {
				return xmlTag{}, false, errSheetXML
			}
			sc.buf = append(sc.buf, chunk...)
			b = sc.buf[:len(sc.buf)-1]
		}
		return xmlTag{}, false, nil
	}
	t := xmlTag{}
	if b[0] == '/' {
		t.end = true
		b = b[1:]
	}
	if n := len(b); n > 0 && b[n-1] == '/' {
		t.selfClose = true
		b = b[:n-1]
	}
	nameEnd := bytes.IndexAny(b, " \t\r\n")
	if nameEnd < 0 {
		nameEnd = len(b)
	}
	name := b[:nameEnd]
	if i := bytes.LastIndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	t.name = internTag(name)
	t.attrs = b[nameEnd:]
	return t, true, nil
}

// internTag avoids a string allocation for the names spreadsheets repeat.
func internTag(b []byte) string {
	switch string(b) {
	case "c":
		return "c"
	case "v":
		return "v"
	case "row":
		return "row"
	case "t":
		return "t"
	case "is":
		return "is"
	case "f":
		return "f"
	case "si":
		return "si"
	case "r":
		return "r"
	case "rPh":
		return "rPh"
	case "sheetData":
		return "sheetData"
	}
	return string(b)
}

// appendText appends the text up to the next tag, unescaped, and leaves
// the reader before that tag's '<'.
func (sc *xmlScanner) appendText(dst []byte) ([]byte, error) {
	start := len(dst)
	for {
		chunk, err := sc.r.ReadSlice('<')
		if err == bufio.ErrBufferFull {
			dst = append(dst, chunk...)
			if len(dst)-start > 4<<20 {
				return nil, errSheetXML
			}
			continue
		}
		if err != nil {
			return nil, errSheetXML
		}
		dst = append(dst, chunk[:len(chunk)-1]...)
		sc.r.UnreadByte()
		break
	}
	if bytes.IndexByte(dst[start:], '&') < 0 {
		return dst, nil
	}
	text := append([]byte(nil), dst[start:]...)
	return unescape(dst[:start], text), nil
}

func (sc *xmlScanner) skipText() error {
	_, err := sc.appendText(sc.buf[:0])
	return err
}

// skipTo advances past the opening tag name.
func (sc *xmlScanner) skipTo(name string) error {
	for {
		t, err := sc.nextTag()
		if err != nil {
			return err
		}
		if t.name == name && !t.end {
			if t.selfClose {
				return io.EOF
			}
			return nil
		}
	}
}

// unescape appends s with XML entities replaced; an unknown entity stays.
func unescape(dst, s []byte) []byte {
	for {
		i := bytes.IndexByte(s, '&')
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i]...)
		s = s[i:]
		semi := bytes.IndexByte(s, ';')
		if semi < 0 || semi > 12 {
			dst = append(dst, '&')
			s = s[1:]
			continue
		}
		ent := string(s[1:semi])
		switch {
		case ent == "lt":
			dst = append(dst, '<')
		case ent == "gt":
			dst = append(dst, '>')
		case ent == "amp":
			dst = append(dst, '&')
		case ent == "quot":
			dst = append(dst, '"')
		case ent == "apos":
			dst = append(dst, '\'')
		case strings.HasPrefix(ent, "#x") || strings.HasPrefix(ent, "#X"):
			n, err := strconv.ParseUint(ent[2:], 16, 32)
			if err != nil || !utf8.ValidRune(rune(n)) {
				dst = append(dst, s[:semi+1]...)
			} else {
				dst = utf8.AppendRune(dst, rune(n))
			}
		case strings.HasPrefix(ent, "#"):
			n, err := strconv.ParseUint(ent[1:], 10, 32)
			if err != nil || !utf8.ValidRune(rune(n)) {
				dst = append(dst, s[:semi+1]...)
			} else {
				dst = utf8.AppendRune(dst, rune(n))
			}
		default:
			dst = append(dst, s[:semi+1]...)
		}
		s = s[semi+1:]
	}
}
