package sizing

import (
	"github.com/resync-dev/resync/pkg/workload/usl"
)

// Phases of a measurement.
const (
	PhaseSweep  = "sweep"
	PhaseRefine = "refine"
	PhaseCheck  = "check"
)

// Step is one pool size measured under the saturating closed-model load.
type Step struct {
	Size  int    `json:"size"`
	Phase string `json:"phase"` // sweep | refine
	// Runs is how many times the size was measured; the step holds the run
	// with the best throughput (see the package documentation).
	Runs int `json:"runs"`

	Throughput   float64 `json:"throughput_per_s"`
	LatencyP50Ms float64 `json:"latency_p50_ms"`
	LatencyP99Ms float64 `json:"latency_p99_ms"`
	// Acquire wait and hold time come from the step's own pool (opened for
	// this step only, so they cover this step and its warm-up).
	AcquireWaitP99Ms  float64 `json:"acquire_wait_p99_ms"`
	AcquireWaitMeanMs float64 `json:"acquire_wait_mean_ms"`
	HoldMeanMs        float64 `json:"hold_mean_ms"`
	Utilization       float64 `json:"utilization"`
	Operations        uint64  `json:"operations"`
	Errors            uint64  `json:"errors"`
	ErrorRate         float64 `json:"error_rate"`
	// Gain is the throughput gain over the previous sweep step (sweep
	// phase only; 0 for the first).
	Gain float64 `json:"gain"`
	// Error is set when the step could not run at all (the pool failed to
	// open).
	Error string `json:"error,omitempty"`
	// Refused is the server's message when it refused a connection for lack
	// of slots during the step; such a step is never the peak.
	Refused string `json:"refused,omitempty"`
}

// Check is the acquire-wait check of one size at the expected load (open
// model).
type Check struct {
	Size              int     `json:"size"`
	Rate              float64 `json:"rate"`
	Throughput        float64 `json:"throughput_per_s"`
	LatencyP99Ms      float64 `json:"latency_p99_ms"`
	AcquireWaitP99Ms  float64 `json:"acquire_wait_p99_ms"`
	AcquireWaitMeanMs float64 `json:"acquire_wait_mean_ms"`
	HoldMeanMs        float64 `json:"hold_mean_ms"`
	Utilization       float64 `json:"utilization"`
	Late              uint64  `json:"late"`
	Dropped           uint64  `json:"dropped"`
	ErrorRate         float64 `json:"error_rate"`
	Passed            bool    `json:"passed"`
}

// Limit is a server's own connection limit.
type Limit struct {
	// Max is the connections ordinary clients may open in all.
	Max int `json:"max"`
	// InUse is the connections other clients held when it was last read.
	InUse int `json:"in_use"`
	// Margin is the connections always left free (see Margin).
	Margin int `json:"margin"`
	// Source says how it was read, e.g. "max_connections 100 −
	// superuser_reserved_connections 3".
	Source string `json:"source"`
}

// Fit is the USL fit with its derived peak. PeakN and PeakThroughput are 0
// when the fitted curve never turns down (κ = 0).
type Fit struct {
	usl.Model
	PeakN          float64 `json:"peak_n"`
	PeakThroughput float64 `json:"peak_throughput_per_s"`
}

// Recommendation is the outcome with its reasons.
type Recommendation struct {
	Max int `json:"max"`
	Min int `json:"min"`
	// MaxReason and MinReason say in one sentence where each number came
	// from.
	MaxReason string `json:"max_reason"`
	MinReason string `json:"min_reason"`
	// WaitMet is false when no checked size met the acquire-wait bound.
	WaitMet bool `json:"wait_met"`
	// Capped is true when the server's limit (shared by Instances) lowered
	// Max from Uncapped.
	Capped   bool `json:"capped"`
	Uncapped int  `json:"uncapped,omitempty"`
	// DecidedBy names the input that decided Max: "sweep" (the measured
	// peak), "expected-rate" (Little's law at the given rate led) or
	// "server-limit" (the connection budget capped it).
	DecidedBy string `json:"decided_by"`
}

// Refusal is a server refusing connections during the sweep.
type Refusal struct {
	Size    int    `json:"size"`
	Message string `json:"message"`
}

// Result is the whole evidence of one Recommend.
type Result struct {
	Name   string `json:"name"`
	Kind   string `json:"kind,omitempty"`
	Target string `json:"target,omitempty"` // redacted

	ConfiguredMax int     `json:"configured_max"`
	SweepMax      int     `json:"sweep_max"` // the configured max, lowered to the server limit
	Concurrency   int     `json:"concurrency"`
	StepSeconds   float64 `json:"step_seconds"`
	WaitP99Ms     float64 `json:"wait_p99_ms"`

	// Steps are ordered by size.
	Steps      []Step `json:"steps"`
	StopReason string `json:"stop_reason"`

	PeakThroughput float64 `json:"peak_throughput_per_s"`
	PeakSize       int     `json:"peak_size"`
	Fit            *Fit    `json:"fit,omitempty"`
	FitError       string  `json:"fit_error,omitempty"`

	ExpectedRate float64 `json:"expected_rate"`
	// ExpectedRateDefaulted is true when ExpectedRate is the default share
	// of the measured peak rather than given.
	ExpectedRateDefaulted bool    `json:"expected_rate_defaulted"`
	Checks                []Check `json:"checks"`

	Limit     *Limit `json:"limit,omitempty"`
	Instances int    `json:"instances"`

	// Budget is the connections this instance may open, (limit − in use by
	// others − margin) ÷ instances, at the last re-read; 0 when no limit is
	// known.
	Budget int `json:"budget,omitempty"`
	// Refusal is set when the server refused a connection for lack of slots:
	// the sweep stopped at the step before.
	Refusal *Refusal `json:"refusal,omitempty"`
	// Warnings say why the measurements are less trustworthy (poor fit,
	// throughput falling between steps, noisy steps).
	Warnings []string `json:"warnings"`
	// Confidence is high, medium or low (see the package documentation).
	Confidence string `json:"confidence"`

	Recommendation *Recommendation `json:"recommendation,omitempty"`
	// Partial is true when the context was cancelled before the end.
	Partial bool `json:"partial"`
}

// Step returns the measured step of size n, if any.
func (r *Result) Step(n int) (Step, bool) {
	for _, s := range r.Steps {
		if s.Size == n {
			return s, true
		}
	}
	return Step{}, false
}
