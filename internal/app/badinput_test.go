package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode"

	"golive/internal/app/apptest"
	"golive/internal/i18n"
)

// biReq is one request of the bad-input tests: raw body bytes, the
// fixture's credentials and an optional Accept-Language header.
type biReq struct {
	who          apptest.Who
	method, path string
	body         string // raw bytes (may be invalid UTF-8)
	ctype        string // default: JSON for /api/, form otherwise
	lang         string // Accept-Language; "" sends none
}

func biDo(t *testing.T, e *apptest.Env, r biReq) apptest.Response {
	t.Helper()
	var body io.Reader
	if r.body != "" || r.method == "POST" || r.method == "PATCH" {
		body = strings.NewReader(r.body)
	}
	req, err := http.NewRequest(r.method, e.URL+r.path, body)
	if err != nil {
		t.Fatal(err)
	}
	api := strings.HasPrefix(r.path, "/api/")
	ctype := r.ctype
	if ctype == "" && body != nil {
		ctype = "application/x-www-form-urlencoded"
		if api {
			ctype = "application/json"
		}
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if r.lang != "" {
		req.Header.Set("Accept-Language", r.lang)
	}
	if u := e.Users[r.who]; u != nil {
		if api {
			req.Header.Set("Authorization", "Bearer "+u.Token)
		} else {
			req.AddCookie(&http.Cookie{Name: "golive_session", Value: u.Session})
		}
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return apptest.Response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// biSnapshot describes every row a write could touch: row counts of the
// written tables plus the version of each project and membership, so a
// half-written or silently applied change shows up as a difference.
func biSnapshot(t *testing.T, e *apptest.Env) string {
	t.Helper()
	ctx := context.Background()
	var sb strings.Builder
	for _, table := range []string{"projects", "project_members", "audit_log", "users", "companies", "api_tokens"} {
		var n int
		if err := e.App.DB.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		fmt.Fprintf(&sb, "%s=%d ", table, n)
	}
	for _, q := range []string{
		"SELECT id, version, updated_ms FROM projects ORDER BY id",
		"SELECT id, version, COALESCE(deleted_ms, 0) FROM project_members ORDER BY id",
		"SELECT id, version, 0 FROM users ORDER BY id",
	} {
		rows, err := e.App.DB.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var a, b, c int64
			if err := rows.Scan(&a, &b, &c); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&sb, "%d:%d:%d ", a, b, c)
		}
		rows.Close()
	}
	return sb.String()
}

// biEnvelope is the API's error body.
type biEnvelope struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

// biCase is one bad request and what must come back.
type biCase struct {
	name   string
	who    apptest.Who
	method string
	path   string
	body   string
	status int    // 400 unless set
	code   string // "invalid" unless set
	key    string // catalog key of the message (error.invalid for field errors)
	fields map[string]string
}

func hanCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			n++
		}
	}
	return n
}

// biExpected renders a catalog string the way a user sees it; a verb
// whose argument the test does not know (an offset) matches any text.
func biMatches(got string, l i18n.Lang, key string, label string) bool {
	want := i18n.Catalog(l)[key]
	if label != "" {
		want = label + ": " + want
	}
	prefix, _, hasVerb := strings.Cut(want, "%")
	if !hasVerb {
		return got == want
	}
	return strings.HasPrefix(got, prefix)
}

// runBadInput sends c in Chinese (no header) and in English and checks the
// status, the envelope, the field messages in each language, and that the
// database did not change.
func runBadInput(t *testing.T, e *apptest.Env, c biCase) {
	t.Helper()
	if c.status == 0 {
		c.status = http.StatusBadRequest
	}
	if c.code == "" {
		c.code = "invalid"
	}
	if c.key == "" && len(c.fields) > 0 {
		c.key = "error.invalid"
	}
	for _, lang := range []i18n.Lang{i18n.ZH, i18n.EN} {
		header := ""
		if lang == i18n.EN {
			header = "en-US,en;q=0.9"
		}
		before := biSnapshot(t, e)
		r := biDo(t, e, biReq{who: c.who, method: c.method, path: c.path, body: c.body, lang: header})
		after := biSnapshot(t, e)
		short := r.Body
		if len(short) > 400 {
			short = short[:400] + "…"
		}
		if r.Status != c.status {
			t.Errorf("%s [%s]: status %d, want %d: %s", c.name, lang, r.Status, c.status, short)
			continue
		}
		if before != after {
			t.Errorf("%s [%s]: the database changed:\n before %s\n after  %s", c.name, lang, before, after)
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s [%s]: content type %q", c.name, lang, ct)
		}
		var env biEnvelope
		if err := json.Unmarshal([]byte(r.Body), &env); err != nil {
			t.Errorf("%s [%s]: not a JSON envelope: %v: %s", c.name, lang, err, short)
			continue
		}
		if env.Error.Code != c.code {
			t.Errorf("%s [%s]: code %q, want %q", c.name, lang, env.Error.Code, c.code)
		}
		if c.key != "" && !biMatches(env.Error.Message, lang, c.key, "") {
			t.Errorf("%s [%s]: message %q, want %s (%q)", c.name, lang, env.Error.Message, c.key, i18n.Catalog(lang)[c.key])
		}
		for f, key := range c.fields {
			got, ok := env.Error.Fields[f]
			if !ok {
				t.Errorf("%s [%s]: fields %v do not name %q", c.name, lang, env.Error.Fields, f)
				continue
			}
			label := f
			if i18n.Has("field." + f) {
				label = i18n.T(lang, "field."+f)
			}
			if !biMatches(got, lang, key, label) {
				t.Errorf("%s [%s]: field %s says %q, want %s (%q)", c.name, lang, f, got, key, label+": "+i18n.Catalog(lang)[key])
			}
		}
		if len(c.fields) == 0 && len(env.Error.Fields) > 0 {
			t.Errorf("%s [%s]: unexpected fields %v", c.name, lang, env.Error.Fields)
		}
		all := env.Error.Message
		for _, m := range env.Error.Fields {
			all += " " + m
		}
		if lang == i18n.ZH && hanCount(env.Error.Message) == 0 {
			t.Errorf("%s: Chinese caller got %q", c.name, env.Error.Message)
		}
		if lang == i18n.EN && hanCount(all) > 0 {
			t.Errorf("%s: English caller got Chinese: %q", c.name, all)
		}
		for _, prefix := range []string{"field.", "validate.", "error.", "project.", "auth."} {
			if strings.Contains(all, prefix) {
				t.Errorf("%s [%s]: a raw catalog key reached the user: %q", c.name, lang, all)
			}
		}
	}
}

