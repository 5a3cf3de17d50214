package web_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golive/internal/apperr"
	"golive/internal/web"
)

type changeIn struct {
	Name string `json:"name"`
}

type changeOut struct {
	Name string `json:"name"`
	ID   int64  `json:"id"`
}

func TestJSONChange(t *testing.T) {
	denied := errors.New("denied")
	failed := errors.New("failed")
	cases := []struct {
		name     string
		body     string
		check    error
		do       error
		wantErr  error  // returned as it is
		wantKey  string // an apperr key instead
		wantBody string // on success
		called   bool
	}{
		{name: "created", body: `{"name":"甲"}`, wantBody: `{"name":"甲","id":7}`, called: true},
		{name: "check refuses before the body is read", body: `{`, check: denied, wantErr: denied},
		{name: "bad body is not passed on", body: `{"name":`, wantKey: "error.json_syntax"},
		{name: "the change fails", body: `{"name":"x"}`, do: failed, wantErr: failed, called: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			c := &web.Ctx{W: rec, R: httptest.NewRequest(http.MethodPost, "/api/x", strings.NewReader(tc.body))}
			called := false
			err := web.JSONChange(c, http.StatusCreated, func() error { return tc.check }, func(in changeIn) (changeOut, error) {
				called = true
				return changeOut{Name: in.Name, ID: 7}, tc.do
			})
			if called != tc.called {
				t.Fatalf("change called = %v, want %v", called, tc.called)
			}
			switch {
			case tc.wantErr != nil:
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
			case tc.wantKey != "":
				if e := apperr.As(err); e == nil || e.Key != tc.wantKey {
					t.Fatalf("err = %v, want key %s", err, tc.wantKey)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if rec.Code != http.StatusCreated || strings.TrimSpace(rec.Body.String()) != tc.wantBody {
					t.Fatalf("answer %d %s, want 201 %s", rec.Code, rec.Body.String(), tc.wantBody)
				}
			}
			if err != nil && rec.Body.Len() != 0 {
				t.Fatalf("an error wrote a body: %s", rec.Body.String())
			}
		})
	}
}

func TestProjectPathID(t *testing.T) {
	cases := []struct {
		id, rid       string
		wantP, wantID int64
		notFound      bool
	}{
		{"3", "17", 3, 17, false},
		{"x", "17", 0, 0, true},
		{"3", "0", 0, 0, true},
		{"3", "-2", 0, 0, true},
	}
	for _, tc := range cases {
		req := httptest.NewRequest(http.MethodGet, "/x", nil)
		req.SetPathValue("id", tc.id)
		req.SetPathValue("rid", tc.rid)
		p, id, err := (&web.Ctx{R: req}).ProjectPathID("rid")
		if tc.notFound {
			if apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("%s/%s: err %v, want not found", tc.id, tc.rid, err)
			}
			continue
		}
		if err != nil || p != tc.wantP || id != tc.wantID {
			t.Errorf("%s/%s: %d %d %v", tc.id, tc.rid, p, id, err)
		}
	}
}
