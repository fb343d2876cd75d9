package wav_test

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/codec/wav"
)

// FuzzOpen opens and decodes arbitrary bytes: errors are fine, panics,
// hangs and large allocations are not. Crashers found are kept under
// testdata/fuzz/FuzzOpen and rerun by go test.
func FuzzOpen(f *testing.F) {
	for _, fm := range formats {
		f.Add(audiotest.WAV(fm, audiotest.Signal(5, fm.Channels, fm.Rate, 1)))
	}
	pcm16 := fmtChunk(1, 2, 44100, 4, 16)
	f.Add(riff(pcm16, info("INAM", "x", "IART", "y"), chunk("data", make([]byte, 8))))
	f.Add(riff(pcm16, append([]byte("data\xff\xff\xff\xff"), make([]byte, 8)...)))
	// Tags as the writer lays them out: INFO (with IPRT) before the data,
	// an ID3v2.4 tag with a picture after it.
	tag, _ := wav.ID3Tag(map[string]string{"title": "t", "lyrics": "l"}, []audio.Picture{{MIME: "image/png", Type: 3, Data: []byte{1, 2}}})
	f.Add(riff(pcm16, info("IPRT", "3", "ICRD", "2020"), chunk("data", make([]byte, 8)), chunk("id3 ", tag)))
	f.Add(riff(pcm16, chunk("data", make([]byte, 8)), chunk("ID3 ", tag[:len(tag)-3])))
	hdr, _ := wav.Header(audio.Format{Rate: 8000, Channels: 1, Bits: 16}, 4, wav.HeaderOptions{ForceRF64: true})
	f.Add(append(hdr, make([]byte, 8)...))
	f.Fuzz(func(t *testing.T, b []byte) {
		w, err := wav.Open(audio.NewBytesSource(b))
		if err != nil {
			return
		}
		i := w.Info()
		if i.Frames < 0 || i.Frames*int64(i.Format.BytesPerFrame()) > int64(len(b)) {
			t.Fatalf("%d frames of %d bytes claimed in a %d-byte file", i.Frames, i.Format.BytesPerFrame(), len(b))
		}
		s, err := w.Stream(0, i.Frames)
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]float32, 1024*i.Format.Channels)
		var n int64
		for {
			k, err := s.Read(buf)
			n += int64(k)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("decoding a file that opened: %v", err)
			}
		}
		if n != i.Frames {
			t.Fatalf("decoded %d frames, Info says %d", n, i.Frames)
		}
	})
}

// FuzzTags writes arbitrary tag values the way the WAV writer does (INFO
// before the data, an id3 chunk after it) and reads them back: the file
// opens without warnings, with every frame, and every value INFO holds
// reads back as written (without NULs and surrounding space).
func FuzzTags(f *testing.F) {
	f.Add("title", "artist", "comment", "7", "lyrics", []byte{1, 2, 3})
	f.Add("a\x00b", "odd", "", " 7 ", "", []byte(nil))
	f.Add("\xff\xfe", "\x00", "x\r\n", "1/2", "\x00\x00", []byte{0})
	f.Fuzz(func(t *testing.T, title, artist, comment, track, other string, pic []byte) {
		tags := map[string]string{"title": title, "artist": artist, "comment": comment, "track": track, "other": other}
		fm := audio.Format{Rate: 8000, Channels: 1, Bits: 8}
		c, _ := wav.InfoChunk(tags)
		hdr, err := wav.Header(fm, 3, wav.HeaderOptions{Chunks: c})
		if err != nil {
			t.Fatal(err)
		}
		file := append(hdr, 1, 2, 3, 0)
		var pics []audio.Picture
		if len(pic) > 0 {
			pics = []audio.Picture{{MIME: "image/png", Type: 3, Data: pic}}
		}
		tag, err := wav.ID3Tag(tags, pics)
		if err != nil {
			t.Fatal(err)
		}
		file = append(append(file, "id3 "...), byte(len(tag)), byte(len(tag)>>8), byte(len(tag)>>16), byte(len(tag)>>24))
		file = append(file, tag...)
		if len(tag)%2 == 1 {
			file = append(file, 0)
		}
		n := uint32(len(file) - 8)
		file[4], file[5], file[6], file[7] = byte(n), byte(n>>8), byte(n>>16), byte(n>>24)
		w, err := wav.Open(audio.NewBytesSource(file))
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		i := w.Info()
		if i.Frames != 3 || len(i.Warnings) > 0 {
			t.Fatalf("%d frames, warnings %v", i.Frames, i.Warnings)
		}
		for k, v := range map[string]string{"title": title, "artist": artist, "track": track} {
			v = strings.TrimSpace(strings.ReplaceAll(v, "\x00", ""))
			if utf8.ValidString(v) && i.Tags[k] != v {
				t.Errorf("%s: read %q, wrote %q", k, i.Tags[k], v)
			}
		}
		if len(pic) > 0 && (len(i.Pictures) != 1 || !bytes.Equal(i.Pictures[0].Data, pic)) {
			t.Errorf("pictures %+v", i.Pictures)
		}
	})
}
