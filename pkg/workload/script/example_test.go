package script_test

import (
	"fmt"

	"github.com/resync-dev/resync/pkg/workload/script"
)

// A pgbench-style script: \set draws a variable per run, and each
// statement binds it as a parameter in the driver's own placeholder style,
// never spliced into the SQL.
func ExampleParse() {
	sc, err := script.Parse("checkout.sql", `\set id random(1, 100000)
BEGIN;
SELECT balance FROM accounts WHERE id = :id;
UPDATE accounts SET balance = balance - 1 WHERE id = :id;
COMMIT;
`)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, st := range sc.Statements {
		sql, args := st.Render("dollar")
		fmt.Printf("line %d: %s %v\n", st.Line, sql, args)
	}
	// Output:
	// line 2: BEGIN []
	// line 3: SELECT balance FROM accounts WHERE id = $1 [0]
	// line 4: UPDATE accounts SET balance = balance - 1 WHERE id = $1 [0]
	// line 5: COMMIT []
}
