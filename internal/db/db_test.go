package db_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"golive/internal/db"
	"golive/internal/db/dbtest"
)

func TestRebind(t *testing.T) {
	cases := map[string]string{
		"SELECT 1":                             "SELECT 1",
		"a = ? AND b = ?":                      "a = $1 AND b = $2",
		"x = '?' AND y = ?":                    "x = '?' AND y = $1",
		"j ?? 'k' AND z = ?":                   "j ? 'k' AND z = $1",
		"name LIKE 'it''s ?' OR id IN (?,?,?)": "name LIKE 'it''s ?' OR id IN ($1,$2,$3)",
	}
	for in, want := range cases {
		if got := db.Rebind(in); got != want {
			t.Errorf("Rebind(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBothDialectsHaveTheSameSchema(t *testing.T) {
	if len(dbtest.Dialects()) < 2 {
		t.Skip("PostgreSQL not tested: set TEST_POSTGRES_DSN (CI always does)")
	}
	ctx := context.Background()
	lite, err := dbtest.Open(t, db.SQLite).Columns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := dbtest.Open(t, db.Postgres).Columns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) < 5 {
		t.Fatalf("sqlite schema looks empty: %v", lite)
	}
	if !reflect.DeepEqual(lite, pg) {
		for tbl, cols := range lite {
			if !reflect.DeepEqual(cols, pg[tbl]) {
				t.Errorf("table %s: sqlite %v, postgres %v", tbl, cols, pg[tbl])
			}
		}
		for tbl := range pg {
			if _, ok := lite[tbl]; !ok {
				t.Errorf("table %s only in postgres", tbl)
			}
		}
	}
}

func TestTxRollsBackAndRunsHooksOnlyAfterCommit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ran := 0
		boom := errors.New("boom")
		err := d.Tx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO companies (name, kind, created_ms, updated_ms) VALUES (?, ?, ?, ?)`, "甲", "vendor", 1, 1); err != nil {
				return err
			}
			tx.AfterCommit(func() { ran++ })
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT count(*) FROM companies`).Scan(&n); err != nil || n != 0 || ran != 0 {
			t.Fatalf("rolled back tx left n=%d ran=%d err=%v", n, ran, err)
		}
		err = d.Tx(ctx, func(tx *db.Tx) error {
			tx.AfterCommit(func() { ran++ })
			_, err := tx.Exec(ctx, `INSERT INTO companies (name, kind, created_ms, updated_ms) VALUES (?, ?, ?, ?)`, "乙", "vendor", 1, 1)
			return err
		})
		if err != nil || ran != 1 {
			t.Fatalf("commit: err=%v ran=%d", err, ran)
		}
		// Unique violations are recognisable on both dialects.
		err = d.Tx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO companies (name, kind, created_ms, updated_ms) VALUES (?, ?, ?, ?)`, "乙", "vendor", 1, 1)
			return err
		})
		if !db.IsUnique(err) {
			t.Fatalf("duplicate name: %v is not a unique violation", err)
		}
	})
}

func TestMigrateIsIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		applied, err := d.Migrate(context.Background())
		if err != nil || len(applied) != 0 {
			t.Fatalf("second migrate applied %v, err %v", applied, err)
		}
	})
}

// Unique violations surface through QueryRow(...).Scan too, where the
// driver error is not mapped on the way out.
func TestIsUniqueThroughScan(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ins := `INSERT INTO companies (name, kind, created_ms, updated_ms) VALUES (?, ?, ?, ?) RETURNING id`
		err := d.Tx(ctx, func(tx *db.Tx) error {
			var id int64
			if err := tx.QueryRow(ctx, ins, "丙", "customer", 1, 1).Scan(&id); err != nil {
				return err
			}
			return tx.QueryRow(ctx, ins, "丙", "customer", 1, 1).Scan(&id)
		})
		if !db.IsUnique(err) {
			t.Fatalf("not recognised as unique violation: %v", err)
		}
	})
}
