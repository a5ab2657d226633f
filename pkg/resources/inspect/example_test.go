package inspect_test

import (
	"fmt"

	"github.com/resync-dev/resync/pkg/resources/inspect"
)

// `leaks --watch` calls a client's connection count a leak when it keeps
// growing over the samples; a pool that filled at once and stayed does not,
// nor a count that ever fell.
func ExampleGrowing() {
	fmt.Println(inspect.Growing([]int{3, 5, 6, 8, 11}))
	fmt.Println(inspect.Growing([]int{3, 10, 10, 10, 10}))
	fmt.Println(inspect.Growing([]int{10, 12, 9, 13, 15}))
	// Output:
	// true
	// false
	// false
}

// resync's own connections are named so inspections leave them out.
func ExampleIsOwn() {
	for _, name := range []string{"resync", "resync-observe", "resync/leaks", "resyncer", "app"} {
		fmt.Println(name, inspect.IsOwn(name))
	}
	// Output:
	// resync true
	// resync-observe true
	// resync/leaks true
	// resyncer false
	// app false
}
