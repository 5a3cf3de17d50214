package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"
)

const accessRequestIDHeader = "X-Request-ID"

type accessRequestIDKey struct{}

// RequestID returns the request id stored in ctx by AccessLog ("" if none).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(accessRequestIDKey{}).(string)
	return id
}

// AccessLog assigns a request id (16 hex chars from crypto/rand, or the
// incoming X-Request-ID if it is 1-64 chars of [A-Za-z0-9._-]), sets the
// X-Request-ID response header, and after the response writes ONE slog line
// at Info: msg "http", attrs method, path (no query string: queries may carry
// tokens), route, status, bytes, duration_ms, remote, request_id. Status
// defaults to 200 when the handler never calls WriteHeader. The line is also
// written when the handler panics, with status 500 if nothing was sent.
//
// remote is the peer address without port; X-Forwarded-For is not trusted
// here because any client can set it.
func AccessLog(log *slog.Logger, next http.Handler) http.Handler {
	if log == nil {
		log = slog.Default()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get(accessRequestIDHeader)
		if !accessValidRequestID(id) {
			id = accessNewRequestID()
		}
		w.Header().Set(accessRequestIDHeader, id)
		rec := &accessRecorder{ResponseWriter: w}
		r2 := r.WithContext(context.WithValue(r.Context(), accessRequestIDKey{}, id))

		finished := false
		defer func() {
			// ServeMux records the matched pattern on the request it was
			// given, which is our clone; copying it back lets an outer
			// middleware (Metrics) read r.Pattern as documented.
			if r.Pattern == "" {
				r.Pattern = r2.Pattern
			}
			status := rec.Status()
			if !finished && !rec.wroteHeader {
				// Panicking: net/http will drop the connection, the client
				// sees no response; 500 describes that better than 200.
				status = http.StatusInternalServerError
			}
			log.LogAttrs(r2.Context(), slog.LevelInfo, "http",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.String("route", r2.Pattern),
				slog.Int("status", status),
				slog.Int64("bytes", rec.bytes),
				slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
				slog.String("remote", accessRemoteHost(r.RemoteAddr)),
				slog.String("request_id", id),
			)
		}()
		next.ServeHTTP(rec, r2)
		finished = true
	})
}

func accessValidRequestID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

func accessNewRequestID() string {
	var b [8]byte
	// crypto/rand.Read never fails (it crashes the program instead).
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func accessRemoteHost(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}

// accessRecorder captures the status code and body size for AccessLog and
// Metrics. It forwards Flush and exposes Unwrap so that server-sent events
// and http.ResponseController (deadlines, Hijack) keep working through it.
type accessRecorder struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
}

// Status returns the final status code sent, 200 if the handler wrote a body
// or nothing at all without calling WriteHeader.
func (w *accessRecorder) Status() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

func (w *accessRecorder) WriteHeader(code int) {
	// 1xx responses (103 Early Hints) precede the real status.
	if !w.wroteHeader && (code < 100 || code > 199) {
		w.status = code
		w.wroteHeader = true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *accessRecorder) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.status = http.StatusOK
		w.wroteHeader = true
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// ReadFrom keeps the sendfile path of the underlying writer available to
// io.Copy (http.ServeContent, static files).
func (w *accessRecorder) ReadFrom(src io.Reader) (int64, error) {
	if !w.wroteHeader {
		w.status = http.StatusOK
		w.wroteHeader = true
	}
	var n int64
	var err error
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		n, err = rf.ReadFrom(src)
	} else {
		n, err = io.Copy(struct{ io.Writer }{w.ResponseWriter}, src)
	}
	w.bytes += n
	return n, err
}

// Flush implements http.Flusher; a writer underneath that cannot flush
// makes it a no-op, as http.ResponseController would.
func (w *accessRecorder) Flush() {
	if !w.wroteHeader {
		w.status = http.StatusOK
		w.wroteHeader = true
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *accessRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }
