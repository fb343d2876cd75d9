// Package mp4 reads the audio track of MP4 family files (M4A, M4B, M4R,
// MP4 and QuickTime MOV video) for the Offcut engine.
//
// The box tree is walked with github.com/abema/go-mp4, box by box over the
// Source (mdat is never read whole; only moov is). The sample tables (stsz,
// stco/co64, stsc, stts) are read here, by range, after their entry counts
// are checked against their boxes, into a compact table: a size per access
// unit, the offset and first sample of each chunk, and durations as runs.
// The exact length comes from the edit list (the first edit's media_time is
// the priming; its segment_duration caps the length) or from an iTunes
// iTunSMPB comment; tags from the iTunes ilst box (©nam, ©ART, ©alb, ©day,
// trkn, covr, ...).
//
// Codecs:
//   - ALAC is decoded in Go (package alac);
//   - MPEG audio (MP3 in MP4, object type 0x6B) is decoded by package mp3,
//     the access units presented to it as one MP3 stream;
//   - uncompressed QuickTime audio (sowt, twos, in24, in32, fl32, fl64,
//     raw, lpcm; byte order from the "enda" atom) is converted directly;
//   - AAC needs an external decoder (SetAACDecoderFactory): the web app
//     installs the browser's WebCodecs decoder. Without one, AAC files open
//     for their Info, and Stream fails with ErrNoAACDecoder.
//
// Seeking is exact to the sample: decoding restarts at the access unit
// holding the first wanted frame, with one access unit of pre-roll for AAC,
// in batches aligned to multiples of the batch size (so every stream decodes
// each access unit with the same history).
//
// Fragmented MP4 (moof) is not read.
//
// Specs: ISO/IEC 14496-12 (ISO base media file format), ISO/IEC 14496-14
// (MP4), ISO/IEC 14496-3 (AudioSpecificConfig), Apple's QuickTime File
// Format (https://developer.apple.com/documentation/quicktime-file-format).
package mp4
