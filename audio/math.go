package audio

import "math"

func pow10(x float64) float64 { return math.Pow(10, x) }
