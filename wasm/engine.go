package main

// This file is the adapter's pure-Go half: everything the worker asks for,
// written against audio.Source and plain callbacks so that it builds and is
// tested natively. main_js.go binds it to syscall/js.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codecs"
	"offcut/audio/plan"
	"offcut/audio/project"
)

// chunkSize bounds every computed chunk handed to JavaScript.
const chunkSize = 1 << 20

// encodedChunk bounds the chunks of an encoder's output (whose length is
// not known ahead): a chunk waits until it is full, so a smaller one
// reports an encode's progress more often (64 KiB is 4 s of MP3 at
// 128 kbit/s).
const encodedChunk = 64 << 10

// progressSteps is about how many progress reports a job makes.
const progressSteps = 400

// input is one of the user's files as the engine sees it.
type input struct {
	src  audio.Source
	name string // for error messages: the file's name or "input N"
	// key, if not empty, identifies the file across calls (the worker
	// numbers File and Blob objects, which never change): its opened
	// decoder is kept and reused.
	key string
}

// fileKey identifies a file by what the browser says of it (id: name, size,
// modification time) and a hash of its first and last 4 KiB, or "" when
// those cannot be read.
func fileKey(id string, src audio.Source) string {
	h := sha256.New()
	h.Write([]byte(id))
	n := min(src.Size(), 4096)
	buf := make([]byte, n)
	for _, off := range []int64{0, src.Size() - n} {
		if err := audio.ReadAtFull(src, buf, off); err != nil && n > 0 {
			return ""
		}
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// handles keeps opened decoders across calls, so that probe, peaks, plan
// and render of the same file read its headers (and build an MP3's frame
// index) once, as esbuild keeps builds alive between calls.
var handles = newHandleCache(32)

type handleCache struct {
	mu    sync.Mutex
	max   int
	m     map[string]audio.Decoder
	order []string // least recently used first
}

func newHandleCache(max int) *handleCache {
	return &handleCache{max: max, m: map[string]audio.Decoder{}}
}

func (c *handleCache) get(key string) audio.Decoder {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.m[key]
	if ok {
		c.touch(key)
	}
	return d
}

func (c *handleCache) put(key string, d audio.Decoder) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[key]; !ok && len(c.m) >= c.max {
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
	c.m[key] = d
	c.touch(key)
}

func (c *handleCache) touch(key string) {
	for i, k := range c.order {
		if k == key {
			c.order = append(c.order[:i], c.order[i+1:]...)
			break
		}
	}
	c.order = append(c.order, key)
}

// forget drops a file's decoder (the page closed it).
func (c *handleCache) forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[key]; ok {
		delete(c.m, key)
		for i, k := range c.order {
			if k == key {
				c.order = append(c.order[:i], c.order[i+1:]...)
				break
			}
		}
	}
}

// probeInfo is what probe returns (the shape promised in www/API.md).
type probeInfo struct {
	Container string `json:"container"`
	Codec     string `json:"codec"`
	// CodecLabel names the codec for people; Lossy says whether it is a
	// lossy one (codec.CodecLabel, codec.Lossy).
	CodecLabel string            `json:"codecLabel"`
	Lossy      bool              `json:"lossy"`
	Format     audio.Format      `json:"format"`
	Frames     int64             `json:"frames"`
	Duration   float64           `json:"duration"`
	Tags       map[string]string `json:"tags"`
	// Pictures describe the embedded images (type, MIME, size; no data).
	Pictures []audio.Picture `json:"pictures"`
	Warnings []string        `json:"warnings"`
}

// summary describes a rendered document before any audio is computed.
type summary struct {
	// Container is the output format's registry name ("wav", "mp3", ...),
	// MIME its media type, Ext its file extension and Label its name for
	// people.
	Container string `json:"container"`
	MIME      string `json:"mime"`
	Ext       string `json:"ext"`
	Label     string `json:"label"`
	// Fallback says why WAV was chosen when the sources' own format could
	// not carry the edit ("" otherwise).
	Fallback string `json:"fallback,omitempty"`
	// Exact is false when Size is an estimate (encoder output).
	Exact bool `json:"exact"`
	// Notes are plain-words remarks on the output (MP3 junctions, gain
	// steps).
	Notes    []string     `json:"notes,omitempty"`
	Frames   int64        `json:"frames"`
	Duration float64      `json:"duration"`
	Format   audio.Format `json:"format"`
	Size     int64        `json:"size"`
	Lossless bool         `json:"lossless"`
	// Clipped counts clamped samples; known only after a render.
	Clipped int64 `json:"clipped,omitempty"`
	// GainLimited counts MP3 granules that could not take the whole gain.
	GainLimited int64 `json:"gainLimited,omitempty"`
}

func summarize(res *project.Result) summary {
	return summary{
		Container:   res.Container,
		MIME:        res.Desc.MIME[0],
		Ext:         res.Desc.Extensions[0],
		Label:       res.Desc.Label,
		Fallback:    res.Fallback,
		Exact:       res.Plan.Exact(),
		Notes:       res.Notes,
		Frames:      res.Frames,
		Duration:    res.Duration(),
		Format:      res.Format,
		Size:        res.Plan.Size(),
		Lossless:    res.Lossless,
		Clipped:     res.Clipped(),
		GainLimited: res.GainLimited(),
	}
}

// open opens one input, naming it in the error.
func open(in input) (audio.Decoder, error) {
	if in.key != "" {
		if d := handles.get(in.key); d != nil {
			return d, nil
		}
	}
	d, err := codecs.Open(in.src)
	if err != nil {
		return nil, &fileError{in.name, err}
	}
	if in.key != "" {
		handles.put(in.key, d)
	}
	return d, nil
}

func probe(in input) (probeInfo, error) {
	d, err := open(in)
	if err != nil {
		return probeInfo{}, err
	}
	i := d.Info()
	if i.Frames == 0 {
		return probeInfo{}, &fileError{in.name, codec.ErrNoAudio}
	}
	p := probeInfo{
		Container:  i.Container,
		Codec:      i.Codec,
		CodecLabel: codec.CodecLabel(i.Codec),
		Lossy:      codec.Lossy(i.Codec),
		Format:     i.Format,
		Frames:     i.Frames,
		Duration:   audio.Duration(i.Frames, i.Format.Rate),
		Tags:       i.Tags,
		Pictures:   i.Pictures,
		Warnings:   i.Warnings,
	}
	if p.Tags == nil {
		p.Tags = map[string]string{}
	}
	if p.Warnings == nil {
		p.Warnings = []string{}
	}
	return p, nil
}

// peakResult is a waveform of frames [From, To).
type peakResult struct {
	From, To int64
	// Sampled is true for a quick overview (SampledPeaks).
	Sampled  bool
	Min, Max []float32
}

// peaks computes buckets min/max pairs over frames [from, to) of the input;
// to < 0 means the end of the file.
func peaks(in input, buckets int, from, to int64, progress func(done, total int64)) (*peakResult, error) {
	return peaksOf(in, buckets, from, to, false, progress)
}

// prefetcher is a source that can read many byte ranges at once and serve
// later reads inside them from memory until release.
type prefetcher interface {
	Prefetch(ranges [][2]int64) (release func(), err error)
}

// sampledWindow is how many frames a quick overview reads per bucket.
const sampledWindow = 512

// peaksOf computes a waveform; sampled asks for a quick overview (a
// window at the start of each bucket) of a file long enough for that to
// pay (quickRanges: PCM, or an MP3 read from its frame index), and gets
// no buckets at all otherwise (the exact waveform is then the only one).
func peaksOf(in input, buckets int, from, to int64, sampled bool, progress func(done, total int64)) (*peakResult, error) {
	d, err := open(in)
	if err != nil {
		return nil, err
	}
	n := d.Info().Frames
	if to < 0 {
		to = n
	}
	if from < 0 || from > to || to > n {
		return nil, fmt.Errorf("%s: waveform of frames %d..%d, the file has frames 0..%d", in.name, from, to, n)
	}
	ranges, quick := quickRanges(d, from, to, buckets)
	if sampled && !quick {
		// No quick overview of this file: an empty answer, at once (the
		// exact waveform is the caller's next request).
		return &peakResult{From: from, To: to}, nil
	}
	if sampled {
		// The windows are read all at once where the source can (a browser
		// File: many reads in flight instead of a thousand in a row).
		if pf, ok := in.src.(prefetcher); ok {
			release, err := pf.Prefetch(ranges)
			if err != nil {
				return nil, err
			}
			defer release()
		}
		ps, err := audio.SampledPeaks(d, from, to, buckets, sampledWindow)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", in.name, err)
		}
		r := &peakResult{From: from, To: to, Sampled: true, Min: make([]float32, len(ps)), Max: make([]float32, len(ps))}
		for i, p := range ps {
			r.Min[i], r.Max[i] = p.Min, p.Max
		}
		return r, nil
	}
	s, err := d.Stream(from, to)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.name, err)
	}
	report := throttle(progress)
	ps, err := audio.Peaks(s, buckets, func(done, total int64) bool { report(done, total); return true })
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.name, err)
	}
	report(to-from, to-from)
	r := &peakResult{From: from, To: to, Min: make([]float32, len(ps)), Max: make([]float32, len(ps))}
	for i, p := range ps {
		r.Min[i], r.Max[i] = p.Min, p.Max
	}
	return r, nil
}

