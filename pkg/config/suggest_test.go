package config

import (
	"reflect"
	"testing"
)

func TestLevenshtein(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "abc", 3}, {"kitten", "sitting", 3},
		{"TTL_SECOND", "TTL_SECONDS", 1}, {"NUM_SHARDS", "NUM_SHRADS", 2}, {"same", "same", 0},
	}
	for _, tt := range tests {
		if got := levenshtein(tt.a, tt.b); got != tt.want {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	fields := []string{"DB_POOL_MIN_SIZE", "DB_POOL_MAX_SIZE", "REDIS_POOL_MAX_SIZE", "HTTP_POOL_MAX_SIZE"}
	tests := []struct {
		name       string
		candidates []string
		want       []string
	}{
		{"db_pool_max_size", fields, []string{"DB_POOL_MAX_SIZE"}},
		{"DB_POOL_MAX_SIZ", fields, []string{"DB_POOL_MAX_SIZE"}},
		{"DB_POL_MAX_SIZE", fields, []string{"DB_POOL_MAX_SIZE"}},
		{"MAX_SIZE", fields, []string{"DB_POOL_MAX_SIZE", "REDIS_POOL_MAX_SIZE", "HTTP_POOL_MAX_SIZE"}},
		{"BANANA", fields, nil},
		{"zipfian", []string{"zipf", "uniform", "hotset"}, []string{"zipf"}},
		{"unifrom", []string{"zipf", "uniform", "hotset"}, []string{"uniform"}},
		{"x", []string{"zipf", "uniform", "hotset"}, nil},
		{"ABCDEFGH", []string{"ABCDWXYZ"}, nil},
		{"TTL", []string{"TTL_SECONDS", "NUM_SHARDS"}, []string{"TTL_SECONDS"}},
		{"prod", []string{"default", "production", "staging"}, []string{"production"}},
	}
	for _, tt := range tests {
		if got := suggest(tt.name, tt.candidates); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("suggest(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}
