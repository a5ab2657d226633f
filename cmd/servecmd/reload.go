package servecmd

import (
	"context"
	"log/slog"
	"path/filepath"
	"reflect"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/resync-dev/resync/pkg/config"
	"github.com/resync-dev/resync/pkg/redact"
)

// settleDelay is how long the settings file must stay quiet after a change
// before it is read: editors write a file in several steps (truncate,
// write, rename), and reading between them would report a half-written
// file as a bad edit.
const settleDelay = 100 * time.Millisecond

// watchSettings re-reads the configuration (opts.Load, a fresh viper each
// time) whenever the settings file at path is written or replaced, until
// ctx ends. A configuration that loads and differs from the current one is
// handed to pending, where the serve loop picks it up at its next
// interval; one that fails is logged (redacted, with file:line) and
// ignored, so the previous settings stay. The returned function waits for
// the watcher to stop.
//
// fsnotify is used directly rather than viper's WatchConfig: viper's
// watcher cannot be stopped (a goroutine per call outlives serve) and it
// re-reads the file into the global layering itself, while the settings
// file needs its [default]/[env] tables and line-precise validation.
func watchSettings(ctx context.Context, path string, current *config.Config, load func() (*config.Config, error),
	pending *pendingConfig, log *slog.Logger) (wait func()) {
	w, err := fsnotify.NewWatcher()
	if err == nil {
		// The directory, not the file: an editor's atomic save replaces
		// the file, and a watch on the old inode would see nothing more.
		err = w.Add(filepath.Dir(path))
		if err != nil {
			_ = w.Close()
		}
	}
	if err != nil {
		log.Warn("not watching the settings file; edits apply only after a restart", "file", path, "error", redact.Text(err.Error()))
		return func() {}
	}
	clean := filepath.Clean(path)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer w.Close()
		settle := time.NewTimer(time.Hour)
		settle.Stop()
		defer settle.Stop()
		last := comparable(current)
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				// A removal alone is not an edit (the create that follows
				// an atomic save is); a deleted file is kept as it was.
				if filepath.Clean(ev.Name) == clean && (ev.Has(fsnotify.Write) || ev.Has(fsnotify.Create)) {
					settle.Reset(settleDelay)
				}
			case err, ok := <-w.Errors:
				if !ok {
					return
				}
				log.Warn("watching the settings file", "file", path, "error", redact.Text(err.Error()))
			case <-settle.C:
				cfg, err := load()
				if err != nil {
					log.Warn("settings file change ignored; the previous settings stay in effect", "error", redact.Text(err.Error()))
					continue
				}
				if c := comparable(cfg); !reflect.DeepEqual(c, last) {
					last = c
					pending.set(cfg)
					log.Debug("settings file changed; the new settings apply at the next interval", "file", path)
				}
			}
		}
	})
	return wg.Wait
}

// comparable is cfg without where its values came from: a change of line
// numbers alone changes nothing.
func comparable(cfg *config.Config) config.Config {
	c := *cfg
	c.Sources = nil
	return c
}

// pendingConfig hands a reloaded configuration from the watcher to the
// serve loop; a newer one replaces one not yet applied.
type pendingConfig struct {
	mu  sync.Mutex
	cfg *config.Config
}

func (p *pendingConfig) set(c *config.Config) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cfg = c
}

// take returns the configuration waiting to be applied, or nil.
func (p *pendingConfig) take() *config.Config {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.cfg
	p.cfg = nil
	return c
}