// parsed is the last document parseDoc parsed, by its bytes.
var parsed struct {
	sync.Mutex
	doc []byte
	d   *project.Document
}

// parseDoc parses a document, or returns the one parsed last if doc is
// the same bytes. A segmented encode sends one document with every
// segment and the join (five times on the page's worker for a 3-min MP3:
// the plan, three of the six segments, the join); parsing
// it each time had V8 optimise encoding/json's literalStore on every page
// (0.36 s of compiling on the cores the encode runs on, make bench
// --tierup). The engine never changes a document it renders.
func parseDoc(doc []byte) (*project.Document, error) {
	parsed.Lock()
	defer parsed.Unlock()
	if parsed.d != nil && bytes.Equal(doc, parsed.doc) {
		return parsed.d, nil
	}
	d, err := project.Parse(doc)
	if err != nil {
		return nil, err
	}
	parsed.doc, parsed.d = bytes.Clone(doc), d
	return d, nil
}

// prepare parses the document and opens its inputs.
func prepare(doc []byte, ins []input) (*project.Document, []audio.Decoder, error) {
	d, err := parseDoc(doc)
	if err != nil {
		return nil, nil, err
	}
	decs := make([]audio.Decoder, len(ins))
	for i, in := range ins {
		if i < len(d.Sources) && d.Sources[i].Size != 0 && d.Sources[i].Size != in.src.Size() {
			return nil, nil, &fileError{in.name, fmt.Errorf("%w: it is %d bytes, the project's sources[%d] is %d bytes", errChangedFile, in.src.Size(), i, d.Sources[i].Size)}
		}
		if decs[i], err = open(in); err != nil {
			return nil, nil, err
		}
	}
	return d, decs, nil
}

