package wav

import (
	"offcut/audio"
	"offcut/audio/codec"
)

// Desc declares WAV (RIFF, RF64 and BW64 WAVE files) to the registry.
var Desc = codec.Desc{
	Name:       "wav",
	Label:      "WAV",
	Extensions: []string{"wav", "wave", "bwf", "rf64"},
	MIME:       []string{"audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"},
	Lossless:   true,
	Sniff:      Sniff,
	Open:       func(src audio.Source) (audio.Decoder, error) { return Open(src) },
	Write:      &writer,
}

// Sniff reports whether head starts a RIFF, RF64 or BW64 WAVE file.
func Sniff(head []byte) bool {
	if len(head) < 12 || string(head[8:12]) != "WAVE" {
		return false
	}
	switch string(head[:4]) {
	case "RIFF", "RF64", "BW64":
		return true
	}
	return false
}
