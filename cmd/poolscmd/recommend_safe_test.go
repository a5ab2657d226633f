package poolscmd_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/resync-dev/resync/internal/testenv"
)

// A private cluster allowing 30 − 3 reserved = 27 ordinary connections while
// the test holds 12 (an application): the sweep must stay within
// 27 − 12 − 2 (margin) = 13, the server must log no refused connection, and
// the recommendation must respect that headroom. Before the safe sweep it
// swept to 27 and the server refused the connections beyond 15.
func TestRecommendPrivatePostgresHeadroom(t *testing.T) {
	pg := testenv.StartPostgres(t, testenv.PostgresOptions{MaxConnections: 30, SuperuserReserved: 3})
	ctx := context.Background()
	for range 12 {
		c, err := pgx.Connect(ctx, pg.AppURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close(context.Background()) })
	}
	env := map[string]string{"DB_POOL_MAX_SIZE": "64", "DB_POOL_MIN_SIZE": "1"}
	code, stdout, stderr := run(t, env, "pools", "recommend", "--db", pg.AppURL, "--query", "SELECT pg_sleep(0.01)",
		"--step-duration", "300ms", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stderr, stdout)
	}
	var out struct {
		Pools map[string]struct {
			SweepMax int `json:"sweep_max"`
			Budget   int `json:"budget"`
			Steps    []struct {
				Size int `json:"size"`
			} `json:"steps"`
			Checks []struct {
				Size int `json:"size"`
			} `json:"checks"`
			Limit *struct {
				Max   int `json:"max"`
				InUse int `json:"in_use"`
			} `json:"limit"`
			Refusal        any `json:"refusal"`
			Recommendation *struct {
				Max int `json:"max"`
			} `json:"recommendation"`
		} `json:"connection_pools"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	p := out.Pools["database"]
	const budget = 27 - 12 - 2
	if p.Limit == nil || p.Limit.Max != 27 {
		t.Fatalf("limit %+v, want 27 ordinary connections", p.Limit)
	}
	if p.Limit.InUse < 12 {
		t.Errorf("in use by others %d, want at least the 12 held", p.Limit.InUse)
	}
	if p.SweepMax > budget || p.SweepMax < 8 {
		t.Errorf("sweep max %d, want at most the headroom %d (and not far below)", p.SweepMax, budget)
	}
	for _, st := range p.Steps {
		if st.Size > budget {
			t.Errorf("step of size %d beyond the headroom %d", st.Size, budget)
		}
	}
	for _, c := range p.Checks {
		if c.Size > budget {
			t.Errorf("check of size %d beyond the headroom %d", c.Size, budget)
		}
	}
	if p.Refusal != nil {
		t.Errorf("refusal %v", p.Refusal)
	}
	if p.Recommendation == nil || p.Recommendation.Max > budget {
		t.Errorf("recommendation %+v, want max ≤ %d", p.Recommendation, budget)
	}
	log := pg.Log(t)
	if n := strings.Count(log, "connection authorized"); n < 12 {
		t.Errorf("log_connections logged %d connections, want the 12 held and the sweep's:\n%s", n, log)
	}
	for _, bad := range []string{"too many clients", "remaining connection slots"} {
		if strings.Contains(log, bad) {
			t.Errorf("the server refused connections during the sweep (%q):\n%s", bad, log)
		}
	}
}
