package mp3

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"offcut/audio"
)

// TestFrameIndexIsBounded: a stream with more frames than the index holds
// is refused with ErrTooLong instead of growing the index without bound.
func TestFrameIndexIsBounded(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(conformanceDir(t), "l3-compl.bit"))
	if err != nil {
		t.Fatal(err)
	}
	lay, err := Index(audio.NewBytesSource(b))
	if err != nil {
		t.Fatal(err)
	}
	defer func(n int) { maxFrames = n }(maxFrames)
	maxFrames = lay.Len() - 1
	if _, err := Index(audio.NewBytesSource(b)); !errors.Is(err, ErrTooLong) {
		t.Fatalf("Index of %d frames with room for %d: %v, want ErrTooLong", lay.Len(), maxFrames, err)
	}
}
