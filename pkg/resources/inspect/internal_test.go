package inspect

import (
	"fmt"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/resources"
)

func TestQuoteMySQLAccount(t *testing.T) {
	for in, want := range map[string]string{
		"root@localhost": "'root'@'localhost'",
		"app@10.0.%":     "'app'@'10.0.%'",
		"o'brien@%":      "'o''brien'@'%'",
		"we@ird@host":    "'we@ird'@'host'",
		"nohost":         "'nohost'",
	} {
		if got := quoteMySQLAccount(in); got != want {
			t.Errorf("quoteMySQLAccount(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestParseClientList(t *testing.T) {
	list := "id=3 addr=127.0.0.1:50112 laddr=127.0.0.1:6379 fd=8 name=worker age=3700 idle=3650 flags=N db=0 sub=0 psub=0 multi=-1 cmd=get user=default\n" +
		"id=4 addr=10.0.0.2:4000 fd=9 name= age=10 idle=0 flags=P db=0 sub=2 psub=0 multi=-1 cmd=subscribe user=default\n" +
		"id=5 addr=/tmp/redis.sock:0 fd=10 name=q age=5000 idle=4000 flags=b db=0 sub=0 psub=0 multi=-1 cmd=blpop user=app\n\n"
	cs := parseClientList(list)
	if len(cs) != 3 || cs[0]["name"] != "worker" || cs[0]["age"] != "3700" || cs[1]["name"] != "" || cs[2]["user"] != "app" {
		t.Fatalf("parsed %v", cs)
	}
	s := redisSession(cs[0])
	if s.age != 3700*time.Second || s.idle != 3650*time.Second || s.client != "127.0.0.1" || !s.canIdle {
		t.Errorf("session 0 = %+v", s)
	}
	if s := redisSession(cs[1]); s.canIdle || s.note != "pubsub" {
		t.Errorf("subscriber counted as idle: %+v", s)
	}
	if s := redisSession(cs[2]); s.canIdle || s.note != "blocked" || s.client != "local" {
		t.Errorf("blocked socket client = %+v", s)
	}
}

// The idle-group rule: WarnGroupSize connections of one client idle past
// the threshold make a warning; one fewer does not.
func TestIdleGroupRule(t *testing.T) {
	o, _ := Options{MaxLifetime: time.Minute, WarnGroupSize: 3}.withDefaults(KindRedis)
	mk := func(app string, idle time.Duration, canIdle bool) session {
		return session{app: app, user: "default", client: "10.0.0.9", age: time.Hour, idle: idle, xact: -1, canIdle: canIdle, long: true}
	}
	var ss []session
	for i := 0; i < 3; i++ {
		ss = append(ss, mk("big-pool", 2*time.Minute, true))
		ss = append(ss, mk("subscribers", 2*time.Hour, false))
	}
	ss = append(ss, mk("small-pool", 2*time.Minute, true), mk("small-pool", 2*time.Minute, true), mk("small-pool", time.Second, true))
	r := newResult(o, KindRedis, "redis://h")
	r.Capacity = &Capacity{Used: len(ss), Max: 10}
	o.finish(r, ss)

	sev := map[string]resources.Severity{}
	for _, g := range r.LongLived {
		sev[g.Application] = g.Severity
	}
	want := map[string]resources.Severity{"big-pool": "warning", "subscribers": "info", "small-pool": "info"}
	if fmt.Sprint(sev) != fmt.Sprint(want) {
		t.Errorf("severities = %v, want %v", sev, want)
	}
	codes := map[string]int{}
	for _, f := range r.Findings {
		codes[f.Code]++
	}
	if codes[FindingGroupIdle] != 1 || codes[FindingCapacity] != 1 || r.Capacity.Available != 1 || r.Capacity.Ratio != 0.9 {
		t.Errorf("findings %+v capacity %+v: want one idle-group warning and a capacity warning at 90%%", r.Findings, r.Capacity)
	}
	if r.Severity != resources.SeverityWarning || r.LeakCount() != 0 {
		t.Errorf("severity %s leaks %d: idle connections are never leaks", r.Severity, r.LeakCount())
	}
}

func TestTruncate(t *testing.T) {
	if got := truncate("SELECT *\n  FROM   t\tWHERE id = 1", 14); got != "SELECT * FROM …" {
		t.Errorf("truncate = %q", got)
	}
	if got := truncate("héllo", 10); got != "héllo" {
		t.Errorf("truncate = %q", got)
	}
}

func TestChains(t *testing.T) {
	tests := []struct {
		name     string
		waitsFor map[int][]int
		want     map[int][]int // head → blocked
	}{
		{"none", map[int][]int{}, map[int][]int{}},
		{"direct", map[int][]int{2: {1}, 3: {1}}, map[int][]int{1: {2, 3}}},
		{"transitive", map[int][]int{2: {1}, 3: {2}}, map[int][]int{1: {2, 3}}},
		{"two heads", map[int][]int{3: {1, 2}}, map[int][]int{1: {3}, 2: {3}}},
		{"cycle has no head", map[int][]int{1: {2}, 2: {1}}, map[int][]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := chains(tt.waitsFor, map[int]float64{}, map[int]session{})
			if len(got) != len(tt.want) {
				t.Fatalf("chains = %+v, want heads %v", got, tt.want)
			}
			for _, c := range got {
				if fmt.Sprint(c.Blocked) != fmt.Sprint(tt.want[c.HeadPID]) || c.HeadXactSeconds != -1 {
					t.Errorf("head %d blocks %v, want %v", c.HeadPID, c.Blocked, tt.want[c.HeadPID])
				}
			}
		})
	}
}

func TestHolders(t *testing.T) {
	sess := func(app, user, client string, own bool) session {
		return session{app: app, user: user, client: client, own: own}
	}
	o, err := Options{MaxLifetime: time.Hour}.withDefaults(KindPostgres)
	if err != nil {
		t.Fatal(err)
	}
	ss := []session{
		sess("api", "app", "10.0.0.1", false), sess("api", "app", "10.0.0.2", false),
		sess("api", "app", "10.0.0.2", false), sess("cron", "batch", "10.0.0.3", false),
		sess("resync", "app", "10.0.0.9", true), sess("resync", "app", "10.0.0.9", true),
	}
	for _, tc := range []struct {
		name      string
		max, resv int
		findings  int
	}{
		{"most of the headroom", 8, 3, 2}, // api 3/5, app 3/5 (own left out), 10.0.0.2 2/5
		{"plenty of room", 100, 3, 0},
		{"no usable slots", 3, 3, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Result{Capacity: &Capacity{Max: tc.max, Reserved: tc.resv}}
			o.holders(r, ss)
			if tc.max-tc.resv <= 0 {
				if len(r.Holders) != 0 {
					t.Fatalf("holders = %+v, want none", r.Holders)
				}
				return
			}
			want := map[string]Holder{
				"application": {By: "application", Name: "api", Count: 3},
				"user":        {By: "user", Name: "app", Count: 3},
				"client":      {By: "client", Name: "10.0.0.2", Count: 2},
			}
			for _, h := range r.Holders {
				w := want[h.By]
				w.Share = float64(w.Count) / float64(tc.max-tc.resv)
				if h != w {
					t.Errorf("holder = %+v, want %+v", h, w)
				}
			}
			if len(r.Holders) != 3 || len(r.Findings) != tc.findings {
				t.Errorf("holders %+v findings %+v, want 3 holders, %d findings", r.Holders, r.Findings, tc.findings)
			}
		})
	}
}