// biJSON builds a JSON object from base with overrides; a nil override
// removes the member.
func biJSON(base map[string]any, over map[string]any) string {
	m := map[string]any{}
	for k, v := range base {
		m[k] = v
	}
	for k, v := range over {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// biWithRaw puts a raw (possibly invalid UTF-8) string value into a JSON
// object text: json.Marshal would have replaced the bad bytes.
func biWithRaw(obj, member, raw string) string {
	return strings.TrimSuffix(obj, "}") + `,"` + member + `":"` + raw + `"}`
}

// biHuge is a JSON body just over the 1 MiB limit.
func biHuge() string {
	return `{"name":"` + strings.Repeat("a", 1<<20) + `"}`
}

// The generic ways a body can be wrong, for any JSON endpoint.
func biGeneric(typeField, typeValue string) []biCase {
	return []biCase{
		{name: "empty body", key: "error.body_required"},
		{name: "malformed JSON", body: `{"name":"x",`, key: "error.json_syntax"},
		{name: "trailing comma", body: `{"name":"x",}`, key: "error.json_syntax"},
		{name: "JSON array instead of object", body: `[{"name":"x"}]`, key: "error.json_object"},
		{name: "JSON string instead of object", body: `"name"`, key: "error.json_object"},
		{name: "two objects", body: `{} {}`, key: "error.json_trailing"},
		{name: "wrong type", body: `{"` + typeField + `":` + typeValue + `}`, fields: map[string]string{typeField: "validate.type"}},
		{name: "unknown field", body: `{"owner":"me"}`, fields: map[string]string{"owner": "validate.unknown_field"}},
		{name: "invalid UTF-8 outside a value", body: "{\"na\xffme\":1}", key: "error.utf8"},
		{name: "body over 1 MiB", body: biHuge(), key: "error.body_too_large"},
	}
}

func biFill(cs []biCase, who apptest.Who, method, path string) []biCase {
	for i := range cs {
		if cs[i].who == "" {
			cs[i].who = who
		}
		if cs[i].method == "" {
			cs[i].method = method
		}
		if cs[i].path == "" {
			cs[i].path = path
		}
	}
	return cs
}

func TestBadInputAPIProjects(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := itoa(e.CompanyA.ID)
		base := map[string]any{"code": "NEWP", "name": "新项目", "customer_company_id": e.CompanyA.ID, "product": "ERP",
			"start_date": "2026-01-05", "golive_date": "2026-06-30", "budget_minor": 100}
		han101 := strings.Repeat("中", 101)
		cases := biGeneric("customer_company_id", `"abc"`)
		cases = append(cases,
			biCase{name: "string for customer", body: biJSON(base, map[string]any{"customer_company_id": "abc"}), fields: map[string]string{"customer_company_id": "validate.type"}},
			biCase{name: "float for customer", body: strings.Replace(biJSON(base, nil), `"customer_company_id":`+a, `"customer_company_id":1.5`, 1), fields: map[string]string{"customer_company_id": "validate.type"}},
			biCase{name: "number for name", body: biJSON(base, map[string]any{"name": 42}), fields: map[string]string{"name": "validate.type"}},
			biCase{name: "string for budget", body: biJSON(base, map[string]any{"budget_minor": "1,000.00"}), fields: map[string]string{"budget_minor": "validate.type"}},
			biCase{name: "budget beyond int64", body: strings.Replace(biJSON(base, nil), `"budget_minor":100`, `"budget_minor":99999999999999999999`, 1), fields: map[string]string{"budget_minor": "validate.type"}},
			biCase{name: "missing everything", body: `{}`, fields: map[string]string{"code": "validate.required", "name": "validate.required", "customer_company_id": "validate.required", "product": "validate.required"}},
			biCase{name: "missing name", body: biJSON(base, map[string]any{"name": nil}), fields: map[string]string{"name": "validate.required"}},
			biCase{name: "blank name", body: biJSON(base, map[string]any{"name": "   "}), fields: map[string]string{"name": "validate.required"}},
			biCase{name: "overlong name", body: biJSON(base, map[string]any{"name": han101}), fields: map[string]string{"name": "validate.too_long"}},
			biCase{name: "overlong code", body: biJSON(base, map[string]any{"code": strings.Repeat("A", 21)}), fields: map[string]string{"code": "validate.too_long"}},
			biCase{name: "overlong description", body: biJSON(base, map[string]any{"description": strings.Repeat("说", 5001)}), fields: map[string]string{"description": "validate.too_long"}},
			biCase{name: "code characters", body: biJSON(base, map[string]any{"code": "P A!"}), fields: map[string]string{"code": "project.code_chars"}},
			biCase{name: "newline in name", body: biJSON(base, map[string]any{"name": "甲\n项目"}), fields: map[string]string{"name": "validate.single_line"}},
			biCase{name: "NUL in name", body: biJSON(base, map[string]any{"name": "甲\x00项目"}), fields: map[string]string{"name": "validate.control_char"}},
			biCase{name: "invalid UTF-8 in name", body: biWithRaw(biJSON(base, map[string]any{"name": nil}), "name", "\xff\xfe项目"), fields: map[string]string{"name": "validate.utf8"}},
			biCase{name: "invalid UTF-8 in description", body: biWithRaw(biJSON(base, nil), "description", "ok\xc3("), fields: map[string]string{"description": "validate.utf8"}},
			biCase{name: "unknown product", body: biJSON(base, map[string]any{"product": "SAP"}), fields: map[string]string{"product": "validate.enum"}},
			biCase{name: "product in lower case", body: biJSON(base, map[string]any{"product": "erp"}), fields: map[string]string{"product": "validate.enum"}},
			biCase{name: "nonexistent customer", body: biJSON(base, map[string]any{"customer_company_id": 999999}), fields: map[string]string{"customer_company_id": "project.customer_required"}},
			biCase{name: "negative customer", body: biJSON(base, map[string]any{"customer_company_id": -3}), fields: map[string]string{"customer_company_id": "validate.required"}},
			biCase{name: "vendor as customer", body: biJSON(base, map[string]any{"customer_company_id": e.Users[apptest.PM].P.CompanyID}), fields: map[string]string{"customer_company_id": "project.customer_required"}},
			biCase{name: "date with slashes", body: biJSON(base, map[string]any{"start_date": "2026/01/05"}), fields: map[string]string{"start_date": "validate.date"}},
			biCase{name: "impossible date", body: biJSON(base, map[string]any{"golive_date": "2026-02-30"}), fields: map[string]string{"golive_date": "validate.date"}},
			biCase{name: "date as number", body: biJSON(base, map[string]any{"start_date": 20260105}), fields: map[string]string{"start_date": "validate.type"}},
			biCase{name: "go-live before start", body: biJSON(base, map[string]any{"golive_date": "2026-01-04"}), fields: map[string]string{"golive_date": "project.golive_before_start"}},
			biCase{name: "negative budget", body: biJSON(base, map[string]any{"budget_minor": -1}), fields: map[string]string{"budget_minor": "validate.not_negative"}},
			biCase{name: "code taken", body: biJSON(base, map[string]any{"code": "pa"}), fields: map[string]string{"code": "project.code_taken"}},
			biCase{name: "customer may not create", who: apptest.CustomerPM, body: biJSON(base, nil), status: 403, code: "forbidden", key: "error.forbidden"},
			biCase{name: "developer may not create", who: apptest.Developer, body: biJSON(base, nil), status: 403, code: "forbidden", key: "error.forbidden"},
		)
		for _, c := range biFill(cases, apptest.PM, "POST", "/api/v1/projects") {
			runBadInput(t, e, c)
		}
		// The valid body is accepted: the cases above fail for their reason only.
		if r := e.Do(t, apptest.PM, "POST", "/api/v1/projects", biJSON(base, nil)); r.Status != 201 {
			t.Fatalf("valid create: %d %s", r.Status, r.Body)
		}
	})
}

