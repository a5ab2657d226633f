package target_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/resync-dev/resync/pkg/target"
)

func TestFromMetricsURLs(t *testing.T) {
	tests := []struct {
		name      string
		urls      []string
		want      []target.Target
		wantErr   string // substring
		wantIndex int
	}{
		{name: "none"},
		{
			name: "named in order, kind prometheus",
			urls: []string{"http://127.0.0.1:9090/metrics", "https://svc.example.com/metrics?token=s3cret"},
			want: []target.Target{
				{Name: "metrics", Kind: target.Prometheus, URL: "http://127.0.0.1:9090/metrics"},
				{Name: "metrics2", Kind: target.Prometheus, URL: "https://svc.example.com/metrics?token=s3cret"},
			},
		},
		{name: "a Redis URL", urls: []string{"http://a/metrics", "redis://:s3cret@cache:6379"}, wantIndex: 1,
			wantErr: "TARGETS.METRICS_URLS[1]: redis://:***@cache:6379 is a redis URL: a Prometheus endpoint is http:// or https://"},
		{name: "no host", urls: []string{"http:///metrics"}, wantErr: "TARGETS.METRICS_URLS[0]: no host"},
		{name: "no scheme", urls: []string{"svc:9090/metrics"}, wantErr: "TARGETS.METRICS_URLS[0]: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := target.FromMetricsURLs(tt.urls)
			if tt.wantErr != "" {
				var terr *target.Error
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, &terr) {
					t.Fatalf("err = %v, want a *target.Error containing %q", err, tt.wantErr)
				}
				if terr.Key != target.KeyMetricsURLs || terr.Index != tt.wantIndex {
					t.Errorf("key, index = %s, %d; want %s, %d", terr.Key, terr.Index, target.KeyMetricsURLs, tt.wantIndex)
				}
				if strings.Contains(err.Error(), "s3cret") {
					t.Errorf("error leaks the secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d targets, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("target %d = %#v, want %#v", i, got[i], tt.want[i])
				}
			}
			for _, g := range got {
				if s := g.String(); strings.Contains(s, "s3cret") {
					t.Errorf("String() leaks the token: %s", s)
				}
			}
		})
	}
}
