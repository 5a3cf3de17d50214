package web

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// exportTestZone is fixed rather than loaded so the test does not depend on
// the zone database; Shanghai has had no DST since 1991.
var exportTestZone = time.FixedZone("CST", 8*3600)

var exportTestCols = []Column{
	{Header: "项目名称", Kind: ColText},
	{Header: "数量", Kind: ColInt},
	{Header: "合同金额", Kind: ColMoney},
	{Header: "开始日期", Kind: ColDate},
	{Header: "更新时间", Kind: ColDateTime},
	{Header: "进度", Kind: ColPercent, Width: 12},
}

// exportTestRow is row i (0-based) of the generated data set.
func exportTestRow(i int) []any {
	updated := time.Date(2026, 11, 22, 14, 30, 0, 0, exportTestZone).Add(time.Duration(i) * time.Minute)
	var amount any = int64(123456789 + i) // ¥1,234,567.89 + i fen
	if i%7 == 3 {
		amount = nil
	}
	return []any{
		fmt.Sprintf("华东区项目 #%d", i),
		i,
		amount,
		"2026-11-22",
		updated.UnixMilli(),
		float64(i%100) / 100,
	}
}

func exportTestRows(n int) func() ([]any, bool, error) {
	i := 0
	return func() ([]any, bool, error) {
		if i >= n {
			return nil, false, nil
		}
		i++
		return exportTestRow(i - 1), true, nil
	}
}

func TestExportWriteXLSXRoundTrip(t *testing.T) {
	const n = 10000
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, "项目列表", exportTestCols, exportTestRows(n)); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	if got := f.GetSheetList(); len(got) != 1 || got[0] != "项目列表" {
		t.Fatalf("sheets = %q", got)
	}
	const sheet = "项目列表"

	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != n+1 {
		t.Fatalf("rows = %d, want %d", len(rows), n+1)
	}
	for i, c := range exportTestCols {
		if rows[0][i] != c.Header {
			t.Errorf("header %d = %q, want %q", i, rows[0][i], c.Header)
		}
	}

	// Formatted values as a user sees them.
	wantRow2 := []string{"华东区项目 #0", "0", "¥1,234,567.89", "2026-11-22", "2026-11-22 14:30", "0.00%"}
	for i, want := range wantRow2 {
		if rows[1][i] != want {
			t.Errorf("row 2 col %d = %q, want %q", i, rows[1][i], want)
		}
	}
	last := rows[n]
	if last[0] != fmt.Sprintf("华东区项目 #%d", n-1) || last[1] != fmt.Sprint(n-1) {
		t.Errorf("last row = %q", last)
	}
	if want := time.Date(2026, 11, 22, 14, 30, 0, 0, exportTestZone).Add((n - 1) * time.Minute).Format("2006-01-02 15:04"); last[4] != want {
		t.Errorf("last datetime = %q, want %q", last[4], want)
	}
	// Row 5 (data index 3) has a nil amount: the cell stays empty.
	if v, _ := f.GetCellValue(sheet, "C5"); v != "" {
		t.Errorf("nil money cell = %q, want empty", v)
	}

	// Raw values: money is a number in yuan, not text.
	raw, err := f.GetCellValue(sheet, "C2", excelize.Options{RawCellValue: true})
	if err != nil || raw != "1234567.89" {
		t.Errorf("raw money = %q, %v", raw, err)
	}
	if typ, _ := f.GetCellType(sheet, "C2"); typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
		t.Errorf("money cell stored as text (type %v)", typ)
	}
	if typ, _ := f.GetCellType(sheet, "D2"); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
		t.Errorf("date cell type = %v, want text", typ)
	}
	if v, _ := f.GetCellValue(sheet, "F52", excelize.Options{RawCellValue: true}); v != "0.5" {
		t.Errorf("raw percent = %q", v)
	}

	exportAssertNumFmt(t, f, sheet, "C2", "¥#,##0.00")
	exportAssertNumFmt(t, f, sheet, "E2", "yyyy-mm-dd hh:mm")
	exportAssertNumFmt(t, f, sheet, "F2", "0.00%")

	styleID, err := f.GetCellStyle(sheet, "A1")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(styleID)
	if err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header style = %+v, %v; want bold", st, err)
	}

	panes, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 || panes.TopLeftCell != "A2" {
		t.Errorf("panes = %+v, want header row frozen", panes)
	}

	if w, _ := f.GetColWidth(sheet, "F"); w != 12 {
		t.Errorf("explicit width = %v, want 12", w)
	}
	if w, _ := f.GetColWidth(sheet, "A"); w < 10 {
		t.Errorf("default width = %v", w)
	}

	sheetXML := exportZipEntry(t, buf.Bytes(), "xl/worksheets/sheet1.xml")
	// excelize writes the range with absolute references.
	if !strings.Contains(strings.ReplaceAll(sheetXML, "$", ""), `<autoFilter ref="A1:F10001"`) {
		t.Errorf("autofilter over header and data missing")
	}
}

