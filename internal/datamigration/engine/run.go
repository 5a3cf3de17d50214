package engine

import (
	"context"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr/vm"

	"golive/internal/i18n"
)

// FixKind names a kind of cleansing fix.
type FixKind string

const (
	FixTrim      FixKind = "trim"
	FixHalfWidth FixKind = "half_width"
	FixCase      FixKind = "case"
	FixCodeMap   FixKind = "code_map"
	FixDate      FixKind = "date"
	FixNumber    FixKind = "number"
	FixBool      FixKind = "bool"
	FixDefault   FixKind = "default"
)

// FixKinds lists every fix kind in display order.
var FixKinds = []FixKind{FixTrim, FixHalfWidth, FixCase, FixCodeMap, FixDate, FixNumber, FixBool, FixDefault}

// Check names a kind of validation failure.
type Check string

const (
	CheckRequired Check = "required"
	CheckType     Check = "type"
	CheckLength   Check = "max_length"
	CheckPattern  Check = "pattern"
	CheckAllowed  Check = "allowed"
	CheckLookup   Check = "lookup"
	CheckUnique   Check = "unique" // single-field unique
	CheckKey      Check = "key"    // composite unique key
	CheckRule     Check = "rule"   // cross-field rule
)

// Env is what a run needs besides the file: code-mapping tables, lookup
// sets and a progress callback.
type Env struct {
	// CodeMaps are the mapping tables fields' Cleanse.CodeMap name: old
	// code → new code. A value not in the table is left as it is.
	CodeMaps map[string]map[string]string
	// LookupSets are the sets fields' lookups name (Lookup.SetName). A
	// lookup whose set is absent is skipped and listed in
	// Result.SkippedLookups.
	LookupSets map[string]*KeySet
	// Progress, if set, is called with the number of rows read every
	// ProgressEvery rows (default 10,000) and once at the end.
	Progress      func(read int64)
	ProgressEvery int
	// MaxSamples is how many errors Result.Samples keeps per rule
	// (default 20).
	MaxSamples int
}

// RowError is one failed check of one row.
type RowError struct {
	Line      int    `json:"line"` // line or sheet row in the source file
	Rule      string `json:"rule"` // rule id, see Result.ByRule
	Check     Check  `json:"check"`
	Field     string `json:"field,omitempty"`  // field code; for keys and rules the first field
	Column    string `json:"column,omitempty"` // the source column's header
	Value     string `json:"value"`            // the value as cleansed (the source value for type errors)
	Message   string `json:"message"`          // Chinese, as in the error report
	MessageEN string `json:"message_en"`
}

// Msg returns the message in lang.
func (e RowError) Msg(lang i18n.Lang) string {
	if lang == i18n.EN && e.MessageEN != "" {
		return e.MessageEN
	}
	return e.Message
}

// Result is the outcome of a run. Read = Clean + Fixed + Rejected + Duplicates.
type Result struct {
	Read       int64 `json:"read"`       // data rows read
	Clean      int64 `json:"clean"`      // accepted without a fix
	Fixed      int64 `json:"fixed"`      // accepted after at least one fix
	Rejected   int64 `json:"rejected"`   // failed at least one check
	Duplicates int64 `json:"duplicates"` // removed by de-duplication
	// Fixes counts fixed cells by kind.
	Fixes map[FixKind]int64 `json:"fixes"`
	// ByRule counts failed checks by rule id: "<field>.<check>" for a
	// field's own checks (e.g. "credit_limit.type"), "key.<name>" for a
	// composite key, "rule.<name>" for a cross-field rule.
	ByRule map[string]int64 `json:"by_rule"`
	// ByField counts failed checks by field code (keys and rules count
	// once for each field they read).
	ByField map[string]int64 `json:"by_field"`
	// Samples keeps the first Env.MaxSamples errors of each rule id.
	Samples map[string][]RowError `json:"samples"`
	// Score is the share of accepted rows among the rows left after
	// de-duplication, 0–100 with one decimal.
	Score float64 `json:"score"`
	// Sums are the totals over accepted rows of fields marked Sum, as
	// decimal strings with the field's scale.
	Sums map[string]string `json:"sums,omitempty"`
	// KeySets are the values of accepted rows of the fields
	// Sinks.CollectKeys names, for lookups of other objects' runs.
	KeySets map[string]*KeySet `json:"-"`
	// Ignored are header columns that map to no field.
	Ignored []string `json:"ignored,omitempty"`
	// Unmapped are labels of optional fields without a column.
	Unmapped []string `json:"unmapped,omitempty"`
	// SkippedLookups are lookup sets that were not supplied.
	SkippedLookups []string `json:"skipped_lookups,omitempty"`
	// ReportTruncated says the error report stopped at MaxReportRows.
	ReportTruncated bool       `json:"report_truncated,omitempty"`
	Input           ReaderInfo `json:"input"`
}

