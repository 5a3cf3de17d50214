package work

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golive/internal/apperr"
	"golive/internal/validate"
)

// Status categories, which are also the keys of the default statuses.
const (
	CatTodo      = "todo"
	CatDoing     = "doing"
	CatReview    = "review"
	CatDone      = "done"
	CatCancelled = "cancelled"
)

// Categories lists the status categories in workflow order.
var Categories = []string{CatTodo, CatDoing, CatReview, CatDone, CatCancelled}

// Priorities of a task, lowest first.
var Priorities = []string{"low", "normal", "high", "urgent"}

// DepTypes are the dependency types: finish-to-start, start-to-start,
// finish-to-finish, start-to-finish.
var DepTypes = []string{"FS", "SS", "FF", "SF"}

// Limits of one task's lists.
const (
	maxLabels    = 10
	maxLabelLen  = 30
	maxChecklist = 100
	maxPeople    = 20
	maxMinutes   = 100000 * 60 // 100,000 hours
	maxWIP       = 999
	maxDepth     = 12 // WBS levels
)

// Status is one column of a project's workflow.
type Status struct {
	ID        int64  `json:"id"`
	ProjectID int64  `json:"project_id"`
	Key       string `json:"key"`
	Name      string `json:"name"` // as shown to the caller
	Custom    string `json:"-"`    // the stored name; "" = the catalog's
	Category  string `json:"category" enum:"todo,doing,review,done,cancelled"`
	Seq       int    `json:"seq"`
	WIPLimit  int    `json:"wip_limit"`
	Version   int64  `json:"version"`
}

// Label returns the status name in a language (t translates a key).
func (s Status) Label(t func(string) string) string {
	if s.Custom != "" {
		return s.Custom
	}
	return t("work.status." + s.Key)
}

// StatusInput edits one status: its name (empty: back to the default
// name) and WIP limit.
type StatusInput struct {
	Name     string `json:"name" maxLength:"30"`
	WIPLimit int    `json:"wip_limit" minimum:"0" maximum:"999"`
	Version  int64  `json:"version"`
}

func (in *StatusInput) Validate() error {
	var f apperr.Fields
	validate.Line(&f, "name", &in.Name, 0, 30)
	if in.WIPLimit < 0 || in.WIPLimit > maxWIP {
		f.Add("wip_limit", "work.wip_range", maxWIP)
	}
	if in.Version <= 0 {
		f.Add("version", "validate.required")
	}
	return f.Err()
}

// Person is a user as a task shows them.
type Person struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// ChecklistItem is one line of a task's checklist.
type ChecklistItem struct {
	ID   int64  `json:"id"`
	Text string `json:"text"`
	Done bool   `json:"done"`
}

// ChecklistInput is a checklist line as sent.
type ChecklistInput struct {
	Text string `json:"text" maxLength:"200"`
	Done bool   `json:"done"`
}

// Task as returned to a caller.
type Task struct {
	ID              int64           `json:"id"`
	ProjectID       int64           `json:"project_id"`
	Number          int64           `json:"number"`
	ParentID        *int64          `json:"parent_id"`
	Title           string          `json:"title"`
	Description     string          `json:"description"`
	Status          string          `json:"status"`
	Rank            float64         `json:"rank"`
	Priority        string          `json:"priority" enum:"low,normal,high,urgent"`
	StartDate       string          `json:"start_date" format:"date"`
	DueDate         string          `json:"due_date" format:"date"`
	DurationDays    int             `json:"duration_days"`
	Milestone       bool            `json:"milestone"`
	EstimateMin     int64           `json:"estimate_min"`
	RemainingMin    int64           `json:"remaining_min"`
	Progress        int             `json:"progress"`
	PhaseID         *int64          `json:"phase_id"`
	PhaseName       string          `json:"phase_name,omitempty"`
	IterationID     *int64          `json:"iteration_id"`
	IterationName   string          `json:"iteration_name,omitempty"`
	Labels          []string        `json:"labels"`
	CustomerVisible bool            `json:"customer_visible"`
	Assignees       []Person        `json:"assignees"`
	Watchers        []Person        `json:"watchers"`
	Checklist       []ChecklistItem `json:"checklist"`
	CreatedBy       *int64          `json:"created_by"`
	CreatedMS       int64           `json:"created_ms"`
	UpdatedMS       int64           `json:"updated_ms"`
	DoneMS          *int64          `json:"done_ms"`
	DeletedMS       *int64          `json:"deleted_ms,omitempty"`
	Version         int64           `json:"version"`
}

