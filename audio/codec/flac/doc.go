// Package flac reads and writes FLAC (Free Lossless Audio Codec) files for
// the Offcut engine, in pure Go.
//
// The decoder reads the file by range from an audio.Source: metadata blocks
// (STREAMINFO, VORBIS_COMMENT, PICTURE, SEEKTABLE) at Open, then frames one
// at a time as a Stream is read, through a bounded buffer. Seeking is
// sample-exact: the SEEKTABLE narrows the search when present, a bisection
// over frame headers (sync code and CRC-8 checked) finds the frame holding
// the first wanted sample, and the samples before it in that frame are
// decoded and dropped. Every frame's CRC-16 is checked.
//
// Samples come out as float32 scaled by 2^-(bits-1), as package pcm does,
// so that 8- to 24-bit streams are exact and a decode written back at the
// same depth reproduces the stream's samples bit for bit. Streams of 12, 20
// or other depths report the next of 8, 16, 24 or 32 bits in their Format.
// Streams of 25 to 32 bits are decoded in 64-bit arithmetic; float32 keeps
// 24 bits of each sample. Streams whose sample rate, channel count or depth
// change between frames, and bare streams without fLaC marker and
// STREAMINFO, are refused with codec.ErrUnsupported.
//
// The encoder (NewEncoder) follows libFLAC's compression levels 0 to 8:
// block size, maximum LPC order, Rice partition order, mid-side stereo and
// the analysis windows (tukey(0.5), and subdivide_tukey for 6 to 8), with
// Levinson-Durbin, libFLAC's coefficient quantisation and an estimated
// Rice partition search, so that its files are the size of flac's at the
// same level. Where flac encodes every candidate fully, two shortcuts
// skip most of the work on music at a cost measured in hundredths of a
// percent (TestGates, TestSize): the fixed predictors are tried only on
// blocks where estimates say they may beat LPC, and with several windows
// only the two predictors with the smallest residual over a sample of
// the block are encoded. The metadata is written first and returned
// final by Close, to be patched in at offset 0 once the MD5 is known.
//
// Spec: https://xiph.org/flac/format.html (RFC 9639,
// https://www.rfc-editor.org/rfc/rfc9639).
package flac
