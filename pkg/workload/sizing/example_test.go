package sizing_test

import (
	"fmt"

	"github.com/resync-dev/resync/pkg/workload/sizing"
)

// A sweep never opens more than the server has free for it: the limit,
// less what other clients hold and a margin, shared by the instances.
func ExampleLimit_Budget() {
	l := &sizing.Limit{Max: 60 - 3, InUse: 12, Margin: sizing.Margin(57)}
	fmt.Println("margin", l.Margin, "budget for 1 instance", l.Budget(1), "for 4", l.Budget(4))
	fmt.Println("sizes swept up to 40:", sizing.Sizes(40))
	// Output:
	// margin 3 budget for 1 instance 42 for 4 10
	// sizes swept up to 40: [1 2 4 8 16 32 40]
}
