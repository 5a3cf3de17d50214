package web

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

var accessTestHexID = regexp.MustCompile(`^[0-9a-f]{16}$`)

// accessTestLogger returns a logger writing JSON lines to the returned buffer.
func accessTestLogger() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(slog.NewJSONHandler(&buf, nil)), &buf
}

// accessTestLines decodes every JSON log line in buf.
func accessTestLines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

func TestAccessLogLine(t *testing.T) {
	log, buf := accessTestLogger()
	var seenID string
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		seenID = RequestID(r.Context())
		io.WriteString(w, "hello")
	})
	h := AccessLog(log, mux)

	req := httptest.NewRequest(http.MethodGet, "/items/42?token=secret", nil)
	req.RemoteAddr = "203.0.113.9:5555"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)

	id := rec.Header().Get("X-Request-ID")
	if !accessTestHexID.MatchString(id) {
		t.Fatalf("X-Request-ID = %q, want 16 hex chars", id)
	}
	if seenID != id {
		t.Errorf("RequestID in handler = %q, header %q", seenID, id)
	}
	if strings.Contains(buf.String(), "secret") {
		t.Errorf("query string leaked into the log: %s", buf)
	}
	lines := accessTestLines(t, buf)
	if len(lines) != 1 {
		t.Fatalf("%d log lines, want 1", len(lines))
	}
	l := lines[0]
	for k, want := range map[string]any{
		"level": "INFO", "msg": "http", "method": "GET", "path": "/items/42",
		"route": "GET /items/{id}", "status": 200.0, "bytes": 5.0,
		"remote": "203.0.113.9", "request_id": id,
	} {
		if l[k] != want {
			t.Errorf("%s = %#v, want %#v", k, l[k], want)
		}
	}
	if d, ok := l["duration_ms"].(float64); !ok || d < 0 {
		t.Errorf("duration_ms = %#v", l["duration_ms"])
	}
	if RequestID(req.Context()) != "" {
		t.Error("caller's context modified")
	}
}

func TestAccessLogStatus(t *testing.T) {
	cases := []struct {
		name    string
		handler http.HandlerFunc
		status  float64
		bytes   float64
	}{
		{"nothing written", func(http.ResponseWriter, *http.Request) {}, 200, 0},
		{"explicit", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, 404, 19},
		{"first WriteHeader wins", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusAccepted)
			w.WriteHeader(http.StatusTeapot)
		}, 202, 0},
		{"1xx is not final", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusNoContent)
		}, 204, 0},
		{"io.Copy via ReadFrom", func(w http.ResponseWriter, r *http.Request) {
			io.Copy(w, strings.NewReader("0123456789"))
		}, 200, 10},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			log, buf := accessTestLogger()
			AccessLog(log, c.handler).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
			l := accessTestLines(t, buf)[0]
			if l["status"] != c.status || l["bytes"] != c.bytes {
				t.Errorf("status %v bytes %v, want %v %v", l["status"], l["bytes"], c.status, c.bytes)
			}
			if l["route"] != "" {
				t.Errorf("route = %v without a mux", l["route"])
			}
		})
	}
}

func TestAccessLogIncomingRequestID(t *testing.T) {
	long := strings.Repeat("a", 64)
	for in, keep := range map[string]bool{
		"abc-123.X_y":          true,
		long:                   true,
		long + "a":             false,
		"bad id":               false,
		"inject\"quote":        false,
		"ünïcode":              false,
		"evil\r\nSet-Cookie:x": false,
	} {
		log, buf := accessTestLogger()
		var seen string
		h := AccessLog(log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = RequestID(r.Context()) }))
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("X-Request-ID", in)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		got := rec.Header().Get("X-Request-ID")
		if keep && got != in {
			t.Errorf("valid id %q replaced by %q", in, got)
		}
		if !keep && !accessTestHexID.MatchString(got) {
			t.Errorf("invalid id %q gave %q, want a fresh one", in, got)
		}
		if seen != got || accessTestLines(t, buf)[0]["request_id"] != got {
			t.Errorf("id %q: context %q, header %q, log disagree", in, seen, got)
		}
	}
}

func TestAccessLogPanicStillLogged(t *testing.T) {
	log, buf := accessTestLogger()
	h := AccessLog(log, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }))
	func() {
		defer func() { _ = recover() }()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	}()
	lines := accessTestLines(t, buf)
	if len(lines) != 1 || lines[0]["status"] != 500.0 {
		t.Errorf("lines = %v, want one with status 500", lines)
	}
}

func TestAccessLogFlush(t *testing.T) {
	// Recorder: the type assertion path used by most SSE code.
	rec := httptest.NewRecorder()
	h := AccessLog(slog.New(slog.DiscardHandler), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := w.(http.Flusher)
		if !ok {
			t.Fatal("wrapped writer is not an http.Flusher")
		}
		io.WriteString(w, "data: 1\n\n")
		f.Flush()
	}))
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if !rec.Flushed {
		t.Error("Flush did not reach the underlying writer")
	}

	// Real server: the event must arrive while the handler is still
	// running, and ResponseController must find the connection via Unwrap.
	release := make(chan struct{})
	ctrlErr := make(chan error, 1)
	log, buf := accessTestLogger()
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		ctrlErr <- rc.SetWriteDeadline(time.Now().Add(time.Minute))
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: hello\n\n")
		if err := rc.Flush(); err != nil {
			t.Errorf("ResponseController.Flush: %v", err)
		}
		<-release
	})
	srv := httptest.NewServer(NewMetrics().Middleware(AccessLog(log, inner), nil))
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := <-ctrlErr; err != nil {
		t.Errorf("SetWriteDeadline through the wrapper: %v", err)
	}
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(res.Body).ReadString('\n')
		got <- line
	}()
	select {
	case line := <-got:
		if line != "data: hello\n" {
			t.Errorf("first line = %q", line)
		}
	case <-time.After(5 * time.Second):
		t.Error("event not flushed to the client")
	}
	close(release)
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	srv.Close()
	if l := accessTestLines(t, buf); len(l) != 1 || l[0]["bytes"] != 13.0 {
		t.Errorf("log after stream = %v", l)
	}
}

func TestAccessLogPatternVisibleToOuterMetrics(t *testing.T) {
	m := NewMetrics()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /projects/{id}", func(http.ResponseWriter, *http.Request) {})
	// AccessLog clones the request to carry the id; the pattern the mux sets
	// on the clone must still reach the outer middleware.
	h := m.Middleware(AccessLog(slog.New(slog.DiscardHandler), mux), func(r *http.Request) string { return r.Pattern })
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/projects/7", nil))
	s, _ := metricsTestScrape(t, m)
	if s[`golive_http_requests_total{route="GET /projects/{id}",method="GET",code="200"}`] != 1 {
		t.Error("outer Metrics did not see the matched pattern")
	}
}
