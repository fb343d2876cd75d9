// Package mp3edit cuts, splits and joins MPEG-1/2/2.5 layer III files without
// re-encoding: the output is the input's own frames, as byte ranges of the
// input (a zero-copy plan), behind a rewritten Xing/Info + LAME header.
//
// Exactness. The start and the end of every output are sample-exact: the
// LAME header's encoder delay and padding tell players (and Offcut's decoder,
// and FFmpeg) which decoded samples to drop, so a kept range [a, b) of a
// gapless decode plays exactly those b-a samples. Where two pieces meet
// inside an output (a join, or a removed middle) the cut falls on frame
// boundaries: up to one frame of each side's encoder padding and priming
// plays there, as with every tool that does not re-encode.
//
// The bit reservoir. A layer III frame may keep part of its data in the
// frames before it (main_data_begin). The first frame an output keeps is
// preceded by a synthetic frame: silent (every granule has zero bits), with
// main_data_begin 0, whose payload ends with exactly the reservoir bytes the
// next frame reads — copied as ranges of the input. It decodes to one frame
// of silence, counted in the encoder delay, so players skip it; the kept
// frame then decodes bit-exactly. At the start of an output the frame before
// the first wanted sample is kept too, so the filterbank overlap is primed
// and the first wanted sample is exact.
//
// Tags: the first input's ID3v2 tag is kept (or replaced by an edited one),
// and the last input's ID3v1/APE tags are kept at the tail.
//
// References: ISO/IEC 11172-3 and 13818-3 (frame and side information
// layout), the LAME tag specification (http://gabriel.mp3-tech.org/mp3infotag.html),
// and FFmpeg's reading of it (start skip = delay + 529, end = padding - 529).
package mp3edit
