package adversarial

import (
	"bytes"
	"os"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// BinEnv names the resync binary TestAdversarialBinary runs.
const BinEnv = "RESYNC_ADVERSARIAL_BIN"

// TestAdversarialQuick is the part of the harness in every go test: the
// secrets and bad-input areas in-process against this tree, without the
// cases that start serve (TestPlantedPasswordNeverServed in
// internal/secretstest reads its bodies). Every case must pass.
func TestAdversarialQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("runs about a hundred resync commands")
	}
	outs := RunAll(t, InProcess{}, Cases(), false, AreaSecrets, AreaBadInputs)
	var table bytes.Buffer
	WriteTable(&table, outs)
	WriteFailures(&table, outs)
	t.Logf("in-process:\n%s", table.String())
	for _, o := range outs {
		if o.Err != nil {
			t.Errorf("%s / %s: %v", o.Area, o.Name, o.Err)
		}
	}
}

// TestAdversarialBinary runs every area against $RESYNC_ADVERSARIAL_BIN and
// prints the table and the failures; failed cases do not fail the test (an
// old binary is expected to fail them), a broken harness does.
func TestAdversarialBinary(t *testing.T) {
	bin := os.Getenv(BinEnv)
	if bin == "" {
		t.Skipf("set $%s to a resync binary", BinEnv)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatal(err)
	}
	outs := RunAll(t, Binary{Path: bin}, Cases(), true)
	var table bytes.Buffer
	WriteTable(&table, outs)
	table.WriteString("\n")
	WriteFailures(&table, outs)
	t.Logf("%s:\n%s", bin, table.String())
	if path := os.Getenv("RESYNC_ADVERSARIAL_OUT"); path != "" {
		if err := os.WriteFile(path, table.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
