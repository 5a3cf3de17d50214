package web

import (
	"bytes"
	"database/sql"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// metricsBuckets are the latency histogram's upper bounds in seconds.
var metricsBuckets = [...]float64{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// metricsBucketBounds mirrors metricsBuckets as durations so the hot path
// compares integers.
var metricsBucketBounds = func() (b [len(metricsBuckets)]time.Duration) {
	for i, s := range metricsBuckets {
		b[i] = time.Duration(s * float64(time.Second))
	}
	return b
}()

// metricsMethods are the label values for method; anything else is "OTHER"
// because clients can send arbitrary method tokens.
var metricsMethods = [...]string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace, "OTHER",
}

const (
	// metricsMaxRoutes bounds the route label set should a caller's route
	// function ever return raw paths; later routes share "other".
	metricsMaxRoutes = 500
	// net/http rejects status codes outside 100..999.
	metricsMinCode = 100
	metricsNumCode = 900
)

// Metrics collects HTTP and process metrics and serves them in the
// Prometheus text exposition format.
//
// The request path takes no lock: routes live in a copy-on-write map behind
// an atomic pointer (a new route is rare, a lookup is every request), and
// every counter is an atomic.
type Metrics struct {
	routes   atomic.Pointer[map[string]*metricsRoute]
	routesMu sync.Mutex // serialises copy-on-write of routes

	dbMu sync.Mutex
	dbs  []metricsDB
}

type metricsDB struct {
	pool  string
	stats func() sql.DBStats
}

type metricsRoute struct {
	name string
	// buckets counts observations per bucket, not cumulatively, the last
	// slot being +Inf; cumulating at scrape time from one pass keeps the
	// exposed buckets monotonic and +Inf equal to _count under concurrency.
	buckets  [len(metricsBuckets) + 1]atomic.Uint64
	sumNanos atomic.Uint64
	// codes is allocated per method on first use: most routes carry their
	// method in the pattern, so usually a single table exists.
	codes [len(metricsMethods)]atomic.Pointer[[metricsNumCode]atomic.Uint64]
}

// NewMetrics returns an empty collector.
func NewMetrics() *Metrics {
	m := &Metrics{}
	empty := map[string]*metricsRoute{}
	m.routes.Store(&empty)
	return m
}

// Middleware wraps next; route returns the matched route pattern for the
// request AFTER next has run (e.g. func(r *http.Request) string { return
// r.Pattern }), so labels never contain raw ids. A nil route uses
// r.Pattern. An empty pattern is labelled "unmatched".
//
// It records a request count by route, method and status code and a latency
// histogram by route.
func (m *Metrics) Middleware(next http.Handler, route func(*http.Request) string) http.Handler {
	if route == nil {
		route = func(r *http.Request) string { return r.Pattern }
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &accessRecorder{ResponseWriter: w}
		finished := false
		defer func() {
			status := rec.Status()
			if !finished && !rec.wroteHeader {
				status = http.StatusInternalServerError
			}
			m.observe(route(r), r.Method, status, time.Since(start))
		}()
		next.ServeHTTP(rec, r)
		finished = true
	})
}

func (m *Metrics) observe(route, method string, code int, d time.Duration) {
	rt := m.route(route)
	i := 0
	for i < len(metricsBucketBounds) && d > metricsBucketBounds[i] {
		i++
	}
	rt.buckets[i].Add(1)
	if d > 0 {
		rt.sumNanos.Add(uint64(d))
	}
	mi := metricsMethodIndex(method)
	tab := rt.codes[mi].Load()
	if tab == nil {
		tab = new([metricsNumCode]atomic.Uint64)
		if !rt.codes[mi].CompareAndSwap(nil, tab) {
			tab = rt.codes[mi].Load()
		}
	}
	if c := code - metricsMinCode; c >= 0 && c < metricsNumCode {
		tab[c].Add(1)
	}
}

func (m *Metrics) route(name string) *metricsRoute {
	if name == "" {
		name = "unmatched"
	}
	if rt, ok := (*m.routes.Load())[name]; ok {
		return rt
	}
	m.routesMu.Lock()
	defer m.routesMu.Unlock()
	old := *m.routes.Load()
	if rt, ok := old[name]; ok {
		return rt
	}
	if len(old) >= metricsMaxRoutes {
		name = "other"
		if rt, ok := old[name]; ok {
			return rt
		}
	}
	next := make(map[string]*metricsRoute, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	rt := &metricsRoute{name: name}
	next[name] = rt
	m.routes.Store(&next)
	return rt
}

func metricsMethodIndex(method string) int {
	for i, mm := range metricsMethods[:len(metricsMethods)-1] {
		if method == mm {
			return i
		}
	}
	return len(metricsMethods) - 1
}

// AddDBStats registers a database pool whose sql.DBStats are exported on
// every scrape; registering the same pool name again replaces it.
func (m *Metrics) AddDBStats(pool string, stats func() sql.DBStats) {
	m.dbMu.Lock()
	defer m.dbMu.Unlock()
	for i := range m.dbs {
		if m.dbs[i].pool == pool {
			m.dbs[i].stats = stats
			return
		}
	}
	m.dbs = append(m.dbs, metricsDB{pool: pool, stats: stats})
}

// Handler serves the metrics for GET (and HEAD) in the Prometheus text
// format 0.0.4. version is exported as golive_build_info{version}.
func (m *Metrics) Handler(version string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		var buf bytes.Buffer
		m.writeText(&buf, version)
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write(buf.Bytes())
	})
}

