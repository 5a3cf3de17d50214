package datamigration

import (
	"bytes"
	"errors"
	"net/url"
	"testing"

	"github.com/xuri/excelize/v2"

	"golive/internal/apperr"
	"golive/internal/datamigration/engine"
)

func asAppErr(err error) *apperr.Error {
	var e *apperr.Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

func specOf(code, label string) engine.Spec { return engine.Spec{Object: code, Label: label} }

func xlsxOf(rows ...[]any) []byte {
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("Sheet1", cell, &r)
	}
	var b bytes.Buffer
	f.Write(&b)
	return b.Bytes()
}

// The code-map parser reads customers' workbooks: any bytes end in
// entries or a field error on "file", never a panic.
func FuzzParseCodeMapXLSX(f *testing.F) {
	f.Add(xlsxOf([]any{"原编码", "新编码"}, []any{"个", "PCS"}, []any{"公斤", "KG"}))
	f.Add(xlsxOf([]any{"A", "B"}, []any{"A", "C"}))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := ParseCodeMapXLSX(data)
		if err != nil {
			if e := asAppErr(err); e == nil || !e.HasField("file") {
				t.Fatalf("error without a file field: %v", err)
			}
			return
		}
		if len(entries) == 0 {
			t.Fatal("no entries and no error")
		}
	})
}

func FuzzParseReconXLSX(f *testing.F) {
	f.Add(xlsxOf([]any{"项目", "数值"}, []any{"记录数", 3}, []any{"金额", "1,234.50"}))
	f.Add(xlsxOf([]any{"count", "-1"}))
	f.Add([]byte("记录数,3"))
	fields := []sumField{{Code: "amount", Label: "金额"}}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := ParseReconXLSX(data, fields)
		if err != nil {
			if e := asAppErr(err); e == nil || !e.HasField("file") {
				t.Fatalf("error without a file field: %v", err)
			}
			return
		}
		if in.TargetCount < 0 {
			t.Fatalf("negative count accepted: %+v", in)
		}
	})
}

// The spec editor's form is outside input too: whatever is posted, the
// spec either compiles or is refused with a message, never a panic.
func FuzzSpecForm(f *testing.F) {
	f.Add("f.0.code=a&f.0.label=A&f.0.type=text&r.0.name=x&r.0.expr=a+%21%3D+%22%22&r.0.message=m")
	f.Add("f.0.code=d&f.0.label=D&f.0.type=decimal&f.0.scale=9&keys=k%3A+d%2C+zz&dedup=1&dedup_survivor=odd")
	f.Add("f.0.code=c&f.0.label=C&f.0.type=code&f.0.lookup=material.material_code&f.0.pattern=%28")
	f.Fuzz(func(t *testing.T, form string) {
		v, err := url.ParseQuery(form)
		if err != nil {
			return
		}
		sp := specFromForm(v, specOf("x", "X"))
		if _, err := checkSpec(mustJSON(sp)); err != nil && asAppErr(err) == nil {
			t.Fatalf("unexpected error type: %v", err)
		}
	})
}
