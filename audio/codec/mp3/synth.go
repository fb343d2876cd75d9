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

// push runs the DCT of one slot of 32 subband samples and stores the
// result as the newest slot; it returns the 16 newest slots.
func (s *synth) push(in []float32) *[512]float32 {
	s.off = (s.off - 32) & 511
	y := (*[32]float32)(s.x[s.off : s.off+32])
	dct32((*[32]float32)(in[:32]), y)
	*(*[32]float32)(s.x[s.off+512 : s.off+544]) = *y
	return (*[512]float32)(s.x[s.off : s.off+512])
}

// The windowing below sums, for each output, two groups of 8 products
// left to right and then the two groups; run and runStereo keep exactly
// this order so that both give the same samples.

// run turns one slot of 32 subband samples into 32 PCM samples written to
// out[0], out[stride], ...
func (s *synth) run(in []float32, out []float32, stride int) {
	r := s.push(in)
	_ = out[31*stride]
	out[0] = windowZero(r)
	out[16*stride] = windowMid(r)
	for j := 1; j < 16; j++ {
		c := &winPair[j]
		p := (*[449]float32)(r[16+j : 16+j+449])
		n := (*[449]float32)(r[48-j : 48-j+449])
		a := c[0]*p[0] + c[8]*n[0] + c[1]*p[64] + c[9]*n[64] + c[2]*p[128] + c[10]*n[128] + c[3]*p[192] + c[11]*n[192]
		b := c[4]*p[256] + c[12]*n[256] + c[5]*p[320] + c[13]*n[320] + c[6]*p[384] + c[14]*n[384] + c[7]*p[448] + c[15]*n[448]
		out[j*stride] = a + b
		a = c[16]*p[0] + c[24]*n[0] + c[17]*p[64] + c[25]*n[64] + c[18]*p[128] + c[26]*n[128] + c[19]*p[192] + c[27]*n[192]
		b = c[20]*p[256] + c[28]*n[256] + c[21]*p[320] + c[29]*n[320] + c[22]*p[384] + c[30]*n[384] + c[23]*p[448] + c[31]*n[448]
		out[(32-j)*stride] = a + b
	}
}

func windowZero(r *[512]float32) float32 {
	w := &winZero
	a := w[0]*r[16] + w[8]*r[48] + w[1]*r[80] + w[9]*r[112] + w[2]*r[144] + w[10]*r[176] + w[3]*r[208] + w[11]*r[240]
	b := w[4]*r[272] + w[12]*r[304] + w[5]*r[336] + w[13]*r[368] + w[6]*r[400] + w[14]*r[432] + w[7]*r[464] + w[15]*r[496]
	return a + b
}

func windowMid(r *[512]float32) float32 {
	w := &winMid
	return w[0]*r[32] + w[1]*r[96] + w[2]*r[160] + w[3]*r[224] + w[4]*r[288] + w[5]*r[352] + w[6]*r[416] + w[7]*r[480]
}

// runStereo is run for two channels whose rings are aligned (s.off ==
// t.off), writing 32 interleaved sample pairs to out[:64]. Each window
// coefficient is loaded once for both channels.
func runStereo(s, t *synth, inL, inR []float32, out *[64]float32) {
	rl := s.push(inL)
	rr := t.push(inR)
	out[0] = windowZero(rl)
	out[1] = windowZero(rr)
	out[32] = windowMid(rl)
	out[33] = windowMid(rr)
	for j := 1; j < 16; j++ {
		c := &winPair[j]
		pl := (*[449]float32)(rl[16+j : 16+j+449])
		nl := (*[449]float32)(rl[48-j : 48-j+449])
		pr := (*[449]float32)(rr[16+j : 16+j+449])
		nr := (*[449]float32)(rr[48-j : 48-j+449])
		// output j: al, ar (first group), bl, br (second); output 32-j: el, er, fl, fr
		x, y := pl[0], pr[0]
		al, ar, el, er := c[0]*x, c[0]*y, c[16]*x, c[16]*y
		x, y = nl[0], nr[0]
		al, ar, el, er = al+c[8]*x, ar+c[8]*y, el+c[24]*x, er+c[24]*y
		x, y = pl[64], pr[64]
		al, ar, el, er = al+c[1]*x, ar+c[1]*y, el+c[17]*x, er+c[17]*y
		x, y = nl[64], nr[64]
		al, ar, el, er = al+c[9]*x, ar+c[9]*y, el+c[25]*x, er+c[25]*y
		x, y = pl[128], pr[128]
		al, ar, el, er = al+c[2]*x, ar+c[2]*y, el+c[18]*x, er+c[18]*y
		x, y = nl[128], nr[128]
		al, ar, el, er = al+c[10]*x, ar+c[10]*y, el+c[26]*x, er+c[26]*y
		x, y = pl[192], pr[192]
		al, ar, el, er = al+c[3]*x, ar+c[3]*y, el+c[19]*x, er+c[19]*y
		x, y = nl[192], nr[192]
		al, ar, el, er = al+c[11]*x, ar+c[11]*y, el+c[27]*x, er+c[27]*y
		x, y = pl[256], pr[256]
		bl, br, fl, fr := c[4]*x, c[4]*y, c[20]*x, c[20]*y
		x, y = nl[256], nr[256]
		bl, br, fl, fr = bl+c[12]*x, br+c[12]*y, fl+c[28]*x, fr+c[28]*y
		x, y = pl[320], pr[320]
		bl, br, fl, fr = bl+c[5]*x, br+c[5]*y, fl+c[21]*x, fr+c[21]*y
		x, y = nl[320], nr[320]
		bl, br, fl, fr = bl+c[13]*x, br+c[13]*y, fl+c[29]*x, fr+c[29]*y
		x, y = pl[384], pr[384]
		bl, br, fl, fr = bl+c[6]*x, br+c[6]*y, fl+c[22]*x, fr+c[22]*y
		x, y = nl[384], nr[384]
		bl, br, fl, fr = bl+c[14]*x, br+c[14]*y, fl+c[30]*x, fr+c[30]*y
		x, y = pl[448], pr[448]
		bl, br, fl, fr = bl+c[7]*x, br+c[7]*y, fl+c[23]*x, fr+c[23]*y
		x, y = nl[448], nr[448]
		bl, br, fl, fr = bl+c[15]*x, br+c[15]*y, fl+c[31]*x, fr+c[31]*y
		out[2*j] = al + bl
		out[2*j+1] = ar + br
		out[64-2*j] = el + fl
		out[65-2*j] = er + fr
	}
}
