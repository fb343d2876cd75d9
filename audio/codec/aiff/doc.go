// Package aiff reads AIFF and AIFF-C files for the Offcut engine.
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
// Every chunk size is checked against the file before anything is read or
// allocated; chunks are read by range, never the whole file.
//
// Specs: Apple "Audio Interchange File Format: AIFF" 1.3 (1989) and
// "AIFF-C" draft (1991), e.g. at
// https://www.mmsp.ece.mcgill.ca/Documents/AudioFormats/AIFF/AIFF.html
package aiff
