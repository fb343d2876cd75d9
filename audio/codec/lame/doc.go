// Package lame encodes MP3 (MPEG-1/2/2.5 layer III) with LAME 3.100, the
// reference open-source encoder, transpiled to pure Go (internal/clame), so
// that it runs natively and in the browser (js/wasm) and produces the same
// frames as the `lame` command with the same settings.
//
// NewEncoder gives the raw encoder (samples in, frames out); Write produces a
// complete file whose Info/LAME header (written by package mp3edit) carries
// the encoder delay and padding, so gapless decoders return exactly the
// input's length.
//
// LAME is licensed under the GNU LGPL, version 2 or later: see COPYING and
// NOTICE in internal/clame, beside the generated code.
//
// References: ISO/IEC 11172-3 and 13818-3; LAME, https://lame.sourceforge.io/;
// the LAME tag, http://gabriel.mp3-tech.org/mp3infotag.html.
package lame
