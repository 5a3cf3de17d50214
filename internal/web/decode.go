package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golive/internal/apperr"
)

// DecodeJSON reads a JSON object into dst. Every way a body can be wrong
// becomes an invalid-input error that names the field where it can: a
// body over the limit, invalid UTF-8 (which encoding/json would otherwise
// silently replace), syntax errors, wrong types, unknown fields, trailing
// data.
func (c *Ctx) DecodeJSON(dst any) error {
	return DecodeJSON(c.R.Body, dst)
}

// DecodeJSON is the request decoder, exported for fuzzing.
func DecodeJSON(body io.Reader, dst any) error {
	if body == nil {
		return apperr.New(apperr.Invalid, "error.body_required")
	}
	b, err := io.ReadAll(body)
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return apperr.New(apperr.Invalid, "error.body_too_large", mb.Limit/1024)
		}
		return apperr.New(apperr.Invalid, "error.body_unreadable")
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return apperr.New(apperr.Invalid, "error.body_required")
	}
	if !utf8.Valid(b) {
		if f := utf8Field(b); f != "" {
			return apperr.InvalidField(f, "validate.utf8")
		}
		return apperr.New(apperr.Invalid, "error.utf8")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return apperr.New(apperr.Invalid, "error.json_trailing")
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err != io.EOF {
		return apperr.New(apperr.Invalid, "error.json_trailing")
	}
	return nil
}

// utf8Field names the top-level member whose value holds invalid UTF-8,
// so the message can point at the field; "" when the bytes are in a key,
// outside any member, or the JSON is malformed. Raw values keep the
// original bytes, so one ordinary decode finds the member.
func utf8Field(b []byte) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if !utf8.Valid(v) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	if len(keys) == 0 {
		return ""
	}
	return keys[0]
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return apperr.New(apperr.Invalid, "error.json_syntax", syn.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return apperr.New(apperr.Invalid, "error.json_object")
		}
		return apperr.InvalidField(field, "validate.type", typ.Type.String())
	case errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.New(apperr.Invalid, "error.json_syntax", 0)
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return apperr.InvalidField(strings.Trim(f, `"`), "validate.unknown_field")
	}
	return apperr.New(apperr.Invalid, "error.json_syntax", 0)
}

// checkQuery refuses query values that are not valid UTF-8 or that hold
// control characters, naming the parameter. Handlers pass query values to
// SQL as text, and PostgreSQL rejects both with an error that would
// otherwise surface as a 500.
func checkQuery(r *http.Request) error {
	if r.URL.RawQuery == "" {
		return nil
	}
	for k, vs := range r.URL.Query() {
		if !utf8.ValidString(k) {
			return apperr.New(apperr.Invalid, "error.utf8")
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return apperr.InvalidField(k, "validate.utf8")
			}
			if strings.ContainsFunc(v, unicode.IsControl) {
				return apperr.InvalidField(k, "validate.control_char")
			}
		}
	}
	return nil
}

// Form parses a urlencoded or multipart form within the body limit.
func (c *Ctx) Form() error {
	ct := c.R.Header.Get("Content-Type")
	var err error
	if strings.HasPrefix(ct, "multipart/form-data") {
		err = c.R.ParseMultipartForm(1 << 20)
	} else {
		err = c.R.ParseForm()
	}
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return apperr.New(apperr.Invalid, "error.body_too_large", mb.Limit/1024)
		}
		return apperr.New(apperr.Invalid, "error.body_unreadable")
	}
	for _, vs := range c.R.PostForm {
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return apperr.New(apperr.Invalid, "error.utf8")
			}
		}
	}
	return nil
}

// FormValue returns a posted value (Form must have succeeded).
func (c *Ctx) FormValue(name string) string { return c.R.PostFormValue(name) }
