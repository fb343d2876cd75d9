package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"offcut/audio"
	"offcut/audio/codec"
	"offcut/audio/codecs"
	"offcut/audio/crypt"
	"offcut/audio/project"
)

// engineError is an error as it crosses to JavaScript: a stable Code the
// UI may act on, a Message in plain words for people, and the engine's own
// wording as Detail (for a "details" disclosure and bug reports). The UI
// never parses error text.
type engineError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Detail  string `json:"detail"`
	// MaxSeconds is, with codeTooLong, the longest output the format
	// holds, which the UI may offer to select.
	MaxSeconds int `json:"maxSeconds,omitempty"`
}

// The codes.
const (
	codeUnknownFormat = "unknown_format" // not audio Offcut opens
	codeUnsupported   = "unsupported"    // a known format, a variant Offcut cannot decode
	codeMalformed     = "malformed"      // damaged or truncated
	codeNoAudio       = "no_audio"       // well formed, no audio in it
	codeNeedsEncoder  = "needs_encoder"  // the output format cannot carry this edit
	codeInvalidEdit   = "invalid_edit"   // the edit does not fit the files
	codeTooLong       = "too_long"       // longer than the output format holds (MaxSeconds)
	codeChangedFile   = "changed_file"   // a file differs from the one the edit was made on
	codeReadFailed    = "read_failed"    // the browser could not read the file
	codeCanceled      = "canceled"
	codeWrongKey      = "wrong_key"     // a password or key that does not open the data
	codeBadCiphertext = "bad_encrypted" // encrypted data damaged, truncated or out of bounds
	codeInternal      = "internal"
)

// fileError is an error about one input file.
type fileError struct {
	name string
	err  error
}

func (e *fileError) Error() string { return e.name + ": " + e.err.Error() }
func (e *fileError) Unwrap() error { return e.err }

// errChangedFile is wrapped when an input's size differs from the
// document's.
var errChangedFile = errors.New("the file is not the one the edit was made on")

// readableLabels lists the formats Offcut opens, for messages.
func readableLabels() string {
	var names []string
	for _, f := range codecs.List() {
		if f.Reads {
			names = append(names, f.Label)
		}
	}
	if len(names) > 1 {
		return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
	}
	return strings.Join(names, "")
}

// explain turns an engine error into what the UI shows.
func explain(err error) engineError {
	e := engineError{Code: codeInternal, Detail: err.Error()}
	the := "The file"
	var fe *fileError
	if errors.As(err, &fe) {
		the = fe.name
	}
	var tooLong *project.TooLongError
	var cover *project.CoverError
	switch {
	case errors.Is(err, project.ErrCanceled):
		e.Code, e.Message = codeCanceled, "Cancelled."
	case errors.Is(err, errChangedFile):
		e.Code, e.Message = codeChangedFile, fmt.Sprintf("%s is not the file this edit was made on (its size differs). Open the original file.", the)
	case errors.Is(err, crypt.ErrWrongKey):
		e.Code, e.Message = codeWrongKey, "The password or key does not open this, or the encrypted data was changed."
	case errors.Is(err, crypt.ErrMalformed), errors.Is(err, crypt.ErrTooLarge):
		e.Code, e.Message = codeBadCiphertext, "The encrypted data or key is damaged or incomplete, so Offcut cannot decrypt it."
	case errors.Is(err, codecs.ErrUnknownFormat):
		e.Code, e.Message = codeUnknownFormat, fmt.Sprintf("%s is not an audio file Offcut can open. Offcut opens %s files.", the, readableLabels())
	case errors.Is(err, codec.ErrNoAudio):
		e.Code, e.Message = codeNoAudio, fmt.Sprintf("%s has no audio in it.", the)
	case errors.Is(err, codec.ErrUnsupported):
		e.Code, e.Message = codeUnsupported, fmt.Sprintf("%s stores its audio in a way Offcut cannot decode yet (%s).", the, innermost(err))
	case errors.Is(err, codec.ErrMalformed), errors.Is(err, io.ErrUnexpectedEOF):
		e.Code, e.Message = codeMalformed, fmt.Sprintf("%s is damaged or incomplete, so Offcut cannot read it.", the)
	case errors.Is(err, project.ErrNeedsEncoder):
		e.Code, e.Message = codeNeedsEncoder, "This edit cannot be saved in that format without re-encoding, which Offcut cannot do for it yet. Choose WAV (or another format) to export it."
	case errors.As(err, &tooLong):
		e.Code, e.MaxSeconds = codeTooLong, tooLong.MaxSeconds
		e.Message = fmt.Sprintf("%s holds at most %d seconds, and this is %s long. Export a part of at most %d seconds, or choose another format.", tooLong.Format, tooLong.MaxSeconds, audio.FormatTime(tooLong.Frames, tooLong.Rate), tooLong.MaxSeconds)
	case errors.As(err, &cover) && cover.TooLarge():
		e.Code, e.Message = codeInvalidEdit, fmt.Sprintf("The cover image is %.1f MiB; Offcut stores covers of up to %d MiB. Choose a smaller image.", float64(cover.Size)/(1<<20), project.MaxCoverBytes>>20)
	case cover != nil:
		e.Code, e.Message = codeInvalidEdit, "The cover must be a JPEG or PNG image. Choose one, or save the picture as JPEG or PNG first."
	case errors.Is(err, project.ErrInvalid):
		e.Code, e.Message = codeInvalidEdit, "This edit does not fit the files it was made for (a part is empty or past the end of a file). Check the selection and try again."
	case fe != nil:
		e.Code, e.Message = codeReadFailed, fmt.Sprintf("Offcut could not read %s. Was it moved, changed or deleted?", fe.name)
	default:
		e.Message = "Something went wrong inside Offcut. The details below help us fix it."
	}
	return e
}

// innermost is the last part of a wrapped error's text ("wav:
// unsupported encoding: ADPCM" gives "ADPCM"), which names the variant.
func innermost(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}
