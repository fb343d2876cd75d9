package flac

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"sync"

	"offcut/audio/codec"
	"offcut/audio/plan"
)

// writer writes a timeline as FLAC: the metadata (STREAMINFO, SEEKTABLE,
// tags, pictures) first, with its MD5, totals and seek points patched in
// when the frames are done; the frames streamed from the encoder.
var writer = codec.Writer{
	SampleFormats: []string{"s24", "s16", "u8"},
	MaxChannels:   8,
	Tags:          true,
	Options: []codec.Option{{
		Name:   "level",
		Label:  "Compression",
		Values: []string{"0", "1", "2", "3", "4", "5", "6", "7", "8"},
		Labels: []string{"0 (fastest)", "1", "2", "3", "4", "5 (default)", "6", "7", "8 (smallest)"},
		// libFLAC's default.
		Default: strconv.Itoa(DefaultLevel),
	}},
	Plan: planTimeline,
}

func planTimeline(tl codec.Timeline, settings map[string]string) (*codec.Output, error) {
	level, err := strconv.Atoi(settings["level"])
	if err != nil {
		return nil, fmt.Errorf("flac: level %q: %w", settings["level"], err)
	}
	f := tl.Format()
	tags, pics := codec.MergedTags(tl)
	opt := EncoderOptions{Level: level, Tags: tags, Pictures: pics}
	// The metadata as first written: its length is final, its MD5 and
	// totals are patched in at the end.
	var head bytes.Buffer
	if _, err := NewEncoder(&head, f, tl.Frames(), opt); err != nil {
		return nil, err
	}
	var (
		mu    sync.Mutex
		final []byte
	)
	p := &plan.Plan{}
	p.Patchable(head.Bytes(), func() ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		if final == nil {
			return nil, fmt.Errorf("flac: the frames were not encoded")
		}
		return final, nil
	})
	raw := tl.Frames() * int64(f.BytesPerFrame())
	p.Encode(raw*6/10, func() (io.Reader, error) {
		s, err := tl.Stream(0, len(tl.Pieces()))
		if err != nil {
			return nil, err
		}
		pr, pw := io.Pipe()
		go func() {
			skip := &skipWriter{w: pw, skip: int64(head.Len())}
			enc, err := NewEncoder(skip, f, tl.Frames(), opt)
			if err == nil {
				err = enc.Encode(codec.Quantized(tl, s))
			}
			if err == nil {
				var h []byte
				if h, err = enc.Close(); err == nil {
					mu.Lock()
					final = h
					mu.Unlock()
				}
			}
			pw.CloseWithError(err)
		}()
		return pr, nil
	})
	return &codec.Output{Plan: p, Format: f, Frames: tl.Frames()}, nil
}

// skipWriter drops the first skip bytes written to it (the metadata the
// plan already holds).
type skipWriter struct {
	w    io.Writer
	skip int64
}

func (s *skipWriter) Write(b []byte) (int, error) {
	n := len(b)
	if s.skip > 0 {
		k := min(int64(len(b)), s.skip)
		s.skip -= k
		b = b[k:]
	}
	if len(b) == 0 {
		return n, nil
	}
	if _, err := s.w.Write(b); err != nil {
		return 0, err
	}
	return n, nil
}
