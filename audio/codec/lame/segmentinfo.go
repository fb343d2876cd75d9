package lame

import "offcut/audio/codec/mp3"

// Segment is what EncodeSegment wrote.
type Segment struct {
	// Header is the first frame's header.
	Header mp3.Header
	// Sizes are the frames' byte sizes, in order.
	Sizes []uint16
	// CBR is true when every frame has the same bitrate.
	CBR bool
	// Delay is the encoder's delay (Encoder.Delay): a whole encode's
	// first frame starts that many samples before the output.
	Delay int
	// Before is each channel's window (mp3.Windows) in the last granule
	// before the first frame, as this encoder chose it in the pre-roll
	// (zero without one); Last is each channel's window in the last
	// frame's last granule. Where one segment's Last is the next one's
	// Before, a decoder overlaps their windows as it would the whole
	// encode's.
	Before, Last [2]uint8
}

// SegmentLead and SegmentTail are the pre-roll and tail, in samples, a
// segment of a segmented encode is given before and after it
// (EncodeSegment), fewer at the output's ends: four and two MPEG-1
// frames. The tail covers the encoder's look-ahead (LAME encodes a frame
// once it holds 1904 samples from the frame's start: the segment's last
// frame reads 224 samples past the segment); the lead, eight granules,
// settles the filter bank (512 samples of memory) and the
// psychoacoustic model's window decisions, which look one granule back.
const (
	SegmentLead = 4 * 1152
	SegmentTail = 2 * 1152
)