// planDoc renders the document's plan without computing any audio (except
// the analysis pass of a normalising document). It is the editor's summary
// after each change, so it estimates what it would have to encode to know
// exactly (project.Options.Estimate: an MP3 edit's new junctions), which
// render encodes.
func planDoc(doc []byte, ins []input) (summary, error) {
	d, decs, err := prepare(doc, ins)
	if err != nil {
		return summary{}, err
	}
	res, err := project.Render(d, decs, project.Options{Estimate: true})
	if err != nil {
		return summary{}, err
	}
	return summarize(res), nil
}

// sink receives a rendered file, in order. Byte slices are only valid
// during the call.
type sink interface {
	// Bytes receives literal bytes of the plan (headers, padding, tags).
	Bytes(b []byte) error
	// Range receives length bytes of input src starting at off.
	Range(src int, off, length int64) error
	// Chunk receives at most chunkSize computed bytes.
	Chunk(b []byte) error
	// Patchable receives literal bytes (a header) that Patch later
	// replaces with bytes of the same length, once the rest is written.
	Patchable(id int, b []byte) error
	// Patch replaces what Patchable id received.
	Patch(id int, b []byte) error
}

// render renders the document into out. progress gets bytes of output done
// and the job's total, monotonic and throttled; a normalising document's
// analysis pass counts as the output's size in frames times bytes per
// frame, ahead of the writing.
func render(doc []byte, ins []input, out sink, progress func(done, total int64)) (*project.Result, error) {
	d, decs, err := prepare(doc, ins)
	if err != nil {
		return nil, err
	}
	return renderDoc(d, decs, len(ins), out, progress)
}

