package project

import (
	"fmt"
	"math"
	"strings"
)

// Curve names the shape of a fade or crossfade.
type Curve string

// The curves. For a fade of L frames, frame k (0-based) of a fade-in gets
// gain f((k+0.5)/L) and frame k of a fade-out gets f(1-(k+0.5)/L), where f
// is the curve below. Sampling at frame centres makes every fade-out the
// exact mirror of the fade-in, and makes crossfades complementary.
const (
	// Linear: f(x) = x. Crossfades keep the sum of amplitudes constant
	// (right for correlated material).
	Linear Curve = "linear"
	// EqualPower: f(x) = sin(πx/2). Crossfades keep power constant (right
	// for uncorrelated material); the default.
	EqualPower Curve = "equal-power"
	// Logarithmic: the gain rises linearly in decibels over 60 dB,
	// f(x) = (1000^x − 1)/999, so it starts at exactly 0 and ends at 1.
	Logarithmic Curve = "logarithmic"
	// SCurve: f(x) = (1 − cos πx)/2, a raised cosine: slow, fast, slow.
	SCurve Curve = "s-curve"
)

// Curves lists every curve name.
var Curves = []Curve{Linear, EqualPower, Logarithmic, SCurve}

// DefaultCurve is the curve of a fade or crossfade that names none.
const DefaultCurve = EqualPower

// Label is the curve's name for people ("Equal power").
func (c Curve) Label() string {
	switch c {
	case Linear:
		return "Linear"
	case EqualPower:
		return "Equal power"
	case Logarithmic:
		return "Logarithmic"
	case SCurve:
		return "S-curve"
	}
	return string(c)
}

// CurveChoice is a curve as a menu offers it.
type CurveChoice struct {
	Name    Curve  `json:"name"`
	Label   string `json:"label"`
	Default bool   `json:"default,omitempty"`
}

// CurveChoices lists the curves for menus, the default first.
func CurveChoices() []CurveChoice {
	out := []CurveChoice{{DefaultCurve, DefaultCurve.Label(), true}}
	for _, c := range Curves {
		if c != DefaultCurve {
			out = append(out, CurveChoice{Name: c, Label: c.Label()})
		}
	}
	return out
}

// Validate reports whether c names a curve ("" means the default).
func (c Curve) Validate() error {
	if c == "" {
		return nil
	}
	for _, k := range Curves {
		if c == k {
			return nil
		}
	}
	names := make([]string, len(Curves))
	for i, k := range Curves {
		names[i] = string(k)
	}
	return fmt.Errorf("%q is not one of %s", string(c), strings.Join(names, ", "))
}

// Gain is f(x) for x in [0, 1].
func (c Curve) Gain(x float64) float64 {
	switch c {
	case Linear:
		return x
	case Logarithmic:
		return (math.Pow(1000, x) - 1) / 999
	case SCurve:
		return (1 - math.Cos(math.Pi*x)) / 2
	default:
		return math.Sin(math.Pi / 2 * x)
	}
}
