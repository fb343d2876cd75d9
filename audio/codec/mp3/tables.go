package mp3

import "math"

// Scalefactor band boundaries (ISO/IEC 11172-3 table B.8, 13818-3 table
// B.2 and the MPEG-2.5 extension) by rate index.
var sfbLong = [9][23]uint16{
	{0, 4, 8, 12, 16, 20, 24, 30, 36, 44, 52, 62, 74, 90, 110, 134, 162, 196, 238, 288, 342, 418, 576},
	{0, 4, 8, 12, 16, 20, 24, 30, 36, 42, 50, 60, 72, 88, 106, 128, 156, 190, 230, 276, 330, 384, 576},
	{0, 4, 8, 12, 16, 20, 24, 30, 36, 44, 54, 66, 82, 102, 126, 156, 194, 240, 296, 364, 448, 550, 576},
	{0, 6, 12, 18, 24, 30, 36, 44, 54, 66, 80, 96, 116, 140, 168, 200, 238, 284, 336, 396, 464, 522, 576},
	{0, 6, 12, 18, 24, 30, 36, 44, 54, 66, 80, 96, 114, 136, 162, 194, 232, 278, 332, 394, 464, 540, 576},
	{0, 6, 12, 18, 24, 30, 36, 44, 54, 66, 80, 96, 116, 140, 168, 200, 238, 284, 336, 396, 464, 522, 576},
	{0, 6, 12, 18, 24, 30, 36, 44, 54, 66, 80, 96, 116, 140, 168, 200, 238, 284, 336, 396, 464, 522, 576},
	{0, 6, 12, 18, 24, 30, 36, 44, 54, 66, 80, 96, 116, 140, 168, 200, 238, 284, 336, 396, 464, 522, 576},
	{0, 12, 24, 36, 48, 60, 72, 88, 108, 132, 160, 192, 232, 280, 336, 400, 476, 566, 568, 570, 572, 574, 576},
}

var sfbShort = [9][14]uint16{
	{0, 4, 8, 12, 16, 22, 30, 40, 52, 66, 84, 106, 136, 192},
	{0, 4, 8, 12, 16, 22, 28, 38, 50, 64, 80, 100, 126, 192},
	{0, 4, 8, 12, 16, 22, 30, 42, 58, 78, 104, 138, 180, 192},
	{0, 4, 8, 12, 18, 24, 32, 42, 56, 74, 100, 132, 174, 192},
	{0, 4, 8, 12, 18, 26, 36, 48, 62, 80, 104, 136, 180, 192},
	{0, 4, 8, 12, 18, 26, 36, 48, 62, 80, 104, 134, 174, 192},
	{0, 4, 8, 12, 18, 26, 36, 48, 62, 80, 104, 134, 174, 192},
	{0, 4, 8, 12, 18, 26, 36, 48, 62, 80, 104, 134, 174, 192},
	{0, 8, 16, 24, 36, 52, 72, 96, 124, 160, 162, 164, 166, 192},
}

// bandList is the scalefactor bands of a granule in coefficient order:
// long bands, then short bands with their three windows one after another.
type bandList struct {
	width         []uint8
	nLong, nShort int
}

// bandLists[rate][kind]: kind 0 long, 1 short, 2 mixed.
var bandLists [9][3]bandList

var pretab = [22]uint8{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 3, 2, 0}

// MPEG-1 scalefactor lengths by scalefac_compress.
var slen = [16][2]uint8{{0, 0}, {0, 1}, {0, 2}, {0, 3}, {3, 0}, {1, 1}, {1, 2}, {1, 3},
	{2, 1}, {2, 2}, {2, 3}, {3, 1}, {3, 2}, {3, 3}, {4, 2}, {4, 3}}

