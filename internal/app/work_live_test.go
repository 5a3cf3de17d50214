package app_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"golive/internal/app/apptest"
	"golive/internal/db"
	"golive/internal/work"
)

// sseEvent is one event read from a stream.
type sseEvent struct {
	Name string
	Data map[string]any
}

// openStream subscribes to a board's event stream as who (through the
// whole middleware chain) and returns its events; the stream ends with
// the test.
func openStream(t *testing.T, base string, e *apptest.Env, who apptest.Who, projectID int64) <-chan sseEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/projects/"+itoa(projectID)+"/board/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	req.AddCookie(&http.Cookie{Name: "golive_session", Value: e.Users[who].Session})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		cancel()
		t.Fatalf("stream as %s: %d %s", who, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	out := make(chan sseEvent, 64)
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); resp.Body.Close(); <-done })
	go func() {
		defer close(done)
		defer close(out)
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.Name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev.Data)
			case line == "" && ev.Name != "":
				out <- ev
				ev = sseEvent{}
			}
		}
	}()
	// The subscription is in place once "ready" arrives.
	if ev := next(t, out, time.Second); ev.Name != "ready" {
		t.Fatalf("first event as %s: %+v", who, ev)
	}
	return out
}

// next waits for the next event, or returns a zero event after d.
func next(t *testing.T, ch <-chan sseEvent, d time.Duration) sseEvent {
	t.Helper()
	select {
	case ev := <-ch:
		return ev
	case <-time.After(d):
		return sseEvent{}
	}
}

func taskID(ev sseEvent) int64 {
	f, _ := ev.Data["task_id"].(float64)
	return int64(f)
}

// A move reaches every viewer of the board within a second; a customer's
// stream says nothing about internal tasks, and hears "gone" when a task
// stops being visible to customers.
func TestBoardEventStream(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		pm := e.Users[apptest.PM].P
		a := e.ProjectA.ID
		shown, _ := e.App.Work.Create(ctx, pm, a, work.Input{Title: "大家都看得到", CustomerVisible: true})
		hidden, _ := e.App.Work.Create(ctx, pm, a, work.Input{Title: "内部卡片"})
		dev := openStream(t, e.URL, e, apptest.Developer, a)
		cust := openStream(t, e.URL, e, apptest.KeyUser, a)

		start := time.Now()
		r := e.Do(t, apptest.PM, "POST", "/api/v1/projects/"+itoa(a)+"/tasks/"+itoa(shown.ID)+"/move", map[string]any{"status": "doing", "version": shown.Version})
		if r.Status != 200 {
			t.Fatalf("move: %d %s", r.Status, r.Body)
		}
		for who, ch := range map[apptest.Who]<-chan sseEvent{apptest.Developer: dev, apptest.KeyUser: cust} {
			ev := next(t, ch, time.Second)
			if ev.Name != "task" || taskID(ev) != shown.ID || ev.Data["version"] != float64(shown.Version+1) {
				t.Fatalf("%s: %+v", who, ev)
			}
		}
		t.Logf("move seen by both viewers after %v", time.Since(start))

		// The card the page then fetches, with the viewer's permissions.
		cr := e.Do(t, apptest.KeyUser, "GET", "/projects/"+itoa(a)+"/board/cards/"+itoa(shown.ID), nil)
		if cr.Status != 200 || !strings.Contains(cr.Body, `data-status="doing"`) || !strings.Contains(cr.Header.Get("X-Board-Counts"), `"doing":1`) {
			t.Fatalf("card: %d %s %s", cr.Status, cr.Header.Get("X-Board-Counts"), cr.Body)
		}
		if cr := e.Do(t, apptest.KeyUser, "GET", "/projects/"+itoa(a)+"/board/cards/"+itoa(shown.ID)+"?status=todo&q=nomatch", nil); cr.Status != 204 {
			t.Fatalf("filtered card: %d", cr.Status)
		}

		// An internal card: the developer hears of it, the customer does not.
		if r := e.Do(t, apptest.Developer, "POST", "/api/v1/projects/"+itoa(a)+"/tasks/"+itoa(hidden.ID)+"/move", map[string]any{"status": "review", "version": hidden.Version}); r.Status != 200 {
			t.Fatalf("move hidden: %d %s", r.Status, r.Body)
		}
		if ev := next(t, dev, time.Second); ev.Name != "task" || taskID(ev) != hidden.ID {
			t.Fatalf("developer, hidden move: %+v", ev)
		}
		// The visible card turns internal: the customer is told it is gone.
		if r := e.Do(t, apptest.PM, "PATCH", "/api/v1/projects/"+itoa(a)+"/tasks/"+itoa(shown.ID), map[string]any{"customer_visible": false, "version": shown.Version + 1}); r.Status != 200 {
			t.Fatalf("patch: %d %s", r.Status, r.Body)
		}
		ev := next(t, cust, time.Second)
		if ev.Name != "gone" || taskID(ev) != shown.ID || ev.Data["version"] != nil {
			t.Fatalf("customer after the card turned internal: %+v (the hidden move must not have arrived)", ev)
		}
		if ev := next(t, cust, 200*time.Millisecond); ev.Name != "" {
			t.Fatalf("customer got more: %+v", ev)
		}
		if ev := next(t, dev, time.Second); ev.Name != "task" || taskID(ev) != shown.ID {
			t.Fatalf("developer after patch: %+v", ev)
		}
		// Delete: both streams drop the card (the customer had stopped seeing it, so only the developer).
		if r := e.Do(t, apptest.PM, "DELETE", "/api/v1/projects/"+itoa(a)+"/tasks/"+itoa(hidden.ID), nil); r.Status != 204 {
			t.Fatalf("delete: %d", r.Status)
		}
		if ev := next(t, dev, time.Second); ev.Name != "gone" || taskID(ev) != hidden.ID {
			t.Fatalf("developer after delete: %+v", ev)
		}
		if ev := next(t, cust, 200*time.Millisecond); ev.Name != "" {
			t.Fatalf("customer heard of an internal delete: %+v", ev)
		}
		// A refused move tells nobody anything.
		if r := e.Do(t, apptest.KeyUser, "POST", "/api/v1/projects/"+itoa(a)+"/tasks/"+itoa(shown.ID)+"/move", map[string]any{"status": "done", "version": shown.Version + 2}); r.Status != 403 {
			t.Fatalf("customer move: %d", r.Status)
		}
		if ev := next(t, dev, 200*time.Millisecond); ev.Name != "" {
			t.Fatalf("refused move was announced: %+v", ev)
		}
		if n := e.App.Live.Subscribers(work.Topic(a)); n != 2 {
			t.Fatalf("%d subscribers", n)
		}
	})
}

