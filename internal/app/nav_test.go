package app_test

import (
	"regexp"
	"testing"

	"golive/internal/app/apptest"
	"golive/internal/db"
)

// Every entry of a project's navigation that a person is shown leads to a
// page they may open: no link in the sidebar ends in "not found".
func TestProjectNavigationLeadsSomewhere(t *testing.T) {
	e := apptest.New(t, db.SQLite)
	link := regexp.MustCompile(`<a href="(/projects/` + itoa(e.ProjectA.ID) + `[^"]*)"`)
	for _, who := range []apptest.Who{apptest.KeyUser, apptest.Executive, apptest.CustomerPM, apptest.Developer, apptest.Consultant, apptest.Finance, apptest.PM} {
		page := e.Do(t, who, "GET", "/projects/"+itoa(e.ProjectA.ID), nil)
		nav := page.Body
		if i := regexp.MustCompile(`<nav class="nav-group"`).FindStringIndex(nav); i != nil {
			nav = nav[i[0]:]
		}
		if j := regexp.MustCompile(`</nav>`).FindStringIndex(nav); j != nil {
			nav = nav[:j[0]]
		}
		links := link.FindAllStringSubmatch(nav, -1)
		if len(links) < 3 {
			t.Fatalf("%s: navigation has %d project links", who, len(links))
		}
		for _, l := range links {
			if r := e.Do(t, who, "GET", l[1], nil); r.Status != 200 {
				t.Errorf("%s: sidebar link %s answers %d", who, l[1], r.Status)
			}
		}
	}
}
