package app_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/db"
)

// The plan import accepts files beyond the 1 MiB limit of ordinary forms:
// a 2 MB upload reaches the importer (which judges its content) instead of
// being cut off as an oversized body.
func TestPlanImportAcceptsLargerUploads(t *testing.T) {
	e := apptest.New(t, db.SQLite)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "计划.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(bytes.Repeat([]byte("x"), 2<<20))
	mw.Close()
	req, _ := http.NewRequest("POST", e.URL+"/projects/"+itoa(e.ProjectA.ID)+"/plan/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: "golive_session", Value: e.Users[apptest.PM].Session})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || strings.Contains(out.String(), "请求内容超过") {
		t.Fatalf("2 MB upload: status %d, body mentions the size limit: %v", resp.StatusCode, strings.Contains(out.String(), "请求内容超过"))
	}
}