// Ref is "#12 标题", how messages name a task.
func (t Task) Ref() string { return "#" + strconv.FormatInt(t.Number, 10) + " " + t.Title }

// auditView is what the audit log stores of a task.
func (t Task) auditView() map[string]any {
	names := func(ps []Person) string {
		s := make([]string, len(ps))
		for i, p := range ps {
			s[i] = p.Name
		}
		return strings.Join(s, ", ")
	}
	done := 0
	for _, c := range t.Checklist {
		if c.Done {
			done++
		}
	}
	m := map[string]any{
		"number": t.Number, "title": t.Title, "description": t.Description, "status": t.Status, "priority": t.Priority,
		"start_date": t.StartDate, "due_date": t.DueDate, "estimate_min": t.EstimateMin, "remaining_min": t.RemainingMin,
		"labels": strings.Join(t.Labels, ", "), "customer_visible": t.CustomerVisible,
		"assignees": names(t.Assignees), "watchers": names(t.Watchers),
		"checklist": strconv.Itoa(done) + "/" + strconv.Itoa(len(t.Checklist)), "version": t.Version,
	}
	if t.ParentID != nil {
		m["parent_id"] = *t.ParentID
	}
	if t.PhaseID != nil {
		m["phase_id"] = *t.PhaseID
	}
	if t.IterationID != nil {
		m["iteration_id"] = *t.IterationID
	}
	return m
}

// Input creates or edits a task. In the API, effort is in minutes; forms
// enter hours ("1.5"), set with SetHours. Nil ids mean "none".
type Input struct {
	ParentID        *int64           `json:"parent_id"`
	Title           string           `json:"title" maxLength:"200"`
	Description     string           `json:"description" maxLength:"20000"`
	Status          string           `json:"status"`
	Priority        string           `json:"priority" enum:"low,normal,high,urgent"`
	StartDate       string           `json:"start_date" format:"date"`
	DueDate         string           `json:"due_date" format:"date"`
	EstimateMin     int64            `json:"estimate_min" minimum:"0"`
	RemainingMin    int64            `json:"remaining_min" minimum:"0"`
	PhaseID         *int64           `json:"phase_id"`
	IterationID     *int64           `json:"iteration_id"`
	Labels          []string         `json:"labels"`
	CustomerVisible bool             `json:"customer_visible"`
	AssigneeIDs     []int64          `json:"assignee_ids"`
	WatcherIDs      []int64          `json:"watcher_ids"`
	Checklist       []ChecklistInput `json:"checklist"`
	Version         int64            `json:"version"` // required for updates
	estimateText    string
	remainingText   string
	hoursSet        bool
}

// SetHours records effort typed in hours on a form.
func (in *Input) SetHours(estimate, remaining string) {
	in.estimateText, in.remainingText, in.hoursSet = estimate, remaining, true
}

// Validate normalises and checks what does not need the database.
func (in *Input) Validate() error {
	var f apperr.Fields
	in.check(&f)
	return f.Err()
}

// ValidateUpdate is Validate plus the version an edit must carry.
func (in *Input) ValidateUpdate() error {
	var f apperr.Fields
	in.check(&f)
	if in.Version <= 0 {
		f.Add("version", "validate.required")
	}
	return f.Err()
}

