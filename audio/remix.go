package audio

import (
	"fmt"
	"math"
)

// RemixMatrix returns the gains that turn in channels into out channels:
// out[o] = sum over i of m[o][i] * in[i]. The layouts are those of WAVE
// files (L R C LFE Ls Rs for 5.1):
//   - equal counts: unchanged;
//   - to mono: the average of all channels but LFE;
//   - mono to n: the mono signal in L and R, the other channels silent;
//   - 5.1, 6.1 or 7.1 to stereo: ITU-R BS.775 style, L' = L + 0.707 C + 0.707
//     of each left surround (R likewise, LFE dropped), scaled so it cannot
//     clip;
//   - otherwise: channel k goes to channel k, extra input channels are
//     dropped and extra output channels are silent.
func RemixMatrix(in, out int) [][]float32 {
	m := make([][]float32, out)
	for o := range m {
		m[o] = make([]float32, in)
	}
	const h = float32(math.Sqrt2 / 2)
	switch {
	case in == out:
		for i := range in {
			m[i][i] = 1
		}
	case out == 1:
		n := 0
		for i := range in {
			if !(in >= 6 && i == 3) {
				n++
			}
		}
		for i := range in {
			if !(in >= 6 && i == 3) {
				m[0][i] = 1 / float32(n)
			}
		}
	case in == 1:
		m[0][0] = 1
		m[1][0] = 1
	case in >= 6 && out == 2:
		// Inputs of left and right: front, centre, then the surrounds of
		// each side (5.1: Ls Rs; 6.1: back centre to both, SL SR; 7.1: BL
		// BR SL SR).
		left, right := []int{0, 2}, []int{1, 2}
		switch in {
		case 6:
			left, right = append(left, 4), append(right, 5)
		case 7:
			left, right = append(left, 4, 5), append(right, 4, 6)
		default:
			left, right = append(left, 4, 6), append(right, 5, 7)
		}
		norm := 1 / (1 + float32(len(left)-1)*h)
		for k, i := range left {
			g := norm
			if k > 0 {
				g *= h
			}
			m[0][i] = g
		}
		for k, i := range right {
			g := norm
			if k > 0 {
				g *= h
			}
			m[1][i] = g
		}
	default:
		for i := range min(in, out) {
			m[i][i] = 1
		}
	}
	return m
}

// Remix converts s to the given channel count with RemixMatrix.
func Remix(s Stream, channels int) (Stream, error) {
	if channels < 1 || channels > MaxChannels {
		return nil, fmt.Errorf("audio: cannot remix to %d channels", channels)
	}
	if channels == s.Channels() {
		return s, nil
	}
	return &remix{Stream: s, out: channels, m: RemixMatrix(s.Channels(), channels)}, nil
}

type remix struct {
	Stream
	out int
	m   [][]float32
	in  []float32
}

func (r *remix) Channels() int { return r.out }
func (r *remix) Read(buf []float32) (int, error) {
	frames := len(buf) / r.out
	if frames == 0 {
		return 0, ErrShortBuffer
	}
	inCh := r.Stream.Channels()
	if cap(r.in) < frames*inCh {
		r.in = make([]float32, frames*inCh)
	}
	n, err := r.Stream.Read(r.in[:frames*inCh])
	for f := 0; f < n; f++ {
		src := r.in[f*inCh : f*inCh+inCh]
		dst := buf[f*r.out : f*r.out+r.out]
		for o, row := range r.m {
			var acc float32
			for i, g := range row {
				acc += g * src[i]
			}
			dst[o] = acc
		}
	}
	return n, err
}
