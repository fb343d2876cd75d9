package mp4_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"offcut/audio/audiotest"
)

// TestTags reads the ilst tags and cover FFmpeg writes.
func TestTags(t *testing.T) {
	ffmpeg := audiotest.Tool(t, "ffmpeg")
	dir := t.TempDir()
	png := filepath.Join(dir, "cover.png")
	out := filepath.Join(dir, "tags.m4a")
	run(t, ffmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc=size=32x32:duration=0.1", "-frames:v", "1", png)
	run(t, ffmpeg, "-v", "error", "-f", "lavfi", "-i", "sine=d=0.3", "-i", png, "-map", "0", "-map", "1",
		"-c:a", "alac", "-c:v", "copy", "-disposition:v", "attached_pic",
		"-metadata", "title=Tïtle", "-metadata", "artist=Art", "-metadata", "album=Alb",
		"-metadata", "date=2024", "-metadata", "track=3/12", out)
	info := open(t, readFile(t, out)).Info()
	want := map[string]string{"title": "Tïtle", "artist": "Art", "album": "Alb", "year": "2024", "track": "3/12"}
	for k, v := range want {
		if info.Tags[k] != v {
			t.Errorf("tag %s = %q, want %q (all: %q)", k, info.Tags[k], v, info.Tags)
		}
	}
	if p := readFile(t, png); len(info.Pictures) != 1 || info.Pictures[0].MIME != "image/png" || !slices.Equal(info.Pictures[0].Data, p) {
		t.Errorf("pictures = %+v, want the %d-byte PNG", info.Pictures, len(p))
	}
}

// addSMPB inserts an iTunes "----" iTunSMPB item into the ilst box of an
// FFmpeg file whose moov follows its mdat (so no sample offset moves).
func addSMPB(t *testing.T, b []byte, smpb string) []byte {
	item := func(typ string, body []byte) []byte {
		return append(binary.BigEndian.AppendUint32([]byte(nil), uint32(8+len(body))), append([]byte(typ), body...)...)
	}
	free := item("----", slices.Concat(
		item("mean", append([]byte{0, 0, 0, 0}, "com.apple.iTunes"...)),
		item("name", append([]byte{0, 0, 0, 0}, "iTunSMPB"...)),
		item("data", append([]byte{0, 0, 0, 1, 0, 0, 0, 0}, smpb...))))
	ilst := bytes.Index(b, []byte("ilst")) - 4
	if ilst < 0 || bytes.Index(b, []byte("moov")) < bytes.Index(b, []byte("mdat")) {
		t.Fatal("no ilst, or moov before mdat")
	}
	end := ilst + int(binary.BigEndian.Uint32(b[ilst:]))
	out := slices.Concat(b[:end], free, b[end:])
	for _, typ := range []string{"moov", "udta", "meta", "ilst"} {
		i := bytes.Index(out, []byte(typ)) - 4
		binary.BigEndian.PutUint32(out[i:], binary.BigEndian.Uint32(out[i:])+uint32(len(free)))
	}
	return out
}

// TestITunSMPB trims an ALAC file by an iTunes gapless comment.
func TestITunSMPB(t *testing.T) {
	ffmpeg := audiotest.Tool(t, "ffmpeg")
	name := filepath.Join(t.TempDir(), "a.m4a")
	run(t, ffmpeg, "-v", "error", "-f", "lavfi", "-i", "sine=d=0.5:r=44100", "-c:a", "alac", "-metadata", "title=x", name)
	full := ffdecode(t, ffmpeg, name)
	b := addSMPB(t, readFile(t, name), fmt.Sprintf(" 00000000 00000064 0000012C %016X 00000000", len(full)-400))
	f := open(t, b)
	if f.Info().Frames != int64(len(full)-400) || f.Priming() != 100 {
		t.Fatalf("frames %d priming %d, want %d and 100", f.Info().Frames, f.Priming(), len(full)-400)
	}
	if got := audiotest.DecodeAll(t, f); !slices.Equal(got, full[100:len(full)-300]) {
		t.Fatal("the trimmed decode differs from FFmpeg's decode")
	}
}
