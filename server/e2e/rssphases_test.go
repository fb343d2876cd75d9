package e2e

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

// rssSample is the RSS of the browser's processes at one moment, by kind
// of process (browser, renderer, gpu, the utility processes by sub-type).
type rssSample struct {
	at    time.Time
	kinds map[string]int64
	all   int64
}

// processKinds is processRSS split by kind of process.
func processKinds(ctx context.Context) rssSample {
	s := rssSample{at: time.Now(), kinds: map[string]int64{}}
	for _, pid := range browserPIDs(ctx) {
		rss := vmRSS(pid)
		s.all += rss
		kind := "browser"
		if cmd, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil {
			// Chromium rewrites its processes' command lines with spaces.
			args := strings.FieldsFunc(string(cmd), func(r rune) bool { return r == 0 || r == ' ' })
			for _, a := range args {
				switch {
				case strings.HasPrefix(a, "--type="):
					kind = strings.TrimPrefix(a, "--type=")
				case strings.HasPrefix(a, "--utility-sub-type="):
					sub := strings.TrimPrefix(a, "--utility-sub-type=")
					kind = "utility:" + strings.TrimSuffix(sub[strings.LastIndexByte(sub, '.')+1:], "Service")
				}
			}
			if kind == "utility" { // the sub-type came first
				for _, a := range args {
					if sub, ok := strings.CutPrefix(a, "--utility-sub-type="); ok {
						kind = "utility:" + sub[strings.LastIndexByte(sub, '.')+1:]
					}
				}
			}
		}
		s.kinds[kind] += rss
	}
	return s
}

// phaseRSS samples processKinds every 50 ms until stop is called, which
// returns the samples.
func phaseRSS(ctx context.Context) (stop func() []rssSample) {
	var mu sync.Mutex
	var samples []rssSample
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			s := processKinds(ctx)
			mu.Lock()
			samples = append(samples, s)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	return func() []rssSample {
		close(done)
		<-finished
		mu.Lock()
		defer mu.Unlock()
		return samples
	}
}

// phaseReport says, for each phase (named marks: a phase runs from its
// mark, Unix ms, to the next one's), the peak growth above idle of all the
// processes and of each kind at the moment of that peak.
func phaseReport(idle rssSample, samples []rssSample, marks map[string]float64) string {
	type mark struct {
		name string
		at   time.Time
	}
	var ms []mark
	for k, v := range marks {
		ms = append(ms, mark{k, time.UnixMilli(int64(v))})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].at.Before(ms[j].at) })
	var b strings.Builder
	fmt.Fprintf(&b, "idle %d MiB:", idle.all>>20)
	for _, k := range sortedKinds(idle.kinds) {
		fmt.Fprintf(&b, " %s %d", k, idle.kinds[k]>>20)
	}
	for i, m := range ms {
		end := time.Now()
		if i+1 < len(ms) {
			end = ms[i+1].at
		}
		var peak *rssSample
		for j := range samples {
			s := &samples[j]
			if !s.at.Before(m.at) && s.at.Before(end) && (peak == nil || s.all > peak.all) {
				peak = s
			}
		}
		if peak == nil {
			fmt.Fprintf(&b, "\n  %-10s %5d ms: no sample", m.name, end.Sub(m.at).Milliseconds())
			continue
		}
		fmt.Fprintf(&b, "\n  %-10s %5d ms: peak growth %4d MiB:", m.name, end.Sub(m.at).Milliseconds(), (peak.all-idle.all)>>20)
		for _, k := range sortedKinds(peak.kinds) {
			if d := peak.kinds[k] - idle.kinds[k]; d>>20 != 0 {
				fmt.Fprintf(&b, " %s %+d", k, d>>20)
			}
		}
	}
	return b.String()
}

func sortedKinds(m map[string]int64) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
