package prom

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// Entity is one pool or cache an endpoint exposes.
type Entity struct {
	Kind     Kind   `json:"kind"`
	Exporter string `json:"exporter"`
	// Name comes from the exporter's naming label (pool, db_name, cache), with
	// any other labels appended as {k=v,…} so two pools never merge.
	Name   string             `json:"name"`
	Values map[string]float64 `json:"values"`
}

// Key identifies an entity across scrapes.
func (e *Entity) Key() string { return string(e.Kind) + "/" + e.Exporter + "/" + e.Name }

// Snapshot is one scrape, reduced to the entities resync knows.
type Snapshot struct {
	At       time.Time `json:"at"`
	Format   string    `json:"format"`
	Entities []*Entity `json:"entities"` // sorted by Key
	// Bytes is the size of the body read (set by Scrape).
	Bytes int64 `json:"bytes,omitempty"`
	// Ignored lists the families no known exporter writes, sorted.
	Ignored []string `json:"ignored,omitempty"`
}

// ErrNotPrometheus is wrapped by every error about a body that is not a
// Prometheus exposition.
var ErrNotPrometheus = errors.New("not a Prometheus exposition")

// Decode reads one exposition in the format the header's Content-Type names
// (expfmt.ResponseFormat; text when it names none). A body that fails to
// parse, or parses to no family at all, is ErrNotPrometheus.
func Decode(r io.Reader, header http.Header) (*Snapshot, error) {
	format := expfmt.ResponseFormat(header)
	if format == expfmt.FmtUnknown {
		ct := header.Get("Content-Type")
		if ct != "" && !strings.HasPrefix(ct, "text/plain") {
			return nil, fmt.Errorf("%w: content type %q (want text/plain or %s)", ErrNotPrometheus, ct, expfmt.ProtoType)
		}
		format = expfmt.FmtText
	}
	dec := expfmt.NewDecoder(r, format)
	b := newBuilder()
	n := 0
	for {
		var mf dto.MetricFamily
		err := dec.Decode(&mf)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrNotPrometheus, err)
		}
		n++
		b.add(&mf)
	}
	if n == 0 {
		return nil, fmt.Errorf("%w: no metric family in the body", ErrNotPrometheus)
	}
	s := b.snapshot()
	s.Format = formatName(format)
	return s, nil
}

// builder accumulates entities from families.
type builder struct {
	byKey   map[string]*Entity
	ignored map[string]bool
}

func newBuilder() *builder {
	return &builder{byKey: map[string]*Entity{}, ignored: map[string]bool{}}
}

func (b *builder) add(mf *dto.MetricFamily) {
	name := mf.GetName()
	f, defName, ok := lookup(name)
	if !ok {
		b.ignored[name] = true
		return
	}
	for _, m := range mf.GetMetric() {
		targets := f.targets
		if f.byLabel != "" {
			field, ok := f.fields[labelValue(m, f.byLabel)]
			if !ok {
				continue
			}
			targets = []target{{field: field}}
		}
		e := b.entity(f, entityName(m, f, defName))
		for _, t := range targets {
			v, ok := value(m, t.part)
			if !ok {
				continue
			}
			if t.scale != 0 {
				v *= t.scale
			}
			e.Values[t.field] += v
		}
	}
}

func (b *builder) entity(f family, name string) *Entity {
	e := &Entity{Kind: f.kind, Exporter: f.exporter, Name: name}
	if old, ok := b.byKey[e.Key()]; ok {
		return old
	}
	e.Values = map[string]float64{}
	b.byKey[e.Key()] = e
	return e
}

func (b *builder) snapshot() *Snapshot {
	s := &Snapshot{}
	for _, e := range b.byKey {
		if len(e.Values) > 0 {
			s.Entities = append(s.Entities, e)
		}
	}
	sort.Slice(s.Entities, func(i, j int) bool { return s.Entities[i].Key() < s.Entities[j].Key() })
	for name := range b.ignored {
		s.Ignored = append(s.Ignored, name)
	}
	slices.Sort(s.Ignored)
	return s
}

// entityName is the naming label's value, or defName, followed by every
// other label except those that pick a field or a bucket.
func entityName(m *dto.Metric, f family, defName string) string {
	name := defName
	var rest []string
	for _, lp := range m.GetLabel() {
		switch k := lp.GetName(); {
		case k == f.nameLabel && f.nameLabel != "":
			name = lp.GetValue()
		case k == f.byLabel, k == "quantile", k == "le":
		default:
			rest = append(rest, k+"="+lp.GetValue())
		}
	}
	if len(rest) == 0 {
		return name
	}
	slices.Sort(rest)
	if f.nameLabel == "" && defName == f.exporter {
		return strings.Join(rest, ",") // pgxpool: the constant labels are the name
	}
	return name + "{" + strings.Join(rest, ",") + "}"
}

func labelValue(m *dto.Metric, name string) string {
	for _, lp := range m.GetLabel() {
		if lp.GetName() == name {
			return lp.GetValue()
		}
	}
	return ""
}

// value picks a sample's number; NaN and infinities are dropped, so a
// broken exporter never poisons a delta.
func value(m *dto.Metric, p part) (float64, bool) {
	var v float64
	switch p {
	case partCount, partSum:
		switch {
		case m.Summary != nil:
			v = float64(m.Summary.GetSampleCount())
			if p == partSum {
				v = m.Summary.GetSampleSum()
			}
		case m.Histogram != nil:
			v = float64(m.Histogram.GetSampleCount())
			if p == partSum {
				v = m.Histogram.GetSampleSum()
			}
		default:
			return 0, false
		}
	default:
		switch {
		case m.Counter != nil:
			v = m.Counter.GetValue()
		case m.Gauge != nil:
			v = m.Gauge.GetValue()
		case m.Untyped != nil:
			v = m.Untyped.GetValue()
		default:
			return 0, false
		}
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

func formatName(f expfmt.Format) string {
	switch f.FormatType() {
	case expfmt.TypeProtoDelim:
		return "protobuf"
	case expfmt.TypeOpenMetrics:
		return "openmetrics"
	default:
		return "text"
	}
}
