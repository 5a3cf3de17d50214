package live

import (
	"fmt"
	"net/http"
	"strings"
)

// Stream writes server-sent events. It flushes through
// http.ResponseController, so it works behind middleware that wraps the
// ResponseWriter as long as the wrapper forwards Flush or offers Unwrap.
type Stream struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

// WantsStream reports whether the client asked for an event stream
// (EventSource always sends Accept: text/event-stream). Handlers answer
// other clients — a link followed by hand, a crawler, a test probing every
// route — with a stream that ends at once instead of holding the
// connection open forever.
func WantsStream(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}

// StartStream sends the event-stream headers and a retry hint (ms).
func StartStream(w http.ResponseWriter, retryMS int) (*Stream, error) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	s := &Stream{w: w, rc: http.NewResponseController(w)}
	if _, err := fmt.Fprintf(w, "retry: %d\n\n", retryMS); err != nil {
		return nil, err
	}
	return s, s.rc.Flush()
}

// Send writes one event; data must be a single line (JSON is).
func (s *Stream) Send(name string, data []byte) error {
	if strings.ContainsAny(name, "\r\n") {
		name = "message"
	}
	var b strings.Builder
	b.WriteString("event: ")
	b.WriteString(name)
	b.WriteString("\ndata: ")
	if len(data) == 0 {
		b.WriteString("{}")
	} else {
		b.WriteString(strings.NewReplacer("\r", "", "\n", "").Replace(string(data)))
	}
	b.WriteString("\n\n")
	if _, err := s.w.Write([]byte(b.String())); err != nil {
		return err
	}
	return s.rc.Flush()
}

// Ping writes a comment line: it keeps proxies from closing an idle
// connection and tells the server early when the client has gone.
func (s *Stream) Ping() error {
	if _, err := s.w.Write([]byte(": ping\n\n")); err != nil {
		return err
	}
	return s.rc.Flush()
}
