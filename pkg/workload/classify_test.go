package workload

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/redis/go-redis/v9"
)

// realNetErrors produces the errors a client really sees on loopback.
func refusedErr(t *testing.T) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	_, err = net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		t.Fatal("dial to a closed port succeeded")
	}
	return err
}

// resetErr reads from a connection the server closed with SO_LINGER 0.
func resetErr(t *testing.T, linger bool) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dialed, accepted := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(accepted)
		<-dialed
		c, err := ln.Accept()
		if err != nil {
			return
		}
		if linger {
			_ = c.(*net.TCPConn).SetLinger(0)
		}
		_ = c.Close()
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	close(dialed)
	<-accepted
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = c.Read(make([]byte, 1))
	if err == nil {
		t.Fatal("read from a closed connection succeeded")
	}
	return err
}

func deadlineErr(t *testing.T) error {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	_ = a.SetReadDeadline(time.Now().Add(-time.Second))
	_, err := a.Read(make([]byte, 1))
	return err
}

func redisServerErr(t *testing.T) error {
	mr := miniredis.RunT(t)
	c := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	defer c.Close()
	return c.Do(context.Background(), "NOSUCHCOMMAND").Err()
}

func TestClassify(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), -time.Second)
	defer cancel()
	tests := []struct {
		name string
		err  error
		want ErrorClass
	}{
		{"context deadline", ctx.Err(), ClassTimeout},
		{"wrapped deadline", fmt.Errorf("pool db: %w", context.DeadlineExceeded), ClassTimeout},
		{"socket deadline", deadlineErr(t), ClassTimeout},
		{"canceled", fmt.Errorf("query: %w", context.Canceled), ClassCanceled},
		{"refused", refusedErr(t), ClassRefused},
		{"reset", resetErr(t, true), ClassReset},
		{"eof", resetErr(t, false), ClassReset},
		{"postgres error", &pgconn.PgError{Code: "42P01", Message: `relation "x" does not exist`}, ClassServer},
		{"postgres statement timeout", &pgconn.PgError{Code: "57014", Message: "canceling statement"}, ClassTimeout},
		{"mysql error", &mysql.MySQLError{Number: 1040, Message: "Too many connections"}, ClassServer},
		{"mysql error as text", errors.New("Error 1045 (28000): Access denied for user"), ClassServer},
		{"redis error", redisServerErr(t), ClassServer},
		{"http 503 as text", errors.New("GET http://x/: status 503 Service Unavailable"), ClassServer},
		{"timeout as text", errors.New("i/o timeout"), ClassTimeout},
		{"refused as text", errors.New("dial tcp 127.0.0.1:1: connect: connection refused"), ClassRefused},
		{"reset as text", errors.New("write: broken pipe"), ClassReset},
		{"other", errors.New("syntax is wrong"), ClassOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.err); got != tt.want {
				t.Errorf("Classify(%v) = %s, want %s", tt.err, got, tt.want)
			}
		})
	}
}
