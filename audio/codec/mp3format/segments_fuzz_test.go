package mp3format

import (
	"bytes"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/lame"
)

// FuzzReadSegment: the join's reading of a segment file's trailer gives a
// clear error or frame sizes that add up to the bytes before the trailer,
// for any bytes, and allocates no more than the file's size says.
func FuzzReadSegment(f *testing.F) {
	var seg bytes.Buffer
	x := audiotest.Music(3*44100, 2, 44100, 2)
	s, err := lame.EncodeSegment(&seg, audio.Samples(44100, 2, x), lame.Options{Bitrate: 96}, lame.SegmentLead, 44100/1152*1152)
	if err != nil {
		f.Fatal(err)
	}
	real := append(seg.Bytes(), segmentTrailer(s, 0)...)
	f.Add(real)
	f.Add(real[len(real)-600:])
	f.Add(append(make([]byte, 417), segmentTrailer(lame.Segment{Header: 0xfffb9064, Sizes: []uint16{417}}, 0)...))
	f.Add([]byte(segmentMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		sf, err := readSegment(audio.NewBytesSource(b))
		if err != nil {
			return
		}
		var sum int64
		for _, z := range sf.Sizes {
			sum += int64(z)
		}
		if sum != sf.bytes || sf.bytes+int64(2*len(sf.Sizes)+segmentFooter) != int64(len(b)) {
			t.Fatalf("%d frames of %d bytes in all, %d bytes of frames in a %d-byte file", len(sf.Sizes), sum, sf.bytes, len(b))
		}
	})
}