func exportAssertNumFmt(t *testing.T, f *excelize.File, sheet, cell, want string) {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt == nil || *st.CustomNumFmt != want {
		t.Errorf("%s number format = %v, want %q", cell, st.CustomNumFmt, want)
	}
}

func exportZipEntry(t *testing.T, data []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestExportWriteXLSXEmptyAndOddSheetName(t *testing.T) {
	var buf bytes.Buffer
	err := WriteXLSX(&buf, "a/b:c*d?[e]'这是一个非常非常非常非常非常非常长的工作表名称", exportTestCols[:1], exportTestRows(0))
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 1 || strings.ContainsAny(sheets[0], `/:*?[]'`) || len([]rune(sheets[0])) > 31 {
		t.Fatalf("sheet name = %q", sheets)
	}
	rows, _ := f.GetRows(sheets[0])
	if len(rows) != 1 || rows[0][0] != "项目名称" {
		t.Errorf("rows = %q", rows)
	}
}

func TestExportWriteXLSXErrors(t *testing.T) {
	boom := errors.New("boom")
	var buf bytes.Buffer
	calls := 0
	err := WriteXLSX(&buf, "s", exportTestCols, func() ([]any, bool, error) {
		calls++
		if calls > 3 {
			return nil, false, boom
		}
		return exportTestRow(calls), true, nil
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if buf.Len() != 0 {
		t.Errorf("%d bytes written before the error", buf.Len())
	}

	err = WriteXLSX(&buf, "s", exportTestCols, func() ([]any, bool, error) { return []any{"x"}, true, nil })
	if err == nil || !strings.Contains(err.Error(), "has 1 values") {
		t.Errorf("short row err = %v", err)
	}
	err = WriteXLSX(&buf, "s", exportTestCols[2:3], func() ([]any, bool, error) { return []any{"12.50"}, true, nil })
	if err == nil || !strings.Contains(err.Error(), "合同金额") {
		t.Errorf("string money err = %v", err)
	}
	if err := WriteXLSX(&buf, "s", nil, exportTestRows(1)); err == nil {
		t.Error("no columns accepted")
	}
}

func TestExportServeXLSXHeaders(t *testing.T) {
	const name = "项目列表-2026-11-22.xlsx"
	rec := httptest.NewRecorder()
	if err := ServeXLSX(rec, name, "项目", exportTestCols, exportTestRows(3)); err != nil {
		t.Fatal(err)
	}
	res := rec.Result()
	if ct := res.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("Content-Type = %q", ct)
	}
	cd := res.Header.Get("Content-Disposition")
	disp, params, err := mime.ParseMediaType(cd)
	if err != nil {
		t.Fatalf("parse %q: %v", cd, err)
	}
	if disp != "attachment" || params["filename"] != name {
		t.Errorf("Content-Disposition %q parsed as %q %q", cd, disp, params)
	}
	if !strings.Contains(cd, `filename="_-2026-11-22.xlsx"`) {
		t.Errorf("ASCII fallback missing in %q", cd)
	}
	if !bytes.HasPrefix(rec.Body.Bytes(), []byte("PK")) {
		t.Error("body is not a zip")
	}
	f, err := excelize.OpenReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func TestExportContentDispositionASCII(t *testing.T) {
	for _, name := range []string{"report 2026.xlsx", `a"b\c.xlsx`, "全中文.xlsx", "", "100% ok;x=1.xlsx"} {
		cd := xlsxContentDisposition(name)
		_, params, err := mime.ParseMediaType(cd)
		if err != nil {
			t.Errorf("%q: %q does not parse: %v", name, cd, err)
			continue
		}
		want := name
		if want == "" {
			want = "export.xlsx"
		}
		if params["filename"] != want {
			t.Errorf("%q: round trip gave %q (%q)", name, params["filename"], cd)
		}
	}
}

func TestExportServeXLSXErrorBeforeBody(t *testing.T) {
	rec := httptest.NewRecorder()
	err := ServeXLSX(rec, "x.xlsx", "s", exportTestCols, func() ([]any, bool, error) {
		return nil, false, errors.New("db down")
	})
	if err == nil {
		t.Fatal("want error")
	}
	if rec.Header().Get("Content-Disposition") != "" || rec.Header().Get("Content-Type") != "" {
		t.Errorf("download headers left after failure: %v", rec.Header())
	}
	http.Error(rec, "export failed", http.StatusInternalServerError)
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("caller could not send an error: %d", rec.Code)
	}
}

func BenchmarkExportWriteXLSX100k(b *testing.B) {
	const n = 100000
	rows := make([][]any, 1000)
	for i := range rows {
		rows[i] = exportTestRow(i)
	}
	b.ReportAllocs()
	for b.Loop() {
		i := 0
		cw := &xlsxCountingWriter{w: io.Discard}
		err := WriteXLSX(cw, "bench", exportTestCols, func() ([]any, bool, error) {
			if i >= n {
				return nil, false, nil
			}
			i++
			return rows[i%len(rows)], true, nil
		})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(cw.n), "bytes/file")
	}
}
