// Package opus decodes Opus audio in Ogg files: the container through
// package ogg, the packets with github.com/thesyncim/gopus (a pure-Go
// port of libopus 1.6.1), tags and pictures through package vorbiscomment.
// Output is always 48 kHz, as RFC 7845 recommends.
//
// Specifications:
//   - RFC 6716, Definition of the Opus Audio Codec
//     (https://www.rfc-editor.org/rfc/rfc6716)
//   - RFC 7845, Ogg Encapsulation for the Opus Audio Codec
//     (https://www.rfc-editor.org/rfc/rfc7845)
//
// OpusHead is honoured in full for channel mapping families 0 (mono,
// stereo) and 1 (up to 8 channels, Vorbis order, output in WAV order);
// other families are refused with codec.ErrUnsupported. The pre-skip is
// dropped and the output gain applied, as opusdec does. The length is
// exact: the last granule position less the pre-skip (and less the start
// position of streams that start late).
//
// Seeking: Opus decoder state (CELT energies and overlap, SILK filters,
// the resampler) carries over from packet to packet, so a decode restarted
// with RFC 7845's 80 ms pre-roll converges to the continuous decode only
// approximately, not bit for bit. The engine requires a stream started
// anywhere to equal the decode from the start, so every stream decodes
// from the first audio packet and drops the samples before its start:
// correct first, and about as fast as decoding up to the start position.
//
// Packets is the codec's packet decoder alone, shared with other
// containers (Matroska).
package opus
