//go:build js && wasm

package main

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"runtime"
	"runtime/debug"
	"syscall/js"
	"time"

	"offcut/audio/codecs"
	"offcut/audio/project"
)

var (
	jsObject     = js.Global().Get("Object")
	jsError      = js.Global().Get("Error")
	jsUint8Array = js.Global().Get("Uint8Array")
	jsFloat32    = js.Global().Get("Float32Array")
	jsPromise    = js.Global().Get("Promise")
)

func main() {
	api := jsObject.New()
	api.Set("probe", handler("probe", probeJS))
	api.Set("peaks", handler("peaks", peaksJS))
	api.Set("plan", handler("plan", planJS))
	api.Set("render", handler("render", renderJS))
	api.Set("renderSegment", handler("renderSegment", renderSegmentJS))
	api.Set("joinSegments", handler("joinSegments", joinSegmentsJS))
	api.Set("stats", handler("stats", statsJS))
	api.Set("formats", handler("formats", formatsJS))
	api.Set("presets", handler("presets", presetsJS))
	api.Set("lengths", handler("lengths", lengthsJS))
	api.Set("curves", handler("curves", curvesJS))
	api.Set("zip", handler("zip", zipJS))
	api.Set("names", handler("names", namesJS))
	api.Set("silence", handler("silence", silenceJS))
	installAAC()
	installCrypt(api)
	installCloud(api)
	js.Global().Set("offcutEngine", api)
	select {} // serve calls until the worker is terminated
}

// handler wraps f as a JavaScript function that returns a Promise of f's
// result, rejected with an Error when f fails; a panic becomes an Error
// naming the operation.
//
// f runs in a goroutine of its own, not inside the JavaScript call: a Go
// call still running inside a js.FuncOf callback cannot wait for a
// JavaScript Promise (the event loop that would settle it is blocked
// behind the call), while a goroutine blocked on a channel hands control
// back to the worker's event loop. That is what lets a job wait for the
// browser's asynchronous WebCodecs AAC decoder (see await and
// installAAC).
func handler(op string, f func(args []js.Value) (any, error)) js.Func {
	return js.FuncOf(func(_ js.Value, args []js.Value) any {
		var resolve, reject js.Value
		executor := js.FuncOf(func(_ js.Value, a []js.Value) any {
			resolve, reject = a[0], a[1]
			return nil
		})
		p := jsPromise.New(executor)
		executor.Release()
		go func() {
			v, err, panicked := runJob(op, f, args)
			dropReadAhead()
			switch {
			case panicked:
				reject.Invoke(jsError.New(err.Error()))
			case err != nil:
				e := explain(err)
				je := jsError.New(e.Message)
				je.Set("code", e.Code)
				je.Set("detail", e.Detail)
				if e.MaxSeconds > 0 {
					je.Set("maxSeconds", e.MaxSeconds)
				}
				reject.Invoke(je)
			default:
				resolve.Invoke(v)
			}
		}()
		return p
	})
}

// runJob calls f, turning a panic into an error (panicked true).
func runJob(op string, f func(args []js.Value) (any, error), args []js.Value) (v any, err error, panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			println("offcut:", op, "panicked:", fmt.Sprint(r), "\n", string(debug.Stack()))
			v, err, panicked = nil, fmt.Errorf("%s failed: internal error: %v", op, r), true
		}
	}()
	v, err = f(args)
	return v, err, false
}

// rejection is a rejected Promise's reason as a Go error.
type rejection struct {
	msg string
	v   js.Value // the reason (usually an Error)
}

func (r *rejection) Error() string { return r.msg }

// await waits for a JavaScript Promise and returns its value, or its
// rejection as an error. It must be called from a goroutine that is not
// inside a js.FuncOf callback (every job runs in one; see handler).
func await(p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	then := js.FuncOf(func(_ js.Value, a []js.Value) any {
		ch <- result{v: arg(a, 0)}
		return nil
	})
	defer then.Release()
	catch := js.FuncOf(func(_ js.Value, a []js.Value) any {
		e := arg(a, 0)
		msg := "the promise was rejected"
		if e.Type() == js.TypeObject && e.Get("message").Type() == js.TypeString {
			msg = e.Get("message").String()
		} else if e.Type() != js.TypeUndefined {
			msg = e.Call("toString").String()
		}
		ch <- result{err: &rejection{msg: msg, v: e}}
		return nil
	})
	defer catch.Release()
	p.Call("then", then, catch)
	r := <-ch
	return r.v, r.err
}

