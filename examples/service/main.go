// Command service is a small HTTP service that mounts resync's monitor over
// the pools it already uses: a database/sql pool (SQLite by default,
// PostgreSQL with -db postgres://…), a go-redis client (-redis redis://…, or
// an in-process miniredis when empty) and a resync cache in front of the
// database.
//
//	go run ./examples/service -addr 127.0.0.1:8080
//	curl 127.0.0.1:8080/users/1
//	curl 127.0.0.1:8080/api/performance/report
//	curl 127.0.0.1:8080/metrics
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/redis/go-redis/v9"
	_ "modernc.org/sqlite"

	"github.com/resync-dev/resync/pkg/cache"
	"github.com/resync-dev/resync/pkg/monitor"
)

// config is what the flags (or RESYNC_EXAMPLE_DB / RESYNC_EXAMPLE_REDIS) set.
type config struct {
	DB       string        // a postgres:// URL, or a SQLite file path ("" = a temp file)
	Redis    string        // a redis:// URL ("" = in-process miniredis)
	Interval time.Duration // monitor sampling interval
}

func main() {
	var cfg config
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.StringVar(&cfg.DB, "db", os.Getenv("RESYNC_EXAMPLE_DB"), "postgres:// URL or SQLite file (default: a temp SQLite file)")
	flag.StringVar(&cfg.Redis, "redis", os.Getenv("RESYNC_EXAMPLE_REDIS"), "redis:// URL (default: in-process miniredis)")
	flag.DurationVar(&cfg.Interval, "interval", time.Second, "monitor sampling interval")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("listening on http://%s", ln.Addr())
	if err := run(ctx, cfg, ln); err != nil {
		log.Fatal(err)
	}
}

// service holds the pools the handlers use.
type service struct {
	db    *sql.DB
	rdb   *redis.Client
	users *cache.Cache[int, string]
	ph    func(int) string // placeholder of the driver: $1 or ?
}

// run serves until ctx ends, then closes everything it opened.
func run(ctx context.Context, cfg config, ln net.Listener) error {
	s := &service{}
	var err error
	driver, dsn := "sqlite", cfg.DB
	s.ph = func(int) string { return "?" }
	if strings.HasPrefix(cfg.DB, "postgres://") || strings.HasPrefix(cfg.DB, "postgresql://") {
		driver = "pgx"
		s.ph = func(i int) string { return "$" + strconv.Itoa(i) }
	} else if dsn == "" {
		dir, err := os.MkdirTemp("", "resync-example-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dsn = filepath.Join(dir, "service.db")
	}
	if s.db, err = sql.Open(driver, dsn); err != nil {
		return err
	}
	defer s.db.Close()
	s.db.SetMaxOpenConns(4)
	table := fmt.Sprintf("resync_example_users_%d", os.Getpid())
	if err := s.setup(ctx, table); err != nil {
		return err
	}
	defer s.db.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+table)

	redisURL := cfg.Redis
	if redisURL == "" {
		mr := miniredis.NewMiniRedis()
		if err := mr.Start(); err != nil {
			return err
		}
		defer mr.Close()
		redisURL = "redis://" + mr.Addr()
	}
	ropts, err := redis.ParseURL(redisURL)
	if err != nil {
		return errors.New("-redis: not a redis:// URL") // the URL may hold a password: not echoed
	}
	s.rdb = redis.NewClient(ropts)
	defer s.rdb.Close()
	defer func() { // remove only the keys this process wrote
		for i := 1; i <= 20; i++ {
			s.rdb.Del(context.WithoutCancel(ctx), viewsKey(i))
		}
	}()

	if s.users, err = cache.New(cache.Options[int, string]{TTL: time.Minute, MaxItems: 1000}); err != nil {
		return err
	}
	defer s.users.Close()

	m := monitor.New(monitor.Options{Interval: cfg.Interval})
	defer m.Close()
	m.RegisterSQLDB("database", s.db)
	m.RegisterRedis("redis", s.rdb)
	m.RegisterCache("users", s.users)

	mux := http.NewServeMux()
	mux.Handle("/api/performance/", m.Handler())
	mux.Handle("/metrics", m.Handler())
	mux.HandleFunc("GET /users/{id}", func(w http.ResponseWriter, r *http.Request) { s.user(w, r, table) })

	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	err = srv.Shutdown(sctx)
	<-done
	return err
}

func (s *service) setup(ctx context.Context, table string) error {
	if _, err := s.db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS "+table+" (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"); err != nil {
		return err
	}
	for i := 1; i <= 20; i++ {
		q := fmt.Sprintf("INSERT INTO %s (id, name) VALUES (%s, %s)", table, s.ph(1), s.ph(2))
		if _, err := s.db.ExecContext(ctx, q, i, "user-"+strconv.Itoa(i)); err != nil {
			return err
		}
	}
	return nil
}

// user answers from the cache, else from the database, and counts views in Redis.
func (s *service) user(w http.ResponseWriter, r *http.Request, table string) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		http.Error(w, "id: not a number", http.StatusBadRequest)
		return
	}
	name, err := s.users.GetOrLoad(r.Context(), id, func(ctx context.Context) (string, error) {
		var n string
		err := s.db.QueryRowContext(ctx, "SELECT name FROM "+table+" WHERE id = "+s.ph(1), id).Scan(&n)
		return n, err
	})
	if errors.Is(err, sql.ErrNoRows) {
		http.NotFound(w, r)
		return
	} else if err != nil {
		http.Error(w, "database error", http.StatusInternalServerError)
		return
	}
	views, err := s.rdb.Incr(r.Context(), viewsKey(id)).Result()
	if err != nil {
		http.Error(w, "redis error", http.StatusInternalServerError)
		return
	}
	fmt.Fprintf(w, "%s %d\n", name, views)
}

func viewsKey(id int) string { return fmt.Sprintf("resync-example:%d:views:%d", os.Getpid(), id) }
