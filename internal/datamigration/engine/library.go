package engine

import (
	"embed"
	"encoding/json"
	"io/fs"
	"sort"
)

// The standard objects are data, not code: one JSON spec per file, in the
// order a migration usually loads them (masters before what refers to them).
//
//go:embed library/*.json
var libraryFiles embed.FS

// Library returns the standard migration objects shipped with golive
// (客户主数据, 物料主数据, 供应商, BOM, 期初库存, 期初余额), each a fresh copy a
// project may change. They compile (a test proves it).
func Library() []Spec {
	names, _ := fs.Glob(libraryFiles, "library/*.json")
	sort.Strings(names)
	out := make([]Spec, 0, len(names))
	for _, n := range names {
		b, err := libraryFiles.ReadFile(n)
		if err != nil {
			panic(err)
		}
		var s Spec
		if err := json.Unmarshal(b, &s); err != nil {
			panic("engine: library " + n + ": " + err.Error())
		}
		out = append(out, s)
	}
	return out
}

// LibrarySpec returns the standard object with the given code.
func LibrarySpec(object string) (Spec, bool) {
	for _, s := range Library() {
		if s.Object == object {
			return s, true
		}
	}
	return Spec{}, false
}
