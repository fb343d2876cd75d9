package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"offcut/audio"
)

// MaxCoverBytes bounds a --cover image (an ID3 tag holds at most
// id3.MaxTagSize; a cover of over 16 MiB is a mistake).
const MaxCoverBytes = 16 << 20

// readSmall reads a whole small file: a document or a cover image. It
// refuses FIFOs and devices before opening them (so `/dev/zero` or a pipe
// without a writer cannot exhaust memory or block) and files over limit
// before reading them; the read itself is bounded too, in case the file
// grows meanwhile. what names the file in errors ("document").
func readSmall(path, what string, limit int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	if err := audio.CheckRegular(path, st); err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("%s: %s is over %s", path, what, mib(limit))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	if err := audio.CheckRegular(path, st); err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: %s is over %s", path, what, mib(limit))
	}
	return b, nil
}

func mib(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// safeSourcePath refuses a document's source name that reaches outside the
// document's folder: an absolute path (or a Windows volume), or one with a
// ".." element. A document from elsewhere must not read arbitrary files
// into its output.
func safeSourcePath(name string) error {
	slashed := strings.ReplaceAll(name, "\\", "/")
	switch {
	case name == "":
		return errors.New("is empty")
	case filepath.IsAbs(name) || strings.HasPrefix(slashed, "/") || filepath.VolumeName(name) != "":
		return errors.New("is an absolute path")
	}
	for _, e := range strings.Split(slashed, "/") {
		if e == ".." {
			return errors.New("goes up through ..")
		}
	}
	return nil
}

// escapeText makes text from a file safe to print on a terminal: control
// characters (C0, DEL, C1), bidirectional overrides and invalid UTF-8 are
// written as Go escapes (\x1b, \n, \u202e), so a tag cannot move the
// cursor, retitle the window or reorder what follows.
func escapeText(s string) string {
	clean := true
	for _, r := range s {
		if needsEscape(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i, w := 0, 0; i < len(s); i += w {
		r, n := utf8.DecodeRuneInString(s[i:])
		w = n
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case needsEscape(r):
			q := strconv.QuoteRuneToASCII(r) // '\x1b', '\n', '\u202e'
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func needsEscape(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError ||
		unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029'
}
