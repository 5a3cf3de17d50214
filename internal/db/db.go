// Package db opens SQLite or PostgreSQL behind one small API: portable SQL
// written with ? placeholders, transactions opened by services with
// after-commit hooks, and driver errors translated into apperr codes.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golive/internal/apperr"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names the SQL flavour behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is the handle every service gets. On SQLite writes go through one
// connection (SQLite allows one writer; queuing in Go beats busy retries)
// and reads through a pool; on PostgreSQL both are the same pool.
type DB struct {
	dialect Dialect
	w       *sql.DB
	r       *sql.DB
	rebinds sync.Map // query -> rebound query (PostgreSQL only)
	// stmts holds prepared read statements (SQLite only): parsing and
	// planning a short query costs SQLite more than running it, and
	// database/sql keeps one prepared copy per pooled connection. pgx
	// already caches statements per connection on PostgreSQL.
	stmts  sync.Map // query -> *sql.Stmt
	nstmts atomic.Int32
}

// maxStmts bounds the statement cache so that generated query text (IN
// lists, optional filters) cannot grow it without limit; queries beyond
// it are prepared per call as before.
const maxStmts = 256

// Open connects using dsn: "" or a file path means SQLite in dataDir,
// postgres:// or postgresql:// means PostgreSQL.
func Open(ctx context.Context, dsn, dataDir string) (*DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return openPostgres(ctx, dsn)
	}
	path := dsn
	if path == "" {
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return nil, fmt.Errorf("create data dir: %w", err)
		}
		path = filepath.Join(dataDir, "golive.db")
	}
	return openSQLite(ctx, path)
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	pragmas := "_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	// The DSN is a URI: a '#' or '?' in the path (a data dir such as
	// "/srv/golive#2") would otherwise silently open another file.
	uri := "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	w, err := sql.Open("sqlite", uri+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", uri+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	return &DB{dialect: SQLite, w: w, r: r}, nil
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	p, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	p.SetMaxOpenConns(20)
	p.SetMaxIdleConns(20)
	p.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := p.PingContext(pingCtx); err != nil {
		p.Close()
		return nil, fmt.Errorf("connect postgres: %w", err)
	}
	return &DB{dialect: Postgres, w: p, r: p}, nil
}

func (d *DB) Dialect() Dialect { return d.dialect }

// Close closes the pools.
func (d *DB) Close() error {
	d.stmts.Range(func(_, s any) bool {
		s.(*sql.Stmt).Close()
		return true
	})
	err := d.w.Close()
	if d.r != d.w {
		if e := d.r.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Ping checks the database answers (used by /readyz).
func (d *DB) Ping(ctx context.Context) error {
	return d.r.PingContext(ctx)
}

// Stats exposes pool statistics for /metrics.
func (d *DB) Stats() map[string]func() sql.DBStats {
	if d.r == d.w {
		return map[string]func() sql.DBStats{"main": d.w.Stats}
	}
	return map[string]func() sql.DBStats{"writer": d.w.Stats, "reader": d.r.Stats}
}

// Q is what store code runs queries on: the DB itself (reads) or a Tx.
type Q interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
	Dialect() Dialect
}

// Exec on the DB runs outside any transaction on the writer; services
// should prefer Tx.
func (d *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := d.w.ExecContext(ctx, d.bind(query), args...)
	return res, mapErr(err)
}

func (d *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := d.stmt(ctx, query); st != nil {
		rows, err := st.QueryContext(ctx, args...)
		return rows, mapErr(err)
	}
	rows, err := d.r.QueryContext(ctx, d.bind(query), args...)
	return rows, mapErr(err)
}

func (d *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := d.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return d.r.QueryRowContext(ctx, d.bind(query), args...)
}

// stmt returns the cached prepared read statement for query on SQLite,
// preparing it on first use; nil means "run it unprepared" (PostgreSQL, a
// full cache, or a prepare error, which the unprepared call then reports).
func (d *DB) stmt(ctx context.Context, query string) *sql.Stmt {
	if d.dialect != SQLite {
		return nil
	}
	if st, ok := d.stmts.Load(query); ok {
		return st.(*sql.Stmt)
	}
	if d.nstmts.Load() >= maxStmts {
		return nil
	}
	st, err := d.r.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	if prev, loaded := d.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt)
	}
	d.nstmts.Add(1)
	return st
}

