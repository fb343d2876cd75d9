package mp3_test

import (
	"encoding/binary"
	"fmt"

	"offcut/audio"
	"offcut/audio/codec/mp3"
)

// silence returns n silent MPEG-1 layer III frames (128 kbit/s, 44.1 kHz,
// joint stereo).
func silence(n int) []byte {
	var b []byte
	for i := 0; i < n; i++ {
		f := make([]byte, 417)
		binary.BigEndian.PutUint32(f, 0xfffb9064)
		b = append(b, f...)
	}
	return b
}

func Example() {
	d, err := mp3.Open(audio.NewBytesSource(silence(10)))
	if err != nil {
		fmt.Println(err)
		return
	}
	info := d.Info()
	fmt.Println(info.Codec, info.Format, info.Frames)
	// without a LAME tag the 529-sample decoder delay is trimmed
	s, _ := d.Stream(1000, 2000)
	buf := make([]float32, 4096)
	n, _ := audio.ReadFrames(s, buf)
	fmt.Println(n, s.Len())
	// Output:
	// mp3 44100 Hz, 2 ch, 16-bit 10991
	// 1000 1000
}

func ExampleIndex() {
	lay, err := mp3.Index(audio.NewBytesSource(silence(3)))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range lay.FramesFrom(0) {
		fmt.Println(f.Offset, f.Size, f.Samples)
	}
	// Output:
	// 0 417 1152
	// 417 417 1152
	// 834 417 1152
}