func (m *Metrics) writeText(b *bytes.Buffer, version string) {
	routes := make([]*metricsRoute, 0, len(*m.routes.Load()))
	for _, rt := range *m.routes.Load() {
		routes = append(routes, rt)
	}
	slices.SortFunc(routes, func(a, b *metricsRoute) int { return strings.Compare(a.name, b.name) })

	metricsHeader(b, "golive_http_requests_total", "counter", "HTTP requests by matched route, method and status code.")
	for _, rt := range routes {
		for mi := range rt.codes {
			tab := rt.codes[mi].Load()
			if tab == nil {
				continue
			}
			for c := range tab {
				n := tab[c].Load()
				if n == 0 {
					continue
				}
				b.WriteString("golive_http_requests_total{route=")
				metricsQuote(b, rt.name)
				b.WriteString(",method=")
				metricsQuote(b, metricsMethods[mi])
				b.WriteString(`,code="`)
				b.WriteString(strconv.Itoa(c + metricsMinCode))
				b.WriteString(`"} `)
				b.WriteString(strconv.FormatUint(n, 10))
				b.WriteByte('\n')
			}
		}
	}

	metricsHeader(b, "golive_http_request_duration_seconds", "histogram", "HTTP request latency by matched route.")
	for _, rt := range routes {
		var cum uint64
		for i := range rt.buckets {
			cum += rt.buckets[i].Load()
			b.WriteString("golive_http_request_duration_seconds_bucket{route=")
			metricsQuote(b, rt.name)
			b.WriteString(`,le="`)
			if i < len(metricsBuckets) {
				b.WriteString(strconv.FormatFloat(metricsBuckets[i], 'g', -1, 64))
			} else {
				b.WriteString("+Inf")
			}
			b.WriteString(`"} `)
			b.WriteString(strconv.FormatUint(cum, 10))
			b.WriteByte('\n')
		}
		b.WriteString("golive_http_request_duration_seconds_sum{route=")
		metricsQuote(b, rt.name)
		b.WriteString("} ")
		b.WriteString(strconv.FormatFloat(float64(rt.sumNanos.Load())/1e9, 'g', -1, 64))
		b.WriteString("\ngolive_http_request_duration_seconds_count{route=")
		metricsQuote(b, rt.name)
		b.WriteString("} ")
		b.WriteString(strconv.FormatUint(cum, 10))
		b.WriteByte('\n')
	}

	m.dbMu.Lock()
	dbs := slices.Clone(m.dbs)
	m.dbMu.Unlock()
	if len(dbs) > 0 {
		slices.SortFunc(dbs, func(a, b metricsDB) int { return strings.Compare(a.pool, b.pool) })
		stats := make([]sql.DBStats, len(dbs))
		for i, d := range dbs {
			stats[i] = d.stats()
		}
		gauges := []struct {
			name, typ, help string
			value           func(s sql.DBStats) float64
		}{
			{"golive_db_open_connections", "gauge", "Open connections, in use and idle.", func(s sql.DBStats) float64 { return float64(s.OpenConnections) }},
			{"golive_db_in_use", "gauge", "Connections currently in use.", func(s sql.DBStats) float64 { return float64(s.InUse) }},
			{"golive_db_idle", "gauge", "Idle connections.", func(s sql.DBStats) float64 { return float64(s.Idle) }},
			{"golive_db_max_open_connections", "gauge", "Configured maximum of open connections (0 = unlimited).", func(s sql.DBStats) float64 { return float64(s.MaxOpenConnections) }},
			{"golive_db_wait_count_total", "counter", "Connections waited for.", func(s sql.DBStats) float64 { return float64(s.WaitCount) }},
			{"golive_db_wait_duration_seconds_total", "counter", "Time spent waiting for a connection.", func(s sql.DBStats) float64 { return s.WaitDuration.Seconds() }},
		}
		for _, g := range gauges {
			metricsHeader(b, g.name, g.typ, g.help)
			for i, d := range dbs {
				b.WriteString(g.name)
				b.WriteString("{pool=")
				metricsQuote(b, d.pool)
				b.WriteString("} ")
				b.WriteString(strconv.FormatFloat(g.value(stats[i]), 'g', -1, 64))
				b.WriteByte('\n')
			}
		}
	}

	metricsHeader(b, "go_goroutines", "gauge", "Number of goroutines that currently exist.")
	b.WriteString("go_goroutines ")
	b.WriteString(strconv.Itoa(runtime.NumGoroutine()))
	b.WriteByte('\n')

	if rss, ok := metricsRSS(); ok {
		metricsHeader(b, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.")
		b.WriteString("process_resident_memory_bytes ")
		b.WriteString(strconv.FormatUint(rss, 10))
		b.WriteByte('\n')
	}

	metricsHeader(b, "golive_build_info", "gauge", "Build information; the value is always 1.")
	b.WriteString("golive_build_info{version=")
	metricsQuote(b, version)
	b.WriteString(",goversion=")
	metricsQuote(b, runtime.Version())
	b.WriteString("} 1\n")
}

func metricsHeader(b *bytes.Buffer, name, typ, help string) {
	b.WriteString("# HELP ")
	b.WriteString(name)
	b.WriteByte(' ')
	b.WriteString(help)
	b.WriteString("\n# TYPE ")
	b.WriteString(name)
	b.WriteByte(' ')
	b.WriteString(typ)
	b.WriteByte('\n')
}

// metricsQuote writes a label value in double quotes with the escapes the
// exposition format defines: backslash, double quote and newline.
func metricsQuote(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}

// metricsRSS reads the resident set from /proc/self/statm (Linux only); the
// second field counts pages.
func metricsRSS() (uint64, bool) {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, false
	}
	fields := strings.Fields(string(data))
	if len(fields) < 2 {
		return 0, false
	}
	pages, err := strconv.ParseUint(fields[1], 10, 64)
	if err != nil {
		return 0, false
	}
	return pages * uint64(os.Getpagesize()), true
}