// renderDoc is render of a prepared document: decs are its n inputs'
// decoders.
func renderDoc(d *project.Document, decs []audio.Decoder, n int, out sink, progress func(done, total int64)) (*project.Result, error) {
	report := throttle(progress)
	var pre, total int64
	var opt project.Options
	if d.Output.Normalize != nil {
		// A plain render is cheap (headers only) and says how big the
		// output and the analysis pass are, so total is known up front.
		plain := *d
		plain.Output.Normalize = nil
		r0, err := project.Render(&plain, decs, project.Options{})
		if err != nil {
			return nil, err
		}
		pre = r0.Frames * int64(r0.Format.BytesPerFrame())
		total = pre + r0.Plan.Size()
		opt.Progress = func(done, n int64) bool {
			if n > 0 {
				report(scale(done, n, pre), total)
			}
			return true
		}
	}
	res, err := project.Render(d, decs, opt)
	if err != nil {
		return nil, err
	}
	total = max(total, pre+res.Plan.Size())
	if err := emit(res.Plan, n, out, pre, total, report); err != nil {
		return nil, err
	}
	return res, nil
}

// scale maps done of n onto [0, to].
func scale(done, n, to int64) int64 {
	if n <= 0 {
		return to
	}
	return int64(float64(done) / float64(n) * float64(to))
}

// errShortComputed is wrapped when a computed segment ends early.
var errShortComputed = errors.New("computed segment ended early")

// emit walks the plan and hands each segment to out: literal bytes as they
// are, ranges as descriptors (nothing is read), computed segments in chunks
// of at most chunkSize bytes. done starts at base; progress is called after
// every segment and chunk.
func emit(p *plan.Plan, inputs int, out sink, base, total int64, progress func(done, total int64)) error {
	done := base
	var buf []byte
	chunks := func(i int, r io.Reader, length int64) error {
		if buf == nil {
			buf = make([]byte, chunkSize)
		}
		exact := length >= 0
		for left := length; !exact || left > 0; {
			b := buf[:encodedChunk]
			if exact {
				b = buf[:min(left, int64(len(buf)))]
			}
			k, err := io.ReadFull(r, b)
			if k > 0 {
				if err := out.Chunk(b[:k]); err != nil {
					return err
				}
				left -= int64(k)
				done += int64(k)
				total = max(total, done)
				progress(done, total)
			}
			if !exact && (err == io.EOF || err == io.ErrUnexpectedEOF) {
				return nil
			}
			if err != nil && (!exact || left > 0) {
				if err == io.EOF || err == io.ErrUnexpectedEOF {
					err = fmt.Errorf("%w: %d of %d bytes missing", errShortComputed, left, length)
				}
				return fmt.Errorf("plan segment %d (computed, %d bytes): %w", i, length, err)
			}
		}
		return nil
	}
	var patches []int
	for i, s := range p.Segments {
		switch s.Kind() {
		case "bytes":
			if s.Final != nil {
				if err := out.Patchable(i, s.Literal); err != nil {
					return err
				}
				patches = append(patches, i)
				done += s.Length
				break
			}
			if err := out.Bytes(s.Literal); err != nil {
				return err
			}
			done += s.Length
		case "range":
			if s.Source < 0 || s.Source >= inputs {
				return fmt.Errorf("plan segment %d reads input %d, only %d were given", i, s.Source, inputs)
			}
			if err := out.Range(s.Source, s.Offset, s.Length); err != nil {
				return err
			}
			done += s.Length
		case "encoded":
			r, err := s.Encoded()
			if err != nil {
				return fmt.Errorf("plan segment %d: %w", i, err)
			}
			err = chunks(i, r, -1)
			if c, ok := r.(io.Closer); ok {
				c.Close() // stops an encoder left behind by an error
			}
			if err != nil {
				return err
			}
		default:
			r, err := s.Computed()
			if err != nil {
				return fmt.Errorf("plan segment %d: %w", i, err)
			}
			if err := chunks(i, r, s.Length); err != nil {
				return err
			}
		}
		progress(done, total)
	}
	for _, i := range patches {
		b, err := p.Segments[i].Final()
		if err != nil {
			return fmt.Errorf("plan segment %d (final header): %w", i, err)
		}
		if len(b) != len(p.Segments[i].Literal) {
			return fmt.Errorf("plan segment %d: final header is %d bytes, %d were reserved", i, len(b), len(p.Segments[i].Literal))
		}
		if err := out.Patch(i, b); err != nil {
			return err
		}
	}
	return nil
}

// throttle wraps a progress callback so that it is called at most about
// progressSteps times per job, never with a smaller done than before, and
// always with the final value. A nil f gives a no-op.
func throttle(f func(done, total int64)) func(done, total int64) {
	if f == nil {
		return func(int64, int64) {}
	}
	last := int64(-1)
	return func(done, total int64) {
		if done <= last {
			return
		}
		if step := total / progressSteps; last >= 0 && done < total && done-last < step {
			return
		}
		last = done
		f(done, total)
	}
}
