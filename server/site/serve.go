package site

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"
)

// Timeouts and limits of the http.Server made by NewHTTPServer.
const (
	ReadHeaderTimeout = 10 * time.Second
	ReadTimeout       = time.Minute
	WriteTimeout      = 2 * time.Minute
	IdleTimeout       = 2 * time.Minute
	MaxHeaderBytes    = 64 << 10
	// ShutdownTimeout bounds how long Serve waits for requests in flight
	// once its context is done.
	ShutdownTimeout = 10 * time.Second
	// MaxConnections bounds the connections Serve holds open at once;
	// further clients wait in the kernel's accept queue until one closes
	// (idle keep-alive connections close after IdleTimeout).
	MaxConnections = 1024
)

// Listener wraps ln for serving: at most maxConns connections are open at
// once (netutil.LimitListener), and the error responses net/http writes by
// itself on a connection, before any handler runs (400 for a malformed
// request, 431 for headers over MaxHeaderBytes, 501, 505), get the same
// security headers as every other response.
func Listener(ln net.Listener, maxConns int) net.Listener {
	return netutil.LimitListener(secureErrorsListener{ln}, maxConns)
}

type secureErrorsListener struct{ net.Listener }

func (l secureErrorsListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return secureErrorsConn{c}, nil
}

// secureErrorsConn adds the security headers to net/http's own error
// responses. net/http writes each of them to the connection in a single
// Write: a status line, then exactly errorHeaders, then a short text.
// Responses from the handler always carry Content-Security-Policy, so a
// write that starts a response, holds errorHeaders and no CSP is one of
// net/http's.
type secureErrorsConn struct{ net.Conn }

// errorHeaders is what net/http (server.go, conn.serve) writes after the
// status line of its own error responses.
const errorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

var securityHeaderLines = func() string {
	var b bytes.Buffer
	for _, kv := range securityHeaders {
		b.WriteString("\r\n" + kv[0] + ": " + kv[1])
	}
	b.WriteString("\r\nCache-Control: no-store")
	return b.String()
}()

func (c secureErrorsConn) Write(p []byte) (int, error) {
	if len(p) > 1024 || !bytes.HasPrefix(p, []byte("HTTP/1.1 ")) {
		return c.Conn.Write(p)
	}
	i := bytes.Index(p, []byte(errorHeaders))
	if i < 0 || bytes.Contains(p[:i], []byte("\r\n")) || bytes.Contains(p, []byte("Content-Security-Policy:")) {
		return c.Conn.Write(p)
	}
	out := make([]byte, 0, len(p)+len(securityHeaderLines))
	out = append(append(append(out, p[:i]...), securityHeaderLines...), p[i:]...)
	if _, err := c.Conn.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// NewHTTPServer returns an http.Server for h with Offcut's timeouts, and
// the server's own errors (bad TLS, broken connections) sent to log.
func NewHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	if log == nil {
		log = slog.Default()
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// Serve serves h on ln until ctx is done, then shuts down gracefully:
// it stops accepting, lets requests in flight finish (for up to
// ShutdownTimeout) and returns nil. It returns early with the error if
// serving fails.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	srv := NewHTTPServer(h, log)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(Listener(ln, MaxConnections)) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}
