package main

import (
	"fmt"

	"offcut/audio/silence"
)

// silenceResult is what silence returns (the shape promised in www/API.md).
type silenceResult struct {
	From      int64 `json:"from"`
	To        int64 `json:"to"`
	Frames    int64 `json:"frames"`
	AllSilent bool  `json:"allSilent"`
}

// findSilence finds the input's leading and trailing silence (package
// audio/silence defines it) at thresholdDB dBFS, trimming edges of at least
// minFrames frames.
func findSilence(in input, thresholdDB float64, minFrames int64) (silenceResult, error) {
	d, err := open(in)
	if err != nil {
		return silenceResult{}, err
	}
	r, err := silence.Find(d, silence.Options{ThresholdDB: thresholdDB, Min: minFrames})
	if err != nil {
		return silenceResult{}, fmt.Errorf("%s: %w", in.name, err)
	}
	return silenceResult{From: r.From, To: r.To, Frames: r.Frames, AllSilent: r.AllSilent}, nil
}
