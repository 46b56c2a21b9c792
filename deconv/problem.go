package deconv

import (
	"fmt"
	"math"
	"runtime"

	"github.com/deblur/deblur/internal/fft2"
	"github.com/deblur/deblur/plane"
)

// Boundary selects how a method treats the image borders.
type Boundary int

const (
	// BoundaryValid solves the exact 'valid' model: the unknown image extends
	// past y by the kernel size minus one and nothing is assumed outside.
	// It is the default.
	BoundaryValid Boundary = iota
	// BoundaryReflect mirrors y by the kernel size on every side and solves a
	// periodic model (classic FFT deconvolution); kept for comparison.
	BoundaryReflect
	// BoundaryCircular is the exact model of a circular (periodic) blur:
	// y = x ⊛ k with x the size of y, wrapping around at the borders, the
	// kernel centre (k.W/2, k.H/2) at the origin (blur.CircularConvolve).
	// It is for images that were blurred that way, such as the 28x28
	// digits of the deep-generative-priors benchmark.
	BoundaryCircular
	// BoundarySmooth lays y on the periodic grid of the valid model and
	// fills the band around it (the kernel size plus a few pixels) with
	// smooth ramps that join opposite edges, in the spirit of Liu & Jia
	// (2008, "Reducing boundary artifacts in image deconvolution"); the
	// periodic model with unit data weight on the whole grid is then solved
	// by FFTs alone. Far less ringing than BoundaryReflect at about the same
	// cost, but less accurate near the borders than BoundaryValid.
	BoundarySmooth
)

// String returns "valid", "reflect" or "smooth".
func (b Boundary) String() string {
	switch b {
	case BoundaryValid:
		return "valid"
	case BoundaryReflect:
		return "reflect"
	case BoundaryCircular:
		return "circular"
	case BoundarySmooth:
		return "smooth"
	}
	return fmt.Sprintf("Boundary(%d)", int(b))
}

// Model holds the settings of the data term shared by every method.
type Model struct {
	// Boundary is the boundary model; the zero value is BoundaryValid.
	Boundary Boundary
	// Weight optionally weights each pixel of y in the squared data term. It
	// must be the size of y with values >= 0; nil means weight 1 everywhere.
	// Zero weight removes a pixel (e.g. a clipped one) from the model.
	Weight *plane.Plane
}

// kernelSumTol is how far from 1 the sum of a kernel's taps may be.
const kernelSumTol = 1e-3

// gcMinPoints is the grid size from which newProblem collects garbage
// before allocating: a 2000 x 2000 image's arrays take about 0.5 GB.
const gcMinPoints = 4_000_000

// margin is the extra periodic padding, in pixels, beyond the extended image
// in valid mode; it keeps the periodic prior from coupling opposite edges.
const margin = 8

// problem is a deconvolution problem laid out on a periodic gw x gh grid.
// The blur operator is circular convolution with k whose tap (0, 0) sits at
// the grid origin; the observed pixel y(i, j) is compared with the blurred
// grid at (i+yx, j+yy), with weight wd there (1 when wd is nil) and zero
// elsewhere (in the periodic models the whole grid is observed). The
// estimate of x(i, j) is the grid sample at (i+cx, j+cy).
type problem struct {
	w, h     int // size of y
	gw, gh   int // grid size
	yx, yy   int // where y sits on the grid
	cx, cy   int // where the output crop starts on the grid
	plan     *fft2.Plan
	kf       []complex128 // transfer function of k
	wd       []float64    // data weight on the grid, nil for 1 on y (or everywhere if periodic)
	ktwy     []float64    // K^T (wd * y)
	periodic bool         // data weight 1 everywhere: the system is circulant

	colw []float64 // Parseval weights of the half-spectrum columns

	// scratch
	spec     []complex128
	cgD, cgQ []complex128 // conjugate-gradient directions, allocated by pcg
	tmp      []float64
}