func TestBadInputAPIProjectUpdate(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pa := "/api/v1/projects/" + itoa(e.ProjectA.ID)
		var cur map[string]any
		e.Do(t, apptest.PM, "GET", pa, nil).JSON(t, &cur)
		base := map[string]any{"code": "PA", "name": "甲项目（改）", "customer_company_id": e.CompanyA.ID, "product": "MES",
			"start_date": "2026-01-05", "golive_date": "2026-06-30", "budget_minor": 123456789, "version": cur["version"]}
		cases := biGeneric("version", `"1"`)
		cases = append(cases,
			biCase{name: "string for customer", body: biJSON(base, map[string]any{"customer_company_id": "abc"}), fields: map[string]string{"customer_company_id": "validate.type"}},
			biCase{name: "missing version", body: biJSON(base, map[string]any{"version": nil}), fields: map[string]string{"version": "validate.required"}},
			biCase{name: "missing fields", body: `{"version":` + fmt.Sprint(cur["version"]) + `}`, fields: map[string]string{"code": "validate.required", "name": "validate.required", "customer_company_id": "validate.required", "product": "validate.required"}},
			biCase{name: "overlong name", body: biJSON(base, map[string]any{"name": strings.Repeat("中", 101)}), fields: map[string]string{"name": "validate.too_long"}},
			biCase{name: "invalid UTF-8 in name", body: biWithRaw(biJSON(base, map[string]any{"name": nil}), "name", "\xed\xa0\x80"), fields: map[string]string{"name": "validate.utf8"}},
			biCase{name: "unknown product", body: biJSON(base, map[string]any{"product": "SAP"}), fields: map[string]string{"product": "validate.enum"}},
			biCase{name: "nonexistent customer", body: biJSON(base, map[string]any{"customer_company_id": 999999}), fields: map[string]string{"customer_company_id": "project.customer_required"}},
			biCase{name: "customer with members cannot change", body: biJSON(base, map[string]any{"customer_company_id": e.CompanyB.ID}), fields: map[string]string{"customer_company_id": "project.customer_has_members"}},
			biCase{name: "date in the wrong format", body: biJSON(base, map[string]any{"golive_date": "30.06.2026"}), fields: map[string]string{"golive_date": "validate.date"}},
			biCase{name: "go-live before start", body: biJSON(base, map[string]any{"start_date": "2026-07-01"}), fields: map[string]string{"golive_date": "project.golive_before_start"}},
			biCase{name: "code taken by project B", body: biJSON(base, map[string]any{"code": "PB"}), fields: map[string]string{"code": "project.code_taken"}},
			biCase{name: "stale version", body: biJSON(base, map[string]any{"version": 1_000_000}), status: 409, code: "conflict", key: "error.conflict"},
			biCase{name: "nonexistent project", path: "/api/v1/projects/999999", body: biJSON(base, nil), status: 404, code: "not_found", key: "error.not_found"},
			biCase{name: "id not a number", path: "/api/v1/projects/abc", body: biJSON(base, nil), status: 404, code: "not_found", key: "error.not_found"},
			biCase{name: "id zero", path: "/api/v1/projects/0", body: biJSON(base, nil), status: 404, code: "not_found", key: "error.not_found"},
			biCase{name: "id beyond int64", path: "/api/v1/projects/99999999999999999999", body: biJSON(base, nil), status: 404, code: "not_found", key: "error.not_found"},
			biCase{name: "another company's project", who: apptest.CustomerPM, path: "/api/v1/projects/" + itoa(e.ProjectB.ID), body: biJSON(base, nil), status: 404, code: "not_found", key: "error.not_found"},
			biCase{name: "other customer on project A", who: apptest.OtherCust, body: biJSON(base, nil), status: 404, code: "not_found", key: "error.not_found"},
			biCase{name: "outsider on project A", who: apptest.Outsider, body: biJSON(base, nil), status: 404, code: "not_found", key: "error.not_found"},
			biCase{name: "customer member may not edit", who: apptest.CustomerPM, body: biJSON(base, nil), status: 403, code: "forbidden", key: "error.forbidden"},
		)
		for _, c := range biFill(cases, apptest.PM, "PATCH", pa) {
			runBadInput(t, e, c)
		}
		if r := e.Do(t, apptest.PM, "PATCH", pa, biJSON(base, nil)); r.Status != 200 {
			t.Fatalf("valid update: %d %s", r.Status, r.Body)
		}
	})
}

