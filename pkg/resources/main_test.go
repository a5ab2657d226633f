package resources_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/resync-dev/resync/pkg/pools"
	"github.com/resync-dev/resync/pkg/resources"
)

// The pools register checked-out connections through pools.Tracker.
var _ pools.Tracker = (*resources.Tracker)(nil)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
