// Package i18n holds the message catalogs. Chinese (zh-CN) is the default
// and English the second language; every user-visible string goes through
// a key here, and a test fails when a key is missing in either catalog.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// Lang is a supported language tag.
type Lang string

const (
	ZH Lang = "zh-CN"
	EN Lang = "en"
)

// Langs lists the supported languages, default first.
var Langs = []Lang{ZH, EN}

// Each language is a folder with one file per module (platform.json,
// work.json, …), so modules add keys without touching each other's files.
//
//go:embed locales/*/*.json
var files embed.FS

var catalogs = map[Lang]map[string]string{}

func init() {
	for _, l := range Langs {
		names, err := fs.Glob(files, "locales/"+string(l)+"/*.json")
		if err != nil || len(names) == 0 {
			panic(fmt.Sprintf("catalog %s: no files", l))
		}
		m := map[string]string{}
		for _, name := range names {
			b, err := files.ReadFile(name)
			if err != nil {
				panic(err)
			}
			part := map[string]string{}
			if err := json.Unmarshal(b, &part); err != nil {
				panic(fmt.Sprintf("catalog %s: %v", name, err))
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					panic(fmt.Sprintf("catalog %s: key %q is defined in two files", l, k))
				}
				m[k] = v
			}
		}
		catalogs[l] = m
	}
}

// Catalog returns a copy-free view of one catalog (tests only read it).
func Catalog(l Lang) map[string]string { return catalogs[l] }

// T translates key with fmt-style args. A missing key shows the key itself,
// which the catalog test prevents from ever reaching a user.
func T(l Lang, key string, args ...any) string {
	s, ok := catalogs[l][key]
	if !ok {
		s, ok = catalogs[ZH][key]
		if !ok {
			return key
		}
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// Has reports whether key exists in the default catalog.
func Has(key string) bool { _, ok := catalogs[ZH][key]; return ok }

// Parse maps a stored preference or a tag to a Lang ("" if unknown).
func Parse(s string) Lang {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		return ""
	case strings.HasPrefix(s, "zh"):
		return ZH
	case strings.HasPrefix(s, "en"):
		return EN
	}
	return ""
}

// Negotiate picks the best language from an Accept-Language header,
// honouring q-values; Chinese when nothing matches.
func Negotiate(header string) Lang {
	best, bestQ := Lang(""), -1.0
	for i, part := range strings.Split(header, ",") {
		if i > 20 {
			break
		}
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		// q=0 means "not acceptable" (RFC 9110 §12.4.2).
		if l := Parse(tag); l != "" && q > 0 && q > bestQ {
			best, bestQ = l, q
		}
	}
	if best == "" {
		return ZH
	}
	return best
}
