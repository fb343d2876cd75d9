// Package wav reads and writes WAVE files (RIFF, RF64 and BW64) for the
// Offcut engine, wrapping github.com/go-audio/wav.
//
// go-audio/wav decodes the fmt chunk and the LIST/INFO tags and writes the
// canonical header of plain PCM and float files. Its known weaknesses are
// fixed around here rather than passed on to users:
//   - float files (format 3, or EXTENSIBLE with the float sub-format) come
//     back from go-audio as integer bit patterns: this package checks the
//     format code and sub-format itself and decodes floats as floats;
//   - go-audio's FullPCMBuffer and PCMBuffer are slow and allocate per
//     sample: samples are decoded here straight from byte ranges (package
//     pcm), chunk by chunk, never the whole file;
//   - go-audio trusts every size it reads: a LIST entry claiming 4 GiB makes
//     it allocate 4 GiB. Chunks are walked here with ReadAt and every size is
//     checked against the file before go-audio sees a byte;
//   - RF64/BW64 (files over 4 GiB), data sizes of 0 or 0xFFFFFFFF (streaming
//     writers) and truncated data chunks are handled here.
//
// Tags: the reader takes the LIST/INFO entries (INAM title, IART artist,
// IPRD album, ICRD year, ITRK or IPRT track, ICMT comment, IGNR genre, ...)
// and an "id3 " chunk's ID3v2 frames and pictures, which win. The writer
// puts a LIST/INFO chunk between fmt and data (where every reader looks)
// and, when there is cover art or a tag INFO has no entry for, an ID3v2.4
// "id3 " chunk after the data (read by ffmpeg, mutagen, foobar2000 and
// most taggers); a source WAV's own id3 chunk is edited in place, keeping
// the frames the edit does not touch. Nothing names Offcut.
//
// Specs: Microsoft RIFF/WAVE and WAVE_FORMAT_EXTENSIBLE
// (https://learn.microsoft.com/en-us/windows/win32/multimedia/multimedia-file-formats),
// EBU Tech 3306 (RF64), ITU-R BS.2088 (BW64), the INFO list of the
// Multimedia Programming Interface and Data Specifications 1.0 (1991), and
// https://id3.org/id3v2.4.0-structure for the id3 chunk.
package wav
