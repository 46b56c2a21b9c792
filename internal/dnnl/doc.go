// Package dnnl runs convolutions on oneDNN (Intel's deep-learning
// primitives, Debian's libdnnl-dev): direct convolutions in blocked
// layouts with AVX-512 kernels, about twice the throughput of the
// per-tap OpenBLAS products at the narrow widths deblur's networks use.
//
// It exists only in a cgo build with the dnnl tag (go build -tags dnnl),
// which needs libdnnl-dev at build time; every other build compiles a stub
// whose Available reports false, and package tensor then convolves with
// internal/blas. Callers keep their tensors in plain NCHW layout: each
// call reorders to and from the layouts the primitives chose.
package dnnl
