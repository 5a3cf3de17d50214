package work

import (
	"io"
	"net/http"

	"golive/internal/apperr"
	"golive/internal/web"
)

// MSPDIImport previews an uploaded MS Project XML file (field "file") or
// applies the previewed one (field "token", "valid_only" to skip bad
// rows). It shares the import page, the pending upload and the per-row
// report with the Excel import; only the reader differs.
func (h *Web) MSPDIImport(c *web.Ctx) error {
	id, err := c.PathID("id")
	if err != nil {
		return err
	}
	vm, err := h.planImportPage(c, id)
	if err != nil {
		return err
	}
	vm.MSPDI = true
	fail := func(msg string) error {
		vm.Err = msg
		return c.Render(http.StatusBadRequest, "work/import_plan.html", vm)
	}
	if err := c.Form(); err != nil {
		return fail(c.T(apperr.As(err).Key, apperr.As(err).Args...))
	}
	apply := false
	var data []byte
	tok := c.FormValue("token")
	if tok != "" {
		var ok bool
		if data, ok = h.svc.takePlan(c.Context(), tok, c.P.UserID, id); !ok {
			return fail(c.T("planxlsx.expired"))
		}
		apply = true
	} else {
		file, _, err := c.R.FormFile("file")
		if err != nil {
			return fail(c.T("mspdi.err_not_mspdi"))
		}
		defer file.Close()
		if data, err = io.ReadAll(io.LimitReader(file, PlanMaxBytes+1)); err != nil {
			return fail(c.T("mspdi.err_not_mspdi"))
		}
	}
	res, err := h.svc.ImportMSPDI(c.Context(), c.P, id, data, apply, c.FormValue("valid_only") == "1")
	if err != nil {
		if e := apperr.As(err); e != nil && e.Code == apperr.Invalid {
			msg := c.FieldErrors(err)["file"]
			if msg == "" {
				msg = c.T(e.Key, e.Args...)
			}
			return fail(msg)
		}
		return err
	}
	if res.Applied {
		h.svc.dropPlan(c.Context(), tok)
		c.Flash("mspdi.applied", res.Creates, res.Links)
		return c.Redirect("/projects/" + pid(id) + "/gantt")
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
	for _, n := range res.Notes {
		vm.Notes = append(vm.Notes, c.T(n.Key, n.Args...))
	}
	if tok == "" {
		if tok, err = h.svc.stashPlan(c.Context(), c.P.UserID, id, data); err != nil {
			return err
		}
	}
	vm.Token = tok
	vm.CanApply = res.Creates > 0
	status := http.StatusOK
	if apply || vm.BadRows > 0 {
		status = http.StatusUnprocessableEntity
	}
	return c.Render(status, "work/import_plan.html", vm)
}
