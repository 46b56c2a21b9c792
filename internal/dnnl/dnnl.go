//go:build dnnl && cgo && !purego

package dnnl

/*
#cgo LDFLAGS: -ldnnl -lgomp
#include <stdlib.h>
#include "conv.h"
*/
import "C"

import (
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

// Available reports whether this build runs its convolutions on oneDNN.
func Available() bool { return true }

// Version names the oneDNN library loaded and the instruction set its
// kernels use on this CPU.
func Version() string {
	v := C.dnnl_version()
	return fmt.Sprintf("oneDNN %d.%d.%d, %s", v.major, v.minor, v.patch, isaName())
}

// Convolutions says what runs the convolutions in this build: oneDNN,
// its version and instruction set (1x1 kernels stay on the matrix-product
// backend).
func Convolutions() string { return Version() + " (1x1 kernels on the gemm backend)" }

// isaName names the widest instruction set oneDNN dispatches to here.
func isaName() string {
	switch isa := C.dnnl_get_effective_cpu_isa(); isa {
	case C.dnnl_cpu_isa_avx512_core_amx:
		return "avx512_core_amx"
	case C.dnnl_cpu_isa_avx512_core_bf16:
		return "avx512_core_bf16"
	case C.dnnl_cpu_isa_avx512_core_vnni:
		return "avx512_core_vnni"
	case C.dnnl_cpu_isa_avx512_core:
		return "avx512_core"
	case C.dnnl_cpu_isa_avx2_vnni:
		return "avx2_vnni"
	case C.dnnl_cpu_isa_avx2:
		return "avx2"
	default:
		return fmt.Sprintf("isa 0x%x", int(isa))
	}
}

// FastBF16 reports whether this CPU has bfloat16 instructions (AVX-512
// BF16 or AMX) for oneDNN's kernels; elsewhere bfloat16 convolutions would
// be emulated, slower than float32.
func FastBF16() bool {
	isa := C.dnnl_get_effective_cpu_isa()
	return isa == C.dnnl_cpu_isa_avx512_core_bf16 || isa == C.dnnl_cpu_isa_avx512_core_amx
}

// Conv is one convolution shape's oneDNN primitives (forward, backward
// data, backward weights) and the reorders between the caller's NCHW
// arrays and the layouts they chose. It holds no data: each call takes the
// caller's arrays and a scratch buffer of ScratchLen values. A Conv must
// not be used by two goroutines at once; two Convs of one shape may run
// concurrently.
type Conv struct {
	c       *C.dconv
	bias    bool
	threads int
}

// NewConv plans a convolution of an n x cin x h x w input by cout x cin x
// kh x kw weights with the given stride and zero padding, with a bias when
// bias is set, on threads threads (oneDNN fixes a primitive's thread count
// when it creates it). bf16 runs the products in bfloat16 (inputs rounded,
// sums in float32). It fails when oneDNN has no implementation for the
// shape.
func NewConv(n, cin, h, w, cout, kh, kw, stride, pad, threads int, bias, bf16 bool) (*Conv, error) {
	var c *C.dconv
	rc := C.dconv_new(&c, C.int(n), C.int(cin), C.int(h), C.int(w), C.int(cout), C.int(kh), C.int(kw),
		C.int(stride), C.int(pad), cbool(bias), cbool(bf16), C.int(max(threads, 1)))
	if rc != 0 {
		C.dconv_free(c)
		return nil, fmt.Errorf("onednn: convolution %dx%dx%dx%d by %dx%dx%dx%d stride %d pad %d: status %d",
			n, cin, h, w, cout, cin, kh, kw, stride, pad, int(rc))
	}
	cv := &Conv{c: c, bias: bias, threads: max(threads, 1)}
	runtime.AddCleanup(cv, func(c *C.dconv) { C.dconv_free(c) }, c)
	return cv, nil
}

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// ScratchLen is the number of float32 values of the scratch buffer every
// call needs; its contents do not matter between calls.
func (cv *Conv) ScratchLen() int { return (int(cv.c.scratch) + 3) / 4 }

// KeepLen is the number of float32 values of the keep buffer: Forward
// leaves in it the input and weights in the primitives' layouts, and
// Backward for the same x and w must get it back untouched.
func (cv *Conv) KeepLen() int { return (int(cv.c.keep) + 3) / 4 }

// Impl names the forward primitive's implementation (e.g. "jit:avx512_core").
func (cv *Conv) Impl() string { return C.GoString(C.dconv_impl(cv.c)) }

func ptr(s []float32) *C.float {
	if len(s) == 0 {
		return nil
	}
	return (*C.float)(unsafe.Pointer(&s[0]))
}

func scratchPtr(s []float32) *C.char {
	if len(s) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(&s[0]))
}

// Forward writes the convolution of x by w (plus b when planned with a
// bias) to y, leaving in keep what Backward needs.
func (cv *Conv) Forward(x, w, b, y, scratch, keep []float32) {
	rc := C.dconv_forward(cv.c, ptr(x), ptr(w), ptr(b), ptr(y), scratchPtr(scratch), scratchPtr(keep))
	runtime.KeepAlive(cv)
	if rc != 0 {
		panic(fmt.Sprintf("onednn: convolution forward: status %d", int(rc)))
	}
}

// Backward writes the gradients of the input (dx), of the weights (dw) and
// of the bias (db, when planned with a bias) for the output gradient dy,
// overwriting them. dx or dw nil skips that product; db is needed with dw
// when the plan has a bias. keep is the forward pass's for this x and w.
// Each product runs on one thread (the weight gradient's sum would
// otherwise depend on the thread count); planned for two threads or more,
// the two run side by side.
func (cv *Conv) Backward(x, w, dy, dx, dw, db, scratch, keep []float32) {
	var rcData, rcWeights C.int
	weights := func() {
		rcWeights = C.dconv_backward_weights(cv.c, ptr(x), ptr(dy), ptr(dw), ptr(db), scratchPtr(scratch), scratchPtr(keep))
	}
	switch {
	case dx != nil && dw != nil && cv.threads > 1:
		var wg sync.WaitGroup
		wg.Go(weights)
		rcData = C.dconv_backward_data(cv.c, ptr(w), ptr(dy), ptr(dx), scratchPtr(scratch), scratchPtr(keep))
		wg.Wait()
	default:
		if dx != nil {
			rcData = C.dconv_backward_data(cv.c, ptr(w), ptr(dy), ptr(dx), scratchPtr(scratch), scratchPtr(keep))
		}
		if dw != nil {
			weights()
		}
	}
	runtime.KeepAlive(cv)
	if rcData != 0 || rcWeights != 0 {
		panic(fmt.Sprintf("onednn: convolution backward: status %d, %d", int(rcData), int(rcWeights)))
	}
}
