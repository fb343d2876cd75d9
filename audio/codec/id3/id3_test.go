package id3_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"offcut/audio/audiotest"
	"offcut/audio/codec/id3"
)

// png1x1 is a valid one-pixel PNG, used as cover art.
var png1x1 = func() []byte {
	var b bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 1, 1))
	img.Set(0, 0, color.RGBA{200, 80, 40, 255})
	png.Encode(&b, img)
	return b.Bytes()
}()

func str(s string) *string { return &s }

// mp3WithTags writes an MP3 with ffmpeg: ID3v2 (version) text frames,
// chapters and cover art, and an ID3v1 tag.
func mp3WithTags(t *testing.T, version string) string {
	t.Helper()
	ffmpeg := audiotest.Tool(t, "ffmpeg")
	dir := t.TempDir()
	cover := filepath.Join(dir, "cover.png")
	os.WriteFile(cover, png1x1, 0o644)
	meta := filepath.Join(dir, "meta.txt")
	os.WriteFile(meta, []byte(";FFMETADATA1\ntitle=Ünïcödé ✓ title\nartist=Somebody\nalbum=The Album\ndate=2024\ntrack=7/12\n"+
		"[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=500\ntitle=Intro\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=500\nEND=1000\ntitle=Part two\n"), 0o644)
	out := filepath.Join(dir, "tagged.mp3")
	args := []string{"-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-i", meta, "-i", cover,
		"-map", "0:a", "-map", "2:v", "-map_metadata", "1", "-map_chapters", "1", "-c:a", "libmp3lame", "-c:v", "copy",
		"-id3v2_version", version, "-write_id3v1", "1", "-metadata:s:v", "comment=Cover (front)", out}
	if b, err := exec.Command(ffmpeg, args...).CombinedOutput(); err != nil {
		t.Skipf("ffmpeg cannot write the tagged file here: %v\n%s", err, b)
	}
	return out
}

func TestReadsFFmpegTags(t *testing.T) {
	for _, v := range []string{"3", "4"} {
		t.Run("v2."+v, func(t *testing.T) {
			b, err := os.ReadFile(mp3WithTags(t, v))
			if err != nil {
				t.Fatal(err)
			}
			tag, err := id3.ParseV2(b)
			if err != nil {
				t.Fatalf("ParseV2: %v", err)
			}
			if tag.Version != int(v[0]-'0') {
				t.Errorf("version %d", tag.Version)
			}
			f := tag.Fields()
			for k, want := range map[string]string{"title": "Ünïcödé ✓ title", "artist": "Somebody", "album": "The Album", "track": "7/12", "year": "2024"} {
				if f[k] != want {
					t.Errorf("%s = %q, want %q", k, f[k], want)
				}
			}
			ch := tag.Chapters()
			if len(ch) != 2 || ch[1].Title != "Part two" || ch[1].Start != 500 || ch[1].End != 1000 {
				t.Errorf("chapters = %+v", ch)
			}
			pics := tag.Pictures()
			if len(pics) != 1 || pics[0].MIME != "image/png" || !bytes.Equal(pics[0].Data, png1x1) || pics[0].Type != 3 {
				t.Errorf("pictures = %+v", pics)
			}
			tail, err := id3.ReadTail(bytes.NewReader(b), int64(len(b)))
			if err != nil || tail.V1 == nil || tail.V1.Artist != "Somebody" || tail.AudioEnd != int64(len(b))-128 {
				t.Errorf("tail = %+v, %v", tail, err)
			}
		})
	}
}

