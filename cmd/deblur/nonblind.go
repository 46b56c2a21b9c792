package main

import (
	"github.com/deblur/deblur/bench"
	"github.com/deblur/deblur/deconv"
)

// ratioMethod is the non-blind method that defines the error ratio of blind
// rows without a non-blind step of their own: the most accurate one with
// the true kernel on the Levin benchmark (bench/RESULTS.md).
const ratioMethod = "irls"

// nonBlindMethods returns every method of package deconv by name, and the
// default error-ratio method.
func nonBlindMethods() (map[string]bench.Deconvolver, string) {
	m := map[string]bench.Deconvolver{}
	for _, name := range deconv.Methods() {
		if run, err := deconv.Lookup(name); err == nil {
			m[name] = bench.Deconvolver(run)
		}
	}
	return m, ratioMethod
}
