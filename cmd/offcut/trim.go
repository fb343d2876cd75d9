package main

import (
	"errors"
	"fmt"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/project"
	"offcut/audio/silence"
)

// runTrimSilence cuts the leading and trailing silence of one file, as the
// recorder's auto-trim does in the app (package audio/silence defines
// silence exactly; the cut is the same project.Keep the app renders).
func runTrimSilence(c *ctx, args []string) error {
	fs := newFlags(c, "trim-silence")
	threshold := fs.Float64("threshold", silence.DefaultThresholdDB, "level in dBFS at or below which a frame is silent")
	minLen := fs.String("min", fmt.Sprint(silence.DefaultMinSeconds), "shortest silence at an edge that is trimmed")
	o := addOutputFlags(fs)
	pos, err := parse(c, fs, args)
	if err != nil {
		return err
	}
	if *threshold > 0 || *threshold < -200 || *threshold != *threshold {
		return usagef("--threshold %g: give a level in dBFS from -200 to 0", *threshold)
	}
	in, err := oneInput(pos)
	if err != nil {
		return err
	}
	defer in.src.Close()
	info := in.info()
	m, err := timeFlag("min", *minLen, info.Format.Rate, 0)
	if err != nil {
		return err
	}
	r, err := silence.Find(in.dec, silence.Options{ThresholdDB: *threshold, Min: m})
	if errors.Is(err, silence.ErrOptions) {
		return usagef("%v", err)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", in.path, err)
	}
	if r.AllSilent {
		return fmt.Errorf("%s: %w: every frame is at or below %g dBFS", in.path, codec.ErrNoAudio, *threshold)
	}
	doc := project.Keep(r.From, r.To)
	if err := o.apply(doc); err != nil {
		return err
	}
	if err := render(c, doc, []*input{in}, o, ""); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "offcut: trimmed %s at the start and %s at the end (kept frames %d..%d of %d)\n",
		audio.FormatTime(r.Leading(), info.Format.Rate), audio.FormatTime(r.Trailing(), info.Format.Rate), r.From, r.To, r.Frames)
	return nil
}
