package mp3edit_test

import (
	"path/filepath"
	"testing"

	"offcut/audio"
	"offcut/audio/codec/mp3"
	"offcut/audio/codec/mp3edit"
	"offcut/audio/codec/mp3format"
)

// TestInfoFrameDescribesItsFrames reads the Info/Xing frame of edited
// files back with the decoder's scanner and checks it against the frames
// that follow it: their count, their bytes (the Info frame included), the
// "Info" (one bitrate) or "Xing" (several) kind, and each of the hundred
// seek-table entries (where frame count*i/100 starts, of 256). The frames
// are counted run by run since the facts of a file are kept between
// plans; this reads them one by one. Sources: CBR, VBR, and a join of the
// two with a re-encoded junction, and a 70-second file of over two
// thousand frames.
func TestInfoFrameDescribesItsFrames(t *testing.T) {
	dir := t.TempDir()
	cbrPath := encode(t, dir, "cbr", 44100, 2, 4, "-b", "128")
	vbrPath := encode(t, dir, "vbr", 44100, 2, 4, "-V", "2")
	longPath := encode(t, dir, "long", 44100, 2, 70, "-b", "64", "--resample", "44.1")
	cbr, cbrSrc := open(t, cbrPath, 0)
	vbr, vbrSrc := open(t, vbrPath, 1)
	long, longSrc := open(t, longPath, 2)
	srcs := []audio.Source{cbrSrc, vbrSrc, longSrc}
	cases := []struct {
		name   string
		pieces []mp3edit.Piece
		opt    mp3edit.Options
		kind   string
	}{
		{"cbr cut", []mp3edit.Piece{{In: cbr, From: 5000, To: 150000}}, mp3edit.Options{}, ""},
		{"vbr cut", []mp3edit.Piece{{In: vbr, From: 0, To: 120000}}, mp3edit.Options{}, "Xing"},
		{"cbr remove, re-encoded", []mp3edit.Piece{{In: cbr, From: 0, To: 60000}, {In: cbr, From: 80001, To: cbr.Frames()}}, mp3edit.Options{Reencode: mp3format.Reencode}, ""},
		// Over two thousand frames: the bitrates are summed up in blocks.
		{"long cbr whole", []mp3edit.Piece{{In: long, From: 0, To: long.Frames()}}, mp3edit.Options{}, "Info"},
		{"long cbr cut", []mp3edit.Piece{{In: long, From: 1152 * 500, To: long.Frames() - 1152*3}}, mp3edit.Options{}, ""},
		{"long cbr, vbr and cbr", []mp3edit.Piece{{In: long, From: 0, To: 22050 * 30}, {In: vbr, From: 0, To: vbr.Frames()}, {In: long, From: 22050 * 30, To: long.Frames()}}, mp3edit.Options{}, ""},
		{"join cbr and vbr", []mp3edit.Piece{{In: cbr, From: 0, To: cbr.Frames()}, {In: vbr, From: 0, To: vbr.Frames()}}, mp3edit.Options{}, "Xing"},
	}
	for i, c := range cases {
		res, err := mp3edit.Plan(c.pieces, c.opt)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		path := filepath.Join(dir, "out"+string(rune('a'+i))+".mp3")
		write(t, res, path, srcs...)
		src, err := audio.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		lay, err := mp3.Index(src)
		src.Close()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		tag := lay.Tag
		if tag == nil || len(tag.TOC) != 100 {
			t.Fatalf("%s: no Info frame with a seek table: %+v", c.name, tag)
		}
		// The audio frames after the Info frame, as the scanner finds them.
		var offs []int64
		rates := map[uint32]bool{}
		var end int64
		for _, f := range lay.FramesFrom(1) {
			offs = append(offs, f.Offset)
			rates[f.Header>>12&0xF] = true
			end = f.Offset + int64(f.Size)
		}
		infoStart := lay.Frame(0).Offset
		count := int64(len(offs))
		total := end - infoStart
		if tag.Frames != count || tag.Bytes != total {
			t.Errorf("%s: the Info frame says %d frames, %d bytes; the file has %d frames, %d bytes", c.name, tag.Frames, tag.Bytes, count, total)
		}
		want := "Info"
		if len(rates) > 1 {
			want = "Xing"
		}
		if tag.Kind != want || c.kind != "" && c.kind != want {
			t.Errorf("%s: a %q frame for frames of %d bitrates (case expects %q)", c.name, tag.Kind, len(rates), c.kind)
		}
		for p := range int64(100) {
			e := byte(min(255, (offs[count*p/100]-infoStart)*256/total))
			if tag.TOC[p] != e {
				t.Errorf("%s: seek table entry %d is %d, frame %d starts at %d of 256", c.name, p, tag.TOC[p], count*p/100, e)
				break
			}
		}
	}
}
