package pools

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// redisConn is one dedicated Redis connection: a go-redis client limited to
// one connection, pinned through Client.Conn so that a broken connection
// stays broken (and is replaced by our pool) instead of being redialled
// behind our back. The TCP (and TLS) connection is dialled by us, so a dial
// failure never reaches go-redis, whose pool would retry it in the
// background.
type redisConn struct {
	client *redis.Client
	conn   *redis.Conn
}

// redisDriver dials redisConns with CLIENT SETNAME resync.
type redisDriver struct {
	rawURL string
	opts   Options
	args   []any
}

// newRedis checks a redis:// or rediss:// URL. For rediss, Options.TLSConfig
// (when set) replaces the default TLS configuration.
func newRedis(rawURL string, o Options, op Operation) (*redisDriver, error) {
	d := &redisDriver{rawURL: rawURL, opts: o}
	if _, err := d.options(); err != nil {
		return nil, err
	}
	cmd := op.Command
	if len(cmd) == 0 {
		cmd = []string{"PING"}
	}
	for _, a := range cmd {
		d.args = append(d.args, a)
	}
	return d, nil
}

// options builds a fresh go-redis configuration (go-redis writes to it, so
// clients must not share one).
func (d *redisDriver) options() (*redis.Options, error) {
	opt, err := redis.ParseURL(d.rawURL)
	if err != nil {
		return nil, err
	}
	opt.ClientName = AppName
	opt.PoolSize, opt.MinIdleConns, opt.MaxIdleConns, opt.MaxActiveConns = 1, 0, 1, 1
	opt.MaxRetries = -1 // errors must reach our pool, not be retried on a new connection
	opt.DialTimeout, opt.PoolTimeout = d.opts.ConnectTimeout, d.opts.ConnectTimeout
	opt.ContextTimeoutEnabled = true
	opt.ConnMaxIdleTime = -1 // our pool owns idle and lifetime handling
	opt.DialerRetries = 1
	opt.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	// RESP2: with RESP3, go-redis peeks the socket for push notifications
	// (a recvfrom syscall) before and after every command, which cost a
	// third of the client's CPU per GET in bench/load (resync never
	// subscribes, so there is nothing to push).
	opt.Protocol = 2
	if opt.TLSConfig != nil && d.opts.TLSConfig != nil {
		t := d.opts.TLSConfig.Clone()
		if t.ServerName == "" {
			t.ServerName = opt.TLSConfig.ServerName
		}
		opt.TLSConfig = t
	}
	return opt, nil
}

// connect opens the TCP connection, with the TLS handshake for rediss.
func (d *redisDriver) connect(ctx context.Context, opt *redis.Options) (net.Conn, error) {
	dialer := net.Dialer{Timeout: d.opts.ConnectTimeout, KeepAlive: 5 * time.Minute}
	c, err := dialer.DialContext(ctx, opt.Network, opt.Addr)
	if err != nil || opt.TLSConfig == nil {
		return c, err
	}
	tc := tls.Client(c, opt.TLSConfig)
	if err := tc.HandshakeContext(ctx); err != nil {
		_ = c.Close()
		return nil, err
	}
	return tc, nil
}

func (d *redisDriver) Dial(ctx context.Context) (*redisConn, error) {
	opt, err := d.options()
	if err != nil {
		return nil, err
	}
	first, err := d.connect(ctx, opt)
	if err != nil {
		return nil, err
	}
	firstCh := make(chan net.Conn, 1)
	firstCh <- first
	opt.Dialer = func(ctx context.Context, _, _ string) (net.Conn, error) {
		select {
		case c := <-firstCh:
			return c, nil
		default: // not expected: the connection is pinned
			return d.connect(ctx, opt)
		}
	}
	client := redis.NewClient(opt)
	c := &redisConn{client: client, conn: client.Conn()}
	if err := c.conn.Ping(ctx).Err(); err != nil {
		_ = d.Close(c)
		return nil, err
	}
	return c, nil
}

func (d *redisDriver) Ping(ctx context.Context, c *redisConn) error { return c.conn.Ping(ctx).Err() }

func (d *redisDriver) Close(c *redisConn) error {
	return errors.Join(c.conn.Close(), c.client.Close())
}

// exec runs the command; a nil reply (missing key) is a success.
func (d *redisDriver) exec(ctx context.Context, c *redisConn) error {
	err := c.conn.Do(ctx, d.args...).Err()
	if errors.Is(err, redis.Nil) {
		return nil
	}
	return err
}

// broken: a server error reply (WRONGTYPE, ERR …) leaves the connection
// usable; anything else does not.
func (d *redisDriver) broken(_ *redisConn, err error) bool {
	var reply redis.Error
	return isCtxErr(err) || !errors.As(err, &reply)
}
