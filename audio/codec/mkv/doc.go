// Package mkv decodes the first audio track of Matroska and WebM files
// when it is Opus or Vorbis, with the packet decoders of packages opus and
// vorbis.
//
// Specifications:
//   - RFC 8794, Extensible Binary Meta Language
//     (https://www.rfc-editor.org/rfc/rfc8794)
//   - RFC 9559, Matroska Media Container Format Specification
//     (https://www.rfc-editor.org/rfc/rfc9559)
//   - WebM container guidelines
//     (https://www.webmproject.org/docs/container/)
//   - Codec mappings: A_OPUS and A_VORBIS
//     (https://www.matroska.org/technical/codec_specs.html)
//
// Open walks the EBML structure by range: Info, Tracks, and every Cluster
// (SimpleBlock, BlockGroup/Block with DiscardPadding; Xiph, EBML and fixed
// lacing), reading only the element headers and the first two bytes of
// each packet of the chosen track. Segments and clusters of unknown size
// (live WebM, as browsers record it) are accepted. The resulting packet
// index gives every packet's exact sample position from the packet
// durations (Opus TOC bytes, Vorbis block sizes), which block timestamps
// in milliseconds cannot, so the index rather than the Cues serves
// seeking.
//
// Info.Tags holds the segment title and the SimpleTags of the Tags element
// (DATE_RELEASED and PART_NUMBER mapped to year and track), over a Vorbis
// track's comment header; a broken Tags element is a warning.
//
// Length is exact: Opus loses its pre-skip (OpusHead in CodecPrivate,
// mirrored by CodecDelay) at the start and the last block's
// DiscardPadding at the end; Vorbis keeps every sample its packets give.
// Seeking is sample-exact: Vorbis restarts one packet before the target
// (the primer only fills the overlap); Opus decodes from the first packet,
// for the reason package opus gives.
package mkv