// TestEditKeepsOtherFrames edits title, year, track and cover: every other
// frame stays byte for byte and in order, and ffprobe reads the result.
func TestEditKeepsOtherFrames(t *testing.T) {
	ffprobe := audiotest.Tool(t, "ffprobe")
	edited := func(id string) bool {
		switch id {
		case "TIT2", "TYER", "TDRC", "APIC", "TRCK":
			return true
		}
		return false
	}
	for _, v := range []string{"3", "4"} {
		path := mp3WithTags(t, v)
		b, _ := os.ReadFile(path)
		tag, err := id3.ParseV2(b)
		if err != nil {
			t.Fatal(err)
		}
		var before []id3.Frame
		for _, f := range tag.Frames {
			if !edited(f.ID) {
				before = append(before, f)
			}
		}
		tag.Apply(id3.Edit{Title: str("New title"), Year: str("1999"), Track: str(""), Cover: &id3.Picture{MIME: "image/jpeg", Data: []byte("\xff\xd8 not really a jpeg")}})
		enc, err := tag.Encode(64)
		if err != nil {
			t.Fatal(err)
		}
		again, err := id3.ParseV2(enc)
		if err != nil {
			t.Fatalf("v2.%s: edited tag does not parse: %v", v, err)
		}
		f := again.Fields()
		if f["title"] != "New title" || f["year"] != "1999" || f["track"] != "" || f["artist"] != "Somebody" {
			t.Errorf("v2.%s: edited fields %v", v, f)
		}
		if p := again.Pictures(); len(p) != 1 || p[0].MIME != "image/jpeg" {
			t.Errorf("v2.%s: pictures after edit %+v", v, p)
		}
		var after []id3.Frame
		for _, fr := range again.Frames {
			if !edited(fr.ID) {
				after = append(after, fr)
			}
		}
		if len(after) != len(before) {
			t.Errorf("v2.%s: %d untouched frames before, %d after", v, len(before), len(after))
		}
		for i := range min(len(after), len(before)) {
			if after[i].ID != before[i].ID || !bytes.Equal(after[i].Data, before[i].Data) {
				t.Errorf("v2.%s: frame %d (%s) changed", v, i, before[i].ID)
			}
		}
		size, _ := id3.V2Size(b)
		out := filepath.Join(t.TempDir(), "edited.mp3")
		os.WriteFile(out, append(enc, b[size:]...), 0o644)
		got, err := exec.Command(ffprobe, "-v", "error", "-show_entries", "format_tags=title,artist", "-of", "default=nw=1", out).CombinedOutput()
		if err != nil || !strings.Contains(string(got), "TAG:title=New title") || !strings.Contains(string(got), "TAG:artist=Somebody") {
			t.Errorf("v2.%s: ffprobe reads %q (%v)", v, got, err)
		}
	}
}

func TestNewTagAndV22(t *testing.T) {
	tag := id3.NewTag()
	tag.Apply(id3.Edit{Title: str("Grüße"), Artist: str("日本")})
	b, err := tag.Encode(0)
	if err != nil {
		t.Fatal(err)
	}
	again, err := id3.ParseV2(b)
	if err != nil || again.Fields()["artist"] != "日本" || again.Fields()["title"] != "Grüße" {
		t.Fatalf("new tag: %v %v", again, err)
	}
	// A hand-written v2.2 tag with a PIC frame and whole-tag
	// unsynchronisation; frame sizes count the bytes before unsynchronisation
	// inserted its 0x00.
	v22 := []byte("TT2\x00\x00\x06\x00Hello" + "PIC\x00\x00\x08\x00PNG\x03\x00\xff\x00\xd8")
	h := []byte{'I', 'D', '3', 2, 0, 0x80, 0, 0, 0, byte(len(v22))}
	tag, err = id3.ParseV2(append(h, v22...))
	if err != nil {
		t.Fatal(err)
	}
	if tag.Text("TIT2") != "Hello" {
		t.Errorf("v2.2 title = %q", tag.Text("TIT2"))
	}
	if p := tag.Pictures(); len(p) != 1 || p[0].MIME != "image/png" || !bytes.Equal(p[0].Data, []byte{0xff, 0xd8}) {
		t.Errorf("v2.2 picture %+v", p)
	}
}

