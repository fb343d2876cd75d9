package codecs

// Preset is a named set of output settings for a common job.
type Preset struct {
	// Name is the key in the CLI (--preset) and the app.
	Name string `json:"name"`
	// Label is how people read it.
	Label string `json:"label"`
	// Format is the output format's registry name.
	Format string `json:"format"`
	// Options are the format's settings.
	Options map[string]string `json:"options,omitempty"`
	// SampleRate, Channels and SampleFormat, when set, fix the output's
	// layout.
	SampleRate   int    `json:"sampleRate,omitempty"`
	Channels     int    `json:"channels,omitempty"`
	SampleFormat string `json:"sampleFormat,omitempty"`
}

// Presets are the ready-made output settings, for formats the registry
// writes.
var Presets = []Preset{
	{Name: "podcast", Label: "Podcast (MP3 mono 64 kbit/s)", Format: "mp3", Options: map[string]string{"quality": "64", "mode": "mono"}, Channels: 1},
	{Name: "music", Label: "Music (MP3 V2)", Format: "mp3", Options: map[string]string{"quality": "v2"}},
	{Name: "voice", Label: "Voice (Opus mono 24 kbit/s)", Format: "opus", Options: map[string]string{"bitrate": "24", "application": "voice"}, Channels: 1},
	{Name: "archive", Label: "Archive (FLAC level 8)", Format: "flac", Options: map[string]string{"level": "8"}},
	{Name: "cd", Label: "CD (WAV 44.1 kHz 16-bit stereo)", Format: "wav", SampleRate: 44100, Channels: 2, SampleFormat: "s16"},
	{Name: "ringtone", Label: "iPhone ringtone (M4R, AAC 128 kbit/s, at most 40 s)", Format: "m4r", Options: map[string]string{"bitrate": "128"}},
}

// LookupPreset finds a preset by name, or nil.
func LookupPreset(name string) *Preset {
	for i := range Presets {
		if Presets[i].Name == name {
			return &Presets[i]
		}
	}
	return nil
}
