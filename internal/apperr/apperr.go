// Package apperr is the small vocabulary of failures every layer speaks.
// Services return *Error values; the web layer maps Code to an HTTP status
// in exactly one place, so a storage error never leaks out as a 500 with a
// driver message in it.
package apperr

import (
	"errors"
	"fmt"
)

// Code classifies a failure. The set is closed on purpose.
type Code string

const (
	Invalid         Code = "invalid"
	NotFound        Code = "not_found"
	Forbidden       Code = "forbidden"
	Conflict        Code = "conflict"
	Unauthenticated Code = "unauthenticated"
	TooMany         Code = "too_many_requests"
	Internal        Code = "internal"
)

// Error carries a code, a message key for the catalog, and per-field
// message keys. Messages are catalog keys, not prose, so the web layer can
// answer in the caller's language.
type Error struct {
	Code      Code
	Key       string            // catalog key of the overall message
	Args      []any             // arguments for the overall message
	Fields    map[string]string // field name -> catalog key
	FieldArgs map[string][]any
	Err       error // underlying cause, never shown to users
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Key, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Key)
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error with a code and a catalog key.
func New(code Code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// Wrap marks an unexpected error as internal, keeping the cause for logs.
func Wrap(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Code: Internal, Key: "error.internal", Err: err}
}

// CodeOf returns the code of err, Internal for foreign errors.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns the *Error inside err, or wraps err as internal.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: Internal, Key: "error.internal", Err: err}
}

// NotFoundf is the answer for rows that do not exist and for rows the
// caller may not see: the two are deliberately indistinguishable.
func NotFoundErr() *Error { return New(NotFound, "error.not_found") }

func ForbiddenErr() *Error { return New(Forbidden, "error.forbidden") }

func ConflictErr() *Error { return New(Conflict, "error.conflict") }

// Fields collects field errors during validation.
type Fields struct {
	fields map[string]string
	args   map[string][]any
}

// Add records the first problem of a field; later ones are ignored so the
// user sees one clear message per field.
func (f *Fields) Add(field, key string, args ...any) {
	if f.fields == nil {
		f.fields = map[string]string{}
		f.args = map[string][]any{}
	}
	if _, ok := f.fields[field]; ok {
		return
	}
	f.fields[field] = key
	if len(args) > 0 {
		f.args[field] = args
	}
}

func (f *Fields) Has(field string) bool { _, ok := f.fields[field]; return ok }

// Err returns nil when no field failed.
func (f *Fields) Err() error {
	if len(f.fields) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Key: "error.invalid", Fields: f.fields, FieldArgs: f.args}
}

// InvalidField is a shortcut for a single failing field.
func InvalidField(field, key string, args ...any) *Error {
	var f Fields
	f.Add(field, key, args...)
	return f.Err().(*Error)
}

// HasField reports whether the error names field.
func (e *Error) HasField(field string) bool { _, ok := e.Fields[field]; return ok }
