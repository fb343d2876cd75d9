// Package mp3format declares MP3 to the registry: read by package mp3;
// written as the sources' own frames by package mp3edit when the edit only
// cuts, joins and (asked for explicitly) changes gain in 1.5 dB steps — with
// the few frames at each join re-encoded by LAME (Reencode) so the
// junction is exact — and otherwise encoded by LAME (package lame) with an
// Info/LAME header, so a decode has exactly the edit's length.
package mp3format

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codec/id3"
	"offcut/audio/codec/lame"
	"offcut/audio/codec/mp3"
	"offcut/audio/codec/mp3edit"
	"offcut/audio/plan"
)

// Desc is MP3 in the registry.
var Desc = func() codec.Desc {
	d := mp3.Desc
	w := *mp3edit.Desc.Write
	w.SourcesOnly = false
	w.Options = options
	w.Plan = planTimeline
	w.Segments = segments
	d.Write = &w
	return d
}()

// The settings: "quality" is a VBR level (v0 best .. v9 smallest) or a
// constant bitrate in kbit/s; "mode" the channel mode. They apply when the
// edit is encoded; frame-level edits keep the source's frames. "junctions"
// (mp3edit.JunctionsOption) chooses whether a frame-level edit may move a
// junction to keep the frames after it, or is encoded whole instead.
var options = func() []codec.Option {
	q := codec.Option{Name: "quality", Label: "Quality", Default: "v2"}
	for i := 0; i <= 9; i++ {
		q.Values = append(q.Values, fmt.Sprintf("v%d", i))
		q.Labels = append(q.Labels, fmt.Sprintf("VBR V%d (about %d kbit/s)", i, vbrKbps[i]))
	}
	for _, b := range []int{320, 256, 224, 192, 160, 128, 112, 96, 80, 64, 56, 48, 40, 32, 24, 16, 8} {
		q.Values = append(q.Values, strconv.Itoa(b))
		q.Labels = append(q.Labels, fmt.Sprintf("CBR %d kbit/s", b))
	}
	m := codec.Option{Name: "mode", Label: "Stereo mode", Default: "auto",
		Values: []string{"auto", "joint", "stereo", "mono"},
		Labels: []string{"Joint stereo (or mono for mono)", "Joint stereo", "Stereo", "Mono"}}
	return []codec.Option{q, m, mp3edit.JunctionsOption}
}()

// encoderOptions reads the settings, and checks that LAME takes them.
func encoderOptions(f audio.Format, settings map[string]string) (lame.Options, error) {
	opt := lame.Options{Rate: f.Rate, Channels: f.Channels}
	switch q := settings["quality"]; {
	case strings.HasPrefix(q, "v"):
		opt.VBR = true
		opt.VBRQuality, _ = strconv.Atoi(q[1:])
	default:
		opt.Bitrate, _ = strconv.Atoi(q)
	}
	switch settings["mode"] {
	case "joint":
		opt.Mode = lame.JointStereo
	case "stereo":
		opt.Mode = lame.Stereo
	case "mono":
		opt.Mode = lame.Mono
	}
	if opt.Mode == lame.Mono {
		opt.Channels = 1
	}
	if f.Channels == 1 && opt.Mode != lame.Mono && opt.Mode != lame.ModeAuto {
		return opt, fmt.Errorf("mp3: %s needs two channels; the output has one", settings["mode"])
	}
	return opt, opt.Check()
}

// stretches keeps the junctions Reencode made for the next plan: an
// editor plans the whole edit after each change (64 junctions of a few kB).
var stretches = mp3edit.NewStretchCache(64)

func planTimeline(tl codec.Timeline, settings map[string]string) (*codec.Output, error) {
	// Only the sources' frames, when they can carry the edit (re-encoding
	// the frames at each inner junction so it is exact).
	out, err := mp3edit.PlanTimeline(tl, settings, Reencode, stretches)
	if err == nil || !errors.Is(err, codec.ErrCannotWrite) {
		return out, err
	}
	why := err.Error()
	if i := strings.Index(why, ": "); i >= 0 {
		why = why[i+2:]
	}
	why = strings.TrimPrefix(why, mp3edit.ErrNotLossless.Error()+": ")
	out, err = encodeTimeline(tl, settings)
	if err != nil {
		return nil, err
	}
	note := fmt.Sprintf("encoded with LAME %s at %s", lame.Version, label(settings["quality"]))
	if allMP3(tl) {
		note += fmt.Sprintf(" (the sources' own frames could not be kept: %s)", why)
	}
	out.Notes = append(out.Notes, note)
	return out, nil
}

