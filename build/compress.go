package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"path"
	"runtime"
	"slices"
	"sync"

	"github.com/andybalholm/brotli"
)

// incompressible lists extensions of formats that are compressed already;
// precompressing them wastes time and rarely saves a byte.
var incompressible = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true, ".avif": true,
	".woff": true, ".woff2": true, ".mp3": true, ".m4a": true, ".aac": true, ".ogg": true,
	".oga": true, ".opus": true, ".flac": true, ".mp4": true, ".webm": true, ".zip": true,
	".gz": true, ".br": true, ".zst": true,
}

// precompress returns name.br and name.gz for every compressible output,
// each only when smaller than the original. Every (file, encoding) pair is
// a separate job, largest files first, run on one goroutine per CPU, so the
// big .wasm's brotli and gzip passes run side by side.
func precompress(ctx context.Context, outputs map[string][]byte, brQuality int) (map[string][]byte, error) {
	if brQuality <= 0 || brQuality > brotli.BestCompression {
		brQuality = brotli.BestCompression
	}
	type job struct {
		name, ext string
		data      []byte
	}
	encoders := map[string]func([]byte) ([]byte, error){
		".br": func(b []byte) ([]byte, error) { return compressBrotli(b, brQuality) },
		".gz": compressGzip,
	}
	jobs := make(chan job)
	var (
		mu       sync.Mutex
		variants = map[string][]byte{}
		firstErr error
		wg       sync.WaitGroup
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				out, err := encoders[j.ext](j.data)
				mu.Lock()
				switch {
				case err != nil && firstErr == nil:
					firstErr = fmt.Errorf("compressing %s as %s: %w", j.name, j.ext, err)
				case err == nil && len(out) < len(j.data):
					variants[j.name+j.ext] = out
				}
				mu.Unlock()
			}
		}()
	}
	names := make([]string, 0, len(outputs))
	for n := range outputs {
		if !incompressible[path.Ext(n)] {
			names = append(names, n)
		}
	}
	sortBySizeDesc(names, outputs)
	var err error
feed:
	for _, n := range names {
		for _, ext := range []string{".br", ".gz"} {
			select {
			case jobs <- job{n, ext, outputs[n]}:
			case <-ctx.Done():
				err = ctx.Err()
				break feed
			}
		}
	}
	close(jobs)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	return variants, firstErr
}

func sortBySizeDesc(names []string, outputs map[string][]byte) {
	slices.SortFunc(names, func(a, b string) int {
		if d := len(outputs[b]) - len(outputs[a]); d != 0 {
			return d
		}
		if a < b {
			return -1
		}
		return 1
	})
}

func compressBrotli(data []byte, quality int) ([]byte, error) {
	var b bytes.Buffer
	w := brotli.NewWriterOptions(&b, brotli.WriterOptions{Quality: quality, LGWin: 24})
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// compressGzip writes a header with no name and no time, so the output
// depends on the content alone.
func compressGzip(data []byte) ([]byte, error) {
	var b bytes.Buffer
	w, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
