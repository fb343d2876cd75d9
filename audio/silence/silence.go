package silence

import (
	"errors"
	"fmt"
	"io"
	"math"

	"offcut/audio"
)

// Default settings, used by the CLI and the app when the user sets none.
const (
	// DefaultThresholdDB is the level at or below which a frame is silent.
	DefaultThresholdDB = -50.0
	// DefaultMinSeconds is the shortest run at an edge that is trimmed.
	DefaultMinSeconds = 0.5
)

// ErrOptions is wrapped by the error Find returns for settings out of range.
var ErrOptions = errors.New("silence: invalid settings")

// Options say what counts as silence (see the package comment).
type Options struct {
	// ThresholdDB is the threshold T in dBFS, in [-200, 0].
	ThresholdDB float64
	// Min is the shortest edge run, in frames, that is trimmed (>= 0).
	Min int64
}

// Range is the part of a recording to keep: frames [From, To) of Frames.
type Range struct {
	From, To, Frames int64
	// AllSilent says that no frame is above the threshold.
	AllSilent bool
}

// Leading is the number of frames trimmed at the start.
func (r Range) Leading() int64 { return r.From }

// Trailing is the number of frames trimmed at the end.
func (r Range) Trailing() int64 { return r.Frames - r.To }

// Level returns the linear level of a threshold in dBFS.
func Level(thresholdDB float64) float64 { return math.Pow(10, thresholdDB/20) }

// Check reports whether the options are in range.
func (o Options) Check() error {
	if math.IsNaN(o.ThresholdDB) || o.ThresholdDB < -200 || o.ThresholdDB > 0 {
		return fmt.Errorf("%w: threshold %g dBFS is outside -200..0", ErrOptions, o.ThresholdDB)
	}
	if o.Min < 0 {
		return fmt.Errorf("%w: minimum length %d frames is negative", ErrOptions, o.Min)
	}
	return nil
}

// block is how many frames one read covers.
const block = 16384

// Find scans d for its leading and trailing silence under o.
func Find(d audio.Decoder, o Options) (Range, error) {
	if err := o.Check(); err != nil {
		return Range{}, err
	}
	info := d.Info()
	n, ch := info.Frames, info.Format.Channels
	if ch < 1 {
		return Range{}, fmt.Errorf("silence: %d channels", ch)
	}
	a := Level(o.ThresholdDB)
	buf := make([]float32, block*ch)

	// Forward to the first frame that is not silent.
	first := int64(-1)
	s, err := d.Stream(0, n)
	if err != nil {
		return Range{}, err
	}
	for pos := int64(0); pos < n && first < 0; {
		k, err := s.Read(buf)
		if k > 0 {
			if i := firstSound(buf[:k*ch], ch, a); i >= 0 {
				first = pos + int64(i)
			}
			pos += int64(k)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return Range{}, err
		}
	}
	if first < 0 {
		return Range{Frames: n, AllSilent: true}, nil
	}

	// Backward, block by block, to the last frame that is not silent; frame
	// first is not silent, so the scan stops there at the latest.
	last := first
	for end := n; end > first+1; {
		start := max(first+1, end-block)
		s, err := d.Stream(start, end)
		if err != nil {
			return Range{}, err
		}
		k, err := readFull(s, buf[:(end-start)*int64(ch)], ch)
		if err != nil {
			return Range{}, err
		}
		if int64(k) != end-start {
			return Range{}, fmt.Errorf("silence: frames %d..%d decoded to %d frames", start, end, k)
		}
		if i := lastSound(buf[:k*ch], ch, a); i >= 0 {
			last = start + int64(i)
			break
		}
		end = start
	}

	r := Range{From: 0, To: n, Frames: n}
	if first >= o.Min {
		r.From = first
	}
	if trail := n - 1 - last; trail >= o.Min {
		r.To = last + 1
	}
	return r, nil
}

// readFull reads s to its end into buf, returning the frames read.
func readFull(s audio.Stream, buf []float32, ch int) (int, error) {
	got := 0
	for got*ch < len(buf) {
		k, err := s.Read(buf[got*ch:])
		got += k
		if err == io.EOF {
			break
		}
		if err != nil {
			return got, err
		}
	}
	return got, nil
}

// silent reports whether the frame is silent at linear level a.
func silent(frame []float32, a float64) bool {
	for _, x := range frame {
		v := math.Abs(float64(x))
		if !(v <= a) { // NaN is never silent
			return false
		}
	}
	return true
}

// firstSound returns the index of the first frame of buf that is not
// silent, or -1.
func firstSound(buf []float32, ch int, a float64) int {
	for i := 0; i*ch < len(buf); i++ {
		if !silent(buf[i*ch:(i+1)*ch], a) {
			return i
		}
	}
	return -1
}

// lastSound returns the index of the last frame of buf that is not silent,
// or -1.
func lastSound(buf []float32, ch int, a float64) int {
	for i := len(buf)/ch - 1; i >= 0; i-- {
		if !silent(buf[i*ch:(i+1)*ch], a) {
			return i
		}
	}
	return -1
}
