package project_test

import (
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/wav"
	"offcut/audio/project"
)

// TestLayOutMatchesRender lays documents out from their sources'
// descriptions alone and checks the rate, the clip lengths and the total
// against what Render plans from the opened files: resampled clips, gaps,
// crossfades, an output format that moves the rate (Opus writes only
// 48 kHz, MP3 only MPEG rates), and documents Render refuses.
func TestLayOutMatchesRender(t *testing.T) {
	a := audiotest.WAV(audio.Format{Rate: 44100, Channels: 2, Bits: 16}, audiotest.Signal(44100, 2, 44100, 1))
	b := audiotest.WAV(audio.Format{Rate: 8000, Channels: 1, Bits: 16}, audiotest.Signal(12345, 1, 8000, 2))
	c := audiotest.WAV(audio.Format{Rate: 96000, Channels: 2, Bits: 24}, audiotest.Signal(70001, 2, 96000, 3))
	decs, _ := memInputs(t, a, b, c)
	infos := []audio.Info{decs[0].Info(), decs[1].Info(), decs[2].Info()}
	clip := func(src int, in, out int64) project.Clip { return project.Clip{Source: src, In: in, Out: out} }
	docs := map[string]*project.Document{
		"keep":                        {Version: 1, Clips: []project.Clip{clip(0, 100, 40000)}},
		"join resampled to the first": {Version: 1, Clips: []project.Clip{clip(0, 0, 44100), clip(1, 7, 12345), clip(2, 1, 70001)}},
		"join at 48 kHz with a gap and a crossfade": {Version: 1,
			Clips:  []project.Clip{clip(1, 0, 12345), clip(2, 0, 70001), clip(0, 3, 44000)},
			Joins:  []project.Join{{Type: project.JoinGap, Length: 4800}, {Type: project.JoinCrossfade, Length: 2400}},
			Output: project.Output{SampleRate: 48000}},
		"opus moves the rate to 48 kHz": {Version: 1, Clips: []project.Clip{clip(0, 0, 44100), clip(1, 0, 8000)}, Output: project.Output{Container: "opus"}},
		"mp3 moves 96 kHz to 48 kHz":    {Version: 1, Clips: []project.Clip{clip(2, 0, 70001)}, Output: project.Output{Container: "mp3"}},
		"crossfade longer than a clip": {Version: 1,
			Clips: []project.Clip{clip(0, 0, 1000), clip(1, 0, 8000)},
			Joins: []project.Join{{Type: project.JoinCrossfade, Length: 2000}}},
		"past the end":              {Version: 1, Clips: []project.Clip{clip(1, 0, 12346)}},
		"shorter than one frame":    {Version: 1, Clips: []project.Clip{clip(0, 0, 44100), clip(1, 0, 1)}, Output: project.Output{SampleRate: 2000}},
		"no such source":            {Version: 1, Clips: []project.Clip{clip(3, 0, 10)}},
		"fade longer than its clip": {Version: 1, Clips: []project.Clip{{Source: 0, In: 0, Out: 100, FadeIn: &project.Fade{Length: 101}}}},
	}
	for name, doc := range docs {
		res, rerr := project.Render(doc, decs, project.Options{})
		l, lerr := project.LayOut(doc, infos)
		if (rerr != nil) != (lerr != nil) {
			t.Errorf("%s: Render says %v, LayOut says %v", name, rerr, lerr)
			continue
		}
		if rerr != nil {
			if rerr.Error() != lerr.Error() {
				t.Errorf("%s: Render says %q, LayOut %q", name, rerr, lerr)
			}
			continue
		}
		if l.Container != res.Container {
			t.Errorf("%s: LayOut picks %s, Render wrote %s", name, l.Container, res.Container)
		}
		if l.Output.Rate != res.Format.Rate || l.Output.Frames != res.Frames {
			t.Errorf("%s: LayOut gives %d frames at %d Hz, Render %d at %d", name, l.Output.Frames, l.Output.Rate, res.Frames, res.Format.Rate)
		}
		if l.Channels != res.Format.Channels {
			t.Errorf("%s: LayOut gives %d channels, Render wrote %d", name, l.Channels, res.Format.Channels)
		}
		if want := project.SourcesFormat(doc, decs); l.Sources != want {
			t.Errorf("%s: LayOut's sources' format %v, want %v", name, l.Sources, want)
		}
		if len(l.Clips) != len(doc.Clips) {
			t.Errorf("%s: %d clip lengths for %d clips", name, len(l.Clips), len(doc.Clips))
		}
		var sum int64
		for i, n := range l.Clips {
			sum += n
			if i < len(doc.Joins) {
				switch j := doc.Joins[i]; j.Type {
				case project.JoinGap:
					sum += j.Length
				case project.JoinCrossfade:
					sum -= j.Length
				}
			}
		}
		if sum != l.Frames {
			t.Errorf("%s: the clips, gaps and crossfades add up to %d, LayOut says %d", name, sum, l.Frames)
		}
		if doc.Output.Container != "opus" && (l.Output.Frames != l.Frames || l.Output.Rate != l.Rate) {
			t.Errorf("%s: the output (%d at %d Hz) is not the timeline (%d at %d Hz)", name, l.Output.Frames, l.Output.Rate, l.Frames, l.Rate)
		}
	}
	if _, err := project.LayOut(&project.Document{Version: 1}, infos); err == nil {
		t.Error("a document without clips was laid out")
	}
	keep := docs["keep"]
	for name, bad := range map[string]audio.Info{
		"rate 0":          {Format: audio.Format{Channels: 2, Bits: 16}, Frames: 44100},
		"no channels":     {Format: audio.Format{Rate: 44100, Bits: 16}, Frames: 44100},
		"negative length": {Format: infos[0].Format, Frames: -1},
		"huge length":     {Format: infos[0].Format, Frames: project.MaxFrames + 1},
	} {
		if _, err := project.LayOut(keep, []audio.Info{bad}); err == nil {
			t.Errorf("a source with %s was laid out", name)
		}
	}
}

