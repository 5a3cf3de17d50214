package finance_test

import (
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/finance"
)

// Free text with a control character or broken UTF-8 is refused naming
// the field, on both dialects (PostgreSQL would refuse a NUL byte itself,
// as a 500); nothing is written.
func TestFinanceTextRefusesControlCharacters(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		svc := e.App.Finance
		fin, dev := e.Users[apptest.Finance].P, e.Users[apptest.Developer].P
		_, err := svc.CreateSubcontractor(ctx, fin, finance.SubcontractorInput{Name: "华东\x00安装队"})
		field(t, err, "name")
		_, err = svc.CreateSubcontractor(ctx, fin, finance.SubcontractorInput{Name: "华东安装队", Phone: "138\n0000"})
		field(t, err, "phone")
		_, err = svc.CreateWorker(ctx, fin, finance.WorkerInput{Name: "张\x07三"})
		field(t, err, "name")
		_, err = svc.CreateLabor(ctx, dev, e.ProjectA.ID, finance.LaborInput{Date: "2026-03-02", UserID: dev.UserID, Unit: "hour", Qty: 100, Description: "配置\x00"})
		field(t, err, "description")
		_, err = svc.CreateLabor(ctx, dev, e.ProjectA.ID, finance.LaborInput{Date: "2026-03-02", UserID: dev.UserID, Unit: "hour", Qty: 100, Trade: "\xff\xfe"})
		field(t, err, "trade")
		// A long description keeps its line breaks.
		if _, err := svc.CreateLabor(ctx, dev, e.ProjectA.ID, finance.LaborInput{Date: "2026-03-02", UserID: dev.UserID, Unit: "hour", Qty: 100, Description: "上午：配置\n下午：培训"}); err != nil {
			t.Fatalf("two-line description: %v", err)
		}
		scs, err := svc.Subcontractors(ctx, fin)
		if err != nil || len(scs) != 0 {
			t.Fatalf("a refused subcontractor was written: %+v %v", scs, err)
		}
	})
}
