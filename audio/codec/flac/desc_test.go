package flac

import "testing"

func TestSniff(t *testing.T) {
	for _, c := range []struct {
		head string
		want bool
	}{
		{"fLaC\x00\x00\x00\x22", true},
		{"ID3\x04\x00\x00\x00\x00\x00\x03abcfLaC", true},
		{"ID3\x04\x00\x10\x00\x00\x00\x03abc0123456789fLaC", true}, // with footer
		{"ID3\x04\x00\x00\x00\x00\x00\x03abcRIFF", false},
		{"ID3\x04\x00\x00\x00\x00\x7f\x7f", false},
		{"fLa", false},
		{"RIFF\x00\x00\x00\x00WAVE", false},
		{"\xff\xf8\x69\x08", false}, // a bare frame header: not claimed
		{"", false},
	} {
		if got := Sniff([]byte(c.head)); got != c.want {
			t.Errorf("Sniff(%q) = %v, want %v", c.head, got, c.want)
		}
	}
}
