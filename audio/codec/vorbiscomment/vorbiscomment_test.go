package vorbiscomment

import (
	"encoding/base64"
	"fmt"
	"reflect"
	"testing"

	"offcut/audio"
)

func TestRoundTrip(t *testing.T) {
	pic := &Picture{Type: 3, MIME: "image/png", Description: "front", Width: 1, Height: 2, Depth: 24, Data: []byte{1, 2, 3}}
	c := &Comments{Vendor: "Offcut", Fields: []Field{
		{"TITLE", "Song"}, {"ARTIST", "A"}, {"ARTIST", "B"}, {"TRACKNUMBER", "3"}, {"DATE", "2024"},
		{"METADATA_BLOCK_PICTURE", base64.StdEncoding.EncodeToString(pic.Encode())},
	}}
	got, err := Parse(c.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Fatalf("round trip: got %+v, want %+v", got, c)
	}
	want := map[string]string{"title": "Song", "artist": "A; B", "track": "3", "year": "2024"}
	if tags := got.Tags(); !reflect.DeepEqual(tags, want) {
		t.Errorf("Tags() = %v, want %v", tags, want)
	}
	ps := got.Pictures()
	if len(ps) != 1 || !reflect.DeepEqual(&ps[0], pic) {
		t.Errorf("Pictures() = %+v", ps)
	}
}

func TestHostile(t *testing.T) {
	for name, b := range map[string][]byte{
		"empty":         nil,
		"huge vendor":   {0xFF, 0xFF, 0xFF, 0x7F},
		"huge count":    {0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF},
		"short comment": {0, 0, 0, 0, 1, 0, 0, 0, 10, 0, 0, 0, 'a'},
	} {
		if _, err := Parse(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := ParsePicture([]byte{0, 0, 0, 3, 0xFF, 0xFF, 0xFF, 0xFF}); err == nil {
		t.Error("picture with a huge MIME length: no error")
	}
}

func FuzzParse(f *testing.F) {
	f.Add((&Comments{Vendor: "v", Fields: []Field{{"A", "b"}}}).Encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(b)
		if err != nil {
			return
		}
		c.Tags()
		c.Pictures()
		if _, err := Parse(c.Encode()); err != nil {
			t.Fatalf("re-encoded block does not parse: %v", err)
		}
	})
}

func FuzzParsePicture(f *testing.F) {
	f.Add((&Picture{Type: 3, MIME: "image/jpeg", Data: []byte{0xFF, 0xD8}}).Encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		if p, err := ParsePicture(b); err == nil {
			p.Encode()
		}
	})
}

// TestFromTags: the writers' comments round-trip through Parse and Tags;
// a name a reader could not split back and an empty value are left out.
func TestFromTags(t *testing.T) {
	c := FromTags("", map[string]string{"title": "T", "year": "2020", "track": "3", "a=b": "x", "empty": "", "mood": "calm"},
		[]audio.Picture{{MIME: "image/png", Type: 3, Data: []byte{1, 2, 3}}, {MIME: "image/png"}})
	got, err := Parse(c.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if got.Vendor != "Offcut" {
		t.Errorf("vendor %q", got.Vendor)
	}
	var names []string
	for _, f := range got.Fields {
		names = append(names, f.Name)
	}
	if fmt.Sprint(names) != "[MOOD TITLE TRACKNUMBER DATE METADATA_BLOCK_PICTURE]" {
		t.Errorf("fields %q", names)
	}
	if tags := got.Tags(); tags["year"] != "2020" || tags["track"] != "3" || tags["mood"] != "calm" {
		t.Errorf("tags %v", tags)
	}
	if p := got.Pictures(); len(p) != 1 || p[0].Type != 3 || string(p[0].Data) != "\x01\x02\x03" {
		t.Errorf("pictures %+v", p)
	}
}
