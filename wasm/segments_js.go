//go:build js && wasm

package main

import (
	"fmt"
	"syscall/js"

	"offcut/audio/project"
)

// renderSegment(projectJSON, files, read, from, to, emit): one segment of
// a segmented encode, as a file of its own (project.RenderSegment), handed
// to emit as render does.
func renderSegmentJS(args []js.Value) (any, error) {
	doc, ins, err := docInputs(args)
	if err != nil {
		return nil, err
	}
	from, to := arg(args, 3), arg(args, 4)
	if from.Type() != js.TypeNumber || to.Type() != js.TypeNumber {
		return nil, fmt.Errorf("renderSegment needs the segment's from and to frames")
	}
	emit := arg(args, 5)
	if emit.Type() != js.TypeFunction {
		return nil, fmt.Errorf("renderSegment needs an emit function")
	}
	seg := project.Segment{From: int64(from.Float()), To: int64(to.Float())}
	res, err := renderSegment(doc, ins, seg, jsSink{emit, ins}, func(done, total int64) { emit.Invoke("progress", done, total) })
	if err != nil {
		return nil, err
	}
	return toJSON(summarize(res))
}

// joinSegments(projectJSON, files, read, parts, emit): the output made of
// its segments' files (Blobs, in order); emit's ranges are ranges of parts.
func joinSegmentsJS(args []js.Value) (any, error) {
	doc, ins, err := docInputs(args)
	if err != nil {
		return nil, err
	}
	parts, err := inputs(arg(args, 3), arg(args, 2))
	if err != nil {
		return nil, err
	}
	for i := range parts {
		parts[i].name = fmt.Sprintf("segment %d", i+1)
		if b, ok := parts[i].src.(*blobSource); ok {
			b.name = parts[i].name // its errors name it so
		}
	}
	emit := arg(args, 4)
	if emit.Type() != js.TypeFunction {
		return nil, fmt.Errorf("joinSegments needs an emit function")
	}
	res, err := joinSegments(doc, ins, parts, jsSink{emit, parts}, func(done, total int64) { emit.Invoke("progress", done, total) })
	if err != nil {
		return nil, err
	}
	return toJSON(summarize(res))
}
