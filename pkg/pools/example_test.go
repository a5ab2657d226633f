package pools_test

import (
	"context"
	"fmt"
	"time"

	"github.com/resync-dev/resync/pkg/pools"
)

// session is a stand-in connection; a real Connector dials a server.
type session struct{ id int }

// sessions is a Connector that numbers the sessions it opens.
type sessions struct{ opened int }

func (s *sessions) Dial(context.Context) (*session, error) {
	s.opened++
	return &session{id: s.opened}, nil
}
func (s *sessions) Ping(context.Context, *session) error { return nil }
func (s *sessions) Close(*session) error                 { return nil }

// A Pool over any Connector: Acquire checks a connection out, Release
// returns it for reuse, and Snapshot reads the pool's figures — the same
// ones resync's report scores.
func ExampleNew() {
	p, err := pools.New("sessions", "custom", &sessions{}, pools.Options{
		MinSize: 0, MaxSize: 2,
		ConnectTimeout: time.Second, IdleTimeout: time.Minute,
		MaxLifetime: time.Hour, HealthCheckInterval: time.Minute,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close(context.Background())

	ctx := context.Background()
	a, _ := p.Acquire(ctx)
	b, _ := p.Acquire(ctx)
	s := p.Snapshot()
	fmt.Printf("in use %d of %d\n", s.Active, s.MaxSize)
	a.Release()
	b.Release()

	c, _ := p.Acquire(ctx) // reuses an idle session: no new dial
	fmt.Println("reused a session:", c.Value().id <= 2)
	c.Release()

	s = p.Snapshot()
	fmt.Printf("acquires %d, created %d, idle %d\n", s.AcquireCount, s.Created, s.Idle)
	// Output:
	// in use 2 of 2
	// reused a session: true
	// acquires 3, created 2, idle 2
}

// New refuses options that would skew a diagnosis, naming each problem.
func ExampleNew_invalidOptions() {
	_, err := pools.New("db", "custom", &sessions{}, pools.Options{MinSize: 5, MaxSize: 2})
	fmt.Println(err)
	// Output:
	// pool db: invalid options: min size 5 is larger than max size 2: lower the min or raise the max
	// connect timeout 0s: must be positive
	// idle timeout 0s: must be positive
	// max lifetime 0s: must be positive
	// health check interval 0s: must be positive
}