// Sinks receive the outcome row by row. Every field may be nil.
type Sinks struct {
	// Cleaned receive accepted rows: every field of the spec in spec
	// order, cleansed and normalised.
	Cleaned []RowWriter
	// CleanedHeader chooses the cleaned files' header: "code" (default)
	// or "label".
	CleanedHeader string
	// Errors receives rejected rows as they were read, with the offending
	// cells and the messages in Chinese.
	Errors ErrorWriter
	// CollectKeys names fields whose accepted values are returned in
	// Result.KeySets (e.g. the material master's material_code, which a
	// BOM run of the same set looks up).
	CollectKeys []string
}

// MaxReportRows bounds the error report (an .xlsx sheet holds 1,048,576
// rows); further rejected rows are counted but not written.
const MaxReportRows = 1_000_000

// Run reads every row through open's reader, cleanses, validates and
// de-duplicates it and writes the outcome to sinks. A header that does
// not match the mapping (a required field without a column) fails before
// any row is read; a malformed file fails with the line; ctx cancels
// between rows. Rejected rows are not an error: they are in the Result.
func Run(ctx context.Context, prog *Program, open Opener, m Mapping, env Env, sinks Sinks) (*Result, error) {
	rd, err := open()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	header := rd.Header()
	hc := m.Check(header, prog)
	if !hc.OK() {
		return nil, hc.Err()
	}
	r := newRunner(prog, m.columns(header, prog), env, sinks)
	defer r.release()
	r.res.Ignored, r.res.Unmapped, r.res.Input = hc.Unexpected, hc.Unmapped, rd.Info()
	r.header = header
	if prog.dedup != nil && prog.surv != SurvivorFirst {
		if err := r.findSurvivors(ctx, open); err != nil {
			return nil, err
		}
	}
	if err := r.begin(); err != nil {
		return nil, err
	}
	var ord int32
	for {
		row, line, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			r.abort()
			return nil, err
		}
		if ord&1023 == 0 {
			if err := ctx.Err(); err != nil {
				r.abort()
				return nil, err
			}
		}
		r.stage(row, line, ord)
		if r.nb == batchSize {
			if err := r.flush(); err != nil {
				r.abort()
				return nil, err
			}
		}
		ord++
		if ord == 4096 {
			if h, ok := rd.(interface{ rowsHint() int }); ok {
				r.reserve(h.rowsHint())
			}
		}
		if r.env.Progress != nil && int(ord)%r.env.ProgressEvery == 0 {
			r.env.Progress(int64(ord))
		}
	}
	if err := r.flush(); err != nil {
		r.abort()
		return nil, err
	}
	if ord == 0 {
		r.abort()
		return nil, invalidField("file", "dataengine.file.no_rows")
	}
	if r.env.Progress != nil {
		r.env.Progress(int64(ord))
	}
	return r.finish()
}

const (
	ciRequired = iota
	ciType
	ciLength
	ciPattern
	ciAllowed
	ciLookup
	ciUnique
	nChecks
)

var checkOf = [nChecks]Check{CheckRequired, CheckType, CheckLength, CheckPattern, CheckAllowed, CheckLookup, CheckUnique}

// Type error details.
const (
	tdNone uint8 = iota
	tdNumber
	tdScale
	tdDate
	tdBool
)

type rowErr struct {
	check Check
	field int   // field index (first field for keys and rules)
	idx   int   // ci* for field checks, key or rule index otherwise
	other int32 // the earlier line for uniqueness
}

type survivor struct {
	ord      int32
	complete int32
}

