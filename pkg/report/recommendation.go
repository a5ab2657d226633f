package report

// Recommendation severities.
const (
	SeverityInfo     = "info"
	SeverityWarning  = "warning"
	SeverityCritical = "critical"
)

// Recommendation is one piece of advice with the numbers behind it and a
// concrete setting to paste.
type Recommendation struct {
	ID         string             `json:"id"`         // stable rule id, e.g. "pool.raise_max"
	Severity   string             `json:"severity"`   // info | warning | critical
	Subject    string             `json:"subject"`    // cache or pool name
	Message    string             `json:"message"`    // one sentence for people
	Evidence   map[string]float64 `json:"evidence"`   // metric → value that triggered the rule
	Suggestion string             `json:"suggestion"` // e.g. "DB_POOL_MAX_SIZE=48"
	// Cause is CauseTestLoad when only the test load's own settings caused
	// the finding (it is then info, whatever the rule's severity); absent
	// otherwise.
	Cause string `json:"cause,omitempty"`
}
