package app_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/methodology"
)

func TestMethodologyCharter(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := itoa(e.ProjectA.ID)
		base := "/api/v1/projects/" + a + "/charter"
		const budgetMark = "合同额 1860000 元·内部成本 QX9"
		sponsor := e.Users[apptest.Executive].ID
		// Nothing yet: an empty view, and no signing.
		mWant(t, e.Do(t, apptest.KeyUser, "GET", base, nil), 200, `"charter":null`)
		mWant(t, e.Do(t, apptest.Executive, "POST", base+"/sign", map[string]any{"version": 1}), 404)
		// Bad input.
		mWant(t, e.Do(t, apptest.PM, "PUT", base, map[string]any{"objectives": "", "sponsor_id": sponsor}), 400, `"objectives"`)
		mWant(t, e.Do(t, apptest.PM, "PUT", base, map[string]any{"objectives": "上线", "sponsor_id": e.Users[apptest.OtherCust].ID}), 400, `"sponsor_id"`)
		mWant(t, e.Do(t, apptest.CustomerPM, "PUT", base, map[string]any{"objectives": "上线"}), 403)
		mWant(t, e.Do(t, apptest.PM, "PUT", base, map[string]any{"objectives": "上线", "version": 5}), 409)

		r := e.Do(t, apptest.PM, "PUT", base, map[string]any{"objectives": "三个车间上线 MES\n工单报工及时率 ≥ 95%", "scope_in": "生产排程\n报工",
			"scope_out": "设备维修", "success_criteria": "按期上线", "key_dates": "2026-06-30 上线", "budget_summary": budgetMark, "sponsor_id": sponsor})
		mWant(t, r, 200, `"version_no":1`, `"status":"draft"`, budgetMark)
		var c methodology.Charter
		r.JSON(t, &c)
		// Customers who are not the sponsor do not see a draft; the sponsor does, without the budget.
		r = e.Do(t, apptest.KeyUser, "GET", base, nil)
		mWant(t, r, 200, `"charter":null`)
		r = e.Do(t, apptest.Executive, "GET", base, nil)
		mWant(t, r, 200, "三个车间上线", `"can_sign":true`)
		mNot(t, r, budgetMark, "budget_summary")
		// Vendor staff without CostView do not see the budget either.
		mNot(t, e.Do(t, apptest.Consultant, "GET", base, nil), budgetMark)
		// Only the sponsor signs: not the PM, not an administrator.
		for _, who := range []apptest.Who{apptest.PM, apptest.Admin} {
			mWant(t, e.Do(t, who, "POST", base+"/sign", map[string]any{"version": c.Version}), 403, "发起人")
		}
		// A customer who is not the sponsor does not even see the draft.
		mWant(t, e.Do(t, apptest.CustomerPM, "POST", base+"/sign", map[string]any{"version": c.Version}), 404)
		mWant(t, e.Do(t, apptest.Executive, "POST", base+"/sign", map[string]any{"version": c.Version + 7}), 409)
		r = e.Do(t, apptest.Executive, "POST", base+"/sign", map[string]any{"version": c.Version})
		mWant(t, r, 200, `"status":"signed"`, `"signed_by_name":"executive"`)
		var signed methodology.Charter
		r.JSON(t, &signed)
		// The hash is the SHA-256 of the canonical form, budget included.
		canon := `{"budget_summary":"` + budgetMark + `","key_dates":"2026-06-30 上线","objectives":"三个车间上线 MES\n工单报工及时率 ≥ 95%","project_id":` + a +
			`,"scope_in":"生产排程\n报工","scope_out":"设备维修","sponsor_id":` + itoa(sponsor) + `,"success_criteria":"按期上线","version_no":1}`
		canonJSON := jsonCanon(t, canon) // the same bytes encoding/json writes
		sum := sha256.Sum256([]byte(canonJSON))
		if signed.ContentHash != hex.EncodeToString(sum[:]) {
			t.Errorf("content hash %s, want %s of %s", signed.ContentHash, hex.EncodeToString(sum[:]), canonJSON)
		}
		// Signed and frozen: signing again is a conflict; now every customer reads it.
		mWant(t, e.Do(t, apptest.Executive, "POST", base+"/sign", map[string]any{"version": signed.Version}), 409)
		r = e.Do(t, apptest.KeyUser, "GET", base, nil)
		mWant(t, r, 200, "三个车间上线", `"status":"signed"`)
		mNot(t, r, budgetMark)
		// An edit after signing starts V2; V1 is untouched.
		r = e.Do(t, apptest.PM, "PUT", base, map[string]any{"objectives": "三个车间上线 MES\n工单报工及时率 ≥ 98%", "scope_in": "生产排程\n报工\n质量追溯",
			"scope_out": "设备维修", "success_criteria": "按期上线", "key_dates": "2026-06-30 上线", "sponsor_id": sponsor, "version": signed.Version})
		mWant(t, r, 200, `"version_no":2`, `"status":"draft"`, budgetMark)
		var v1 struct {
			Charter  methodology.Charter          `json:"charter"`
			Versions []methodology.CharterVersion `json:"versions"`
		}
		e.Do(t, apptest.PM, "GET", base+"?v=1", nil).JSON(t, &v1)
		if v1.Charter.Status != "signed" || v1.Charter.ContentHash != signed.ContentHash || len(v1.Versions) != 2 {
			t.Errorf("V1 after V2: %+v", v1)
		}
		// The key user sees V1 only (V2 is a draft).
		var ku struct {
			Versions []methodology.CharterVersion `json:"versions"`
		}
		e.Do(t, apptest.KeyUser, "GET", base, nil).JSON(t, &ku)
		if len(ku.Versions) != 1 {
			t.Errorf("key user versions %+v", ku.Versions)
		}
		mWant(t, e.Do(t, apptest.KeyUser, "GET", base+"?v=2", nil), 404)
		// What changed between V1 and V2.
		r = e.Do(t, apptest.PM, "GET", base+"/diff?from=1&to=2", nil)
		mWant(t, r, 200, `"op":"-","text":"工单报工及时率 ≥ 95%"`, `"op":"+","text":"工单报工及时率 ≥ 98%"`, `"op":"+","text":"质量追溯"`)
		mWant(t, e.Do(t, apptest.PM, "GET", base+"/diff?from=x&to=2", nil), 400, `"from"`)
		mWant(t, e.Do(t, apptest.PM, "GET", "/projects/"+a+"/charter/diff?from=1&to=2", nil), 200, "质量追溯", "有修改")
		// Pages: printable charter with the signature; the PM's edit form warns about V3? No: V2 is a draft, edited in place.
		mWant(t, e.Do(t, apptest.KeyUser, "GET", "/projects/"+a+"/charter", nil), 200, "已由 executive 签署", "SHA-256", "内容与签署时一致", "data-print")
		r = e.Do(t, apptest.Executive, "GET", "/projects/"+a+"/charter", nil)
		mWant(t, r, 200, `id="charter-sign"`)
		mNot(t, r, budgetMark)
		form := url.Values{"objectives": {"改"}, "sponsor_id": {itoa(sponsor)}, "version": {"99"}}
		mWant(t, e.Do(t, apptest.PM, "POST", "/projects/"+a+"/charter", form.Encode()), 409, `id="conflict"`)
		mWant(t, e.Do(t, apptest.PM, "GET", "/projects/"+a+"/charter/edit", nil), 200, "V2", budgetMark)
		mWant(t, e.Do(t, apptest.CustomerPM, "GET", "/projects/"+a+"/charter/edit", nil), 403)
		// The sponsor signs V2 through the page.
		var cur methodology.CharterView
		e.Do(t, apptest.PM, "GET", base, nil).JSON(t, &cur)
		mWant(t, e.Do(t, apptest.Executive, "POST", "/projects/"+a+"/charter/sign", "version="+itoa(cur.Charter.Version)), 303)
		mWant(t, e.Do(t, apptest.KeyUser, "GET", base, nil), 200, `"version_no":2`, `"status":"signed"`)
	})
}
