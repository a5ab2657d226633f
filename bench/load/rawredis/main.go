// Command rawredis is a reference point for bench/load/compare.sh: the GET
// throughput of go-redis alone — C goroutines, each with its own dedicated
// connection, no pool and no workload runner around it — so the table can
// show how much of the distance to redis-benchmark is the Go client itself.
// It prints one number: operations per second.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "Redis address (loopback)")
	key := flag.String("key", "key:__rand_int__", "key to GET")
	c := flag.Int("c", 32, "goroutines, one connection each")
	d := flag.Duration("d", 10*time.Second, "duration")
	flag.Parse()

	var ops atomic.Int64
	var failed atomic.Int64
	var wg sync.WaitGroup
	ready := make(chan struct{})
	var stop atomic.Bool
	for range *c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// RESP2, as resync's connector: RESP3 adds a socket peek for push
			// notifications before and after every command.
			client := redis.NewClient(&redis.Options{Addr: *addr, PoolSize: 1, Protocol: 2})
			defer client.Close()
			conn := client.Conn()
			defer conn.Close()
			ctx := context.Background()
			if err := conn.Ping(ctx).Err(); err != nil {
				log.Fatalf("rawredis: %v", err)
			}
			<-ready
			for !stop.Load() {
				if err := conn.Get(ctx, *key).Err(); err != nil && !errors.Is(err, redis.Nil) {
					failed.Add(1)
				}
				ops.Add(1)
			}
		}()
	}
	start := time.Now()
	close(ready)
	time.Sleep(*d)
	stop.Store(true)
	n := ops.Load()
	elapsed := time.Since(start)
	wg.Wait()
	if f := failed.Load(); f > 0 {
		log.Fatalf("rawredis: %d of %d operations failed", f, n)
	}
	fmt.Printf("%.1f\n", float64(n)/elapsed.Seconds())
}
