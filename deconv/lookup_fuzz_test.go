package deconv

import (
	"strings"
	"testing"
)

// FuzzLookup: any -finish / -method text gives a method or an error, never
// a panic, and a method found has a name Lookup knows.
func FuzzLookup(f *testing.F) {
	for _, s := range []string{"irls", "irls:lambda=1e-3,outer=4", "hl-fast:alpha=0.5", "wiener:nsr=0.01",
		"auto", "irls:", "irls:lambda", ":x=1", "irls:lambda=NaN", "hl-fill:iters=-3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Lookup(s)
		if err != nil {
			return
		}
		base, _, _ := strings.Cut(s, ":")
		if d == nil || Name(d) == "" {
			t.Fatalf("Lookup(%q) = %v with no error (base %q)", s, d, base)
		}
	})
}