type runner struct {
	p      *Program
	env    Env
	sinks  Sinks
	cols   []int
	header []string
	res    *Result

	codeMaps []map[string]string
	lookups  []*KeySet
	uniq     []*table[int32]
	collect  []*KeySet
	sums     []int64
	sumOK    []bool
	keyMaps  []*table[int32]
	seen     *table[struct{}]
	surv     *table[survivor]
	keyIDs   []string
	ruleIDs2 []string
	upper    []int8 // per field: 1 upper, -1 lower, 0 none
	defaults []string

	// per-row scratch, reused
	vals    []string
	nums    []int64
	bad     []uint8 // type-error detail, tdNone when the value is good
	fix     []uint8 // bit per FixKind
	errs    []rowErr
	badCols []int
	cells   []string
	msg     []byte

	fixCounts   [8]int64
	fieldChecks [][nChecks]int64
	keyCounts   []int64
	ruleCounts  []int64
	ruleIDs     [][nChecks]string

	exprEnv map[string]any
	machine vm.VM

	out        []string
	reportRows int

	batch      []*staged
	nb         int
	uniqIdx    []int  // fields with Unique
	touched    uint32 // keeps the compiler from dropping the touching loads
	lastSample map[string]int
}

func newRunner(p *Program, cols []int, env Env, sinks Sinks) *runner {
	if env.ProgressEvery <= 0 {
		env.ProgressEvery = 10_000
	}
	if env.MaxSamples <= 0 {
		env.MaxSamples = 20
	}
	n := len(p.fields)
	r := &runner{p: p, env: env, sinks: sinks, cols: cols,
		res: &Result{Fixes: map[FixKind]int64{}, ByRule: map[string]int64{}, ByField: map[string]int64{},
			Samples: map[string][]RowError{}, Sums: map[string]string{}, KeySets: map[string]*KeySet{}},
		codeMaps: make([]map[string]string, n), lookups: make([]*KeySet, n), uniq: make([]*table[int32], n),
		collect: make([]*KeySet, n), sums: make([]int64, n), sumOK: make([]bool, n), upper: make([]int8, n),
		defaults: make([]string, n), vals: make([]string, n), nums: make([]int64, n), bad: make([]uint8, n),
		fix: make([]uint8, n), out: make([]string, n), fieldChecks: make([][nChecks]int64, n),
		keyCounts: make([]int64, len(p.keys)), ruleCounts: make([]int64, len(p.rules)), ruleIDs: make([][nChecks]string, n),
	}
	skipped := map[string]bool{}
	for i, f := range p.fields {
		if f.Cleanse.CodeMap != "" {
			r.codeMaps[i] = env.CodeMaps[f.Cleanse.CodeMap]
		}
		if f.Lookup != nil {
			if set, ok := env.LookupSets[f.Lookup.SetName()]; ok && set != nil {
				r.lookups[i] = set
			} else if !skipped[f.Lookup.SetName()] {
				skipped[f.Lookup.SetName()] = true
				r.res.SkippedLookups = append(r.res.SkippedLookups, f.Lookup.SetName())
			}
		}
		if f.Unique {
			r.uniq[i] = &table[int32]{offHeap: true}
			r.uniqIdx = append(r.uniqIdx, i)
		}
		if f.Sum && (f.Type == TypeInt || f.Type == TypeDecimal) {
			r.sumOK[i] = true
		}
		switch f.Cleanse.Case {
		case "upper":
			r.upper[i] = 1
		case "lower":
			r.upper[i] = -1
		}
		if f.Default != "" {
			r.defaults[i], _ = normalizeTyped(f.Type, f.Scale, f.Default)
		}
		for c := range nChecks {
			r.ruleIDs[i][c] = f.Code + "." + string(checkOf[c])
		}
	}
	for _, code := range sinks.CollectKeys {
		if i, ok := p.byCode[code]; ok {
			r.collect[i] = NewKeySet()
			r.res.KeySets[code] = r.collect[i]
		}
	}
	for _, k := range p.keys {
		r.keyMaps = append(r.keyMaps, &table[int32]{offHeap: true})
		r.keyIDs = append(r.keyIDs, "key."+k.Name)
	}
	for _, rule := range p.rules {
		r.ruleIDs2 = append(r.ruleIDs2, "rule."+rule.Name)
	}
	if p.dedup != nil {
		if p.surv == SurvivorFirst {
			r.seen = &table[struct{}]{offHeap: true}
		} else {
			r.surv = &table[survivor]{offHeap: true}
		}
	}
	if len(p.rules) > 0 {
		r.exprEnv = make(map[string]any, n)
		for _, f := range p.fields {
			r.exprEnv[f.Code] = nil
		}
	}
	return r
}

