package target_test

import (
	"fmt"

	"github.com/resync-dev/resync/pkg/target"
)

// Targets are named by kind and numbered from the second one on; every way
// of printing one shows the redacted URL.
func ExampleFromURLs() {
	ts, err := target.FromURLs(
		[]string{"postgres://app:S3cret@db:5432/app", "mysql://shop:pw@db2:3306/shop"},
		"redis://:token@cache:6379/0", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range ts {
		fmt.Printf("%-9s %-8s %v\n", t.Name, t.Kind, t)
	}
	// Output:
	// database  postgres database (postgres://app:***@db:5432/app)
	// database2 mysql    database2 (mysql://shop:***@db2:3306/shop)
	// redis     redis    redis (redis://:***@cache:6379/0)
}

// The scheme decides the kind; an unknown one lists those resync speaks.
func ExampleKindOf() {
	for _, u := range []string{"postgresql://db/app", "rediss://cache:6380", "sqlite::memory:", "mongodb://db"} {
		if k, err := target.KindOf(u); err != nil {
			fmt.Println(err)
		} else {
			fmt.Println(k)
		}
	}
	// Output:
	// postgres
	// redis
	// sqlite
	// unsupported scheme "mongodb": use postgres://, postgresql://, mysql://, sqlite://PATH, sqlite::memory:, redis://, rediss:// or http(s)://
}