// TestSourcesFormatIsTheBestOfTheClips: the output layout left to the
// sources is the best of those the clips play, whatever their order, and
// a source no clip plays does not count.
func TestSourcesFormatIsTheBestOfTheClips(t *testing.T) {
	dec := func(f audio.Format) audio.Decoder {
		d, err := wav.Open(audio.NewBytesSource(audiotest.WAV(f, make([]float32, 100*f.Channels))))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	voice := dec(audio.Format{Rate: 8000, Channels: 1, Bits: 16})
	music := dec(audio.Format{Rate: 48000, Channels: 2, Bits: 24})
	float := dec(audio.Format{Rate: 22050, Channels: 1, Bits: 32, Float: true})
	unused := dec(audio.Format{Rate: 96000, Channels: 6, Bits: 32})
	decs := []audio.Decoder{voice, music, float, unused}
	doc := func(srcs ...int) *project.Document {
		d := &project.Document{Version: 1}
		for _, s := range srcs {
			d.Clips = append(d.Clips, project.Clip{Source: s, In: 0, Out: 100})
		}
		return d
	}
	for _, c := range []struct {
		srcs []int
		want audio.Format
	}{
		{[]int{0, 1}, audio.Format{Rate: 48000, Channels: 2, Bits: 24}},
		{[]int{1, 0}, audio.Format{Rate: 48000, Channels: 2, Bits: 24}},
		{[]int{0, 2}, audio.Format{Rate: 22050, Channels: 1, Bits: 32, Float: true}},
		{[]int{0}, audio.Format{Rate: 8000, Channels: 1, Bits: 16}},
	} {
		if got := project.SourcesFormat(doc(c.srcs...), decs); got != c.want {
			t.Errorf("clips of sources %v: %v, want %v", c.srcs, got, c.want)
		}
	}
}
