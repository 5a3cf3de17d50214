package datamigration

import (
	"bytes"
	"encoding/json"

	"golive/internal/apperr"
	"golive/internal/datamigration/engine"
)

// maxSpecBytes bounds a stored specification (200 fields with long
// allowed-value lists fit comfortably).
const maxSpecBytes = 512 << 10

// parseSpec decodes a stored or submitted specification.
func parseSpec(raw []byte) (engine.Spec, error) {
	var sp engine.Spec
	if len(raw) > maxSpecBytes {
		return sp, apperr.InvalidField("spec", "dm.err_spec_too_big")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sp); err != nil {
		return sp, apperr.InvalidField("spec", "dm.err_spec_json")
	}
	return sp, nil
}

// checkSpec compiles a specification with the engine and returns its
// canonical JSON; a spec that does not compile is refused with the
// engine's message, which names the field or rule.
func checkSpec(raw []byte) (json.RawMessage, error) {
	sp, err := parseSpec(raw)
	if err != nil {
		return nil, err
	}
	if _, err := engine.Compile(sp); err != nil {
		return nil, err
	}
	out, err := json.Marshal(sp)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	return out, nil
}

// compileStored compiles an object's stored specification.
func compileStored(o Object) (*engine.Program, engine.Spec, error) {
	sp, err := parseSpec(o.Spec)
	if err != nil {
		return nil, sp, err
	}
	prog, err := engine.Compile(sp)
	return prog, sp, err
}

// initialSpec is a new object's code, name and specification: a copy of
// a standard object, or one text field to start from.
func initialSpec(in ObjectInput) (json.RawMessage, string, string, error) {
	var sp engine.Spec
	if in.LibraryKey != "" {
		lib, ok := engine.LibrarySpec(in.LibraryKey)
		if !ok {
			return nil, "", "", apperr.InvalidField("library_key", "validate.enum")
		}
		sp = lib
	} else {
		sp = engine.Spec{Fields: []engine.Field{{Code: "code", Label: "编码", Type: engine.TypeText, Required: true, Unique: true, Cleanse: engine.Cleanse{Trim: true, HalfWidth: true}}}}
	}
	code, name := in.Code, in.Name
	if code == "" {
		code = sp.Object
	}
	if name == "" {
		name = sp.Label
	}
	sp.Object, sp.Label = code, name
	raw, err := checkSpec(mustJSON(sp))
	return raw, code, name, err
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
