package datamigration_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"golive/internal/access"
	"golive/internal/app/apptest"
	"golive/internal/apperr"
	"golive/internal/datamigration"
	"golive/internal/db"
)

var ctx = context.Background()

func p(e *apptest.Env, who apptest.Who) *access.Principal { return e.Users[who].P }

func wantCode(t *testing.T, what string, err error, code apperr.Code) {
	t.Helper()
	if apperr.CodeOf(err) != code {
		t.Fatalf("%s: want %s, got %v", what, code, err)
	}
}

func wantField(t *testing.T, what string, err error, field string) *apperr.Error {
	t.Helper()
	e := apperr.As(err)
	if e.Code != apperr.Invalid || !e.HasField(field) {
		t.Fatalf("%s: want a field error on %s, got %v", what, field, err)
	}
	return e
}

const materialSpec = `{"fields":[
 {"code":"material_code","label":"物料编码","type":"text","required":true,"unique":true,"max_length":20,"cleanse":{"trim":true,"half_width":true,"case":"upper"}},
 {"code":"name","label":"物料名称","type":"text","required":true,"cleanse":{"trim":true}},
 {"code":"unit","label":"单位","type":"code","allowed":["PCS","KG","M"],"default":"PCS","cleanse":{"trim":true,"case":"upper"}},
 {"code":"price","label":"单价","type":"decimal","scale":2,"sum":true},
 {"code":"start_date","label":"启用日期","type":"date"},
 {"code":"end_date","label":"停用日期","type":"date"}],
 "rules":[{"name":"dates_ordered","expr":"end_date == nil || start_date == nil || end_date >= start_date","message":"停用日期早于启用日期"}]}`

