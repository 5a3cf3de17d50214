// Package live carries small change notices from the process that made a
// change to every process that has a viewer waiting for it (server-sent
// events on the kanban board, later on other pages).
//
// A notice is deliberately tiny — "task 42 of project 7 is now at version
// 5" — and never carries the changed data: a receiver re-reads what it
// shows with its viewer's permissions, so a notice cannot leak a row to
// someone who may not see it.
//
// On SQLite there is one process and delivery is an in-process fan-out.
// On PostgreSQL a notice is also sent with NOTIFY on one channel per
// schema, and every process keeps one dedicated connection LISTENing on
// it (reconnecting with backoff), so viewers on any process behind a load
// balancer see each other's changes. A process delivers its own notices
// locally at once and ignores their echo from the database.
package live

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"sync"
	"time"
)

// Event is one notice on a topic. Name becomes the SSE event name; Data is
// a small JSON document the publishing module defines.
type Event struct {
	Name string          `json:"n"`
	Data json.RawMessage `json:"d,omitempty"`
}

// Resync is sent to every local subscriber after the database connection
// of the listener was lost and re-established: notices may have been
// missed, so viewers should reload what they show.
const Resync = "resync"

// maxPayload keeps a NOTIFY payload under PostgreSQL's 8000-byte limit.
const maxPayload = 7000

// subBuffer is how many notices a slow subscriber may lag behind before
// it is told to resync instead of being waited for.
const subBuffer = 64

// Broker fans notices out to subscribers. The zero value is not usable;
// call New.
type Broker struct {
	log    *slog.Logger
	origin string // this process, so it can ignore its own NOTIFY echoes

	mu     sync.Mutex
	subs   map[string]map[*sub]struct{}
	closed bool

	remote   remote // nil on SQLite
	stop     context.CancelFunc
	done     chan struct{}
	watchers []func(topic string)
}

type sub struct {
	ch      chan Event
	overrun bool // set when a notice was dropped; a resync is pending
}

// remote forwards published notices to other processes.
type remote interface {
	send(ctx context.Context, topic string, e Event) error
}

// New returns a broker that delivers in this process only.
func New(log *slog.Logger) *Broker {
	if log == nil {
		log = slog.Default()
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &Broker{log: log, origin: hex.EncodeToString(b), subs: map[string]map[*sub]struct{}{}}
}

// Publish delivers e to the topic's subscribers here and, with a database
// listener attached, in every other process. Call it after the change has
// committed (db.Tx.AfterCommit), never inside the transaction.
func (b *Broker) Publish(topic string, e Event) {
	b.deliver(topic, e)
	if b.remote == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := b.remote.send(ctx, topic, e); err != nil {
		b.log.Warn("live: notify failed", "topic", topic, "err", err)
	}
}

// Watch registers fn to be called with the topic of every notice this
// process publishes or receives from another process ("" after a lost
// database connection: anything may have changed). Caches use it to drop
// what a change made stale; fn must be quick and must not block.
func (b *Broker) Watch(fn func(topic string)) {
	b.mu.Lock()
	b.watchers = append(b.watchers, fn)
	b.mu.Unlock()
}

// deliver hands e to local subscribers without ever blocking the
// publisher: a subscriber whose buffer is full gets a resync instead.
func (b *Broker) deliver(topic string, e Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, w := range b.watchers {
		w(topic)
	}
	for s := range b.subs[topic] {
		if s.overrun {
			continue
		}
		select {
		case s.ch <- e:
		default:
			s.overrun = true
		}
	}
}

// deliverAll sends e to every local subscriber of every topic.
func (b *Broker) deliverAll(e Event) {
	b.mu.Lock()
	for _, w := range b.watchers {
		w("")
	}
	topics := make([]string, 0, len(b.subs))
	for t := range b.subs {
		topics = append(topics, t)
	}
	b.mu.Unlock()
	for _, t := range topics {
		b.deliver(t, e)
	}
}

// Subscribe returns a channel of the topic's notices until ctx ends or
// the broker closes; then the channel is closed. A subscriber that falls
// more than a buffer behind receives one Resync event and then continues
// with fresh notices.
func (b *Broker) Subscribe(ctx context.Context, topic string) <-chan Event {
	out := make(chan Event)
	s := &sub{ch: make(chan Event, subBuffer)}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		close(out)
		return out
	}
	if b.subs[topic] == nil {
		b.subs[topic] = map[*sub]struct{}{}
	}
	b.subs[topic][s] = struct{}{}
	b.mu.Unlock()

	go func() {
		defer close(out)
		defer b.unsubscribe(topic, s)
		for {
			var e Event
			var ok bool
			select {
			case <-ctx.Done():
				return
			case e, ok = <-s.ch:
				if !ok {
					return
				}
			}
			select {
			case out <- e:
			case <-ctx.Done():
				return
			}
			b.mu.Lock()
			lagged := s.overrun && len(s.ch) == 0
			if lagged {
				s.overrun = false
			}
			b.mu.Unlock()
			if lagged {
				select {
				case out <- Event{Name: Resync}:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

func (b *Broker) unsubscribe(topic string, s *sub) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if m := b.subs[topic]; m != nil {
		delete(m, s)
		if len(m) == 0 {
			delete(b.subs, topic)
		}
	}
}

// Subscribers counts local subscribers of a topic (tests, metrics).
func (b *Broker) Subscribers(topic string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs[topic])
}

// Close ends every subscription and stops the database listener.
func (b *Broker) Close() {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	b.closed = true
	for topic, m := range b.subs {
		for s := range m {
			close(s.ch)
		}
		delete(b.subs, topic)
	}
	stop, done := b.stop, b.done
	b.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
}

// envelope is what travels through NOTIFY.
type envelope struct {
	Origin string `json:"o"`
	Topic  string `json:"t"`
	Event
}