func TestBadInputAPIMembers(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		path := "/api/v1/projects/" + itoa(e.ProjectA.ID) + "/members"
		outsider := e.Users[apptest.Outsider].ID
		cases := biGeneric("user_id", `"abc"`)
		cases = append(cases,
			biCase{name: "missing everything", body: `{}`, fields: map[string]string{"user_id": "validate.required", "role": "validate.enum"}},
			biCase{name: "role as number", body: fmt.Sprintf(`{"user_id":%d,"role":7}`, outsider), fields: map[string]string{"role": "validate.type"}},
			biCase{name: "unknown role", body: biJSON(map[string]any{"user_id": outsider, "role": "boss"}, nil), fields: map[string]string{"role": "validate.enum"}},
			biCase{name: "admin is not a project role", body: biJSON(map[string]any{"user_id": outsider, "role": "admin"}, nil), fields: map[string]string{"role": "validate.enum"}},
			biCase{name: "invalid UTF-8 in role", body: biWithRaw(fmt.Sprintf(`{"user_id":%d}`, outsider), "role", "p\xffm"), fields: map[string]string{"role": "validate.utf8"}},
			biCase{name: "nonexistent user", body: biJSON(map[string]any{"user_id": 999999, "role": "developer"}, nil), fields: map[string]string{"user_id": "validate.not_found"}},
			biCase{name: "another company's user", body: biJSON(map[string]any{"user_id": e.Users[apptest.OtherCust].ID, "role": "key_user"}, nil), fields: map[string]string{"user_id": "project.member_wrong_company"}},
			biCase{name: "customer role for vendor staff", body: biJSON(map[string]any{"user_id": outsider, "role": "key_user"}, nil), fields: map[string]string{"role": "auth.role_side"}},
			biCase{name: "vendor role for customer staff", body: biJSON(map[string]any{"user_id": e.Users[apptest.OtherCust].ID, "role": "pm"}, nil), fields: map[string]string{"role": "auth.role_side"}},
			biCase{name: "already a member", body: biJSON(map[string]any{"user_id": e.Users[apptest.Consultant].ID, "role": "developer"}, nil), fields: map[string]string{"user_id": "project.already_member"}},
			biCase{name: "nonexistent project", path: "/api/v1/projects/999999/members", body: biJSON(map[string]any{"user_id": outsider, "role": "developer"}, nil), status: 404, code: "not_found", key: "error.not_found"},
			biCase{name: "another company's project", who: apptest.CustomerPM, path: "/api/v1/projects/" + itoa(e.ProjectB.ID) + "/members", body: biJSON(map[string]any{"user_id": outsider, "role": "developer"}, nil), status: 404, code: "not_found", key: "error.not_found"},
			biCase{name: "customer may not manage members", who: apptest.CustomerPM, body: biJSON(map[string]any{"user_id": outsider, "role": "developer"}, nil), status: 403, code: "forbidden", key: "error.forbidden"},
		)
		for _, c := range biFill(cases, apptest.PM, "POST", path) {
			runBadInput(t, e, c)
		}
		// Removing: nonexistent member, a member of another project, the last PM.
		var members []map[string]any
		e.Do(t, apptest.PM, "GET", "/api/v1/projects/"+itoa(e.ProjectB.ID)+"/members", nil).JSON(t, &members)
		var bMember, aPM float64
		for _, m := range members {
			bMember = m["id"].(float64)
		}
		e.Do(t, apptest.PM, "GET", path, nil).JSON(t, &members)
		for _, m := range members {
			if m["role"] == "pm" {
				aPM = m["id"].(float64)
			}
		}
		for _, c := range []biCase{
			{name: "remove nonexistent member", path: path + "/999999", status: 404, code: "not_found", key: "error.not_found"},
			{name: "remove a member of another project", path: path + "/" + fmt.Sprint(int64(bMember)), status: 404, code: "not_found", key: "error.not_found"},
			{name: "remove the last PM", path: path + "/" + fmt.Sprint(int64(aPM)), key: "project.last_pm"},
		} {
			c.who, c.method = apptest.PM, "DELETE"
			runBadInput(t, e, c)
		}
	})
}