func newObject(t *testing.T, e *apptest.Env, code, name, spec string) datamigration.Object {
	t.Helper()
	s := e.App.DataMigration
	o, err := s.CreateObject(ctx, p(e, apptest.Consultant), e.ProjectA.ID, datamigration.ObjectInput{Code: code, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	o, err = s.UpdateSpec(ctx, p(e, apptest.Consultant), e.ProjectA.ID, o.ID, datamigration.SpecInput{Name: name, Spec: json.RawMessage(spec), Version: o.Version})
	if err != nil {
		t.Fatalf("spec of %s: %v", code, err)
	}
	return o
}

func TestObjectLifecycle(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		s := e.App.DataMigration
		a := e.ProjectA.ID
		o := newObject(t, e, "material", "物料主数据", materialSpec)
		if o.Version != 2 || o.FieldCount() != 6 {
			t.Fatalf("object: %+v", o)
		}
		_, err := s.CreateObject(ctx, p(e, apptest.PM), a, datamigration.ObjectInput{Code: "material", Name: "重复"})
		wantField(t, "same code", err, "code")
		_, err = s.CreateObject(ctx, p(e, apptest.PM), a, datamigration.ObjectInput{Code: "物料", Name: "x"})
		wantField(t, "non-ASCII code", err, "code")
		_, err = s.CreateObject(ctx, p(e, apptest.PM), a, datamigration.ObjectInput{LibraryKey: "no_such_object"})
		wantField(t, "unknown library object", err, "library_key")

		// Who may create: the key user sees but may not; the other
		// customer and the outsider do not see the project at all.
		_, err = s.CreateObject(ctx, p(e, apptest.KeyUser), a, datamigration.ObjectInput{Code: "x1", Name: "x"})
		wantCode(t, "key user creates", err, apperr.Forbidden)
		_, err = s.CreateObject(ctx, p(e, apptest.Finance), a, datamigration.ObjectInput{Code: "x1", Name: "x"})
		wantCode(t, "finance creates", err, apperr.Forbidden)
		_, err = s.CreateObject(ctx, p(e, apptest.OtherCust), a, datamigration.ObjectInput{Code: "x1", Name: "x"})
		wantCode(t, "other customer creates", err, apperr.NotFound)
		if _, _, err := s.Object(ctx, p(e, apptest.Outsider), a, o.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("outsider reads: %v", err)
		}
		if _, _, err := s.Object(ctx, p(e, apptest.PM), e.ProjectB.ID, o.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("object of A under B: %v", err)
		}

		// A rule that does not compile is refused, naming the rule; nothing changes.
		bad := strings.Replace(materialSpec, `end_date >= start_date`, `end_date >=`, 1)
		bad = strings.Replace(bad, `"dates_ordered"`, `"bad_dates"`, 1)
		_, err = s.UpdateSpec(ctx, p(e, apptest.Consultant), a, o.ID, datamigration.SpecInput{Name: "物料主数据", Spec: json.RawMessage(bad), Version: o.Version})
		ae := wantField(t, "rule that does not compile", err, "spec")
		if !strings.Contains(strings.Join(strings.Fields(fmtArgs(ae)), " "), "bad_dates") {
			t.Fatalf("the error does not name the rule: %+v", ae)
		}
		// A stale version is a conflict.
		_, err = s.UpdateSpec(ctx, p(e, apptest.Consultant), a, o.ID, datamigration.SpecInput{Name: "新名字", Spec: json.RawMessage(materialSpec), Version: o.Version - 1})
		wantCode(t, "stale spec", err, apperr.Conflict)
		got, _, err := s.Object(ctx, p(e, apptest.KeyUser), a, o.ID)
		if err != nil || got.Version != o.Version || got.Name != "物料主数据" {
			t.Fatalf("object changed by refused saves: %+v %v", got, err)
		}
		// The object's code is what other objects look up: the spec keeps it.
		var spec struct{ Object, Label string }
		json.Unmarshal(got.Spec, &spec)
		if spec.Object != "material" || spec.Label != "物料主数据" {
			t.Fatalf("spec identity: %+v", spec)
		}

		// Delete, the trash, restore.
		if err := s.DeleteObject(ctx, p(e, apptest.KeyUser), a, o.ID); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("key user deletes: %v", err)
		}
		if err := s.DeleteObject(ctx, p(e, apptest.PM), a, o.ID); err != nil {
			t.Fatal(err)
		}
		list, _, _ := s.Objects(ctx, p(e, apptest.PM), a)
		if len(list) != 0 {
			t.Fatalf("deleted object listed: %+v", list)
		}
		items, err := e.App.Trash.List(ctx, p(e, apptest.Consultant))
		if err != nil || len(items) != 1 || items[0].Kind != "dm_object" {
			t.Fatalf("trash: %+v %v", items, err)
		}
		if items, _ := e.App.Trash.List(ctx, p(e, apptest.KeyUser)); len(items) != 0 {
			t.Fatalf("key user's trash offers the object: %+v", items)
		}
		// A new object took the code meanwhile: restoring is refused.
		other := newObject(t, e, "material", "物料主数据二", materialSpec)
		wantCode(t, "restore over a taken code", s.RestoreObject(ctx, p(e, apptest.PM), o.ID), apperr.Conflict)
		if err := s.DeleteObject(ctx, p(e, apptest.PM), a, other.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.RestoreObject(ctx, p(e, apptest.PM), o.ID); err != nil {
			t.Fatal(err)
		}
		var n int
		e.App.DB.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'dm_object' AND entity_id = ?`, o.ID).Scan(&n)
		if n != 4 { // create, update, delete, restore
			t.Fatalf("audit rows of the object: %d", n)
		}
	})
}

func fmtArgs(e *apperr.Error) string {
	var b strings.Builder
	b.WriteString(e.Key)
	for _, a := range e.Args {
		b.WriteString(" ")
		b.WriteString(strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(toString(a), "\n", " "), "\t", " ")))
	}
	for _, as := range e.FieldArgs {
		for _, a := range as {
			b.WriteString(" " + toString(a))
		}
	}
	return b.String()
}

func toString(v any) string {
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}

// doneRun inserts a finished run of o with a cleaned CSV, as the runner
// leaves one, so samples and reconciliation are tested without the engine.
func doneRun(t *testing.T, e *apptest.Env, objectID int64, rows int) int64 {
	t.Helper()
	var csv bytes.Buffer
	csv.WriteString("\ufeffmaterial_code,name,price\n")
	for i := 1; i <= rows; i++ {
		csv.WriteString("M" + itoa(i) + ",物料" + itoa(i) + ",1.50\n")
	}
	var id int64
	stats := `{"read":` + itoa(rows) + `,"clean":` + itoa(rows) + `,"sums":{"price":"` + itoa(rows) + `.5"}}`
	err := e.App.DB.Tx(ctx, func(tx *db.Tx) error {
		now := time.Now().UnixMilli()
		if err := tx.QueryRow(ctx, `INSERT INTO dm_runs (project_id, object_id, status, file_name, file_kind, rows_read, rows_clean, stats_json, created_ms, finished_ms)
			VALUES (?, ?, 'done', 'm.csv', 'csv', ?, ?, ?, ?, ?) RETURNING id`, e.ProjectA.ID, objectID, rows, rows, stats, now, now).Scan(&id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO dm_files (run_id, kind, seq, data) VALUES (?, 'clean.csv', 0, ?)`, id, csv.Bytes())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestSampleDrawAndSign(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		s := e.App.DataMigration
		a := e.ProjectA.ID
		o := newObject(t, e, "material", "物料主数据", materialSpec)
		run := doneRun(t, e, o.ID, 50)
		_, err := s.DrawSample(ctx, p(e, apptest.KeyUser), a, run, datamigration.SampleInput{Size: 0})
		wantField(t, "size 0", err, "size")
		_, err = s.DrawSample(ctx, p(e, apptest.Finance), a, run, datamigration.SampleInput{Size: 5})
		wantCode(t, "finance draws", err, apperr.Forbidden)
		sm, err := s.DrawSample(ctx, p(e, apptest.KeyUser), a, run, datamigration.SampleInput{Size: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(sm.Rows) != 10 || len(sm.Lines) != 10 || sm.Result != "pending" || len(sm.Headers) != 3 || sm.Headers[0] != "material_code" {
			t.Fatalf("sample: %+v", sm)
		}
		seen := map[int64]bool{}
		for i, l := range sm.Lines {
			if l < 1 || l > 50 || seen[l] || (i > 0 && l <= sm.Lines[i-1]) {
				t.Fatalf("lines not distinct rows in file order: %v", sm.Lines)
			}
			seen[l] = true
			if want := "M" + itoa(int(l)); sm.Rows[i][0] != want {
				t.Fatalf("row %d is %v, want %s", l, sm.Rows[i], want)
			}
		}
		// More than the run has: every row once.
		all, err := s.DrawSample(ctx, p(e, apptest.PM), a, run, datamigration.SampleInput{Size: 200})
		if err != nil || len(all.Rows) != 50 {
			t.Fatalf("oversized sample: %d %v", len(all.Rows), err)
		}

		_, err = s.SignSample(ctx, p(e, apptest.Consultant), a, sm.ID, datamigration.SignInput{Result: "pass", Version: sm.Version})
		wantCode(t, "consultant signs", err, apperr.Forbidden)
		_, err = s.SignSample(ctx, p(e, apptest.KeyUser), a, sm.ID, datamigration.SignInput{Result: "fail", Version: sm.Version})
		wantField(t, "fail without a comment", err, "comment")
		_, err = s.SignSample(ctx, p(e, apptest.KeyUser), a, sm.ID, datamigration.SignInput{Result: "maybe", Version: sm.Version})
		wantField(t, "unknown verdict", err, "result")
		signed, err := s.SignSample(ctx, p(e, apptest.KeyUser), a, sm.ID, datamigration.SignInput{Result: "fail", Comment: "M7 的单价与旧系统不符", Version: sm.Version})
		if err != nil {
			t.Fatal(err)
		}
		if signed.Result != "fail" || signed.SignedName != "key_user" || signed.SignedMS == nil || signed.Comment == "" {
			t.Fatalf("signed: %+v", signed)
		}
		_, err = s.SignSample(ctx, p(e, apptest.CustomerPM), a, sm.ID, datamigration.SignInput{Result: "pass", Version: signed.Version})
		wantCode(t, "second signature", err, apperr.Conflict)
		_, err = s.SignSample(ctx, p(e, apptest.OtherCust), a, all.ID, datamigration.SignInput{Result: "pass", Version: all.Version})
		wantCode(t, "other company signs", err, apperr.NotFound)
	})
}

func TestReconciliation(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		s := e.App.DataMigration
		a := e.ProjectA.ID
		o := newObject(t, e, "material", "物料主数据", materialSpec)
		run := doneRun(t, e, o.ID, 3) // 3 rows, price total 3.5
		if rc, err := s.Reconciliation(ctx, p(e, apptest.KeyUser), a, run); err != nil || rc != nil {
			t.Fatalf("none yet: %+v %v", rc, err)
		}
		_, err := s.SaveReconciliation(ctx, p(e, apptest.KeyUser), a, run, datamigration.ReconInput{TargetCount: 3})
		wantCode(t, "key user reconciles", err, apperr.Forbidden)
		_, err = s.SaveReconciliation(ctx, p(e, apptest.Consultant), a, run, datamigration.ReconInput{TargetCount: 3, TargetTotals: map[string]string{"name": "1"}})
		wantField(t, "a total of a field that is not summed", err, "target_totals")
		_, err = s.SaveReconciliation(ctx, p(e, apptest.Consultant), a, run, datamigration.ReconInput{TargetCount: 3, TargetTotals: map[string]string{"price": "1e9"}})
		wantField(t, "a total in exponent form", err, "total_price")
		rc, err := s.SaveReconciliation(ctx, p(e, apptest.Consultant), a, run, datamigration.ReconInput{TargetCount: 2, TargetTotals: map[string]string{"price": "3.50"}})
		if err != nil {
			t.Fatal(err)
		}
		if !rc.Mismatch || rc.Lines[0].OK || rc.Lines[0].Diff != "-1" || !rc.Lines[1].OK {
			t.Fatalf("count mismatch not flagged: %+v", rc)
		}
		_, err = s.SaveReconciliation(ctx, p(e, apptest.Consultant), a, run, datamigration.ReconInput{TargetCount: 3, Version: rc.Version - 1})
		wantCode(t, "stale reconciliation", err, apperr.Conflict)
		rc, err = s.SaveReconciliation(ctx, p(e, apptest.PM), a, run, datamigration.ReconInput{TargetCount: 3, TargetTotals: map[string]string{"price": "3.5"}, Version: rc.Version})
		if err != nil || rc.Mismatch {
			t.Fatalf("matching figures flagged: %+v %v", rc, err)
		}
		// The report uploaded as .xlsx names figures by label or code.
		f := excelize.NewFile()
		f.SetSheetRow("Sheet1", "A1", &[]any{"项目", "数值"})
		f.SetSheetRow("Sheet1", "A2", &[]any{"记录数", 3})
		f.SetSheetRow("Sheet1", "A3", &[]any{"单价", "3.40"})
		var buf bytes.Buffer
		f.Write(&buf)
		in, err := datamigration.ParseReconXLSXForTest(buf.Bytes(), map[string]string{"price": "单价"})
		if err != nil || in.TargetCount != 3 || in.TargetTotals["price"] != "3.40" {
			t.Fatalf("parsed report: %+v %v", in, err)
		}
		f.SetSheetRow("Sheet1", "A4", &[]any{"运费", "1"})
		buf.Reset()
		f.Write(&buf)
		_, err = datamigration.ParseReconXLSXForTest(buf.Bytes(), map[string]string{"price": "单价"})
		wantField(t, "unknown figure", err, "file")
		_, err = datamigration.ParseReconXLSXForTest([]byte("记录数,3\n"), nil)
		wantField(t, "a CSV for a workbook", err, "file")
	})
}

