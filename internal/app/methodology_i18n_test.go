package app_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/methodology"
)

// Every methodology page renders in both languages with no catalog key
// left untranslated and no Chinese interface text in English.
func TestMethodologyPagesInBothLanguages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		pm := e.Users[apptest.PM].P
		a := itoa(e.ProjectA.ID)
		mApply(t, e, e.ProjectA.ID, "2026-01-05", "2026-06-30")
		svc := e.App.Methodology
		if _, err := svc.SaveCharter(ctx, pm, e.ProjectA.ID, methodology.CharterInput{Objectives: "上线", SponsorID: e.Users[apptest.Executive].ID}); err != nil {
			t.Fatal(err)
		}
		s, err := svc.SaveStakeholder(ctx, pm, e.ProjectA.ID, 0, methodology.StakeholderInput{Side: "customer", Name: "周"})
		if err != nil {
			t.Fatal(err)
		}
		phases, _ := svc.Phases(ctx, pm, e.ProjectA.ID)
		ms, _ := svc.Milestones(ctx, pm, e.ProjectA.ID)
		ds, _ := svc.Deliverables(ctx, pm, e.ProjectA.ID, methodology.DeliverableFilter{})
		tid := itoa(mBuiltinID(t, e))
		pages := []struct {
			who  apptest.Who
			path string
			en   string // an English word the page must show
		}{
			{apptest.Admin, "/admin/templates", "Templates"},
			{apptest.Admin, "/admin/templates/" + tid, "Default tasks"},
			{apptest.PM, "/projects/from-template", "Create a project from a template"},
			{apptest.PM, "/projects/" + a + "/apply-template", "Apply a template"},
			{apptest.PM, "/projects/" + a + "/phases", "Gate review"},
			{apptest.PM, "/projects/" + a + "/phases/" + itoa(phases[0].ID) + "/gate", "Checklist"},
			{apptest.PM, "/projects/" + a + "/milestones/" + itoa(ms[0].ID) + "/edit", "Edit milestone"},
			{apptest.PM, "/projects/" + a + "/deliverables", "Submit for acceptance"},
			{apptest.PM, "/projects/" + a + "/deliverables/" + itoa(ds[0].ID) + "/edit", "Edit deliverable"},
			{apptest.PM, "/projects/" + a + "/charter", "Project charter"},
			{apptest.Executive, "/projects/" + a + "/charter", "Sign the charter"},
			{apptest.PM, "/projects/" + a + "/charter/edit", "Edit the charter"},
			{apptest.PM, "/projects/" + a + "/stakeholders", "A/B roles"},
			{apptest.PM, "/projects/" + a + "/stakeholders/" + itoa(s.ID) + "/edit", "Edit stakeholder"},
			{apptest.PM, "/projects/" + a + "/raci", "RACI matrix"},
			{apptest.PM, "/projects/" + a + "/raci?edit=1", "New activity"},
			{apptest.PM, "/portfolio", "Go-live timeline"},
			{apptest.KeyUser, "/projects/" + a + "/phases", "Milestones"},
		}
		rawKey := regexp.MustCompile(`\b(meth|field|nav)\.[a-z_]+(\.[a-z_]+)*\b`)
		tags := regexp.MustCompile(`(?s)<[^>]*>|<script.*?</script>`)
		for _, p := range pages {
			for _, lang := range []string{"zh-CN", "en"} {
				r := biDo(t, e, biReq{who: p.who, method: "GET", path: p.path, lang: lang})
				if r.Status != 200 {
					t.Errorf("%s %s as %s: %d", lang, p.path, p.who, r.Status)
					continue
				}
				text := tags.ReplaceAllString(r.Body, " ")
				if k := rawKey.FindString(text); k != "" {
					t.Errorf("%s %s: untranslated key %q", lang, p.path, k)
				}
				if lang == "en" {
					mWant(t, r, 200, p.en)
					// Chinese may appear only in data (names from the
					// Chinese template, people, projects), never in labels:
					// spot-check a few interface words.
					for _, zh := range []string{"阶段门评审", "提交验收", "验收通过", "健康度", "保存", "取消", "编辑"} {
						if strings.Contains(text, zh) {
							t.Errorf("en %s: interface text %q in Chinese", p.path, zh)
						}
					}
				}
			}
		}
	})
}
