package app_test

import (
	"net/url"
	"strings"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/methodology"
)

func TestMethodologyStakeholdersAndABRoles(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := itoa(e.ProjectA.ID)
		base := "/api/v1/projects/" + a + "/stakeholders"
		const noteMark = "此人倾向竞品-内部评估ZK3"
		// Bad input, each named.
		r := e.Do(t, apptest.PM, "POST", base, map[string]any{"side": "both", "name": "", "email": "not-mail", "phone": "abc", "influence": 9})
		mWant(t, r, 400, `"side"`, `"name"`, `"email"`, `"phone"`, `"influence"`)
		mWant(t, e.Do(t, apptest.PM, "POST", base, map[string]any{"side": "vendor", "name": "周", "user_id": e.Users[apptest.CustomerPM].ID}), 400, `"user_id"`, "不一致")
		mWant(t, e.Do(t, apptest.KeyUser, "POST", base, map[string]any{"side": "customer", "name": "周"}), 403)
		mk := func(who apptest.Who, body map[string]any) methodology.Stakeholder {
			t.Helper()
			r := e.Do(t, who, "POST", base, body)
			mWant(t, r, 201)
			var s methodology.Stakeholder
			r.JSON(t, &s)
			return s
		}
		// Consultants keep the register too.
		zhou := mk(apptest.Consultant, map[string]any{"side": "customer", "name": "周建国", "company": "甲客户", "job_title": "信息部经理", "phone": "+86 138-0000-0000",
			"email": "zhou@jia.example", "im_id": "zhoujg", "influence": 5, "interest": 4, "expectations": "按期上线", "notes": noteMark, "user_id": e.Users[apptest.CustomerPM].ID})
		wu := mk(apptest.PM, map[string]any{"side": "customer", "name": "吴晓燕", "job_title": "生产计划主管"})
		wang := mk(apptest.PM, map[string]any{"side": "vendor", "name": "王磊", "job_title": "项目经理"})
		li := mk(apptest.PM, map[string]any{"side": "vendor", "name": "李娜", "job_title": "实施顾问"})

		// Customers see both sides but not the vendor's assessment.
		r = e.Do(t, apptest.KeyUser, "GET", base, nil)
		mWant(t, r, 200, "周建国", "王磊", "zhou@jia.example")
		mNot(t, r, noteMark, "按期上线", `"influence"`)
		r = e.Do(t, apptest.KeyUser, "GET", "/projects/"+a+"/stakeholders", nil)
		mWant(t, r, 200, "周建国")
		mNot(t, r, noteMark)
		mNot(t, e.Do(t, apptest.KeyUser, "GET", "/projects/"+a+"/stakeholders.xlsx", nil), noteMark)
		mWant(t, e.Do(t, apptest.Developer, "GET", base, nil), 200, noteMark, `"influence":5`)

		rbase := "/api/v1/projects/" + a + "/responsibilities"
		mWant(t, e.Do(t, apptest.PM, "POST", rbase, map[string]any{"side": "customer", "name": "需求确认"}), 400, `"primary_id"`)
		mWant(t, e.Do(t, apptest.PM, "POST", rbase, map[string]any{"side": "customer", "name": "需求确认", "primary_id": zhou.ID, "backup_id": zhou.ID}), 400, `"backup_id"`, "同一个人")
		mWant(t, e.Do(t, apptest.PM, "POST", rbase, map[string]any{"side": "customer", "name": "需求确认", "primary_id": wang.ID}), 400, `"primary_id"`, "同一方")
		r = e.Do(t, apptest.PM, "POST", rbase, map[string]any{"side": "customer", "name": "需求确认", "primary_id": zhou.ID, "backup_id": wu.ID})
		mWant(t, r, 201, `"warnings":[]`)
		r = e.Do(t, apptest.PM, "POST", rbase, map[string]any{"side": "vendor", "name": "项目管理", "primary_id": wang.ID})
		mWant(t, r, 201, `"no_backup"`)
		var pmResp methodology.Responsibility
		r.JSON(t, &pmResp)

		// The overview warns about the missing backup.
		r = e.Do(t, apptest.CustomerPM, "GET", "/projects/"+a, nil)
		mWant(t, r, 200, `id="overview-notices"`, "「项目管理」没有 B 角")
		// Other project pages do not.
		mNot(t, e.Do(t, apptest.CustomerPM, "GET", "/projects/"+a+"/members", nil), "overview-notices")

		// Give it a backup; then the backup leaves: a new warning names them.
		r = e.Do(t, apptest.PM, "PATCH", rbase+"/"+itoa(pmResp.ID), map[string]any{"side": "vendor", "name": "项目管理", "primary_id": wang.ID, "backup_id": li.ID, "version": pmResp.Version})
		mWant(t, r, 200, `"warnings":[]`)
		mWant(t, e.Do(t, apptest.PM, "PATCH", rbase+"/"+itoa(pmResp.ID), map[string]any{"side": "vendor", "name": "项目管理", "primary_id": wang.ID, "version": pmResp.Version}), 409)
		r = e.Do(t, apptest.PM, "PATCH", base+"/"+itoa(li.ID), map[string]any{"side": "vendor", "name": "李娜", "job_title": "实施顾问", "left": true, "version": li.Version})
		mWant(t, r, 200, `"left":true`)
		mWant(t, e.Do(t, apptest.PM, "GET", "/projects/"+a, nil), 200, "「项目管理」的 B 角 李娜 已离开项目")
		mWant(t, e.Do(t, apptest.PM, "GET", rbase, nil), 200, `"backup_left"`)
		// Someone who has left cannot take a new responsibility.
		mWant(t, e.Do(t, apptest.PM, "POST", rbase, map[string]any{"side": "vendor", "name": "配置", "primary_id": li.ID}), 400, "已离开")

		// The page form posts the same way, and a stale one names the conflict.
		form := url.Values{"side": {"customer"}, "name": {"数据提供"}, "primary_id": {itoa(wu.ID)}}
		mWant(t, e.Do(t, apptest.PM, "POST", "/projects/"+a+"/responsibilities", form.Encode()), 303)
		form = url.Values{"side": {"customer"}, "name": {""}, "primary_id": {itoa(wu.ID)}}
		mWant(t, e.Do(t, apptest.PM, "POST", "/projects/"+a+"/responsibilities", form.Encode()), 400, `id="resp-error"`)
		// Stakeholder page edit: stale version is the conflict page.
		sf := url.Values{"side": {"customer"}, "name": {"周建国"}, "version": {"99"}, "influence": {"3"}, "interest": {"3"}}
		mWant(t, e.Do(t, apptest.PM, "POST", "/projects/"+a+"/stakeholders/"+itoa(zhou.ID), sf.Encode()), 409, `id="conflict"`)
		// Removing a holder: the responsibility warns.
		mWant(t, e.Do(t, apptest.PM, "DELETE", base+"/"+itoa(wang.ID), nil), 204)
		mWant(t, e.Do(t, apptest.PM, "GET", rbase, nil), 200, `"primary_left"`)
	})
}

