// Package dbtest gives tests a fresh, migrated database on every dialect:
// SQLite always, PostgreSQL whenever TEST_POSTGRES_DSN is set. Each
// PostgreSQL test gets its own schema so tests can run in parallel and
// leave nothing behind.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"golive/internal/db"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// Dialects lists the dialects available to this test run.
func Dialects() []db.Dialect {
	if os.Getenv("TEST_POSTGRES_DSN") != "" {
		return []db.Dialect{db.SQLite, db.Postgres}
	}
	return []db.Dialect{db.SQLite}
}

// Each runs fn as a subtest once per dialect, each with a new database.
// Without TEST_POSTGRES_DSN the PostgreSQL subtest is skipped with a
// message, so a green run on SQLite alone never passes for both.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			d := Open(t, dialect)
			fn(t, d)
		})
	}
}

// Open returns a migrated, empty database of the dialect, closed at the
// end of the test.
func Open(t testing.TB, dialect db.Dialect) *db.DB {
	t.Helper()
	dsn := DSN(t, dialect)
	d, err := db.Open(context.Background(), dsn, t.TempDir())
	if err != nil {
		t.Fatalf("open %s: %v", dialect, err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", dialect, err)
	}
	return d
}

// DSN returns a connection string for a fresh, empty database of the
// dialect: a file in a temp dir, or a new PostgreSQL schema dropped at the
// end of the test.
func DSN(t testing.TB, dialect db.Dialect) string {
	t.Helper()
	if dialect == db.SQLite {
		return filepath.Join(t.TempDir(), "test.db")
	}
	base := os.Getenv("TEST_POSTGRES_DSN")
	if base == "" {
		t.Skip("PostgreSQL not tested: set TEST_POSTGRES_DSN (CI always does)")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("TEST_POSTGRES_DSN: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