// allMP3 reports whether every clip comes from an MP3 file.
func allMP3(tl codec.Timeline) bool {
	for _, c := range tl.Clips() {
		if _, ok := tl.Inputs()[c.Source].(*mp3.Decoder); !ok {
			return false
		}
	}
	return true
}

func label(q string) string {
	for _, o := range options {
		for i, v := range o.Values {
			if v == q && o.Name == "quality" {
				return o.Labels[i]
			}
		}
	}
	return q
}

// encodeTimeline plans an MP3 encoded by LAME: an ID3v2 tag, the Info
// frame (patched in at the end with frame counts, seek table, delay and
// padding), then the frames as LAME makes them.
func encodeTimeline(tl codec.Timeline, settings map[string]string) (*codec.Output, error) {
	return encode(tl, settings, true)
}

// encode plans tl encoded by LAME, with the ID3v2 tag when tags is set.
func encode(tl codec.Timeline, settings map[string]string, tags bool) (*codec.Output, error) {
	f := tl.Format()
	opt, err := encoderOptions(f, settings)
	if err != nil {
		return nil, err
	}
	infoLen := lame.InfoSize(opt.Rate, opt.Channels == 1)
	if infoLen == 0 {
		return nil, fmt.Errorf("mp3: no Info frame for %d Hz", opt.Rate)
	}
	p := &plan.Plan{}
	if tags {
		tag, err := id3Tag(tl)
		if err != nil {
			return nil, err
		}
		p.Bytes(tag)
	}
	var (
		mu   sync.Mutex
		info []byte
	)
	p.Patchable(make([]byte, infoLen), func() ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		if info == nil {
			return nil, errors.New("mp3: the frames were not encoded")
		}
		return info, nil
	})
	estimate := tl.Frames() * int64(estimateKbps(opt, f.Channels)) * 1000 / 8 / int64(f.Rate)
	p.Encode(estimate, func() (io.Reader, error) {
		s, err := encoderInput(tl, opt)
		if err != nil {
			return nil, err
		}
		pr, pw := io.Pipe()
		go func() {
			b, _, err := lame.Stream(pw, s, opt)
			if err == nil {
				mu.Lock()
				info = b
				mu.Unlock()
			}
			pw.CloseWithError(err)
		}()
		return pr, nil
	})
	return &codec.Output{Plan: p, Format: audio.Format{Rate: f.Rate, Channels: opt.Channels, Bits: 16}, Frames: tl.Frames(), Encoded: true}, nil
}

// vbrKbps is LAME's typical average bitrate at each VBR quality, V0 to V9,
// on stereo music (its documentation's table): the settings' labels and
// the size a plan announces.
var vbrKbps = [10]int{245, 225, 190, 175, 165, 130, 115, 100, 85, 65}

// estimateKbps is the bitrate a plan announces before encoding: the
// constant bitrate, or for VBR LAME's typical average at that quality on
// music (its documentation's table), about 60 % of it in mono.
func estimateKbps(opt lame.Options, channels int) int {
	if !opt.VBR || opt.VBRQuality < 0 || opt.VBRQuality > 9 {
		return opt.Bitrate
	}
	kbps := vbrKbps[opt.VBRQuality]
	if channels == 1 {
		kbps = kbps * 6 / 10
	}
	return kbps
}

// encoderInput is the timeline's samples as the encoder takes them (mixed
// down for a mono output).
func encoderInput(tl codec.Timeline, opt lame.Options) (audio.Stream, error) {
	f := tl.Format()
	s, err := tl.Stream(0, len(tl.Pieces()))
	if err != nil {
		return nil, err
	}
	if opt.Channels != f.Channels {
		return audio.Remix(s, opt.Channels)
	}
	return s, nil
}

// id3Tag is the output's ID3v2 tag: the first source's tags with the
// export's edits (title, artist, album, year, track, cover), or nothing.
func id3Tag(tl codec.Timeline) ([]byte, error) {
	tags, pics := codec.MergedTags(tl)
	if len(tags) == 0 && len(pics) == 0 {
		return nil, nil
	}
	t := id3.NewTag()
	str := func(k string) *string {
		if v, ok := tags[k]; ok {
			return &v
		}
		return nil
	}
	e := id3.Edit{Title: str("title"), Artist: str("artist"), Album: str("album"), Year: str("year"), Track: str("track")}
	for _, p := range pics {
		if p.Type == 3 {
			e.Cover = &id3.Picture{MIME: p.MIME, Type: 3, Description: p.Description, Data: p.Data}
			break
		}
	}
	t.Apply(e)
	return t.Encode(0)
}
