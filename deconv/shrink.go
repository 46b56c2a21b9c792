package deconv

import (
	"fmt"
	"math"
)

// shrinker solves the scalar problem of half-quadratic splitting,
//
//	w*(v) = argmin over w of |w|^alpha + (beta/2) (w - v)^2,
//
// for 0 < alpha <= 1, by a lookup table with linear interpolation (Krishnan
// & Fergus 2009 use the same idea), built once per beta from exact solutions.
type shrinker struct {
	alpha, beta float64
	thr         float64   // |v| <= thr gives w = 0
	lo, step    float64   // table abscissae lo + i*step, i = 0..len(tab)-1
	tab         []float64 // w*(v) for v >= thr
}

// shrinkTableLen is the number of table entries between the threshold and
// shrinkTableMax; the interpolation error is far below the image precision.
const (
	shrinkTableLen = 4096
	shrinkTableMax = 1.5
)

func newShrinker(alpha, beta float64) (*shrinker, error) {
	if !(alpha > 0 && alpha <= 1) || !(beta > 0) {
		return nil, fmt.Errorf("deconv: shrinkage needs 0 < alpha <= 1 and beta > 0, have %v, %v", alpha, beta)
	}
	s := &shrinker{alpha: alpha, beta: beta}
	if alpha == 1 {
		s.thr = 1 / beta
		return s, nil
	}
	// Threshold: the smallest v at which a non-zero minimiser beats w = 0,
	// found by bisection on v (the comparison is monotone in v).
	lo, hi := 0.0, 1.0
	for exactShrink(hi, alpha, beta) == 0 {
		hi *= 2
	}
	for it := 0; it < 100; it++ {
		mid := (lo + hi) / 2
		if exactShrink(mid, alpha, beta) == 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	s.thr = hi
	if s.thr < shrinkTableMax {
		s.lo = s.thr
		s.step = (shrinkTableMax - s.thr) / (shrinkTableLen - 1)
		s.tab = make([]float64, shrinkTableLen)
		for i := range s.tab {
			s.tab[i] = exactShrink(s.lo+float64(i)*s.step, alpha, beta)
		}
		s.tab[0] = exactShrink(hi, alpha, beta)
	}
	return s, nil
}

// apply returns w*(v).
func (s *shrinker) apply(v float64) float64 {
	a := math.Abs(v)
	if a <= s.thr {
		return 0
	}
	var w float64
	switch {
	case s.alpha == 1:
		w = a - s.thr
	case s.tab != nil && a < shrinkTableMax:
		f := (a - s.lo) / s.step
		i := int(f)
		if i >= len(s.tab)-1 {
			i = len(s.tab) - 2
		}
		t := f - float64(i)
		w = s.tab[i] + t*(s.tab[i+1]-s.tab[i])
	default:
		w = exactShrink(a, s.alpha, s.beta)
	}
	if v < 0 {
		return -w
	}
	return w
}

// exactShrink returns the minimiser over w of |w|^alpha + beta/2 (w-v)^2 for
// v >= 0 and 0 < alpha < 1. A non-zero minimiser solves
// g(w) = w + (alpha/beta) w^(alpha-1) - v = 0 on the branch right of the
// minimum of the convex g, which Newton's method from w = v reaches
// monotonically; it is kept when its energy is below that of w = 0.
func exactShrink(v, alpha, beta float64) float64 {
	if v <= 0 {
		return 0
	}
	c := alpha / beta
	wmin := math.Pow(c*(1-alpha), 1/(2-alpha)) // where g' = 0
	if wmin >= v || wmin+c*math.Pow(wmin, alpha-1) > v {
		return 0 // g has no root below v
	}
	w := v
	for it := 0; it < 60; it++ {
		g := w + c*math.Pow(w, alpha-1) - v
		dg := 1 + c*(alpha-1)*math.Pow(w, alpha-2)
		nw := w - g/dg
		if nw < wmin {
			nw = wmin
		}
		if math.Abs(nw-w) <= 1e-14*v {
			w = nw
			break
		}
		w = nw
	}
	if math.Pow(w, alpha)+beta/2*(w-v)*(w-v) < beta/2*v*v {
		return w
	}
	return 0
}
