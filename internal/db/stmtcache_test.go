package db_test

import (
	"context"
	"fmt"
	"testing"

	"golive/internal/db"
)

// Reads go through cached prepared statements on SQLite. A reused
// statement must never hold on to an old snapshot: a change committed by
// another process (here a second handle on the same file) is seen by the
// very next read. Token revocation relies on this.
func TestCachedStatementsSeeOtherProcessesCommits(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, err := db.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Exec(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Exec(ctx, `INSERT INTO t (id, v) VALUES (1, 'v0')`); err != nil {
		t.Fatal(err)
	}
	b, err := db.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	read := func() string {
		t.Helper()
		var v string
		if err := a.QueryRow(ctx, `SELECT v FROM t WHERE id = ?`, 1).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	list := func() int {
		t.Helper()
		rows, err := a.Query(ctx, `SELECT id FROM t ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			n++
		}
		return n
	}
	for i := 1; i <= 20; i++ { // more rounds than the reader pool has connections
		want := fmt.Sprintf("v%d", i)
		if _, err := b.Exec(ctx, `UPDATE t SET v = ? WHERE id = 1`, want); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Exec(ctx, `INSERT INTO t (v) VALUES (?)`, want); err != nil {
			t.Fatal(err)
		}
		if got := read(); got != want {
			t.Fatalf("round %d: read %q, want %q", i, got, want)
		}
		if got := list(); got != i+1 {
			t.Fatalf("round %d: %d rows, want %d", i, got, i+1)
		}
	}
	// A statement that does not prepare reports its error as before.
	if err := a.QueryRow(ctx, `SELECT nope FROM t`).Scan(new(int)); err == nil {
		t.Fatal("bad query: no error")
	}
	if _, err := a.Query(ctx, `SELECT nope FROM t`); err == nil {
		t.Fatal("bad query: no error")
	}
}
