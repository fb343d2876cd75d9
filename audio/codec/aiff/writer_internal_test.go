package aiff

import (
	"bytes"
	"io"
	"testing"
	"testing/iotest"

	"offcut/audio"
)

// TestBEReader converts samples handed over one byte at a time (partial
// samples carried between reads) and read back in odd-sized pieces.
func TestBEReader(t *testing.T) {
	for _, c := range []struct {
		f       audio.Format
		in, out []byte
	}{
		{audio.Format{Bits: 8}, []byte{0x00, 0x80, 0xFF}, []byte{0x80, 0x00, 0x7F}},
		{audio.Format{Bits: 16}, []byte{1, 2, 3, 4}, []byte{2, 1, 4, 3}},
		{audio.Format{Bits: 24}, []byte{1, 2, 3, 4, 5, 6}, []byte{3, 2, 1, 6, 5, 4}},
		{audio.Format{Bits: 32}, []byte{1, 2, 3, 4}, []byte{4, 3, 2, 1}},
		{audio.Format{Bits: 64, Float: true}, []byte{1, 2, 3, 4, 5, 6, 7, 8}, []byte{8, 7, 6, 5, 4, 3, 2, 1}},
	} {
		r := newBEReader(iotest.OneByteReader(bytes.NewReader(c.in)), c.f)
		got, err := io.ReadAll(iotest.HalfReader(r))
		if err != nil || !bytes.Equal(got, c.out) {
			t.Errorf("%d bits: % X, %v; want % X", c.f.Bits, got, err, c.out)
		}
	}
	// A partial sample at the end is an error, not dropped silently.
	r := newBEReader(bytes.NewReader([]byte{1, 2, 3}), audio.Format{Bits: 16})
	if _, err := io.ReadAll(r); err != io.ErrUnexpectedEOF {
		t.Errorf("partial sample: %v", err)
	}
}

// TestExtendedBytes: the rates written read back through extended.
func TestExtendedBytes(t *testing.T) {
	for _, r := range []float64{1, 8000, 11025, 44100, 48000, 96000, 192000, 384000, 768000} {
		if got, ok := extended(extendedBytes(r)); !ok || got != r {
			t.Errorf("%g Hz reads back as %g (%v)", r, got, ok)
		}
	}
	if got := extendedBytes(44100); !bytes.Equal(got, []byte{0x40, 0x0E, 0xAC, 0x44, 0, 0, 0, 0, 0, 0}) {
		t.Errorf("44100 Hz is % X", got)
	}
}