// nrOfSfb is the MPEG-2 scalefactor partitioning (13818-3 table B.4)
// [table][long, short, mixed][partition].
var nrOfSfb = [6][3][4]uint8{
	{{6, 5, 5, 5}, {9, 9, 9, 9}, {6, 9, 9, 9}},
	{{6, 5, 7, 3}, {9, 9, 12, 6}, {6, 9, 12, 6}},
	{{11, 10, 0, 0}, {18, 18, 0, 0}, {15, 18, 0, 0}},
	{{7, 7, 7, 0}, {12, 12, 12, 0}, {6, 15, 12, 0}},
	{{6, 6, 6, 3}, {12, 9, 9, 6}, {6, 12, 9, 6}},
	{{8, 8, 5, 0}, {15, 12, 9, 0}, {6, 18, 9, 0}},
}

var (
	pow43    [8207]float32 // |is|^(4/3)
	pow2q    [640]float32  // 2^((i-pow2qOff)/4)
	aaCs     [8]float32
	aaCa     [8]float32
	winLong  [4][36]float32 // by block type (2 unused)
	winShort [12]float32
	// winLongSigned[odd][bt] is the IMDCT-36 output window as imdct36
	// applies it: winLong with the signs of the DCT-IV unfolding, and for
	// odd subbands the odd samples negated (frequency inversion).
	winLongSigned  [2][4][36]float32
	winShortSigned [2][12]float32 // winShort, likewise for imdct12
	cosShort       [6][6]float32  // unique IMDCT-12 rows
	isRatio        [7][2]float32  // MPEG-1 intensity ratios
	synthWin       [512]float32   // ISO D[i]
	pow2qInit      bool
)

const pow2qOff = 560

// isoWindow is the first half of the synthesis prototype window times
// 65536; the ISO/IEC 11172-3 table B.3 window is D[i] = c[i] * (-1)^(i/64)
// with c symmetric around 256.
var isoWindow = [257]int32{
	0, -1, -1, -1, -1, -1, -1, -2, -2, -2, -2, -3, -3, -4, -4, -5, -5, -6, -7, -7,
	-8, -9, -10, -11, -13, -14, -16, -17, -19, -21, -24, -26, -29, -31, -35, -38, -41, -45, -49, -53,
	-58, -63, -68, -73, -79, -85, -91, -97, -104, -111, -117, -125, -132, -139, -147, -154, -161, -169, -176, -183,
	-190, -196, -202, -208, -213, -218, -222, -225, -227, -228, -228, -227, -224, -221, -215, -208, -200, -189, -177, -163,
	-146, -127, -106, -83, -57, -29, 2, 36, 72, 111, 153, 197, 244, 294, 347, 401, 459, 519, 581, 645,
	711, 779, 848, 919, 991, 1064, 1137, 1210, 1283, 1356, 1428, 1498, 1567, 1634, 1698, 1759, 1817, 1870, 1919, 1962,
	2001, 2032, 2057, 2075, 2085, 2087, 2080, 2063, 2037, 2000, 1952, 1893, 1822, 1739, 1644, 1535, 1414, 1280, 1131, 970,
	794, 605, 402, 185, -45, -288, -545, -814, -1095, -1388, -1692, -2006, -2330, -2663, -3004, -3351, -3705, -4063, -4425, -4788,
	-5153, -5517, -5879, -6237, -6589, -6935, -7271, -7597, -7910, -8209, -8491, -8755, -8998, -9219, -9416, -9585, -9727, -9838, -9916, -9959,
	-9966, -9935, -9863, -9750, -9592, -9389, -9139, -8840, -8492, -8092, -7640, -7134, -6574, -5959, -5288, -4561, -3776, -2935, -2037, -1082,
	-70, 998, 2122, 3300, 4533, 5818, 7154, 8540, 9975, 11455, 12980, 14548, 16155, 17799, 19478, 21189, 22929, 24694, 26482, 28289,
	30112, 31947, 33791, 35640, 37489, 39336, 41176, 43006, 44821, 46617, 48390, 50137, 51853, 53534, 55178, 56778, 58333, 59838, 61289, 62684,
	64019, 65290, 66494, 67629, 68692, 69679, 70590, 71420, 72169, 72835, 73415, 73908, 74313, 74630, 74856, 74992, 75038,
}

