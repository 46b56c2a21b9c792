//go:build !dnnl || !cgo || purego

package dnnl

import "errors"

// Available reports whether this build runs its convolutions on oneDNN:
// only a cgo build with the dnnl tag does.
func Available() bool { return false }

// Version is empty in a build without oneDNN.
func Version() string { return "" }

// Convolutions says what runs the convolutions in this build: the
// matrix-product backend.
func Convolutions() string { return "on the gemm backend" }

// FastBF16 is false in a build without oneDNN.
func FastBF16() bool { return false }

// Conv is unavailable in this build.
type Conv struct{}

var errUnavailable = errors.New("onednn: not in this build (build with -tags dnnl)")

// NewConv fails in a build without oneDNN.
func NewConv(n, cin, h, w, cout, kh, kw, stride, pad, threads int, bias, bf16 bool) (*Conv, error) {
	return nil, errUnavailable
}

// ScratchLen is 0.
func (cv *Conv) ScratchLen() int { return 0 }

// KeepLen is 0.
func (cv *Conv) KeepLen() int { return 0 }

// Impl is empty.
func (cv *Conv) Impl() string { return "" }

// Forward panics: there is no Conv in this build.
func (cv *Conv) Forward(x, w, b, y, scratch, keep []float32) { panic(errUnavailable) }

// Backward panics: there is no Conv in this build.
func (cv *Conv) Backward(x, w, dy, dx, dw, db, scratch, keep []float32) { panic(errUnavailable) }
