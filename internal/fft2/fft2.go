// Package fft2 computes two-dimensional discrete Fourier transforms of real
// row-major grids with gonum's one-dimensional FFTs (pure Go).
//
// A real W x H grid transforms to a half spectrum of H rows by W/2+1
// columns (the other half follows from Hermitian symmetry). The forward
// transform is unnormalised; Inverse divides by W*H, so Inverse(Forward(x))
// returns x.
package fft2

import (
	"fmt"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/dsp/fourier"
)

// Plan holds the twiddle tables and scratch buffers for one grid size. A Plan
// is not safe for concurrent use by several goroutines (it uses its own
// goroutines internally, one per worker).
type Plan struct {
	W, H    int // grid size
	HW      int // W/2 + 1, the number of columns of the half spectrum
	workers []*worker
}

type worker struct {
	row *fourier.FFT
	col *fourier.CmplxFFT
	buf []complex128
}

// NewPlan returns a plan for w x h grids that uses up to maxWorkers
// goroutines (at most GOMAXPROCS; maxWorkers <= 0 means GOMAXPROCS).
func NewPlan(w, h, maxWorkers int) (*Plan, error) {
	if w < 1 || h < 1 {
		return nil, fmt.Errorf("fft2: invalid grid size %dx%d", w, h)
	}
	n := runtime.GOMAXPROCS(0)
	if maxWorkers > 0 && maxWorkers < n {
		n = maxWorkers
	}
	if n > h {
		n = h
	}
	p := &Plan{W: w, H: h, HW: w/2 + 1}
	for i := 0; i < n; i++ {
		p.workers = append(p.workers, &worker{
			row: fourier.NewFFT(w),
			col: fourier.NewCmplxFFT(h),
			buf: make([]complex128, h),
		})
	}
	return p, nil
}

// SpectrumLen returns the length of a half spectrum, H*(W/2+1).
func (p *Plan) SpectrumLen() int { return p.H * p.HW }

// parallel runs f(worker, lo, hi) over [0, n) split among the workers.
func (p *Plan) parallel(n int, f func(w *worker, lo, hi int)) {
	nw := len(p.workers)
	if nw == 1 || n < 2*nw {
		f(p.workers[0], 0, n)
		return
	}
	var wg sync.WaitGroup
	for i, w := range p.workers {
		lo, hi := i*n/nw, (i+1)*n/nw
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(w, lo, hi)
		}()
	}
	wg.Wait()
}

// Forward writes the half spectrum of the real grid src (length W*H) into dst
// (length SpectrumLen) and returns dst; dst is allocated when nil.
func (p *Plan) Forward(dst []complex128, src []float64) []complex128 {
	if len(src) != p.W*p.H {
		panic(fmt.Sprintf("fft2: source length %d, want %d", len(src), p.W*p.H))
	}
	if dst == nil {
		dst = make([]complex128, p.SpectrumLen())
	}
	if len(dst) != p.SpectrumLen() {
		panic(fmt.Sprintf("fft2: spectrum length %d, want %d", len(dst), p.SpectrumLen()))
	}
	p.parallel(p.H, func(w *worker, lo, hi int) {
		for y := lo; y < hi; y++ {
			w.row.Coefficients(dst[y*p.HW:(y+1)*p.HW], src[y*p.W:(y+1)*p.W])
		}
	})
	p.parallel(p.HW, func(w *worker, lo, hi int) {
		for x := lo; x < hi; x++ {
			for y := 0; y < p.H; y++ {
				w.buf[y] = dst[y*p.HW+x]
			}
			w.col.Coefficients(w.buf, w.buf)
			for y := 0; y < p.H; y++ {
				dst[y*p.HW+x] = w.buf[y]
			}
		}
	})
	return dst
}

// Inverse writes the real grid whose half spectrum is src into dst (length
// W*H), normalised so that Inverse(Forward(x)) == x, and returns dst. src is
// used as scratch space and is overwritten.
func (p *Plan) Inverse(dst []float64, src []complex128) []float64 {
	if len(src) != p.SpectrumLen() {
		panic(fmt.Sprintf("fft2: spectrum length %d, want %d", len(src), p.SpectrumLen()))
	}
	if dst == nil {
		dst = make([]float64, p.W*p.H)
	}
	if len(dst) != p.W*p.H {
		panic(fmt.Sprintf("fft2: destination length %d, want %d", len(dst), p.W*p.H))
	}
	scale := 1 / float64(p.W*p.H)
	p.parallel(p.HW, func(w *worker, lo, hi int) {
		for x := lo; x < hi; x++ {
			for y := 0; y < p.H; y++ {
				w.buf[y] = src[y*p.HW+x]
			}
			w.col.Sequence(w.buf, w.buf)
			for y := 0; y < p.H; y++ {
				src[y*p.HW+x] = w.buf[y] * complex(scale, 0)
			}
		}
	})
	p.parallel(p.H, func(w *worker, lo, hi int) {
		for y := lo; y < hi; y++ {
			row := src[y*p.HW : (y+1)*p.HW]
			// The imaginary parts of the DC (and, for even W, Nyquist)
			// columns must be zero for a real result; rounding may leave
			// tiny values that the real inverse would misread.
			row[0] = complex(real(row[0]), 0)
			if p.W%2 == 0 {
				row[p.HW-1] = complex(real(row[p.HW-1]), 0)
			}
			w.row.Sequence(dst[y*p.W:(y+1)*p.W], row)
		}
	})
	return dst
}

// GoodSize returns the smallest n >= min whose only prime factors are 2, 3
// and 5, sizes for which the transforms are fast.
func GoodSize(min int) int {
	if min < 1 {
		return 1
	}
	for n := min; ; n++ {
		m := n
		for _, f := range []int{2, 3, 5} {
			for m%f == 0 {
				m /= f
			}
		}
		if m == 1 {
			return n
		}
	}
}
