// Package flac decodes FLAC (Free Lossless Audio Codec) files for the Offcut
// engine, in pure Go.
//
// The decoder reads the file by range from an audio.Source: metadata blocks
// (STREAMINFO, VORBIS_COMMENT, PICTURE, SEEKTABLE) at Open, then frames one
// at a time as a Stream is read, through a bounded buffer. Seeking is
// sample-exact: the SEEKTABLE narrows the search when present, a bisection
// over frame headers (sync code and CRC-8 checked) finds the frame holding
// the first wanted sample, and the samples before it in that frame are
// decoded and dropped.
//
// Samples come out as float32 scaled by 2^-(bits-1), as package pcm does,
// so that 8- to 24-bit streams are exact and a decode written back at the
// same depth reproduces the stream's samples bit for bit. Streams of 12, 20
// or other depths report the next of 8, 16, 24 or 32 bits in their Format.
//
// Spec: https://xiph.org/flac/format.html (RFC 9639,
// https://www.rfc-editor.org/rfc/rfc9639).
package flac
