package api

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// limiter is a set of token buckets keyed by client address or account.
// It is per instance: behind a load balancer each instance limits on its
// own (see docs/deploy.md).
type limiter struct {
	lim Limit
	mu  sync.Mutex
	m   map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(l Limit) *limiter { return &limiter{lim: l, m: map[string]*bucket{}} }

// allow takes one token for key.
func (l *limiter) allow(key string) bool {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.m) > 100000 { // forget full buckets rather than grow without bound
		for k, b := range l.m {
			if b.refill(now, l.lim) >= float64(l.lim.Burst) {
				delete(l.m, k)
			}
		}
	}
	b, ok := l.m[key]
	if !ok {
		b = &bucket{tokens: float64(l.lim.Burst), last: now}
		l.m[key] = b
	}
	if b.refill(now, l.lim) < 1 {
		return false
	}
	b.tokens--
	return true
}

func (b *bucket) refill(now time.Time, l Limit) float64 {
	b.tokens += float64(now.Sub(b.last)) / float64(l.Every)
	if b.tokens > float64(l.Burst) {
		b.tokens = float64(l.Burst)
	}
	b.last = now
	return b.tokens
}

// clientIP is the address rate limits are keyed by.
func (a *Handler) clientIP(r *http.Request) string {
	if a.ipHeader != "" {
		if v := r.Header.Values(a.ipHeader); len(v) > 0 {
			parts := strings.Split(v[len(v)-1], ",")
			if ip := strings.TrimSpace(parts[len(parts)-1]); ip != "" {
				return ip
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
