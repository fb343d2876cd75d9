// Package vorbis decodes Ogg Vorbis files: the Ogg container through
// package ogg, the packets with github.com/jfreymuth/vorbis, tags and
// pictures through package vorbiscomment. It also encodes them (Encode,
// and the registry's writer) with libvorbis 1.3.7 and libogg 1.3.5,
// transpiled to Go in internal/cvorbis (BSD licence: see its NOTICE).
//
// Specifications:
//   - Vorbis I specification (https://xiph.org/vorbis/doc/Vorbis_I_spec.html)
//   - RFC 5334, Ogg Media Types (https://www.rfc-editor.org/rfc/rfc5334)
//
// Length is exact: the last page's granule position minus the position of
// the first sample (the first audio page's granule position less the
// samples its packets decode to). Streams that start late begin at their
// first sample; samples before granule position 0 are dropped, and the
// last page's granule position trims the end, as the Vorbis I spec (A.2)
// says. (For files cut by `ffmpeg -c copy`, which start with negative
// positions, oggdec and ffmpeg each keep a different number of leading
// samples; this package keeps what the granule positions say.)
//
// The setup header is checked before the packet decoder reads it (bounded
// codebook sizes, no empty codebooks, lengths within 32 bits), and floors
// without partitions (libvorbis writes them for the LFE channel of 5.1)
// are given a dummy class that github.com/jfreymuth/vorbis otherwise
// misreads; codebooks whose lookup-table size that decoder computes
// wrongly in floating point are refused with codec.ErrUnsupported.
// Channels come out in WAV order (FL FR FC LFE BL BR SL SR).
//
// Seeking is sample-exact: a bisection on granule positions finds the last
// page at or before the target; decoding restarts with that page's last
// packet, decoded only to prime the overlap (a Vorbis packet depends on
// no other state than the previous packet's right half), so the samples
// from that page's granule position on are bit-identical to a decode from
// the start; the samples before the target are dropped.
//
// Packets is the codec's packet decoder alone, shared with other
// containers (Matroska).
//
// Encoding is libvorbis's VBR mode at oggenc's -q scale (−1 to 10), for
// 8 to 192 kHz and 1 to 8 channels taken in WAV order and stored in Vorbis
// order, paged as oggenc pages; the last page's granule position is the
// input's length, so oggdec, FFmpeg and this package decode exactly the
// frames encoded. Tags and pictures are written as Vorbis comments after
// libvorbis's own vendor string. The output is the same bytes natively and
// under js/wasm: the C library under the transpiled code
// (audio/codec/internal/libc) uses Go's portable exp, log and pow rather
// than package math's assembly.
package vorbis
