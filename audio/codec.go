package audio

// Info describes an opened audio file.
type Info struct {
	// Container is the file type: "wav", "mp3", "flac", ...
	Container string `json:"container"`
	// Codec names how the samples are stored: "pcm_s16le", "mp3", ...
	Codec string `json:"codec"`
	// Format is the layout of the decoded samples. For PCM files it is the
	// stored layout; for compressed files Bits is the nominal depth.
	Format Format `json:"format"`
	// Frames is the exact number of frames the file decodes to.
	Frames int64 `json:"frames"`
	// Tags are the file's metadata (title, artist, ...), by lower-case key.
	Tags map[string]string `json:"tags,omitempty"`
	// Pictures are embedded images (cover art), at most MaxPictureBytes
	// each.
	Pictures []Picture `json:"pictures,omitempty"`
	// Warnings are things the decoder tolerated (a truncated data chunk, a
	// size field it had to ignore), in plain words.
	Warnings []string `json:"warnings,omitempty"`
}

// Decoder is an opened audio file: its description and random access to its
// frames. Opening reads only headers.
type Decoder interface {
	// Info describes the file.
	Info() Info
	// Stream decodes frames [from, to) of the file.
	Stream(from, to int64) (Stream, error)
}

// PCMLayout is implemented by decoders of uncompressed files whose frame i
// is stored at Offset + i*Format.BytesPerFrame() of the source, so that
// byte-rearranging edits can be planned as ranges of the source.
type PCMLayout interface {
	// PCMData returns where the samples start and how they are stored.
	PCMData() (offset int64, f Format)
}

// MaxPictureBytes bounds an embedded picture a decoder loads; larger ones
// are listed with Data nil.
const MaxPictureBytes = 16 << 20

// Picture is an embedded image (cover art).
type Picture struct {
	// MIME is the image's media type ("image/jpeg").
	MIME string `json:"mime"`
	// Type is the ID3/FLAC picture type (3 is the front cover).
	Type int `json:"type"`
	// Description is the picture's caption, if any.
	Description string `json:"description,omitempty"`
	// Size is the image's size in bytes.
	Size int64 `json:"size"`
	// Data is the image, nil when it was over MaxPictureBytes.
	Data []byte `json:"-"`
}