// release frees the run's off-heap key sets.
func (r *runner) release() {
	for _, t := range r.uniq {
		if t != nil {
			t.release()
		}
	}
	for _, t := range r.keyMaps {
		t.release()
	}
	if r.seen != nil {
		r.seen.release()
	}
	if r.surv != nil {
		r.surv.release()
	}
}

// reserve sizes the key sets for the expected row count (capped: a wrong
// guess must not cost more than growing would).
func (r *runner) reserve(rows int) {
	rows = min(rows, 4<<20)
	if rows <= 0 {
		return
	}
	for _, t := range r.uniq {
		if t != nil {
			t.reserve(rows)
		}
	}
	for _, t := range r.keyMaps {
		t.reserve(rows)
	}
	if r.seen != nil {
		r.seen.reserve(rows)
	}
}

func (r *runner) begin() error {
	codes := make([]string, len(r.p.fields))
	for i, f := range r.p.fields {
		codes[i] = f.Code
		if r.sinks.CleanedHeader == "label" {
			codes[i] = f.Label
		}
	}
	for _, w := range r.sinks.Cleaned {
		if err := w.WriteHeader(codes); err != nil {
			return err
		}
	}
	if r.sinks.Errors != nil {
		return r.sinks.Errors.WriteHeader(r.header)
	}
	return nil
}

// abort closes the sinks after a failure; their output is incomplete.
func (r *runner) abort() {
	for _, w := range r.sinks.Cleaned {
		w.Close()
	}
	if r.sinks.Errors != nil {
		r.sinks.Errors.Close()
	}
}

// findSurvivors is the first pass of de-duplication keeping the last or
// the most complete row: it remembers, per key, the ordinal of the row
// that will survive.
func (r *runner) findSurvivors(ctx context.Context, open Opener) error {
	rd, err := open()
	if err != nil {
		return err
	}
	defer rd.Close()
	for ord := int32(0); ; ord++ {
		row, _, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if ord&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		r.cleanseRow(row)
		h := r.dedupHash()
		complete := int32(0)
		for i := range r.vals {
			if r.vals[i] != "" {
				complete++
			}
		}
		prev, seen := r.surv.get(h)
		if !seen || r.p.surv == SurvivorLast || complete > prev.complete {
			r.surv.put(h, survivor{ord: ord, complete: complete})
		}
	}
}

func (r *runner) dedupHash() uint64 {
	h := uint64(hashSeed)
	for _, i := range r.p.dedup {
		h = hashSep(hashAdd(h, r.vals[i]))
	}
	return h
}

func (r *runner) cleanseRow(row []string) {
	for i := range r.p.fields {
		raw := ""
		if c := r.cols[i]; c >= 0 && c < len(row) {
			raw = row[c]
		}
		r.cleanse(i, raw)
	}
}

const (
	fxTrim = 1 << iota
	fxHalf
	fxCase
	fxCodeMap
	fxDate
	fxNumber
	fxBool
	fxDefault
)

// cleanse fixes one cell into r.vals[i], recording its fixes in r.fix[i]
// and a type error in r.bad[i].
func (r *runner) cleanse(i int, v string) {
	f := &r.p.fields[i]
	var fx uint8
	if v != "" && (v[0] <= ' ' || v[0] >= 0x80) && isBlank(v) {
		// White space only is empty, whether or not the field trims;
		// from here on an empty value is "".
		v, fx = "", fxTrim
	}
	if f.Cleanse.Trim {
		if s, ch := collapseSpaces(v); ch {
			v, fx = s, fx|fxTrim
		}
	}
	if f.Cleanse.HalfWidth {
		if s, ch := halfWidth(v); ch {
			v, fx = s, fx|fxHalf
		}
	}
	if u := r.upper[i]; u != 0 {
		if s, ch := caseASCII(v, u > 0); ch {
			v, fx = s, fx|fxCase
		}
	}
	if cm := r.codeMaps[i]; cm != nil {
		if s, ok := cm[v]; ok && s != v {
			v, fx = s, fx|fxCodeMap
		}
	}
	if r.defaults[i] != "" && v == "" {
		v, fx = r.defaults[i], fx|fxDefault
	}
	bad := tdNone
	if v != "" {
		switch f.Type {
		case TypeDate:
			if s, ok := NormalizeDate(v); !ok {
				bad = tdDate
			} else if s != v {
				v, fx = s, fx|fxDate
			}
		case TypeInt, TypeDecimal:
			if sv, ok := canonicalScaled(v, f.Scale); ok {
				r.nums[i] = sv
				break
			}
			n, ok := parseNumber(v)
			if !ok {
				bad = tdNumber
				break
			}
			scaled, ok := n.scaled(f.Scale)
			if !ok {
				bad = tdScale
				if n.frac <= f.Scale {
					bad = tdNumber // too large
				}
				break
			}
			r.nums[i] = scaled
			var buf [32]byte
			b := appendScaled(buf[:0], scaled, f.Scale)
			if string(b) != v {
				v, fx = string(b), fx|fxNumber
			}
		case TypeBool:
			if t, ok := NormalizeBool(v); !ok {
				bad = tdBool
			} else {
				s := "false"
				if t {
					s = "true"
				}
				if s != v {
					v, fx = s, fx|fxBool
				}
			}
		}
	}
	r.vals[i], r.fix[i], r.bad[i] = v, fx, bad
}

