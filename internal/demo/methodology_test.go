package demo_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/demo"
	"golive/internal/methodology"
	"golive/internal/project"
)

// The demo projects run on the method: phases from the template, 启动's
// gate passed, a signed charter on the first project, stakeholders with
// one responsibility lacking a backup (so the overview warns), a RACI.
func TestLoadMethodology(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		pm := e.Users[apptest.PM].P
		b := e.ProjectB
		in := project.Input{Code: b.Code, Name: b.Name, CustomerCompanyID: b.CustomerCompanyID, Product: b.Product, BudgetMinor: *b.BudgetMinor,
			StartDate: "2026-08-03", GoLiveDate: "2027-02-26", Version: b.Version}
		if _, err := e.App.Projects.Update(ctx, pm, b.ID, in); err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadMethodology(ctx, e.App, []int64{e.ProjectA.ID, e.ProjectB.ID}); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{e.ProjectA.ID, e.ProjectB.ID} {
			phases, err := e.App.Methodology.Phases(ctx, pm, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(phases) != 9 || phases[0].GateDecision != "pass" || phases[0].Status != "done" {
				t.Fatalf("project %d phases: %+v", id, phases[0])
			}
			mx, err := e.App.Methodology.Matrix(ctx, pm, id)
			if err != nil || len(mx.Activities) == 0 {
				t.Fatalf("RACI: %v %+v", err, mx)
			}
			rs, err := e.App.Methodology.Responsibilities(ctx, pm, id)
			if err != nil {
				t.Fatal(err)
			}
			warned := 0
			for _, r := range rs {
				warned += len(r.Warnings)
			}
			if len(rs) < 3 || warned == 0 {
				t.Errorf("project %d responsibilities: %d, warnings %d", id, len(rs), warned)
			}
		}
		view, err := e.App.Methodology.Charter(ctx, e.Users[apptest.KeyUser].P, e.ProjectA.ID, 0)
		if err != nil || view.Charter == nil || view.Charter.Status != methodology.CharterSigned || view.Charter.SignerName != "executive" {
			t.Fatalf("charter of A: %v %+v", err, view.Charter)
		}
		r := e.Do(t, apptest.CustomerPM, "GET", "/projects/"+strconv.FormatInt(e.ProjectA.ID, 10), nil)
		if r.Status != 200 || !strings.Contains(r.Body, "没有 B 角") {
			t.Errorf("overview warning missing: %d", r.Status)
		}
		ds, _ := e.App.Methodology.Deliverables(ctx, e.Users[apptest.CustomerPM].P, e.ProjectA.ID, methodology.DeliverableFilter{Status: methodology.DeliverableAccepted})
		if len(ds) == 0 {
			t.Error("no deliverable accepted")
		}
	})
}
