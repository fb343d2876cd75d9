package mp3format

import (
	"offcut/audio/codec/lame"
	"offcut/audio/codec/mp3edit"
)

// Reencode encodes the stretch of frames at a junction with LAME at the
// source's rate, channel mode and (constant) bitrate; see
// mp3edit.Reencoder.
func Reencode(spec mp3edit.Spec, pcm func(delay int) ([]float32, error)) ([]byte, error) {
	opt := lame.Options{Rate: spec.Rate, Channels: spec.Channels, Bitrate: spec.Kbps}
	switch spec.Mode {
	case 0, 2:
		opt.Mode = lame.Stereo
	case 1:
		opt.Mode = lame.JointStereo
	default:
		opt.Mode = lame.Mono
	}
	e, err := lame.NewEncoder(opt)
	if err != nil {
		return nil, err
	}
	defer e.Close()
	x, err := pcm(e.Delay())
	if err != nil {
		return nil, err
	}
	b, err := e.Encode(x)
	if err != nil {
		return nil, err
	}
	tail, err := e.Flush()
	if err != nil {
		return nil, err
	}
	return append(b, tail...), nil
}