// isBlank: white space only counts as empty whether or not the field
// trims.
func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n' {
			if spaceAt(s, i) == 0 {
				return false
			}
		}
	}
	return true
}

// Rows go through in batches. stage cleanses and checks a row up to its
// key-set lookups and computes their hashes; flush then touches every
// batched row's slots before doing the lookups in row order. With a
// million keys each lookup is a cache miss; touching the slots of 64 rows
// back to back lets the processor wait for those misses together instead
// of one after another, which is most of a large run's time otherwise.
const batchSize = 64

type staged struct {
	line   int
	cells  []string
	vals   []string
	nums   []int64
	bad    []uint8
	fix    []uint8
	errs   []rowErr
	hashes []uint64 // per unique field, then per key; 0: nothing to check
	fixed  bool
}

func (r *runner) slot() *staged {
	if r.nb == len(r.batch) {
		n := len(r.p.fields)
		r.batch = append(r.batch, &staged{vals: make([]string, n), nums: make([]int64, n), bad: make([]uint8, n),
			fix: make([]uint8, n), hashes: make([]uint64, len(r.uniqIdx)+len(r.p.keys))})
	}
	return r.batch[r.nb]
}

// use points the runner's per-row slices at a staged row, so cleansing,
// binding and messages read that row.
func (r *runner) use(st *staged) {
	r.vals, r.nums, r.bad, r.fix = st.vals, st.nums, st.bad, st.fix
}

