package app_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golive/internal/app/apptest"
	"golive/internal/datamigration"
	"golive/internal/db"
)

// The data migration rows of the authorization matrix. Everyone on
// project A sees its objects and runs (customers of company A included,
// the other customer never); PM and consultants edit specifications,
// code maps and reconciliation; PM, consultants, customer PM and key users
// upload and run files and draw samples; customer PM and key users sign
// samples; developers, finance and executives only read.
//
// Placeholders: {dmobj} an object of A with a finished run {dmrun} (made
// in SQL, so the rows do not depend on the engine), {dmsample} a sample of
// it; {dmfresh} a new object per request (delete), {dmgone} a deleted one
// (restore), {dmupl} a new upload waiting for its mapping (start, cancel),
// {dmsfresh} a new pending sample (sign).

type authzDMFix struct{ obj, run, sample, codemap int64 }

var authzDM sync.Map // *authzFix → *authzDMFix

func init() {
	authzModuleRows = append(authzModuleRows, authzDataMigrationRows)
	authzExpanders = append(authzExpanders, func(t *testing.T, x *authzFix, path string, _ apptest.Who) string {
		// A permitted start runs in the background and writes its audit
		// row when it ends: let it end before the next cell's snapshot.
		x.e.App.DataMigration.Wait()
		if !strings.Contains(path, "{dm") {
			return path
		}
		f := authzDMFixture(t, x)
		r := strings.NewReplacer("{dmobj}", itoa(f.obj), "{dmrun}", itoa(f.run), "{dmsample}", itoa(f.sample), "{dmmap}", itoa(f.codemap))
		path = r.Replace(path)
		if strings.Contains(path, "{dmfresh}") {
			path = strings.ReplaceAll(path, "{dmfresh}", itoa(authzDMObject(t, x, "fresh")))
		}
		if strings.Contains(path, "{dmgone}") {
			id := authzDMObject(t, x, "gone")
			if err := x.e.App.DataMigration.DeleteObject(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID, id); err != nil {
				t.Fatal(err)
			}
			path = strings.ReplaceAll(path, "{dmgone}", itoa(id))
		}
		if strings.Contains(path, "{dmupl}") {
			path = strings.ReplaceAll(path, "{dmupl}", itoa(authzDMUpload(t, x, f.obj)))
		}
		if strings.Contains(path, "{dmsfresh}") {
			s, err := x.e.App.DataMigration.DrawSample(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID, f.run, datamigration.SampleInput{Size: 2})
			if err != nil {
				t.Fatal(err)
			}
			path = strings.ReplaceAll(path, "{dmsfresh}", itoa(s.ID))
		}
		return path
	})
}

// authzDMSpec has an amount field, so reconciliation has a total to compare.
const authzDMSpec = `{"object":"material","label":"物料","fields":[{"code":"code","label":"编码","type":"text","required":true,"unique":true},
	{"code":"name","label":"名称","type":"text"},{"code":"amount","label":"金额","type":"decimal","scale":2,"sum":true}]}`

func authzDMObject(t *testing.T, x *authzFix, prefix string) int64 {
	t.Helper()
	o, err := x.e.App.DataMigration.CreateObject(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID, datamigration.ObjectInput{Code: prefix + itoa(int64(x.next())), Name: "授权物料"})
	if err != nil {
		t.Fatal(err)
	}
	o, err = x.e.App.DataMigration.UpdateSpec(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID, o.ID, datamigration.SpecInput{Name: "授权物料", Spec: json.RawMessage(authzDMSpec), Version: o.Version})
	if err != nil {
		t.Fatal(err)
	}
	return o.ID
}