func TestBadInputAPIUsersCompaniesTokens(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		vendor := e.Users[apptest.PM].P.CompanyID
		user := map[string]any{"email": "new@fixture.test", "name": "新人", "company_id": vendor, "role": "consultant", "password": "long-enough-1"}
		cases := biGeneric("company_id", `"x"`)
		cases = append(cases,
			biCase{name: "admin as string", body: biJSON(user, map[string]any{"admin": "yes"}), fields: map[string]string{"admin": "validate.type"}},
			biCase{name: "missing everything", body: `{}`, fields: map[string]string{"email": "validate.required", "name": "validate.required", "company_id": "validate.required", "role": "validate.enum", "password": "validate.too_short"}},
			biCase{name: "bad e-mail", body: biJSON(user, map[string]any{"email": "not-an-address"}), fields: map[string]string{"email": "validate.email"}},
			biCase{name: "overlong name", body: biJSON(user, map[string]any{"name": strings.Repeat("中", 101)}), fields: map[string]string{"name": "validate.too_long"}},
			biCase{name: "invalid UTF-8 in name", body: biWithRaw(biJSON(user, map[string]any{"name": nil}), "name", "\xe4\xb8"), fields: map[string]string{"name": "validate.utf8"}},
			biCase{name: "unknown role", body: biJSON(user, map[string]any{"role": "boss"}), fields: map[string]string{"role": "validate.enum"}},
			biCase{name: "unknown locale", body: biJSON(user, map[string]any{"locale": "fr"}), fields: map[string]string{"locale": "validate.enum"}},
			biCase{name: "short password", body: biJSON(user, map[string]any{"password": "short"}), fields: map[string]string{"password": "validate.too_short"}},
			biCase{name: "overlong password", body: biJSON(user, map[string]any{"password": strings.Repeat("p", 129)}), fields: map[string]string{"password": "validate.too_long"}},
			biCase{name: "nonexistent company", body: biJSON(user, map[string]any{"company_id": 999999}), fields: map[string]string{"company_id": "validate.not_found"}},
			biCase{name: "customer cannot be admin", body: biJSON(user, map[string]any{"company_id": e.CompanyA.ID, "role": "key_user", "admin": true}), fields: map[string]string{"admin": "auth.admin_vendor_only"}},
			biCase{name: "vendor role at a customer", body: biJSON(user, map[string]any{"company_id": e.CompanyA.ID, "role": "pm"}), fields: map[string]string{"role": "auth.role_side"}},
			biCase{name: "customer role at the vendor", body: biJSON(user, map[string]any{"role": "executive"}), fields: map[string]string{"role": "auth.role_side"}},
			biCase{name: "e-mail taken", body: biJSON(user, map[string]any{"email": "PM@fixture.test"}), fields: map[string]string{"email": "auth.email_taken"}},
			biCase{name: "not an administrator", who: apptest.PM, body: biJSON(user, nil), status: 404, code: "not_found", key: "error.not_found"},
			biCase{name: "customer", who: apptest.CustomerPM, body: biJSON(user, nil), status: 404, code: "not_found", key: "error.not_found"},
		)
		for _, c := range biFill(cases, apptest.Admin, "POST", "/api/v1/users") {
			runBadInput(t, e, c)
		}

		company := map[string]any{"name": "丙客户", "kind": "customer"}
		cases = biGeneric("name", `1`)
		cases = append(cases,
			biCase{name: "missing everything", body: `{}`, fields: map[string]string{"name": "validate.required", "kind": "validate.required"}},
			biCase{name: "unknown kind", body: biJSON(company, map[string]any{"kind": "partner"}), fields: map[string]string{"kind": "validate.enum"}},
			biCase{name: "second vendor", body: biJSON(company, map[string]any{"kind": "vendor"}), fields: map[string]string{"kind": "auth.vendor_exists"}},
			biCase{name: "overlong name", body: biJSON(company, map[string]any{"name": strings.Repeat("中", 101)}), fields: map[string]string{"name": "validate.too_long"}},
			biCase{name: "invalid UTF-8 in name", body: biWithRaw(`{"kind":"customer"}`, "name", "\xff"), fields: map[string]string{"name": "validate.utf8"}},
			biCase{name: "name taken", body: biJSON(company, map[string]any{"name": "甲客户"}), fields: map[string]string{"name": "auth.company_exists"}},
			biCase{name: "not an administrator", who: apptest.PM, body: biJSON(company, nil), status: 404, code: "not_found", key: "error.not_found"},
			biCase{name: "customer", who: apptest.OtherCust, body: biJSON(company, nil), status: 404, code: "not_found", key: "error.not_found"},
		)
		for _, c := range biFill(cases, apptest.Admin, "POST", "/api/v1/companies") {
			runBadInput(t, e, c)
		}

		cases = biGeneric("name", `["a"]`)
		cases = append(cases,
			biCase{name: "overlong name", body: biJSON(map[string]any{"name": strings.Repeat("中", 101)}, nil), fields: map[string]string{"name": "validate.too_long"}},
			biCase{name: "two-line name", body: `{"name":"a\nb"}`, fields: map[string]string{"name": "validate.single_line"}},
			biCase{name: "invalid UTF-8 in name", body: "{\"name\":\"\xc0\xaf\"}", fields: map[string]string{"name": "validate.utf8"}},
			biCase{name: "revoke nonexistent", method: "DELETE", path: "/api/v1/tokens/999999", status: 404, code: "not_found", key: "error.not_found"},
			biCase{name: "revoke malformed id", method: "DELETE", path: "/api/v1/tokens/x", status: 404, code: "not_found", key: "error.not_found"},
		)
		for _, c := range biFill(cases, apptest.Consultant, "POST", "/api/v1/tokens") {
			runBadInput(t, e, c)
		}
		// Someone else's token is not found, and stays valid.
		var toks []map[string]any
		e.Do(t, apptest.PM, "GET", "/api/v1/tokens", nil).JSON(t, &toks)
		if len(toks) == 0 {
			t.Fatal("PM has no token")
		}
		runBadInput(t, e, biCase{name: "revoke someone else's token", who: apptest.Consultant, method: "DELETE",
			path: "/api/v1/tokens/" + fmt.Sprint(int64(toks[0]["id"].(float64))), status: 404, code: "not_found", key: "error.not_found"})
		if r := e.Do(t, apptest.PM, "GET", "/api/v1/me", nil); r.Status != 200 {
			t.Fatalf("PM's token stopped working: %d", r.Status)
		}
	})
}

