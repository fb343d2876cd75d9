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
// Re-encoded junctions (Options.Reencode, smart.go). Instead, the few
// frames around each inner junction can be decoded, joined to the sample
// and encoded again (about three MPEG-1 frames, six MPEG-2): the encoder
// gets enough audio before them that its frames continue the kept frames'
// MDCT overlap (its delay plus 529 lines its output up with the output
// grid; the junction stays at least 1152 samples inside the stretch, where
// no kept frame's aliasing term reaches, and the windows' block types
// must chain, else the stretch grows by a frame). Its main data is laid
// out afresh: the first re-encoded frame starts its own reservoir
// (main_data_begin 0), and the last ends with the bytes the next kept
// frame's main_data_begin points to, as ranges of its source. Kept frames
// stay on their source's frame grid, so the audio between two kept runs is
// a whole number of frames: a junction moves by up to half a frame when
// the pieces' lengths do not fit it (up to a whole frame where a piece
// reaches its file's start or end; Stretch.Shift says by how much). No
// choice of re-encoded frames can avoid this: every frame decodes to the
// same number of samples, so two kept runs keep their distance modulo a
// frame. Options.Exact refuses such a junction instead, so the caller
// can encode the whole edit.
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
