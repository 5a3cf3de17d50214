package engine

import (
	"testing"

	"golive/internal/i18n"
)

// Keys built at run time (fix kinds, types, check names, template columns)
// exist in both languages.
func TestDynamicCatalogKeys(t *testing.T) {
	var keys []string
	for _, k := range FixKinds {
		keys = append(keys, "dataengine.fix."+string(k))
	}
	for _, ty := range []FieldType{TypeText, TypeInt, TypeDecimal, TypeDate, TypeBool, TypeCode} {
		keys = append(keys, "dataengine.type."+string(ty))
	}
	for _, c := range append(checkOf[:], CheckKey, CheckRule) {
		keys = append(keys, "dataengine.checkname."+string(c))
	}
	for _, s := range []Survivor{SurvivorFirst, SurvivorLast, SurvivorMostComplete} {
		keys = append(keys, "dataengine.template.survivor_"+string(s))
	}
	for _, c := range []string{"code", "label", "type", "required", "max_length", "pattern", "allowed", "unique", "lookup", "default", "cleanse", "sample", "note"} {
		keys = append(keys, "dataengine.template.col_"+c)
	}
	for _, k := range keys {
		for _, l := range i18n.Langs {
			if _, ok := i18n.Catalog(l)[k]; !ok {
				t.Errorf("%s missing in %s", k, l)
			}
		}
	}
}
