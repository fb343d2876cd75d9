// Package aac encodes AAC-LC (MPEG-4 Audio, object type 2) with faac 2.1,
// transpiled from C to Go (package cfaac), so that the same code runs
// natively and under js/wasm and writes the same bytes on both.
//
// An Encoder takes interleaved float samples and returns raw access units
// (one per 1024-sample frame), with the AudioSpecificConfig that a
// container (MP4's esds box) carries for them. The decoder's output starts
// with Delay priming samples that are not the source's.
package aac

import (
	"fmt"
	"strings"
)

// Version is faac's version, for the export's note.
const Version = "2.1"

// FrameSize is the number of samples per channel in one AAC-LC access unit.
const FrameSize = 1024

// Rates are the sampling rates AAC-LC codes (ISO/IEC 14496-3's sampling
// frequency table, which faac takes).
var Rates = []int{8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000}

const (
	// MinBitrate and MaxBitrate bound Options.Bitrate, in kbit/s per
	// channel: 8 is faac's own minimum (util.c's MinBitrate), and 320 is
	// the top of what the format menu offers, well past the 128 kbit/s
	// per channel at which AAC-LC is transparent to most listeners.
	MinBitrate = 8
	MaxBitrate = 320
)

// Options are an encoder's settings.
type Options struct {
	// Rate is the sampling rate in Hz, one of Rates.
	Rate int
	// Channels is 1 (mono) or 2 (stereo).
	Channels int
	// Bitrate is the average bitrate of the whole stream in kbit/s
	// (faac's ABR: frames vary around it); per channel it is between
	// MinBitrate and MaxBitrate.
	Bitrate int
}

// Check says what is wrong with o, if anything: the settings NewEncoder
// refuses, checked without opening an encoder.
func (o Options) Check() error {
	if errArch != nil {
		return errArch
	}
	okRate := false
	for _, r := range Rates {
		okRate = okRate || r == o.Rate
	}
	switch {
	case !okRate:
		return fmt.Errorf("aac: a sampling rate of %d Hz cannot be coded (AAC takes %s Hz)", o.Rate, strings.Trim(strings.Join(strings.Fields(fmt.Sprint(Rates)), ", "), "[]"))
	case o.Channels < 1 || o.Channels > 2:
		return fmt.Errorf("aac: %d channels; the AAC encoder takes 1 or 2", o.Channels)
	case o.Bitrate < MinBitrate*o.Channels || o.Bitrate > MaxBitrate*o.Channels:
		return fmt.Errorf("aac: a bitrate of %d kbit/s for %d channels is outside %d–%d kbit/s", o.Bitrate, o.Channels, MinBitrate*o.Channels, MaxBitrate*o.Channels)
	}
	return nil
}
