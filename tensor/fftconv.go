package tensor

import (
	"fmt"

	"github.com/deblur/deblur/internal/fft2"
)

// Conv2DFFT returns Conv2D(tp, x, w, nil, 1, 0) for one single-channel
// image x (1 x 1 x H x W) and kernel w (1 x 1 x Kh x Kw, Kh <= H,
// Kw <= W): the 'valid' cross-correlation, (H-Kh+1) x (W-Kw+1), with
// gradients to both x and w. It multiplies spectra (float64 FFTs of a
// period at least H x W, so nothing wraps into the valid region) instead of
// summing Kh*Kw products per output sample: six transforms per forward and
// backward, whatever the kernel size. Results agree with Conv2D to float32
// rounding.
//
// It pays off for large kernels on one channel, such as SelfDeblur's blur
// of its image by its kernel: at 285 x 285 with a 31 x 31 kernel, a
// forward and backward take 3.4 ms against 16.2 ms for Conv2D
// (BenchmarkBlurFFT, BenchmarkBlurDirect, one core); under about 15 x 15
// Conv2D is faster. The transforms run on the calling goroutine only:
// SelfDeblur's restarts already keep every core busy, and splitting them
// there made a pair of fits 12 % slower.
func Conv2DFFT(tp *Tape, x, w *Tensor) *Tensor {
	n, c, h, wd := dims4("Conv2DFFT", x)
	wn, wc, kh, kw := dims4("Conv2DFFT weight", w)
	if n != 1 || c != 1 || wn != 1 || wc != 1 || kh < 1 || kw < 1 || kh > h || kw > wd {
		panic(fmt.Sprintf("tensor: Conv2DFFT of %v with kernel %v (want 1 x 1 x H x W and 1 x 1 x Kh x Kw, Kh <= H, Kw <= W)", x.shape, w.shape))
	}
	oh, ow := h-kh+1, wd-kw+1
	out := tp.result([]int{1, 1, oh, ow}, x, w)
	plan := tp.fftPlan(fft2.GoodEvenSize(wd), fft2.GoodSize(h))
	pw := plan.W
	grid := tp.float64s(plan.W * plan.H)
	load := func(src []float32, rows, cols int) []complex128 {
		clear(grid)
		for r := range rows {
			for j, v := range src[r*cols : (r+1)*cols] {
				grid[r*pw+j] = float64(v)
			}
		}
		return plan.Forward(tp.complexes(plan.SpectrumLen()), grid)
	}
	sx, sw := load(x.Data, h, wd), load(w.Data, kh, kw)
	prod := tp.complexes(len(sx))
	mulConj(prod, sx, sw)
	plan.Inverse(grid, prod)
	for r := range oh {
		for j := range ow {
			out.Data[r*ow+j] = float32(grid[r*pw+j])
		}
	}
	tp.record(out, func() {
		gx, gw := tp.grad(x), tp.grad(w)
		sg := load(out.Grad, oh, ow)
		if gx != nil { // dx = g convolved with w: G W
			for i, v := range sg {
				prod[i] = v * sw[i]
			}
			plan.Inverse(grid, prod)
			for r := range h {
				for j, v := range grid[r*pw : r*pw+wd] {
					gx[r*wd+j] += float32(v)
				}
			}
		}
		if gw != nil { // dw = x correlated with g: X conj(G)
			mulConj(prod, sx, sg)
			plan.Inverse(grid, prod)
			for r := range kh {
				for j, v := range grid[r*pw : r*pw+kw] {
					gw[r*kw+j] += float32(v)
				}
			}
		}
	})
	return out
}

// fftPlan returns a single-worker FFT plan for a w x h grid, kept by the
// tape across Reset (a nil tape makes one per call).
func (tp *Tape) fftPlan(w, h int) *fft2.Plan {
	if tp != nil {
		if p := tp.ffts[[2]int{w, h}]; p != nil {
			return p
		}
	}
	p, err := fft2.NewPlan(w, h, 1)
	if err != nil {
		panic(err) // the sizes are positive
	}
	if tp != nil {
		if tp.ffts == nil {
			tp.ffts = map[[2]int]*fft2.Plan{}
		}
		tp.ffts[[2]int{w, h}] = p
	}
	return p
}

// mulConj sets dst[i] to a[i] times the conjugate of b[i].
func mulConj(dst, a, b []complex128) {
	for i, v := range b {
		dst[i] = a[i] * complex(real(v), -imag(v))
	}
}
