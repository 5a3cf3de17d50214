package app_test

// Benchmarks of the work module's hot reads (docs/benchmarks.md): the
// board of a large project and a page of its task list. Like
// bench_test.go they drive the whole handler chain in process; the
// figures over HTTP with wrk come from scripts/load_work.sh.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"golive/internal/app/apptest"
	"golive/internal/db"
	"golive/internal/live"
	"golive/internal/work"
)

// seedTasks adds n tasks to project A in one transaction: statuses spread
// like a live project (to do 40 %, in progress 15 %, review 10 %, done
// 30 %, cancelled 5 %), one or two assignees, labels, a checklist on
// every fifth, half of them visible to the customer.
func seedTasks(tb testing.TB, e *apptest.Env, n int) {
	tb.Helper()
	ctx := context.Background()
	// Create the workflow the way the app does on first use.
	if _, err := e.App.Work.Workflow(ctx, e.Users[apptest.PM].P, e.ProjectA.ID); err != nil {
		tb.Fatal(err)
	}
	dev, con := e.Users[apptest.Developer].ID, e.Users[apptest.Consultant].ID
	err := e.App.DB.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		for i := 1; i <= n; i++ {
			status := "todo"
			switch r := i % 20; {
			case r < 8:
			case r < 11:
				status = "doing"
			case r < 13:
				status = "review"
			case r < 19:
				status = "done"
			default:
				status = "cancelled"
			}
			due := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%180).Format("2006-01-02")
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO tasks (project_id, number, title, description, status, rank, priority, start_date, due_date,
				estimate_min, remaining_min, labels, customer_visible, created_ms, updated_ms) VALUES (?, ?, ?, '', ?, ?, ?, ?, ?, 480, 240, ?, ?, ?, ?) RETURNING id`,
				e.ProjectA.ID, i, fmt.Sprintf("实施任务 %04d：配置与验证", i), status, float64(i)*1024, []string{"normal", "high", "low", "normal", "urgent"}[i%5],
				due, due, []string{"配置", "接口,报表", "数据迁移", "", "培训"}[i%5], i%2 == 0, now, now).Scan(&id); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO task_assignees (task_id, user_id) VALUES (?, ?)`, id, dev); err != nil {
				return err
			}
			if i%3 == 0 {
				if _, err := tx.Exec(ctx, `INSERT INTO task_assignees (task_id, user_id) VALUES (?, ?)`, id, con); err != nil {
					return err
				}
			}
			if i%5 == 0 {
				for j := 0; j < 3; j++ {
					if _, err := tx.Exec(ctx, `INSERT INTO checklist_items (task_id, seq, text, done, created_ms, updated_ms) VALUES (?, ?, '检查项', ?, ?, ?)`,
						id, j, j == 0, now, now); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func pageReq(e *apptest.Env, who apptest.Who, path string) func() *http.Request {
	cookie := &http.Cookie{Name: "golive_session", Value: e.Users[who].Session}
	return func() *http.Request {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.AddCookie(cookie)
		return r
	}
}

// serveSerial runs requests one after another and reports the median
// and 90th percentile latency of one request (the < 50 ms p50 target).
func serveSerial(b *testing.B, h http.Handler, newReq func() *http.Request) {
	b.Helper()
	b.ReportAllocs()
	durs := make([]time.Duration, 0, b.N)
	var size int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec := httptest.NewRecorder()
		t0 := time.Now()
		h.ServeHTTP(rec, newReq())
		durs = append(durs, time.Since(t0))
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %.300s", rec.Code, rec.Body.String())
		}
		size = rec.Body.Len()
	}
	b.StopTimer()
	slices.Sort(durs)
	b.ReportMetric(float64(durs[len(durs)/2].Microseconds())/1000, "ms-p50")
	b.ReportMetric(float64(durs[len(durs)*9/10].Microseconds())/1000, "ms-p90")
	b.ReportMetric(float64(size)/1024, "KiB")
}

