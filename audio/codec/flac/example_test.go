package flac_test

import (
	"bytes"
	"fmt"
	"math"

	"offcut/audio"
	"offcut/audio/codec/flac"
)

// Encode one second of a 16-bit sine, patch the final header in, and
// decode the file back exactly.
func Example() {
	f := audio.Format{Rate: 8000, Channels: 1, Bits: 16}
	samples := make([]float32, f.Rate)
	for i := range samples {
		samples[i] = float32(math.Round(16000*math.Sin(float64(i)/10)) / 32768)
	}
	var out bytes.Buffer
	e, err := flac.NewEncoder(&out, f, int64(len(samples)), flac.EncoderOptions{Level: flac.DefaultLevel, Tags: map[string]string{"title": "Sine"}})
	if err != nil {
		panic(err)
	}
	if err := e.Encode(audio.Samples(f.Rate, f.Channels, samples)); err != nil {
		panic(err)
	}
	header, err := e.Close()
	if err != nil {
		panic(err)
	}
	file := out.Bytes()
	copy(file, header) // the final STREAMINFO (MD5, totals) and seek points

	d, err := flac.Open(audio.NewBytesSource(file))
	if err != nil {
		panic(err)
	}
	info := d.Info()
	fmt.Println(info.Format, info.Frames, info.Tags["title"])
	s, _ := d.Stream(4000, 4003)
	buf := make([]float32, 3)
	n, _ := s.Read(buf)
	fmt.Println(n, buf[0] == samples[4000], buf[2] == samples[4002])
	// Output:
	// 8000 Hz, 1 ch, 16-bit 8000 Sine
	// 3 true true
}
