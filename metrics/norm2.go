package metrics

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/deblur/deblur/plane"
)

// SpectralNorm returns the matrix 2-norm of p read as an H x W matrix: its
// largest singular value (what MATLAB's norm of a matrix computes, not the
// Frobenius norm). It is 0 for an empty or all-zero plane and an error when
// the singular value decomposition fails or p has non-finite samples. The
// cost is that of an SVD without vectors, O(W H min(W, H)).
func SpectralNorm(p *plane.Plane) (float64, error) {
	if p.W == 0 || p.H == 0 {
		return 0, nil
	}
	if err := checkFinite(p, "matrix"); err != nil {
		return 0, err
	}
	a := mat.NewDense(p.H, p.W, append([]float64(nil), p.Pix...))
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDNone) {
		return 0, fmt.Errorf("metrics: singular value decomposition of a %dx%d plane failed", p.W, p.H)
	}
	return svd.Values(nil)[0], nil
}

// ErrorNorm2 returns the matrix 2-norm (SpectralNorm) of the error of est
// against gt after aligning est with protocol p (see Align): the error
// measure of the SelfDeblur authors' evaluation script, whose Levin error
// ratios (Table 3 of the paper) are ratios of these norms. Samples are on
// the [0, 1] scale.
func ErrorNorm2(est, gt *plane.Plane, p Protocol) (float64, error) {
	a, err := Align(est, gt, p)
	if err != nil {
		return 0, err
	}
	// a.Est is a fresh resampling of est: it becomes the error in place.
	for i := range a.Est.Pix {
		a.Est.Pix[i] -= a.GT.Pix[i]
	}
	return SpectralNorm(a.Est)
}

// ErrorRatioNorm2 is ErrorRatio with the matrix 2-norm of each aligned error
// (ErrorNorm2) in place of its SSD: ||estDeconv - gt||_2 / ||trueDeconv -
// gt||_2, the definition of the SelfDeblur scripts and of the error ratios
// published in the SelfDeblur paper. It is not squared, so it is near the
// square root of ErrorRatio when the errors have similar singular value
// spectra. It is 1 when both norms are 0 and +Inf when only the denominator
// is.
func ErrorRatioNorm2(estDeconv, trueDeconv, gt *plane.Plane, p Protocol) (float64, error) {
	ne, err := ErrorNorm2(estDeconv, gt, p)
	if err != nil {
		return 0, fmt.Errorf("metrics: 2-norm error ratio, estimated-kernel image: %w", err)
	}
	nt, err := ErrorNorm2(trueDeconv, gt, p)
	if err != nil {
		return 0, fmt.Errorf("metrics: 2-norm error ratio, true-kernel image: %w", err)
	}
	switch {
	case nt == 0 && ne == 0:
		return 1, nil
	case nt == 0:
		return math.Inf(1), nil
	}
	return ne / nt, nil
}
