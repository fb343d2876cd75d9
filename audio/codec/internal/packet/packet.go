// Package packet is the boundary between containers (Ogg, Matroska) and
// the packet decoders of the codecs they carry (Vorbis, Opus): a codec is
// set up from its header packets, then turns audio packets into samples,
// and the container places those samples in time from its own timestamps
// (granule positions, block timecodes).
package packet

// Decoder decodes the audio packets of one stream.
type Decoder interface {
	// Rate and Channels describe the decoded samples.
	Rate() int
	Channels() int
	// Decode decodes one audio packet, appending its interleaved samples
	// to dst. A packet decoded after Reset may give fewer samples than in
	// a continuous decode (Vorbis gives none: it only primes the overlap).
	Decode(dst []float32, pkt []byte) ([]float32, error)
	// Reset forgets the state carried from packet to packet, before
	// decoding from a new position.
	Reset()
}

// vorbisToWAV maps, for 3 to 8 channels, each WAV-order output channel to
// its index in the Vorbis channel order (Vorbis I spec §4.3.9, also used by
// Opus mapping family 1).
var vorbisToWAV = [9][]int{
	3: {0, 2, 1},
	5: {0, 2, 1, 3, 4},
	6: {0, 2, 1, 5, 3, 4},
	7: {0, 2, 1, 6, 5, 3, 4},
	8: {0, 2, 1, 7, 5, 6, 3, 4},
}

// VorbisToWAV reorders interleaved samples in the Vorbis channel order to
// the WAV order the engine uses (FL FR FC LFE BL BR SL SR), in place.
func VorbisToWAV(s []float32, channels int) {
	if channels >= len(vorbisToWAV) || vorbisToWAV[channels] == nil {
		return
	}
	m := vorbisToWAV[channels]
	var tmp [8]float32
	for i := 0; i+channels <= len(s); i += channels {
		f := s[i : i+channels]
		copy(tmp[:], f)
		for o, v := range m {
			f[o] = tmp[v]
		}
	}
}

// WAVToVorbis reorders interleaved samples in the engine's WAV order to
// the Vorbis channel order (the inverse of VorbisToWAV), in place.
func WAVToVorbis(s []float32, channels int) {
	if channels >= len(vorbisToWAV) || vorbisToWAV[channels] == nil {
		return
	}
	m := vorbisToWAV[channels]
	var tmp [8]float32
	for i := 0; i+channels <= len(s); i += channels {
		f := s[i : i+channels]
		copy(tmp[:], f)
		for o, v := range m {
			f[v] = tmp[o]
		}
	}
}
