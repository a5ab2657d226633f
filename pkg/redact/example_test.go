package redact_test

import (
	"fmt"

	"github.com/resync-dev/resync/pkg/redact"
)

// A password is masked, and so are tokens in the query string. A URL that
// does not parse (a "/" in the password) hides its whole user part.
func ExampleURL() {
	fmt.Println(redact.URL("postgres://app:S3cret@db:5432/app?sslmode=disable"))
	fmt.Println(redact.URL("postgres://app:S3cr/et@db:5432/app?sslmode=disable"))
	fmt.Println(redact.URL("https://api.internal/health?token=abc123&page=2"))
	// Output:
	// postgres://app:***@db:5432/app?sslmode=disable
	// postgres://***@db:5432/app?sslmode=disable
	// https://api.internal/health?token=***&page=2
}

func ExampleText() {
	fmt.Println(redact.Text(`dial redis://:hunter2@cache:6379/0: connection refused`))
	// Output:
	// dial redis://:***@cache:6379/0: connection refused
}