// Two processes on one PostgreSQL database: a move made through one is
// seen by a viewer connected to the other, through LISTEN/NOTIFY.
func TestBoardEventsCrossProcess(t *testing.T) {
	e := apptest.New(t, db.Postgres)
	e2 := apptest.Shared(t, e)
	ctx := context.Background()
	a := e.ProjectA.ID
	tk, err := e.App.Work.Create(ctx, e.Users[apptest.PM].P, a, work.Input{Title: "跨进程卡片", CustomerVisible: true})
	if err != nil {
		t.Fatal(err)
	}
	there := openStream(t, e2.URL, e2, apptest.KeyUser, a)
	here := openStream(t, e.URL, e, apptest.Developer, a)
	// The creation above happened before the streams: nothing pending.
	start := time.Now()
	if r := e.Do(t, apptest.Consultant, "POST", "/api/v1/projects/"+itoa(a)+"/tasks/"+itoa(tk.ID)+"/move", map[string]any{"status": "review", "version": tk.Version}); r.Status != 200 {
		t.Fatalf("move: %d %s", r.Status, r.Body)
	}
	for name, ch := range map[string]<-chan sseEvent{"other process": there, "same process": here} {
		ev := next(t, ch, time.Second)
		if ev.Name != "task" || taskID(ev) != tk.ID {
			t.Fatalf("%s: %+v", name, ev)
		}
	}
	t.Logf("seen in the other process after %v", time.Since(start))
	// The other process reads the card from the shared database.
	if r := e2.Do(t, apptest.KeyUser, "GET", "/projects/"+itoa(a)+"/board/cards/"+itoa(tk.ID), nil); r.Status != 200 || !strings.Contains(r.Body, `data-status="review"`) {
		t.Fatalf("card from the other process: %d %s", r.Status, r.Body)
	}
	// And the other way round; no echo is delivered twice.
	if r := e2.Do(t, apptest.PM, "POST", "/api/v1/projects/"+itoa(a)+"/tasks/"+itoa(tk.ID)+"/move", map[string]any{"status": "done", "version": tk.Version + 1}); r.Status != 200 {
		t.Fatalf("move there: %d %s", r.Status, r.Body)
	}
	for name, ch := range map[string]<-chan sseEvent{"other process": there, "same process": here} {
		if ev := next(t, ch, time.Second); ev.Name != "task" || ev.Data["version"] != float64(tk.Version+2) {
			t.Fatalf("%s: %+v", name, ev)
		}
		if ev := next(t, ch, 300*time.Millisecond); ev.Name != "" {
			t.Fatalf("%s: delivered twice: %+v", name, ev)
		}
	}
}

// A client that does not ask for an event stream gets one that ends at
// once (a crawler or a test probing every route must not hang).
func TestBoardEventsWithoutEventSource(t *testing.T) {
	e := apptest.New(t, db.SQLite)
	done := make(chan apptest.Response)
	go func() { done <- e.Do(t, apptest.KeyUser, "GET", "/projects/"+itoa(e.ProjectA.ID)+"/board/events", nil) }()
	select {
	case r := <-done:
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/event-stream") || !strings.Contains(r.Body, "retry:") {
			t.Fatalf("%d %q %q", r.Status, r.Header.Get("Content-Type"), r.Body)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the stream did not end")
	}
}
