package app_test

import (
	"net/url"
	"strings"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/methodology"
)

func TestMethodologyTemplates(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		tid := mBuiltinID(t, e)
		var ts []methodology.Template
		e.Do(t, apptest.Consultant, "GET", "/api/v1/templates", nil).JSON(t, &ts)
		if len(ts) != 1 || !ts[0].Builtin || ts[0].PhaseCount != 9 {
			t.Fatalf("templates %+v", ts)
		}
		// Customers do not see templates; only administrators change them.
		mWant(t, e.Do(t, apptest.CustomerPM, "GET", "/api/v1/templates", nil), 404)
		mWant(t, e.Do(t, apptest.PM, "POST", "/api/v1/templates/"+itoa(tid)+"/copy", nil), 404)
		// The built-in template is read-only and cannot be deleted.
		mWant(t, e.Do(t, apptest.Admin, "PUT", "/api/v1/templates/"+itoa(tid), map[string]any{"name": "x", "body": ts[0].Body, "version": ts[0].Version}), 409, "只读")
		mWant(t, e.Do(t, apptest.Admin, "DELETE", "/api/v1/templates/"+itoa(tid), nil), 409, "不能删除")
		r := e.Do(t, apptest.Admin, "POST", "/api/v1/templates/"+itoa(tid)+"/copy", map[string]any{"name": "ERP 精简模板"})
		mWant(t, r, 201, "ERP 精简模板")
		var cp methodology.Template
		r.JSON(t, &cp)

		// Validation names the offending element.
		bad := cp.Body
		bad.Phases = append([]methodology.TplPhase(nil), cp.Body.Phases...)
		ph := bad.Phases[2]
		ph.Tasks = append([]methodology.TplTask(nil), ph.Tasks...)
		ph.Tasks[1].Deps = []string{"no-such-task"}
		bad.Phases[2] = ph
		r = e.Do(t, apptest.Admin, "PUT", "/api/v1/templates/"+itoa(cp.ID), map[string]any{"name": cp.Name, "body": bad, "version": cp.Version})
		mWant(t, r, 400, `"phases"`, "阶段 3 的任务 2：依赖的任务 key「no-such-task」不存在")
		// A cycle names the tasks in it.
		ph.Tasks[1].Deps = []string{"des-review"}
		bad.Phases[2] = ph
		r = e.Do(t, apptest.Admin, "PUT", "/api/v1/templates/"+itoa(cp.ID), map[string]any{"name": cp.Name, "body": bad, "version": cp.Version})
		mWant(t, r, 400, "循环", "des-gap", "des-review")
		mWant(t, e.Do(t, apptest.Admin, "PUT", "/api/v1/templates/"+itoa(cp.ID), map[string]any{"name": "", "body": cp.Body, "version": cp.Version}), 400, `"name"`)
		mWant(t, e.Do(t, apptest.Admin, "PUT", "/api/v1/templates/"+itoa(cp.ID), map[string]any{"name": "x", "body": map[string]any{"phases": "nope"}, "version": cp.Version}), 400)
		mWant(t, e.Do(t, apptest.Admin, "PUT", "/api/v1/templates/"+itoa(cp.ID), map[string]any{"name": "x", "body": cp.Body, "version": cp.Version + 3}), 409)
		good := cp.Body
		good.Phases = cp.Body.Phases[:3]
		good.Milestones = nil
		r = e.Do(t, apptest.Admin, "PUT", "/api/v1/templates/"+itoa(cp.ID), map[string]any{"name": "三阶段", "body": good, "version": cp.Version})
		mWant(t, r, 200, `"phase_count":3`)

		// The structured editor: a bad dependency is reported on its row, nothing is saved.
		page := e.Do(t, apptest.Admin, "GET", "/admin/templates/"+itoa(cp.ID), nil)
		mWant(t, page, 200, `name="t_deps"`, `data-add-row="ed-tasks"`, "des-tobe")
		mWant(t, e.Do(t, apptest.Admin, "GET", "/admin/templates/"+itoa(tid), nil), 200, "只读", "disabled")
		var cur methodology.Template
		e.Do(t, apptest.Admin, "GET", "/api/v1/templates/"+itoa(cp.ID), nil).JSON(t, &cur)
		form := editorForm(cur)
		deps := form["t_deps"]
		deps[len(cur.Body.Phases[0].Tasks)+len(cur.Body.Phases[1].Tasks)+1] = "ghost"
		r = e.Do(t, apptest.Admin, "POST", "/admin/templates/"+itoa(cp.ID), form.Encode())
		mWant(t, r, 400, `id="problems"`, "阶段 3 的任务 2：依赖的任务 key「ghost」不存在", `class="invalid"`)
		// A row naming a phase that is not in the table.
		form = editorForm(cur)
		form["t_phase"][0] = "nowhere"
		mWant(t, e.Do(t, apptest.Admin, "POST", "/admin/templates/"+itoa(cp.ID), form.Encode()), 400, "「nowhere」不在阶段表中")
		// A valid save with an extra row.
		form = editorForm(cur)
		form.Add("t_phase", "initiation")
		form.Add("t_key", "init-extra")
		form.Add("t_zh", "补充任务")
		form.Add("t_en", "")
		form.Add("t_offset", "0")
		form.Add("t_days", "1")
		form.Add("t_deps", "init-team")
		form.Add("t_pm", "0")
		form.Add("t_cv", "1")
		mWant(t, e.Do(t, apptest.Admin, "POST", "/admin/templates/"+itoa(cp.ID), form.Encode()), 303)
		e.Do(t, apptest.Admin, "GET", "/api/v1/templates/"+itoa(cp.ID), nil).JSON(t, &cur)
		if cur.TaskCount != 17 {
			t.Errorf("task count after the editor save: %d", cur.TaskCount)
		}
		// The stale editor form is a conflict and keeps the typing.
		mWant(t, e.Do(t, apptest.Admin, "POST", "/admin/templates/"+itoa(cp.ID), form.Encode()), 409, `id="conflict"`, "补充任务")

		// A project uses the tailored template.
		r = e.Do(t, apptest.PM, "POST", "/api/v1/projects/"+itoa(e.ProjectB.ID)+"/apply-template", map[string]any{"template_id": cur.ID, "start_date": "2026-03-02", "lang": "en"})
		mWant(t, r, 201, `"phases":3`)
		mWant(t, e.Do(t, apptest.PM, "GET", "/api/v1/projects/"+itoa(e.ProjectB.ID)+"/phases", nil), 200, `"name":"Initiation"`, `"name":"Design"`)
		// Delete (soft) and list.
		mWant(t, e.Do(t, apptest.Admin, "POST", "/admin/templates/"+itoa(cp.ID)+"/delete", ""), 303)
		mNot(t, e.Do(t, apptest.Admin, "GET", "/admin/templates", nil), "三阶段")
		mWant(t, e.Do(t, apptest.Admin, "GET", "/api/v1/templates/"+itoa(cp.ID), nil), 404)
		// The project keeps its plan.
		if n := mCount(t, e, `SELECT count(*) FROM phases WHERE project_id = ?`, e.ProjectB.ID); n != 3 {
			t.Errorf("phases after the template was deleted: %d", n)
		}
	})
}

