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
	"golive/internal/work"
)

func uploadMSPDI(t *testing.T, e *apptest.Env, who apptest.Who, data []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "plan.xml")
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", e.URL+"/projects/"+strconv.FormatInt(e.ProjectA.ID, 10)+"/plan/import/mspdi", &body)
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

// The page: a refused file is a 400 with the reason; a file with a bad
// row is a 422 preview naming MS Project's task ID; "only the valid rows"
// then imports the rest.
func TestMSPDIImportWeb(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		if st, body := uploadMSPDI(t, e, apptest.PM, []byte(`<!DOCTYPE x [<!ENTITY a "b">]><Project/>`)); st != 400 || !strings.Contains(body, "DOCTYPE") {
			t.Fatalf("doctype: %d", st)
		}
		bad := strings.Replace(string(sampleMSPDI(t)), "<PredecessorUID>11</PredecessorUID>", "<PredecessorUID>77</PredecessorUID>", 1)
		st, body := uploadMSPDI(t, e, apptest.PM, []byte(bad))
		if st != 422 || !strings.Contains(body, `id="plan-issues"`) || !strings.Contains(body, "唯一标识号 77") || !strings.Contains(body, `<td class="num">12</td>`) {
			t.Fatalf("bad row: %d %s", st, body)
		}
		m := regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`).FindStringSubmatch(body)
		if m == nil || !strings.Contains(body, `id="plan-apply-valid"`) {
			t.Fatalf("no valid-rows apply: %s", body)
		}
		path := "/projects/" + strconv.FormatInt(e.ProjectA.ID, 10) + "/plan/import/mspdi"
		// Another user cannot apply the PM's upload.
		if r := e.Do(t, apptest.Consultant, "POST", path, url.Values{"token": {m[1]}, "valid_only": {"1"}}.Encode()); r.Status != 400 {
			t.Fatalf("consultant applies the PM's upload: %d", r.Status)
		}
		if r := e.Do(t, apptest.PM, "POST", path, url.Values{"token": {m[1]}, "valid_only": {"1"}}.Encode()); r.Status != 303 {
			t.Fatalf("apply valid: %d %s", r.Status, r.Body)
		}
		ts, _, _ := e.App.Work.All(ctx, p(e, apptest.PM), e.ProjectA.ID, work.Filter{})
		if len(ts) != 14 {
			t.Fatalf("%d tasks imported, want the 14 valid rows", len(ts))
		}
	})
}
