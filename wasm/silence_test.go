package main

import (
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
)

func TestFindSilence(t *testing.T) {
	f := audio.Format{Rate: 8000, Channels: 1, Bits: 16}
	s := make([]float32, 3000)
	for i := 1000; i < 2500; i++ {
		s[i] = 0.25
	}
	in := input{src: audio.NewBytesSource(audiotest.WAV(f, s)), name: "rec.wav"}
	got, err := findSilence(in, -50, 400)
	if err != nil {
		t.Fatal(err)
	}
	if want := (silenceResult{From: 1000, To: 2500, Frames: 3000}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got, _ := findSilence(in, -50, 501); got.To != 3000 || got.From != 1000 {
		t.Errorf("min 501: got %+v, want [1000, 3000)", got)
	}
	if _, err := findSilence(in, 5, 0); err == nil {
		t.Error("threshold +5 dBFS accepted")
	}
}
