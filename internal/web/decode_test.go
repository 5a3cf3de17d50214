package web_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"golive/internal/apperr"
	"golive/internal/auth"
	"golive/internal/i18n"
	"golive/internal/project"
	"golive/internal/web"
)

// decodeWant describes the error DecodeJSON must return: the catalog key
// of the overall message and, for field errors, the field and its key.
type decodeWant struct {
	key      string // "" means success
	field    string
	fieldKey string
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestDecodeJSON(t *testing.T) {
	long := `{"name":"` + strings.Repeat("a", 2048) + `"}`
	cases := []struct {
		name string
		body io.Reader
		want decodeWant
	}{
		{"ok", strings.NewReader(`{"code":"PA","name":"甲项目","customer_company_id":3,"product":"MES"}`), decodeWant{}},
		{"ok with surrounding space", strings.NewReader(" \n{\"code\":\"PA\"}\n\t"), decodeWant{}},
		{"nil body", nil, decodeWant{key: "error.body_required"}},
		{"empty body", strings.NewReader(""), decodeWant{key: "error.body_required"}},
		{"only whitespace", strings.NewReader(" \r\n\t "), decodeWant{key: "error.body_required"}},
		{"unreadable", failingReader{}, decodeWant{key: "error.body_unreadable"}},
		{"over the limit", http.MaxBytesReader(httptest.NewRecorder(), io.NopCloser(strings.NewReader(long)), 1024), decodeWant{key: "error.body_too_large"}},
		{"truncated", strings.NewReader(`{"name":`), decodeWant{key: "error.json_syntax"}},
		{"unterminated string", strings.NewReader(`{"name":"abc`), decodeWant{key: "error.json_syntax"}},
		{"trailing comma", strings.NewReader(`{"name":"x",}`), decodeWant{key: "error.json_syntax"}},
		{"single quotes", strings.NewReader(`{'name':'x'}`), decodeWant{key: "error.json_syntax"}},
		{"bare word", strings.NewReader(`hello`), decodeWant{key: "error.json_syntax"}},
		{"byte order mark", strings.NewReader("\ufeff{}"), decodeWant{key: "error.json_syntax"}},
		{"too deep", strings.NewReader(strings.Repeat("[", 20000)), decodeWant{key: "error.json_syntax"}},
		{"array", strings.NewReader(`[]`), decodeWant{key: "error.json_object"}},
		{"array of objects", strings.NewReader(`[{"name":"x"}]`), decodeWant{key: "error.json_object"}},
		{"string", strings.NewReader(`"x"`), decodeWant{key: "error.json_object"}},
		{"number", strings.NewReader(`42`), decodeWant{key: "error.json_object"}},
		{"string for int", strings.NewReader(`{"customer_company_id":"abc"}`), decodeWant{key: "error.invalid", field: "customer_company_id", fieldKey: "validate.type"}},
		{"float for int", strings.NewReader(`{"customer_company_id":1.5}`), decodeWant{key: "error.invalid", field: "customer_company_id", fieldKey: "validate.type"}},
		{"int overflow", strings.NewReader(`{"budget_minor":1e40}`), decodeWant{key: "error.invalid", field: "budget_minor", fieldKey: "validate.type"}},
		{"number for string", strings.NewReader(`{"name":123}`), decodeWant{key: "error.invalid", field: "name", fieldKey: "validate.type"}},
		{"object for string", strings.NewReader(`{"name":{"a":1}}`), decodeWant{key: "error.invalid", field: "name", fieldKey: "validate.type"}},
		{"bool for string", strings.NewReader(`{"product":true}`), decodeWant{key: "error.invalid", field: "product", fieldKey: "validate.type"}},
		{"unknown field", strings.NewReader(`{"name":"x","owner":"me"}`), decodeWant{key: "error.invalid", field: "owner", fieldKey: "validate.unknown_field"}},
		{"two objects", strings.NewReader(`{"name":"a"}{"name":"b"}`), decodeWant{key: "error.json_trailing"}},
		{"trailing garbage", strings.NewReader(`{"name":"a"} x`), decodeWant{key: "error.json_trailing"}},
		{"trailing brace", strings.NewReader(`{"name":"a"}}`), decodeWant{key: "error.json_trailing"}},
		{"invalid UTF-8 in a value", strings.NewReader("{\"code\":\"PA\",\"name\":\"\xff\xfe\"}"), decodeWant{key: "error.invalid", field: "name", fieldKey: "validate.utf8"}},
		{"invalid UTF-8 nested", strings.NewReader("{\"name\":{\"x\":[\"\xc3\"]}}"), decodeWant{key: "error.invalid", field: "name", fieldKey: "validate.utf8"}},
		{"invalid UTF-8 in a key", strings.NewReader("{\"na\xffme\":\"x\"}"), decodeWant{key: "error.utf8"}},
		{"invalid UTF-8 outside strings", strings.NewReader("{\xff}"), decodeWant{key: "error.utf8"}},
		{"overlong encoding", strings.NewReader("{\"name\":\"\xc0\xaf\"}"), decodeWant{key: "error.invalid", field: "name", fieldKey: "validate.utf8"}},
		{"surrogate half", strings.NewReader("{\"name\":\"\xed\xa0\x80\"}"), decodeWant{key: "error.invalid", field: "name", fieldKey: "validate.utf8"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var in project.Input
			err := web.DecodeJSON(tc.body, &in)
			checkDecodeErr(t, err, tc.want)
		})
	}
}

func checkDecodeErr(t *testing.T, err error, want decodeWant) {
	t.Helper()
	if want.key == "" {
		if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		return
	}
	var e *apperr.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *apperr.Error", err, err)
	}
	if e.Code != apperr.Invalid || e.Key != want.key {
		t.Fatalf("got %s/%s, want invalid/%s", e.Code, e.Key, want.key)
	}
	if want.field != "" {
		if got := e.Fields[want.field]; got != want.fieldKey {
			t.Fatalf("fields %v, want %s=%s", e.Fields, want.field, want.fieldKey)
		}
	} else if len(e.Fields) != 0 {
		t.Fatalf("unexpected fields %v", e.Fields)
	}
}

