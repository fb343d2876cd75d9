// Package ogg reads the Ogg container by range: pages (CRC-32 checked, with
// resynchronisation after junk), the packets of one logical stream
// (lacing, packets spanning pages, bounded sizes), granule-position
// bisection for seeking, and a PCM stream over any packet decoder that
// places decoded samples by granule position. Package vorbis and package
// opus build their Ogg decoders on it. Writer is the muxer for one logical
// stream (lacing, packets continued across pages, CRC, granule positions,
// BOS/EOS); package opus writes its files with it.
//
// Specifications:
//   - RFC 3533, The Ogg Encapsulation Format Version 0
//     (https://www.rfc-editor.org/rfc/rfc3533)
//   - Ogg logical bitstream framing (https://xiph.org/ogg/doc/framing.html)
//
// Track positions decoded samples by granule position, so any codec whose
// packets decode to a known number of samples fits: a stream restarted at
// a page (when the codec allows it) knows where its samples fall, and a
// stream that reaches its end parks its decoder for the next stream that
// starts at or after it.
//
// Multiplexed files (several logical streams, their BOS pages grouped at
// the start) are read by following one serial number and skipping the
// others. Chained files (a new BOS page after the streams of the first link
// have ended) are refused with codec.ErrUnsupported ("chained Ogg
// streams"): their links may differ in rate and channels, which one
// audio.Decoder cannot describe.
package ogg
