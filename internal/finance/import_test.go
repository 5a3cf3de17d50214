package finance

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"golive/internal/calendar"
)

// sheetXLSX builds a real workbook from rows.
func sheetXLSX(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestParseForemanSheet(t *testing.T) {
	data := sheetXLSX(t, [][]any{
		{},
		{"姓名", "日期", "数量", "单位", "工种", "说明"},
		{"张三", "2026/3/2", "1", "工日", "电工", "布线"},
		{"", "", "", "", "", ""},
		{"李四", 46084, "0.5", "天", "", ""},
	})
	lines, err := ParseForemanSheet(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 || lines[0].Name != "张三" || lines[0].Row != 3 || lines[1].Row != 5 || lines[0].Describe != "布线" {
		t.Fatalf("%+v", lines)
	}
	if d, ok := ParseSheetDate(lines[1].Date); !ok || d != "2026-03-03" {
		t.Fatalf("serial date %q: %q", lines[1].Date, d)
	}
	for in, want := range map[string]string{"2026-03-02": "2026-03-02", "2026年3月2日": "2026-03-02", "2026.3.2": "2026-03-02", "2026-02-30": "", "abc": "", "12": ""} {
		if got, _ := ParseSheetDate(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
	for _, bad := range [][]byte{nil, []byte("PK garbage"), []byte("日期,姓名\n")} {
		if _, err := ParseForemanSheet(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := ParseForemanSheet(sheetXLSX(t, [][]any{{"日期", "工种"}, {"2026-03-02", "电工"}})); err == nil {
		t.Error("sheet without a name column accepted")
	}
}

func FuzzParseForemanSheet(f *testing.F) {
	f.Add(sheetXLSX(f, [][]any{{"日期", "姓名", "数量"}, {"2026-03-02", "张三", "1"}}))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, err := ParseForemanSheet(data)
		if err == nil && len(lines) == 0 {
			t.Fatal("no error and no rows")
		}
		for _, l := range lines {
			ParseSheetDate(l.Date)
			ParseQty(l.Qty)
		}
	})
}

func FuzzParseQty(f *testing.F) {
	for _, s := range []string{"8", "7.5", "-1", "0.25", "1e3", ".5", "999999.99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQty(s)
		if err == nil {
			back, err2 := ParseQty(q.String())
			if err2 != nil || back != q {
				t.Fatalf("%q -> %d -> %q -> %d %v", s, q, q.String(), back, err2)
			}
		}
	})
}

func FuzzParseSheetDate(f *testing.F) {
	for _, s := range []string{"2026-03-02", "2026/3/2", "2026年3月2日", "46083", "46083.5", "2026.3.2", "", "0", "99999999", "2026-13-01", "-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseSheetDate(s)
		if !ok {
			return
		}
		if _, err := calendar.Parse(d); err != nil {
			t.Fatalf("%q gave %q, not a date", s, d)
		}
	})
}
