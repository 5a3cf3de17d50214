package app_test

import (
	"context"
	"strings"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/research"
)

// A sentence of an interview becomes a draft requirement in the real pool,
// which links back to the sentence; the record page then names the
// requirement. This is the wiring app.go does between the two modules.
func TestResearchSentenceBecomesRequirement(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		con := e.Users[apptest.Consultant].P
		a := e.ProjectA.ID
		x, err := e.App.Research.CreateRecord(ctx, con, a, research.RecordInput{Kind: "interview", Title: "仓库主管访谈", HeldDate: "2026-03-01",
			Notes: "收货靠纸质单据。希望扫码收货并实时过账！"})
		if err != nil {
			t.Fatal(err)
		}
		l, err := e.App.Research.SentenceToRequirement(ctx, con, a, x.ID, 2)
		if err != nil {
			t.Fatalf("convert: %v", err)
		}
		r, _, _, err := e.App.Requirements.Get(ctx, con, a, l.ReqID)
		if err != nil {
			t.Fatalf("the requirement is not in the pool: %v", err)
		}
		if r.Title != "希望扫码收货并实时过账！" || r.Status != "draft" || r.SourceKind != "interview" || r.SourceID != x.ID ||
			!strings.Contains(r.SourceURL, "/research/records/"+itoa(x.ID)) || l.ReqNumber != r.Ref() {
			t.Fatalf("requirement %+v, link %+v", r, l)
		}
		page := e.Do(t, apptest.Consultant, "GET", "/projects/"+itoa(a)+"/research/records/"+itoa(x.ID), nil)
		if page.Status != 200 || !strings.Contains(page.Body, r.Ref()) || !strings.Contains(page.Body, "/projects/"+itoa(a)+"/requirements/"+itoa(r.ID)) {
			t.Fatalf("record page does not link the requirement (%d)", page.Status)
		}
	})
}