func (r *runner) stage(row []string, line int, ord int32) {
	r.res.Read++
	st := r.slot()
	r.use(st)
	r.cleanseRow(row)
	if r.seen != nil {
		if _, dup := r.seen.getOrPut(r.dedupHash(), struct{}{}); dup {
			r.res.Duplicates++
			return
		}
	} else if r.surv != nil {
		if s, _ := r.surv.get(r.dedupHash()); s.ord != ord {
			r.res.Duplicates++
			return
		}
	}
	r.nb++
	st.line = line
	st.cells = append(st.cells[:0], row...)
	st.fixed = false
	for _, fx := range r.fix {
		if fx != 0 {
			st.fixed = true
			for k := 0; fx != 0; k, fx = k+1, fx>>1 {
				if fx&1 != 0 {
					r.fixCounts[k]++
				}
			}
		}
	}
	r.errs = st.errs[:0]
	p := r.p
	for i := range p.fields {
		f := &p.fields[i]
		v := r.vals[i]
		if r.bad[i] != tdNone {
			r.errs = append(r.errs, rowErr{check: CheckType, field: i, idx: ciType})
			continue
		}
		if v == "" {
			if f.Required {
				r.errs = append(r.errs, rowErr{check: CheckRequired, field: i, idx: ciRequired})
			}
			continue
		}
		if f.MaxLength > 0 && len(v) > f.MaxLength && utf8.RuneCountInString(v) > f.MaxLength {
			r.errs = append(r.errs, rowErr{check: CheckLength, field: i, idx: ciLength})
		}
		if f.re != nil && !f.re.MatchString(v) {
			r.errs = append(r.errs, rowErr{check: CheckPattern, field: i, idx: ciPattern})
		}
		if f.allowed != nil {
			if _, ok := f.allowed[v]; !ok {
				r.errs = append(r.errs, rowErr{check: CheckAllowed, field: i, idx: ciAllowed})
			}
		}
		if set := r.lookups[i]; set != nil && !set.Has(v) {
			r.errs = append(r.errs, rowErr{check: CheckLookup, field: i, idx: ciLookup})
		}
	}
	if len(p.rules) > 0 {
		bound := false
	rules:
		for k := range p.rules {
			rule := &p.rules[k]
			for _, i := range rule.fields {
				if r.bad[i] != tdNone {
					continue rules
				}
			}
			ok := true
			if rule.fast != nil {
				ok = r.fastEval(rule.fast)
			} else {
				if !bound {
					r.bind()
					bound = true
				}
				out, err := r.machine.Run(rule.prog, r.exprEnv)
				if err != nil {
					continue // a value the rule needs is empty: unknown passes
				}
				ok, _ = out.(bool)
			}
			if !ok {
				first := -1
				if len(rule.fields) > 0 {
					first = rule.fields[0]
				}
				r.errs = append(r.errs, rowErr{check: CheckRule, field: first, idx: k})
			}
		}
	}
	st.errs = r.errs
	// Hashes for the key sets; 0 means "nothing to check" (a real 0 is 1).
	for u, i := range r.uniqIdx {
		h := uint64(0)
		if r.bad[i] == tdNone && r.vals[i] != "" {
			h = max(hashString(r.vals[i]), 1)
		}
		st.hashes[u] = h
	}
keys:
	for k := range p.keys {
		st.hashes[len(r.uniqIdx)+k] = 0
		h, empty := uint64(hashSeed), true
		for _, i := range p.keys[k].idx {
			if r.bad[i] != tdNone {
				continue keys
			}
			if r.vals[i] != "" {
				empty = false
			}
			h = hashSep(hashAdd(h, r.vals[i]))
		}
		if !empty {
			st.hashes[len(r.uniqIdx)+k] = max(h, 1)
		}
	}
}

// flush finishes the batched rows: key-set checks in row order, then the
// outcome of each row.
func (r *runner) flush() error {
	if r.nb == 0 {
		return nil
	}
	nu := len(r.uniqIdx)
	if nu+len(r.keyMaps) > 0 {
		var touch uint32
		for _, st := range r.batch[:r.nb] {
			for k, h := range st.hashes {
				if h == 0 {
					continue
				}
				t := r.keyMaps
				var slots []slot[int32]
				if k < nu {
					slots = r.uniq[r.uniqIdx[k]].slots
				} else {
					slots = t[k-nu].slots
				}
				if len(slots) > 0 {
					touch += slots[h&uint64(len(slots)-1)].lo
				}
			}
		}
		r.touched += touch
	}
	for _, st := range r.batch[:r.nb] {
		r.use(st)
		r.errs = st.errs
		l32 := int32(st.line)
		for u, i := range r.uniqIdx {
			if h := st.hashes[u]; h != 0 {
				if prev, dup := r.uniq[i].getOrPut(h, l32); dup {
					r.errs = append(r.errs, rowErr{check: CheckUnique, field: i, idx: ciUnique, other: prev})
				}
			}
		}
		for k := range r.keyMaps {
			if h := st.hashes[nu+k]; h != 0 {
				if prev, dup := r.keyMaps[k].getOrPut(h, l32); dup {
					r.errs = append(r.errs, rowErr{check: CheckKey, field: r.p.keys[k].idx[0], idx: k, other: prev})
				}
			}
		}
		st.errs = r.errs
		if err := r.outcome(st); err != nil {
			return err
		}
	}
	r.nb = 0
	return nil
}

func (r *runner) outcome(st *staged) error {
	p := r.p
	if len(r.errs) > 0 {
		return r.reject(st.cells, st.line)
	}
	if st.fixed {
		r.res.Fixed++
	} else {
		r.res.Clean++
	}
	for i := range p.fields {
		if r.sumOK[i] && r.vals[i] != "" {
			r.sums[i] += r.nums[i]
		}
		if set := r.collect[i]; set != nil && r.vals[i] != "" {
			set.Add(r.vals[i])
		}
	}
	if len(r.sinks.Cleaned) > 0 {
		copy(r.out, r.vals)
		for _, w := range r.sinks.Cleaned {
			if err := w.WriteRow(r.out); err != nil {
				return err
			}
		}
	}
	return nil
}

