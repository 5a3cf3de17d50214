package requirement

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/audit"
	"golive/internal/db"
	"golive/internal/validate"
	"golive/internal/work"
)

// Function types.
const (
	TypeStandard  = "standard"  // 标准功能
	TypeConfig    = "config"    // 参数配置
	TypeCustom    = "custom"    // 二次开发
	TypeReport    = "report"    // 报表
	TypeInterface = "interface" // 接口
	TypeData      = "data"      // 数据
)

// FunctionTypes lists the types in display order.
var FunctionTypes = []string{TypeStandard, TypeConfig, TypeCustom, TypeReport, TypeInterface, TypeData}

// Function is an entry of the function list (功能清单).
type Function struct {
	ID          int64  `json:"id"`
	ProjectID   int64  `json:"project_id"`
	Number      int64  `json:"number"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Type        string `json:"type" enum:"standard,config,custom,report,interface,data"`
	// EffortTenths is the estimate in tenths of a person-day (15 = 1.5 人天).
	EffortTenths     int64  `json:"effort_tenths"`
	TasksGeneratedMS *int64 `json:"tasks_generated_ms"`
	CreatedMS        int64  `json:"created_ms"`
	UpdatedMS        int64  `json:"updated_ms"`
	DeletedMS        *int64 `json:"deleted_ms,omitempty"`
	Version          int64  `json:"version"`
	// Requirements are the requirements it serves; Tasks the work tasks it
	// generated or was linked to (lists and Get; filtered for customers).
	Requirements []ReqRefItem `json:"requirements"`
	Tasks        []TaskRef    `json:"tasks"`
}

// Ref is F-001.
func (f Function) Ref() string { return FuncRef(f.Number) }

// EffortText shows the estimate in person-days ("1.5").
func (f Function) EffortText() string { return Days(f.EffortTenths) }

// Days formats tenths of a person-day: 15 → "1.5", 20 → "2".
func Days(tenths int64) string {
	s := strconv.FormatInt(tenths/10, 10)
	if tenths%10 != 0 {
		s += "." + strconv.FormatInt(tenths%10, 10)
	}
	return s
}

// ParseDays reads person-days ("1.5", "2", "0.5", "1.5人天") into tenths.
func ParseDays(s string) (int64, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "人天"))
	if s == "" {
		return 0, true
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 5 || (hasDot && (len(frac) != 1)) {
		return 0, false
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 {
		return 0, false
	}
	var f int64
	if hasDot {
		d := frac[0]
		if d < '0' || d > '9' {
			return 0, false
		}
		f = int64(d - '0')
	}
	return w*10 + f, true
}

// ReqRefItem names a requirement from a function.
type ReqRefItem struct {
	ID       int64  `json:"id"`
	Number   int64  `json:"number"`
	Title    string `json:"title"`
	Priority string `json:"priority"`
	Status   string `json:"status"`
}

// Ref is REQ-001.
func (r ReqRefItem) Ref() string { return ReqRef(r.Number) }

// TaskRef names a work task from a function.
type TaskRef struct {
	ID     int64  `json:"id"`
	Number int64  `json:"number"`
	Title  string `json:"title"`
	Status string `json:"status"`
	Done   bool   `json:"done"`
}

// FunctionInput creates or edits a function. RequirementIDs replaces its
// mapping (nil on an edit through the API keeps it; see KeepLinks).
type FunctionInput struct {
	Number         int64   `json:"number,omitempty" minimum:"0"`
	Title          string  `json:"title" maxLength:"200"`
	Description    string  `json:"description" maxLength:"20000"`
	Type           string  `json:"type" enum:"standard,config,custom,report,interface,data"`
	EffortTenths   int64   `json:"effort_tenths" minimum:"0"`
	RequirementIDs []int64 `json:"requirement_ids"`
	Version        int64   `json:"version,omitempty"`
}

// MaxEffortTenths bounds an estimate (10,000 person-days).
const MaxEffortTenths = 100000

// Validate normalises and checks the input.
func (in *FunctionInput) Validate() error {
	var f apperr.Fields
	in.check(&f)
	return f.Err()
}

func (in *FunctionInput) check(f *apperr.Fields) {
	if in.Number < 0 || in.Number > MaxNumber {
		f.Add("number", "requirement.err_number", MaxNumber)
	}
	validate.Line(f, "title", &in.Title, 1, 200)
	validate.Text(f, "description", &in.Description, 0, 20000)
	in.Type = strings.TrimSpace(in.Type)
	if in.Type == "" {
		in.Type = TypeStandard
	}
	validate.Enum(f, "type", in.Type, FunctionTypes...)
	if in.EffortTenths < 0 || in.EffortTenths > MaxEffortTenths {
		f.Add("effort_tenths", "requirement.err_effort")
	}
	if len(in.RequirementIDs) > MaxBulk {
		f.Add("requirement_ids", "requirement.err_too_many", MaxBulk)
	}
}

// ValidateUpdate is Validate plus the version.
func (in *FunctionInput) ValidateUpdate() error {
	var f apperr.Fields
	in.check(&f)
	if in.Version <= 0 {
		f.Add("version", "validate.required")
	}
	return f.Err()
}

const funcCols = `id, project_id, number, title, description, type, effort_tenths, tasks_generated_ms, created_ms, updated_ms, deleted_ms, version`

func scanFunc(r rowScanner) (Function, error) {
	var f Function
	err := r.Scan(&f.ID, &f.ProjectID, &f.Number, &f.Title, &f.Description, &f.Type, &f.EffortTenths, &f.TasksGeneratedMS,
		&f.CreatedMS, &f.UpdatedMS, &f.DeletedMS, &f.Version)
	f.Requirements, f.Tasks = []ReqRefItem{}, []TaskRef{}
	return f, err
}

func loadFunc(ctx context.Context, q db.Q, projectID, id int64) (Function, error) {
	f, err := scanFunc(q.QueryRow(ctx, `SELECT `+funcCols+` FROM functions WHERE id = ? AND project_id = ? AND deleted_ms IS NULL`, id, projectID))
	if err != nil {
		return f, db.NotFound(err)
	}
	return f, nil
}

func (f Function) auditView() map[string]any {
	return map[string]any{"number": f.Number, "title": f.Title, "description": f.Description, "type": f.Type, "effort_tenths": f.EffortTenths}
}

// functions reads the project's live functions with their requirements
// and tasks, as the caller (internal or not) may see them.
func functions(ctx context.Context, q db.Q, projectID int64, internal bool) ([]Function, error) {
	rows, err := q.Query(ctx, `SELECT `+funcCols+` FROM functions WHERE project_id = ? AND deleted_ms IS NULL ORDER BY number`, projectID)
	if err != nil {
		return nil, err
	}
	out := []Function{}
	for rows.Next() {
		f, err := scanFunc(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	idx := map[int64]int{}
	for i := range out {
		idx[out[i].ID] = i
	}
	rq := `SELECT rf.function_id, r.id, r.number, r.title, r.priority, r.status FROM req_functions rf
		JOIN requirements r ON r.id = rf.requirement_id AND r.deleted_ms IS NULL WHERE rf.project_id = ?`
	args := []any{projectID}
	if !internal {
		rq += ` AND r.customer_visible = ?`
		args = append(args, true)
	}
	rows, err = q.Query(ctx, rq+` ORDER BY r.number`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var fid int64
		var r ReqRefItem
		if err := rows.Scan(&fid, &r.ID, &r.Number, &r.Title, &r.Priority, &r.Status); err != nil {
			rows.Close()
			return nil, err
		}
		if i, ok := idx[fid]; ok {
			out[i].Requirements = append(out[i].Requirements, r)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	tq := `SELECT ft.function_id, t.id, t.number, t.title, t.status, t.done_ms FROM function_tasks ft
		JOIN tasks t ON t.id = ft.task_id AND t.deleted_ms IS NULL WHERE ft.project_id = ?`
	targs := []any{projectID}
	if !internal {
		tq += ` AND t.customer_visible = ?`
		targs = append(targs, true)
	}
	rows, err = q.Query(ctx, tq+` ORDER BY t.number`, targs...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var fid int64
		var t TaskRef
		var done *int64
		if err := rows.Scan(&fid, &t.ID, &t.Number, &t.Title, &t.Status, &done); err != nil {
			return nil, err
		}
		t.Done = done != nil
		if i, ok := idx[fid]; ok {
			out[i].Tasks = append(out[i].Tasks, t)
		}
	}
	return out, rows.Err()
}

// Functions lists the project's function list. Customers see the
// functions that serve a requirement visible to them (or none).
func (s *Service) Functions(ctx context.Context, p *access.Principal, projectID int64) ([]Function, Perms, error) {
	m, err := s.can(ctx, p, projectID, "")
	if err != nil {
		return nil, Perms{}, err
	}
	pm := perms(p, m)
	fs, err := functions(ctx, s.db, projectID, pm.Internal)
	if err != nil {
		return nil, pm, apperr.Wrap(err)
	}
	if !pm.Internal {
		fs = visibleFunctions(fs)
	}
	return fs, pm, nil
}

// visibleFunctions keeps the functions that serve a requirement a
// customer sees (their Requirements are already filtered).
func visibleFunctions(fs []Function) []Function {
	out := fs[:0]
	for _, f := range fs {
		if len(f.Requirements) > 0 {
			out = append(out, f)
		}
	}
	return out
}

// Function returns one function.
func (s *Service) Function(ctx context.Context, p *access.Principal, projectID, id int64) (Function, Perms, error) {
	fs, pm, err := s.Functions(ctx, p, projectID)
	if err != nil {
		return Function{}, pm, err
	}
	for _, f := range fs {
		if f.ID == id {
			return f, pm, nil
		}
	}
	return Function{}, pm, apperr.NotFoundErr()
}

// CreateFunction adds a function and maps it to the requirements named.
func (s *Service) CreateFunction(ctx context.Context, p *access.Principal, projectID int64, in FunctionInput) (Function, error) {
	return edit(ctx, s, p, projectID, in.Validate, func(tx *db.Tx) (Function, error) {
		return s.AddFunctionTx(ctx, tx, p, projectID, in)
	})
}

// FromRequirement creates a function from a confirmed requirement (its
// title and description), mapped to it.
func (s *Service) FromRequirement(ctx context.Context, p *access.Principal, projectID, reqID int64, typ string) (Function, error) {
	return edit(ctx, s, p, projectID, nil, func(tx *db.Tx) (Function, error) {
		r, err := loadReq(ctx, tx, projectID, reqID, true)
		if err != nil {
			return Function{}, err
		}
		if !InScope(r.Status) {
			return Function{}, apperr.New(apperr.Conflict, "requirement.err_not_confirmed", r.Ref())
		}
		in := FunctionInput{Title: r.Title, Description: r.Description, Type: typ, RequirementIDs: []int64{r.ID}}
		if err := in.Validate(); err != nil {
			return Function{}, err
		}
		return s.AddFunctionTx(ctx, tx, p, projectID, in)
	})
}

// UpdateFunction saves an edit of a function and replaces its mapping.
func (s *Service) UpdateFunction(ctx context.Context, p *access.Principal, projectID, id int64, in FunctionInput) (Function, error) {
	return edit(ctx, s, p, projectID, in.ValidateUpdate, func(tx *db.Tx) (Function, error) {
		return s.UpdateFunctionTx(ctx, tx, p, projectID, id, in)
	})
}

// DeleteFunction moves a function to the trash (its mapping and task
// links stay, and come back with it).
func (s *Service) DeleteFunction(ctx context.Context, p *access.Principal, projectID, id, version int64) error {
	if _, err := s.can(ctx, p, projectID, access.RequirementEdit); err != nil {
		return err
	}
	if version <= 0 {
		return apperr.InvalidField("version", "validate.required")
	}
	return apperr.Wrap(s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID); err != nil {
			return err
		}
		f, err := loadFunc(ctx, tx, projectID, id)
		if err != nil {
			return err
		}
		if f.Version != version {
			return apperr.ConflictErr()
		}
		return s.RemoveFunctionTx(ctx, tx, p, projectID, id)
	}))
}

// RestoreFunction brings a function back from the trash.
func (s *Service) RestoreFunction(ctx context.Context, p *access.Principal, id int64) error {
	return s.restore(ctx, p, "functions", id, func(tx *db.Tx, projectID int64) (audit.Entry, error) {
		f, err := loadFunc(ctx, tx, projectID, id)
		return audit.Entry{ProjectID: projectID, Entity: "req_function", EntityID: id, Action: "restore", Summary: f.Ref() + " " + f.Title, After: f.auditView()}, err
	})
}

// DeletedFunctions lists trashed functions the caller may restore.
func (s *Service) DeletedFunctions(ctx context.Context, p *access.Principal) ([]Function, error) {
	cond, args := p.Scope().ProjectFilter("pr")
	rows, err := s.db.Query(ctx, `SELECT f.id, f.project_id, f.number, f.title, f.description, f.type, f.effort_tenths, f.tasks_generated_ms,
		f.created_ms, f.updated_ms, f.deleted_ms, f.version FROM functions f JOIN projects pr ON pr.id = f.project_id
		WHERE f.deleted_ms IS NOT NULL AND pr.deleted_ms IS NULL AND `+cond+` ORDER BY f.deleted_ms DESC LIMIT 200`, args...)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	var fs []Function
	for rows.Next() {
		f, err := scanFunc(rows)
		if err != nil {
			rows.Close()
			return nil, apperr.Wrap(err)
		}
		fs = append(fs, f)
	}
	rows.Close()
	out := fs[:0]
	for _, f := range fs {
		m, err := s.projects.Access(ctx, p, f.ProjectID)
		if err != nil || !p.Can(m, access.RequirementEdit) {
			continue
		}
		out = append(out, f)
	}
	return out, apperr.Wrap(rows.Err())
}

// GenerateTasks creates the work tasks of a function (one task per
// function, titled after it, estimated from its effort, linked back) once:
// a second call returns the tasks already linked and creates nothing.
// Tasks are created through the work service, so its permission check
// (TaskCreate) and audit apply.
func (s *Service) GenerateTasks(ctx context.Context, p *access.Principal, projectID, funcID int64) ([]TaskRef, bool, error) {
	if _, err := s.can(ctx, p, projectID, access.RequirementEdit); err != nil {
		return nil, false, err
	}
	// Claim the function: only one caller passes from NULL to a time.
	claimed := false
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := writable(ctx, tx, projectID); err != nil {
			return err
		}
		f, err := loadFunc(ctx, tx, projectID, funcID)
		if err != nil {
			return err
		}
		if f.TasksGeneratedMS != nil {
			return nil
		}
		res, err := tx.Exec(ctx, `UPDATE functions SET tasks_generated_ms = ? WHERE id = ? AND tasks_generated_ms IS NULL`, db.Now(), funcID)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		claimed = n == 1
		return nil
	})
	if err != nil {
		return nil, false, apperr.Wrap(err)
	}
	if !claimed {
		ts, err := s.linkedTasks(ctx, projectID, funcID)
		return ts, false, err
	}
	release := func() {
		_, _ = s.db.Exec(context.WithoutCancel(ctx), `UPDATE functions SET tasks_generated_ms = NULL WHERE id = ?`, funcID)
	}
	f, err := loadFunc(ctx, s.db, projectID, funcID)
	if err != nil {
		release()
		return nil, false, err
	}
	reqs, err := s.reqRefsOf(ctx, funcID)
	if err != nil {
		release()
		return nil, false, err
	}
	desc := f.Description
	if len(reqs) > 0 {
		var b strings.Builder
		b.WriteString(f.Ref())
		for _, r := range reqs {
			b.WriteString(" · " + r.Ref() + " " + r.Title)
		}
		if desc != "" {
			desc = b.String() + "\n\n" + desc
		} else {
			desc = b.String()
		}
	}
	if r := []rune(desc); len(r) > 20000 {
		desc = string(r[:20000])
	}
	title := f.Ref() + " " + f.Title
	if r := []rune(title); len(r) > 200 {
		title = string(r[:200])
	}
	t, err := s.work.Create(ctx, p, projectID, work.Input{Title: title, Description: desc, Priority: "normal",
		EstimateMin: f.EffortTenths * 8 * 60 / 10, RemainingMin: f.EffortTenths * 8 * 60 / 10, Labels: []string{f.Ref()}})
	if err != nil {
		release()
		return nil, false, err
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO function_tasks (project_id, function_id, task_id, created_ms) VALUES (?, ?, ?, ?)`,
			projectID, funcID, t.ID, db.Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p, audit.Entry{ProjectID: projectID, Entity: "req_function", EntityID: funcID, Action: "fn_tasks",
			Summary: f.Ref() + " " + f.Title, After: map[string]any{"task_ids": []int64{t.ID}}, Internal: true})
	})
	if err != nil {
		return nil, false, apperr.Wrap(err)
	}
	ts, err := s.linkedTasks(ctx, projectID, funcID)
	return ts, true, err
}

