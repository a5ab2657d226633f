package secretstest

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/redis/go-redis/v9"

	"github.com/resync-dev/resync/pkg/monitor"
	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/target"
)

// TestPlantedPasswordNeverInMonitor registers, for every form that opens,
// a resync pool on it (named as usual, and once more named by the URL
// itself, as a service may do), and the library pools a service would
// hold on it — database/sql, pgxpool, go-redis — with one failed operation
// each, then reads every path of pkg/monitor's Handler.
func TestPlantedPasswordNeverInMonitor(t *testing.T) {
	dir := t.TempDir()
	m := monitor.New(monitor.Options{Interval: time.Hour})
	defer m.Close()
	ctx := context.Background()
	var ps []planted
	for i, f := range forms(dir) {
		p := plant(i, f)
		if register(ctx, t, m, i, p) {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 {
		t.Fatal("no form opens: the table is broken")
	}
	t.Logf("%d of %d forms registered", len(ps), len(forms(dir)))
	if _, err := m.Report(ctx); err != nil {
		t.Fatal(err)
	}
	h := m.Handler()
	for _, path := range servedPaths {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		body := rec.Body.String()
		if rec.Code >= 500 && path != "/api/performance/health" {
			t.Errorf("%s: status %d: %s", path, rec.Code, body)
		}
		for _, p := range ps {
			if sec := p.leak(body); sec != "" {
				t.Errorf("monitor %s prints %q of the password of %s:\n%s", path, sec, p.url, excerpt(body, sec))
			}
		}
	}
}

// register opens the form's pools on m; false when resync refuses the URL
// (its error is covered by the table's sources).
func register(ctx context.Context, t *testing.T, m *monitor.Monitor, i int, p planted) bool {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	tg, err := target.New(fmt.Sprintf("pool%03d", i), p.raw)
	if err != nil {
		return false
	}
	r, err := pools.Open(tg, pools.Options{MaxSize: 1, ConnectTimeout: time.Second, IdleTimeout: time.Minute,
		MaxLifetime: time.Hour, HealthCheckInterval: time.Hour}, pools.Operation{})
	if err != nil {
		return false
	}
	t.Cleanup(func() { _ = r.Close(context.Background()) })
	_ = r.Do(ctx) // refused: the snapshot's last error
	m.RegisterPool(tg.Name, r)
	m.RegisterPool(p.raw, r)
	switch tg.Kind {
	case target.Postgres:
		if cfg, err := pgxpool.ParseConfig(p.raw); err == nil {
			if pool, err := pgxpool.NewWithConfig(ctx, cfg); err == nil {
				t.Cleanup(pool.Close)
				_ = pool.Ping(ctx)
				m.RegisterPgxPool(tg.Name+"-pgx", pool)
			}
		}
		registerSQL(ctx, t, m, "pgx", tg.Name, p.raw)
	case target.Redis:
		if opt, err := redis.ParseURL(p.raw); err == nil {
			opt.DialerRetries, opt.MaxRetries = 1, -1 // refused: one dial
			c := redis.NewClient(opt)
			t.Cleanup(func() { _ = c.Close() })
			_ = c.Ping(ctx).Err()
			m.RegisterRedis(tg.Name+"-redis", c)
		}
	}
	return true
}

func registerSQL(ctx context.Context, t *testing.T, m *monitor.Monitor, driver, name, raw string) {
	if !strings.HasPrefix(raw, "postgres") {
		return
	}
	db, err := sql.Open(driver, raw)
	if err != nil {
		return
	}
	t.Cleanup(func() { _ = db.Close() })
	_ = db.PingContext(ctx)
	m.RegisterSQLDB(name+"-sql", db)
}
