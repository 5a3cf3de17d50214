package engine

// FieldType is the type a field's cleansed value must have.
type FieldType string

const (
	TypeText    FieldType = "text"    // any text
	TypeInt     FieldType = "int"     // integer, e.g. 1,234 or 1.2万 (when whole)
	TypeDecimal FieldType = "decimal" // decimal with Field.Scale places, e.g. ￥1,234.50 or (12.00)
	TypeDate    FieldType = "date"    // calendar date, normalised to YYYY-MM-DD
	TypeBool    FieldType = "bool"    // 是/否, Y/N, true/false, 1/0 → "true"/"false"
	TypeCode    FieldType = "code"    // a code from Allowed or from a Lookup list
)

// Survivor says which of several duplicate rows de-duplication keeps.
type Survivor string

const (
	SurvivorFirst        Survivor = "first"         // the first in file order
	SurvivorLast         Survivor = "last"          // the last in file order
	SurvivorMostComplete Survivor = "most_complete" // the one with most non-empty fields; ties → first
)

// Spec is the field specification of one migration object (客户主数据,
// 物料主数据, …). It is stored as JSON by the datamigration module and
// exported as JSON for `golive data validate`.
type Spec struct {
	Object string  `json:"object"`          // code, e.g. "material"; lookups of other objects name it
	Label  string  `json:"label"`           // Chinese name, e.g. "物料主数据"
	Note   string  `json:"note,omitempty"`  // shown on the template's notes sheet
	Fields []Field `json:"fields"`          // in template and cleaned-output order
	Keys   []Key   `json:"keys,omitempty"`  // composite unique keys
	Rules  []Rule  `json:"rules,omitempty"` // cross-field rules
	Dedup  *Dedup  `json:"dedup,omitempty"` // de-duplication before validation; nil: none
}

// Field is one column of the object.
type Field struct {
	Code      string    `json:"code"`  // identifier: letters, digits, _; used in rules
	Label     string    `json:"label"` // Chinese label, the template's header
	Type      FieldType `json:"type"`
	Scale     int       `json:"scale,omitempty"`      // decimal places of a decimal (0–6)
	Required  bool      `json:"required,omitempty"`   // empty after cleansing and default → rejected
	MaxLength int       `json:"max_length,omitempty"` // in characters, 0: no limit
	Pattern   string    `json:"pattern,omitempty"`    // RE2 regular expression the whole value must match
	Allowed   []string  `json:"allowed,omitempty"`    // permitted values (after cleansing)
	Unique    bool      `json:"unique,omitempty"`     // no two accepted rows share the value
	Lookup    *Lookup   `json:"lookup,omitempty"`     // the value must exist in a list or another object
	Default   string    `json:"default,omitempty"`    // filled in when the value is empty (a recorded fix)
	Cleanse   Cleanse   `json:"cleanse,omitzero"`
	Note      string    `json:"note,omitempty"`   // explanation for the template's notes sheet
	Sample    string    `json:"sample,omitempty"` // the template's sample value
	// Sum marks an amount or quantity whose total over accepted rows is
	// reported (Result.Sums) for reconciliation with the target system.
	Sum bool `json:"sum,omitempty"`
}

// Cleanse holds a field's cleansing options, applied in this order before
// type normalisation and validation. Type normalisation (dates, numbers,
// booleans) always applies to fields of those types.
type Cleanse struct {
	Trim      bool   `json:"trim,omitempty"`       // trim both ends, collapse inner runs of white space to one space
	HalfWidth bool   `json:"half_width,omitempty"` // full-width letters, digits, punctuation and space → ASCII
	Case      string `json:"case,omitempty"`       // "upper" or "lower" (ASCII letters)
	CodeMap   string `json:"code_map,omitempty"`   // name of a mapping table in Env.CodeMaps (old code → new code)
}

// Lookup names the set a value must belong to: a code list supplied by
// name, or the key column of another object of the same run set.
type Lookup struct {
	List   string `json:"list,omitempty"`   // code list name
	Object string `json:"object,omitempty"` // other object's code …
	Field  string `json:"field,omitempty"`  // … and its field
}

// SetName is the key of the set in Env.LookupSets: the list name, or
// "object.field".
func (l Lookup) SetName() string {
	if l.List != "" {
		return l.List
	}
	return l.Object + "." + l.Field
}

// Key is a composite unique key: no two accepted rows share all of Fields.
type Key struct {
	Name   string   `json:"name"`
	Fields []string `json:"fields"`
}

// Rule is a cross-field rule: Expr must be true for the row to pass.
type Rule struct {
	Name      string `json:"name"`                 // identifier shown in counts, e.g. "dates_ordered"
	Expr      string `json:"expr"`                 // e.g. `end_date >= start_date`
	Message   string `json:"message"`              // Chinese message for the error report
	MessageEN string `json:"message_en,omitempty"` // English message; empty: Message
}

// Dedup removes duplicate rows before validation, keeping one survivor.
type Dedup struct {
	Fields   []string `json:"fields,omitempty"`   // key fields; empty: exact duplicates (all fields)
	Survivor Survivor `json:"survivor,omitempty"` // default first
}
