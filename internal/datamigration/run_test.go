package datamigration_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"golive/internal/app/apptest"
	"golive/internal/apperr"
	"golive/internal/datamigration"
	"golive/internal/datamigration/engine"
)

// materialCSV has 6 rows: 3 accepted after fixes (trim, case, number),
// 1 duplicate code that de-duplication removes, 2 rejected (a missing
// name, an unknown unit).
const materialCSV = "物料编码,物料名称,物料类型,基本单位,标准单价,备注\n" +
	"m-001 ,六角螺栓,原材料,个,\"1,234.50\",x\n" +
	"M-002,平垫圈,原材料,个,0.35,\n" +
	"M-003,弹簧垫圈,原材料,kg,2,\n" +
	"M-001,重复的螺栓,原材料,个,1,\n" +
	"M-004,,原材料,个,1,\n" +
	"M-005,螺母,原材料,打,1,\n"

func library(t *testing.T, e *apptest.Env, key string) datamigration.Object {
	t.Helper()
	o, err := e.App.DataMigration.CreateObject(ctx, p(e, apptest.Consultant), e.ProjectA.ID, datamigration.ObjectInput{LibraryKey: key})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// runFile uploads data as who, starts it with the proposed mapping and
// waits for the end.
func runFile(t *testing.T, e *apptest.Env, who apptest.Who, o datamigration.Object, name string, data []byte) datamigration.Run {
	t.Helper()
	s := e.App.DataMigration
	sp, err := s.Spool(multipartReq(t, name, data, nil), "file")
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Remove()
	r, err := s.Upload(ctx, p(e, who), e.ProjectA.ID, o.ID, sp)
	if err != nil {
		t.Fatalf("upload %s: %v", name, err)
	}
	if r.Status != datamigration.RunUploaded {
		t.Fatalf("status after upload: %s", r.Status)
	}
	if _, err := s.Start(ctx, p(e, who), e.ProjectA.ID, r.ID, r.Mapping); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	s.Wait()
	r, _, err = s.Run(ctx, p(e, who), e.ProjectA.ID, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRunMaterialThenBOM(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		s := e.App.DataMigration
		a := e.ProjectA.ID
		mat := library(t, e, "material")
		// A customer key user runs the customer's own file.
		r := runFile(t, e, apptest.KeyUser, mat, "物料.csv", []byte(materialCSV))
		if r.Status != datamigration.RunDone || r.Read != 6 || r.Rejected != 2 || r.Clean+r.Fixed != 3 || r.Fixed == 0 || r.Result.Duplicates != 1 {
			t.Fatalf("run: %s read %d clean %d fixed %d rejected %d (%s) %v", r.Status, r.Read, r.Clean, r.Fixed, r.Rejected, r.ErrorKey, r.Result)
		}
		if r.Quality != 600 || r.Result == nil || r.Result.ByRule["material_name.required"] != 1 || r.Result.ByRule["base_unit.allowed"] != 1 {
			t.Fatalf("quality %d, by rule %v", r.Quality, r.Result.ByRule)
		}
		if len(r.Result.Ignored) != 1 || r.Result.Ignored[0] != "备注" {
			t.Fatalf("ignored columns: %v", r.Result.Ignored)
		}
		// The mapping is remembered on the object.
		o, _, _ := s.Object(ctx, p(e, apptest.PM), a, mat.ID)
		if len(o.Mapping.Columns) != 6 {
			t.Fatalf("remembered mapping: %+v", o.Mapping)
		}
		// The error report highlights the offending cells.
		var rep bytes.Buffer
		if ok, err := datamigration.CopyFileForTest(s, ctx, r.ID, datamigration.FileErrors, &rep); !ok || err != nil {
			t.Fatalf("error report: %v %v", ok, err)
		}
		f, err := excelize.OpenReader(&rep)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows(f.GetSheetList()[0])
		if len(rows) != 3 {
			t.Fatalf("error report rows: %v", rows)
		}
		var clean bytes.Buffer
		datamigration.CopyFileForTest(s, ctx, r.ID, datamigration.FileCleanCSV, &clean)
		if !strings.Contains(clean.String(), "M-001") || strings.Contains(clean.String(), "M-005") || !strings.Contains(clean.String(), "1234.5") {
			t.Fatalf("cleaned CSV: %s", clean.String())
		}

		// The BOM looks its material codes up in that run's keys.
		bom := library(t, e, "bom")
		bomCSV := "父项物料编码,BOM 版本,行号,子项物料编码,单位用量\n" +
			"M-001,V1,10,M-002,4\n" +
			"M-001,V1,20,M-999,1\n" +
			"M-777,V1,10,M-003,1\n"
		br := runFile(t, e, apptest.Consultant, bom, "BOM.csv", []byte(bomCSV))
		if br.Status != datamigration.RunDone || br.Read != 3 || br.Rejected != 2 {
			t.Fatalf("BOM run: %s read %d rejected %d %v (%s)", br.Status, br.Read, br.Rejected, br.Result, br.ErrorKey)
		}
		if br.Result.ByRule["child_material.lookup"] != 1 || br.Result.ByRule["parent_material.lookup"] != 1 || len(br.Result.SkippedLookups) != 0 {
			t.Fatalf("BOM lookups: %v skipped %v", br.Result.ByRule, br.Result.SkippedLookups)
		}
		runs, _ := s.Runs(ctx, p(e, apptest.Executive), a, bom.ID)
		if len(runs) != 1 {
			t.Fatalf("BOM history: %d", len(runs))
		}
	})
}

// TestRunBadInput: every way a file can be wrong gets a field message on
// "file" (or "mapping") and no run; nothing is a 500.
func TestRunBadInput(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		s := e.App.DataMigration
		mat := library(t, e, "material")
		upload := func(name string, data []byte) error {
			sp, err := s.Spool(multipartReq(t, name, data, nil), "file")
			if err != nil {
				return err
			}
			defer sp.Remove()
			_, err = s.Upload(ctx, p(e, apptest.KeyUser), e.ProjectA.ID, mat.ID, sp)
			return err
		}
		// A zip bomb: one entry that inflates far past the limit.
		var bomb bytes.Buffer
		{
			f := excelize.NewFile()
			sw, _ := f.NewStreamWriter("Sheet1")
			row := make([]any, 50)
			for i := range row {
				row[i] = strings.Repeat("a", 200)
			}
			for i := 1; i <= 3000; i++ {
				cell, _ := excelize.CoordinatesToCellName(1, i)
				sw.SetRow(cell, row)
			}
			sw.Flush()
			f.Write(&bomb)
		}
		old := s.MaxUpload
		defer func() { s.MaxUpload = old }()
		gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(materialCSV))
		for _, c := range []struct {
			what string
			name string
			data []byte
			max  int64
		}{
			{"corrupt workbook", "a.xlsx", []byte("PK\x03\x04this is not a zip"), 0},
			{"password-protected workbook", "a.xlsx", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...), 0},
			{"header only", "a.csv", []byte("物料编码,物料名称\n"), 0},
			{"binary that is no text", "a.csv", []byte{0x00, 0x01, 0xff, 0xfe, 0x00, 0x80, 0x81, 0x00}, 0},
			{"zip bomb", "bomb.xlsx", bomb.Bytes(), int64(bomb.Len()) + 10},
		} {
			if c.max > 0 {
				s.MaxUpload = c.max
				// The decompressed limit follows the file limit's defaults;
				// make it small so the bomb trips it.
				datamigration.SetUnzipLimitForTest(s, 1<<20)
			}
			err := upload(c.name, c.data)
			if ae := apperr.As(err); ae.Code != apperr.Invalid || !ae.HasField("file") {
				t.Errorf("%s: want a message on file, got %v", c.what, err)
			}
			datamigration.SetUnzipLimitForTest(s, 0)
			s.MaxUpload = old
		}
		// A GBK file is read as GBK.
		sp, err := s.Spool(multipartReq(t, "gbk.csv", gbk, nil), "file")
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.Upload(ctx, p(e, apptest.KeyUser), e.ProjectA.ID, mat.ID, sp)
		sp.Remove()
		if err != nil || r.Encoding != engine.EncodingGB18030 || r.Headers[0] != "物料编码" {
			t.Fatalf("GBK upload: %+v %v", r, err)
		}
		// A header missing a required column names it and the unexpected ones.
		sp, _ = s.Spool(multipartReq(t, "b.csv", []byte("编号,名称\nM1,螺栓\n"), nil), "file")
		r, err = s.Upload(ctx, p(e, apptest.KeyUser), e.ProjectA.ID, mat.ID, sp)
		sp.Remove()
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Start(ctx, p(e, apptest.KeyUser), e.ProjectA.ID, r.ID, r.Mapping)
		ae := apperr.As(err)
		if ae.Code != apperr.Invalid || !strings.Contains(fmtArgs(ae), "物料编码") || !strings.Contains(fmtArgs(ae), "编号") {
			t.Fatalf("header mismatch: %v %s", err, fmtArgs(ae))
		}
		if got, _, _ := s.Run(ctx, p(e, apptest.KeyUser), e.ProjectA.ID, r.ID); got.Status != datamigration.RunUploaded {
			t.Fatalf("a refused start changed the run: %s", got.Status)
		}
	})
}