// newProblem validates y and k and lays the problem out for the model m.
func newProblem(y, k *plane.Plane, m Model) (*problem, error) {
	if y == nil || k == nil || y.W < 1 || y.H < 1 || len(y.Pix) != y.W*y.H {
		return nil, fmt.Errorf("deconv: empty or malformed image")
	}
	if k.W < 1 || k.H < 1 || len(k.Pix) != k.W*k.H {
		return nil, fmt.Errorf("deconv: empty or malformed kernel")
	}
	if k.W > y.W || k.H > y.H {
		return nil, fmt.Errorf("deconv: %dx%d kernel larger than the %dx%d image", k.W, k.H, y.W, y.H)
	}
	s := 0.0
	for _, v := range k.Pix {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("deconv: kernel has a negative or non-finite tap %v", v)
		}
		s += v
	}
	if math.Abs(s-1) > kernelSumTol {
		return nil, fmt.Errorf("deconv: kernel sums to %v, want 1", s)
	}
	if m.Weight != nil && !m.Weight.SameSize(y) {
		return nil, fmt.Errorf("deconv: weight is %dx%d, image %dx%d", m.Weight.W, m.Weight.H, y.W, y.H)
	}
	p := &problem{w: y.W, h: y.H}
	var src *plane.Plane // the observation as laid on the grid
	switch m.Boundary {
	case BoundaryValid:
		p.gw = fft2.GoodEvenSize(y.W + k.W - 1 + margin)
		p.gh = fft2.GoodSize(y.H + k.H - 1 + margin)
		p.yx, p.yy = k.W-1, k.H-1
		src = y
	case BoundaryReflect:
		if m.Weight != nil {
			return nil, fmt.Errorf("deconv: a data weight needs the valid boundary model")
		}
		px, py := k.W, k.H
		p.gw = fft2.GoodEvenSize(y.W + 2*px)
		p.gh = fft2.GoodSize(y.H + 2*py)
		src = reflectPad(y, px, py, p.gw, p.gh)
		p.yx, p.yy = px, py
		p.periodic = true
	case BoundaryCircular:
		if m.Weight != nil {
			return nil, fmt.Errorf("deconv: a data weight needs the valid boundary model")
		}
		// The grid is the image: x at the origin, so y(i, j) is the
		// blurred grid at (i + k.W/2, j + k.H/2), wrapped.
		p.gw, p.gh = y.W, y.H
		p.yx, p.yy = k.W/2, k.H/2
		src = plane.New(y.W, y.H)
		for j := 0; j < y.H; j++ {
			for i := 0; i < y.W; i++ {
				src.Pix[((j+p.yy)%y.H)*y.W+(i+p.yx)%y.W] = y.Pix[j*y.W+i]
			}
		}
		p.periodic = true
	case BoundarySmooth:
		if m.Weight != nil {
			return nil, fmt.Errorf("deconv: a data weight needs the valid boundary model")
		}
		p.gw = fft2.GoodEvenSize(y.W + k.W - 1 + margin)
		p.gh = fft2.GoodSize(y.H + k.H - 1 + margin)
		p.yx, p.yy = k.W-1, k.H-1
		src = plane.SmoothExtend(y, p.gw, p.gh, p.yx, p.yy)
		p.periodic = true
	default:
		return nil, fmt.Errorf("deconv: unknown boundary model %d", int(m.Boundary))
	}
	p.cx, p.cy = p.yx-k.W/2, p.yy-k.H/2
	if p.gw*p.gh >= gcMinPoints {
		// The arrays of an earlier solve (say of the previous colour
		// channel) are garbage by now; collecting them before allocating
		// lets this solve reuse their memory, where the collector's pacing
		// would otherwise let the heap grow to about twice the live size.
		runtime.GC()
	}
	plan, err := fft2.NewPlan(p.gw, p.gh, 0)
	if err != nil {
		return nil, fmt.Errorf("deconv: %w", err)
	}
	p.plan = plan
	n := p.gw * p.gh
	grid := make([]float64, n)
	for j := 0; j < k.H; j++ {
		copy(grid[j*p.gw:], k.Pix[j*k.W:(j+1)*k.W])
	}
	p.kf = plan.Forward(nil, grid)
	wy := grid // reused: wd * y on the grid
	if p.periodic {
		// src already is the whole grid (reflectPad and plane.SmoothExtend fill
		// it all).
		copy(wy, src.Pix)
	} else {
		clear(wy)
		if m.Weight != nil {
			p.wd = make([]float64, n)
		}
		for j := 0; j < y.H; j++ {
			for i := 0; i < y.W; i++ {
				g := (j+p.yy)*p.gw + i + p.yx
				wt := 1.0
				if m.Weight != nil {
					wt = m.Weight.Pix[j*y.W+i]
					if wt < 0 || math.IsNaN(wt) || math.IsInf(wt, 0) {
						return nil, fmt.Errorf("deconv: invalid data weight %v at (%d,%d)", wt, i, j)
					}
					p.wd[g] = wt
				}
				wy[g] = wt * y.Pix[j*y.W+i]
			}
		}
	}
	p.colw = columnWeights(p.gw)
	p.spec = make([]complex128, plan.SpectrumLen())
	p.tmp = make([]float64, n)
	p.ktwy = wy
	p.applyKT(p.ktwy, wy)
	return p, nil
}

