package prom

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/resync-dev/resync/pkg/redact"
)

// DefaultMaxBody bounds a scrape's body: a larger exposition is refused
// rather than read into memory.
const DefaultMaxBody = 16 << 20

// Accept is the header a scrape sends: delimited protobuf first, then the
// text format, as Prometheus itself negotiates.
const Accept = `application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3`

// Scraper fetches endpoints. The zero value uses http.DefaultClient,
// DefaultMaxBody and time.Now.
type Scraper struct {
	Client  *http.Client
	MaxBody int64
	Now     func() time.Time
}

// Scrape fetches url once and decodes it. Errors name the URL redacted.
func (s Scraper) Scrape(ctx context.Context, url string) (*Snapshot, error) {
	client, limit, now := s.Client, s.MaxBody, s.Now
	if client == nil {
		client = http.DefaultClient
	}
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	if now == nil {
		now = time.Now
	}
	shown := redact.URL(url)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("metrics %s: %s", shown, redact.Text(err.Error()))
	}
	req.Header.Set("Accept", Accept)
	at := now()
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("metrics %s: %s", shown, redact.Text(unwrapURLError(err).Error()))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("metrics %s: HTTP %s", shown, resp.Status)
	}
	body := &limited{r: resp.Body, left: limit}
	snap, err := Decode(body, resp.Header)
	if body.over {
		return nil, fmt.Errorf("metrics %s: body larger than %d bytes", shown, limit)
	}
	if IsNotPrometheus(err) {
		detail := strings.TrimPrefix(err.Error(), ErrNotPrometheus.Error()+": ")
		return nil, fmt.Errorf("metrics %s: %w: %s", shown, ErrNotPrometheus, redact.Text(detail))
	}
	if err != nil {
		return nil, fmt.Errorf("metrics %s: %s", shown, redact.Text(err.Error()))
	}
	snap.At = at
	snap.Bytes = limit - body.left
	return snap, nil
}

// IsNotPrometheus reports whether err says the endpoint answered with
// something other than a Prometheus exposition.
func IsNotPrometheus(err error) bool { return errors.Is(err, ErrNotPrometheus) }

func unwrapURLError(err error) error {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if inner := ue.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}

// limited reads at most left bytes and records whether the body had more.
type limited struct {
	r    io.Reader
	left int64
	over bool
}

func (l *limited) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var one [1]byte
		if n, _ := l.r.Read(one[:]); n > 0 {
			l.over = true
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}
