package mp4

// SetAACBatch sets the AAC batch size for a test and returns the old one,
// so that short files cross batch boundaries.
func SetAACBatch(n int) int {
	old := aacBatch
	aacBatch = n
	return old
}
