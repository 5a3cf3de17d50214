package live

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgRemote sends notices with pg_notify through the application's pool.
type pgRemote struct {
	db      *sql.DB
	channel string
	origin  string
}

func (r *pgRemote) send(ctx context.Context, topic string, e Event) error {
	b, err := json.Marshal(envelope{Origin: r.origin, Topic: topic, Event: e})
	if err != nil {
		return err
	}
	if len(b) > maxPayload {
		return fmt.Errorf("live: payload of %d bytes is over the limit", len(b))
	}
	_, err = r.db.ExecContext(ctx, `SELECT pg_notify($1, $2)`, r.channel, string(b))
	return err
}

// ChannelFor names the NOTIFY channel of a schema. Notifications are
// database-wide, so instances in different schemas of one database (test
// schemas, tenants) must not hear each other: the channel carries a hash
// of the schema name (identifiers are limited to 63 bytes).
func ChannelFor(schema string) string {
	h := sha256.Sum256([]byte(schema))
	return "golive_live_" + hex.EncodeToString(h[:8])
}

// ListenPostgres attaches the broker to PostgreSQL: published notices go
// out through pool, and a dedicated connection opened from dsn LISTENs for
// the notices of other processes. It returns once the first LISTEN is in
// place (or fails), so a notice published right after start-up is not
// missed; later connection losses are retried with backoff in the
// background until Close.
func (b *Broker) ListenPostgres(ctx context.Context, dsn string, pool *sql.DB) error {
	var schema string
	if err := pool.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return fmt.Errorf("live: schema: %w", err)
	}
	channel := ChannelFor(schema)
	conn, err := listen(ctx, dsn, channel)
	if err != nil {
		return err
	}
	lctx, stop := context.WithCancel(context.Background())
	b.mu.Lock()
	b.remote = &pgRemote{db: pool, channel: channel, origin: b.origin}
	b.stop, b.done = stop, make(chan struct{})
	b.mu.Unlock()
	go b.listenLoop(lctx, dsn, channel, conn)
	return nil
}

func listen(ctx context.Context, dsn, channel string) (*pgx.Conn, error) {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(cctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("live: connect: %w", err)
	}
	if _, err := conn.Exec(cctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		conn.Close(context.Background())
		return nil, fmt.Errorf("live: listen: %w", err)
	}
	return conn, nil
}

// listenLoop receives notifications until ctx ends, reconnecting after a
// failure with exponential backoff (0.1 s doubling to 10 s). Notices sent
// while no connection was listening are lost, so after every reconnect the
// local subscribers are told to resync.
func (b *Broker) listenLoop(ctx context.Context, dsn, channel string, conn *pgx.Conn) {
	defer close(b.done)
	backoff := 100 * time.Millisecond
	for {
		if conn == nil {
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			var err error
			conn, err = listen(ctx, dsn, channel)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				b.log.Warn("live: reconnect failed", "err", err, "retry_in", backoff)
				backoff = min(backoff*2, 10*time.Second)
				continue
			}
			b.log.Info("live: listening again")
			backoff = 100 * time.Millisecond
			b.deliverAll(Event{Name: Resync})
		}
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			conn.Close(context.Background())
			conn = nil
			if ctx.Err() != nil || errors.Is(err, context.Canceled) {
				return
			}
			b.log.Warn("live: listener lost its connection", "err", err)
			continue
		}
		var env envelope
		if err := json.Unmarshal([]byte(n.Payload), &env); err != nil || env.Origin == b.origin {
			continue
		}
		b.deliver(env.Topic, env.Event)
	}
}