func TestHostileTags(t *testing.T) {
	hdr := func(ver byte, size uint32) []byte {
		return []byte{'I', 'D', '3', ver, 0, 0, byte(size >> 21 & 0x7f), byte(size >> 14 & 0x7f), byte(size >> 7 & 0x7f), byte(size & 0x7f)}
	}
	frame := func(id string, n uint32, data string) []byte {
		b := append([]byte(id), binary.BigEndian.AppendUint32(nil, n)...)
		return append(append(b, 0, 0), data...)
	}
	for _, c := range []struct {
		name string
		b    []byte
		want string
	}{
		{"not a tag", []byte("RIFF0000WAVE"), "no tag"},
		{"bad version", append([]byte("ID3\x09\x00\x00"), 0, 0, 0, 1), "ID3v2.9"},
		{"size not syncsafe", []byte("ID3\x03\x00\x00\x80\x00\x00\x00"), "not syncsafe"},
		{"size past the file", hdr(3, 1000), "claims 1010 bytes"},
		{"frame claims 4 GiB", append(hdr(3, 20), frame("TIT2", 0xFFFFFFF0, "abcdefghij")...), "frame TIT2 claims 4294967280 bytes"},
		{"bad frame id", append(hdr(3, 20), frame("T\x01T2", 2, "\x00a\x00\x00\x00\x00\x00\x00\x00\x00")...), "not valid"},
		{"extended header too big", append([]byte{'I', 'D', '3', 3, 0, 0x40, 0, 0, 0, 8}, 0, 0, 0, 100, 0, 0, 0, 0), "extended header claims"},
	} {
		_, err := id3.ParseV2(c.b)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
	if _, err := id3.ParseV2([]byte("nothing")); !errors.Is(err, id3.ErrNoTag) {
		t.Errorf("no tag: %v", err)
	}
	// An APE footer claiming more than the file.
	ape := append([]byte("APETAGEX"), make([]byte, 24)...)
	binary.LittleEndian.PutUint32(ape[12:], 1<<30)
	if _, err := id3.ReadTail(bytes.NewReader(ape), int64(len(ape))); err == nil {
		t.Error("APE tag claiming 1 GiB: no error")
	}
	// A Lyrics3 size with a sign must not move the end of the audio.
	neg := append(make([]byte, 1000), "-99999LYRICS200"...)
	if tail, err := id3.ReadTail(bytes.NewReader(neg), int64(len(neg))); err != nil || tail.AudioEnd != int64(len(neg)) || tail.Lyrics3Size != 0 {
		t.Errorf("negative Lyrics3 size: %+v %v", tail, err)
	}
}

func FuzzParseV2(f *testing.F) {
	tag := id3.NewTag()
	tag.Apply(id3.Edit{Title: str("x"), Cover: &id3.Picture{MIME: "image/png", Data: png1x1}})
	b, _ := tag.Encode(4)
	f.Add(b)
	f.Add([]byte("ID3\x04\x00\x10\x00\x00\x00\x0bTIT2\x00\x00\x00\x01\x00\x00\x03" + "3DI\x04\x00\x10\x00\x00\x00\x0b"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tag, err := id3.ParseV2(b)
		if err != nil {
			return
		}
		tag.Fields()
		tag.Pictures()
		tag.Chapters()
		tag.Apply(id3.Edit{Title: str("t"), Cover: &id3.Picture{Data: []byte{1}}})
		if out, err := tag.Encode(0); err == nil {
			if _, err := id3.ParseV2(out); err != nil {
				t.Fatalf("re-encoded tag does not parse: %v", err)
			}
		}
	})
}

func FuzzReadTail(f *testing.F) {
	v1 := make([]byte, 128)
	copy(v1, "TAG")
	f.Add([]byte("audio bytes-99999LYRICS200"))
	f.Add(append([]byte("APETAGEX\xd0\x07\x00\x00\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"), v1...))
	f.Fuzz(func(t *testing.T, b []byte) {
		tail, err := id3.ReadTail(bytes.NewReader(b), int64(len(b)))
		if err == nil && (tail.AudioEnd < 0 || tail.AudioEnd > int64(len(b))) {
			t.Fatalf("AudioEnd %d of %d", tail.AudioEnd, len(b))
		}
	})
}

// FuzzReadV2RoundTrip reads a tag at an offset of a larger file, encodes
// it unchanged and reads it back: the same frames (IDs, flags and data),
// the same fields and pictures.
func FuzzReadV2RoundTrip(f *testing.F) {
	tag := id3.NewTag()
	tag.Apply(id3.Edit{Title: str("Title"), Artist: str("Ärtist"), Cover: &id3.Picture{MIME: "image/png", Data: png1x1}})
	b, _ := tag.Encode(16)
	f.Add(b, uint8(0))
	f.Add(b, uint8(7))
	f.Add([]byte("ID3\x04\x00\x00\x00\x00\x00\x15TIT2\x00\x00\x00\x0b\x00\x00\x03hello world"), uint8(3))
	f.Add([]byte("ID3\x03\x80\x00\x00\x00\x00\x12TIT2\x00\x00\x00\x04\x00\x00\x00\xff\x00\xe0"), uint8(0))
	f.Add([]byte("ID3\x02\x00\x00\x00\x00\x00\x0cTT2\x00\x00\x06\x00title"), uint8(1))
	f.Fuzz(func(t *testing.T, b []byte, prefix uint8) {
		file := append(bytes.Repeat([]byte{0}, int(prefix)), b...)
		tag, err := id3.ReadV2(bytes.NewReader(file), int64(prefix), int64(len(file)))
		if err != nil {
			return
		}
		out, err := tag.Encode(0)
		if err != nil {
			return // a frame that does not fit its version: refused, fine
		}
		again, err := id3.ParseV2(out)
		if err != nil {
			t.Fatalf("the re-encoded tag does not parse: %v", err)
		}
		if len(again.Frames) != len(tag.Frames) {
			t.Fatalf("%d frames read, %d after a round trip", len(tag.Frames), len(again.Frames))
		}
		for i, fr := range tag.Frames {
			g := again.Frames[i]
			if g.ID != fr.ID || !bytes.Equal(g.Data, fr.Data) {
				t.Fatalf("frame %d: %s %q became %s %q", i, fr.ID, fr.Data, g.ID, g.Data)
			}
		}
		if !reflect.DeepEqual(tag.Fields(), again.Fields()) || !reflect.DeepEqual(tag.Pictures(), again.Pictures()) {
			t.Fatalf("fields %v became %v", tag.Fields(), again.Fields())
		}
	})
}

// TestTagFromFields: a tag built from fields reads back as those fields
// (a TXXX frame for another key, read back by its description), NULs removed and pictures kept.
func TestTagFromFields(t *testing.T) {
	in := map[string]string{"title": "Tí\x00tle", "artist": "A", "year": "2020", "track": "3/9", "comment": "c",
		"genre": "Rock", "albumartist": "AA", "mood": "calm", "empty": ""}
	tag := id3.TagFromFields(in, []id3.Picture{{MIME: "image/png", Type: 4, Description: "back", Data: []byte{1, 2, 3}}})
	b, err := tag.Encode(0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := id3.ParseV2(b)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"title": "Títle", "artist": "A", "year": "2020", "track": "3/9", "comment": "c",
		"genre": "Rock", "albumartist": "AA", "mood": "calm"}
	f := got.Fields()
	if len(f) != len(want) {
		t.Errorf("fields %v, want %v", f, want)
	}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("%s = %q, want %q", k, f[k], v)
		}
	}
	if x := got.Find("TXXX"); x == nil || string(x.Data) != "\x03mood\x00calm" {
		t.Errorf("TXXX frame %v", x)
	}
	if p := got.Pictures(); len(p) != 1 || p[0].Type != 4 || p[0].Description != "back" || string(p[0].Data) != "\x01\x02\x03" {
		t.Errorf("pictures %+v", p)
	}
	if got.Version != 4 {
		t.Errorf("version 2.%d", got.Version)
	}
}