// Query strings and path values are outside input too: nothing in them
// may produce a 500 on either database.
func TestBadInputQueryAndPath(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for _, c := range []biCase{
			{name: "unknown status filter", path: "/api/v1/projects?status=deleted", fields: map[string]string{"status": "validate.enum"}},
			{name: "NUL in search", path: "/api/v1/projects?q=%00", fields: map[string]string{"q": "validate.control_char"}},
			{name: "invalid UTF-8 in search", path: "/api/v1/projects?q=%ff%fe", fields: map[string]string{"q": "validate.utf8"}},
			{name: "audit date", who: apptest.Admin, path: "/api/v1/audit?from=2026-13-01", fields: map[string]string{"from": "validate.date"}},
			{name: "NUL in audit filter", who: apptest.Admin, path: "/api/v1/audit?entity=%00", fields: map[string]string{"entity": "validate.control_char"}},
			{name: "invalid UTF-8 in audit filter", who: apptest.Admin, path: "/api/v1/audit?action=%c3", fields: map[string]string{"action": "validate.utf8"}},
			{name: "unknown trash kind", method: "POST", path: "/api/v1/trash/nothing/1/restore", status: 404, code: "not_found", key: "error.not_found"},
			{name: "no such API route", path: "/api/v1/nothing", status: 404, code: "not_found", key: "error.not_found"},
			{name: "activity of another company's project", who: apptest.OtherCust, path: "/api/v1/projects/" + itoa(e.ProjectA.ID) + "/activity", status: 404, code: "not_found", key: "error.not_found"},
			{name: "members of another company's project", who: apptest.OtherCust, path: "/api/v1/projects/" + itoa(e.ProjectA.ID) + "/members", status: 404, code: "not_found", key: "error.not_found"},
		} {
			if c.who == "" {
				c.who = apptest.PM
			}
			if c.method == "" {
				c.method = "GET"
			}
			runBadInput(t, e, c)
		}
		// Odd paging is clamped, never an error.
		for _, q := range []string{"page=9223372036854775807", "page=-1&per_page=-5", "per_page=100000", "page=abc", "sort=%27;DROP", "q=%25_%5C"} {
			for _, p := range []string{"/api/v1/projects?", "/api/v1/audit?", "/projects?", "/admin/audit?"} {
				if r := e.Do(t, apptest.Admin, "GET", p+q, nil); r.Status != 200 {
					t.Errorf("GET %s%s: %d %.300s", p, q, r.Status, r.Body)
				}
			}
		}
		// Pages answer odd queries with a 400 page, not a 500.
		for _, p := range []string{"/projects?q=%00", "/projects?q=%ff", "/admin/audit?from=x"} {
			if r := e.Do(t, apptest.Admin, "GET", p, nil); r.Status != 400 {
				t.Errorf("GET %s: %d", p, r.Status)
			}
		}
	})
}

