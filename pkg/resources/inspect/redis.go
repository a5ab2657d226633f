package inspect

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/resync-dev/resync/pkg/redact"
	"github.com/resync-dev/resync/pkg/resources"
)

// Redis inspects a Redis server through CLIENT LIST and INFO clients.
func Redis(ctx context.Context, rawURL string, o Options) (*Result, error) {
	o, err := o.withDefaults(KindRedis)
	if err != nil {
		return nil, err
	}
	r := newResult(o, KindRedis, rawURL)
	fail := func(what string, err error) (*Result, error) {
		err = fmt.Errorf("%s %s: %s", what, r.URL, redact.Text(err.Error()))
		return unreachable(r, err), err
	}
	opts, err := redis.ParseURL(rawURL)
	if err != nil {
		err = fmt.Errorf("parse Redis URL %s: %s", r.URL, redact.Text(err.Error()))
		return unreachable(r, err), err
	}
	opts.ClientName = OwnName
	opts.PoolSize = 1
	opts.MaxRetries = -1
	opts.DialerRetries = 1
	// Dial once ourselves: an unreachable server is then reported at once,
	// without go-redis's retries, its log lines and its background re-dialer.
	first, err := dialRedis(ctx, opts)
	if err != nil {
		return connectFailed(r, rawURL, err)
	}
	used := false
	opts.Dialer = func(ctx context.Context, _, _ string) (net.Conn, error) {
		if !used {
			used = true
			return first, nil
		}
		return dialRedis(ctx, opts)
	}
	client := redis.NewClient(opts)
	defer client.Close()
	conn := client.Conn()
	defer conn.Close()

	selfID, err := conn.ClientID(ctx).Result()
	if err != nil {
		if isNoPerm(err) {
			r.Reachable = true
			return o.redisDenied(r, opts.Username, "CLIENT ID", err), nil
		}
		return connectFailed(r, rawURL, err)
	}
	r.Reachable = true
	r.User = opts.Username
	if r.User == "" {
		r.User = "default"
	}
	info, err := conn.Info(ctx, "server", "clients").Result()
	if err != nil && !isNoPerm(err) {
		return fail("read INFO of", err)
	}
	fields := parseInfo(info)
	r.Server = fields["redis_version"]
	list, err := conn.ClientList(ctx).Result()
	if err != nil {
		if isNoPerm(err) {
			return o.redisDenied(r, r.User, "CLIENT LIST", err), nil
		}
		return fail("read CLIENT LIST of", err)
	}

	var sessions []session
	var clients []redisClient
	for _, c := range parseClientList(list) {
		if c["id"] == strconv.FormatInt(selfID, 10) {
			continue
		}
		s := redisSession(c)
		s.long = s.age > o.MaxLifetime
		if multi, _ := strconv.Atoi(c["multi"]); multi >= 0 && c["multi"] != "" && s.idle > o.MaxLifetime {
			s.extra["queued_commands"] = strconv.Itoa(multi)
			r.Leaks = append(r.Leaks, o.leakFor(s, LeakOpenMulti, resources.SeverityWarning, s.idle))
		}
		sessions = append(sessions, s)
		omem, _ := strconv.ParseInt(c["omem"], 10, 64)
		clients = append(clients, redisClient{s: s, omem: omem})
	}
	o.redisOutliers(r, clients)
	if maxClients, err := strconv.Atoi(fields["maxclients"]); err == nil {
		r.Capacity = &Capacity{Used: len(sessions), Max: maxClients}
	} else if v, err := conn.ConfigGet(ctx, "maxclients").Result(); err == nil {
		if n, err := strconv.Atoi(v["maxclients"]); err == nil {
			r.Capacity = &Capacity{Used: len(sessions), Max: n}
		}
	}
	o.finish(r, sessions)
	return r, nil
}

// dialRedis opens one connection the way go-redis's default dialer would.
func dialRedis(ctx context.Context, opts *redis.Options) (net.Conn, error) {
	d := &net.Dialer{Timeout: opts.DialTimeout, KeepAlive: 5 * time.Minute}
	if opts.TLSConfig != nil {
		return (&tls.Dialer{NetDialer: d, Config: opts.TLSConfig}).DialContext(ctx, opts.Network, opts.Addr)
	}
	return d.DialContext(ctx, opts.Network, opts.Addr)
}

// redisSession maps one CLIENT LIST entry.
func redisSession(c map[string]string) session {
	age, _ := strconv.ParseInt(c["age"], 10, 64)
	idle, _ := strconv.ParseInt(c["idle"], 10, 64)
	flags := c["flags"]
	s := session{
		id: c["id"], app: c["name"], user: c["user"], addr: c["addr"], client: splitHost(c["addr"]),
		db: c["db"], state: c["cmd"], age: time.Duration(age) * time.Second, idle: time.Duration(idle) * time.Second,
		xact: -1, own: IsOwn(c["name"]), canIdle: true,
		extra: map[string]string{"client_id": c["id"], "flags": flags},
	}
	if strings.HasPrefix(c["addr"], "/") || c["addr"] == "" {
		s.client = "local"
	}
	switch {
	case strings.ContainsRune(flags, 'P') || c["sub"] != "" && c["sub"] != "0" || c["psub"] != "" && c["psub"] != "0":
		s.canIdle, s.note = false, "pubsub"
	case strings.ContainsRune(flags, 'b'):
		s.canIdle, s.note = false, "blocked"
	case strings.ContainsRune(flags, 'S') || strings.ContainsRune(flags, 'M'):
		s.canIdle, s.note = false, "replication"
	}
	return s
}

// redisDenied reports an ACL that forbids inspection as a finding.
func (o Options) redisDenied(r *Result, user, cmd string, err error) *Result {
	if user == "" {
		user = "default"
	}
	r.Findings = append(r.Findings, Finding{
		Severity: resources.SeverityWarning, Code: FindingPrivilege,
		Message: fmt.Sprintf("user %q may not run %s (%s): connections cannot be listed", user, cmd, redact.Text(err.Error())),
		Fix:     fmt.Sprintf("ACL SETUSER %s +client|list +client|id +info", user),
	})
	o.finish(r, nil)
	return r
}

func isNoPerm(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), "NOPERM")
}

// parseClientList splits CLIENT LIST output into one map per client. Every
// field is key=value; only the last field (cmd or resp, depending on the
// version) could in theory hold spaces, and none of those we read do.
func parseClientList(s string) []map[string]string {
	var out []map[string]string
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		m := map[string]string{}
		for _, f := range strings.Fields(line) {
			if k, v, ok := strings.Cut(f, "="); ok {
				m[k] = v
			}
		}
		out = append(out, m)
	}
	return out
}

// parseInfo reads INFO's "key:value" lines.
func parseInfo(s string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok && !strings.HasPrefix(k, "#") {
			m[k] = v
		}
	}
	return m
}