// A JSON null is not an object but decodes to the zero value; validation
// then names every required field, so it never reaches the database.
func TestDecodeJSONNullThenValidate(t *testing.T) {
	var in project.Input
	if err := web.DecodeJSON(strings.NewReader(`null`), &in); err != nil {
		t.Fatalf("null: %v", err)
	}
	err := in.Validate()
	e := apperr.As(err)
	for _, f := range []string{"code", "name", "customer_company_id", "product"} {
		if !e.HasField(f) {
			t.Errorf("validation of a null body does not name %s: %v", f, err)
		}
	}
}

func TestDecodeJSONFieldsAndArgs(t *testing.T) {
	var in project.Input
	err := web.DecodeJSON(strings.NewReader(`{"customer_company_id":"abc"}`), &in)
	e := apperr.As(err)
	if got := e.FieldArgs["customer_company_id"]; len(got) != 1 || got[0] != "int64" {
		t.Fatalf("type error args %v", got)
	}
	err = web.DecodeJSON(http.MaxBytesReader(httptest.NewRecorder(), io.NopCloser(strings.NewReader(strings.Repeat(" ", 3000))), 2048), &in)
	if e := apperr.As(err); e.Key != "error.body_too_large" || len(e.Args) != 1 || e.Args[0] != int64(2) {
		t.Fatalf("limit error %v %v", e.Key, e.Args)
	}
	err = web.DecodeJSON(strings.NewReader(`{"name": "x",}`), &in)
	if e := apperr.As(err); len(e.Args) != 1 || e.Args[0].(int64) <= 0 {
		t.Fatalf("syntax error should carry the offset: %v", e.Args)
	}
}

// fuzzTargets are the API's request bodies; each must decode without
// panicking and, when it decodes, validate without panicking.
func fuzzTargets() []func() any {
	return []func() any{
		func() any { return &project.Input{} },
		func() any { return &project.MemberInput{} },
		func() any { return &project.ArchiveInput{} },
		func() any { return &auth.UserInput{} },
		func() any { return &auth.CompanyInput{} },
		func() any { return &auth.TokenInput{} },
		func() any { return &map[string]any{} },
	}
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"code":"PA","name":"甲项目","customer_company_id":3,"product":"MES","start_date":"2026-01-05","golive_date":"2026-06-30","budget_minor":100,"version":1}`,
		`{"user_id":1,"role":"pm"}`,
		`{"archived":true}`,
		`{"email":"a@b.c","name":"A","company_id":1,"role":"pm","admin":false,"locale":"en","password":"12345678"}`,
		`[]`, `null`, `{"name":"\ud800"}`, "{\"name\":\"\xff\"}", `{"a":{"b":[1,2,{"c":"d"}]}}`, `{"customer_company_id":"1"}`,
		`{"name":"a"}{"name":"b"}`, `{"version":-9223372036854775808}`, `{"budget_minor":9223372036854775808}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, mk := range fuzzTargets() {
			dst := mk()
			r := http.MaxBytesReader(httptest.NewRecorder(), io.NopCloser(bytes.NewReader(body)), 1<<16)
			err := web.DecodeJSON(r, dst)
			if err != nil {
				var e *apperr.Error
				if !errors.As(err, &e) || e.Code != apperr.Invalid {
					t.Fatalf("DecodeJSON(%q) into %T: %v is not an invalid-input error", body, dst, err)
				}
				if !i18n.Has(e.Key) {
					t.Fatalf("DecodeJSON(%q): key %q not in the catalog", body, e.Key)
				}
				for f, key := range e.Fields {
					if !i18n.Has(key) {
						t.Fatalf("DecodeJSON(%q): field %q key %q not in the catalog", body, f, key)
					}
				}
				// Rendering the message must not panic either.
				_ = i18n.T(i18n.ZH, e.Key, e.Args...)
				continue
			}
			if !utf8.Valid(body) {
				t.Fatalf("DecodeJSON accepted invalid UTF-8 %q", body)
			}
			if v, ok := dst.(interface{ Validate() error }); ok {
				if err := v.Validate(); err != nil && apperr.CodeOf(err) != apperr.Invalid {
					t.Fatalf("Validate after decoding %q: %v", body, err)
				}
			}
			// What decoded must encode and decode again to the same value.
			enc, err := json.Marshal(dst)
			if err != nil {
				t.Fatalf("marshal %T: %v", dst, err)
			}
			again := mk()
			if err := web.DecodeJSON(bytes.NewReader(enc), again); err != nil {
				t.Fatalf("re-decoding %s: %v", enc, err)
			}
			if _, isMap := dst.(*map[string]any); !isMap && !reflect.DeepEqual(normalise(dst), normalise(again)) {
				t.Fatalf("round trip of %q changed %+v to %+v", body, dst, again)
			}
		}
	})
}

