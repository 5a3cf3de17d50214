package web

import (
	"bufio"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// metricsTestScrape fetches /metrics and returns the samples keyed by
// `name{labels}` exactly as exposed, plus the raw text.
func metricsTestScrape(t testing.TB, m *Metrics) (map[string]float64, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler("v1.2.3").ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type = %q", ct)
	}
	body := rec.Body.String()
	samples := map[string]float64{}
	typed := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			t.Errorf("empty line in exposition")
			continue
		}
		if strings.HasPrefix(line, "# TYPE ") {
			name := strings.Fields(line)[2]
			if typed[name] {
				t.Errorf("TYPE for %s given twice", name)
			}
			typed[name] = true
			continue
		}
		if strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			t.Fatalf("malformed line %q", line)
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("bad value in %q: %v", line, err)
		}
		key := line[:i]
		if _, dup := samples[key]; dup {
			t.Errorf("duplicate sample %q", key)
		}
		samples[key] = v
	}
	return samples, body
}

func metricsTestMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /projects/{id}", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.PathValue("id"))
	})
	mux.HandleFunc("POST /projects", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
	})
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(30 * time.Millisecond)
	})
	mux.HandleFunc("/static/", func(w http.ResponseWriter, r *http.Request) {})
	return mux
}

func metricsTestDo(h http.Handler, method, target string) int {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec.Code
}

func TestMetricsCountsAndHistogram(t *testing.T) {
	m := NewMetrics()
	h := m.Middleware(metricsTestMux(), func(r *http.Request) string { return r.Pattern })

	for i := range 3 {
		metricsTestDo(h, http.MethodGet, fmt.Sprintf("/projects/%d", i+100))
	}
	metricsTestDo(h, http.MethodPost, "/projects")
	metricsTestDo(h, http.MethodPost, "/projects")
	metricsTestDo(h, http.MethodGet, "/slow")
	metricsTestDo(h, http.MethodGet, "/static/a.css")
	metricsTestDo(h, http.MethodHead, "/static/b.css")
	metricsTestDo(h, http.MethodGet, "/no/such/page/12345")
	metricsTestDo(h, "BREW", "/no/such/page")

	s, body := metricsTestScrape(t, m)
	if strings.Contains(body, "12345") || strings.Contains(body, "/projects/10") {
		t.Errorf("raw path leaked into labels:\n%s", body)
	}
	want := map[string]float64{
		`golive_http_requests_total{route="GET /projects/{id}",method="GET",code="200"}`: 3,
		`golive_http_requests_total{route="POST /projects",method="POST",code="201"}`:    2,
		`golive_http_requests_total{route="GET /slow",method="GET",code="200"}`:          1,
		`golive_http_requests_total{route="/static/",method="GET",code="200"}`:           1,
		`golive_http_requests_total{route="/static/",method="HEAD",code="200"}`:          1,
		`golive_http_requests_total{route="unmatched",method="GET",code="404"}`:          1,
		`golive_http_requests_total{route="unmatched",method="OTHER",code="404"}`:        1,
		`golive_build_info{version="v1.2.3",goversion="` + runtime.Version() + `"}`:      1,
	}
	for k, v := range want {
		if got, ok := s[k]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
		}
	}

	routes := map[string]float64{"GET /projects/{id}": 3, "POST /projects": 2, "GET /slow": 1, "/static/": 2, "unmatched": 2}
	for route, n := range routes {
		lbl := `route="` + route + `"`
		prev := -1.0
		for _, le := range append(metricsBucketLabels(), "+Inf") {
			k := `golive_http_request_duration_seconds_bucket{` + lbl + `,le="` + le + `"}`
			v, ok := s[k]
			if !ok {
				t.Fatalf("missing %s", k)
			}
			if v < prev {
				t.Errorf("%s: bucket le=%s = %v below previous %v", route, le, v, prev)
			}
			prev = v
		}
		count := s[`golive_http_request_duration_seconds_count{`+lbl+`}`]
		if prev != count || count != n {
			t.Errorf("%s: +Inf %v, _count %v, want %v", route, prev, count, n)
		}
		sum, ok := s[`golive_http_request_duration_seconds_sum{`+lbl+`}`]
		if !ok || sum < 0 || (count == 0) != (sum == 0) {
			t.Errorf("%s: _sum %v inconsistent with _count %v", route, sum, count)
		}
	}
	// The sleep is a lower bound, so only the fast buckets can be asserted.
	if v := s[`golive_http_request_duration_seconds_bucket{route="GET /slow",le="0.025"}`]; v != 0 {
		t.Errorf("30ms request counted under 25ms")
	}
	if v := s[`golive_http_request_duration_seconds_sum{route="GET /slow"}`]; v < 0.03 {
		t.Errorf("slow _sum = %v, want >= 0.03", v)
	}

	if _, ok := s["go_goroutines"]; !ok {
		t.Error("go_goroutines missing")
	}
	if runtime.GOOS == "linux" {
		if v := s["process_resident_memory_bytes"]; v < 1<<20 {
			t.Errorf("process_resident_memory_bytes = %v", v)
		}
	}
}

func metricsBucketLabels() []string {
	var out []string
	for _, b := range metricsBuckets {
		out = append(out, strconv.FormatFloat(b, 'g', -1, 64))
	}
	return out
}

