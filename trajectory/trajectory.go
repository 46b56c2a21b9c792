package trajectory

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
)

// Trajectory is a motion path sampled at equal time steps.
type Trajectory struct {
	// Points are the positions in pixels, x in the real and y (rows, down)
	// in the imaginary part. Paths from Random have their time centroid
	// (see Centroid) at 0.
	Points []complex128
	// Length is the total path length in pixels (the sum of the step
	// lengths).
	Length float64
}

// Random draws a trajectory from the model of p; it returns the error of
// p.Validate when p is not valid. The
// total length L is drawn uniformly from [p.MinLength, p.MaxLength]; the
// path then walks Samples-1 steps of length L/(Samples-1) each:
//
//   - per path, a pull strength c ~ U(0, 0.7), a noise level g ~ U(0, 10), a
//     jerk frequency f ~ U(0, 0.2) and a uniform initial direction are drawn;
//   - at each step, with probability f*Anxiety the velocity v is jerked by
//     2v rotated by pi + U(-0.5, 0.5) (roughly reversing it); then
//     Anxiety*(g*(N(0,1) + i N(0,1)) - c*x)*step is added, x being the
//     position relative to the start; and v is rescaled to the step length.
//
// This is the model of Boracchi and Foi's reference code, except that the
// walk starts at full speed. A path whose bounding box does not fit in
// (Size-1) x (Size-1) pixels, so that its kernel would spill out of the
// frame, is redrawn with the same length; the lengths therefore stay exactly
// uniform. This ends with probability 1: the model is rotation invariant,
// and since MaxLength <= Size every path fits at some set of orientations
// of positive measure. The result is translated so that its centroid is 0.
func Random(rng *rand.Rand, p Params) (Trajectory, error) {
	if err := p.Validate(); err != nil {
		return Trajectory{}, err
	}
	length := p.MinLength + (p.MaxLength-p.MinLength)*rng.Float64()
	pts := make([]complex128, p.Samples)
	limit := float64(p.Size - 1)
	for {
		walk(rng, pts, length, p.Anxiety)
		if w, h := extent(pts); w <= limit && h <= limit {
			break
		}
	}
	c := centroid(pts)
	for i := range pts {
		pts[i] -= c
	}
	return Trajectory{Points: pts, Length: length}, nil
}

// walk fills pts with one random path of total length length starting at 0.
func walk(rng *rand.Rand, pts []complex128, length, anxiety float64) {
	step := length / float64(len(pts)-1)
	pull := 0.7 * rng.Float64()
	noise := 10 * rng.Float64()
	jerks := 0.2 * rng.Float64()
	v := cmplx.Rect(step, 2*math.Pi*rng.Float64())
	pts[0] = 0
	for t := 0; t+1 < len(pts); t++ {
		var dv complex128
		if rng.Float64() < jerks*anxiety {
			dv = 2 * v * cmplx.Rect(1, math.Pi+rng.Float64()-0.5)
		}
		g := complex(rng.NormFloat64(), rng.NormFloat64())
		dv += complex(anxiety*step, 0) * (complex(noise, 0)*g - complex(pull, 0)*pts[t])
		if nv := v + dv; cmplx.Abs(nv) > 0 {
			v = nv * complex(step/cmplx.Abs(nv), 0)
		}
		pts[t+1] = pts[t] + v
	}
}

// Centroid returns the time average of the position over the exposure, the
// path being linear between samples: the centre of mass of its kernel. A
// single point is its own centroid; an empty path has centroid 0.
func (t Trajectory) Centroid() complex128 { return centroid(t.Points) }

func centroid(pts []complex128) complex128 {
	switch n := len(pts); n {
	case 0:
		return 0
	case 1:
		return pts[0]
	default:
		s := (pts[0] + pts[n-1]) / 2
		for _, p := range pts[1 : n-1] {
			s += p
		}
		return s / complex(float64(n-1), 0)
	}
}

// extent returns the width and height of the bounding box of pts.
func extent(pts []complex128) (w, h float64) {
	x0, x1, y0, y1 := bounds(pts)
	return x1 - x0, y1 - y0
}

func bounds(pts []complex128) (x0, x1, y0, y1 float64) {
	x0, y0 = math.Inf(1), math.Inf(1)
	x1, y1 = math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		x0, x1 = min(x0, real(p)), max(x1, real(p))
		y0, y1 = min(y0, imag(p)), max(y1, imag(p))
	}
	return x0, x1, y0, y1
}

// checkFinite returns an error naming the first non-finite point.
func checkFinite(pts []complex128) error {
	for i, p := range pts {
		if cmplx.IsNaN(p) || cmplx.IsInf(p) {
			return fmt.Errorf("trajectory: point %d is %v", i, p)
		}
	}
	return nil
}
