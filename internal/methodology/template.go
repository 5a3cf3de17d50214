package methodology

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/validate"
)

// Text is a template string in both catalog languages. English may be
// left empty; the Chinese text is then used for English-speaking projects.
type Text struct {
	ZH string `json:"zh" maxLength:"200"`
	EN string `json:"en" maxLength:"200"`
}

// In returns the text for a language tag ("zh-CN", "en").
func (t Text) In(lang string) string {
	if strings.HasPrefix(lang, "en") && strings.TrimSpace(t.EN) != "" {
		return t.EN
	}
	return t.ZH
}

// Body is a template's content (实施标准手册): the data a project plan is
// generated from. It is stored as JSON in templates.body.
type Body struct {
	// Modules are the product modules a project may select; tasks marked
	// per_module are generated once per selected module.
	Modules    []TplModule    `json:"modules"`
	Phases     []TplPhase     `json:"phases"`
	Milestones []TplMilestone `json:"milestones"`
	RACI       []TplRACI      `json:"raci"`
}

// TplModule is a product module (财务, 采购, 生产 …).
type TplModule struct {
	Key  string `json:"key" maxLength:"40"`
	Name Text   `json:"name"`
}

// TplPhase is one phase of the lifecycle. Days is its relative duration in
// working days; when a project gives a go-live date, durations are scaled
// so that the go-live phase (GoLive, or else the last phase) ends on it.
type TplPhase struct {
	Key          string           `json:"key" maxLength:"40"`
	Name         Text             `json:"name"`
	Days         int              `json:"days"`
	GoLive       bool             `json:"golive"`
	Gate         []Text           `json:"gate"`
	Deliverables []TplDeliverable `json:"deliverables"`
	Tasks        []TplTask        `json:"tasks"`
}

// TplDeliverable is a standard deliverable of a phase.
type TplDeliverable struct {
	Key             string `json:"key" maxLength:"40"`
	Name            Text   `json:"name"`
	CustomerVisible bool   `json:"customer_visible"`
}

// TplTask is a default task: it starts Offset working days into its phase
// and lasts Days working days; Deps name tasks (of this or an earlier
// phase) that must finish first.
type TplTask struct {
	Key             string   `json:"key" maxLength:"40"`
	Name            Text     `json:"name"`
	Offset          int      `json:"offset"`
	Days            int      `json:"days"`
	Deps            []string `json:"deps"`
	PerModule       bool     `json:"per_module"`
	CustomerVisible bool     `json:"customer_visible"`
}

// TplMilestone falls at the start or the end of a phase.
type TplMilestone struct {
	Key   string `json:"key" maxLength:"40"`
	Name  Text   `json:"name"`
	Phase string `json:"phase"`
	At    string `json:"at" enum:"start,end"`
}

// TplRACI is a default row of the responsibility matrix; Cells maps a
// party ("role:pm", "role:customer_pm" …) to R, A, C or I.
type TplRACI struct {
	Activity Text              `json:"activity"`
	Cells    map[string]string `json:"cells"`
}

// Limits keep a template something a person can read and a plan something
// the Gantt can draw.
const (
	maxPhases       = 30
	maxTasksTotal   = 2000
	maxItemsPerList = 200
	maxDays         = 2000
	maxKeyLen       = 40
)

// RACIRoles are the parties a template's RACI rows may name, in column
// order: the project roles of both sides.
var RACIRoles = []access.Role{access.RolePM, access.RoleConsultant, access.RoleDeveloper, access.RoleFinance,
	access.RoleCustomerPM, access.RoleKeyUser, access.RoleExecutive}

// Problem is one thing wrong with a template body, located by its
// position so that the message can say "阶段 3 的任务 2：…". Section is the
// body member it belongs to (modules, phases, milestones, raci).
type Problem struct {
	Section string
	Key     string // catalog key; its first arguments are the positions
	Args    []any
	// Where the editor highlights it: the phase (1-based, 0 none), the
	// kind of row and its 1-based index within the phase or section.
	Phase int
	Row   string
	Index int
}

func (p Problem) String() string { return fmt.Sprint(p.Key, p.Args) }

// Err turns problems into an invalid-input error: one message per body
// section (the first problem found there), each naming its position.
func problemsErr(probs []Problem) error {
	if len(probs) == 0 {
		return nil
	}
	var f apperr.Fields
	for _, p := range probs {
		f.Add(p.Section, p.Key, p.Args...)
	}
	return f.Err()
}

