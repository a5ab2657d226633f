package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
)

// Serve answers requests on ln until ctx is cancelled, then shuts down
// gracefully: it stops accepting, cancels leak scans in flight, lets the
// other requests finish for up to ShutdownTimeout and then closes what is
// left. It returns nil after a shutdown caused by ctx, or the error that
// stopped the listener. Serve may be called once per Server; it closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if !s.served.CompareAndSwap(false, true) {
		return errors.New("server: Serve called twice")
	}
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.opts.Logger.Handler(), slog.LevelWarn),
	}
	s.http.Store(hs)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()

	select {
	case err := <-errc:
		s.stopBase()
		if errors.Is(err, http.ErrServerClosed) { // Close was called
			return nil
		}
		return fmt.Errorf("serve on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}

	s.stopBase()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if err != nil {
		s.opts.Logger.Warn("graceful shutdown incomplete; closing the remaining connections",
			"timeout", s.opts.ShutdownTimeout, "error", err)
		err = hs.Close()
	}
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

// Close ends a running Serve at once: the listener and every connection
// are closed without waiting for requests in flight. Use it when a graceful
// shutdown is not wanted (a second Ctrl-C). It does nothing before Serve.
func (s *Server) Close() error {
	s.stopBase()
	if hs := s.http.Load(); hs != nil {
		return hs.Close()
	}
	return nil
}