// editorForm is the structured editor's form for a template, as the page
// would post it (no blank rows).
func editorForm(t methodology.Template) url.Values {
	f := url.Values{"name": {t.Name}, "description": {t.Description}, "version": {itoa(t.Version)}}
	b := func(v bool) string {
		if v {
			return "1"
		}
		return "0"
	}
	for _, m := range t.Body.Modules {
		f.Add("mod_key", m.Key)
		f.Add("mod_zh", m.Name.ZH)
		f.Add("mod_en", m.Name.EN)
	}
	for _, ph := range t.Body.Phases {
		f.Add("ph_key", ph.Key)
		f.Add("ph_zh", ph.Name.ZH)
		f.Add("ph_en", ph.Name.EN)
		f.Add("ph_days", itoa(int64(ph.Days)))
		f.Add("ph_golive", b(ph.GoLive))
		for _, g := range ph.Gate {
			f.Add("gate_phase", ph.Key)
			f.Add("gate_zh", g.ZH)
			f.Add("gate_en", g.EN)
		}
		for _, d := range ph.Deliverables {
			f.Add("dl_phase", ph.Key)
			f.Add("dl_key", d.Key)
			f.Add("dl_zh", d.Name.ZH)
			f.Add("dl_en", d.Name.EN)
			f.Add("dl_cv", b(d.CustomerVisible))
		}
		for _, tk := range ph.Tasks {
			f.Add("t_phase", ph.Key)
			f.Add("t_key", tk.Key)
			f.Add("t_zh", tk.Name.ZH)
			f.Add("t_en", tk.Name.EN)
			f.Add("t_offset", itoa(int64(tk.Offset)))
			f.Add("t_days", itoa(int64(tk.Days)))
			f.Add("t_deps", strings.Join(tk.Deps, ", "))
			f.Add("t_pm", b(tk.PerModule))
			f.Add("t_cv", b(tk.CustomerVisible))
		}
	}
	for _, m := range t.Body.Milestones {
		f.Add("ms_key", m.Key)
		f.Add("ms_zh", m.Name.ZH)
		f.Add("ms_en", m.Name.EN)
		f.Add("ms_phase", m.Phase)
		f.Add("ms_at", m.At)
	}
	for _, r := range t.Body.RACI {
		f.Add("r_zh", r.Activity.ZH)
		f.Add("r_en", r.Activity.EN)
		for _, role := range methodology.RACIRoles {
			f.Add("r_"+string(role), r.Cells["role:"+string(role)])
		}
	}
	return f
}
