package mp4

import (
	"offcut/audio"
	"offcut/audio/codec"
)

// Desc declares MP4 audio (M4A, M4B, M4R (sniffed: the extension names the
// ringtone writer, RingtoneDesc), and the audio track of MP4 and
// QuickTime video) to the registry. It writes M4A: AAC-LC (writer.go).
var Desc = codec.Desc{
	Name:       "mp4",
	Label:      "MP4 / M4A",
	Extensions: []string{"m4a", "mp4", "m4b", "m4v", "mov", "3gp"},
	MIME:       []string{"audio/mp4", "audio/x-m4a", "video/mp4", "video/quicktime", "audio/x-m4b"},
	Sniff:      Sniff,
	Open:       func(src audio.Source) (audio.Decoder, error) { return Open(src) },
	Write:      &writer,
}

// RingtoneDesc declares M4R, an iPhone ringtone, to the registry as a
// format of its own, so that it has its own extension and limit: the M4A
// writer's AAC in a file of at most 40 seconds. It is only written (an M4R
// file is read as MP4).
var RingtoneDesc = codec.Desc{
	Name:       "m4r",
	Label:      "M4R (iPhone ringtone)",
	Extensions: []string{"m4r"},
	MIME:       []string{"audio/x-m4r"},
	Write:      &ringtoneWriter,
}

// ringtoneWriter is the M4A writer with the ringtone's length limit.
var ringtoneWriter = func() codec.Writer {
	w := writer
	w.MaxSeconds = 40
	w.SameAsSource = nil
	return w
}()

// Sniff reports whether head starts with a box an MP4 or QuickTime file
// starts with (ftyp, or moov, mdat, free, skip or wide in old QuickTime
// files).
func Sniff(head []byte) bool {
	if len(head) < 8 {
		return false
	}
	switch string(head[4:8]) {
	case "ftyp":
		return true
	case "moov", "mdat", "free", "skip", "wide":
		// Old QuickTime files: a plausible box size.
		n := uint32(head[0])<<24 | uint32(head[1])<<16 | uint32(head[2])<<8 | uint32(head[3])
		return n == 1 || n >= 8
	}
	return false
}