// TestRunCancel: a cancel request reaches a running run through its row.
func TestRunCancel(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		s := e.App.DataMigration
		mat := library(t, e, "material")
		var b strings.Builder
		b.WriteString("物料编码,物料名称,物料类型,基本单位\n")
		for i := 0; i < 300000; i++ {
			b.WriteString("M-")
			b.WriteString(itoa(i))
			b.WriteString(",螺栓,原材料,个\n")
		}
		sp, err := s.Spool(multipartReq(t, "big.csv", []byte(b.String()), nil), "file")
		if err != nil {
			t.Fatal(err)
		}
		defer sp.Remove()
		r, err := s.Upload(ctx, p(e, apptest.KeyUser), e.ProjectA.ID, mat.ID, sp)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Start(ctx, p(e, apptest.KeyUser), e.ProjectA.ID, r.ID, r.Mapping); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CancelRun(ctx, p(e, apptest.Executive), e.ProjectA.ID, r.ID); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("executive cancels: %v", err)
		}
		if _, err := s.CancelRun(ctx, p(e, apptest.CustomerPM), e.ProjectA.ID, r.ID); err != nil && apperr.CodeOf(err) != apperr.Conflict {
			t.Fatal(err)
		}
		s.Wait()
		got, _, _ := s.Run(ctx, p(e, apptest.KeyUser), e.ProjectA.ID, r.ID)
		// A fast machine may finish first; either way the run has ended.
		if got.Status != datamigration.RunCancelled && got.Status != datamigration.RunDone {
			t.Fatalf("after cancel: %s %s", got.Status, got.ErrorKey)
		}
		if got.Status == datamigration.RunCancelled && datamigration.HasFileForTest(s, ctx, r.ID, datamigration.FileCleanCSV) {
			t.Fatal("a cancelled run kept its output")
		}
		_ = time.Second
	})
}