func init() {
	for r := 0; r < 9; r++ {
		var long, short, mixed []uint8
		for i := 0; i < 22; i++ {
			long = append(long, uint8(sfbLong[r][i+1]-sfbLong[r][i]))
		}
		for i := 0; i < 13; i++ {
			w := uint8(sfbShort[r][i+1] - sfbShort[r][i])
			short = append(short, w, w, w)
		}
		nl := 6
		if r < 3 {
			nl = 8
		}
		mixed = append(mixed, long[:nl]...)
		mixed = append(mixed, short[9:]...)
		bandLists[r] = [3]bandList{
			{width: long, nLong: 22},
			{width: short, nShort: 39},
			{width: mixed, nLong: nl, nShort: 30},
		}
	}
	for i := range pow43 {
		pow43[i] = float32(math.Pow(float64(i), 4.0/3.0))
	}
	for i := range pow2q {
		pow2q[i] = float32(math.Exp2(float64(i-pow2qOff) / 4))
	}
	ci := [8]float64{-0.6, -0.535, -0.33, -0.185, -0.095, -0.041, -0.0142, -0.0037}
	for i, c := range ci {
		sq := math.Sqrt(1 + c*c)
		aaCs[i] = float32(1 / sq)
		aaCa[i] = float32(c / sq)
	}
	for i := 0; i < 36; i++ {
		s := math.Sin(math.Pi / 36 * (float64(i) + 0.5))
		winLong[0][i] = float32(s)
		// start window
		switch {
		case i < 18:
			winLong[1][i] = float32(s)
		case i < 24:
			winLong[1][i] = 1
		case i < 30:
			winLong[1][i] = float32(math.Sin(math.Pi / 12 * (float64(i-18) + 0.5)))
		default:
			winLong[1][i] = 0
		}
		// stop window
		switch {
		case i < 6:
			winLong[3][i] = 0
		case i < 12:
			winLong[3][i] = float32(math.Sin(math.Pi / 12 * (float64(i-6) + 0.5)))
		case i < 18:
			winLong[3][i] = 1
		default:
			winLong[3][i] = float32(s)
		}
	}
	for i := 0; i < 12; i++ {
		winShort[i] = float32(math.Sin(math.Pi / 12 * (float64(i) + 0.5)))
	}
	for odd := 0; odd < 2; odd++ {
		flip := func(i int) float32 {
			if odd == 1 && i&1 == 1 {
				return -1
			}
			return 1
		}
		for bt := 0; bt < 4; bt++ {
			w := &winLong[bt]
			for i := 0; i < 9; i++ {
				winLongSigned[odd][bt][i] = w[i] * flip(i)
				winLongSigned[odd][bt][9+i] = -w[9+i] * flip(9+i)
				winLongSigned[odd][bt][18+i] = -w[18+i] * flip(18+i)
				winLongSigned[odd][bt][27+i] = -w[27+i] * flip(27+i)
			}
		}
		for i := 0; i < 12; i++ {
			winShortSigned[odd][i] = winShort[i] * flip(i)
		}
	}
	// IMDCT-12: y[i] = sum_k X[k] cos(pi/24 (2i+7)(2k+1)). Rows 0..2 give
	// y[0..2] (y[5-i] = -y[i]); rows 3..5 give y[6..8] (y[17-i] = y[i]).
	for j := 0; j < 6; j++ {
		i := j
		if j >= 3 {
			i = j + 3
		}
		for k := 0; k < 6; k++ {
			cosShort[j][k] = float32(math.Cos(math.Pi / 24 * float64((2*i+7)*(2*k+1))))
		}
	}
	for i := 0; i < 7; i++ {
		t := math.Tan(float64(i) * math.Pi / 12)
		if i == 6 {
			isRatio[i] = [2]float32{1, 0}
			continue
		}
		isRatio[i] = [2]float32{float32(t / (1 + t)), float32(1 / (1 + t))}
	}
	for i := 0; i < 512; i++ {
		j := i
		if j > 256 {
			j = 512 - i
		}
		v := float64(isoWindow[j]) / 65536
		if i/64%2 == 1 {
			v = -v
		}
		synthWin[i] = float32(v)
	}
	initWinPair()
}
