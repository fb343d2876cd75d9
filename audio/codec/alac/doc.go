// Package alac decodes Apple Lossless (ALAC) frames: adaptive Golomb-Rice
// entropy coding, the adaptive FIR predictor and mid-side stereo, as in
// Apple's open-source reference decoder (ALACDecoder.cpp, ag_dec.c,
// dp_dec.c and matrix_dec.c of https://github.com/macosforge/alac,
// Apache-2.0), written here in Go from that description.
//
// A frame is decoded from its bytes alone (ALAC frames are independent), so
// seeking needs no pre-roll. The container (MP4/M4A, package mp4) provides
// the frames and the 24-byte ALACSpecificConfig (the "magic cookie").
package alac
