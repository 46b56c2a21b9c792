package main

import "github.com/deblur/deblur/bench"

// nonBlindMethods returns the non-blind deconvolution methods by name and
// the one that defines the error ratio by default. None until package
// deconv is merged.
func nonBlindMethods() (map[string]bench.Deconvolver, string) {
	return map[string]bench.Deconvolver{}, ""
}
