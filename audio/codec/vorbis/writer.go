package vorbis

import (
	"fmt"
	"io"
	"strconv"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/plan"
)

// writer encodes a timeline as Ogg Vorbis with libvorbis (Encode): the
// whole file is one encoded segment, headers included.
var writer = codec.Writer{
	// libvorbis encodes any rate from 8 to 192 kHz; these are the rates
	// offered, so that a source at another rate is converted to a common
	// one.
	Rates:       []int{8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000, 176400, 192000},
	MaxChannels: MaxChannels,
	Tags:        true,
	Options:     []codec.Option{qualityOption},
	Plan:        planTimeline,
}

// qualityOption is oggenc's -q scale; nominal bitrates are libvorbis's
// for 44.1 kHz stereo.
var qualityOption = codec.Option{
	Name:   "quality",
	Label:  "Quality",
	Values: []string{"-1", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"},
	Labels: []string{
		"-1 (smallest, about 45 kbit/s)", "0 (about 64 kbit/s)", "1 (about 80 kbit/s)",
		"2 (about 96 kbit/s)", "3 (about 112 kbit/s)", "4 (about 128 kbit/s)",
		"5 (about 160 kbit/s)", "6 (about 192 kbit/s)", "7 (about 224 kbit/s)",
		"8 (about 256 kbit/s)", "9 (about 320 kbit/s)", "10 (best, about 500 kbit/s)",
	},
	Default: "5",
}

// nominalKbps is the labels' bitrate by quality + 1.
var nominalKbps = []int64{45, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 500}

func planTimeline(tl codec.Timeline, settings map[string]string) (*codec.Output, error) {
	q, err := strconv.Atoi(settings["quality"])
	if err != nil || q < MinQuality || q > MaxQuality {
		return nil, fmt.Errorf("%w: quality %q is not one of -1..10", ErrOptions, settings["quality"])
	}
	f := tl.Format()
	if err := CheckEncode(f.Rate, f.Channels, float64(q)); err != nil {
		return nil, err
	}
	tags, pics := codec.MergedTags(tl)
	opt := EncodeOptions{Quality: float64(q), Tags: tags, Pictures: pics}
	// A rough size for progress: the nominal bitrate, scaled by channels.
	estimate := tl.Frames() * nominalKbps[q+1] * 1000 / 8 / int64(f.Rate) * int64(f.Channels) / 2
	p := &plan.Plan{}
	p.Encode(estimate, codec.Piped(tl, func(w io.Writer, s audio.Stream) error {
		_, err := Encode(w, s, opt)
		return err
	}))
	return &codec.Output{
		Plan:   p,
		Format: audio.Format{Rate: f.Rate, Channels: f.Channels, Bits: 16},
		Frames: tl.Frames(),
		Notes:  []string{fmt.Sprintf("encoded with libvorbis 1.3.7 at quality %s", qualityOption.Labels[q+1])},
	}, nil
}