// A run is read under the specification it ran with: relabelling a field
// afterwards does not rename the counts and examples of earlier runs,
// while a new upload is checked against the new specification.
func TestRunKeepsItsSpecification(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		s := e.App.DataMigration
		a := e.ProjectA.ID
		mat := library(t, e, "material")
		r := runFile(t, e, apptest.Consultant, mat, "物料.csv", []byte(materialCSV))
		if r.Status != datamigration.RunDone || r.Rejected == 0 {
			t.Fatalf("run: %s rejected %d", r.Status, r.Rejected)
		}
		page := "/projects/" + itoa(int(a)) + "/migration/runs/" + itoa(int(r.ID))
		before := e.Do(t, apptest.PM, "GET", page, nil)
		if before.Status != 200 || !strings.Contains(before.Body, "物料名称") {
			t.Fatalf("run page: %d", before.Status)
		}
		o, _, err := s.Object(ctx, p(e, apptest.PM), a, mat.ID)
		if err != nil {
			t.Fatal(err)
		}
		relabelled := strings.ReplaceAll(string(o.Spec), `"物料名称"`, `"品名（新）"`)
		if relabelled == string(o.Spec) {
			t.Fatal("the library's material object has no field labelled 物料名称")
		}
		if _, err := s.UpdateSpec(ctx, p(e, apptest.Consultant), a, mat.ID, datamigration.SpecInput{Name: o.Name, Spec: json.RawMessage(relabelled), Version: o.Version}); err != nil {
			t.Fatal(err)
		}
		after := e.Do(t, apptest.PM, "GET", page, nil)
		if after.Status != 200 || strings.Contains(after.Body, "品名（新）") || !strings.Contains(after.Body, "物料名称") {
			t.Fatalf("the finished run took the new label (%d)", after.Status)
		}
		r2 := runFile(t, e, apptest.Consultant, mat, "物料2.csv", []byte(materialCSV))
		if got := e.Do(t, apptest.PM, "GET", "/projects/"+itoa(int(a))+"/migration/runs/"+itoa(int(r2.ID)), nil); !strings.Contains(got.Body, "品名（新）") {
			t.Fatal("a run started after the edit does not use the new label")
		}
	})
}