// The HTML form: a bad post re-renders the form with the user's input and
// inline messages, status 400, and writes nothing.
func TestBadInputProjectForm(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		good := url.Values{"code": {"FORMP"}, "name": {"表单项目"}, "customer_company_id": {itoa(e.CompanyA.ID)}, "product": {"ERP"},
			"start_date": {"2026-01-05"}, "golive_date": {"2026-06-30"}, "budget": {"1,000.00"}, "description": {"我写的说明"}}
		with := func(over map[string]string) string {
			v := url.Values{}
			for k, vs := range good {
				v[k] = vs
			}
			for k, s := range over {
				if s == "\x00delete" {
					v.Del(k)
				} else {
					v.Set(k, s)
				}
			}
			return v.Encode()
		}
		cases := []struct {
			name   string
			body   string
			fields map[string]string // field -> key shown inline
			keep   string            // typed text that must be shown again
		}{
			{"missing name and customer", with(map[string]string{"name": "", "customer_company_id": "\x00delete"}), map[string]string{"name": "validate.required", "customer_company_id": "validate.required"}, "我写的说明"},
			{"customer not a number", with(map[string]string{"customer_company_id": "abc"}), map[string]string{"customer_company_id": "validate.required"}, "表单项目"},
			{"nonexistent customer", with(map[string]string{"customer_company_id": "999999"}), map[string]string{"customer_company_id": "project.customer_required"}, "表单项目"},
			{"overlong name", with(map[string]string{"name": strings.Repeat("中", 101)}), map[string]string{"name": "validate.too_long"}, "我写的说明"},
			{"unknown product", with(map[string]string{"product": "SAP"}), map[string]string{"product": "validate.enum"}, "表单项目"},
			{"date in the wrong format", with(map[string]string{"start_date": "05/01/2026"}), map[string]string{"start_date": "validate.date"}, "表单项目"},
			{"go-live before start", with(map[string]string{"golive_date": "2025-12-31"}), map[string]string{"golive_date": "project.golive_before_start"}, "表单项目"},
			{"budget not an amount", with(map[string]string{"budget": "一千"}), map[string]string{"budget": "validate.money"}, "一千"},
			{"negative budget", with(map[string]string{"budget": "-5"}), map[string]string{"budget": "validate.not_negative"}, "表单项目"},
			{"code taken", with(map[string]string{"code": "PA"}), map[string]string{"code": "project.code_taken"}, "我写的说明"},
		}
		for _, c := range cases {
			for _, lang := range []i18n.Lang{i18n.ZH, i18n.EN} {
				header := ""
				if lang == i18n.EN {
					header = "en"
				}
				before := biSnapshot(t, e)
				r := biDo(t, e, biReq{who: apptest.PM, method: "POST", path: "/projects", body: c.body, lang: header})
				if after := biSnapshot(t, e); after != before {
					t.Errorf("%s [%s]: the database changed", c.name, lang)
				}
				if r.Status != 400 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
					t.Errorf("%s [%s]: %d %s", c.name, lang, r.Status, r.Header.Get("Content-Type"))
					continue
				}
				if !strings.Contains(r.Body, `action="/projects"`) || !strings.Contains(r.Body, `class="field-error"`) {
					t.Errorf("%s [%s]: the form was not re-rendered with inline errors", c.name, lang)
				}
				if !strings.Contains(r.Body, template.HTMLEscapeString(c.keep)) {
					t.Errorf("%s [%s]: the typed %q is lost", c.name, lang, c.keep)
				}
				if !strings.Contains(r.Body, template.HTMLEscapeString(i18n.T(lang, "error.fix_fields"))) {
					t.Errorf("%s [%s]: no summary message", c.name, lang)
				}
				for f, key := range c.fields {
					msg := i18n.T(lang, "field."+f) + ": " + i18n.Catalog(lang)[key]
					msg, _, _ = strings.Cut(msg, "%")
					if !strings.Contains(r.Body, template.HTMLEscapeString(msg)) {
						t.Errorf("%s [%s]: no inline message %q", c.name, lang, msg)
					}
				}
			}
		}
		// Bodies the form layer refuses get an error page (400), not a form.
		for _, body := range []string{"name=%ff%fe&code=X", "code=X&name=" + strings.Repeat("a", 1<<20+10)} {
			before := biSnapshot(t, e)
			r := biDo(t, e, biReq{who: apptest.PM, method: "POST", path: "/projects", body: body})
			if r.Status != 400 || biSnapshot(t, e) != before {
				t.Errorf("form body %.30q: %d", body, r.Status)
			}
			if hanCount(r.Body) == 0 {
				t.Errorf("form body %.30q: the error page is not in Chinese", body)
			}
		}
		// The valid form is accepted.
		if r := biDo(t, e, biReq{who: apptest.PM, method: "POST", path: "/projects", body: with(nil)}); r.Status != 303 {
			t.Fatalf("valid form: %d %.500s", r.Status, r.Body)
		}
	})
}

