// Package codecs opens audio files of any format the engine reads, by
// sniffing their first bytes.
package codecs

import (
	"errors"
	"fmt"
	"io"

	"offcut/audio"
	"offcut/audio/codec/mp3"
	"offcut/audio/codec/wav"
)

// ErrUnknownFormat means the file is not audio in a format Offcut reads.
var ErrUnknownFormat = errors.New("not audio Offcut can read")

// Open sniffs src and opens it with the matching decoder.
func Open(src audio.Source) (audio.Decoder, error) {
	var head [12]byte
	n, err := src.ReadAt(head[:], 0)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("reading the first bytes: %w", err)
	}
	b := head[:n]
	switch {
	case n >= 12 && (string(b[:4]) == "RIFF" || string(b[:4]) == "RF64" || string(b[:4]) == "BW64") && string(b[8:12]) == "WAVE":
		return wav.Open(src)
	case n >= 4 && string(b[:4]) == "fLaC":
		return nil, fmt.Errorf("%w: FLAC is not supported yet", ErrUnknownFormat)
	case n >= 4 && string(b[:4]) == "OggS":
		return nil, fmt.Errorf("%w: Ogg is not supported yet", ErrUnknownFormat)
	case n == 0:
		return nil, fmt.Errorf("%w: the file is empty", ErrUnknownFormat)
	}
	// MPEG audio: an ID3v2 tag or a frame sync at the start, or a sync in
	// the first 64 KiB after junk (the decoder then insists on a run of
	// consistent frame headers). Other files are refused without a scan.
	mpeg := n >= 3 && string(b[:3]) == "ID3" || n >= 2 && b[0] == 0xFF && b[1]&0xE0 == 0xE0
	if !mpeg {
		head := make([]byte, min(64<<10, src.Size()))
		k, err := src.ReadAt(head, 0)
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("reading the first %d bytes: %w", len(head), err)
		}
		for i := 0; i+1 < k && !mpeg; i++ {
			mpeg = head[i] == 0xFF && head[i+1]&0xE0 == 0xE0
		}
	}
	if mpeg {
		d, err := mp3.Open(src)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUnknownFormat, err)
		}
		return d, nil
	}
	return nil, fmt.Errorf("%w: unrecognised header % X", ErrUnknownFormat, b)
}
