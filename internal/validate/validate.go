// Package validate holds the few checks every input struct repeats, each
// adding a catalog key to apperr.Fields so messages name the field in the
// user's language.
package validate

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golive/internal/apperr"
)

// Text trims *v and checks UTF-8, control characters and rune length.
// min 0 means optional.
func Text(f *apperr.Fields, field string, v *string, min, max int) {
	s := strings.TrimSpace(*v)
	*v = s
	if !utf8.ValidString(s) {
		f.Add(field, "validate.utf8")
		return
	}
	n := utf8.RuneCountInString(s)
	if n == 0 && min > 0 {
		f.Add(field, "validate.required")
		return
	}
	if n < min {
		f.Add(field, "validate.too_short", min)
		return
	}
	if n > max {
		f.Add(field, "validate.too_long", max)
		return
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			f.Add(field, "validate.control_char")
			return
		}
	}
}

// Line is Text for single-line values: newlines are refused.
func Line(f *apperr.Fields, field string, v *string, min, max int) {
	Text(f, field, v, min, max)
	if !f.Has(field) && strings.ContainsAny(*v, "\r\n\t") {
		f.Add(field, "validate.single_line")
	}
}

// Email normalises to lower case and checks the form of an address.
func Email(f *apperr.Fields, field string, v *string) {
	Line(f, field, v, 1, 254)
	if f.Has(field) {
		return
	}
	*v = strings.ToLower(*v)
	a, err := mail.ParseAddress(*v)
	if err != nil || a.Address != *v || !strings.Contains(*v, "@") {
		f.Add(field, "validate.email")
	}
}

// Date accepts "" (when optional) or YYYY-MM-DD.
func Date(f *apperr.Fields, field string, v *string, required bool) {
	*v = strings.TrimSpace(*v)
	if *v == "" {
		if required {
			f.Add(field, "validate.required")
		}
		return
	}
	if _, err := time.Parse("2006-01-02", *v); err != nil {
		f.Add(field, "validate.date")
	}
}

// Enum checks v is one of allowed.
func Enum[T ~string](f *apperr.Fields, field string, v T, allowed ...T) {
	if v == "" {
		f.Add(field, "validate.required")
		return
	}
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	f.Add(field, "validate.enum")
}

// Password enforces length only: long passphrases beat composition rules.
func Password(f *apperr.Fields, field, v string) {
	n := utf8.RuneCountInString(v)
	switch {
	case !utf8.ValidString(v):
		f.Add(field, "validate.utf8")
	case n < 8:
		f.Add(field, "validate.too_short", 8)
	case n > 128:
		f.Add(field, "validate.too_long", 128)
	}
}
