package opus

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"offcut/audio"
	"offcut/audio/codec"
)

func TestHead(t *testing.T) {
	base := []byte("OpusHead\x01\x02\x38\x01\x80\xbb\x00\x00\x00\x00\x00")
	if h, err := ParseHead(base); err != nil || h.Channels != 2 || h.PreSkip != 312 || h.Streams != 1 || h.Coupled != 1 {
		t.Fatalf("ParseHead = %+v, %v", h, err)
	}
	for _, c := range []struct {
		name string
		b    []byte
		want error
		msg  string
	}{
		{"family 2", []byte("OpusHead\x01\x02\x38\x01\x80\xbb\x00\x00\x00\x00\x02\x01\x01\x00\x01"), codec.ErrUnsupported, "family 2"},
		{"family 255", []byte("OpusHead\x01\x02\x38\x01\x80\xbb\x00\x00\x00\x00\xff\x01\x01\x00\x01"), codec.ErrUnsupported, "family 255"},
		{"3 channels family 0", []byte("OpusHead\x01\x03\x38\x01\x80\xbb\x00\x00\x00\x00\x00"), codec.ErrMalformed, "3 channels"},
		{"zero channels", []byte("OpusHead\x01\x00\x38\x01\x80\xbb\x00\x00\x00\x00\x00"), codec.ErrMalformed, "zero channels"},
		{"version 16", []byte("OpusHead\x10\x02\x38\x01\x80\xbb\x00\x00\x00\x00\x00"), codec.ErrUnsupported, "version"},
		{"mapping out of range", []byte("OpusHead\x01\x02\x38\x01\x80\xbb\x00\x00\x00\x00\x01\x01\x00\x00\x05"), codec.ErrMalformed, "mapped"},
		{"short", []byte("OpusHead\x01"), codec.ErrMalformed, "OpusHead"},
	} {
		_, err := ParseHead(c.b)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want %v mentioning %q", c.name, err, c.want, c.msg)
		}
	}
}

func FuzzDecode(f *testing.F) {
	if testing.Short() {
		f.Skip()
	}
	f.Add(encode(f, 48000, 2, 4800, "--bitrate", "32"))
	f.Add(encode(f, 8000, 1, 4800, "--bitrate", "6"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Open(audio.NewBytesSource(b))
		if err != nil {
			return
		}
		n := min(d.Info().Frames, 1<<13)
		s, err := d.Stream(n/3, n)
		if err != nil {
			return
		}
		buf := make([]float32, 4096*s.Channels())
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			if _, err := s.Read(buf); err == io.EOF || err != nil {
				break
			}
		}
	})
}