func TestCodeMapUpload(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		s := e.App.DataMigration
		a := e.ProjectA.ID
		o := newObject(t, e, "material", "物料主数据", materialSpec)
		f := excelize.NewFile()
		f.SetSheetRow("Sheet1", "A1", &[]any{"原编码", "新编码"})
		f.SetSheetRow("Sheet1", "A2", &[]any{"个", "PCS"})
		f.SetSheetRow("Sheet1", "A3", &[]any{"公斤", "KG"})
		f.SetSheetRow("Sheet1", "A4", &[]any{"个", "PCS"})
		var buf bytes.Buffer
		f.Write(&buf)
		entries, err := datamigration.ParseCodeMapXLSX(buf.Bytes())
		if err != nil || len(entries) != 2 || entries[0].Old != "个" || entries[0].New != "PCS" {
			t.Fatalf("entries: %+v %v", entries, err)
		}
		f.SetSheetRow("Sheet1", "A5", &[]any{"个", "EA"})
		buf.Reset()
		f.Write(&buf)
		_, err = datamigration.ParseCodeMapXLSX(buf.Bytes())
		wantField(t, "one old code, two new ones", err, "file")
		_, err = datamigration.ParseCodeMapXLSX([]byte("PK\x03\x04 broken"))
		wantField(t, "corrupt workbook", err, "file")

		_, err = s.SaveCodeMap(ctx, p(e, apptest.KeyUser), a, o.ID, datamigration.CodeMapInput{Name: "unit_map", Entries: entries})
		wantCode(t, "key user uploads a code map", err, apperr.Forbidden)
		if _, err := s.SaveCodeMap(ctx, p(e, apptest.Consultant), a, o.ID, datamigration.CodeMapInput{Name: "unit_map", Entries: entries}); err != nil {
			t.Fatal(err)
		}
		// The same name again replaces the table.
		if _, err := s.SaveCodeMap(ctx, p(e, apptest.Consultant), a, o.ID, datamigration.CodeMapInput{Name: "unit_map", Entries: entries[:1]}); err != nil {
			t.Fatal(err)
		}
		maps, err := s.CodeMaps(ctx, p(e, apptest.KeyUser), a, o.ID)
		if err != nil || len(maps) != 1 || maps[0].Count != 1 {
			t.Fatalf("maps: %+v %v", maps, err)
		}
	})
}

