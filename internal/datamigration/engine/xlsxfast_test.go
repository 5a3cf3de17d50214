package engine

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// readExcelize is the reference: excelize's iterator with raw values.
func readExcelize(t *testing.T, data []byte) (header []string, rows [][]string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	x, err := newXLSXReader(f, Limits{}.orDefault())
	if err != nil {
		t.Fatal(err)
	}
	header = x.Header()
	for {
		row, _, err := x.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, trimRow(row))
	}
}

func trimRow(row []string) []string {
	for len(row) > 0 && row[len(row)-1] == "" {
		row = row[:len(row)-1]
	}
	return append([]string(nil), row...)
}

func TestSheetReaderMatchesExcelize(t *testing.T) {
	f := excelize.NewFile()
	s := "Sheet1"
	f.SetSheetRow(s, "A1", &[]any{"编码", "名称 & <符号>", "金额", "日期", "是否", "公式", "富文本"})
	f.SetSheetRow(s, "A2", &[]any{"001", "上海\"机械\"", 1234.5, time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC), true, nil, nil})
	f.SetCellFormula(s, "F2", "C2*2")
	f.SetCellRichText(s, "G2", []excelize.RichTextRun{{Text: "粗"}, {Text: "体", Font: &excelize.Font{Bold: true}}})
	f.SetSheetRow(s, "A4", &[]any{"002", "  空格  ", -0.25, "2024/1/6", false, nil, "x\ny"})
	f.SetCellValue(s, "K4", "far right")
	f.SetSheetRow(s, "A6", &[]any{"003", "&amp;", int64(123456789012), "", nil})
	f.SetCellStr(s, "B7", "only B")
	var buf bytes.Buffer
	f.WriteTo(&buf)
	data := buf.Bytes()

	wantHeader, want := readExcelize(t, data)
	rd, err := OpenXLSX(bytes.NewReader(data), int64(len(data)), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rd.(*sheetReader); !ok {
		t.Fatalf("the scanner was not used: %T", rd)
	}
	if strings.Join(rd.Header(), "|") != strings.Join(wantHeader, "|") {
		t.Errorf("header %q, excelize %q", rd.Header(), wantHeader)
	}
	var got [][]string
	var lines []int
	for {
		row, line, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, trimRow(row))
		lines = append(lines, line)
	}
	if len(got) != len(want) {
		t.Fatalf("rows %q, excelize %q", got, want)
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d: %q, excelize %q", i, got[i], want[i])
		}
	}
	if len(lines) != 4 || lines[0] != 2 || lines[1] != 4 || lines[2] != 6 || lines[3] != 7 {
		t.Errorf("lines %v", lines)
	}

	// The stream writer's inline strings (the engine's own output) too.
	var out bytes.Buffer
	w := NewXLSXWriter(&out, "清洗")
	w.WriteHeader([]string{"a", "b"})
	w.WriteRow([]string{"<x>", "1.50"})
	w.WriteRow([]string{"", "中文"})
	w.Close()
	rd2, err := OpenXLSX(bytes.NewReader(out.Bytes()), int64(out.Len()), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	r1, _, _ := rd2.Next()
	if strings.Join(r1, "|") != "<x>|1.50" || rd2.Info().Sheet != "清洗" {
		t.Errorf("stream-written row %q sheet %q", r1, rd2.Info().Sheet)
	}
	r2, _, _ := rd2.Next()
	if strings.Join(r2, "|") != "|中文" {
		t.Errorf("row %q", r2)
	}
}

func TestUnescapeAndColumns(t *testing.T) {
	for in, want := range map[string]string{"a&amp;b": "a&b", "&lt;&gt;&quot;&apos;": `<>"'`, "&#20013;&#x6587;": "中文", "&bogus;": "&bogus;", "&": "&", "&#xFFFFFFFF;": "&#xFFFFFFFF;"} {
		if got := string(unescape(nil, []byte(in))); got != want {
			t.Errorf("unescape(%q) = %q", in, got)
		}
	}
	for ref, want := range map[string]int{"A1": 0, "Z9": 25, "AA3": 26, "XFD1048576": 16383} {
		if got, ok := columnOf(ref); !ok || got != want {
			t.Errorf("columnOf(%s) = %d", ref, got)
		}
	}
	for _, bad := range []string{"", "1", "A", "XFE1", "AAAA1"} {
		if _, ok := columnOf(bad); ok {
			t.Errorf("columnOf(%q) accepted", bad)
		}
	}
}

// workbookWithSheet wraps sheet XML (and shared strings) into a minimal
// workbook, so the fuzzer mutates the XML rather than the zip.
func workbookWithSheet(sheet, sst []byte) []byte {
	var buf bytes.Buffer
	zw := zipWriter(&buf)
	add := func(name string, body []byte) {
		w, _ := zw.Create(name)
		w.Write(body)
	}
	add("[Content_Types].xml", []byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`))
	add("xl/workbook.xml", []byte(`<workbook xmlns:r="r"><sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>`))
	add("xl/_rels/workbook.xml.rels", []byte(`<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`))
	add("xl/worksheets/sheet1.xml", sheet)
	if sst != nil {
		add("xl/sharedStrings.xml", sst)
	}
	zw.Close()
	return buf.Bytes()
}

func FuzzSheetXML(f *testing.F) {
	f.Add([]byte(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>名称</t></is></c></row><row r="3"><c r="A3" t="s"><v>1</v></c><c r="C3"><v>1.5</v></c></row></sheetData></worksheet>`),
		[]byte(`<sst><si><t>编码</t></si><si><r><t>A</t></r><r><t>&amp;1</t></r><rPh><t>x</t></rPh></si></sst>`))
	f.Add([]byte(`<x:worksheet xmlns:x="m"><x:sheetData><x:row><x:c t="str"><x:f>A1&gt;0</x:f><x:v>ok</x:v></x:c><x:c/></x:row></x:sheetData></x:worksheet>`), []byte(nil))
	f.Add([]byte(`<worksheet><!-- a > b --><sheetData><row r="1"><c r="XFD1"><v>1</v></c></row></sheetData></worksheet>`), []byte(`<sst><si/></sst>`))
	f.Fuzz(func(t *testing.T, sheet, sst []byte) {
		data := workbookWithSheet(sheet, sst)
		rd, err := OpenXLSX(bytes.NewReader(data), int64(len(data)), Limits{MaxRows: 200, MaxColumns: 40})
		checkInputErr(t, err)
		if err != nil {
			return
		}
		defer rd.Close()
		for range 400 {
			row, _, err := rd.Next()
			checkInputErr(t, err)
			if err != nil {
				return
			}
			if len(row) > 40 {
				t.Fatalf("%d columns", len(row))
			}
		}
		t.Fatal("more rows than the limit")
	})
}

func zipWriter(w io.Writer) *zip.Writer { return zip.NewWriter(w) }
