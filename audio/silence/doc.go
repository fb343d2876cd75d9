// Package silence finds the leading and trailing silence of a recording,
// for the recorder's auto-trim and `offcut trim-silence`.
//
// The definition, exact to the frame (the tests hold the code to it):
//
//   - The threshold T is in dBFS; its linear level is a = 10^(T/20), where a
//     full-scale sample is 1.0 (0 dBFS).
//   - A frame is silent when every one of its channels' decoded samples x
//     has |x| <= a. A NaN sample is never silent.
//   - The leading silence is the run of silent frames that begins at frame
//     0 and ends before the first frame that is not silent; the trailing
//     silence is the run that ends at the last frame and begins after the
//     last frame that is not silent.
//   - A run is trimmed only when it is at least Min frames long; a shorter
//     one is kept (it is a pause, not dead air). Min 0 trims any run.
//   - What remains is frames [From, To) of the input: From is the length of
//     the trimmed leading run (or 0), To is the frame count less the length
//     of the trimmed trailing run (or the frame count).
//   - A recording silent throughout has no sound to keep: From = To = 0 and
//     AllSilent is set (whatever Min is).
//
// Samples are the decoder's float32 output (integer PCM scaled to [-1, 1) as
// in package pcm), so a 16-bit sample s is silent at T when |s|/32768 <= a.
//
// The scan reads forward from the start until the first sound and backward
// from the end, in blocks, until the last sound: a long recording with
// sound near both ends costs two short reads, not a whole decode.
package silence
