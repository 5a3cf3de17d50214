package work_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/db"
	"golive/internal/work"
)

// uploadPlan posts a file to the import page as who (multipart, which
// apptest.Env.Do does not send).
func uploadPlan(t *testing.T, e *apptest.Env, who apptest.Who, data []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "plan.xlsx")
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", e.URL+"/projects/"+strconv.FormatInt(e.ProjectA.ID, 10)+"/plan/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: "golive_session", Value: e.Users[who].Session})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestPlanImportWeb(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.ProjectA.ID
		tk := mustCreate(t, e, apptest.PM, a, work.Input{Title: "上线准备", StartDate: "2026-03-02", DueDate: "2026-03-06"})
		path := "/projects/" + strconv.FormatInt(a, 10) + "/plan/import"
		if r := e.Do(t, apptest.PM, "GET", path, nil); r.Status != 200 || !strings.Contains(r.Body, `name="file"`) {
			t.Fatalf("form %d", r.Status)
		}

		// A corrupt file: a clear message, nothing else.
		if st, body := uploadPlan(t, e, apptest.PM, []byte("not a spreadsheet")); st != 400 || !strings.Contains(body, "不是有效的 Excel") {
			t.Fatalf("corrupt: %d", st)
		}

		// A bad row: the preview names its line; the apply button is
		// "valid rows only".
		f, sh, line := planSheet(t, e)
		l := strconv.Itoa(line["上线准备"])
		f.SetCellValue(sh, "E"+l, "2026-02-01")
		f.SetCellValue(sh, "C9", "新增的任务")
		st, body := uploadPlan(t, e, apptest.PM, bytesOf(t, f))
		if st != 422 || !strings.Contains(body, `<td class="num">`+l+`</td>`) || !strings.Contains(body, "plan-apply-valid") {
			t.Fatalf("preview %d: %s", st, body)
		}
		tok := regexp.MustCompile(`name="token" value="([0-9a-f]+)"`).FindStringSubmatch(body)
		if tok == nil {
			t.Fatal("no token")
		}
		// Another user cannot apply someone else's upload.
		if r := e.Do(t, apptest.Consultant, "POST", path, url.Values{"token": {tok[1]}, "valid_only": {"1"}}.Encode()); r.Status != 400 {
			t.Errorf("foreign token: %d", r.Status)
		}
		// Applying without choosing "valid rows only" writes nothing.
		if r := e.Do(t, apptest.PM, "POST", path, url.Values{"token": {tok[1]}}.Encode()); r.Status != 422 {
			t.Errorf("apply with bad rows: %d", r.Status)
		}
		// The apply may reach another process behind the load balancer: the
		// upload waits in the database, not in the previewing process.
		applier := e
		if e.Dialect == db.Postgres {
			applier = apptest.Shared(t, e)
		}
		if r := applier.Do(t, apptest.PM, "POST", path, url.Values{"token": {tok[1]}, "valid_only": {"1"}}.Encode()); r.Status != 303 {
			t.Fatalf("apply valid rows: %d %s", r.Status, r.Body)
		}
		var n int
		e.App.DB.QueryRow(ctx, `SELECT COUNT(*) FROM tasks WHERE project_id = ? AND title = ?`, a, "新增的任务").Scan(&n)
		if n != 1 {
			t.Error("the valid row was not imported")
		}
		if got, _, _ := e.App.Work.Get(ctx, p(e, apptest.PM), a, tk.ID); got.DueDate != "2026-03-06" {
			t.Error("the bad row was imported")
		}
		// Customers never import.
		if st, _ := uploadPlan(t, e, apptest.CustomerPM, bytesOf(t, f)); st != 403 {
			t.Errorf("customer: %d", st)
		}
	})
}
