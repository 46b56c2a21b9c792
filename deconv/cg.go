package deconv

import (
	"context"
	"fmt"
	"math"
)

// cgSolve runs preconditioned conjugate gradients on the symmetric positive
// definite system A x = b, starting from (and overwriting) x. It stops after
// maxIter iterations or when the residual norm falls below tol times the norm
// of b, and returns the number of iterations done. It checks ctx every
// iteration.
func cgSolve(ctx context.Context, apply, precond func(dst, src []float64), b, x []float64, maxIter int, tol float64) (int, error) {
	n := len(b)
	r := make([]float64, n)
	z := make([]float64, n)
	d := make([]float64, n)
	q := make([]float64, n)
	apply(q, x)
	for i := range r {
		r[i] = b[i] - q[i]
	}
	bnorm := math.Sqrt(dot(b, b))
	if bnorm == 0 {
		bnorm = 1
	}
	precond(z, r)
	copy(d, z)
	rz := dot(r, z)
	for it := 0; it < maxIter; it++ {
		if err := ctx.Err(); err != nil {
			return it, fmt.Errorf("deconv: conjugate gradients: %w", err)
		}
		if math.Sqrt(dot(r, r)) <= tol*bnorm {
			return it, nil
		}
		apply(q, d)
		dq := dot(d, q)
		if dq <= 0 {
			return it, nil // numerically converged (or not positive definite)
		}
		alpha := rz / dq
		for i := range x {
			x[i] += alpha * d[i]
			r[i] -= alpha * q[i]
		}
		precond(z, r)
		rzNew := dot(r, z)
		beta := rzNew / rz
		rz = rzNew
		for i := range d {
			d[i] = z[i] + beta*d[i]
		}
	}
	return maxIter, nil
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}