// normalise drops unexported state (Validate normalises in place) by
// comparing the JSON form.
func normalise(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// The form path: whatever the body and content type, Form either succeeds
// with valid UTF-8 values or returns an invalid-input error.
func FuzzForm(f *testing.F) {
	var mp bytes.Buffer
	w := multipart.NewWriter(&mp)
	w.SetBoundary("BOUNDARY")
	w.WriteField("name", "甲项目")
	w.WriteField("code", "PA")
	w.Close()
	f.Add("application/x-www-form-urlencoded", []byte("code=PA&name=%E7%94%B2&customer_company_id=3"))
	f.Add("application/x-www-form-urlencoded", []byte("name=%ff%fe"))
	f.Add("application/x-www-form-urlencoded", []byte("a=%zz&b=;c"))
	f.Add("multipart/form-data; boundary=BOUNDARY", mp.Bytes())
	f.Add("multipart/form-data", mp.Bytes())
	f.Add("multipart/form-data; boundary=BOUNDARY", []byte("--BOUNDARY\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n\xff\r\n--BOUNDARY--\r\n"))
	f.Add("text/plain", []byte("hello"))
	f.Fuzz(func(t *testing.T, ctype string, body []byte) {
		req := httptest.NewRequest("POST", "/projects", bytes.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		rec := httptest.NewRecorder()
		req.Body = http.MaxBytesReader(rec, req.Body, 1<<16)
		c := &web.Ctx{W: rec, R: req}
		err := c.Form()
		if err != nil {
			var e *apperr.Error
			if !errors.As(err, &e) || e.Code != apperr.Invalid || !i18n.Has(e.Key) {
				t.Fatalf("Form(%q, %q): %v", ctype, body, err)
			}
			return
		}
		for k, vs := range req.PostForm {
			for _, v := range vs {
				if !utf8.ValidString(v) {
					t.Fatalf("Form accepted invalid UTF-8 in %q: %q", k, v)
				}
			}
		}
		if req.MultipartForm != nil {
			req.MultipartForm.RemoveAll()
		}
	})
}

func TestFormErrors(t *testing.T) {
	big := "name=" + strings.Repeat("a", 5000)
	cases := []struct {
		name, ctype, body string
		limit             int64
		key               string
	}{
		{"ok", "application/x-www-form-urlencoded", "name=%E7%94%B2", 1 << 20, ""},
		{"invalid UTF-8", "application/x-www-form-urlencoded", "name=%ff", 1 << 20, "error.utf8"},
		{"over the limit", "application/x-www-form-urlencoded", big, 1024, "error.body_too_large"},
		{"multipart without boundary", "multipart/form-data", "x", 1 << 20, "error.body_unreadable"},
		{"broken multipart", "multipart/form-data; boundary=B", "--B\r\nnot a header\r\n", 1 << 20, "error.body_unreadable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/x", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.ctype)
			rec := httptest.NewRecorder()
			req.Body = http.MaxBytesReader(rec, req.Body, tc.limit)
			err := (&web.Ctx{W: rec, R: req}).Form()
			if tc.key == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if e := apperr.As(err); e.Code != apperr.Invalid || e.Key != tc.key {
				t.Fatalf("got %v, want %s", err, tc.key)
			}
		})
	}
}
