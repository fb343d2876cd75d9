package mp3format_test

import (
	"bytes"
	"io"
	"testing"
	"time"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/lame"
	"offcut/audio/codec/mp3edit"
	"offcut/audio/codec/mp3format"
)

// A remove (0:30 to 1:00.5) on a 3-hour 128 kbit/s MP3: the lossless plan
// (frames only, the junction plays padding) against the smart plan (the
// frames at the junction re-encoded). The file is 10 s of LAME CBR,
// repeated (a real encode of 3 hours would take minutes); it is made in
// process, so the benchmark runs under js/wasm too.

var long3h []byte

func longMP3(b *testing.B) []byte {
	if long3h != nil {
		return long3h
	}
	var block bytes.Buffer
	x := audiotest.Music(441000, 2, 44100, 3)
	if _, _, err := lame.Stream(&block, audio.Samples(44100, 2, x), lame.Options{Rate: 44100, Channels: 2, Bitrate: 128}); err != nil {
		b.Fatal(err)
	}
	long3h = bytes.Repeat(block.Bytes(), 3*360)
	return long3h
}

// BenchmarkRemove3h renders the remove both ways in each iteration (the
// file indexed once, as the app does when it opens it) and reports each
// one's time and their ratio.
func BenchmarkRemove3h(b *testing.B) {
	data := longMP3(b)
	src := audio.NewBytesSource(data)
	in, err := mp3edit.Open(0, src)
	if err != nil {
		b.Fatal(err)
	}
	pieces := []mp3edit.Piece{{In: in, From: 0, To: 30 * 44100}, {In: in, From: 60*44100 + 22050, To: in.Frames()}}
	render := func(enc mp3edit.Reencoder) time.Duration {
		t0 := time.Now()
		res, err := mp3edit.Plan(pieces, mp3edit.Options{Reencode: enc})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := res.Plan.WriteTo(io.Discard, []audio.Source{src}, nil); err != nil {
			b.Fatal(err)
		}
		return time.Since(t0)
	}
	b.SetBytes(int64(len(data)))
	var lossless, smart time.Duration
	for b.Loop() {
		lossless += render(nil)
		smart += render(mp3format.Reencode)
	}
	n := float64(b.N)
	b.ReportMetric(lossless.Seconds()/n*1000, "lossless-ms")
	b.ReportMetric(smart.Seconds()/n*1000, "smart-ms")
	b.ReportMetric(smart.Seconds()/lossless.Seconds(), "smart/lossless")
}