// A net under the tables above: every registered route, fed garbage in
// its path values, query and body, answers below 500 on both databases.
func TestNoRouteAnswers500ToGarbage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ids := map[string][]string{
			"{id}":   {itoa(e.ProjectA.ID), "999999", "-1", "abc", "99999999999999999999"},
			"{mid}":  {"1", "999999", "x"},
			"{kind}": {"project", "nothing", "%00"},
		}
		expand := func(p string) []string {
			out := []string{p}
			for ph, vals := range ids {
				var next []string
				for _, o := range out {
					if !strings.Contains(o, ph) {
						next = append(next, o)
						continue
					}
					for _, v := range vals {
						next = append(next, strings.ReplaceAll(o, ph, v))
					}
				}
				out = next
			}
			return out
		}
		queries := []string{
			"?q=%00&status=%ff&entity=%00&action=%c3",
			"?q=%25%5C_%27&status=zzz&page=-9&per_page=99999999999&sort=%27&from=x&to=2026-99-99&company_id=abc&project_id=-1&actor_id=x&next=//evil",
			"?page=9223372036854775807&per_page=-1&from=2026-01-01&to=2025-01-01&status=all",
		}
		jsonBodies := []string{"", "{", "[]", "null", `{"id":"x","name":null,"version":"1","archived":"yes","user_id":-1}`, "{\"name\":\"\xff\"}", `{"name":"a\u0000b"}`}
		formBodies := []string{"", "%ff=%fe", "name=%00&code=%ff", "version=abc&customer_company_id=-1&budget=1e99&user_id=x&role=%00&lang=%00&email=%00&password=%00"}
		var routes []string
		for _, r := range e.App.Server.Routes() {
			if r.Method == "" || strings.HasPrefix(r.Path, "/static/") {
				continue
			}
			routes = append(routes, r.Method+" "+r.Path)
		}
		if len(routes) < 30 {
			t.Fatalf("only %d routes", len(routes))
		}
		// Logging out and deleting go last so the other routes see live state.
		last := func(r string) bool {
			return strings.Contains(r, "logout") || strings.Contains(r, "delete") || strings.HasPrefix(r, "DELETE")
		}
		var ordered []string
		for _, r := range routes {
			if !last(r) {
				ordered = append(ordered, r)
			}
		}
		for _, r := range routes {
			if last(r) {
				ordered = append(ordered, r)
			}
		}
		n := 0
		for _, rt := range ordered {
			method, path, _ := strings.Cut(rt, " ")
			api := strings.HasPrefix(path, "/api/")
			for _, p := range expand(strings.TrimSuffix(path, "{$}")) {
				for _, who := range []apptest.Who{apptest.PM, apptest.Admin, apptest.CustomerPM, apptest.Anonymous} {
					if method == "GET" {
						for _, query := range queries {
							n++
							if r := biDo(t, e, biReq{who: who, method: method, path: p + query}); r.Status >= 500 {
								t.Errorf("%s %s%s as %s: %d %.200s", method, p, query, who, r.Status, r.Body)
							}
						}
						continue
					}
					bodies := formBodies
					if api {
						bodies = jsonBodies
					}
					for _, b := range bodies {
						n++
						if r := biDo(t, e, biReq{who: who, method: method, path: p, body: b}); r.Status >= 500 {
							t.Errorf("%s %s as %s with %q: %d %.200s", method, p, who, b, r.Status, r.Body)
						}
					}
				}
			}
		}
		t.Logf("%d garbage requests", n)
	})
}