func TestMethodologyRACI(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := itoa(e.ProjectA.ID)
		mApply(t, e, e.ProjectA.ID, "2026-01-05", "2026-06-30")
		base := "/api/v1/projects/" + a + "/raci"
		var mx methodology.RACIMatrix
		e.Do(t, apptest.KeyUser, "GET", base, nil).JSON(t, &mx)
		if len(mx.Activities) != 11 || len(mx.Parties) < 6 {
			t.Fatalf("matrix %d activities, %d parties", len(mx.Activities), len(mx.Parties))
		}
		for _, act := range mx.Activities {
			n := 0
			for _, l := range act.Cells {
				if l == "A" {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%s has %d A", act.Name, n)
			}
		}
		// Exactly one A, by name; bad letters and parties are refused.
		mWant(t, e.Do(t, apptest.PM, "POST", base+"/activities", map[string]any{"name": "接口联调", "cells": map[string]string{"role:pm": "R"}}), 400, `"cells"`, "「接口联调」必须有且只有一个 A（当前 0 个）")
		mWant(t, e.Do(t, apptest.PM, "POST", base+"/activities", map[string]any{"name": "接口联调", "cells": map[string]string{"role:pm": "A", "role:developer": "A"}}), 400, "当前 2 个")
		mWant(t, e.Do(t, apptest.PM, "POST", base+"/activities", map[string]any{"name": "接口联调", "cells": map[string]string{"role:pm": "A", "role:developer": "X"}}), 400, `"cells"`)
		mWant(t, e.Do(t, apptest.PM, "POST", base+"/activities", map[string]any{"name": "接口联调", "cells": map[string]string{"role:boss": "A"}}), 400, "role:boss")
		mWant(t, e.Do(t, apptest.PM, "POST", base+"/activities", map[string]any{"name": "接口联调", "cells": map[string]string{"stakeholder:999999": "A"}}), 400, "stakeholder:999999")
		mWant(t, e.Do(t, apptest.Consultant, "POST", base+"/activities", map[string]any{"name": "接口联调", "cells": map[string]string{"role:pm": "A"}}), 403)
		r := e.Do(t, apptest.PM, "POST", base+"/activities", map[string]any{"name": "接口联调", "cells": map[string]string{"role:pm": "a", "role:developer": "r"}})
		mWant(t, r, 201, `"role:pm":"A"`, `"role:developer":"R"`)
		var act methodology.RACIActivity
		r.JSON(t, &act)
		mWant(t, e.Do(t, apptest.PM, "PATCH", base+"/activities/"+itoa(act.ID), map[string]any{"name": "接口联调", "cells": map[string]string{"role:developer": "A"}, "version": act.Version + 1}), 409)

		// The page editor: every invalid row is reported and nothing is saved.
		first, second := mx.Activities[0], mx.Activities[1]
		form := url.Values{"party": {"role:pm", "role:consultant"}}
		for _, x := range []methodology.RACIActivity{first, second} {
			s := itoa(x.ID)
			form.Add("activity", s)
			form.Set("name_"+s, x.Name)
			form.Set("version_"+s, itoa(x.Version))
			form.Set("cell_"+s+"_0", "R")
			form.Set("cell_"+s+"_1", "C")
		}
		r = e.Do(t, apptest.PM, "POST", "/projects/"+a+"/raci", form.Encode())
		mWant(t, r, 400, "「"+first.Name+"」必须有且只有一个 A", "「"+second.Name+"」必须有且只有一个 A")
		var after methodology.RACIMatrix
		e.Do(t, apptest.PM, "GET", base, nil).JSON(t, &after)
		if after.Activities[0].Version != first.Version {
			t.Errorf("a refused matrix save changed row 1")
		}
		form.Set("cell_"+itoa(first.ID)+"_0", "A")
		form.Set("cell_"+itoa(second.ID)+"_1", "A")
		mWant(t, e.Do(t, apptest.PM, "POST", "/projects/"+a+"/raci", form.Encode()), 303)
		// The matrix page prints on one page.
		r = e.Do(t, apptest.Executive, "GET", "/projects/"+a+"/raci", nil)
		mWant(t, r, 200, `class="table raci"`, "data-print", "项目经理")
		if strings.Contains(r.Body, "raci?edit=1") {
			t.Errorf("executive is offered the editor")
		}
		mWant(t, e.Do(t, apptest.Executive, "GET", "/projects/"+a+"/raci?edit=1", nil), 403)
		mWant(t, e.Do(t, apptest.PM, "GET", "/projects/"+a+"/raci?edit=1", nil), 200, `id="raci-form"`)
	})
}
