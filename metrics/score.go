package metrics

import (
	"fmt"
	"math"

	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/plane"
)

// Result is the score of one estimate against its ground truth, all on the
// aligned, border-cropped region (see Align).
type Result struct {
	PSNR   float64 // dB, peak 255 on the 8-bit scale; +Inf when MSE is 0
	SSIM   float64 // mean SSIM (Wang et al. 2004, reference ssim.m); 1 for identical images
	DX, DY float64 // the alignment shift, see Alignment
	SSD    float64 // sum of squared differences on the [0, 1] scale
	MSE    float64 // SSD / pixel count, on the [0, 1] scale
	W, H   int     // size of the compared region
}

// Score aligns est to gt with protocol p and computes PSNR and SSIM on the
// aligned region. est and gt are gray (or luma) planes of the same size with
// samples on the [0, 1] scale; they are not modified.
func Score(est, gt *plane.Plane, p Protocol) (Result, error) {
	a, err := Align(est, gt, p)
	if err != nil {
		return Result{}, err
	}
	s, err := SSIM(a.Est, a.GT)
	if err != nil {
		return Result{}, err
	}
	n := float64(a.GT.W * a.GT.H)
	return Result{
		PSNR: psnrFromMSE(a.SSD / n), SSIM: s,
		DX: a.DX, DY: a.DY, SSD: a.SSD, MSE: a.SSD / n,
		W: a.GT.W, H: a.GT.H,
	}, nil
}

// ScoreImage is Score for decoded images. Two gray images are compared
// directly; otherwise both are converted to BT.601 luma on the [0, 1] scale
// (imageio.Luma, a gray image counting as R = G = B), so PSNR and SSIM are
// those of Y on the 8-bit scale, as in Lai et al.'s evaluation.
func ScoreImage(est, gt *imageio.Image, p Protocol) (Result, error) {
	e, g, err := ScoringPlanes(est, gt)
	if err != nil {
		return Result{}, err
	}
	return Score(e, g, p)
}

// ScoringPlanes returns the planes ScoreImage compares: the images
// themselves when both are gray, else their BT.601 luma (new planes).
func ScoringPlanes(est, gt *imageio.Image) (e, g *plane.Plane, err error) {
	if est.IsGray() && gt.IsGray() {
		return est.Channels[0], gt.Channels[0], nil
	}
	if e, err = imageio.Luma(est); err != nil {
		return nil, nil, fmt.Errorf("metrics: estimate: %w", err)
	}
	if g, err = imageio.Luma(gt); err != nil {
		return nil, nil, fmt.Errorf("metrics: ground truth: %w", err)
	}
	return e, g, nil
}

// PSNR returns 10 log10(255^2 / MSE) of a and b (same size, [0, 1] scale,
// MSE taken after multiplying by 255), without alignment; +Inf when they are
// equal.
func PSNR(a, b *plane.Plane) (float64, error) {
	if !a.SameSize(b) {
		return 0, fmt.Errorf("metrics: PSNR of %dx%d and %dx%d images", a.W, a.H, b.W, b.H)
	}
	if len(a.Pix) == 0 {
		return 0, fmt.Errorf("metrics: PSNR of empty images")
	}
	return psnrFromMSE(ssd(a, b) / float64(len(a.Pix))), nil
}

// psnrFromMSE converts an MSE on the [0, 1] scale (255^2 / (255^2 MSE)).
func psnrFromMSE(mse float64) float64 {
	if mse == 0 {
		return math.Inf(1)
	}
	return -10 * math.Log10(mse)
}

// ErrorRatio returns Levin et al.'s (2011) error ratio: the SSD of
// estDeconv (deconvolved with the estimated kernel) divided by the SSD of
// trueDeconv (deconvolved with the true kernel by the same non-blind method),
// each aligned to gt independently with protocol p, as Levin's
// comp_upto_shift does. This is the sum-of-squared-differences definition,
// not the matrix 2-norm of the SelfDeblur scripts. It is 1 when both SSDs
// are 0 and +Inf when only the denominator is.
func ErrorRatio(estDeconv, trueDeconv, gt *plane.Plane, p Protocol) (float64, error) {
	ae, err := Align(estDeconv, gt, p)
	if err != nil {
		return 0, fmt.Errorf("metrics: error ratio, estimated-kernel image: %w", err)
	}
	at, err := Align(trueDeconv, gt, p)
	if err != nil {
		return 0, fmt.Errorf("metrics: error ratio, true-kernel image: %w", err)
	}
	switch {
	case at.SSD == 0 && ae.SSD == 0:
		return 1, nil
	case at.SSD == 0:
		return math.Inf(1), nil
	}
	return ae.SSD / at.SSD, nil
}
