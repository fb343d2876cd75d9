package project_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
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
	lame := audiotest.Tool(t, "lame")
	dir := t.TempDir()
	wav := filepath.Join(dir, "in.wav")
	os.WriteFile(wav, audiotest.WAV(audio.Format{Rate: 44100, Channels: 2, Bits: 16}, audiotest.Signal(88200, 2, 44100, 1)), 0o644)
	mp3 := filepath.Join(dir, "in.mp3")
	if out, err := exec.Command(lame, "--quiet", "-b", "160", wav, mp3).CombinedOutput(); err != nil {
		t.Fatalf("lame: %v %s", err, out)
	}
	src, err := audio.OpenFile(mp3)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dec, err := codecs.Open(src)
	if err != nil {
		t.Fatalf("codecs.Open of an MP3: %v", err)
	}
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
	faded := project.Fades(88200, 4410, 0, project.Linear)
	if res, err = project.Render(faded, decs, project.Options{}); err != nil || res.Container != "wav" || res.Frames != 88200 {
		t.Errorf("fade on an MP3: %v, container %v", err, res)
	}
	// Demanded as MP3, a fade is done on global_gain; a crossfade cannot be.
	faded.Output.Container = "mp3"
	if res, err = project.Render(faded, decs, project.Options{}); err != nil || res.Container != "mp3" || res.Frames != 88200 || len(res.Notes) == 0 {
		t.Errorf("fade demanded as MP3: %v %+v", err, res)
	}
	xf := project.JoinAll([]int64{88200, 88200}, project.Join{Type: project.JoinCrossfade, Length: 4410})
	xf.Output.Container = "mp3"
	if _, err = project.Render(xf, []audio.Decoder{dec, dec}, project.Options{}); !errors.Is(err, project.ErrNeedsEncoder) {
		t.Errorf("crossfade demanded as MP3: %v, want ErrNeedsEncoder", err)
	}
	title := "New"
	doc := project.Keep(0, 88200)
	doc.Output.Tags = &project.Tags{Title: &title}
	if res, err = project.Render(doc, decs, project.Options{}); err != nil || res.Container != "mp3" {
		t.Fatalf("tagged keep: %v", err)
	}
}