// fastEval evaluates a plain comparison as expr would: an empty operand
// makes the comparison unknown, which passes (TestFastRulesAgreeWithExpr).
func (r *runner) fastEval(fr *fastRule) bool {
	var ln, rn float64
	var ls, rs string
	lnil, rnil := false, false
	get := func(o *fastOperand) (float64, string, bool) {
		if o.field < 0 {
			return o.num, o.str, false
		}
		v := r.vals[o.field]
		if v == "" {
			return 0, "", true
		}
		if fr.str {
			return 0, v, false
		}
		f := &r.p.fields[o.field]
		if f.Type == TypeInt {
			return float64(r.nums[o.field]), "", false
		}
		return float64(r.nums[o.field]) / float64(pow10[f.Scale]), "", false
	}
	ln, ls, lnil = get(&fr.l)
	rn, rs, rnil = get(&fr.r)
	if lnil || rnil {
		return true // expr, compiled against typed fields, fails on nil: unknown passes
	}
	c := 0
	if fr.str {
		c = strings.Compare(ls, rs)
	} else if ln < rn {
		c = -1
	} else if ln > rn {
		c = 1
	}
	switch fr.op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0
}

// bind puts the row's typed values into the rule environment.
func (r *runner) bind() {
	for i := range r.p.fields {
		f := &r.p.fields[i]
		if !f.inRule {
			continue
		}
		v := r.vals[i]
		if r.bad[i] != tdNone || v == "" {
			r.exprEnv[f.Code] = nil
			continue
		}
		switch f.Type {
		case TypeInt:
			r.exprEnv[f.Code] = int(r.nums[i])
		case TypeDecimal:
			r.exprEnv[f.Code] = float64(r.nums[i]) / float64(pow10[f.Scale])
		case TypeBool:
			r.exprEnv[f.Code] = v == "true"
		default:
			r.exprEnv[f.Code] = v
		}
	}
}

func (r *runner) reject(row []string, line int) error {
	r.res.Rejected++
	p := r.p
	for _, e := range r.errs {
		var id string
		switch e.check {
		case CheckKey:
			r.keyCounts[e.idx]++
			for _, i := range p.keys[e.idx].idx {
				r.res.ByField[p.fields[i].Code]++
			}
			id = r.keyIDs[e.idx]
		case CheckRule:
			r.ruleCounts[e.idx]++
			for _, i := range p.rules[e.idx].fields {
				r.res.ByField[p.fields[i].Code]++
			}
			id = r.ruleIDs2[e.idx]
		default:
			r.fieldChecks[e.field][e.idx]++
			r.res.ByField[p.fields[e.field].Code]++
			id = r.ruleIDs[e.field][e.idx]
		}
		if len(r.res.Samples[id]) < r.env.MaxSamples {
			r.res.Samples[id] = append(r.res.Samples[id], r.rowError(e, id, line))
		}
	}
	if r.sinks.Errors == nil {
		return nil
	}
	if r.reportRows >= MaxReportRows {
		r.res.ReportTruncated = true
		return nil
	}
	r.reportRows++
	r.badCols = r.badCols[:0]
	mark := func(i int) {
		if c := r.cols[i]; c >= 0 && !slices.Contains(r.badCols, c) {
			r.badCols = append(r.badCols, c)
		}
	}
	r.msg = r.msg[:0]
	for k, e := range r.errs {
		switch e.check {
		case CheckKey:
			for _, i := range p.keys[e.idx].idx {
				mark(i)
			}
		case CheckRule:
			for _, i := range p.rules[e.idx].fields {
				mark(i)
			}
		default:
			mark(e.field)
		}
		if k > 0 {
			r.msg = append(r.msg, "；"...)
		}
		r.msg = append(r.msg, r.message(e, i18n.ZH)...)
	}
	r.cells = append(r.cells[:0], row...)
	for len(r.cells) < len(r.header) {
		r.cells = append(r.cells, "")
	}
	return r.sinks.Errors.WriteRow(RejectedRow{Line: line, Cells: r.cells, Bad: r.badCols, Message: string(r.msg)})
}

