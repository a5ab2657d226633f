// Package embedded starts resync's built-in targets — an SQLite database in
// a temporary file, an in-process Redis-protocol server (miniredis) and an
// HTTP server on loopback — so that a newcomer's first "resync report" has
// something real to measure. Everything is removed by Close.
package embedded

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/alicebob/miniredis/v2"
	_ "modernc.org/sqlite" // registers the "sqlite" driver used to seed the database
)

// Notice is what a command prints on stderr (unless quiet) when it runs
// against the embedded targets because none was configured.
const Notice = "no target configured; running against embedded targets (SQLite, Redis, HTTP on loopback)."

// SeedRows is the number of rows in the embedded database's kv table.
const SeedRows = 1000

// Targets are the running embedded targets.
type Targets struct {
	DatabaseURL string // sqlite://<temp dir>/resync.db
	RedisURL    string // redis://127.0.0.1:<port>/0
	HTTPURL     string // http://127.0.0.1:<port>/item

	dir   string
	redis *miniredis.Miniredis
	http  *http.Server
	done  chan struct{}
}

// Start starts the three targets. On error nothing is left running.
func Start(ctx context.Context) (_ *Targets, err error) {
	t := &Targets{done: make(chan struct{})}
	defer func() {
		if err != nil {
			t.Close(context.Background())
		}
	}()

	if t.dir, err = os.MkdirTemp("", "resync-embedded-"); err != nil {
		return nil, fmt.Errorf("embedded targets: temp dir: %w", err)
	}
	dbPath := filepath.Join(t.dir, "resync.db")
	if err = seedSQLite(ctx, dbPath); err != nil {
		return nil, err
	}
	t.DatabaseURL = "sqlite://" + dbPath

	if t.redis, err = miniredis.Run(); err != nil {
		return nil, fmt.Errorf("embedded targets: redis: %w", err)
	}
	for i := range 100 {
		t.redis.Set("item:"+strconv.Itoa(i), "value-"+strconv.Itoa(i))
	}
	t.RedisURL = "redis://" + t.redis.Addr() + "/0"

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("embedded targets: http listener: %w", err)
	}
	t.http = &http.Server{Handler: handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		defer close(t.done)
		_ = t.http.Serve(ln)
	}()
	t.HTTPURL = "http://" + ln.Addr().String() + "/item"
	return t, nil
}

// handler answers like a small JSON API with a little work per request.
func handler() http.Handler {
	mux := http.NewServeMux()
	body := []byte(`{"id":42,"name":"resync embedded item","tags":["cache","pool","leak"]}`)
	mux.HandleFunc("/item", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	mux.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

func seedSQLite(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return fmt.Errorf("embedded targets: sqlite: %w", err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("embedded targets: sqlite: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE kv (k INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("embedded targets: sqlite schema: %w", err)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO kv (k, v) VALUES (?, ?)`)
	if err != nil {
		return fmt.Errorf("embedded targets: sqlite seed: %w", err)
	}
	defer stmt.Close()
	for i := range SeedRows {
		if _, err := stmt.ExecContext(ctx, i, "value-"+strconv.Itoa(i)); err != nil {
			return fmt.Errorf("embedded targets: sqlite seed: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("embedded targets: sqlite seed: %w", err)
	}
	return nil
}

// Close stops the servers and removes the temporary files.
func (t *Targets) Close(ctx context.Context) error {
	var errs []error
	if t.http != nil {
		if err := t.http.Shutdown(ctx); err != nil {
			errs = append(errs, err)
			_ = t.http.Close()
		}
		<-t.done
	}
	if t.redis != nil {
		t.redis.Close()
	}
	if t.dir != "" {
		if err := os.RemoveAll(t.dir); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
