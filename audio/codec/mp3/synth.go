package mp3

//go:generate go run gen_fastdct.go

// synth is the polyphase synthesis filterbank of one channel (ISO/IEC
// 11172-3 2.4.3.2 / figure A.2). The V vector of the standard is kept in
// its compact form: each slot's 32 DCT outputs, newest first, in a ring of
// 16 slots stored twice so that windowing never wraps.
type synth struct {
	x   [1024]float32
	off int
}

func (s *synth) reset() { *s = synth{} }

// winPair[j] holds, for output pair (j, 32-j), the window coefficients
// applied to the even-age slots' x[16+j] and the odd-age slots' x[16-j]:
// [0:8] and [8:16] for output j, [16:24] and [24:32] for output 32-j.
var winPair [16][32]float32

// winZero and winMid are the coefficients of outputs 0 and 16.
var winZero [16]float32
var winMid [8]float32

// initWinPair derives the tables above from synthWin (called by the
// table initialisation once synthWin is set).
func initWinPair() {
	// V[i] of slot age m is x[i+16] (i < 16), 0 (i = 16), -x[48-i]
	// (16 < i < 48), -x[i-48] (i >= 48); output j sums, over i = 0..7,
	// D[64i+j] V_2i[j] + D[64i+32+j] V_2i+1[32+j].
	D := &synthWin
	for j := 1; j < 16; j++ {
		for i := 0; i < 8; i++ {
			winPair[j][i] = D[64*i+j]
			winPair[j][8+i] = -D[64*i+32+j]
			winPair[j][16+i] = -D[64*i+32-j]
			winPair[j][24+i] = -D[64*i+64-j]
		}
	}
	for i := 0; i < 8; i++ {
		winZero[i] = D[64*i]
		winZero[8+i] = -D[64*i+32]
		winMid[i] = -D[64*i+48]
	}
}

// run turns one slot of 32 subband samples into 32 PCM samples written to
// out[0], out[stride], ...
func (s *synth) run(in []float32, out []float32, stride int) {
	var x [32]float32
	copy(x[:], in[:32])
	dct32(&x)
	s.off = (s.off - 32) & 511
	copy(s.x[s.off:s.off+32], x[:])
	copy(s.x[s.off+512:s.off+544], x[:])
	r := (*[512]float32)(s.x[s.off : s.off+512])
	_ = out[31*stride]
	w0 := &winZero
	w16 := &winMid
	out[0] = w0[0]*r[16] + w0[8]*r[48] + w0[1]*r[80] + w0[9]*r[112] + w0[2]*r[144] + w0[10]*r[176] + w0[3]*r[208] + w0[11]*r[240] + w0[4]*r[272] + w0[12]*r[304] + w0[5]*r[336] + w0[13]*r[368] + w0[6]*r[400] + w0[14]*r[432] + w0[7]*r[464] + w0[15]*r[496]
	out[16*stride] = w16[0]*r[32] + w16[1]*r[96] + w16[2]*r[160] + w16[3]*r[224] + w16[4]*r[288] + w16[5]*r[352] + w16[6]*r[416] + w16[7]*r[480]
	for j := 1; j < 16; j++ {
		c := &winPair[j]
		out[j*stride] = (c[0]*r[16+j] + c[8]*r[48-j] + c[1]*r[80+j] + c[9]*r[112-j] + c[2]*r[144+j] + c[10]*r[176-j] + c[3]*r[208+j] + c[11]*r[240-j]) + (c[4]*r[272+j] + c[12]*r[304-j] + c[5]*r[336+j] + c[13]*r[368-j] + c[6]*r[400+j] + c[14]*r[432-j] + c[7]*r[464+j] + c[15]*r[496-j])
		out[(32-j)*stride] = (c[16]*r[16+j] + c[24]*r[48-j] + c[17]*r[80+j] + c[25]*r[112-j] + c[18]*r[144+j] + c[26]*r[176-j] + c[19]*r[208+j] + c[27]*r[240-j]) + (c[20]*r[272+j] + c[28]*r[304-j] + c[21]*r[336+j] + c[29]*r[368-j] + c[22]*r[400+j] + c[30]*r[432-j] + c[23]*r[464+j] + c[31]*r[496-j])
	}
}
