package mp4

import (
	"fmt"
	"io"
	"sort"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codec/mp3"
)

// auSource presents a track's access units back to back as one Source, so
// that MPEG audio frames stored in MP4 (object type 0x6B, or QuickTime
// ".mp3") are decoded by package mp3 as an MP3 file: its frame index, bit
// reservoir handling and exact seeking apply unchanged.
type auSource struct {
	src  audio.Source
	tb   *table
	offs []int64 // source offset of each access unit
	cum  []int64 // bytes before access unit i; cum[n] is the size
}

func newAUSource(src audio.Source, tb *table) (*auSource, error) {
	a := &auSource{src: src, tb: tb, offs: make([]int64, tb.n), cum: make([]int64, tb.n+1)}
	for i := range tb.n {
		a.offs[i] = tb.offset(i)
		sz := int64(tb.size(i))
		if a.offs[i] < 0 || a.offs[i]+sz > src.Size() {
			return nil, fmt.Errorf("%w: mp4: access unit %d (%d bytes at byte %d) is past the end of the %d-byte file",
				codec.ErrMalformed, i, sz, a.offs[i], src.Size())
		}
		a.cum[i+1] = a.cum[i] + sz
	}
	return a, nil
}

// Size implements audio.Source.
func (a *auSource) Size() int64 { return a.cum[len(a.cum)-1] }

// ReadAt implements io.ReaderAt.
func (a *auSource) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("mp4: negative offset %d", off)
	}
	n := 0
	i := sort.Search(len(a.cum)-1, func(i int) bool { return a.cum[i+1] > off })
	for n < len(p) && i < len(a.cum)-1 {
		in := off + int64(n) - a.cum[i]
		k := int(min(int64(len(p)-n), a.cum[i+1]-a.cum[i]-in))
		if err := audio.ReadAtFull(a.src, p[n:n+k], a.offs[i]+in); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return n, err
		}
		n += k
		i++
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// openMP3 indexes the MPEG audio frames of the track.
func (f *File) openMP3() error {
	as, err := newAUSource(f.src, f.tb)
	if err != nil {
		return err
	}
	d, err := mp3.OpenRaw(as)
	if err != nil {
		return fmt.Errorf("mp4: MPEG audio track: %w", err)
	}
	mi := d.Info()
	if mi.Format.Rate != f.info.Format.Rate || mi.Format.Channels != f.info.Format.Channels {
		f.warn(fmt.Sprintf("the sample entry says %v, the MPEG frames %v: using the frames", f.info.Format, mi.Format))
		f.info.Format.Rate, f.info.Format.Channels = mi.Format.Rate, mi.Format.Channels
	}
	f.mp3 = d
	return nil
}
