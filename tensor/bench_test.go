package tensor

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/deblur/deblur/internal/blas"
	"github.com/deblur/deblur/internal/dnnl"
)

// The design's reference workload: a 3x3 convolution, 128 -> 128 channels, on
// a 144x144 image (reflection-padded to 146x146), forward and both backward
// products: 3 x 2 x 128 x 128 x 9 x 144 x 144 = 18.35 GFLOP.
const (
	benchC, benchHW = 128, 144
	benchFlop       = 3 * 2 * benchC * benchC * 9 * benchHW * benchHW
)

func reportGFLOPs(b *testing.B, flop float64) {
	b.ReportMetric(flop*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N), "ms/op")
}

// benchThreads is the goroutine count of the engine benchmarks' products:
// the machine's (GOMAXPROCS).
var benchThreads = runtime.GOMAXPROCS(0)

// BenchmarkConv3x3 runs the convolution forward and backward on a tape
// whose products use every core.
func BenchmarkConv3x3(b *testing.B) {
	benchConv(b, benchC, benchC, benchHW, benchThreads, false)
	reportGFLOPs(b, benchFlop)
}

// BenchmarkConvDefaultGx is the largest convolution of the Default
// preset's Gx at Levin size, 40 -> 32 channels (skip and decoder
// concatenated) at 283x283, forward and backward on one thread, as each of
// the default's two fits runs it; BenchmarkConvDefaultGxBF16 asks for
// bfloat16 (the same unless oneDNN runs bfloat16 here).
func BenchmarkConvDefaultGx(b *testing.B)     { benchConv(b, 40, 32, 281, 1, false) }
func BenchmarkConvDefaultGxBF16(b *testing.B) { benchConv(b, 40, 32, 281, 1, true) }

// benchConv times a 3x3 convolution of a (hw+2) square input with cin
// channels to cout, forward and backward (input, weight and bias
// gradients), the input's gradient new each pass as in a network.
func benchConv(b *testing.B, cin, cout, hw, threads int, bf16 bool) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := randParam(rng, -1, 1, 1, cin, hw+2, hw+2)
	w := randParam(rng, -0.03, 0.03, cout, cin, 3, 3)
	bias := randParam(rng, -0.03, 0.03, cout)
	tp := NewTape()
	tp.Threads = threads
	tp.BF16 = bf16
	b.Logf("backend: %s; oneDNN: %v (bfloat16 fast: %v)", blas.Backend(), dnnl.Available(), dnnl.FastBF16())
	b.ResetTimer()
	for b.Loop() {
		tp.Reset()
		x.Grad = nil
		y := Conv2D(tp, x, w, bias, 1, 0)
		y.Grad = tp.alloc(y.Len())
		for i := range y.Grad {
			y.Grad[i] = 1e-3
		}
		for i := len(tp.backs) - 1; i >= 0; i-- {
			tp.backs[i]()
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N), "ms/op")
}

// BenchmarkConv3x3GEMMs runs only the 27 GEMMs the convolution performs
// (9 taps x forward, weight gradient, input gradient), the bound the
// convolution can approach.
func BenchmarkConv3x3GEMMs(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	h, wd := benchHW+2, benchHW+2
	x := randTensor(rng, -1, 1, benchC, h, wd).Data
	dx := make([]float32, len(x))
	taps := randTensor(rng, -1, 1, 9, benchC, benchC).Data
	gtaps := make([]float32, len(taps))
	gridLen := benchHW * wd
	ncols := gridLen - 2
	grid := randTensor(rng, -1, 1, benchC, gridLen).Data
	b.ResetTimer()
	for b.Loop() {
		for t := 0; t < 9; t++ {
			off := (t/3)*wd + t%3
			w := taps[t*benchC*benchC : (t+1)*benchC*benchC]
			blas.Gemm(benchThreads, false, false, benchC, ncols, benchC, 1, w, benchC, x[off:], h*wd, 1, grid, gridLen)
			blas.Gemm(benchThreads, false, true, benchC, benchC, ncols, 1, grid, gridLen, x[off:], h*wd, 1, gtaps[t*benchC*benchC:(t+1)*benchC*benchC], benchC)
			blas.Gemm(benchThreads, true, false, benchC, ncols, benchC, 1, w, benchC, grid, gridLen, 1, dx[off:], h*wd)
		}
	}
	reportGFLOPs(b, benchFlop)
}

// BenchmarkGEMM128 is one plain GEMM of the convolution's size with K = 9 x
// 128 (what an im2col convolution would run), for comparison.
func BenchmarkGEMMIm2colShape(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 3))
	n, k := benchHW*benchHW, 9*benchC
	a := randTensor(rng, -1, 1, benchC, k).Data
	bb := randTensor(rng, -1, 1, k, n).Data
	c := make([]float32, benchC*n)
	b.ResetTimer()
	for b.Loop() {
		blas.Gemm(benchThreads, false, false, benchC, n, k, 1, a, k, bb, n, 0, c, n)
	}
	reportGFLOPs(b, 2*float64(benchC)*float64(n)*float64(k))
}

// benchBlur runs a forward and backward of SelfDeblur's blur at Levin size,
// a 255x255 output from a (254+k)x(254+k) image and a k x k kernel, on one
// thread, as each of two concurrent fits does.
func benchBlur(b *testing.B, k int, conv func(tp *Tape, x, w *Tensor) *Tensor) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := randParam(rng, 0, 1, 1, 1, 254+k, 254+k)
	w := randParam(rng, 0, 1, 1, 1, k, k)
	tp := NewTape()
	for b.Loop() {
		tp.Reset()
		x.ZeroGrad()
		w.ZeroGrad()
		y := conv(tp, x, w)
		if err := tp.Backward(Sum(tp, Mul(tp, y, y))); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N), "ms/op")
}

// BenchmarkBlurDirect and BenchmarkBlurFFT compare Conv2D and Conv2DFFT on
// the blur for the kernel sizes of the Levin benchmark and the automatic
// 31 x 31 frame (selfdeblur's fftBlurTaps is set from them).
func BenchmarkBlurDirect(b *testing.B) {
	for _, k := range []int{11, 15, 17, 27, 31} {
		b.Run(fmt.Sprintf("k%d", k), func(b *testing.B) {
			benchBlur(b, k, func(tp *Tape, x, w *Tensor) *Tensor { return Conv2D(tp, x, w, nil, 1, 0) })
		})
	}
}

func BenchmarkBlurFFT(b *testing.B) {
	for _, k := range []int{11, 15, 17, 27, 31} {
		b.Run(fmt.Sprintf("k%d", k), func(b *testing.B) { benchBlur(b, k, Conv2DFFT) })
	}
}
