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
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/dsp/fourier"
)

// Plan holds the twiddle tables and scratch buffers for one grid size. A Plan
// is not safe for concurrent use by several goroutines (it uses its own
// goroutines internally, one per worker).
//
// Lengths whose prime factors are 2, 3 and 5 (see GoodSize) use this
// package's own Stockham transforms, the rows (for an even width) as complex
// transforms of half the length; other lengths fall back to gonum's FFTPACK
// port, which is several times slower.
type Plan struct {
	W, H    int          // grid size
	HW      int          // W/2 + 1, the number of columns of the half spectrum
	row     *cfft        // complex transform of length W/2, or nil
	col     *cfft        // complex transform of length H, or nil
	rowTw   []complex128 // exp(-2 pi i k / W), k = 0..W/2
	workers []*worker
}

// colBlock is the number of spectrum columns transformed together: they are
// gathered row by row, so each grid row is read in whole cache lines.
const colBlock = 8

type worker struct {
	row  *fourier.FFT      // fallback for the rows
	col  *fourier.CmplxFFT // fallback for the columns
	buf  []complex128      // colBlock columns, one after the other
	work []complex128      // scratch of the transforms
	z    []complex128      // one row packed as W/2 complex samples
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
	n = min(n, h)
	p := &Plan{W: w, H: h, HW: w/2 + 1}
	if w%2 == 0 {
		if c, ok := newCFFT(w / 2); ok {
			p.row = c
			p.rowTw = make([]complex128, w/2+1)
			for k := range p.rowTw {
				a := -2 * math.Pi * float64(k) / float64(w)
				p.rowTw[k] = complex(math.Cos(a), math.Sin(a))
			}
		}
	}
	if c, ok := newCFFT(h); ok {
		p.col = c
	}
	for i := 0; i < n; i++ {
		wk := &worker{
			buf:  make([]complex128, colBlock*h),
			work: make([]complex128, max(h, w/2)),
		}
		if p.row == nil {
			wk.row = fourier.NewFFT(w)
		} else {
			wk.z = make([]complex128, w/2)
		}
		if p.col == nil {
			wk.col = fourier.NewCmplxFFT(h)
		}
		p.workers = append(p.workers, wk)
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
			p.forwardRow(w, dst[y*p.HW:(y+1)*p.HW], src[y*p.W:(y+1)*p.W])
		}
	})
	p.columns(dst, false, 1)
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
	p.columns(src, true, 1/float64(p.W*p.H))
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
			p.inverseRow(w, dst[y*p.W:(y+1)*p.W], row)
		}
	})
	return dst
}

// columns transforms every column of the half spectrum s in place, forward
// or (unnormalised) inverse, and multiplies the result by scale.
func (p *Plan) columns(s []complex128, inverse bool, scale float64) {
	h, hw := p.H, p.HW
	nb := (hw + colBlock - 1) / colBlock
	// The inverse DFT is the conjugate of the forward DFT of the conjugate;
	// the conjugations and the scaling happen while gathering and
	// scattering the columns.
	conj := inverse && p.col != nil
	p.parallel(nb, func(w *worker, lo, hi int) {
		for b := lo; b < hi; b++ {
			x0 := b * colBlock
			nc := min(colBlock, hw-x0)
			for y := 0; y < h; y++ {
				row := s[y*hw+x0 : y*hw+x0+nc]
				if conj {
					for c, v := range row {
						w.buf[c*h+y] = complex(real(v), -imag(v))
					}
				} else {
					for c, v := range row {
						w.buf[c*h+y] = v
					}
				}
			}
			for c := 0; c < nc; c++ {
				col := w.buf[c*h : (c+1)*h]
				switch {
				case p.col != nil:
					p.col.transform(col, w.work[:h])
				case inverse:
					w.col.Sequence(col, col)
				default:
					w.col.Coefficients(col, col)
				}
			}
			sc := scale
			if conj {
				sc = -scale
			}
			for y := 0; y < h; y++ {
				row := s[y*hw+x0 : y*hw+x0+nc]
				for c := range row {
					v := w.buf[c*h+y]
					row[c] = complex(scale*real(v), sc*imag(v))
				}
			}
		}
	})
}

// forwardRow writes the half spectrum of the real row src into dst.
func (p *Plan) forwardRow(w *worker, dst []complex128, src []float64) {
	if p.row == nil {
		w.row.Coefficients(dst, src)
		return
	}
	// Even and odd samples as one complex sequence z = e + i o, whose DFT Z
	// gives E = (Z_k + conj Z_(N-k)) / 2 and O = (Z_k - conj Z_(N-k)) / 2i,
	// and X_k = E_k + exp(-2 pi i k / W) O_k.
	n := p.W / 2
	z := w.z
	for i := range z {
		z[i] = complex(src[2*i], src[2*i+1])
	}
	p.row.transform(z, w.work[:n])
	dst[0] = complex(real(z[0])+imag(z[0]), 0)
	dst[n] = complex(real(z[0])-imag(z[0]), 0)
	for k := 1; k < n; k++ {
		a, b := z[k], z[n-k]
		b = complex(real(b), -imag(b))
		e := scale(0.5, a+b)
		d := a - b
		o := complex(0.5*imag(d), -0.5*real(d))
		dst[k] = e + p.rowTw[k]*o
	}
}

// inverseRow writes the real row whose half spectrum is src into dst,
// unnormalised (W times the inverse DFT).
func (p *Plan) inverseRow(w *worker, dst []float64, src []complex128) {
	if p.row == nil {
		w.row.Sequence(dst, src)
		return
	}
	// Z_k = 2 E_k + 2i O_k with 2 E_k = X_k + conj X_(N-k) and
	// 2 O_k = (X_k - conj X_(N-k)) exp(2 pi i k / W); the inverse DFT of Z
	// holds the even samples in its real and the odd ones in its imaginary
	// part. It is computed, like the columns, by conjugating a forward one.
	n := p.W / 2
	z := w.z
	for k := 0; k < n; k++ {
		a, b := src[k], src[n-k]
		b = complex(real(b), -imag(b))
		t := p.rowTw[k]
		o := (a - b) * complex(real(t), -imag(t))
		v := a + b + complex(-imag(o), real(o))
		z[k] = complex(real(v), -imag(v))
	}
	p.row.transform(z, w.work[:n])
	for i, v := range z {
		dst[2*i] = real(v)
		dst[2*i+1] = -imag(v)
	}
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

// GoodEvenSize returns the smallest even n >= min whose only prime factors
// are 2, 3 and 5: a grid width whose rows take the fast real-transform path.
func GoodEvenSize(min int) int {
	return 2 * GoodSize((min+1)/2)
}
