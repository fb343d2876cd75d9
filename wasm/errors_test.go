package main

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestExplain: every engine error the UI can meet gets a code and a
// sentence in plain words naming the file, never engine wording.
func TestExplain(t *testing.T) {
	wavHeader := testWAV(8000, 1, 800, 0)[:44]
	ins, _ := inputsOf([]byte("hello world, not audio"), append(wavHeader[:40:40], 0xff, 0xff, 0xff, 0x7f), testWAV(8000, 1, 800, 0), testWAV(8000, 1, 0, 0), testWAV(8000, 1, 183*8000+800, 0))
	for _, c := range []struct {
		name, code, want string
		err              func() error
	}{
		{"text", codeUnknownFormat, "in0.wav is not an audio file Offcut can open. Offcut opens WAV", func() error { _, err := probe(ins[0]); return err }},
		{"no audio", codeNoAudio, "in3.wav has no audio in it.", func() error { _, err := probe(ins[3]); return err }},
		{"bad document", codeInvalidEdit, "This edit does not fit", func() error {
			_, err := planDoc([]byte(`{"version":1,"clips":[{"source":0,"in":0,"out":0}]}`), ins[2:])
			return err
		}},
		{"ringtone too long", codeTooLong, "M4R (iPhone ringtone) holds at most 40 seconds, and this is 3:03.100 long. Export a part of at most 40 seconds", func() error {
			_, err := planDoc([]byte(`{"version":1,"clips":[{"source":0,"in":0,"out":1464800}],"output":{"container":"m4r"}}`), ins[4:])
			return err
		}},
		{"cover too large", codeInvalidEdit, "The cover image is 4.0 MiB; Offcut stores covers of up to 4 MiB. Choose a smaller image.", func() error {
			_, err := planDoc(coverDoc("image/jpeg", append([]byte{0xff, 0xd8, 0xff}, make([]byte, 4<<20)...)), ins[2:])
			return err
		}},
		{"cover not an image", codeInvalidEdit, "The cover must be a JPEG or PNG image.", func() error {
			_, err := planDoc(coverDoc("image/png", []byte("GIF89a....")), ins[2:])
			return err
		}},
		{"other file", codeChangedFile, "in2.wav is not the file this edit was made on", func() error {
			_, err := planDoc([]byte(`{"version":1,"sources":[{"name":"x","size":5}],"clips":[{"source":0,"in":0,"out":10}]}`), ins[2:])
			return err
		}},
	} {
		err := c.err()
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		e := explain(err)
		if e.Code != c.code || !strings.Contains(e.Message, c.want) || e.Detail != err.Error() {
			t.Errorf("%s: %+v; want code %s and a message with %q", c.name, e, c.code, c.want)
		}
		want := 0 // the format's limit, for too_long only
		if c.code == codeTooLong {
			want = 40
		}
		if e.MaxSeconds != want {
			t.Errorf("%s: maxSeconds %d, want %d", c.name, e.MaxSeconds, want)
		}
		for _, engine := range []string{"invalid project", "clips[", "wav:", "mp3:"} {
			if strings.Contains(e.Message, engine) {
				t.Errorf("%s: engine wording %q in %q", c.name, engine, e.Message)
			}
		}
	}
}

// coverDoc is a document of in2.wav's first 800 frames to MP3 with a cover
// of the given type and bytes.
func coverDoc(mime string, data []byte) []byte {
	return []byte(`{"version":1,"clips":[{"source":0,"in":0,"out":800}],"output":{"container":"mp3","tags":{"cover":{"mime":"` + mime + `","data":"` + base64.StdEncoding.EncodeToString(data) + `"}}}}`)
}
