// Package id3 reads and edits the tags MP3 files carry: ID3v2.2, 2.3 and 2.4
// at the head (text frames, APIC/PIC cover art, CHAP chapters, COMM
// comments), ID3v1/v1.1 and APE tags at the tail.
//
// Editing keeps every frame it is not asked to change byte for byte, in
// order; only the frames for title, artist, album, year, track and cover are
// replaced or added.
//
// Every size read from a tag is checked against the bytes that are there
// before anything is allocated.
//
// Specs: https://id3.org/id3v2.4.0-structure, https://id3.org/id3v2.4.0-frames,
// https://id3.org/id3v2.3.0, https://id3.org/id3v2-00 (v2.2),
// https://id3.org/id3v2-chapters-1.0, https://id3.org/ID3v1,
// https://wiki.hydrogenaud.io/index.php?title=APEv2_specification.
package id3
