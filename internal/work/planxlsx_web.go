package work

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"time"

	"golive/internal/access"
	"golive/internal/apperr"
	"golive/internal/db"
	"golive/internal/project"
	"golive/internal/web"
)

// An uploaded plan waits in the database between the preview and the
// apply step, so the user does not upload it twice, the apply reads exactly
// the file that was previewed, and the apply may reach any process.
const planPendingTTL = 30 * time.Minute

func (s *Service) stashPlan(ctx context.Context, user, projectID int64, data []byte) (string, error) {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	tok := hex.EncodeToString(b)
	now := time.Now()
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM pending_uploads WHERE expires_ms < ?`, now.UnixMilli()); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO pending_uploads (token, user_id, project_id, data, expires_ms) VALUES (?, ?, ?, ?, ?)`,
			tok, user, projectID, data, now.Add(planPendingTTL).UnixMilli())
		return err
	})
	return tok, apperr.Wrap(err)
}

// takePlan returns the upload only to the user and project it was made for.
func (s *Service) takePlan(ctx context.Context, tok string, user, projectID int64) ([]byte, bool) {
	if len(tok) != 32 {
		return nil, false
	}
	var data []byte
	err := s.db.QueryRow(ctx, `SELECT data FROM pending_uploads WHERE token = ? AND user_id = ? AND project_id = ? AND expires_ms >= ?`,
		tok, user, projectID, time.Now().UnixMilli()).Scan(&data)
	return data, err == nil
}

func (s *Service) dropPlan(ctx context.Context, tok string) {
	_, _ = s.db.Exec(ctx, `DELETE FROM pending_uploads WHERE token = ?`, tok)
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
	// MS Project import (mspdi_web.go): the preview is of an MSPDI file,
	// with notes on what was read but not taken.
	MSPDI bool
	Notes []string
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
		if data, ok = h.svc.takePlan(c.Context(), tok, c.P.UserID, id); !ok {
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
		h.svc.dropPlan(c.Context(), tok)
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
		if tok, err = h.svc.stashPlan(c.Context(), c.P.UserID, id, data); err != nil {
			return err
		}
	}
	vm.Token = tok
	vm.CanApply = res.Creates+res.Updates > 0
	status := http.StatusOK
	if apply || vm.BadRows > 0 {
		status = http.StatusUnprocessableEntity
	}
	return c.Render(status, "work/import_plan.html", vm)
}