// arg returns args[i], or undefined when it is missing.
func arg(args []js.Value, i int) js.Value {
	if i < len(args) {
		return args[i]
	}
	return js.Undefined()
}

func toJSON(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// blobSource is a Blob read by range through the worker's read function.
type blobSource struct {
	blob, read js.Value
	size       int64
	name       string
	key        string // the file's identity across calls (input.key)
	ahead      *ahead // read-ahead blocks (readahead_js.go)
	ends       ends   // the file's first and last bytes (readahead_js.go)
	aheadMax   int    // the largest block read ahead, if not aheadMax
}

func newInput(blob, read js.Value, i int) (input, error) {
	if in, ok, err := cloudInput(blob, read, i); ok {
		return in, err
	}
	if blob.Type() != js.TypeObject || blob.Get("size").Type() != js.TypeNumber {
		return input{}, fmt.Errorf("input %d is not a File or Blob", i)
	}
	if read.Type() != js.TypeFunction {
		return input{}, fmt.Errorf("no read function for input %d", i)
	}
	name := fmt.Sprintf("input %d", i)
	if n := blob.Get("name"); n.Type() == js.TypeString && n.String() != "" {
		name = n.String()
	}
	src := &blobSource{blob: blob, read: read, size: int64(blob.Get("size").Float()), name: name}
	in := input{src: src, name: name}
	// A File (not a bare Blob) is recognised across calls by its name,
	// size and modification time plus a hash of its first and last bytes
	// (a File arrives in the worker as a new object each call), so the
	// file opened once is reused.
	if lm := blob.Get("lastModified"); lm.Type() == js.TypeNumber && blob.Get("name").Type() == js.TypeString {
		in.key = fileKey(fmt.Sprintf("%q %d %d", name, src.size, int64(lm.Float())), src)
		src.key = in.key
	}
	return in, nil
}

func inputs(files, read js.Value) ([]input, error) {
	if files.Type() != js.TypeObject || files.Get("length").Type() != js.TypeNumber {
		return nil, fmt.Errorf("files must be an array of File or Blob objects")
	}
	ins := make([]input, files.Length())
	for i := range ins {
		var err error
		if ins[i], err = newInput(files.Index(i), read, i); err != nil {
			return nil, err
		}
	}
	return ins, nil
}

// Size implements audio.Source.
func (s *blobSource) Size() int64 { return s.size }

// ReadAt implements io.ReaderAt: one synchronous read of bytes
// [off, off+len(p)) of the Blob, copied into p.
func (s *blobSource) ReadAt(p []byte, off int64) (n int, err error) {
	if off < 0 {
		return 0, fmt.Errorf("%s: read at negative offset %d", s.name, off)
	}
	if off >= s.size {
		return 0, io.EOF
	}
	want := int(min(int64(len(p)), s.size-off))
	short := func(n int) (int, error) {
		if n < len(p) {
			return n, io.EOF
		}
		return n, nil
	}
	defer func() {
		if r := recover(); r != nil {
			jerr, ok := r.(js.Error)
			if !ok {
				panic(r)
			}
			s.ahead = nil
			n, err = 0, fmt.Errorf("%s: reading bytes %d..%d: %s", s.name, off, off+int64(want), jerr.Error())
		}
	}()
	if s.prefetched(p[:want], off) {
		return short(want)
	}
	if ok, err := s.readAhead(p[:want], off); ok {
		if err != nil {
			return 0, err
		}
		return short(want)
	}
	defer counted(1, int64(want), time.Now())
	u8 := s.read.Invoke(s.blob, off, off+int64(want))
	if u8.Type() == js.TypeObject && u8.Get("then").Type() == js.TypeFunction {
		// An asynchronous read (Blob.arrayBuffer): the job's goroutine waits
		// and the worker's event loop runs, so the buffers of earlier reads
		// can be collected as the job goes on.
		v, err := await(u8)
		if err != nil {
			return 0, fmt.Errorf("%s: reading bytes %d..%d: %s", s.name, off, off+int64(want), err)
		}
		u8 = v
	}
	if !u8.InstanceOf(jsUint8Array) {
		return 0, fmt.Errorf("%s: reading bytes %d..%d gave no data", s.name, off, off+int64(want))
	}
	n = js.CopyBytesToGo(p[:want], u8)
	if n < want {
		return n, fmt.Errorf("%s: reading bytes %d..%d gave %d bytes; was the file changed? %w", s.name, off, off+int64(want), n, io.ErrUnexpectedEOF)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// bytesToJS returns a fresh Uint8Array holding a copy of b.
func bytesToJS(b []byte) js.Value {
	u := jsUint8Array.New(len(b))
	js.CopyBytesToJS(u, b)
	return u
}

func floatsToJS(f []float32) js.Value {
	b := make([]byte, 4*len(f))
	for i, v := range f {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return jsFloat32.New(bytesToJS(b).Get("buffer"))
}

func progressFunc(f js.Value) func(done, total int64) {
	if f.Type() != js.TypeFunction {
		return nil
	}
	return func(done, total int64) { f.Invoke(done, total) }
}

func intArg(v js.Value, def int64) int64 {
	if v.Type() != js.TypeNumber {
		return def
	}
	f := v.Float()
	// NaN, infinities and values past int64 have no integer value: they
	// get the default, and the engine's range checks say what was wrong.
	if math.IsNaN(f) || f >= 1<<63 || f < -(1<<63) {
		return def
	}
	return int64(f)
}

// probe(file, read)
func probeJS(args []js.Value) (any, error) {
	in, err := newInput(arg(args, 0), arg(args, 1), 0)
	if err != nil {
		return nil, err
	}
	info, err := probe(in)
	if err != nil {
		return nil, err
	}
	return toJSON(info)
}

// peaks(file, read, buckets, from, to, onProgress, sampled)
func peaksJS(args []js.Value) (any, error) {
	in, err := newInput(arg(args, 0), arg(args, 1), 0)
	if err != nil {
		return nil, err
	}
	buckets := intArg(arg(args, 2), 2000)
	if buckets < 1 || buckets > math.MaxInt32 {
		return nil, fmt.Errorf("%d waveform buckets is out of range", buckets)
	}
	sampled := arg(args, 6).Type() == js.TypeBoolean && arg(args, 6).Bool()
	r, err := peaksOf(in, int(buckets), intArg(arg(args, 3), 0), intArg(arg(args, 4), -1), sampled, progressFunc(arg(args, 5)))
	if err != nil {
		return nil, err
	}
	o := jsObject.New()
	o.Set("from", r.From)
	o.Set("to", r.To)
	o.Set("sampled", r.Sampled)
	o.Set("min", floatsToJS(r.Min))
	o.Set("max", floatsToJS(r.Max))
	return o, nil
}

// docInputs reads the arguments most ops begin with: (projectJSON,
// files, read).
func docInputs(args []js.Value) ([]byte, []input, error) {
	doc, err := docArg(arg(args, 0))
	if err != nil {
		return nil, nil, err
	}
	ins, err := inputs(arg(args, 1), arg(args, 2))
	if err != nil {
		return nil, nil, err
	}
	return doc, ins, nil
}

func docArg(v js.Value) ([]byte, error) {
	if v.Type() != js.TypeString {
		return nil, fmt.Errorf("the project must be a JSON string")
	}
	return []byte(v.String()), nil
}

// plan(projectJSON, files, read)
func planJS(args []js.Value) (any, error) {
	doc, ins, err := docInputs(args)
	if err != nil {
		return nil, err
	}
	s, err := planDoc(doc, ins)
	if err != nil {
		return nil, err
	}
	return toJSON(s)
}

// jsSink hands a render's pieces to the worker's emit function. When emit
// returns a Promise (a stream to a consumer that is behind), the render
// waits for it; a rejected Promise (the consumer stopped) ends the render
// with that error.
type jsSink struct {
	emit js.Value
	ins  []input // cloud inputs' ranges go out as bytes (cloud_js.go)
}

func (s jsSink) call(args ...any) error {
	v := s.emit.Invoke(args...)
	if v.Type() == js.TypeObject && v.Get("then").Type() == js.TypeFunction {
		if _, err := await(v); err != nil {
			return fmt.Errorf("%w: the consumer stopped: %s", project.ErrCanceled, err)
		}
	}
	return nil
}

func (s jsSink) Bytes(b []byte) error { return s.call("bytes", bytesToJS(b)) }
func (s jsSink) Chunk(b []byte) error { return s.call("chunk", bytesToJS(b)) }
func (s jsSink) Patchable(id int, b []byte) error {
	return s.call("patchable", id, bytesToJS(b))
}
func (s jsSink) Patch(id int, b []byte) error { return s.call("patch", id, bytesToJS(b)) }
func (s jsSink) Range(src int, off, n int64) error {
	if src >= 0 && src < len(s.ins) {
		if p, ok := s.ins[src].src.(*plainSource); ok {
			return cloudRange(s, p, off, n)
		}
	}
	return s.call("range", src, off, n)
}

// render(projectJSON, files, read, emit[, split]) renders the document
// into emit and returns its summary. With split ({decoded: bool}) an
// output made in segments is not rendered: it returns {"split":
// segmentPlan} instead (renderOrSplit).
func renderJS(args []js.Value) (any, error) {
	doc, ins, err := docInputs(args)
	if err != nil {
		return nil, err
	}
	emit := arg(args, 3)
	if emit.Type() != js.TypeFunction {
		return nil, fmt.Errorf("render needs an emit function")
	}
	progress := func(done, total int64) { emit.Invoke("progress", done, total) }
	var res *project.Result
	if split := arg(args, 4); split.Type() == js.TypeObject {
		// The page encodes a segmented output on several workers: say
		// where it splits ({"split": ...}), or else render.
		var sp *segmentPlan
		res, sp, err = renderOrSplit(doc, ins, split.Get("decoded").Truthy(), jsSink{emit, ins}, progress)
		if err == nil && sp != nil {
			return toJSON(map[string]any{"split": sp})
		}
	} else {
		res, err = render(doc, ins, jsSink{emit, ins}, progress)
	}
	if err != nil {
		return nil, err
	}
	return toJSON(summarize(res))
}

// stats() reports the Go runtime's memory, for tests and diagnostics.
func statsJS([]js.Value) (any, error) {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return toJSON(map[string]uint64{
		"heapAlloc":  m.HeapAlloc,
		"heapSys":    m.HeapSys,
		"sys":        m.Sys,
		"totalAlloc": m.TotalAlloc,
		// The Blob reads so far (readahead_js.go).
		"reads":      uint64(readStats.reads.Load()),
		"readBytes":  uint64(readStats.bytes.Load()),
		"readWaitMs": uint64(readStats.waitNs.Load() / 1e6),
	})
}

// formats() lists the formats the engine reads and writes (the registry).
func formatsJS([]js.Value) (any, error) { return toJSON(codecs.List()) }

// presets() lists the ready-made output settings.
func presetsJS([]js.Value) (any, error) { return toJSON(codecs.Presets) }

// lengths(projectJSON, infosJSON) lays a document out over its sources'
// descriptions without reading them (see layOut).
func lengthsJS(args []js.Value) (any, error) {
	doc, err := docArg(arg(args, 0))
	if err != nil {
		return nil, err
	}
	infos := arg(args, 1)
	if infos.Type() != js.TypeString {
		return nil, fmt.Errorf("the sources' descriptions must be a JSON string")
	}
	l, err := layOut(doc, []byte(infos.String()))
	if err != nil {
		return nil, err
	}
	return toJSON(l)
}

// curves() lists the fade and crossfade curves for menus, the default
// first.
func curvesJS([]js.Value) (any, error) { return toJSON(project.CurveChoices()) }