// authzDMUpload is a run waiting for its mapping, as an upload leaves it.
func authzDMUpload(t *testing.T, x *authzFix, obj int64) int64 {
	t.Helper()
	var id int64
	err := x.e.App.DB.Tx(x.ctx, func(tx *db.Tx) error {
		if err := tx.QueryRow(x.ctx, `INSERT INTO dm_runs (project_id, object_id, status, file_name, file_kind, file_bytes, headers_json, columns_json, created_ms)
			VALUES (?, ?, 'uploaded', 'a.csv', 'csv', 20, '["编码","名称","金额"]', '{"columns":[{"column":"编码","field":"code"},{"column":"名称","field":"name"},{"column":"金额","field":"amount"}]}', ?) RETURNING id`,
			x.e.ProjectA.ID, obj, time.Now().UnixMilli()).Scan(&id); err != nil {
			return err
		}
		_, err := tx.Exec(x.ctx, `INSERT INTO dm_files (run_id, kind, seq, data) VALUES (?, 'source', 0, ?)`, id, []byte("编码,名称,金额\nA1,甲,5\n"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func authzDMFixture(t *testing.T, x *authzFix) *authzDMFix {
	t.Helper()
	if f, ok := authzDM.Load(x); ok {
		return f.(*authzDMFix)
	}
	f := &authzDMFix{obj: authzDMObject(t, x, "material")}
	stats := `{"read":3,"clean":2,"fixed":0,"rejected":1,"duplicates":0,"fixes":{},"by_rule":{"code.required":1},"by_field":{"code":1},
		"samples":{"code.required":[{"line":3,"rule":"code.required","check":"required","field":"code","column":"编码","value":"","message":"编码必填","message_en":"code is required"}]},
		"score":66.7,"sums":{"amount":"10.00"},"input":{"format":"csv"}}`
	err := x.e.App.DB.Tx(x.ctx, func(tx *db.Tx) error {
		now := time.Now().UnixMilli()
		if err := tx.QueryRow(x.ctx, `INSERT INTO dm_runs (project_id, object_id, status, file_name, file_kind, file_bytes, rows_read, rows_clean, rows_rejected, quality_permille, stats_json, created_ms, finished_ms)
			VALUES (?, ?, 'done', '授权物料.csv', 'csv', 40, 3, 2, 1, 667, ?, ?, ?) RETURNING id`, x.e.ProjectA.ID, f.obj, stats, now, now).Scan(&f.run); err != nil {
			return err
		}
		_, err := tx.Exec(x.ctx, `INSERT INTO dm_files (run_id, kind, seq, data) VALUES (?, 'clean.csv', 0, ?)`, f.run, []byte("\ufeffcode,name,amount\nA1,甲,5.00\nA2,乙,5.00\n"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := x.e.App.DataMigration.DrawSample(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID, f.run, datamigration.SampleInput{Size: 2})
	if err != nil {
		t.Fatal(err)
	}
	f.sample = s.ID
	if _, err := x.e.App.DataMigration.SaveReconciliation(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID, f.run, datamigration.ReconInput{TargetCount: 2, TargetTotals: map[string]string{"amount": "10"}}); err != nil {
		t.Fatal(err)
	}
	m, err := x.e.App.DataMigration.SaveCodeMap(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID, f.obj, datamigration.CodeMapInput{Name: "unit_map",
		Entries: []datamigration.CodeMapEntry{{Old: "个", New: "PCS"}}})
	if err != nil {
		t.Fatal(err)
	}
	f.codemap = m.ID
	authzDM.Store(x, f)
	return f
}

func authzDMPrep(t *testing.T, x *authzFix, _ apptest.Who) { authzDMFixture(t, x) }

// authzDMReconVersion is the reconciliation's current version.
func authzDMReconVersion(t *testing.T, x *authzFix) int64 {
	t.Helper()
	rc, err := x.e.App.DataMigration.Reconciliation(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID, authzDMFixture(t, x).run)
	if err != nil || rc == nil {
		t.Fatalf("reconciliation: %v", err)
	}
	return rc.Version
}

func authzDMObjectVersion(t *testing.T, x *authzFix) int64 {
	t.Helper()
	o, _, err := x.e.App.DataMigration.Object(x.ctx, x.p(apptest.PM), x.e.ProjectA.ID, authzDMFixture(t, x).obj)
	if err != nil {
		t.Fatal(err)
	}
	return o.Version
}

func authzDataMigrationRows() []authzRow {
	p := authzDMPrep
	view := authzWant{303, 404, 200, 200, 200, 200, 200, 200, 200, 200}
	viewAPI := authzWant{401, 404, 200, 200, 200, 200, 200, 200, 200, 200}
	createForm := func(_ *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"code": {"page" + itoa(int64(x.next()))}, "name": {"页面物料"}}.Encode()
	}
	createJSON := func(_ *testing.T, x *authzFix, _ apptest.Who) any {
		return map[string]any{"code": "api" + itoa(int64(x.next())), "name": "接口物料"}
	}
	specForm := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"name": {"授权物料"}, "version": {itoa(authzDMObjectVersion(t, x))},
			"f.0.code": {"code"}, "f.0.label": {"编码"}, "f.0.type": {"text"}, "f.0.required": {"1"}, "f.0.unique": {"1"},
			"f.1.code": {"amount"}, "f.1.label": {"金额"}, "f.1.type": {"decimal"}, "f.1.scale": {"2"}, "f.1.sum": {"1"}}.Encode()
	}
	specJSON := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return map[string]any{"name": "授权物料", "spec": json.RawMessage(authzDMSpec), "version": authzDMObjectVersion(t, x)}
	}
	startForm := authzForm("col.0=code&col.1=name&col.2=amount")
	reconForm := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return url.Values{"target_count": {"2"}, "total_amount": {"10.00"}, "version": {itoa(authzDMReconVersion(t, x))}}.Encode()
	}
	reconJSON := func(t *testing.T, x *authzFix, _ apptest.Who) any {
		return map[string]any{"target_count": 2, "target_totals": map[string]string{"amount": "10"}, "version": authzDMReconVersion(t, x)}
	}
	signForm := authzForm("result=pass&version=1")
	return []authzRow{
		//                                                                         anon  oc   ku   ex   cpm  dev  con  fin  pm   admin
		{pattern: "GET /projects/{id}/migration", path: "/projects/{A}/migration", prep: p, want: view},
		{pattern: "GET /projects/{id}/migration.xlsx", path: "/projects/{A}/migration.xlsx", prep: p, want: view},
		{pattern: "GET /projects/{id}/migration/objects/{oid}", path: "/projects/{A}/migration/objects/{dmobj}", want: view},
		{pattern: "GET /projects/{id}/migration/objects/{oid}/spec.json", path: "/projects/{A}/migration/objects/{dmobj}/spec.json", want: view},
		{pattern: "GET /projects/{id}/migration/objects/{oid}/mapping.json", path: "/projects/{A}/migration/objects/{dmobj}/mapping.json", want: view},
		{pattern: "GET /projects/{id}/migration/objects/{oid}/template.xlsx", path: "/projects/{A}/migration/objects/{dmobj}/template.xlsx", want: view},
		{pattern: "GET /projects/{id}/migration/objects/{oid}/template.csv", path: "/projects/{A}/migration/objects/{dmobj}/template.csv", want: view},
		{pattern: "GET /projects/{id}/migration/objects/{oid}/runs.xlsx", path: "/projects/{A}/migration/objects/{dmobj}/runs.xlsx", want: view},
		{pattern: "GET /projects/{id}/migration/objects/{oid}/codemaps/{mid}/export.csv", path: "/projects/{A}/migration/objects/{dmobj}/codemaps/{dmmap}/export.csv", want: view},
		{pattern: "GET /projects/{id}/migration/runs/{rid}", path: "/projects/{A}/migration/runs/{dmrun}", want: view},
		{pattern: "GET /projects/{id}/migration/runs/{rid}/events", path: "/projects/{A}/migration/runs/{dmrun}/events", want: view},
		{pattern: "GET /projects/{id}/migration/runs/{rid}/files/{name}", path: "/projects/{A}/migration/runs/{dmrun}/files/clean.csv", want: view},
		{pattern: "GET /projects/{id}/migration/samples/{sid}/export.xlsx", path: "/projects/{A}/migration/samples/{dmsample}/export.xlsx", want: view},

		{pattern: "POST /projects/{id}/migration/objects", path: "/projects/{A}/migration/objects", body: createForm,
			want: authzWant{303, 404, 403, 403, 403, 403, 303, 403, 303, 303}},
		{pattern: "POST /projects/{id}/migration/objects/{oid}/spec", path: "/projects/{A}/migration/objects/{dmobj}/spec", body: specForm,
			want: authzWant{303, 404, 403, 403, 403, 403, 303, 403, 303, 303}},
		{pattern: "POST /projects/{id}/migration/objects/{oid}/delete", path: "/projects/{A}/migration/objects/{dmfresh}/delete",
			want: authzWant{303, 404, 403, 403, 403, 403, 303, 403, 303, 303}},
		// Not a multipart upload: permitted callers are told to choose a file.
		{pattern: "POST /projects/{id}/migration/objects/{oid}/codemaps", path: "/projects/{A}/migration/objects/{dmobj}/codemaps", body: authzForm("name=unit"),
			want: authzWant{303, 404, 403, 403, 403, 403, 400, 403, 400, 400}},
		{pattern: "POST /projects/{id}/migration/objects/{oid}/runs", path: "/projects/{A}/migration/objects/{dmobj}/runs", body: authzForm("x=1"),
			want: authzWant{303, 404, 400, 403, 400, 403, 400, 403, 400, 400}},
		{pattern: "POST /projects/{id}/migration/runs/{rid}/start", path: "/projects/{A}/migration/runs/{dmupl}/start", body: startForm,
			want: authzWant{303, 404, 303, 403, 303, 403, 303, 403, 303, 303}},
		{pattern: "POST /projects/{id}/migration/runs/{rid}/cancel", path: "/projects/{A}/migration/runs/{dmupl}/cancel",
			want: authzWant{303, 404, 303, 403, 303, 403, 303, 403, 303, 303}},
		{pattern: "POST /projects/{id}/migration/runs/{rid}/samples", path: "/projects/{A}/migration/runs/{dmrun}/samples", body: authzForm("size=1"),
			want: authzWant{303, 404, 303, 403, 303, 403, 303, 403, 303, 303}},
		{pattern: "POST /projects/{id}/migration/runs/{rid}/reconciliation", path: "/projects/{A}/migration/runs/{dmrun}/reconciliation", body: reconForm,
			want: authzWant{303, 404, 403, 403, 403, 403, 303, 403, 303, 303}},
		{pattern: "POST /projects/{id}/migration/samples/{sid}/sign", path: "/projects/{A}/migration/samples/{dmsfresh}/sign", body: signForm,
			want: authzWant{303, 404, 303, 403, 303, 403, 403, 403, 403, 303}},

		//                                                                         anon  oc   ku   ex   cpm  dev  con  fin  pm   admin
		{pattern: "GET /api/v1/projects/{id}/migration/library", path: "/api/v1/projects/{A}/migration/library", want: viewAPI},
		{pattern: "GET /api/v1/projects/{id}/migration/objects", path: "/api/v1/projects/{A}/migration/objects", prep: p, want: viewAPI},
		{pattern: "GET /api/v1/projects/{id}/migration/objects/{oid}", path: "/api/v1/projects/{A}/migration/objects/{dmobj}", want: viewAPI},
		{pattern: "GET /api/v1/projects/{id}/migration/objects/{oid}/runs", path: "/api/v1/projects/{A}/migration/objects/{dmobj}/runs", want: viewAPI},
		{pattern: "GET /api/v1/projects/{id}/migration/runs/{rid}", path: "/api/v1/projects/{A}/migration/runs/{dmrun}", want: viewAPI},
		{pattern: "GET /api/v1/projects/{id}/migration/runs/{rid}/samples", path: "/api/v1/projects/{A}/migration/runs/{dmrun}/samples", want: viewAPI},
		{pattern: "GET /api/v1/projects/{id}/migration/runs/{rid}/reconciliation", path: "/api/v1/projects/{A}/migration/runs/{dmrun}/reconciliation", want: viewAPI},

		{pattern: "POST /api/v1/projects/{id}/migration/objects", path: "/api/v1/projects/{A}/migration/objects", body: createJSON,
			want: authzWant{401, 404, 403, 403, 403, 403, 201, 403, 201, 201}},
		{pattern: "PUT /api/v1/projects/{id}/migration/objects/{oid}/spec", path: "/api/v1/projects/{A}/migration/objects/{dmobj}/spec", body: specJSON,
			want: authzWant{401, 404, 403, 403, 403, 403, 200, 403, 200, 200}},
		{pattern: "DELETE /api/v1/projects/{id}/migration/objects/{oid}", path: "/api/v1/projects/{A}/migration/objects/{dmfresh}",
			want: authzWant{401, 404, 403, 403, 403, 403, 204, 403, 204, 204}},
		{pattern: "POST /api/v1/projects/{id}/migration/objects/{oid}/restore", path: "/api/v1/projects/{A}/migration/objects/{dmgone}/restore",
			want: authzWant{401, 404, 403, 403, 403, 403, 200, 403, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/migration/objects/{oid}/runs", path: "/api/v1/projects/{A}/migration/objects/{dmobj}/runs", body: authzForm("{}"),
			want: authzWant{401, 404, 400, 403, 400, 403, 400, 403, 400, 400}},
		{pattern: "POST /api/v1/projects/{id}/migration/runs/{rid}/cancel", path: "/api/v1/projects/{A}/migration/runs/{dmupl}/cancel",
			want: authzWant{401, 404, 200, 403, 200, 403, 200, 403, 200, 200}},
		{pattern: "POST /api/v1/projects/{id}/migration/runs/{rid}/samples", path: "/api/v1/projects/{A}/migration/runs/{dmrun}/samples", body: authzJSON(map[string]any{"size": 1}),
			want: authzWant{401, 404, 201, 403, 201, 403, 201, 403, 201, 201}},
		{pattern: "POST /api/v1/projects/{id}/migration/samples/{sid}/sign", path: "/api/v1/projects/{A}/migration/samples/{dmsfresh}/sign", body: authzJSON(map[string]any{"result": "pass", "version": 1}),
			want: authzWant{401, 404, 200, 403, 200, 403, 403, 403, 403, 200}},
		{pattern: "PUT /api/v1/projects/{id}/migration/runs/{rid}/reconciliation", path: "/api/v1/projects/{A}/migration/runs/{dmrun}/reconciliation", body: reconJSON,
			want: authzWant{401, 404, 403, 403, 403, 403, 200, 403, 200, 200}},
	}
}
