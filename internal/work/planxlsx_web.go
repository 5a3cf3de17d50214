package work

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"sync"
	"time"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/project"
	"golive/internal/web"
)

// An uploaded plan waits here between the preview and the apply step, so
// the user does not upload it twice and the apply reads exactly the file
// that was previewed. In memory: a restart only costs a new upload.
type pendingPlan struct {
	user, project int64
	data          []byte
	expires       time.Time
}

const (
	planPendingTTL = 30 * time.Minute
	planPendingMax = 64
)

var planPending = struct {
	sync.Mutex
	m map[string]pendingPlan
}{m: map[string]pendingPlan{}}

func stashPlan(user, projectID int64, data []byte) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	tok := hex.EncodeToString(b)
	planPending.Lock()
	defer planPending.Unlock()
	now := time.Now()
	for k, v := range planPending.m {
		if now.After(v.expires) || len(planPending.m) >= planPendingMax {
			delete(planPending.m, k)
		}
	}
	planPending.m[tok] = pendingPlan{user: user, project: projectID, data: data, expires: now.Add(planPendingTTL)}
	return tok
}

func takePlan(tok string, user, projectID int64) ([]byte, bool) {
	planPending.Lock()
	defer planPending.Unlock()
	v, ok := planPending.m[tok]
	if !ok || v.user != user || v.project != projectID || time.Now().After(v.expires) {
		return nil, false
	}
	return v.data, true
}

func dropPlan(tok string) {
	planPending.Lock()
	delete(planPending.m, tok)
	planPending.Unlock()
}

type planIssueView struct {
	Row            int
	Column, Reason string
}

type planImportPage struct {
	web.Base
	P        project.Project
	Err      string
	Result   *PlanResult
	Issues   []planIssueView
	BadRows  int
	Token    string
	CanApply bool
}

func (h *Web) planImportPage(c *web.Ctx, id int64) (planImportPage, error) {
	pr, m, err := h.svc.Project(c.Context(), c.P, id)
	if err != nil {
		return planImportPage{}, err
	}
	if !c.P.Can(m, access.TaskEdit) || !c.P.Can(m, access.TaskCreate) {
		return planImportPage{}, apperr.ForbiddenErr()
	}
	return planImportPage{Base: project.ProjectBase(c, pr, "tasks", "planxlsx.import"), P: pr}, nil
}

// PlanImportForm shows the upload form.
func (h *Web) PlanImportForm(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	vm, err := h.planImportPage(c, id)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "work/import_plan.html", vm)
}

// PlanImport previews an uploaded plan (field "file"), or applies the
// previewed one (field "token", with "valid_only" to skip bad rows).
func (h *Web) PlanImport(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	vm, err := h.planImportPage(c, id)
	if err != nil {
		return err
	}
	if err := c.Form(); err != nil {
		vm.Err = c.T(apperr.As(err).Key, apperr.As(err).Args...)
		return c.Render(http.StatusBadRequest, "work/import_plan.html", vm)
	}
	apply := false
	var data []byte
	tok := c.FormValue("token")
	if tok != "" {
		var ok bool
		if data, ok = takePlan(tok, c.P.UserID, id); !ok {
			vm.Err = c.T("planxlsx.expired")
			return c.Render(http.StatusBadRequest, "work/import_plan.html", vm)
		}
		apply = true
	} else {
		file, _, err := c.R.FormFile("file")
		if err != nil {
			vm.Err = c.T("planxlsx.err_not_xlsx")
			return c.Render(http.StatusBadRequest, "work/import_plan.html", vm)
		}
		defer file.Close()
		data, err = io.ReadAll(io.LimitReader(file, PlanMaxBytes+1))
		if err != nil {
			vm.Err = c.T("planxlsx.err_not_xlsx")
			return c.Render(http.StatusBadRequest, "work/import_plan.html", vm)
		}
	}
	validOnly := c.FormValue("valid_only") == "1"
	res, err := h.svc.ImportPlan(c.Context(), c.P, id, data, apply, validOnly)
	if err != nil {
		if e := apperr.As(err); e != nil && e.Code == apperr.Invalid {
			msg := c.FieldErrors(err)["file"]
			if msg == "" {
				msg = c.T(e.Key, e.Args...)
			}
			vm.Err = msg
			return c.Render(http.StatusBadRequest, "work/import_plan.html", vm)
		}
		return err
	}
	if res.Applied {
		dropPlan(tok)
		c.Flash("planxlsx.applied", res.Creates, res.Updates)
		return c.Redirect("/projects/" + pid(id) + "/tasks")
	}
	vm.Result = &res
	vm.BadRows = res.BadRows()
	for _, is := range res.Issues {
		col := ""
		if is.Column != "" {
			col = c.T(is.Column)
		}
		vm.Issues = append(vm.Issues, planIssueView{Row: is.Row, Column: col, Reason: c.T(is.Key, is.Args...)})
	}
	if tok == "" {
		tok = stashPlan(c.P.UserID, id, data)
	}
	vm.Token = tok
	vm.CanApply = res.Creates+res.Updates > 0
	status := http.StatusOK
	if apply || vm.BadRows > 0 {
		status = http.StatusUnprocessableEntity
	}
	return c.Render(status, "work/import_plan.html", vm)
}
