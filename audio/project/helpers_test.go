package project_test

import "math"

func logE(x float64) float64 { return math.Log(x) }
