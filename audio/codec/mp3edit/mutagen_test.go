package mp3edit_test

import (
	"math"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"offcut/audio/audiotest"
	"offcut/audio/codec/mp3edit"
)

// mutagenLength returns the duration mutagen reads from an MP3's headers
// (it trusts the Info/LAME header only when the encoder string parses as a
// LAME version) and its encoder description.
func mutagenLength(t *testing.T, py, path string) (float64, string) {
	t.Helper()
	out, err := exec.Command(py, "-c", `import sys, mutagen.mp3
m = mutagen.mp3.MP3(sys.argv[1]).info
print(repr(m.length), m.encoder_info)`, path).CombinedOutput()
	if err != nil {
		t.Fatalf("mutagen on %s: %v\n%s", filepath.Base(path), err, out)
	}
	f := strings.SplitN(strings.TrimSpace(string(out)), " ", 2)
	secs, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		t.Fatalf("mutagen printed %q", out)
	}
	return secs, strings.Join(f[1:], "")
}

// TestMutagenReadsTheExactDuration: a lossless cut of an MP3 without a
// LAME tag (lame -t, or another encoder) gets a LAME header that mutagen
// parses, so it reports the cut's exact duration (it reported 10.109 s for
// a 10.000 s cut when the encoder string was "LAME" and spaces); a source's
// own LAME version string is kept.
func TestMutagenReadsTheExactDuration(t *testing.T) {
	py := audiotest.PythonModule(t, "mutagen")
	dir := t.TempDir()
	for _, c := range []struct {
		name, wantEncoder string
		args              []string
	}{
		{"notag", "LAME 3.100.0+", []string{"-b", "128", "-t"}},
		{"lame", "LAME 3.100.0+", []string{"-V", "2"}},
	} {
		path := encode(t, dir, c.name, 44100, 2, 12, c.args...)
		in, src := open(t, path, 0)
		res, err := mp3edit.Plan([]mp3edit.Piece{{In: in, From: 44100, To: 44100 + 441000}}, mp3edit.Options{})
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, c.name+"-cut.mp3")
		write(t, res, out, src)
		secs, enc := mutagenLength(t, py, out)
		t.Logf("%s: mutagen says %.6f s, encoder %q; the cut is %d samples", c.name, secs, enc, res.Frames)
		if want := float64(res.Frames) / 44100; math.Abs(secs-want) > 1e-9 || res.Frames != 441000 {
			t.Errorf("%s: mutagen reads %.6f s, the cut is %.6f s (%d samples, want 441000)", c.name, secs, want, res.Frames)
		}
		if enc != c.wantEncoder {
			t.Errorf("%s: mutagen reads encoder %q, want %q", c.name, enc, c.wantEncoder)
		}
	}
}
