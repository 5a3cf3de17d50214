package engine

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"golive/internal/apperr"
)

func readAll(t *testing.T, rd RowReader) (rows [][]string, lines []int) {
	t.Helper()
	for {
		row, line, err := rd.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("next: %v", err)
		}
		rows = append(rows, append([]string(nil), row...))
		lines = append(lines, line)
	}
}

func errKey(err error) string {
	if err == nil {
		return ""
	}
	return apperr.As(err).Key
}

func gbk(t *testing.T, s string) []byte {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestOpenCSVEncodingsAndDelimiters(t *testing.T) {
	const text = "客户编码,客户名称\nC1,上海机械\n\n,\n\"C2\",\"多行\n名称\"\nC3,最后\n"
	for _, c := range []struct {
		name  string
		data  []byte
		enc   string
		comma string
	}{
		{"utf8", []byte(text), EncodingUTF8, ","},
		{"bom", append([]byte{0xEF, 0xBB, 0xBF}, text...), EncodingUTF8BOM, ","},
		{"gbk", gbk(t, text), EncodingGB18030, ","},
		{"semicolon", []byte(strings.ReplaceAll(text, ",", ";")), EncodingUTF8, ";"},
		{"tab", []byte(strings.ReplaceAll(text, ",", "\t")), EncodingUTF8, "\t"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rd, err := OpenCSV(bytes.NewReader(c.data), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if info := rd.Info(); info.Encoding != c.enc || info.Comma != c.comma || info.Format != FormatCSV {
				t.Errorf("info %+v", info)
			}
			if h := rd.Header(); len(h) != 2 || h[0] != "客户编码" || h[1] != "客户名称" {
				t.Errorf("header %q", h)
			}
			rows, lines := readAll(t, rd)
			if len(rows) != 3 || rows[0][1] != "上海机械" || rows[1][1] != "多行\n名称" || rows[2][0] != "C3" {
				t.Errorf("rows %q", rows)
			}
			// Blank lines are skipped; a record's line is where it starts.
			if len(lines) != 3 || lines[0] != 2 || lines[1] != 5 || lines[2] != 7 {
				t.Errorf("lines %v", lines)
			}
		})
	}
}

func TestOpenCSVGBKBeyondThePeek(t *testing.T) {
	// Detection reads 64 KiB; the rest of a GBK file must decode too.
	var b strings.Builder
	b.WriteString("编码,名称\n")
	for b.Len() < 200<<10 {
		b.WriteString("A1,华东区域销售有限公司\n")
	}
	rd, err := OpenCSV(bytes.NewReader(gbk(t, b.String())), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := readAll(t, rd)
	for _, r := range rows {
		if r[1] != "华东区域销售有限公司" {
			t.Fatalf("row %q", r)
		}
	}
}

func TestOpenCSVBadInput(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		lim  Limits
		key  string
	}{
		{"empty", nil, Limits{}, "dataengine.file.empty"},
		{"blank", []byte("\n \n,,\n"), Limits{}, "dataengine.file.empty"},
		{"utf16", []byte{0xFF, 0xFE, 'a', 0, ',', 0}, Limits{}, "dataengine.file.utf16"},
		{"binary", []byte("PK\x00\x01garbage"), Limits{}, "dataengine.file.binary"},
		{"unknown encoding", []byte("a,b\n\x80\x20\x81\x20\xff\xfe\xfd\n"), Limits{}, "dataengine.file.encoding"},
		{"too big", []byte("a,b\n" + strings.Repeat("1,2\n", 1000)), Limits{MaxBytes: 100}, "dataengine.file.too_big"},
		{"too many columns", []byte("a,b,c\n"), Limits{MaxColumns: 2}, "dataengine.file.too_many_columns"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rd, err := OpenCSV(bytes.NewReader(c.data), c.lim)
			if err == nil {
				_, _, err = rd.Next()
			}
			if errKey(err) != c.key {
				t.Errorf("got %v, want %s", err, c.key)
			}
		})
	}
	rd, err := OpenCSV(strings.NewReader("a\n1\n2\n3\n"), Limits{MaxRows: 2})
	if err != nil {
		t.Fatal(err)
	}
	rd.Next()
	rd.Next()
	if _, _, err := rd.Next(); errKey(err) != "dataengine.file.too_many_rows" {
		t.Errorf("rows limit: %v", err)
	}
}

