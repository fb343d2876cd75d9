package opus

import (
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"io"
	"strconv"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codec/vorbiscomment"
	"offcut/audio/plan"
)

// gopusVersion is the encoder's version, for the export's note.
const gopusVersion = "v0.1.1"

// bitrates are the bitrates offered, in kbit/s.
var bitrates = []int{6, 8, 12, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 510}

// writer writes a timeline as Ogg Opus, encoded as it streams.
var writer = codec.Writer{
	MaxChannels: MaxEncodeChannels,
	Tags:        true,
	Options: func() []codec.Option {
		b := codec.Option{Name: "bitrate", Label: "Bitrate", Default: strconv.Itoa(DefaultBitrate)}
		for _, k := range bitrates {
			b.Values = append(b.Values, strconv.Itoa(k))
			b.Labels = append(b.Labels, fmt.Sprintf("%d kbit/s", k))
		}
		a := codec.Option{Name: "application", Label: "Tuned for", Default: "music",
			Values: []string{"music", "voice"},
			Labels: []string{"Music (and anything else)", "Voice (speech)"}}
		return []codec.Option{b, a}
	}(),
	Decodes: decodes,
	Plan:    planTimeline,
}

// decodes is what an Opus decoder gives back for a timeline of frames at
// rate: EncodedFrames at 48 kHz, whatever the input's rate.
func decodes(frames int64, rate int) (int64, int) { return EncodedFrames(frames, rate), Rate }

// writerOptions reads the writer's settings.
func writerOptions(tl codec.Timeline, settings map[string]string) (opt EncoderOptions, dropped int, err error) {
	f := tl.Format()
	kbps, err := strconv.Atoi(settings["bitrate"])
	if err != nil {
		return EncoderOptions{}, 0, fmt.Errorf("opus: bitrate %q is not a number of kbit/s: %w", settings["bitrate"], ErrSettings)
	}
	opt = EncoderOptions{Bitrate: kbps}
	switch a := settings["application"]; a {
	case "music", "":
	case "voice":
		opt.Application = Voice
	default:
		return opt, 0, fmt.Errorf("opus: application %q is neither music nor voice: %w", a, ErrSettings)
	}
	if kbps == 0 {
		return opt, 0, fmt.Errorf("opus: bitrate 0 kbit/s is outside %d–%d kbit/s: %w", MinBitrate, MaxBitrate, ErrSettings)
	}
	if err := CheckOptions(f.Channels, opt); err != nil {
		return opt, 0, err
	}
	if !f.Float {
		opt.Bits = f.Bits
	}
	opt.Tags, opt.Pictures = codec.MergedTags(tl)
	opt.Pictures, dropped = fitPictures(opt.Pictures)
	// A serial number that is the same for the same output, so exports
	// are reproducible (natively and in the browser).
	h := fnv.New32a()
	fmt.Fprint(h, tl.Frames(), f.Rate, f.Channels, opt.Tags["title"])
	opt.Serial = h.Sum32()
	return opt, dropped, nil
}

// fitPictures keeps the pictures whose METADATA_BLOCK_PICTURE comment
// Vorbis comment readers take (vorbiscomment.MaxCommentSize, 24 MiB, here;
// a larger one would make this package's own reader drop every tag) and
// counts the others.
func fitPictures(pics []audio.Picture) (kept []audio.Picture, dropped int) {
	for _, p := range pics {
		vp := vorbiscomment.Picture{MIME: p.MIME, Description: p.Description, Data: p.Data}
		if n := len("METADATA_BLOCK_PICTURE=") + base64.StdEncoding.EncodedLen(len(vp.Encode())); n > vorbiscomment.MaxCommentSize {
			dropped++
			continue
		}
		kept = append(kept, p)
	}
	return kept, dropped
}

func planTimeline(tl codec.Timeline, settings map[string]string) (*codec.Output, error) {
	opt, dropped, err := writerOptions(tl, settings)
	if err != nil {
		return nil, err
	}
	f := tl.Format()
	// About the bitrate asked for, for progress.
	estimate := tl.Frames() * int64(opt.Bitrate) * 1000 / 8 / int64(f.Rate)
	p := &plan.Plan{}
	p.Encode(estimate, codec.Piped(tl, func(w io.Writer, s audio.Stream) error {
		_, err := Encode(w, s, opt)
		return err
	}))
	frames, rate := decodes(tl.Frames(), f.Rate)
	out := &codec.Output{
		Plan:   p,
		Format: audio.Format{Rate: rate, Channels: f.Channels, Bits: 16},
		Frames: frames,
		Notes:  []string{fmt.Sprintf("encoded with Opus (gopus %s) at %d kbit/s, tuned for %s", gopusVersion, opt.Bitrate, settings["application"])},
	}
	if dropped > 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("%d picture(s) over about 750 kB left out of the Opus tags (readers take tags of at most 1 MiB)", dropped))
	}
	return out, nil
}