// uncached varies a query parameter the board ignores, so that every
// request misses the read cache and reads and renders the whole board.
func uncached(e *apptest.Env, who apptest.Who, path string) func() *http.Request {
	n := 0
	return func() *http.Request {
		n++
		return pageReq(e, who, path+"&nocache="+itoa(int64(n)))()
	}
}

// BenchmarkBoard2000Cards: the board page of a project with 2,000 cards,
// every card read and rendered (?more=all, never from the cache), as its
// developer (target: p50 < 50 ms).
func BenchmarkBoard2000Cards(b *testing.B) {
	e := apptest.New(b, db.SQLite)
	seedTasks(b, e, 2000)
	serveSerial(b, e.App.Handler(), uncached(e, apptest.Developer, "/projects/"+itoa(e.ProjectA.ID)+"/board?more=all"))
}

// BenchmarkBoard2000CardsCustomer: the same board as a customer key user
// (customer-visible cards only: 1,000).
func BenchmarkBoard2000CardsCustomer(b *testing.B) {
	e := apptest.New(b, db.SQLite)
	seedTasks(b, e, 2000)
	serveSerial(b, e.App.Handler(), uncached(e, apptest.KeyUser, "/projects/"+itoa(e.ProjectA.ID)+"/board?more=all"))
}

// BenchmarkBoard2000CardsCached: the same page while nothing changes
// (served from the read cache but the page chrome).
func BenchmarkBoard2000CardsCached(b *testing.B) {
	e := apptest.New(b, db.SQLite)
	seedTasks(b, e, 2000)
	serveSerial(b, e.App.Handler(), pageReq(e, apptest.Developer, "/projects/"+itoa(e.ProjectA.ID)+"/board?more=all"))
}

// BenchmarkBoard5000Uncached: the opening board of a 5,000-task project
// when every request misses the cache (each one after a change).
func BenchmarkBoard5000Uncached(b *testing.B) {
	e := apptest.New(b, db.SQLite)
	seedTasks(b, e, 5000)
	serveSerial(b, e.App.Handler(), uncached(e, apptest.Developer, "/projects/"+itoa(e.ProjectA.ID)+"/board?swimlane="))
}

// BenchmarkBoard5000: the board of a 5,000-task project as it opens (each
// column capped at work.ColumnCap cards), in parallel (target ≥ 1,000
// req/s over HTTP).
func BenchmarkBoard5000(b *testing.B) {
	e := apptest.New(b, db.SQLite)
	seedTasks(b, e, 5000)
	serveParallel(b, e.App.Handler(), http.StatusOK, pageReq(e, apptest.Developer, "/projects/"+itoa(e.ProjectA.ID)+"/board"))
}

// BenchmarkAPITasks5000: a page of 50 tasks (page 37) from a 5,000-task
// project through the API with a bearer token, in parallel (target
// ≥ 2,000 req/s over HTTP).
func BenchmarkAPITasks5000(b *testing.B) {
	e := apptest.New(b, db.SQLite)
	seedTasks(b, e, 5000)
	path := "/api/v1/projects/" + itoa(e.ProjectA.ID) + "/tasks?page=37&per_page=50"
	tok := "Bearer " + e.Users[apptest.Developer].Token
	serveParallel(b, e.App.Handler(), http.StatusOK, func() *http.Request {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.Header.Set("Authorization", tok)
		return r
	})
}

// BenchmarkAPITasks5000AfterChange: the same page when the project has
// just changed before every request (a live notice empties the read
// cache), so the numbers and the page are read from the database.
func BenchmarkAPITasks5000AfterChange(b *testing.B) {
	e := apptest.New(b, db.SQLite)
	seedTasks(b, e, 5000)
	path := "/api/v1/projects/" + itoa(e.ProjectA.ID) + "/tasks?page=37&per_page=50"
	tok := "Bearer " + e.Users[apptest.Developer].Token
	topic := work.Topic(e.ProjectA.ID)
	serveSerial(b, e.App.Handler(), func() *http.Request {
		e.App.Live.Publish(topic, live.Event{Name: "bench"})
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.Header.Set("Authorization", tok)
		return r
	})
}
