package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// parseTime converts a time argument to frames at rate. Accepted forms:
//
//	12.5        seconds
//	1:02.25     minutes and seconds
//	1:00:02.25  hours, minutes and seconds
//	44100s      exact frames (samples per channel), as in sox
//
// Seconds are rounded to the nearest frame.
func parseTime(s string, rate int) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty time")
	}
	if strings.HasSuffix(s, "s") {
		n, err := strconv.ParseInt(strings.TrimSuffix(s, "s"), 10, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("time %q: a frame count is a whole number followed by s, e.g. 44100s", s)
		}
		return n, nil
	}
	parts := strings.Split(s, ":")
	if len(parts) > 3 {
		return 0, fmt.Errorf("time %q has too many colons (use [h:]mm:ss[.fff])", s)
	}
	var secs float64
	for i, p := range parts {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return 0, fmt.Errorf("time %q: %q is not a number (use seconds, [h:]mm:ss[.fff] or frames like 44100s)", s, p)
		}
		if i < len(parts)-1 && v != math.Trunc(v) {
			return 0, fmt.Errorf("time %q: only the seconds may have a fraction", s)
		}
		if i > 0 && v >= 60 {
			return 0, fmt.Errorf("time %q: %q must be below 60", s, p)
		}
		secs = secs*60 + v
	}
	f := math.Round(secs * float64(rate))
	if f > 1<<50 {
		return 0, fmt.Errorf("time %q is too large", s)
	}
	return int64(f), nil
}