// xlsxBytes builds a workbook: rows written from A1 of the first sheet.
func xlsxBytes(t testing.TB, rows [][]any, opts ...excelize.Options) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf, opts...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestOpenXLSX(t *testing.T) {
	data := xlsxBytes(t, [][]any{
		{"编码", "日期", "金额"},
		{"001", 45296, 1234.5},
		{},
		{"002", "2024/1/6", "(3)"},
	})
	rd, err := OpenXLSX(bytes.NewReader(data), int64(len(data)), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if rd.Info().Format != FormatXLSX || rd.Info().Sheet != "Sheet1" {
		t.Errorf("info %+v", rd.Info())
	}
	rows, lines := readAll(t, rd)
	if len(rows) != 2 || rows[0][0] != "001" || rows[0][1] != "45296" || rows[0][2] != "1234.5" || rows[1][2] != "(3)" {
		t.Errorf("rows %q", rows)
	}
	if lines[0] != 2 || lines[1] != 4 {
		t.Errorf("lines %v", lines)
	}
	// The same through OpenFile (path, sniffed by content).
	p := filepath.Join(t.TempDir(), "upload.bin")
	os.WriteFile(p, data, 0o600)
	rd2, err := OpenFile(p, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	rows2, _ := readAll(t, rd2)
	rd2.Close()
	if len(rows2) != 2 {
		t.Errorf("OpenFile rows %q", rows2)
	}
}

func zipWith(t *testing.T, entries map[string][]byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range entries {
		w, _ := zw.Create(name)
		w.Write(body)
	}
	zw.Close()
	return buf.Bytes()
}

func TestOpenXLSXBadInput(t *testing.T) {
	good := xlsxBytes(t, [][]any{{"a"}, {"1"}})
	encrypted := xlsxBytes(t, [][]any{{"a"}, {"1"}}, excelize.Options{Password: "secret"})
	xls := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 2048)...)
	bomb := zipWith(t, map[string][]byte{"xl/workbook.xml": {}, "xl/worksheets/sheet1.xml": make([]byte, 8<<20)})
	for _, c := range []struct {
		name string
		data []byte
		lim  Limits
		key  string
	}{
		{"empty", nil, Limits{}, "dataengine.file.empty"},
		{"encrypted", encrypted, Limits{}, "dataengine.file.encrypted"},
		{"xls", xls, Limits{}, "dataengine.file.xls"},
		{"truncated", good[:len(good)/2], Limits{}, "dataengine.file.corrupt"},
		{"zip without workbook", zipWith(t, map[string][]byte{"a.txt": []byte("x")}), Limits{}, "dataengine.file.not_xlsx"},
		{"zip bomb", bomb, Limits{MaxUnzipped: 4 << 20}, "dataengine.file.zip_bomb"},
		{"broken workbook", zipWith(t, map[string][]byte{"xl/workbook.xml": []byte("<not xml")}), Limits{}, "dataengine.file.corrupt"},
		{"too big", good, Limits{MaxBytes: 100}, "dataengine.file.too_big"},
		{"header only", good, Limits{}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			rd, err := OpenXLSX(bytes.NewReader(c.data), int64(len(c.data)), c.lim)
			if err == nil {
				rd.Close()
			}
			if errKey(err) != c.key {
				t.Errorf("got %v, want %s", err, c.key)
			}
		})
	}
	// OpenFile sniffs an encrypted workbook too, whatever its name.
	p := filepath.Join(t.TempDir(), "x.csv")
	os.WriteFile(p, encrypted, 0o600)
	if _, err := OpenFile(p, Limits{}); errKey(err) != "dataengine.file.encrypted" {
		t.Errorf("OpenFile encrypted: %v", err)
	}
}

func TestOpenXLSXLimits(t *testing.T) {
	data := xlsxBytes(t, [][]any{{"a", "b", "c"}, {1, 2, 3}, {4, 5, 6}, {7, 8, 9}})
	rd, err := OpenXLSX(bytes.NewReader(data), int64(len(data)), Limits{MaxRows: 2})
	if err != nil {
		t.Fatal(err)
	}
	rd.Next()
	rd.Next()
	if _, _, err := rd.Next(); errKey(err) != "dataengine.file.too_many_rows" {
		t.Errorf("rows: %v", err)
	}
	rd.Close()
	if _, err := OpenXLSX(bytes.NewReader(data), int64(len(data)), Limits{MaxColumns: 2}); errKey(err) != "dataengine.file.too_many_columns" {
		t.Errorf("columns: %v", err)
	}
}
