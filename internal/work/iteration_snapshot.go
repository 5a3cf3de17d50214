package work

import (
	"context"
	"log/slog"
	"sync"
	"weak"

	"golive/internal/db"
)

// Burndown snapshots are written after a task change commits, not when
// someone reads the chart: a day nobody opened the page still has its
// point, and a read stays a read. One statement upserts today's row of
// every current iteration of the project (normally one), once per
// transaction however many tasks it touched (an import touches hundreds).

// snapOnce remembers the transactions that already queued a snapshot.
// Keys are weak, so a transaction that rolled back (its callback never
// runs) does not stay in memory; dead keys are swept as the set grows.
type snapOnce struct {
	mu   sync.Mutex
	seen map[weak.Pointer[db.Tx]]struct{}
}

func (o *snapOnce) first(tx *db.Tx) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.seen == nil {
		o.seen = map[weak.Pointer[db.Tx]]struct{}{}
	}
	k := weak.Make(tx)
	if _, ok := o.seen[k]; ok {
		return false
	}
	if len(o.seen) >= 64 {
		for p := range o.seen {
			if p.Value() == nil {
				delete(o.seen, p)
			}
		}
	}
	o.seen[k] = struct{}{}
	return true
}

func (o *snapOnce) done(tx *db.Tx) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.seen, weak.Make(tx))
}

// snapshotAfter queues today's burndown snapshot of the project's current
// iterations for after tx commits.
func (s *Service) snapshotAfter(tx *db.Tx, projectID int64) {
	if !s.snaps.first(tx) {
		return
	}
	tx.AfterCommit(func() {
		s.snaps.done(tx)
		// The change is committed whatever happens here; a missed point
		// is filled by the next change or carried forward on the chart.
		if err := s.db.Tx(context.Background(), func(tx *db.Tx) error { return snapshotProject(context.Background(), tx, projectID, todayStr()) }); err != nil {
			slog.Warn("burndown snapshot", "project", projectID, "err", err)
		}
	})
}

// snapshotProject upserts day's totals of every open iteration of the
// project whose dates include day.
func snapshotProject(ctx context.Context, tx *db.Tx, projectID int64, day string) error {
	_, err := tx.Exec(ctx, `INSERT INTO iteration_snapshots (iteration_id, day, remaining_min, open_count, done_count)
		SELECT i.id, ?, COALESCE(SUM(CASE WHEN t.done_ms IS NULL THEN t.remaining_min ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN t.id IS NOT NULL AND t.done_ms IS NULL THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN t.done_ms IS NOT NULL THEN 1 ELSE 0 END), 0)
		FROM iterations i LEFT JOIN tasks t ON t.iteration_id = i.id AND t.deleted_ms IS NULL
		WHERE i.project_id = ? AND i.deleted_ms IS NULL AND i.status <> ? AND i.start_date <= ? AND i.end_date >= ?
		GROUP BY i.id
		ON CONFLICT (iteration_id, day) DO UPDATE SET remaining_min = excluded.remaining_min, open_count = excluded.open_count, done_count = excluded.done_count`,
		day, projectID, IterClosed, day, day)
	return err
}
