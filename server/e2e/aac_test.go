package e2e

import (
	"encoding/base64"
	"encoding/binary"
	"math"
	"os/exec"
	"path/filepath"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/wav"
)

// TestAACWebCodecs: an AAC .m4a opened in the browser is decoded by
// WebCodecs through the engine (the worker's offcutAACDecode): probe gives
// the exact length, and a float WAV cut from inside the file equals
// FFmpeg's decode of the same frames (FFmpeg applies the edit list too).
func TestAACWebCodecs(t *testing.T) {
	ffmpeg := audiotest.Tool(t, "ffmpeg")
	site := StartSite(t)
	m4a := filepath.Join(t.TempDir(), "tone.m4a")
	if out, err := exec.Command(ffmpeg, "-v", "error", "-f", "lavfi", "-i", "sine=f=440:r=44100:d=2", "-ac", "2",
		"-c:a", "aac", "-aac_pns", "0", m4a).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	raw, err := exec.Command(ffmpeg, "-v", "error", "-i", m4a, "-f", "f32le", "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	ref := make([]float32, len(raw)/4)
	for i := range ref {
		ref[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	ctx := NewBrowser(t)
	site.LoadAPIPage(t, ctx)
	SetFiles(t, ctx, "#files", m4a)
	info := Eval[struct {
		Container string `json:"container"`
		Codec     string `json:"codec"`
		Frames    int64  `json:"frames"`
	}](t, ctx, `oc.probe(e2e.files()[0])`)
	if info.Codec != "aac" || info.Frames != 88200 {
		t.Fatalf("probe of an AAC m4a: %+v", info)
	}
	const from, to = 30000, 70000 // across several decode batches
	b64, err := EvalErr[string](ctx, `(async () => {
		const doc = {version: 1, clips: [{source: 0, in: 30000, out: 70000}], output: {container: "wav", sampleFormat: "f32"}};
		const blob = await oc.render(doc, e2e.files());
		const b = new Uint8Array(await blob.arrayBuffer());
		let s = "";
		for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
		return btoa(s);
	})()`)
	if err != nil {
		t.Fatalf("render in the browser: %v", err)
	}
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	w, err := wav.Open(audio.NewBytesSource(b))
	if err != nil {
		t.Fatal(err)
	}
	s, err := w.Stream(0, w.Info().Frames)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]float32, (to-from)*2)
	if n, err := audio.ReadFrames(s, got); err != nil || n != to-from {
		t.Fatalf("the cut has %d frames (%v), want %d", n, err, to-from)
	}
	var maxDiff float64
	for i, v := range got {
		maxDiff = max(maxDiff, math.Abs(float64(v-ref[from*2+i])))
	}
	t.Logf("largest difference from FFmpeg's decode: %g", maxDiff)
	if maxDiff > 1e-4 {
		t.Errorf("largest difference from FFmpeg's decode %g > 1e-4", maxDiff)
	}
}
