// Package opus decodes and encodes Opus audio in Ogg files: the container
// through package ogg, the packets with github.com/thesyncim/gopus (a
// pure-Go port of libopus 1.6.1), tags and pictures through package
// vorbiscomment. Output is always 48 kHz, as RFC 7845 recommends.
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
//
// # Encoding
//
// Encode (and the registry's writer) writes Ogg Opus with opusenc's
// settings: unconstrained VBR, complexity 10, 20 ms packets, the input's
// bit depth as the encoder's LSB depth, and "music" or "voice" as
// opusenc's --music and --speech. OpusHead carries the encoder's delay as
// pre-skip (312 samples) and the input's rate; the last page's granule
// position trims the end, so opusdec (which resamples to the input's rate)
// and ffmpeg (48 kHz) decode exactly the source's length. Pages hold about
// one second (at most 255 segments). Three to eight channels use mapping
// family 1.
//
// Quality and bytes. TestQualityAgainstOpusenc keeps the encoder within
// 0.5 dB of opusenc (SNR and worst-5 % segmental SNR) on music and
// speech-like material; where gopus's coding at the 8–24 kHz API rates
// fell short of it, the input is resampled to 48 kHz first (see
// encodeRate). gopus sums some CELT products in libopus's x86 SSE order,
// and with AVX2/FMA kernels where the CPU has them, on amd64 only: the
// bytes of a native amd64 build differ from those of js/wasm, and equal
// them when built with -tags purego (as the Makefile builds the CLI).
package opus
