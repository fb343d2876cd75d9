package project_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"offcut/audio"
	"offcut/audio/audiotest"
	"offcut/audio/project"
)

func TestParse(t *testing.T) {
	good := `{"version":1,"sources":[{"name":"a.wav"},{"name":"b.wav"}],
	  "clips":[{"source":0,"in":0,"out":100,"fadeIn":{"length":10,"curve":"s-curve"}},{"source":1,"in":5,"out":50,"gain":-3}],
	  "joins":[{"type":"crossfade","length":20,"curve":"linear"}],
	  "output":{"container":"wav","sampleRate":48000,"channels":2,"sampleFormat":"s24","normalize":-1}}`
	d, err := project.Parse([]byte(good))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if d.Clips[1].Gain != -3 || d.Joins[0].Curve != project.Linear || *d.Output.Normalize != -1 {
		t.Fatalf("parsed %+v", d)
	}
	// A document survives Marshal and Parse unchanged.
	b, err := d.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := project.Parse(b); err != nil {
		t.Fatalf("re-Parse of Marshal output: %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{``, "EOF"},
		{`[]`, "cannot hold"},
		{`{"version":1,"clips":[{"source":0,"in":0,"out":1}]} {}`, "data after the document"},
		{`{"version":2,"clips":[{"source":0,"in":0,"out":1}]}`, "version is 2"},
		{`{"version":1,"clips":[]}`, "no clips"},
		{`{"version":1,"clips":[{"source":0,"in":0,"out":1}],"colour":"red"}`, `unknown field "colour"`},
		{`{"version":1,"clips":[{"source":-1,"in":0,"out":1}]}`, "clips[0].source -1"},
		{`{"version":1,"sources":[{"name":"a"}],"clips":[{"source":1,"in":0,"out":1}]}`, "clips[0].source 1 does not name a source"},
		{`{"version":1,"clips":[{"source":0,"in":5,"out":5}]}`, "clips[0].out 5 must be after in 5"},
		{`{"version":1,"clips":[{"source":0,"in":-5,"out":5}]}`, "clips[0].in -5"},
		{`{"version":1,"clips":[{"source":0,"in":0,"out":99999999999999999}]}`, "out 99999999999999999"},
		{`{"version":1,"clips":[{"source":0,"in":0,"out":1,"gain":1000}]}`, "gain 1000 dB"},
		{`{"version":1,"clips":[{"source":0,"in":0,"out":1,"fadeIn":{"length":1,"curve":"wobbly"}}]}`, `"wobbly" is not one of`},
		{`{"version":1,"clips":[{"source":0,"in":0,"out":1},{"source":0,"in":0,"out":1}],"joins":[]}`, ""},
		{`{"version":1,"clips":[{"source":0,"in":0,"out":1},{"source":0,"in":0,"out":1}],"joins":[{"type":"none"},{"type":"none"}]}`, "2 joins for 2 clips"},
		{`{"version":1,"clips":[{"source":0,"in":0,"out":1},{"source":0,"in":0,"out":1}],"joins":[{"type":"fade"}]}`, `joins[0].type "fade"`},
		{`{"version":1,"clips":[{"source":0,"in":0,"out":1},{"source":0,"in":0,"out":1}],"joins":[{"type":"gap","length":-1}]}`, "joins[0].length -1"},
		{`{"version":1,"clips":[{"source":0,"in":0,"out":1,"fadeIn":{"length":1,"ms":2}}]}`, "clips[0].fadeIn gives both length (1 frames) and ms (2)"},
		{`{"version":1,"clips":[{"source":0,"in":0,"out":1,"fadeOut":{"ms":-2}}]}`, "clips[0].fadeOut.ms -2 is out of range"},
		{`{"version":1,"clips":[{"source":0,"in":0,"out":1,"fadeOut":{"ms":1e11}}]}`, "clips[0].fadeOut.ms 1e+11 is out of range"},
		{`{"version":1,"clips":[{"source":0,"in":0,"out":1},{"source":0,"in":0,"out":1}],"joins":[{"type":"none","ms":5}]}`, "a join of type none has no length"},
		{`{"version":1,"clips":[{"source":0,"in":0,"out":1},{"source":0,"in":0,"out":1}],"joins":[{"type":"gap","length":4,"ms":5}]}`, "joins[0] gives both length"},
		{`{"version":1,"clips":[{"source":0,"in":0,"out":1},{"source":0,"in":0,"out":1}],"joins":[{"type":"crossfade","ms":1e10}]}`, ""},
		{`{"version":1,"clips":[{"source":0,"in":0,"out":1}],"output":{"container":"mkv"}}`, `container "mkv"`},
		{`{"version":1,"clips":[{"source":0,"in":0,"out":1}],"output":{"sampleRate":-1}}`, "sampleRate -1"},
		{`{"version":1,"clips":[{"source":0,"in":0,"out":1}],"output":{"sampleFormat":"s12"}}`, `"s12" is not one of`},
		{`{"version":1,"clips":[{"source":0,"in":0,"out":1}],"output":{"normalize":3}}`, "normalize 3 dBFS"},
		{"{\"version\":1,\n\"clips\":[{\"source\":0,,}]}", "line 2"},
		{`{"version":1,"clips":[{"source":"0","in":0,"out":1}]}`, "clips.source: int cannot hold a JSON string"},
	} {
		_, err := project.Parse([]byte(c.doc))
		if c.want == "" {
			if err != nil {
				t.Errorf("Parse(%s): %v", c.doc, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, project.ErrInvalid) {
			t.Errorf("Parse(%s)\n  error %v\n  want ErrInvalid mentioning %q", c.doc, err, c.want)
		}
	}
	big := `{"version":1,"clips":[` + strings.Repeat(`{"source":0,"in":0,"out":1},`, project.MaxClips) + `{"source":0,"in":0,"out":1}]}`
	if _, err := project.Parse([]byte(big)); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("Parse of %d clips: %v", project.MaxClips+1, err)
	}
}

// FuzzParse: any bytes give a document or ErrInvalid, never a panic; a
// document that parses re-parses after Marshal.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"version":1,"clips":[{"source":0,"in":0,"out":100,"fadeOut":{"length":5}}],"joins":[],"output":{"normalize":-1}}`))
	f.Add([]byte(`{"version":1,"sources":[{"name":"a","size":3}],"clips":[{"source":0,"in":1,"out":2},{"source":0,"in":0,"out":9}],"joins":[{"type":"crossfade","length":3,"curve":"s-curve"}]}`))
	f.Add([]byte(`{"version":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := project.Parse(b)
		if err != nil {
			if !errors.Is(err, project.ErrInvalid) {
				t.Fatalf("error %v is not ErrInvalid", err)
			}
			return
		}
		out, err := d.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := project.Parse(out); err != nil {
			t.Fatalf("Marshal output does not parse: %v\n%s", err, out)
		}
	})
}

// FuzzRender renders arbitrary documents over two small files: a clear
// error or an output of exactly the planned size, never a panic.
func FuzzRender(f *testing.F) {
	f.Add([]byte(`{"version":1,"clips":[{"source":0,"in":10,"out":100,"fadeIn":{"length":50}},{"source":1,"in":0,"out":300,"gain":-2}],"joins":[{"type":"crossfade","length":40}],"output":{"sampleRate":22050}}`))
	f.Add([]byte(`{"version":1,"clips":[{"source":1,"in":0,"out":300},{"source":0,"in":0,"out":1}],"joins":[{"type":"gap","length":7}],"output":{"channels":3,"sampleFormat":"u8","normalize":-3}}`))
	f.Add([]byte(`{"version":1,"clips":[{"source":0,"in":10,"out":100,"fadeIn":{"ms":5.5},"fadeOut":{"ms":900}},{"source":1,"in":0,"out":300}],"joins":[{"type":"crossfade","ms":1.25,"curve":"linear"}],"output":{"sampleRate":44100}}`))
	a := audiotest.WAV(audio.Format{Rate: 8000, Channels: 1, Bits: 16}, audiotest.Signal(400, 1, 8000, 1))
	b := audiotest.WAV(audio.Format{Rate: 11025, Channels: 2, Bits: 32, Float: true}, audiotest.Signal(400, 2, 11025, 2))
	f.Fuzz(func(t *testing.T, doc []byte) {
		d, err := project.Parse(doc)
		if err != nil {
			return
		}
		decs, srcs := memInputs(t, a, b)
		// Analysis passes (normalize) over documents that describe hours of
		// output are real work: cancel them, as the app's Cancel would.
		limit := project.Options{Progress: func(done, _ int64) bool { return done < 1<<20 }}
		res, err := project.Render(d, decs, limit)
		if err != nil {
			return
		}
		if res.Plan.Size() > 1<<20 {
			return
		}
		var buf bytes.Buffer
		if _, err := res.Plan.WriteTo(&buf, srcs, nil); err != nil {
			t.Fatalf("writing a planned render: %v", err)
		}
		if int64(buf.Len()) != res.Plan.Size() {
			t.Fatalf("wrote %d bytes, planned %d", buf.Len(), res.Plan.Size())
		}
	})
}