// reflectPad returns y mirrored (half-sample symmetric, like MATLAB's
// padarray 'symmetric') on a gw x gh grid with y at (px, py); samples past
// the right and bottom padding continue the mirror so the grid is filled.
func reflectPad(y *plane.Plane, px, py, gw, gh int) *plane.Plane {
	out := plane.New(gw, gh)
	for j := 0; j < gh; j++ {
		sy := plane.MirrorIndex(j-py, y.H)
		for i := 0; i < gw; i++ {
			out.Pix[j*gw+i] = y.Pix[sy*y.W+plane.MirrorIndex(i-px, y.W)]
		}
	}
	return out
}

// applyKT writes the adjoint (circular correlation with k) of r into dst.
func (p *problem) applyKT(dst, r []float64) {
	p.plan.Forward(p.spec, r)
	forChunks(len(p.spec), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			c := p.kf[i]
			p.spec[i] *= complex(real(c), -imag(c))
		}
	})
	p.plan.Inverse(dst, p.spec)
}

// solveCirculant writes F^-1(F r / (|kf|^2 + s prior)) into dst: the exact
// solution of the periodic system with unit data weight, used as the
// preconditioner.
func (p *problem) solveCirculant(dst, r []float64, prior []float64, s float64) {
	p.plan.Forward(p.spec, r)
	forChunks(len(p.spec), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			c := p.kf[i]
			d := real(c)*real(c) + imag(c)*imag(c)
			if prior != nil {
				d += s * prior[i]
			}
			p.spec[i] *= complex(1/math.Max(d, 1e-12), 0)
		}
	})
	p.plan.Inverse(dst, p.spec)
}

// applyWeight multiplies the grid t by the data weight: wd, or the
// indicator of where y lies on the grid, or nothing in the periodic models.
func (p *problem) applyWeight(t []float64) {
	switch {
	case p.wd != nil:
		forChunks(len(t), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				t[i] *= p.wd[i]
			}
		})
	case !p.periodic:
		forRows(p.gh, p.gw, func(lo, hi int) {
			for j := lo; j < hi; j++ {
				row := t[j*p.gw : (j+1)*p.gw]
				if j < p.yy || j >= p.yy+p.h {
					clear(row)
					continue
				}
				clear(row[:p.yx])
				clear(row[p.yx+p.w:])
			}
		})
	}
}

// forward returns the half spectrum of the grid x in a new slice.
func (p *problem) forward(x []float64) []complex128 {
	return p.plan.Forward(nil, x)
}

// inverse writes the grid whose half spectrum is s into dst, leaving s
// intact.
func (p *problem) inverse(dst []float64, s []complex128) {
	copy(p.spec, s)
	p.plan.Inverse(dst, p.spec)
}

// initial returns a starting estimate on the grid: y at the output crop,
// extended periodically by replicating its nearest edge.
func (p *problem) initial(y *plane.Plane) []float64 {
	x := make([]float64, p.gw*p.gh)
	for j := 0; j < p.gh; j++ {
		sy := edgeIndex(j-p.cy, y.H, p.gh)
		for i := 0; i < p.gw; i++ {
			x[j*p.gw+i] = y.Pix[sy*y.W+edgeIndex(i-p.cx, y.W, p.gw)]
		}
	}
	return x
}

// edgeIndex maps a grid offset from the image origin, on a periodic grid of
// size g, to the nearest index of an image of size n.
func edgeIndex(u, n, g int) int {
	u %= g
	if u < 0 {
		u += g
	}
	switch {
	case u < n:
		return u
	case u < n+(g-n)/2:
		return n - 1
	}
	return 0
}

// crop returns the estimate of x, the size of y, clamped to [0, 1].
func (p *problem) crop(x []float64) *plane.Plane {
	out := plane.New(p.w, p.h)
	for j := 0; j < p.h; j++ {
		copy(out.Pix[j*p.w:(j+1)*p.w], x[(j+p.cy)*p.gw+p.cx:])
	}
	return out.Clamp(0, 1)
}