func (in *Input) check(f *apperr.Fields) {
	validate.Line(f, "title", &in.Title, 1, 200)
	validate.Text(f, "description", &in.Description, 0, 20000)
	in.Status = strings.TrimSpace(in.Status)
	if in.Priority == "" {
		in.Priority = "normal"
	}
	validate.Enum(f, "priority", in.Priority, Priorities...)
	validate.Date(f, "start_date", &in.StartDate, false)
	validate.Date(f, "due_date", &in.DueDate, false)
	if !f.Has("start_date") && !f.Has("due_date") && in.StartDate != "" && in.DueDate != "" && in.DueDate < in.StartDate {
		f.Add("due_date", "work.due_before_start")
	}
	if in.hoursSet {
		in.EstimateMin = parseHours(f, "estimate_hours", in.estimateText)
		in.RemainingMin = parseHours(f, "remaining_hours", in.remainingText)
	}
	for field, v := range map[string]int64{"estimate_min": in.EstimateMin, "remaining_min": in.RemainingMin} {
		if v < 0 {
			f.Add(field, "validate.not_negative")
		} else if v > maxMinutes {
			f.Add(field, "work.effort_too_large")
		}
	}
	for _, id := range []struct {
		field string
		v     *int64
	}{{"parent_id", in.ParentID}, {"phase_id", in.PhaseID}, {"iteration_id", in.IterationID}} {
		if id.v != nil && *id.v <= 0 {
			f.Add(id.field, "validate.not_found")
		}
	}
	in.Labels = normLabels(f, in.Labels)
	in.AssigneeIDs = normIDs(f, "assignee_ids", in.AssigneeIDs)
	in.WatcherIDs = normIDs(f, "watcher_ids", in.WatcherIDs)
	if len(in.Checklist) > maxChecklist {
		f.Add("checklist", "work.too_many", maxChecklist)
	}
	for i := range in.Checklist {
		validate.Line(f, "checklist", &in.Checklist[i].Text, 1, 200)
	}
}

