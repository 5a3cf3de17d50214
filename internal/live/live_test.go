package live

import (
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

func recv(t *testing.T, ch <-chan Event, d time.Duration) (Event, bool) {
	t.Helper()
	select {
	case e, ok := <-ch:
		return e, ok
	case <-time.After(d):
		return Event{}, false
	}
}

func TestFanOutAndUnsubscribe(t *testing.T) {
	b := New(nil)
	defer b.Close()
	ctx, cancel := context.WithCancel(context.Background())
	s1 := b.Subscribe(ctx, "p1")
	s2 := b.Subscribe(context.Background(), "p1")
	other := b.Subscribe(context.Background(), "p2")
	b.Publish("p1", Event{Name: "task", Data: []byte(`{"task_id":1}`)})
	for i, s := range []<-chan Event{s1, s2} {
		if e, ok := recv(t, s, time.Second); !ok || e.Name != "task" || string(e.Data) != `{"task_id":1}` {
			t.Fatalf("subscriber %d: %+v %v", i, e, ok)
		}
	}
	if e, ok := recv(t, other, 50*time.Millisecond); ok {
		t.Fatalf("other topic got %+v", e)
	}
	cancel()
	if _, ok := recv(t, s1, time.Second); ok {
		t.Fatal("cancelled subscription still open")
	}
	deadline := time.Now().Add(time.Second)
	for b.Subscribers("p1") != 1 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := b.Subscribers("p1"); n != 1 {
		t.Fatalf("%d subscribers left", n)
	}
	b.Close()
	if _, ok := recv(t, s2, time.Second); ok {
		t.Fatal("Close left a subscription open")
	}
	if _, ok := recv(t, b.Subscribe(context.Background(), "p1"), time.Second); ok {
		t.Fatal("subscribing to a closed broker")
	}
}

// A subscriber that stops reading never blocks publishers; when it reads
// again it is told to resync, then gets fresh notices.
func TestSlowSubscriberResyncs(t *testing.T) {
	b := New(nil)
	defer b.Close()
	s := b.Subscribe(context.Background(), "p")
	done := make(chan struct{})
	go func() {
		for i := 0; i < subBuffer*3; i++ {
			b.Publish("p", Event{Name: "task"})
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("publishing blocked on a slow subscriber")
	}
	got := map[string]int{}
	for {
		e, ok := recv(t, s, 100*time.Millisecond)
		if !ok {
			break
		}
		got[e.Name]++
	}
	if got[Resync] != 1 || got["task"] == 0 || got["task"] > subBuffer+2 {
		t.Fatalf("received %v", got)
	}
	b.Publish("p", Event{Name: "task"})
	if e, ok := recv(t, s, time.Second); !ok || e.Name != "task" {
		t.Fatalf("after resync: %+v %v", e, ok)
	}
}

// Stream writes events through a wrapper that only offers Unwrap, as the
// access log does.
type wrapped struct{ http.ResponseWriter }

func (w wrapped) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func TestStream(t *testing.T) {
	rec := httptest.NewRecorder()
	st, err := StartStream(wrapped{rec}, 1500)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Send("task", []byte("{\"a\":1}\n")); err != nil {
		t.Fatal(err)
	}
	if err := st.Send("evil\nevent: x", nil); err != nil {
		t.Fatal(err)
	}
	if err := st.Ping(); err != nil {
		t.Fatal(err)
	}
	want := "retry: 1500\n\nevent: task\ndata: {\"a\":1}\n\nevent: message\ndata: {}\n\n: ping\n\n"
	if rec.Body.String() != want || !rec.Flushed || rec.Header().Get("Content-Type") != "text/event-stream; charset=utf-8" {
		t.Fatalf("stream %q flushed %v", rec.Body.String(), rec.Flushed)
	}
	r := httptest.NewRequest("GET", "/", nil)
	if WantsStream(r) {
		t.Fatal("no Accept header")
	}
	r.Header.Set("Accept", "text/event-stream")
	if !WantsStream(r) {
		t.Fatal("EventSource's Accept")
	}
}

func TestChannelFor(t *testing.T) {
	a, b := ChannelFor("public"), ChannelFor("t_0123456789ab")
	if a == b || len(a) > 63 || !strings.HasPrefix(a, "golive_live_") {
		t.Fatalf("%q %q", a, b)
	}
}

// Two brokers on one PostgreSQL schema see each other's notices once;
// a broker on another schema sees none.
func TestPostgresAcrossBrokers(t *testing.T) {
	dsn := os.Getenv("TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("PostgreSQL not tested: set TEST_POSTGRES_DSN")
	}
	ctx := context.Background()
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	schema := "live_" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "")
	if _, err := pool.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	defer pool.Exec("DROP SCHEMA " + schema + " CASCADE")
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	dsnB := dsn + sep + "search_path=" + schema
	poolB, err := sql.Open("pgx", dsnB)
	if err != nil {
		t.Fatal(err)
	}
	defer poolB.Close()

	b1, b2, b3 := New(nil), New(nil), New(nil)
	defer b1.Close()
	defer b2.Close()
	defer b3.Close()
	for _, x := range []struct {
		b    *Broker
		dsn  string
		pool *sql.DB
	}{{b1, dsn, pool}, {b2, dsn, pool}, {b3, dsnB, poolB}} {
		if err := x.b.ListenPostgres(ctx, x.dsn, x.pool); err != nil {
			t.Fatal(err)
		}
	}
	s1, s2, s3 := b1.Subscribe(ctx, "project:1"), b2.Subscribe(ctx, "project:1"), b3.Subscribe(ctx, "project:1")
	b1.Publish("project:1", Event{Name: "task", Data: []byte(`{"task_id":7}`)})
	for i, s := range []<-chan Event{s1, s2} {
		e, ok := recv(t, s, 2*time.Second)
		if !ok || e.Name != "task" || string(e.Data) != `{"task_id":7}` {
			t.Fatalf("broker %d: %+v %v", i+1, e, ok)
		}
		if e, ok := recv(t, s, 200*time.Millisecond); ok {
			t.Fatalf("broker %d got a second copy: %+v", i+1, e)
		}
	}
	if e, ok := recv(t, s3, 300*time.Millisecond); ok {
		t.Fatalf("another schema heard it: %+v", e)
	}

	// The listening connection of broker 2 is killed: it reconnects, tells
	// its subscribers to resync, and hears notices again.
	if _, err := pool.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query = $1`,
		"LISTEN "+`"`+ChannelFor("public")+`"`); err != nil {
		t.Fatal(err)
	}
	if e, ok := recv(t, s2, 5*time.Second); !ok || e.Name != Resync {
		t.Fatalf("after losing its connection: %+v %v", e, ok)
	}
	b1.Publish("project:1", Event{Name: "task"})
	if e, ok := recv(t, s2, 2*time.Second); !ok || e.Name != "task" {
		t.Fatalf("after reconnecting: %+v %v", e, ok)
	}
}
