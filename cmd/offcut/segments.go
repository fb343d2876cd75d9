package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"offcut/audio"
	"offcut/audio/project"
)

// renderSegmented plans doc's output encoded in segments on GOMAXPROCS
// goroutines (project.Segments decides where, from the document alone, so
// the file is the one the browser makes), each written to a temporary file
// beside out, then joined. It returns the join and its sources (the
// segment files), and a cleanup that closes and removes them; a nil
// result means the output is made in one piece.
//
// A PCM output (WAV from MP3) is made in one piece: natively the decoding
// that segments would share costs about what writing the samples twice
// (the segment files, then the output) does. The bytes are the same.
func renderSegmented(doc *project.Document, ins []*input, decs []audio.Decoder, opt project.Options, out string) (*project.Result, []audio.Source, func(), error) {
	sopt := opt
	sopt.EncodedOnly = true
	segs, err := project.Segments(doc, decs, sopt)
	if err != nil || segs == nil {
		return nil, nil, func() {}, nil // Render says what is wrong
	}
	dir, err := os.MkdirTemp(filepath.Dir(absPath(out)), ".offcut-seg-")
	if err != nil {
		return nil, nil, func() {}, fmt.Errorf("%s: %w", out, unwrapPathError(err))
	}
	temps.add(dir)
	var (
		mu     sync.Mutex
		files  []*audio.FileSource
		opened [][]*input
	)
	cleanup := func() {
		for _, f := range files {
			f.Close()
		}
		for _, ins := range opened {
			closeAll(ins)
		}
		os.RemoveAll(dir)
		temps.remove(dir)
	}
	parts, err := project.EncodeSegments(doc, segs, opt, project.Parallel{
		Workers: runtime.GOMAXPROCS(0),
		// Each goroutine decodes its own copy of the inputs.
		Open: func() ([]audio.Decoder, error) {
			mine := make([]*input, 0, len(ins))
			ds := make([]audio.Decoder, len(ins))
			for i, in := range ins {
				o, err := openAny(in.path)
				if err != nil {
					closeAll(mine)
					return nil, err
				}
				mine, ds[i] = append(mine, o), o.dec
			}
			mu.Lock()
			opened = append(opened, mine)
			mu.Unlock()
			return ds, nil
		},
		Store: func(i int, res *project.Result) (audio.Source, error) {
			name := filepath.Join(dir, fmt.Sprintf("%03d.%s", i, res.Container))
			f, err := os.Create(name)
			if err != nil {
				return nil, err
			}
			if _, err := res.Plan.WriteTo(f, nil, nil); err != nil {
				f.Close()
				return nil, err
			}
			if err := f.Close(); err != nil {
				return nil, err
			}
			src, err := audio.OpenFile(name)
			if err != nil {
				return nil, err
			}
			mu.Lock()
			files = append(files, src)
			mu.Unlock()
			return src, nil
		},
	})
	if err != nil {
		cleanup()
		return nil, nil, func() {}, fmt.Errorf("%s: %w", out, err)
	}
	res, err := project.JoinSegments(doc, decs, parts, opt)
	if err != nil {
		cleanup()
		return nil, nil, func() {}, fmt.Errorf("%s: joining %d segments: %w", out, len(parts), err)
	}
	return res, parts, cleanup, nil
}