// parseHours reads "1.5" (hours, at most two decimals) as 90 minutes.
func parseHours(f *apperr.Fields, field, s string) int64 {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	if s == "" {
		return 0
	}
	if whole, frac, ok := strings.Cut(s, "."); ok && (len(frac) > 2 || whole == "" && frac == "") {
		f.Add(field, "work.hours_invalid")
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || strings.ContainsAny(s, "eExXpP_+") {
		f.Add(field, "work.hours_invalid")
		return 0
	}
	if v < 0 {
		f.Add(field, "validate.not_negative")
		return 0
	}
	if v*60 > maxMinutes {
		f.Add(field, "work.effort_too_large")
		return 0
	}
	return int64(math.Round(v * 60))
}

// FormatHours shows minutes as hours for a form: 90 → "1.5".
func FormatHours(min int64) string {
	if min == 0 {
		return ""
	}
	return strconv.FormatFloat(float64(min)/60, 'f', -1, 64)
}

func normLabels(f *apperr.Fields, in []string) []string {
	out := []string{}
	for _, l := range in {
		l = strings.TrimSpace(l)
		if l == "" || slices.Contains(out, l) {
			continue
		}
		if strings.ContainsAny(l, ",\r\n\t") {
			f.Add("labels", "work.label_chars")
			continue
		}
		if utf8.RuneCountInString(l) > maxLabelLen || !utf8.ValidString(l) {
			f.Add("labels", "work.label_too_long", maxLabelLen)
			continue
		}
		out = append(out, l)
	}
	if len(out) > maxLabels {
		f.Add("labels", "work.too_many", maxLabels)
	}
	return out
}

// SplitLabels reads the comma-separated labels of a form (full-width
// commas included, as typed with a Chinese input method).
func SplitLabels(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' })
}

func normIDs(f *apperr.Fields, field string, in []int64) []int64 {
	out := []int64{}
	for _, id := range in {
		if id <= 0 {
			f.Add(field, "validate.not_found")
			continue
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if len(out) > maxPeople {
		f.Add(field, "work.too_many", maxPeople)
	}
	slices.Sort(out)
	return out
}

// ParseChecklist reads a form's checklist: one item per line, "[x] " in
// front of a done item.
func ParseChecklist(s string) []ChecklistInput {
	var out []ChecklistInput
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		item := ChecklistInput{Text: line}
		for _, p := range []string{"[x]", "[X]", "[ ]", "[]"} {
			if rest, ok := strings.CutPrefix(line, p); ok {
				item = ChecklistInput{Text: strings.TrimSpace(rest), Done: p == "[x]" || p == "[X]"}
				break
			}
		}
		out = append(out, item)
	}
	return out
}

// FormatChecklist is ParseChecklist's inverse, for the edit form.
func FormatChecklist(items []ChecklistItem) string {
	var b strings.Builder
	for _, it := range items {
		if it.Done {
			b.WriteString("[x] ")
		}
		b.WriteString(it.Text)
		b.WriteString("\n")
	}
	return b.String()
}

// Patch is a partial update through the API: members left out keep their
// value. For parent_id, phase_id and iteration_id, 0 clears the link.
type Patch struct {
	ParentID        *int64            `json:"parent_id"`
	Title           *string           `json:"title"`
	Description     *string           `json:"description"`
	Status          *string           `json:"status"`
	Priority        *string           `json:"priority" enum:"low,normal,high,urgent"`
	StartDate       *string           `json:"start_date" format:"date"`
	DueDate         *string           `json:"due_date" format:"date"`
	EstimateMin     *int64            `json:"estimate_min"`
	RemainingMin    *int64            `json:"remaining_min"`
	PhaseID         *int64            `json:"phase_id"`
	IterationID     *int64            `json:"iteration_id"`
	Labels          *[]string         `json:"labels"`
	CustomerVisible *bool             `json:"customer_visible"`
	AssigneeIDs     *[]int64          `json:"assignee_ids"`
	WatcherIDs      *[]int64          `json:"watcher_ids"`
	Checklist       *[]ChecklistInput `json:"checklist"`
	Version         int64             `json:"version"`
}

// InputOf is the input that would save t unchanged.
func InputOf(t Task) Input {
	in := Input{ParentID: t.ParentID, Title: t.Title, Description: t.Description, Status: t.Status, Priority: t.Priority,
		StartDate: t.StartDate, DueDate: t.DueDate, EstimateMin: t.EstimateMin, RemainingMin: t.RemainingMin,
		PhaseID: t.PhaseID, IterationID: t.IterationID, Labels: slices.Clone(t.Labels), CustomerVisible: t.CustomerVisible, Version: t.Version}
	for _, a := range t.Assignees {
		in.AssigneeIDs = append(in.AssigneeIDs, a.ID)
	}
	for _, w := range t.Watchers {
		in.WatcherIDs = append(in.WatcherIDs, w.ID)
	}
	for _, c := range t.Checklist {
		in.Checklist = append(in.Checklist, ChecklistInput{Text: c.Text, Done: c.Done})
	}
	return in
}

// Apply lays the patch over in.
func (p Patch) Apply(in Input) Input {
	link := func(dst **int64, v *int64) {
		if v == nil {
			return
		}
		if *v == 0 {
			*dst = nil
			return
		}
		x := *v
		*dst = &x
	}
	link(&in.ParentID, p.ParentID)
	link(&in.PhaseID, p.PhaseID)
	link(&in.IterationID, p.IterationID)
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&in.Title, p.Title)
	set(&in.Description, p.Description)
	set(&in.Status, p.Status)
	set(&in.Priority, p.Priority)
	set(&in.StartDate, p.StartDate)
	set(&in.DueDate, p.DueDate)
	if p.EstimateMin != nil {
		in.EstimateMin = *p.EstimateMin
	}
	if p.RemainingMin != nil {
		in.RemainingMin = *p.RemainingMin
	}
	if p.Labels != nil {
		in.Labels = *p.Labels
	}
	if p.CustomerVisible != nil {
		in.CustomerVisible = *p.CustomerVisible
	}
	if p.AssigneeIDs != nil {
		in.AssigneeIDs = *p.AssigneeIDs
	}
	if p.WatcherIDs != nil {
		in.WatcherIDs = *p.WatcherIDs
	}
	if p.Checklist != nil {
		in.Checklist = *p.Checklist
	}
	in.Version = p.Version
	return in
}

// MoveInput moves a card on the board: into a status, between two cards
// of that column (either may be 0 at a column end), at the version the
// mover saw.
type MoveInput struct {
	Status   string `json:"status"`
	BeforeID int64  `json:"before_id"` // the card that ends up just above
	AfterID  int64  `json:"after_id"`  // the card that ends up just below
	Version  int64  `json:"version"`
	// Dropped into another swimlane: the lane's person becomes the only
	// assignee (0: unassigned), or the lane's phase the task's (0: none).
	// Absent: unchanged.
	AssigneeID *int64 `json:"assignee_id,omitempty"`
	PhaseID    *int64 `json:"phase_id,omitempty"`
}

func (in *MoveInput) Validate() error {
	var f apperr.Fields
	in.Status = strings.TrimSpace(in.Status)
	if in.Status == "" {
		f.Add("status", "validate.required")
	}
	if in.BeforeID < 0 {
		f.Add("before_id", "validate.not_found")
	}
	if in.AfterID < 0 {
		f.Add("after_id", "validate.not_found")
	}
	if in.BeforeID != 0 && in.BeforeID == in.AfterID {
		f.Add("after_id", "work.same_neighbour")
	}
	if in.AssigneeID != nil && *in.AssigneeID < 0 {
		f.Add("assignee_id", "validate.not_found")
	}
	if in.PhaseID != nil && *in.PhaseID < 0 {
		f.Add("phase_id", "validate.not_found")
	}
	if in.Version <= 0 {
		f.Add("version", "validate.required")
	}
	return f.Err()
}

// Dependency links two tasks of a project.
type Dependency struct {
	ID          int64  `json:"id"`
	ProjectID   int64  `json:"project_id"`
	PredID      int64  `json:"pred_id"`
	SuccID      int64  `json:"succ_id"`
	PredNumber  int64  `json:"pred_number"`
	SuccNumber  int64  `json:"succ_number"`
	PredTitle   string `json:"pred_title"`
	SuccTitle   string `json:"succ_title"`
	Type        string `json:"type" enum:"FS,SS,FF,SF"`
	LagDays     int    `json:"lag_days"`
	CreatedMS   int64  `json:"created_ms"`
	predVisible bool
	succVisible bool
}

// DepInput creates a dependency.
type DepInput struct {
	PredID  int64  `json:"pred_id"`
	SuccID  int64  `json:"succ_id"`
	Type    string `json:"type" enum:"FS,SS,FF,SF"`
	LagDays int    `json:"lag_days" minimum:"-365" maximum:"365"`
}

func (in *DepInput) Validate() error {
	var f apperr.Fields
	if in.PredID <= 0 {
		f.Add("pred_id", "validate.required")
	}
	if in.SuccID <= 0 {
		f.Add("succ_id", "validate.required")
	}
	if in.PredID > 0 && in.PredID == in.SuccID {
		f.Add("succ_id", "work.dep_self")
	}
	in.Type = strings.ToUpper(strings.TrimSpace(in.Type))
	if in.Type == "" {
		in.Type = "FS"
	}
	validate.Enum(&f, "type", in.Type, DepTypes...)
	if in.LagDays < -365 || in.LagDays > 365 {
		f.Add("lag_days", "work.lag_range", 365, 365)
	}
	return f.Err()
}

// Filter narrows a task list or the board.
type Filter struct {
	Status     string
	AssigneeID int64 // -1: unassigned
	PhaseID    int64 // -1: no phase
	Iteration  int64 // -1: no iteration
	Label      string
	Q          string
}

// Empty reports whether nothing narrows the list.
func (f Filter) Empty() bool { return f == Filter{} }