func (s *Service) reqRefsOf(ctx context.Context, funcID int64) ([]ReqRefItem, error) {
	rows, err := s.db.Query(ctx, `SELECT r.id, r.number, r.title, r.priority, r.status FROM req_functions rf JOIN requirements r ON r.id = rf.requirement_id
		WHERE rf.function_id = ? AND r.deleted_ms IS NULL ORDER BY r.number`, funcID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []ReqRefItem{}
	for rows.Next() {
		var r ReqRefItem
		if err := rows.Scan(&r.ID, &r.Number, &r.Title, &r.Priority, &r.Status); err != nil {
			return nil, apperr.Wrap(err)
		}
		out = append(out, r)
	}
	return out, apperr.Wrap(rows.Err())
}

func (s *Service) linkedTasks(ctx context.Context, projectID, funcID int64) ([]TaskRef, error) {
	rows, err := s.db.Query(ctx, `SELECT t.id, t.number, t.title, t.status, t.done_ms FROM function_tasks ft JOIN tasks t ON t.id = ft.task_id
		WHERE ft.function_id = ? AND ft.project_id = ? AND t.deleted_ms IS NULL ORDER BY t.number`, funcID, projectID)
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	defer rows.Close()
	out := []TaskRef{}
	for rows.Next() {
		var t TaskRef
		var done *int64
		if err := rows.Scan(&t.ID, &t.Number, &t.Title, &t.Status, &done); err != nil {
			return nil, apperr.Wrap(err)
		}
		t.Done = done != nil
		out = append(out, t)
	}
	return out, apperr.Wrap(rows.Err())
}

// checkReqIDs makes sure every id is a live requirement of the project.
func checkReqIDs(ctx context.Context, tx *db.Tx, projectID int64, ids []int64) error {
	for _, id := range ids {
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM requirements WHERE id = ? AND project_id = ? AND deleted_ms IS NULL`, id, projectID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.InvalidField("requirement_ids", "requirement.err_unknown_req")
		}
		if err != nil {
			return err
		}
	}
	return nil
}
