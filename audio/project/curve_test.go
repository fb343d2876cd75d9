package project_test

import (
	"testing"

	"offcut/audio/project"
)

// TestCurveChoices checks the menu list the app builds its curve menus
// from: every curve once, each with a label of its own, the default first.
func TestCurveChoices(t *testing.T) {
	got := project.CurveChoices()
	if len(got) != len(project.Curves) {
		t.Fatalf("%d choices for %d curves", len(got), len(project.Curves))
	}
	if got[0].Name != project.DefaultCurve || !got[0].Default {
		t.Errorf("the first choice is %+v, want the default %q", got[0], project.DefaultCurve)
	}
	seen := map[string]bool{}
	for i, c := range got {
		if err := c.Name.Validate(); err != nil {
			t.Errorf("choice %d: %v", i, err)
		}
		if c.Label == "" || c.Label == string(c.Name) || seen[c.Label] {
			t.Errorf("choice %d: label %q for %q", i, c.Label, c.Name)
		}
		seen[c.Label] = true
		if i > 0 && c.Default {
			t.Errorf("choice %d (%q) is a second default", i, c.Name)
		}
	}
	// The default is what a fade without a curve gets.
	for _, x := range []float64{0.1, 0.5, 0.9} {
		if project.Curve("").Gain(x) != project.DefaultCurve.Gain(x) {
			t.Errorf("at %g an unnamed curve is not the default's", x)
		}
	}
}
