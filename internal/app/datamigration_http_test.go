package app_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/datamigration"
	"golive/internal/datamigration/engine"
)

// dmUpload posts a multipart form with a file to a page or API path as who.
func dmUpload(t *testing.T, e *apptest.Env, who apptest.Who, path, name string, data []byte, fields map[string]string) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if name != "" {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", e.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	u := e.Users[who]
	if strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+u.Token)
	} else {
		req.AddCookie(&http.Cookie{Name: "golive_session", Value: u.Session})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Every bad file and every bad specification gets a 4xx with a message
// in the caller's language naming the problem; nothing is a 500.
func TestDataMigrationBadInputHTTP(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := t.Context()
		o, err := e.App.DataMigration.CreateObject(ctx, e.Users[apptest.Consultant].P, e.ProjectA.ID, datamigration.ObjectInput{LibraryKey: "material"})
		if err != nil {
			t.Fatal(err)
		}
		a := itoa(e.ProjectA.ID)
		page := "/projects/" + a + "/migration/objects/" + itoa(o.ID)
		api := "/api/v1/projects/" + a + "/migration/objects/" + itoa(o.ID)
		for _, c := range []struct {
			what, name string
			data       []byte
			want       string
		}{
			{"corrupt workbook", "a.xlsx", []byte("PK\x03\x04 not a zip at all"), ""},
			{"password-protected workbook", "a.xlsx", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...), ""},
			{"empty file", "a.csv", nil, "文件是空的"},
			{"header only", "a.csv", []byte("物料编码,物料名称\n"), "文件是空的"},
		} {
			st, body := dmUpload(t, e, apptest.KeyUser, page+"/runs", c.name, c.data, nil)
			if st != 400 || !strings.Contains(body, `id="dm-upload-error"`) || (c.want != "" && !strings.Contains(body, c.want)) {
				t.Errorf("page, %s: %d %s", c.what, st, authzSnippet(body, "dm-upload-error"))
			}
			st, body = dmUpload(t, e, apptest.KeyUser, api+"/runs", c.name, c.data, nil)
			var eb struct {
				Error struct {
					Code   string
					Fields map[string]string
				}
			}
			json.Unmarshal([]byte(body), &eb)
			if st != 400 || eb.Error.Fields["file"] == "" {
				t.Errorf("API, %s: %d %s", c.what, st, body)
			}
		}
		// A header that does not match: the API names the missing and the unexpected columns.
		st, body := dmUpload(t, e, apptest.KeyUser, api+"/runs", "b.csv", []byte("编号,名称\nM1,螺栓\n"), nil)
		if st != 400 || !strings.Contains(body, "物料编码") || !strings.Contains(body, "编号") {
			t.Errorf("API header mismatch: %d %s", st, body)
		}
		// A mapping that is not JSON.
		st, body = dmUpload(t, e, apptest.KeyUser, api+"/runs", "c.csv", []byte("物料编码,物料名称,物料类型,基本单位\nM1,螺栓,原材料,个\n"), map[string]string{"mapping": "{oops"})
		if st != 400 || !strings.Contains(body, "mapping") {
			t.Errorf("bad mapping JSON: %d %s", st, body)
		}
		// A good file through the API starts a run (202) that finishes.
		st, body = dmUpload(t, e, apptest.KeyUser, api+"/runs", "c.csv", []byte("物料编码,物料名称,物料类型,基本单位\nM1,螺栓,原材料,个\nM2,,原材料,个\n"), nil)
		if st != 202 {
			t.Fatalf("API run: %d %s", st, body)
		}
		e.App.DataMigration.Wait()

		// A rule that does not compile: the page answers 400 naming it and keeps what was typed.
		form := url.Values{"name": {"物料主数据"}, "version": {itoa(o.Version)},
			"f.0.code": {"material_code"}, "f.0.label": {"物料编码"}, "f.0.type": {"text"}, "f.0.required": {"1"},
			"r.0.name": {"broken_rule"}, "r.0.expr": {"material_code >"}, "r.0.message": {"坏规则"}}
		r := e.Do(t, apptest.Consultant, "POST", page+"/spec", form.Encode())
		if r.Status != 400 || !strings.Contains(r.Body, "broken_rule") || !strings.Contains(r.Body, `value="material_code &gt;"`) {
			t.Errorf("rule that does not compile: %d %s", r.Status, authzSnippet(r.Body, "broken_rule"))
		}
		// The same through the API, in English.
		spec := json.RawMessage(`{"fields":[{"code":"a","label":"A","type":"text"}],"rules":[{"name":"broken_rule","expr":"a >","message":"x"}]}`)
		req2, _ := http.NewRequest("PUT", e.URL+api+"/spec", strings.NewReader(`{"name":"物料主数据","version":`+itoa(o.Version)+`,"spec":`+string(spec)+`}`))
		req2.Header.Set("Authorization", "Bearer "+e.Users[apptest.Consultant].Token)
		req2.Header.Set("Accept-Language", "en")
		req2.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req2)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(string(b), "broken_rule") {
			t.Errorf("API rule that does not compile: %d %s", resp.StatusCode, b)
		}
		// Fixed, it saves; sent again at the old version, it is 409.
		form.Set("r.0.expr", "material_code != \"\"")
		if r = e.Do(t, apptest.Consultant, "POST", page+"/spec", form.Encode()); r.Status != 303 {
			t.Fatalf("good spec form: %d %s", r.Status, authzSnippet(r.Body, "dm-spec-error"))
		}
		r = e.Do(t, apptest.Consultant, "POST", page+"/spec", form.Encode())
		if r.Status != 409 || !strings.Contains(r.Body, "规范已被他人修改") {
			t.Errorf("stale spec form: %d", r.Status)
		}
		// A code map that is not a workbook.
		st, body = dmUpload(t, e, apptest.Consultant, page+"/codemaps", "m.xlsx", []byte("old,new\n"), map[string]string{"name": "unit_map"})
		if st != 400 || !strings.Contains(body, `id="dm-codemap-error"`) {
			t.Errorf("code map not a workbook: %d", st)
		}
		// An API upload that is not multipart.
		r = e.Do(t, apptest.KeyUser, "POST", "/api/v1/projects/"+a+"/migration/objects/"+itoa(o.ID)+"/runs", nil)
		if r.Status != 400 {
			t.Errorf("run without a body: %d", r.Status)
		}
	})
}

