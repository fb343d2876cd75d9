// Package aiff reads and writes AIFF and AIFF-C files for the Offcut
// engine.
//
// It parses the FORM container itself: the COMM chunk (channels, frames,
// sample size and the 80-bit extended sample rate, plus the compression
// type in AIFF-C), the SSND chunk (with its offset and block size), the
// text chunks NAME, AUTH, ANNO and "(c) " and an embedded ID3v2 tag (an
// "ID3 " or "id3 " chunk). Samples are integers of 8 to 32 bits (big-endian,
// or little-endian with the AIFF-C compression "sowt"), 32- and 64-bit
// floats ("fl32", "fl64") and 8-bit offset binary ("raw "); other AIFF-C
// compressions (A-law, mu-law, IMA ADPCM, MACE, ...) are refused with
// codec.ErrUnsupported naming them.
//
// It writes AIFF (big-endian integers of 8 to 32 bits) and AIFF-C with
// "fl32"/"fl64" floats: COMM, then the text chunks NAME (title), AUTH
// (artist), "(c) " (copyright) and ANNO (comment), SSND, and an "ID3 "
// chunk (ID3v2.4) with every tag and the cover art, which Apple's players,
// ffmpeg and mutagen read. Nothing names Offcut. Files end at 4 GiB (the
// FORM size is 32 bits): larger outputs are refused with
// codec.ErrCannotWrite.
//
// Every chunk size is checked against the file before anything is read or
// allocated; chunks are read by range, never the whole file.
//
// Specs: Apple "Audio Interchange File Format: AIFF" 1.3 (1989) and
// "AIFF-C" draft (1991), e.g. at
// https://www.mmsp.ece.mcgill.ca/Documents/AudioFormats/AIFF/AIFF.html
package aiff
