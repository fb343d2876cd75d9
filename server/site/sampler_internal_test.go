package site

import (
	"testing"
	"time"
)

func TestSampler(t *testing.T) {
	now := time.Unix(0, 0)
	s := newSampler(2, func() time.Time { return now })
	logged := 0
	for range 25 {
		if ok, _ := s.allow(false); ok {
			logged++
		}
	}
	if logged != 20 {
		t.Fatalf("%d of 25 lines logged at once, want the burst of 20", logged)
	}
	if ok, dropped := s.allow(true); !ok || dropped != 5 {
		t.Errorf("a server error over the limit: logged %v, reported %d dropped; want true, 5", ok, dropped)
	}
	s.allow(false)
	now = now.Add(time.Second)
	if ok, dropped := s.allow(false); !ok || dropped != 1 {
		t.Errorf("a second later: logged %v, reported %d dropped; want true, 1", ok, dropped)
	}
	// An hour at 1000 requests a second logs about 2 lines a second.
	logged = 0
	for range 3600 * 10 {
		now = now.Add(time.Second / 10)
		for range 100 {
			if ok, _ := s.allow(false); ok {
				logged++
			}
		}
	}
	if logged > 2*3600+20 || logged < 2*3600-20 {
		t.Errorf("%d lines logged in an hour of 1000 requests/s at 2 lines/s, want about %d", logged, 2*3600)
	}
}
