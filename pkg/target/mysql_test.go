package target_test

import (
	"strings"
	"testing"
	"time"

	"github.com/resync-dev/resync/pkg/target"
)

func TestMySQLConfig(t *testing.T) {
	tests := []struct {
		url                       string
		user, pass, net, addr, db string
		err                       string
	}{
		{url: "mysql://root@127.0.0.1:3306/test", user: "root", net: "tcp", addr: "127.0.0.1:3306", db: "test"},
		{url: "mysql://root@127.0.0.1/test", user: "root", net: "tcp", addr: "127.0.0.1:3306", db: "test"},
		{url: "MySQL://root@db/", user: "root", net: "tcp", addr: "db:3306"},
		{url: "mysql://app:p%40ss%2Fw:rd@db.internal/orders", user: "app", pass: "p@ss/w:rd", net: "tcp", addr: "db.internal:3306", db: "orders"},
		{url: "mysql://app@/orders?socket=/run/mysqld/mysqld.sock", user: "app", net: "unix", addr: "/run/mysqld/mysqld.sock", db: "orders"},
		{url: "mysql://app:hunter2@db:3306/orders?socket=/tmp/my.sock", user: "app", pass: "hunter2", net: "unix", addr: "/tmp/my.sock", db: "orders"},
		{url: "mysql://app@[::1]:3307/x?timeout=2s", user: "app", net: "tcp", addr: "[::1]:3307", db: "x"},
		{url: "mysql://app@[::1]/x", user: "app", net: "tcp", addr: "[::1]:3306", db: "x"},
		{url: "postgres://app@h/x", err: "must start with mysql://"},
		{url: "mysql://app:hunter2@/x", err: "has no host"},
		{url: "mysql://app:hunter2@h/x?timeout=banana", err: "timeout"},
		{url: "mysql://app:hunter2@h:port/x", err: "invalid port"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			cfg, err := target.MySQLConfig(tt.url)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || strings.Contains(err.Error(), "hunter2") {
					t.Fatalf("err = %v, want %q without the password", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.User != tt.user || cfg.Passwd != tt.pass || cfg.Net != tt.net || cfg.Addr != tt.addr || cfg.DBName != tt.db {
				t.Fatalf("config = user %q pass %q net %q addr %q db %q", cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, cfg.DBName)
			}
		})
	}
	cfg, err := target.MySQLConfig("mysql://a@h/x?timeout=2s&parseTime=true")
	if err != nil || cfg.Timeout != 2*time.Second || !cfg.ParseTime {
		t.Errorf("driver parameters not applied: %+v, %v", cfg, err)
	}
}

func FuzzMySQLConfig(f *testing.F) {
	for _, s := range []string{"mysql://root@127.0.0.1:3306/test", "mysql://a:b@c/d?socket=/x", "mysql://%zz", "mysql://a@h/x?timeout=1s&tls=true"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cfg, err := target.MySQLConfig(s)
		if err == nil && cfg.Addr == "" {
			t.Fatalf("%q: no address", s)
		}
		if err != nil && cfg != nil {
			t.Fatalf("%q: config with an error", s)
		}
	})
}