// keyOK: keys are short identifiers people type in the editor.
func keyOK(k string) bool {
	if k == "" || len(k) > maxKeyLen {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func textOK(s string, required bool) bool {
	t := strings.TrimSpace(s)
	if t == "" {
		return !required
	}
	if !utf8.ValidString(t) || utf8.RuneCountInString(t) > 200 || strings.ContainsAny(t, "\r\n\t") {
		return false
	}
	for _, r := range t {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// Normalize trims every text and key in place (forms and API bodies alike).
func (b *Body) Normalize() {
	tt := func(t *Text) { t.ZH, t.EN = strings.TrimSpace(t.ZH), strings.TrimSpace(t.EN) }
	for i := range b.Modules {
		b.Modules[i].Key = strings.TrimSpace(b.Modules[i].Key)
		tt(&b.Modules[i].Name)
	}
	for i := range b.Phases {
		ph := &b.Phases[i]
		ph.Key = strings.TrimSpace(ph.Key)
		tt(&ph.Name)
		for j := range ph.Gate {
			tt(&ph.Gate[j])
		}
		for j := range ph.Deliverables {
			ph.Deliverables[j].Key = strings.TrimSpace(ph.Deliverables[j].Key)
			tt(&ph.Deliverables[j].Name)
		}
		for j := range ph.Tasks {
			t := &ph.Tasks[j]
			t.Key = strings.TrimSpace(t.Key)
			tt(&t.Name)
			deps := t.Deps[:0]
			for _, d := range t.Deps {
				if d = strings.TrimSpace(d); d != "" {
					deps = append(deps, d)
				}
			}
			t.Deps = deps
		}
	}
	for i := range b.Milestones {
		m := &b.Milestones[i]
		m.Key, m.Phase, m.At = strings.TrimSpace(m.Key), strings.TrimSpace(m.Phase), strings.TrimSpace(m.At)
		tt(&m.Name)
	}
	for i := range b.RACI {
		tt(&b.RACI[i].Activity)
		for k, v := range b.RACI[i].Cells {
			v = strings.ToUpper(strings.TrimSpace(v))
			if v == "" {
				delete(b.RACI[i].Cells, k)
				continue
			}
			b.RACI[i].Cells[k] = v
		}
	}
}

// Validate checks a body and returns every problem found, in document
// order. A body without problems can always be turned into a plan.
func (b *Body) Validate() []Problem {
	var out []Problem
	add := func(p Problem) { out = append(out, p) }

	if len(b.Modules) > maxItemsPerList {
		add(Problem{Section: "modules", Key: "meth.tpl.too_many", Args: []any{maxItemsPerList}})
	}
	modSeen := map[string]bool{}
	for i, m := range b.Modules {
		switch {
		case !keyOK(m.Key):
			add(Problem{Section: "modules", Key: "meth.tpl.module_key", Args: []any{i + 1}, Row: "module", Index: i + 1})
		case modSeen[m.Key]:
			add(Problem{Section: "modules", Key: "meth.tpl.module_dup", Args: []any{i + 1, m.Key}, Row: "module", Index: i + 1})
		case !textOK(m.Name.ZH, true) || !textOK(m.Name.EN, false):
			add(Problem{Section: "modules", Key: "meth.tpl.module_name", Args: []any{i + 1}, Row: "module", Index: i + 1})
		}
		modSeen[m.Key] = true
	}

	if len(b.Phases) == 0 {
		add(Problem{Section: "phases", Key: "meth.tpl.no_phases"})
	}
	if len(b.Phases) > maxPhases {
		add(Problem{Section: "phases", Key: "meth.tpl.too_many", Args: []any{maxPhases}})
	}
	phaseIdx := map[string]int{}
	taskPhase := map[string]int{} // task key -> phase index
	total, golive := 0, 0
	for i, ph := range b.Phases {
		n := i + 1
		switch {
		case !keyOK(ph.Key):
			add(Problem{Section: "phases", Key: "meth.tpl.phase_key", Args: []any{n}, Phase: n})
		case phaseIdx[ph.Key] != 0:
			add(Problem{Section: "phases", Key: "meth.tpl.phase_dup", Args: []any{n, ph.Key}, Phase: n})
		}
		if ph.Key != "" && phaseIdx[ph.Key] == 0 {
			phaseIdx[ph.Key] = n
		}
		if !textOK(ph.Name.ZH, true) || !textOK(ph.Name.EN, false) {
			add(Problem{Section: "phases", Key: "meth.tpl.phase_name", Args: []any{n}, Phase: n})
		}
		if ph.Days < 1 || ph.Days > maxDays {
			add(Problem{Section: "phases", Key: "meth.tpl.phase_days", Args: []any{n, maxDays}, Phase: n})
		}
		if ph.GoLive {
			golive++
			if golive == 2 {
				add(Problem{Section: "phases", Key: "meth.tpl.golive_twice", Args: []any{n}, Phase: n})
			}
		}
		if len(ph.Gate) > maxItemsPerList || len(ph.Deliverables) > maxItemsPerList {
			add(Problem{Section: "phases", Key: "meth.tpl.phase_too_many", Args: []any{n, maxItemsPerList}, Phase: n})
		}
		for j, g := range ph.Gate {
			if !textOK(g.ZH, true) || !textOK(g.EN, false) {
				add(Problem{Section: "phases", Key: "meth.tpl.gate_text", Args: []any{n, j + 1}, Phase: n, Row: "gate", Index: j + 1})
			}
		}
		dSeen := map[string]bool{}
		for j, d := range ph.Deliverables {
			switch {
			case !keyOK(d.Key):
				add(Problem{Section: "phases", Key: "meth.tpl.deliverable_key", Args: []any{n, j + 1}, Phase: n, Row: "deliverable", Index: j + 1})
			case dSeen[d.Key]:
				add(Problem{Section: "phases", Key: "meth.tpl.deliverable_dup", Args: []any{n, j + 1, d.Key}, Phase: n, Row: "deliverable", Index: j + 1})
			case !textOK(d.Name.ZH, true) || !textOK(d.Name.EN, false):
				add(Problem{Section: "phases", Key: "meth.tpl.deliverable_name", Args: []any{n, j + 1}, Phase: n, Row: "deliverable", Index: j + 1})
			}
			dSeen[d.Key] = true
		}
		for j, t := range ph.Tasks {
			total++
			at := func(key string, args ...any) Problem {
				return Problem{Section: "phases", Key: key, Args: append([]any{n, j + 1}, args...), Phase: n, Row: "task", Index: j + 1}
			}
			switch {
			case !keyOK(t.Key):
				add(at("meth.tpl.task_key"))
			case taskPhase[t.Key] != 0:
				add(at("meth.tpl.task_dup", t.Key))
			default:
				taskPhase[t.Key] = n
			}
			if !textOK(t.Name.ZH, true) || !textOK(t.Name.EN, false) {
				add(at("meth.tpl.task_name"))
			}
			if t.Days < 1 || t.Days > maxDays {
				add(at("meth.tpl.task_days", maxDays))
			} else if t.Offset < 0 {
				add(at("meth.tpl.task_offset"))
			} else if ph.Days >= 1 && t.Offset+t.Days > ph.Days {
				add(at("meth.tpl.task_outside", t.Offset, t.Days, ph.Days))
			}
			if len(t.Deps) > 50 {
				add(at("meth.tpl.too_many_deps", 50))
			}
		}
	}
	if total > maxTasksTotal {
		add(Problem{Section: "phases", Key: "meth.tpl.too_many_tasks", Args: []any{maxTasksTotal}})
	}
	// Dependencies, once every task key is known.
	for i, ph := range b.Phases {
		for j, t := range ph.Tasks {
			seen := map[string]bool{}
			for _, d := range t.Deps {
				at := Problem{Section: "phases", Args: []any{i + 1, j + 1, d}, Phase: i + 1, Row: "task", Index: j + 1}
				switch {
				case d == t.Key:
					at.Key = "meth.tpl.dep_self"
				case taskPhase[d] == 0:
					at.Key = "meth.tpl.dep_unknown"
				case taskPhase[d] > i+1:
					at.Key = "meth.tpl.dep_later"
				case seen[d]:
					at.Key = "meth.tpl.dep_dup"
				}
				seen[d] = true
				if at.Key != "" {
					add(at)
				}
			}
		}
	}
	if cycle := b.depCycle(); len(cycle) > 0 {
		add(Problem{Section: "phases", Key: "meth.tpl.dep_cycle", Args: []any{strings.Join(cycle, " → ")}})
	}

	if len(b.Milestones) > maxItemsPerList {
		add(Problem{Section: "milestones", Key: "meth.tpl.too_many", Args: []any{maxItemsPerList}})
	}
	mSeen := map[string]bool{}
	for i, m := range b.Milestones {
		n := i + 1
		switch {
		case !keyOK(m.Key):
			add(Problem{Section: "milestones", Key: "meth.tpl.milestone_key", Args: []any{n}, Row: "milestone", Index: n})
		case mSeen[m.Key]:
			add(Problem{Section: "milestones", Key: "meth.tpl.milestone_dup", Args: []any{n, m.Key}, Row: "milestone", Index: n})
		case !textOK(m.Name.ZH, true) || !textOK(m.Name.EN, false):
			add(Problem{Section: "milestones", Key: "meth.tpl.milestone_name", Args: []any{n}, Row: "milestone", Index: n})
		case phaseIdx[m.Phase] == 0:
			add(Problem{Section: "milestones", Key: "meth.tpl.milestone_phase", Args: []any{n, m.Phase}, Row: "milestone", Index: n})
		case m.At != "start" && m.At != "end":
			add(Problem{Section: "milestones", Key: "meth.tpl.milestone_at", Args: []any{n}, Row: "milestone", Index: n})
		}
		mSeen[m.Key] = true
	}

	if len(b.RACI) > maxItemsPerList {
		add(Problem{Section: "raci", Key: "meth.tpl.too_many", Args: []any{maxItemsPerList}})
	}
	for i, r := range b.RACI {
		n := i + 1
		if !textOK(r.Activity.ZH, true) || !textOK(r.Activity.EN, false) {
			add(Problem{Section: "raci", Key: "meth.tpl.raci_activity", Args: []any{n}, Row: "raci", Index: n})
			continue
		}
		as := 0
		bad := ""
		for party, letter := range r.Cells {
			if !templateParty(party) {
				bad = party
			}
			switch letter {
			case "A":
				as++
			case "R", "C", "I":
			default:
				bad = party + "=" + letter
			}
		}
		switch {
		case bad != "":
			add(Problem{Section: "raci", Key: "meth.tpl.raci_cell", Args: []any{n, bad}, Row: "raci", Index: n})
		case as != 1:
			add(Problem{Section: "raci", Key: "meth.raci.one_a", Args: []any{r.Activity.ZH, as}, Row: "raci", Index: n})
		}
	}
	return out
}

func templateParty(p string) bool {
	r, ok := strings.CutPrefix(p, "role:")
	return ok && slices.Contains(RACIRoles, access.Role(r))
}

// depCycle returns the task keys of one dependency cycle, first key
// repeated at the end, or nil. Unknown keys are ignored (reported apart).
func (b *Body) depCycle() []string {
	deps := map[string][]string{}
	var order []string
	for _, ph := range b.Phases {
		for _, t := range ph.Tasks {
			if _, dup := deps[t.Key]; !dup {
				order = append(order, t.Key)
			}
			deps[t.Key] = append(deps[t.Key], t.Deps...)
		}
	}
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var found []string
	var visit func(k string) bool
	visit = func(k string) bool {
		color[k] = grey
		stack = append(stack, k)
		for _, d := range deps[k] {
			if _, known := deps[d]; !known {
				continue
			}
			switch color[d] {
			case grey:
				i := slices.Index(stack, d)
				found = append(append([]string{}, stack[i:]...), d)
				return true
			case white:
				if visit(d) {
					return true
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[k] = black
		return false
	}
	for _, k := range order {
		if color[k] == white && visit(k) {
			// Present the cycle in dependency order: a task, then what it waits for.
			slices.Reverse(found)
			return found
		}
	}
	return nil
}

// ParseBody decodes stored or posted JSON strictly.
func ParseBody(s string) (Body, error) {
	var b Body
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return Body{}, apperr.InvalidField("body", "meth.tpl.body_json")
	}
	return b, nil
}

// JSON is the canonical stored form of a body.
func (b Body) JSON() string {
	out, _ := json.Marshal(b)
	return string(out)
}

// TemplateInput creates or edits a template.
type TemplateInput struct {
	Name        string `json:"name" maxLength:"100"`
	Description string `json:"description" maxLength:"2000"`
	Body        Body   `json:"body"`
	Version     int64  `json:"version"` // required for updates
}

// Validate checks the header fields and the body; the body's problems are
// returned too so that the editor can list them all.
func (in *TemplateInput) Validate(update bool) ([]Problem, error) {
	var f apperr.Fields
	validate.Line(&f, "name", &in.Name, 1, 100)
	validate.Text(&f, "description", &in.Description, 0, 2000)
	if update && in.Version <= 0 {
		f.Add("version", "validate.required")
	}
	in.Body.Normalize()
	probs := in.Body.Validate()
	for _, p := range probs {
		f.Add(p.Section, p.Key, p.Args...)
	}
	return probs, f.Err()
}

// Template is a stored template as returned to a caller.
type Template struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Builtin     bool   `json:"builtin"`
	Body        Body   `json:"body"`
	PhaseCount  int    `json:"phase_count"`
	TaskCount   int    `json:"task_count"`
	CreatedMS   int64  `json:"created_ms"`
	UpdatedMS   int64  `json:"updated_ms"`
	Version     int64  `json:"version"`
}

func (t *Template) count() {
	t.PhaseCount, t.TaskCount = len(t.Body.Phases), 0
	for _, ph := range t.Body.Phases {
		t.TaskCount += len(ph.Tasks)
	}
}