// multipartReq builds an upload request with a file part.
func multipartReq(t *testing.T, name string, data []byte, fields map[string]string) *http.Request {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if name != "" {
		fw, err := w.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	w.Close()
	r := httptest.NewRequest("POST", "/upload", &body)
	r.Header.Set("Content-Type", w.FormDataContentType())
	return r
}

func TestSpoolLimits(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		s := e.App.DataMigration
		old := s.MaxUpload
		s.MaxUpload = 1 << 10
		defer func() { s.MaxUpload = old }()
		_, err := s.Spool(multipartReq(t, "big.csv", bytes.Repeat([]byte("a,b\n"), 1000), nil), "file")
		wantField(t, "a file over the limit", err, "file")
		_, err = s.Spool(multipartReq(t, "empty.csv", nil, nil), "file")
		wantField(t, "an empty file", err, "file")
		_, err = s.Spool(multipartReq(t, "", nil, map[string]string{"x": "1"}), "file")
		wantField(t, "no file", err, "file")
		sp, err := s.Spool(multipartReq(t, `C:\Users\客户\物料.csv`, []byte("物料编码\nM1\n"), map[string]string{"mapping": "{}"}), "file")
		if err != nil {
			t.Fatal(err)
		}
		defer sp.Remove()
		if sp.Name != "物料.csv" || sp.Size != int64(len("物料编码\nM1\n")) || sp.Fields["mapping"] != "{}" {
			t.Fatalf("spooled: %+v", sp)
		}
	})
}