func TestMetricsDBStatsAndEscaping(t *testing.T) {
	m := NewMetrics()
	m.AddDBStats("main", func() sql.DBStats {
		return sql.DBStats{OpenConnections: 5, InUse: 2, Idle: 3, WaitCount: 7, WaitDuration: 1500 * time.Millisecond}
	})
	m.AddDBStats("odd\"pool\\name\nx", func() sql.DBStats { return sql.DBStats{OpenConnections: 1} })
	h := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}),
		func(*http.Request) string { return "we\"ird\\route\nname" })
	metricsTestDo(h, http.MethodGet, "/")

	s, body := metricsTestScrape(t, m)
	for k, v := range map[string]float64{
		`golive_db_open_connections{pool="main"}`:                                  5,
		`golive_db_in_use{pool="main"}`:                                            2,
		`golive_db_idle{pool="main"}`:                                              3,
		`golive_db_wait_count_total{pool="main"}`:                                  7,
		`golive_db_wait_duration_seconds_total{pool="main"}`:                       1.5,
		`golive_db_open_connections{pool="odd\"pool\\name\nx"}`:                    1,
		`golive_http_request_duration_seconds_count{route="we\"ird\\route\nname"}`: 1,
	} {
		if got, ok := s[k]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	if !strings.Contains(body, "# TYPE golive_db_wait_count_total counter\n") ||
		!strings.Contains(body, "# TYPE golive_db_in_use gauge\n") ||
		!strings.Contains(body, "# TYPE golive_http_request_duration_seconds histogram\n") {
		t.Errorf("TYPE lines missing:\n%s", body)
	}

	// Re-registering a pool replaces it rather than duplicating the series
	// (the scrape helper fails on duplicates).
	m.AddDBStats("main", func() sql.DBStats { return sql.DBStats{OpenConnections: 9} })
	if s, _ := metricsTestScrape(t, m); s[`golive_db_open_connections{pool="main"}`] != 9 {
		t.Error("AddDBStats did not replace the pool")
	}
}

func TestMetricsHandlerMethods(t *testing.T) {
	m := NewMetrics()
	if code := metricsTestDo(m.Handler("x"), http.MethodPost, "/metrics"); code != http.StatusMethodNotAllowed {
		t.Errorf("POST /metrics = %d", code)
	}
	rec := httptest.NewRecorder()
	m.Handler("x").ServeHTTP(rec, httptest.NewRequest(http.MethodHead, "/metrics", nil))
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Errorf("HEAD = %d with %d bytes", rec.Code, rec.Body.Len())
	}
}

func TestMetricsPanicCountedAs500(t *testing.T) {
	m := NewMetrics()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("boom") })
	h := m.Middleware(mux, nil)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("panic swallowed")
			}
		}()
		metricsTestDo(h, http.MethodGet, "/boom")
	}()
	s, _ := metricsTestScrape(t, m)
	if s[`golive_http_requests_total{route="GET /boom",method="GET",code="500"}`] != 1 {
		t.Error("panicking request not counted as 500")
	}
}

func TestMetricsRouteCardinalityCap(t *testing.T) {
	m := NewMetrics()
	n := 0
	h := m.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}),
		func(*http.Request) string { n++; return fmt.Sprintf("/raw/%d", n) })
	for range metricsMaxRoutes + 50 {
		metricsTestDo(h, http.MethodGet, "/")
	}
	if got := len(*m.routes.Load()); got > metricsMaxRoutes+1 {
		t.Errorf("%d routes kept, cap is %d", got, metricsMaxRoutes)
	}
	s, _ := metricsTestScrape(t, m)
	if s[`golive_http_request_duration_seconds_count{route="other"}`] != 50 {
		t.Errorf("overflow routes not folded into \"other\"")
	}
}

func TestMetricsConcurrent(t *testing.T) {
	m := NewMetrics()
	h := m.Middleware(metricsTestMux(), nil)
	const workers, per = 8, 200
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range per {
				if i%50 == 0 {
					// Scrapes race with requests; the race detector and the
					// final totals check them. t.Fatal is not usable here.
					m.Handler("x").ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/metrics", nil))
				}
				metricsTestDo(h, http.MethodGet, fmt.Sprintf("/projects/%d", w*per+i))
			}
		})
	}
	wg.Wait()
	s, _ := metricsTestScrape(t, m)
	if got := s[`golive_http_requests_total{route="GET /projects/{id}",method="GET",code="200"}`]; got != workers*per {
		t.Errorf("count = %v, want %d", got, workers*per)
	}
	if got := s[`golive_http_request_duration_seconds_count{route="GET /projects/{id}"}`]; got != workers*per {
		t.Errorf("histogram count = %v, want %d", got, workers*per)
	}
}

// metricsNopWriter avoids httptest.ResponseRecorder's allocations so the
// benchmark measures the middleware.
type metricsNopWriter struct{ h http.Header }

func (w *metricsNopWriter) Header() http.Header         { return w.h }
func (w *metricsNopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *metricsNopWriter) WriteHeader(int)             {}

func BenchmarkMetricsMiddlewareParallel(b *testing.B) {
	m := NewMetrics()
	routes := []string{"GET /projects/{id}", "GET /projects", "POST /projects", "GET /health"}
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	h := m.Middleware(inner, func(r *http.Request) string { return r.Pattern })
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		w := &metricsNopWriter{h: http.Header{}}
		reqs := make([]*http.Request, len(routes))
		for i, rt := range routes {
			reqs[i] = httptest.NewRequest(http.MethodGet, "/x", nil)
			reqs[i].Pattern = rt
		}
		i := 0
		for pb.Next() {
			h.ServeHTTP(w, reqs[i%len(reqs)])
			i++
		}
	})
}