func (r *runner) rowError(e rowErr, id string, line int) RowError {
	re := RowError{Line: line, Rule: id, Check: e.check, Message: r.message(e, i18n.ZH), MessageEN: r.message(e, i18n.EN)}
	if e.field >= 0 {
		re.Field = r.p.fields[e.field].Code
		re.Value = r.vals[e.field]
		if c := r.cols[e.field]; c >= 0 && c < len(r.header) {
			re.Column = r.header[c]
		}
	}
	if e.check == CheckKey {
		re.Value = r.keyValue(e.idx)
	}
	return re
}

func (r *runner) keyValue(k int) string {
	var parts []string
	for _, i := range r.p.keys[k].idx {
		parts = append(parts, r.vals[i])
	}
	return strings.Join(parts, " / ")
}

// message words one failed check. It runs for rejected rows only, so it
// may allocate.
func (r *runner) message(e rowErr, lang i18n.Lang) string {
	p := r.p
	if e.check == CheckRule {
		rule := p.rules[e.idx]
		if lang == i18n.EN && rule.MessageEN != "" {
			return rule.MessageEN
		}
		return rule.Message
	}
	if e.check == CheckKey {
		var labels []string
		for _, i := range p.keys[e.idx].idx {
			labels = append(labels, p.fields[i].Label)
		}
		return i18n.T(lang, "dataengine.check.key", strings.Join(labels, "+"), r.keyValue(e.idx), e.other)
	}
	f := &p.fields[e.field]
	v := r.vals[e.field]
	switch e.check {
	case CheckRequired:
		return i18n.T(lang, "dataengine.check.required", f.Label)
	case CheckType:
		switch r.bad[e.field] {
		case tdScale:
			return i18n.T(lang, "dataengine.check.type_scale", f.Label, v, f.Scale)
		case tdDate:
			return i18n.T(lang, "dataengine.check.type_date", f.Label, v)
		case tdBool:
			return i18n.T(lang, "dataengine.check.type_bool", f.Label, v)
		}
		if f.Type == TypeInt {
			return i18n.T(lang, "dataengine.check.type_int", f.Label, v)
		}
		return i18n.T(lang, "dataengine.check.type_decimal", f.Label, v)
	case CheckLength:
		return i18n.T(lang, "dataengine.check.max_length", f.Label, utf8.RuneCountInString(v), f.MaxLength)
	case CheckPattern:
		return i18n.T(lang, "dataengine.check.pattern", f.Label, v, f.Pattern)
	case CheckAllowed:
		return i18n.T(lang, "dataengine.check.allowed", f.Label, v, allowedList(f.Allowed))
	case CheckLookup:
		return i18n.T(lang, "dataengine.check.lookup", f.Label, v, f.Lookup.SetName())
	case CheckUnique:
		return i18n.T(lang, "dataengine.check.unique", f.Label, v, e.other)
	}
	return string(e.check)
}

func allowedList(a []string) string {
	if len(a) > 10 {
		return strings.Join(a[:10], "、") + "…"
	}
	return strings.Join(a, "、")
}

func (r *runner) finish() (*Result, error) {
	res := r.res
	for k, fk := range FixKinds {
		if r.fixCounts[k] > 0 {
			res.Fixes[fk] = r.fixCounts[k]
		}
	}
	for i := range r.p.fields {
		for c := range nChecks {
			if n := r.fieldChecks[i][c]; n > 0 {
				res.ByRule[r.ruleIDs[i][c]] = n
			}
		}
		if r.sumOK[i] {
			res.Sums[r.p.fields[i].Code] = string(appendScaled(nil, r.sums[i], r.p.fields[i].Scale))
		}
	}
	for k, n := range r.keyCounts {
		if n > 0 {
			res.ByRule["key."+r.p.keys[k].Name] = n
		}
	}
	for k, n := range r.ruleCounts {
		if n > 0 {
			res.ByRule["rule."+r.p.rules[k].Name] = n
		}
	}
	if kept := res.Read - res.Duplicates; kept > 0 {
		res.Score = float64((res.Clean+res.Fixed)*1000/kept) / 10
	}
	var first error
	for _, w := range r.sinks.Cleaned {
		if err := w.Close(); err != nil && first == nil {
			first = err
		}
	}
	if r.sinks.Errors != nil {
		if err := r.sinks.Errors.Close(); err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		return nil, first
	}
	return res, nil
}
