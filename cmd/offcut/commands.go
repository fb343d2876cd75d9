package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codec/id3"
	"offcut/audio/codec/wav"
	"offcut/audio/codecs"
	"offcut/audio/project"
	"offcut/audio/zipout"
)

// input is an opened input file.
type input struct {
	path string
	src  *audio.FileSource
	dec  audio.Decoder
}

func (in *input) info() audio.Info { return in.dec.Info() }

// openInput opens an input to edit: one that has no audio (no frames that
// decode) is refused with codec.ErrNoAudio.
func openInput(path string) (*input, error) {
	in, err := openAny(path)
	if err != nil {
		return nil, err
	}
	if in.info().Frames == 0 {
		in.src.Close()
		return nil, fmt.Errorf("%s: %w", path, codec.ErrNoAudio)
	}
	if err := decodable(in.dec); err != nil {
		in.src.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return in, nil
}

// decodable returns the codec.ErrUnsupported error of a file whose audio
// this build has no decoder for (AAC, which only the web app's browser
// decodes), so that the command names the input, not a segment of the
// output it was writing. It starts a decode of the first frame; other
// errors are left to the command, which may not need to decode at all.
func decodable(dec audio.Decoder) error {
	s, err := dec.Stream(0, 1)
	if err != nil {
		if errors.Is(err, codec.ErrUnsupported) {
			return err
		}
		return nil
	}
	if c, ok := s.(io.Closer); ok {
		c.Close()
	}
	return nil
}

// openAny opens an input to describe, with or without audio.
func openAny(path string) (*input, error) {
	src, err := audio.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	dec, err := codecs.Open(src)
	if err != nil {
		src.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &input{path: path, src: src, dec: dec}, nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func closeAll(ins []*input) {
	for _, in := range ins {
		in.src.Close()
	}
}

// outputFlags are the format flags every writing command accepts.
type outputFlags struct {
	out      string
	rate     int
	channels int
	bits     int
	float    bool
	tags     map[string]*string
	cover    string
	options  map[string]string
	force    bool
	to       string
	preset   string
}

// presetNames lists the presets' names.
func presetNames() string {
	var names []string
	for _, p := range codecs.Presets {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

// outputDesc is the output format: --format, else the preset's, else -o's
// extension.
func (o *outputFlags) outputDesc() (*codec.Desc, error) {
	name := o.to
	if name == "" && o.preset != "" {
		p := codecs.LookupPreset(o.preset)
		if p == nil {
			return nil, usagef("no preset %q (presets: %s)", o.preset, presetNames())
		}
		name = p.Format
	}
	if name != "" {
		d := codecs.Lookup(name)
		if d == nil || d.Write == nil {
			return nil, usagef("format %s: Offcut writes %s", name, strings.Join(codecs.WriterNames(), ", "))
		}
		return d, nil
	}
	ext := strings.ToLower(filepath.Ext(o.out))
	if ext == "" {
		return nil, usagef("output %s has no extension; use one of %s (offcut formats lists them), or --format NAME", o.out, writableExtensions())
	}
	desc := codecs.Lookup(ext)
	if desc == nil || desc.Write == nil {
		return nil, fmt.Errorf("%s: Offcut does not write .%s files; use one of %s", o.out, strings.TrimPrefix(ext, "."), writableExtensions())
	}
	return desc, nil
}

// writableExtensions lists the output extensions, from the registry.
func writableExtensions() string {
	var exts []string
	for _, d := range codecs.All {
		if d.Write != nil {
			exts = append(exts, "."+d.Extensions[0])
		}
	}
	return strings.Join(exts, ", ")
}

func addOutputFlags(fs *flag.FlagSet) *outputFlags {
	o := &outputFlags{}
	fs.StringVar(&o.out, "o", "", "output file (its extension picks the format: "+writableExtensions()+")")
	fs.StringVar(&o.out, "output", "", "same as -o")
	fs.IntVar(&o.rate, "rate", 0, "output sample rate in Hz (default: as the input)")
	fs.IntVar(&o.channels, "channels", 0, "output channel count (default: as the input)")
	fs.IntVar(&o.bits, "bits", 0, "output integer bit depth: 8, 16, 24 or 32 (default: as the input)")
	fs.BoolVar(&o.float, "float", false, "output 32-bit float samples")
	fs.StringVar(&o.cover, "cover", "", "set the front cover of the output from a JPEG or PNG file")
	fs.Func("option", "a setting of the output format, NAME=VALUE (offcut formats lists them; repeatable)", func(v string) error {
		name, value, ok := strings.Cut(v, "=")
		if !ok || name == "" {
			return fmt.Errorf("want NAME=VALUE, got %q", v)
		}
		if o.options == nil {
			o.options = map[string]string{}
		}
		o.options[name] = value
		return nil
	})
	fs.BoolVar(&o.force, "force", false, fmt.Sprintf("write an output over %d GiB (refused otherwise, as a likely mistake)", project.MaxOutputBytes>>30))
	fs.StringVar(&o.to, "format", "", "output format by name (offcut formats), instead of -o's extension")
	fs.StringVar(&o.preset, "preset", "", "ready-made output settings: "+presetNames()+" (flags given beside it win)")
	o.tags = map[string]*string{}
	for _, t := range []string{"title", "artist", "album", "year", "track"} {
		fs.Func(t, "set the "+t+" tag of the output (\"\" removes it)", func(v string) error {
			o.tags[t] = &v
			return nil
		})
	}
	return o
}

func (o *outputFlags) apply(d *project.Document) error {
	if o.out == "" {
		return usagef("no output file (-o OUT)")
	}
	desc, err := o.outputDesc()
	if err != nil {
		return err
	}
	d.Output.Container = desc.Name
	if p := codecs.LookupPreset(o.preset); p != nil {
		if p.Format != desc.Name {
			return usagef("--preset %s writes %s, the output is %s", p.Name, p.Format, desc.Name)
		}
		d.Output.SampleRate, d.Output.Channels, d.Output.SampleFormat = p.SampleRate, p.Channels, p.SampleFormat
		if len(p.Options) > 0 {
			d.Output.Options = map[string]string{}
			for k, v := range p.Options {
				d.Output.Options[k] = v
			}
		}
	}
	if (len(o.tags) > 0 || o.cover != "") && !desc.Write.Tags {
		return usagef("--title, --artist, --album, --year, --track and --cover are not written to %s files yet", desc.Label)
	}
	for k, v := range o.options {
		if d.Output.Options == nil {
			d.Output.Options = map[string]string{}
		}
		d.Output.Options[k] = v
	}
	if len(o.tags) > 0 {
		d.Output.Tags = &project.Tags{Title: o.tags["title"], Artist: o.tags["artist"], Album: o.tags["album"], Year: o.tags["year"], Track: o.tags["track"]}
	}
	if o.rate != 0 {
		d.Output.SampleRate = o.rate
	}
	if o.channels != 0 {
		d.Output.Channels = o.channels
	}
	switch {
	case o.float && o.bits != 0 && o.bits != 32 && o.bits != 64:
		return usagef("--float takes --bits 32 or 64, not %d", o.bits)
	case o.float && o.bits == 64:
		d.Output.SampleFormat = "f64"
	case o.float:
		d.Output.SampleFormat = "f32"
	case o.bits == 8:
		d.Output.SampleFormat = "u8"
	case o.bits == 16 || o.bits == 24 || o.bits == 32:
		d.Output.SampleFormat = "s" + strconv.Itoa(o.bits)
	case o.bits != 0:
		return usagef("--bits %d: want 8, 16, 24 or 32", o.bits)
	}
	return nil
}

// render plans doc over the inputs and writes it to o.out atomically.
// docPath, if set, is the edit document's file: errors about the document
// name it rather than the inputs.
func render(c *ctx, doc *project.Document, ins []*input, o *outputFlags, docPath string) error {
	path, cover := o.out, o.cover
	decs := make([]audio.Decoder, len(ins))
	srcs := make([]audio.Source, len(ins))
	for i, in := range ins {
		decs[i], srcs[i] = in.dec, in.src
	}
	opt := project.Options{Force: o.force}
	if cover != "" {
		b, err := readSmall(cover, "a cover image", MaxCoverBytes)
		if err != nil {
			return err
		}
		mime := (&project.Picture{Data: b}).Type()
		if mime == "" {
			return fmt.Errorf("%s: a cover must be a JPEG or PNG image, this is %s", cover, http.DetectContentType(b))
		}
		opt.Cover = &project.Cover{MIME: mime, Data: b}
	}
	// A long encoded output is encoded in segments on every core.
	res, parts, cleanup, err := renderSegmented(doc, ins, decs, opt, path)
	defer cleanup()
	if err != nil {
		return err
	}
	if res != nil {
		srcs = parts
	} else {
		res, err = project.Render(doc, decs, opt)
	}
	if errors.Is(err, project.ErrTooLarge) {
		return fmt.Errorf("%s: %w; add --force to write it anyway", path, err)
	}
	if err != nil {
		if docPath != "" {
			return fmt.Errorf("%s: %w", docPath, err)
		}
		// Name the input the error is about when the document has several.
		name := ins[0].path
		if len(ins) > 1 {
			var names []string
			for _, in := range ins {
				names = append(names, in.path)
			}
			name = strings.Join(names, " + ")
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := writeAtomic(path, func(f *os.File) error {
		_, err := res.Plan.WriteTo(f, srcs, nil)
		return err
	}); err != nil {
		return err
	}
	for _, n := range res.Notes {
		fmt.Fprintf(c.stderr, "offcut: note: %s: %s\n", path, n)
	}
	if n := res.GainLimited(); n > 0 {
		fmt.Fprintf(c.stderr, "offcut: warning: %s: %d MP3 granules could not take the whole gain (global_gain is at its limit there)\n", path, n)
	}
	if n := res.NonFinite(); n > 0 {
		fmt.Fprintf(c.stderr, "offcut: warning: %s: %d samples were NaN or infinite and were written as silence\n", path, n)
	}
	if n := res.Clipped(); n > 0 {
		fmt.Fprintf(c.stderr, "offcut: warning: %s: %d samples were beyond full scale and clipped; lower the gain or use offcut gain --normalize -1\n", path, n)
	}
	return nil
}

// writeAtomic writes a temporary file beside path and renames it into place,
// so a failed or interrupted write never leaves a half file.
func writeAtomic(path string, write func(*os.File) error) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".offcut-*.tmp")
	if err != nil {
		return fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	temps.add(f.Name())
	defer temps.remove(f.Name())
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	// CreateTemp makes the file 0600; give it the mode a new file gets
	// (0666 less the umask, as sox and cp do), and make it durable before
	// it replaces anything.
	if err := f.Chmod(os.FileMode(0o666 &^ umask())); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	return nil
}

func oneInput(pos []string) (*input, error) {
	if len(pos) != 1 {
		return nil, usagef("want exactly one input file, got %d", len(pos))
	}
	return openInput(pos[0])
}

func runInfo(c *ctx, args []string) error {
	fs := newFlags(c, "info")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want exactly one input file, got %d", len(pos))
	}
	in, err := openAny(pos[0])
	if err != nil {
		return err
	}
	defer in.src.Close()
	info := in.info()
	if *asJSON {
		out := struct {
			File     string  `json:"file"`
			Size     int64   `json:"size"`
			Duration float64 `json:"duration"`
			audio.Info
			Chunks   []wav.Chunk   `json:"chunks,omitempty"`
			ID3      string        `json:"id3,omitempty"`
			Chapters []id3.Chapter `json:"chapters,omitempty"`
			NoAudio  bool          `json:"noAudio,omitempty"`
		}{File: in.path, Size: in.src.Size(), Duration: audio.Duration(info.Frames, info.Format.Rate), Info: info, NoAudio: info.Frames == 0}
		if w, ok := in.dec.(*wav.File); ok {
			out.Chunks = w.Chunks()
		}
		if tag, err := id3.ReadV2(in.src, 0, in.src.Size()); err == nil {
			out.ID3 = fmt.Sprintf("2.%d", tag.Version)
			out.Chapters = tag.Chapters()
		}
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	// Everything that comes from the file (tags, and warnings that quote
	// it) is escaped: a tag can hold terminal escape sequences.
	fmt.Fprintf(c.stdout, "%s: %s %s, %s, %s (%d frames)\n", escapeText(in.path), info.Container, info.Codec,
		info.Format, audio.FormatTime(info.Frames, info.Format.Rate), info.Frames)
	if info.Frames == 0 {
		fmt.Fprintf(c.stdout, "  %s: %v\n", escapeText(in.path), codec.ErrNoAudio)
	}
	keys := make([]string, 0, len(info.Tags))
	for k := range info.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(c.stdout, "  %s: %s\n", escapeText(k), escapeText(info.Tags[k]))
	}
	for _, w := range info.Warnings {
		fmt.Fprintf(c.stdout, "  warning: %s\n", escapeText(w))
	}
	return nil
}

// timeFlag parses a time flag against the input's rate; "" gives def.
func timeFlag(name, v string, rate int, def int64) (int64, error) {
	if v == "" {
		return def, nil
	}
	n, err := parseTime(v, rate)
	if err != nil {
		return 0, usagef("--%s: %v", name, err)
	}
	return n, nil
}

func runCut(c *ctx, args []string) error {
	fs := newFlags(c, "cut")
	from := fs.String("from", "", "start of the range (default: the start)")
	to := fs.String("to", "", "end of the range (default: the end)")
	remove := fs.Bool("remove", false, "delete the range and keep the rest")
	o := addOutputFlags(fs)
	pos, err := parse(c, fs, args)
	if err != nil {
		return err
	}
	if *from == "" && *to == "" {
		return usagef("give --from and/or --to")
	}
	in, err := oneInput(pos)
	if err != nil {
		return err
	}
	defer in.src.Close()
	info := in.info()
	a, err := timeFlag("from", *from, info.Format.Rate, 0)
	if err != nil {
		return err
	}
	b, err := timeFlag("to", *to, info.Format.Rate, info.Frames)
	if err != nil {
		return err
	}
	if b > info.Frames {
		return fmt.Errorf("%s: --to %s is past the end (%s, %d frames)", in.path, *to, audio.FormatTime(info.Frames, info.Format.Rate), info.Frames)
	}
	if a >= b {
		return fmt.Errorf("%s: the range %d..%d frames is empty (--from must be before --to)", in.path, a, b)
	}
	var doc *project.Document
	if *remove {
		if doc, err = project.Remove(info.Frames, a, b); err != nil {
			return fmt.Errorf("%s: %w", in.path, err)
		}
	} else {
		doc = project.Keep(a, b)
	}
	if err := o.apply(doc); err != nil {
		return err
	}
	return render(c, doc, []*input{in}, o, "")
}

func runSplit(c *ctx, args []string) error {
	fs := newFlags(c, "split")
	at := fs.String("at", "", "comma-separated split points")
	o := addOutputFlags(fs)
	pos, err := parse(c, fs, args)
	if err != nil {
		return err
	}
	if *at == "" {
		return usagef("give --at T[,T...]")
	}
	if o.out == "" || !strings.Contains(o.out, "%") {
		return usagef("-o needs a pattern with a number verb, like part-%%02d.wav")
	}
	in, err := oneInput(pos)
	if err != nil {
		return err
	}
	defer in.src.Close()
	info := in.info()
	var points []int64
	for _, t := range strings.Split(*at, ",") {
		p, err := timeFlag("at", t, info.Format.Rate, 0)
		if err != nil {
			return err
		}
		points = append(points, p)
	}
	docs, err := project.Split(info.Frames, points)
	if err != nil {
		return fmt.Errorf("%s: %w", in.path, err)
	}
	pattern := o.out
	for i, d := range docs {
		name := fmt.Sprintf(pattern, i+1)
		if strings.Contains(name, "%!") {
			return usagef("-o pattern %q is not a valid number pattern", pattern)
		}
		o.out = name
		if err := o.apply(d); err != nil {
			return err
		}
		if err := render(c, d, []*input{in}, o, ""); err != nil {
			return err
		}
		fmt.Fprintln(c.stdout, name)
	}
	return nil
}

func runJoin(c *ctx, args []string) error {
	fs := newFlags(c, "join")
	gap := fs.String("gap", "", "silence between files")
	xf := fs.String("crossfade", "", "overlap each junction by this long")
	curve := fs.String("curve", string(project.EqualPower), "crossfade curve: linear, equal-power, logarithmic, s-curve")
	o := addOutputFlags(fs)
	pos, err := parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return usagef("join needs at least two input files, got %d", len(pos))
	}
	if *gap != "" && *xf != "" {
		return usagef("give --gap or --crossfade, not both")
	}
	if err := project.Curve(*curve).Validate(); err != nil {
		return usagef("--curve: %v", err)
	}
	var ins []*input
	defer func() { closeAll(ins) }()
	frames := make([]int64, len(pos))
	for i, p := range pos {
		in, err := openInput(p)
		if err != nil {
			return err
		}
		ins = append(ins, in)
		frames[i] = in.info().Frames
	}
	// Times count at the output's rate, as the engine lays the join out
	// (the flags' or preset's, else the best of the inputs', at a rate the
	// output format writes).
	plain := project.JoinAll(frames, project.Join{Type: project.JoinNone})
	if err := o.apply(plain); err != nil {
		return err
	}
	decs := make([]audio.Decoder, len(ins))
	for i, in := range ins {
		decs[i] = in.dec
	}
	f, err := project.OutputFormat(plain, decs)
	if err != nil {
		return err
	}
	rate := f.Rate
	j := project.Join{Type: project.JoinNone}
	if *gap != "" {
		n, err := timeFlag("gap", *gap, rate, 0)
		if err != nil {
			return err
		}
		j = project.Join{Type: project.JoinGap, Length: n}
	}
	if *xf != "" {
		n, err := timeFlag("crossfade", *xf, rate, 0)
		if err != nil {
			return err
		}
		j = project.Join{Type: project.JoinCrossfade, Length: n, Curve: project.Curve(*curve)}
	}
	doc := project.JoinAll(frames, j)
	if err := o.apply(doc); err != nil {
		return err
	}
	return render(c, doc, ins, o, "")
}

func runFade(c *ctx, args []string) error {
	fs := newFlags(c, "fade")
	fin := fs.String("in", "", "fade-in length")
	fout := fs.String("out", "", "fade-out length")
	curve := fs.String("curve", string(project.EqualPower), "curve: linear, equal-power, logarithmic, s-curve")
	o := addOutputFlags(fs)
	pos, err := parse(c, fs, args)
	if err != nil {
		return err
	}
	if *fin == "" && *fout == "" {
		return usagef("give --in and/or --out")
	}
	if err := project.Curve(*curve).Validate(); err != nil {
		return usagef("--curve: %v", err)
	}
	in, err := oneInput(pos)
	if err != nil {
		return err
	}
	defer in.src.Close()
	info := in.info()
	rate := info.Format.Rate
	if o.rate != 0 {
		rate = o.rate
	}
	a, err := timeFlag("in", *fin, rate, 0)
	if err != nil {
		return err
	}
	b, err := timeFlag("out", *fout, rate, 0)
	if err != nil {
		return err
	}
	doc := project.Fades(info.Frames, a, b, project.Curve(*curve))
	if err := o.apply(doc); err != nil {
		return err
	}
	return render(c, doc, []*input{in}, o, "")
}

func runGain(c *ctx, args []string) error {
	fs := newFlags(c, "gain")
	db := fs.String("db", "", "gain in dB (negative to attenuate)")
	norm := fs.String("normalize", "", "scale so the peak is at this level in dBFS (e.g. -1)")
	o := addOutputFlags(fs)
	pos, err := parse(c, fs, args)
	if err != nil {
		return err
	}
	if (*db == "") == (*norm == "") {
		return usagef("give exactly one of --db and --normalize")
	}
	in, err := oneInput(pos)
	if err != nil {
		return err
	}
	defer in.src.Close()
	doc := project.Keep(0, in.info().Frames)
	if *db != "" {
		v, err := strconv.ParseFloat(*db, 64)
		if err != nil {
			return usagef("--db %q is not a number", *db)
		}
		doc.Clips[0].Gain = v
	} else {
		v, err := strconv.ParseFloat(*norm, 64)
		if err != nil {
			return usagef("--normalize %q is not a number", *norm)
		}
		doc.Output.Normalize = &v
	}
	if err := o.apply(doc); err != nil {
		return err
	}
	return render(c, doc, []*input{in}, o, "")
}

func runConvert(c *ctx, args []string) error {
	fs := newFlags(c, "convert")
	o := addOutputFlags(fs)
	pos, err := parse(c, fs, args)
	if err != nil {
		return err
	}
	if st, err := os.Stat(o.out); len(pos) > 1 || err == nil && st.IsDir() || strings.EqualFold(filepath.Ext(o.out), ".zip") {
		return convertBatch(c, pos, o)
	}
	in, err := oneInput(pos)
	if err != nil {
		return err
	}
	defer in.src.Close()
	doc := project.Keep(0, in.info().Frames)
	if err := o.apply(doc); err != nil {
		return err
	}
	return render(c, doc, []*input{in}, o, "")
}

func runPeaks(c *ctx, args []string) error {
	fs := newFlags(c, "peaks")
	buckets := fs.Int("buckets", 0, "number of buckets")
	from := fs.String("from", "", "start (default: the start)")
	to := fs.String("to", "", "end (default: the end)")
	fs.Bool("json", true, "print JSON (the only output form)")
	pos, err := parse(c, fs, args)
	if err != nil {
		return err
	}
	if *buckets < 1 || *buckets > audio.MaxBuckets {
		return usagef("--buckets must be 1 to %d", audio.MaxBuckets)
	}
	in, err := oneInput(pos)
	if err != nil {
		return err
	}
	defer in.src.Close()
	info := in.info()
	a, err := timeFlag("from", *from, info.Format.Rate, 0)
	if err != nil {
		return err
	}
	b, err := timeFlag("to", *to, info.Format.Rate, info.Frames)
	if err != nil {
		return err
	}
	if b > info.Frames || a >= b {
		return fmt.Errorf("%s: range %d..%d frames is outside the file's 0..%d", in.path, a, b, info.Frames)
	}
	s, err := in.dec.Stream(a, b)
	if err != nil {
		return fmt.Errorf("%s: %w", in.path, err)
	}
	peaks, st, err := audio.PeaksStats(s, *buckets, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", in.path, err)
	}
	if st.NonFinite > 0 {
		fmt.Fprintf(c.stderr, "offcut: warning: %s: %d samples are NaN or infinite; the peaks leave them out\n", in.path, st.NonFinite)
	}
	pairs := make([][2]float32, len(peaks))
	for i, p := range peaks {
		pairs[i] = [2]float32{p.Min, p.Max}
	}
	return json.NewEncoder(c.stdout).Encode(struct {
		File       string       `json:"file"`
		SampleRate int          `json:"sampleRate"`
		From       int64        `json:"from"`
		To         int64        `json:"to"`
		Peaks      [][2]float32 `json:"peaks"`
	}{in.path, info.Format.Rate, a, b, pairs})
}

func runRender(c *ctx, args []string) error {
	fs := newFlags(c, "render")
	anyPath := fs.Bool("allow-any-path", false, "let the document name sources by absolute paths or through .. (refused by default, as ffmpeg's concat demuxer does)")
	o := addOutputFlags(fs)
	pos, err := parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one project file, got %d", len(pos))
	}
	data, err := readSmall(pos[0], "document", project.MaxDocumentBytes)
	if err != nil {
		return err
	}
	doc, err := project.Parse(data)
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	if len(doc.Sources) == 0 {
		return fmt.Errorf("%s: the project names no sources (\"sources\": [{\"name\": \"in.wav\"}])", pos[0])
	}
	var ins []*input
	defer func() { closeAll(ins) }()
	base := filepath.Dir(pos[0])
	for i, s := range doc.Sources {
		if !*anyPath {
			if err := safeSourcePath(s.Name); err != nil {
				return fmt.Errorf("%s: sources[%d] %q %v; a document may name files beside it or below it (--allow-any-path lifts this)", pos[0], i, s.Name, err)
			}
		}
		p := s.Name
		if !filepath.IsAbs(p) {
			p = filepath.Join(base, p)
		}
		in, err := openInput(p)
		if err != nil {
			return err
		}
		if s.Size != 0 && s.Size != in.src.Size() {
			in.src.Close()
			return fmt.Errorf("%s: sources[%d] %s is %d bytes, the project expects %d", pos[0], i, p, in.src.Size(), s.Size)
		}
		ins = append(ins, in)
	}
	if err := o.apply(doc); err != nil {
		return err
	}
	return render(c, doc, ins, o, pos[0])
}

// runFormats lists the formats Offcut reads and writes, from the registry.
func runFormats(c *ctx, args []string) error {
	fs := newFlags(c, "formats")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("formats takes no files")
	}
	list := codecs.List()
	if *asJSON {
		b, err := json.MarshalIndent(list, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "%s\n", b)
		return nil
	}
	for _, f := range list {
		rw := "read"
		switch {
		case f.Reads && f.Writes:
			rw = "read, write"
		case f.Writes:
			rw = "write"
		}
		fmt.Fprintf(c.stdout, "%-7s %-16s %-12s .%s\n", f.Name, f.Label, rw, strings.Join(f.Extensions, " ."))
		if len(f.SampleFormats) > 0 {
			fmt.Fprintf(c.stdout, "        samples: %s\n", strings.Join(f.SampleFormats, ", "))
		}
		if len(f.Rates) > 0 {
			rates := make([]string, len(f.Rates))
			for i, r := range f.Rates {
				rates[i] = strconv.Itoa(r)
			}
			fmt.Fprintf(c.stdout, "        rates: %s Hz; at most %d channels\n", strings.Join(rates, ", "), f.MaxChannels)
		}
		if f.MaxSeconds > 0 {
			fmt.Fprintf(c.stdout, "        at most %d seconds long\n", f.MaxSeconds)
		}
		for _, o := range f.Options {
			fmt.Fprintf(c.stdout, "        --option %s=VALUE  %s: %s (default %s)\n", o.Name, o.Label, strings.Join(o.Values, ", "), o.Default)
		}
	}
	fmt.Fprintf(c.stdout, "\npresets (--preset NAME):\n")
	for _, p := range codecs.Presets {
		fmt.Fprintf(c.stdout, "  %-8s %s\n", p.Name, p.Label)
	}
	return nil
}

// convertBatch converts every input into the directory -o names (made if
// missing), as NAME.EXT in the output format: the files are done one at a
// time, a failure is reported and the others go on.
func convertBatch(c *ctx, paths []string, o *outputFlags) error {
	if len(paths) == 0 {
		return usagef("no input files")
	}
	if o.out == "" {
		return usagef("no output directory (-o DIR)")
	}
	if o.cover != "" || len(o.tags) > 0 {
		return usagef("tags and covers are set per file; convert the files one by one to set them")
	}
	desc, err := o.outputDesc()
	if err != nil {
		if o.to == "" && o.preset == "" {
			return usagef("converting several files: name the output format with --format NAME or --preset NAME")
		}
		return err
	}
	if strings.EqualFold(filepath.Ext(o.out), ".zip") {
		return convertZip(c, paths, desc.Extensions[0], o)
	}
	dir := o.out
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return fmt.Errorf("%s: %w", dir, unwrapPathError(err))
	}
	seen := map[string]string{}
	var failed int
	for _, p := range paths {
		base := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
		out := filepath.Join(dir, base+"."+desc.Extensions[0])
		if prev, ok := seen[out]; ok {
			fmt.Fprintf(c.stderr, "offcut: %s: skipped: %s would be written from %s too\n", p, out, prev)
			failed++
			continue
		}
		seen[out] = p
		if a, b := absPath(p), absPath(out); a == b {
			fmt.Fprintf(c.stderr, "offcut: %s: skipped: the output would replace the input\n", p)
			failed++
			continue
		}
		if err := convertOne(c, p, out, o); err != nil {
			fmt.Fprintf(c.stderr, "offcut: %s\n", err)
			failed++
			continue
		}
		fmt.Fprintf(c.stdout, "%s -> %s\n", p, out)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files could not be converted", failed, len(paths))
	}
	return nil
}

// convertZip converts every input and stores the results in the ZIP
// archive o.out (uncompressed, names made safe and unique, as the app's
// Convert tab writes them). Each file is converted into a temporary folder
// beside the archive first; a failure is reported and the others go on.
func convertZip(c *ctx, paths []string, ext string, o *outputFlags) error {
	tmp, err := os.MkdirTemp(filepath.Dir(absPath(o.out)), ".offcut-zip-")
	if err != nil {
		return fmt.Errorf("%s: %w", o.out, unwrapPathError(err))
	}
	defer os.RemoveAll(tmp)
	part := filepath.Join(tmp, "archive.zip")
	f, err := os.Create(part)
	if err != nil {
		return fmt.Errorf("%s: %w", o.out, unwrapPathError(err))
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	z := zipout.NewWriter(bw)
	var failed, stored int
	for i, p := range paths {
		base := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
		out := filepath.Join(tmp, fmt.Sprintf("%d.%s", i, ext))
		if err := convertOne(c, p, out, o); err != nil {
			fmt.Fprintf(c.stderr, "offcut: %s\n", err)
			failed++
			continue
		}
		name, err := storeFile(z, out, base+"."+ext)
		if err != nil {
			return fmt.Errorf("%s: %w", o.out, err)
		}
		os.Remove(out)
		stored++
		fmt.Fprintf(c.stdout, "%s -> %s:%s\n", p, o.out, name)
	}
	if stored == 0 {
		return fmt.Errorf("none of the %d files could be converted; %s was not written", len(paths), o.out)
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("%s: %w", o.out, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("%s: %w", o.out, unwrapPathError(err))
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("%s: %w", o.out, unwrapPathError(err))
	}
	if err := os.Rename(part, o.out); err != nil {
		return fmt.Errorf("%s: %w", o.out, unwrapPathError(err))
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files could not be converted", failed, len(paths))
	}
	return nil
}

// storeFile adds the file at path to z as name, dated now.
func storeFile(z *zipout.Writer, path, name string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	return z.Add(zipout.Entry{Name: name, Modified: time.Now(), Data: f, Size: st.Size()})
}

// convertOne converts one file of a batch.
func convertOne(c *ctx, path, out string, o *outputFlags) error {
	in, err := openInput(path)
	if err != nil {
		return err
	}
	defer in.src.Close()
	one := *o
	one.out = out
	doc := project.Keep(0, in.info().Frames)
	if err := one.apply(doc); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return render(c, doc, []*input{in}, &one, "")
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