// The exported spec and mapping are what `golive data validate` reads
// (strictly: unknown members are refused there), and the code map's CSV
// is what its --codemap reads.
func TestDataMigrationExportsForTheCommand(t *testing.T) {
	e := apptest.New(t, "sqlite")
	ctx := t.Context()
	o, err := e.App.DataMigration.CreateObject(ctx, e.Users[apptest.Consultant].P, e.ProjectA.ID, datamigration.ObjectInput{LibraryKey: "bom"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := e.App.DataMigration.SaveCodeMap(ctx, e.Users[apptest.Consultant].P, e.ProjectA.ID, o.ID, datamigration.CodeMapInput{Name: "unit_map", Entries: []datamigration.CodeMapEntry{{Old: "个", New: "PCS"}}})
	if err != nil {
		t.Fatal(err)
	}
	page := "/projects/" + itoa(e.ProjectA.ID) + "/migration/objects/" + itoa(o.ID)
	strict := func(body string, v any) error {
		dec := json.NewDecoder(strings.NewReader(body))
		dec.DisallowUnknownFields()
		return dec.Decode(v)
	}
	r := e.Do(t, apptest.KeyUser, "GET", page+"/spec.json", nil)
	var spec engine.Spec
	if r.Status != 200 || strict(r.Body, &spec) != nil || spec.Object != "bom" || len(spec.Fields) == 0 {
		t.Fatalf("spec.json: %d %v", r.Status, strict(r.Body, &spec))
	}
	if _, err := engine.Compile(spec); err != nil {
		t.Fatalf("exported spec does not compile: %v", err)
	}
	r = e.Do(t, apptest.KeyUser, "GET", page+"/mapping.json", nil)
	var mp engine.Mapping
	if r.Status != 200 || strict(r.Body, &mp) != nil || len(mp.Fields()) != len(spec.Fields) {
		t.Fatalf("mapping.json: %d %s", r.Status, r.Body)
	}
	r = e.Do(t, apptest.KeyUser, "GET", page+"/codemaps/"+itoa(m.ID)+"/export.csv", nil)
	if r.Status != 200 || !strings.Contains(r.Body, "个,PCS") {
		t.Fatalf("code map CSV: %d %q", r.Status, r.Body)
	}
}

// A refused sign-off shows the run page again with the form as the key
// user filled it and the message beside the field, not an error page;
// the sample stays pending.
func TestDataMigrationSignSampleRefusedKeepsTheForm(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := newAuthzFix(t, e)
		f := authzDMFixture(t, x)
		sm, err := e.App.DataMigration.Sample(x.ctx, x.p(apptest.PM), e.ProjectA.ID, f.sample)
		if err != nil {
			t.Fatal(err)
		}
		path := "/projects/" + itoa(e.ProjectA.ID) + "/migration/samples/" + itoa(f.sample) + "/sign"
		form := url.Values{"result": {"fail"}, "comment": {"  "}, "version": {itoa(sm.Version)}}
		r := e.Do(t, apptest.KeyUser, "POST", path, form.Encode())
		if r.Status != 400 && r.Status != 422 {
			t.Fatalf("status %d, want a 4xx form", r.Status)
		}
		for _, want := range []string{"不通过时请写明原因", `value="fail" checked`, `action="` + path + `"`} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("page lacks %q: %s", want, authzSnippet(r.Body, "dm-sign"))
			}
		}
		after, err := e.App.DataMigration.Sample(x.ctx, x.p(apptest.PM), e.ProjectA.ID, f.sample)
		if err != nil || after.Result != "pending" || after.Version != sm.Version {
			t.Fatalf("sample changed: %+v %v", after, err)
		}
		// Corrected, it signs and goes back to the run.
		form.Set("comment", "第2行名称与源系统不一致")
		if r := e.Do(t, apptest.KeyUser, "POST", path, form.Encode()); r.Status != 303 {
			t.Fatalf("corrected sign: %d %s", r.Status, authzSnippet(r.Body, "field-error"))
		}
	})
}