// Writer exposes the writer pool for tools that need a raw handle
// (backup, bulk copy). Not for module code.
func (d *DB) Writer() *sql.DB { return d.w }

// bind rewrites ? placeholders to $n for PostgreSQL, caching the result
// because the same few hundred statements repeat forever.
func (d *DB) bind(q string) string {
	if d.dialect != Postgres {
		return q
	}
	if v, ok := d.rebinds.Load(q); ok {
		return v.(string)
	}
	out := Rebind(q)
	d.rebinds.Store(q, out)
	return out
}

// Rebind turns ? into $1, $2 … skipping quoted strings and ?? (a literal ?).
func Rebind(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	inStr := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inStr = !inStr
			b.WriteByte(c)
		case c == '?' && !inStr:
			if i+1 < len(q) && q[i+1] == '?' {
				b.WriteByte('?')
				i++
				continue
			}
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Tx is a write transaction with hooks that run only after commit.
type Tx struct {
	tx          *sql.Tx
	db          *DB
	afterCommit []func()
}

func (t *Tx) Dialect() Dialect { return t.db.dialect }

func (t *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := t.tx.ExecContext(ctx, t.db.bind(query), args...)
	return res, mapErr(err)
}

func (t *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := t.tx.QueryContext(ctx, t.db.bind(query), args...)
	return rows, mapErr(err)
}

func (t *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.db.bind(query), args...)
}

// AfterCommit queues fn to run once the transaction has committed; it never
// runs for a rolled-back change.
func (t *Tx) AfterCommit(fn func()) { t.afterCommit = append(t.afterCommit, fn) }

// Tx runs fn in a transaction. An error or panic from fn rolls back.
func (d *DB) Tx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	sqlTx, err := d.w.BeginTx(ctx, nil)
	if err != nil {
		return apperr.Wrap(mapErr(err))
	}
	tx := &Tx{tx: sqlTx, db: d}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return apperr.Wrap(mapErr(err))
	}
	for _, f := range tx.afterCommit {
		f()
	}
	return nil
}

// ErrUnique marks a unique-constraint violation so services can turn it
// into a field message ("this code is already used").
var ErrUnique = errors.New("unique violation")

// IsUnique reports whether err came from a unique constraint. Errors from
// Row.Scan reach callers unmapped, so the driver error is checked too.
func IsUnique(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrUnique) {
		return true
	}
	_, ok := mapErr(err).(uniqueErr)
	return ok
}

type uniqueErr struct{ err error }

func (u uniqueErr) Error() string   { return u.err.Error() }
func (u uniqueErr) Unwrap() []error { return []error{ErrUnique, u.err} }

func mapErr(err error) error {
	if err == nil {
		return nil
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23505" {
		return uniqueErr{err}
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return uniqueErr{err}
		}
	}
	return err
}

// Now returns the current instant in epoch milliseconds, the unit every
// *_ms column uses.
func Now() int64 { return time.Now().UnixMilli() }

// NotFound turns sql.ErrNoRows into the apperr vocabulary.
func NotFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFoundErr()
	}
	return apperr.Wrap(err)
}

// In expands a slice into "?,?,?" and the matching args.
func In[T any](vals []T) (string, []any) {
	if len(vals) == 0 {
		return "NULL", nil
	}
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = v
	}
	return strings.TrimSuffix(strings.Repeat("?,", len(vals)), ","), args
}

// Page is a 1-based page request with a bounded size.
type Page struct {
	Number int
	Size   int
}

// Norm clamps the page to sane bounds (size 1..max, default def).
func (p Page) Norm(def, max int) Page {
	if p.Number < 1 {
		p.Number = 1
	}
	if p.Size < 1 {
		p.Size = def
	}
	if p.Size > max {
		p.Size = max
	}
	// A page number from a URL can be anything; beyond this the offset
	// would overflow (PostgreSQL refuses a negative OFFSET).
	if p.Number > maxPageNumber {
		p.Number = maxPageNumber
	}
	return p
}

const maxPageNumber = 1 << 30

func (p Page) Offset() int { return (p.Number - 1) * p.Size }
