package project_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codecs"
	"offcut/audio/project"
)

// TestMP3Container: MP3 sources edited without sample processing are
// written as MP3 frames (lossless); with fades they become WAV unless MP3 is
// demanded, which is a clear error.
func TestMP3Container(t *testing.T) {
	dir := t.TempDir()
	src, dec := openMP3(t, lameMP3(t, dir, "in", 88200, 1, "-b", "160"))
	if dec.Info().Frames != 88200 {
		t.Fatalf("gapless length %d, want 88200", dec.Info().Frames)
	}
	decs := []audio.Decoder{dec}

	res, err := project.Render(project.Keep(1000, 50000), decs, project.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Container != "mp3" || !res.Lossless || res.Frames != 49000 || res.Plan.ComputedBytes() != 0 {
		t.Errorf("keep on an MP3: container %s, lossless %v, %d frames, %d computed bytes", res.Container, res.Lossless, res.Frames, res.Plan.ComputedBytes())
	}
	// A fade stays on the frames (global_gain, 1.5 dB steps), said in a note.
	faded := project.Fades(88200, 4410, 0, project.Linear)
	if res, err = project.Render(faded, decs, project.Options{}); err != nil || res.Container != "mp3" || res.Frames != 88200 || len(res.Notes) == 0 {
		t.Errorf("fade on an MP3: %v %+v", err, res)
	}
	// A crossfade with a gain needs every sample: LAME encodes the whole
	// edit, exactly as long as asked.
	xf := project.JoinAll([]int64{88200, 88200}, project.Join{Type: project.JoinCrossfade, Length: 4410})
	xf.Clips[1].Gain = -3
	res, err = project.Render(xf, []audio.Decoder{dec, dec}, project.Options{})
	if err != nil || res.Container != "mp3" || res.Lossless || res.Frames != 2*88200-4410 {
		t.Fatalf("crossfade of MP3s with a gain: %v %+v", err, res)
	}
	if len(res.Notes) == 0 || !strings.Contains(res.Notes[len(res.Notes)-1], "encoded with LAME") {
		t.Errorf("crossfade notes: %q", res.Notes)
	}
	// Without one, only the frames of the crossfade are encoded again
	// (the junction may move by under a frame, which a note says),
	// and the file decodes to exactly the announced length (our decoder
	// and ffmpeg), passes mp3val and ffmpeg's error detection.
	xf.Clips[1].Gain = 0
	res, err = project.Render(xf, []audio.Decoder{dec, dec}, project.Options{})
	if err != nil || res.Container != "mp3" || res.Lossless || abs64(res.Frames-(2*88200-4410)) >= 1152 {
		t.Fatalf("crossfade of MP3s: %v %+v", err, res)
	}
	if notes := strings.Join(res.Notes, "; "); !strings.Contains(notes, "re-encoded at 1 junction, the rest untouched") {
		t.Errorf("crossfade notes: %q", res.Notes)
	}
	out := filepath.Join(dir, "xf.mp3")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := res.Plan.WriteTo(f, []audio.Source{src, src}, nil); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b, _ := os.ReadFile(out)
	back, err := codecs.Open(audio.NewBytesSource(b))
	if err != nil || back.Info().Frames != res.Frames {
		t.Errorf("encoded crossfade decodes to %v frames (%v), want %d", back, err, res.Frames)
	}
	ff := audiotest.Tool(t, "ffmpeg")
	pcm, err := exec.Command(ff, "-v", "error", "-i", out, "-f", "s16le", "-").Output()
	if err != nil {
		t.Fatalf("ffmpeg: %v", err)
	}
	if n := int64(len(pcm) / 4); n != res.Frames {
		t.Errorf("ffmpeg decodes %d frames, want %d", n, res.Frames)
	}
	if o, err := exec.Command(ff, "-v", "error", "-err_detect", "crccheck+bitstream+buffer", "-i", out, "-f", "null", "-").CombinedOutput(); err != nil || len(o) > 0 {
		t.Errorf("ffmpeg error detection: %v %s", err, o)
	}
	// mp3val warns of a file without tags; anything else is a finding.
	o, err := exec.Command(audiotest.Tool(t, "mp3val"), out).CombinedOutput()
	for _, line := range strings.Split(string(o), "\n") {
		if (strings.Contains(line, "WARNING") || strings.Contains(line, "ERROR")) && !strings.Contains(line, "No supported tags") || err != nil {
			t.Errorf("mp3val: %v %s", err, line)
		}
	}
	// A sample format cannot be asked of MP3.
	xf.Output.SampleFormat = "s24"
	if _, err = project.Render(xf, []audio.Decoder{dec, dec}, project.Options{}); !errors.Is(err, project.ErrInvalid) {
		t.Errorf("MP3 with a sample format: %v", err)
	}
	title := "New"
	doc := project.Keep(0, 88200)
	doc.Output.Tags = &project.Tags{Title: &title}
	if res, err = project.Render(doc, decs, project.Options{}); err != nil || res.Container != "mp3" {
		t.Fatalf("tagged keep: %v", err)
	}
}
